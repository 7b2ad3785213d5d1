// The `cargo xtask dev --remote NAME` harness: mounts one remote as the shell would, with a demo identity.
//
// It signs in as the chosen demo user through the API, answers the remote's host calls (context, navigate, fetch)
// with the same JSON messages the shell uses, and checks the remote's files against its manifest's digests. A new
// build from the dev loop swaps in place; a failed one shows its first error over the page. The access token stays
// inside this module's scope. This page is a development tool; it is never part of a build.

const config = JSON.parse(document.getElementById("harness-config").textContent);
const root = document.querySelector(".remote-root");
const status = document.getElementById("harness-status");
const pathLabel = document.getElementById("harness-path");

function say(text) {
  status.textContent = text;
}

async function signIn() {
  const response = await fetch("/api/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json", "x-requested-with": "portico" },
    body: JSON.stringify({ username: config.user, password: `${config.user}-password` }),
  });
  if (!response.ok) throw new Error(`signing in as ${config.user} failed (${response.status})`);
  return response.json();
}

function hostFor(session, remote) {
  let path = location.pathname + location.search;
  let handle = null;
  const context = () => JSON.stringify({ identity: session.identity, path });
  return {
    attach(mounted) {
      handle = mounted;
    },
    context,
    navigate(target) {
      if (typeof target !== "string" || !target.startsWith("/") || target.startsWith("//")) {
        throw new Error("refused: not an in-app path");
      }
      history.pushState(null, "", target);
      path = target;
      pathLabel.textContent = target;
      if (handle) handle.update(context());
    },
    async fetch(requestJson) {
      const request = JSON.parse(requestJson);
      if (!request.path.startsWith("/api/")) return JSON.stringify({ refused: "not an /api/ path" });
      const headers = { authorization: `Bearer ${session.access_token}` };
      if (request.body !== undefined && request.body !== null) headers["content-type"] = "application/json";
      try {
        const response = await fetch(request.path, { method: request.method, headers, body: request.body ?? undefined });
        if (response.status === 401) return JSON.stringify("session_expired");
        return JSON.stringify({ response: { status: response.status, body: await response.text() } });
      } catch (error) {
        return JSON.stringify("network");
      }
    },
  };
}

// What is mounted now: the module's handle, its stylesheet and the digest of the build it came from.
let mounted = null;
let session = null;
let loads = 0;

async function load(manifest) {
  const base = `/remotes/${config.remote}/`;
  // A new build often has the same JS glue (only its wasm changed), and a module URL already imported gives back the
  // old, initialised module: each later load imports its own URL (the server ignores the query).
  const suffix = loads++ === 0 ? "" : `?build=${loads}`;
  const wasm = fetch(base + manifest.entry_wasm, { integrity: manifest.entry_wasm_integrity });
  let sheet = null;
  if (manifest.entry_css) {
    const css = await (await fetch(base + manifest.entry_css, { integrity: manifest.entry_css_integrity })).text();
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
  }
  await new Promise((verified, refused) => {
    const link = document.createElement("link");
    link.rel = "modulepreload";
    link.href = base + manifest.entry_js + suffix;
    link.integrity = manifest.entry_js_integrity;
    link.crossOrigin = "anonymous";
    link.onload = () => { link.remove(); verified(); };
    link.onerror = () => { link.remove(); refused(new Error(`${manifest.entry_js} does not match its digest`)); };
    document.head.appendChild(link);
  });
  const module = await import(base + manifest.entry_js + suffix);
  await module.default({ module_or_path: await wasm });
  return { module, sheet };
}

// Mounts `manifest`'s build in place of what is mounted (the first build, or a new one from the dev loop).
async function mountBuild(manifest) {
  const { module, sheet } = await load(manifest);
  if (mounted) {
    try {
      mounted.handle.unmount();
      mounted.handle.free();
    } catch (error) {
      console.warn(`${config.remote} failed to unmount`, error);
    }
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((known) => known !== mounted.sheet);
    root.replaceChildren();
  }
  if (sheet) document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  const host = hostFor(session, config.remote);
  const handle = module.mount(root, host);
  host.attach(handle);
  mounted = { handle, sheet, build: manifest.entry_wasm_integrity };
  say(`${config.remote} ${manifest.version} (contract ${module.contract()}) as ${session.identity.display_name}`);
}

// The dev loop's build states (GET /api/dev/builds): a new build swaps in, a failed one shows over the page.
function followBuilds() {
  const overlay = document.getElementById("harness-build-failure");
  const source = new EventSource("/api/dev/builds");
  source.onmessage = (event) => {
    const build = (JSON.parse(event.data).remotes || []).find((known) => known.remote === config.remote);
    if (!build) return;
    if (build.building) say(`Rebuilding ${config.remote}…`);
    const failure = build.outcome.Failed;
    overlay.hidden = !failure;
    if (failure) {
      const place = failure.location ? `${failure.location.file}:${failure.location.line}:${failure.location.column}` : "";
      overlay.querySelector("h2").textContent = `Build failed: ${config.remote}`;
      overlay.querySelector("code").textContent = place;
      overlay.querySelector("strong").textContent = failure.message;
      overlay.querySelector("pre").textContent = failure.detail;
      return;
    }
    const manifest = build.outcome.Built;
    if (manifest && session && (!mounted || mounted.build !== manifest.entry_wasm_integrity)) {
      mountBuild(manifest).catch((error) => say(`The new build of ${config.remote} could not start: ${error.message}`));
    }
  };
}

async function start() {
  say(`Signing in as ${config.user}…`);
  session = await signIn();
  say(`Loading ${config.remote}…`);
  const manifest = await (await fetch(`/remotes/${config.remote}/remote.json`, { cache: "no-store" })).json();
  await mountBuild(manifest);
}

pathLabel.textContent = location.pathname + location.search;
followBuilds();
start().catch((error) => say(`The harness could not start ${config.remote}: ${error.message}`));
