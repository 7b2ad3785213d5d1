// The document of an isolated remote. The shell puts it in <iframe sandbox="allow-scripts"> (an opaque origin: no
// cookies, no storage, no way into the shell's page) and the server sends it with a strict CSP of its own.
//
// Everything crosses one MessageChannel as JSON strings (shared_types::frame), except the remote's wasm module,
// which the shell fetches and verifies and hands over as bytes. The shell sends the remote's entry URLs and the
// digests it read from the manifest; this script loads exactly those files under those digests, and
// mounts the remote with a host object of the same shape the shell gives a trusted remote, so a remote's code is
// the same either way. It reports its state, its height, fetch requests and navigation, and evaluates nothing it
// receives. The channel's port is accepted once, from the parent window only.

const root = document.getElementById("remote-root");
let port = null;
let module = null;
let moduleBytes = null;
let handle = null;
let context = "";
let nextRequest = 1;
const pending = new Map();

// Messages are externally tagged: {"fetch": {...}}, or a bare string for those without fields ("mounted").
function send(type, fields) {
  port.postMessage(JSON.stringify(fields === undefined ? type : { [type]: fields }));
}

function reason(error) {
  return String(error && error.message ? error.message : error);
}

function verifiedPreload(url, integrity) {
  return new Promise((loaded, refused) => {
    const link = document.createElement("link");
    link.rel = "modulepreload";
    link.href = url;
    link.integrity = integrity;
    link.crossOrigin = "anonymous";
    link.onload = () => { link.remove(); loaded(); };
    link.onerror = () => { link.remove(); refused(new Error(`${url.split("?")[0]} does not match its digest or could not be fetched`)); };
    document.head.appendChild(link);
  });
}

function verifiedText(url, integrity) {
  return fetch(url, { integrity })
    .then((response) => (response.ok ? response.text() : Promise.reject()))
    .catch(() => { throw new Error(`${url.split("?")[0]} does not match its digest or could not be fetched`); });
}

const host = {
  context: () => context,
  navigate(path) {
    if (typeof path !== "string") throw new Error("refused: not an in-app path");
    send("navigate", { path });
  },
  fetch(request) {
    const id = nextRequest++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      send("fetch", { id, request: String(request) });
    });
  },
};

// The shell's language, direction and theme, copied onto this document's root element.
function follow(appearance) {
  if (!appearance) return;
  const rootElement = document.documentElement;
  for (const [attribute, value] of [["lang", appearance.lang], ["dir", appearance.dir], ["data-theme", appearance.theme]]) {
    if (value) rootElement.setAttribute(attribute, value);
    else rootElement.removeAttribute(attribute);
  }
}

async function load(message) {
  context = message.context;
  root.dataset.remote = message.remote;
  follow(message.appearance);
  const shellStyles = document.createElement("link");
  shellStyles.rel = "stylesheet";
  shellStyles.href = message.shell_css;
  document.head.appendChild(shellStyles);
  let wasm;
  try {
    const styles = message.css ? verifiedText(message.css, message.css_integrity) : Promise.resolve(null);
    wasm = moduleBytes
      ? Promise.resolve(moduleBytes)
      : fetch(message.wasm, { integrity: message.wasm_integrity }).catch(() => {
          throw new Error(`${message.wasm.split("?")[0]} does not match its digest or could not be fetched`);
        });
    const [css] = await Promise.all([styles, verifiedPreload(message.js, message.js_integrity), wasm]);
    if (css !== null) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      if (sheet.cssRules.length !== 1 || sheet.cssRules[0].constructor.name !== "CSSScopeRule") {
        throw new Error(`${message.css.split("?")[0]} is not one scoped stylesheet`);
      }
      document.adoptedStyleSheets = [sheet];
    }
  } catch (error) {
    send("failed", { stage: "integrity", error: reason(error) });
    return;
  }
  try {
    module = await import(message.js);
    await module.default({ module_or_path: await wasm });
  } catch (error) {
    send("failed", { stage: "code", error: reason(error) });
    return;
  }
  let contract = "";
  try {
    contract = typeof module.contract === "function" ? String(module.contract()) : "";
  } catch (error) {}
  send("loaded", { contract });
}

function mount() {
  try {
    handle = module.mount(root, host);
  } catch (error) {
    root.replaceChildren();
    send("failed", { stage: "mount", error: reason(error) });
    return;
  }
  send("mounted");
  watchSize();
}

// Reports the document's height to the shell as it changes (set up once; a parked frame mounts again).
let sizeWatched = false;
function watchSize() {
  if (sizeWatched) return;
  sizeWatched = true;
  let last = -1;
  const reportSize = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      send("size", { height });
    }
  };
  // ResizeObserver runs only when the frame renders, which a browser may delay (a page resumed from being frozen
  // renders a new frame late); a MutationObserver runs after every change of the remote's DOM regardless.
  new ResizeObserver(reportSize).observe(document.documentElement);
  new MutationObserver(reportSize).observe(root, { childList: true, subtree: true, characterData: true, attributes: true });
  reportSize();
}

// A navigation brought the user to this remote: its main heading takes focus once it exists and can take it (for up
// to 8 s). A frame shown again a moment ago may not be rendered yet, and focus() then does nothing: it is tried again
// until the heading has focus, unless something else inside the frame got it meanwhile.
function focusHeading() {
  const giveUpAt = Date.now() + 8000;
  const attempt = () => {
    const active = document.activeElement;
    if (active && active !== document.body && active !== document.documentElement && active.tagName !== "H1") return;
    const heading = root.querySelector("h1");
    if (heading) {
      if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
      heading.focus();
      if (document.activeElement === heading) return;
    }
    if (Date.now() < giveUpAt) setTimeout(attempt, 50);
  };
  attempt();
}

function receive(text) {
  let type;
  let message;
  try {
    const parsed = JSON.parse(text);
    type = typeof parsed === "string" ? parsed : Object.keys(parsed)[0];
    message = typeof parsed === "string" ? {} : parsed[type];
  } catch (error) {
    return;
  }
  switch (type) {
    case "load":
      if (!module) load(message);
      break;
    case "mount":
      if (module && !handle) mount();
      break;
    case "unmount":
      if (handle) {
        try {
          handle.unmount();
          if (typeof handle.free === "function") handle.free();
        } catch (error) {}
        handle = null;
        root.replaceChildren();
      }
      break;
    case "context":
      context = message.context;
      if (handle) handle.update(context);
      break;
    case "event":
      if (handle && typeof handle.notify === "function") handle.notify(message.event);
      break;
    case "appearance":
      follow(message);
      break;
    case "focus_heading":
      focusHeading();
      break;
    case "reply": {
      const resolve = pending.get(message.id);
      pending.delete(message.id);
      if (resolve) resolve(message.reply);
      break;
    }
  }
}

window.addEventListener("message", (event) => {
  if (port || event.source !== window.parent || event.data !== "portico-frame-port" || event.ports.length !== 1) return;
  port = event.ports[0];
  port.onmessage = (incoming) => {
    // The remote's wasm module, fetched and verified by the shell, arrives once, as bytes, before "load".
    if (incoming.data instanceof ArrayBuffer) {
      if (!module && !moduleBytes) moduleBytes = incoming.data;
      return;
    }
    receive(incoming.data);
  };
});
window.parent.postMessage("portico-frame-ready", "*");
