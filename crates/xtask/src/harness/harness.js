// The `cargo xtask dev --remote NAME` harness: mounts one remote as the shell would, with a demo identity.
//
// It signs in as the chosen demo user through the API, answers the remote's host calls (context, navigate, fetch)
// with the same JSON messages the shell uses, and checks the remote's files against its manifest's digests. The
// access token stays inside this module's closure. This page is a development tool; it is never part of a build.

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

async function start() {
  say(`Signing in as ${config.user}…`);
  const session = await signIn();
  say(`Loading ${config.remote}…`);
  const base = `/remotes/${config.remote}/`;
  const manifest = await (await fetch(`${base}remote.json`, { cache: "no-store" })).json();
  const wasm = fetch(base + manifest.entry_wasm, { integrity: manifest.entry_wasm_integrity });
  if (manifest.entry_css) {
    const css = await (await fetch(base + manifest.entry_css, { integrity: manifest.entry_css_integrity })).text();
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  }
  await new Promise((verified, refused) => {
    const link = document.createElement("link");
    link.rel = "modulepreload";
    link.href = base + manifest.entry_js;
    link.integrity = manifest.entry_js_integrity;
    link.crossOrigin = "anonymous";
    link.onload = verified;
    link.onerror = () => refused(new Error(`${manifest.entry_js} does not match its digest`));
    document.head.appendChild(link);
  });
  const module = await import(base + manifest.entry_js);
  await module.default({ module_or_path: await wasm });
  const host = hostFor(session, config.remote);
  host.attach(module.mount(root, host));
  say(`${config.remote} ${manifest.version} (contract ${module.contract()}) as ${session.identity.display_name}`);
}

pathLabel.textContent = location.pathname + location.search;
start().catch((error) => say(`The harness could not start ${config.remote}: ${error.message}`));
