//! Finding and loading a remote's code: registry, manifest, integrity-checked `import()`, the remote's wasm init
//! and its contract check.
//!
//! Fail-closed integrity: the JS entry is first requested as `<link rel="modulepreload" integrity=…>` and only
//! imported once that verified preload loaded (a wrong digest fails the preload, and an `import()` of that URL
//! would then fail too); the wasm is fetched with `fetch(url, { integrity })` and that verified `Response` goes to
//! the module's init, so streaming compilation is kept. Remote builds ship no wasm-bindgen `snippets/` (the build
//! refuses them), so the entry's digest covers every JS byte a remote runs.
//!
//! js-sys has no binding for `import()`, so a small JS snippet does it. Every call into a remote goes through a
//! `catch` binding and comes back as a `Result`, so an exception or trap inside a remote never unwinds through
//! the shell. The registry is read once per page, and each remote module is loaded once per page and reused, so a
//! page never mixes two versions of one remote.

use std::future::Future;
use std::pin::pin;
use std::rc::Rc;

use futures::FutureExt;
use futures::future::{Either, select};
use gloo_net::http::Request;
use js_error::describe;
use shared_types::{
    CONTRACT_VERSION, ContractVersion, IdentityContext, LoadStage, REGISTRY_URL, Registry, RemoteManifest, Trust,
};
use wasm_bindgen::prelude::*;

use super::state::{LoadedModule, with_state};
use crate::remote_load::{LoadRetryPolicy, RemoteLoad};

/// Why a remote could not be loaded or mounted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// `remotes.json` was unreachable or invalid.
    #[error("the list of remotes could not be read: {0}")]
    Registry(String),
    /// The manifest was unreachable, not valid, or for another contract version.
    #[error("could not read the manifest for `{remote}`: {reason}")]
    Manifest { remote: String, reason: String },
    /// The manifest requires a permission the user lacks; none of the remote's code was fetched.
    #[error("`{remote}` requires the permission `{permission}`")]
    Permission { remote: String, permission: String },
    /// A file could not be fetched (network failure or an error status); may pass by itself.
    #[error("`{remote}` could not be fetched: {reason}")]
    Unreachable {
        remote: String,
        stage: LoadStage,
        reason: String,
    },
    /// A stage took longer than its timeout.
    #[error("`{remote}` took too long to load (stage: {stage:?})")]
    Timeout { remote: String, stage: LoadStage },
    /// A file did not match its manifest's digest, or could not be fetched to check it; none of its bytes ran.
    #[error("`{remote}` failed its integrity check: {reason}")]
    Integrity { remote: String, reason: String },
    /// The remote says it was built for another major contract version.
    #[error("`{remote}` was built for contract version {found}, but this shell speaks version {expected}")]
    Contract {
        remote: String,
        found: String,
        expected: ContractVersion,
    },
    /// The JS glue or the wasm module failed to load or initialise.
    #[error("the code of `{remote}` could not be loaded: {reason}")]
    Code { remote: String, reason: String },
    /// The remote threw while mounting.
    #[error("`{remote}` failed to start: {reason}")]
    Mount { remote: String, reason: String },
}

impl LoadError {
    /// The loading step that failed, for the `RemoteLoadFailed` event.
    pub fn stage(&self) -> LoadStage {
        match self {
            LoadError::Registry(_) => LoadStage::Registry,
            LoadError::Manifest { .. } => LoadStage::Manifest,
            LoadError::Permission { .. } => LoadStage::Permission,
            LoadError::Unreachable { stage, .. } | LoadError::Timeout { stage, .. } => *stage,
            LoadError::Integrity { .. } => LoadStage::Integrity,
            LoadError::Contract { .. } => LoadStage::Contract,
            LoadError::Code { .. } => LoadStage::Code,
            LoadError::Mount { .. } => LoadStage::Mount,
        }
    }
}

#[wasm_bindgen(inline_js = r#"
function integrityError(url) {
    const error = new Error(`${url.split("?")[0]} does not match its digest or could not be fetched`);
    error.name = "IntegrityError";
    return error;
}
export function verifyRemote(jsUrl, jsIntegrity, wasmUrl, wasmIntegrity, cssUrl, cssIntegrity) {
    const script = new Promise((verified, refused) => {
        const link = document.createElement("link");
        link.rel = "modulepreload";
        link.href = jsUrl;
        link.integrity = jsIntegrity;
        link.crossOrigin = "anonymous";
        link.onload = () => { link.remove(); verified(); };
        link.onerror = () => { link.remove(); refused(integrityError(jsUrl)); };
        document.head.appendChild(link);
    });
    const wasm = fetch(wasmUrl, { integrity: wasmIntegrity }).catch(() => { throw integrityError(wasmUrl); });
    const styles = !cssUrl ? Promise.resolve(null) : fetch(cssUrl, { integrity: cssIntegrity })
        .then((response) => response.ok ? response.text() : Promise.reject())
        .then((text) => {
            const sheet = new CSSStyleSheet();
            sheet.replaceSync(text);
            // The build wraps a remote's rules in one @scope; anything else could style the shell.
            if (sheet.cssRules.length !== 1 || sheet.cssRules[0].constructor.name !== "CSSScopeRule") throw new Error();
            return sheet;
        })
        .catch(() => { throw integrityError(cssUrl); });
    return Promise.all([script, wasm, styles]).then(([, wasm, styles]) => ({ wasm, styles }));
}
export function verifiedWasmBytes(wasmUrl, wasmIntegrity) {
    return fetch(wasmUrl, { integrity: wasmIntegrity })
        .then((response) => response.ok ? response.arrayBuffer() : Promise.reject())
        .catch(() => { throw integrityError(wasmUrl); });
}
export async function instantiateRemote(jsUrl, verified) {
    const module = await import(jsUrl);
    await module.default({ module_or_path: verified.wasm });
    return module;
}
export function remoteStyles(verified) {
    return verified.styles;
}
export function adoptStyles(sheet) {
    if (sheet) document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
export function dropStyles(sheet) {
    const sheets = [...document.adoptedStyleSheets];
    const index = sheet ? sheets.lastIndexOf(sheet) : -1;
    if (index >= 0) {
        sheets.splice(index, 1);
        document.adoptedStyleSheets = sheets;
    }
}
export function sleep(ms) {
    return new Promise((done) => setTimeout(done, ms));
}
export function remoteContract(module) {
    return typeof module.contract === "function" ? String(module.contract()) : "";
}
export function mountRemote(module, element, host) {
    return module.mount(element, host);
}
export function unmountRemote(handle) {
    handle.unmount();
    handle.free();
}
export function updateRemote(handle, context) {
    handle.update(context);
}
export function notifyRemote(handle, event) {
    if (typeof handle.notify === "function") handle.notify(event);
}
"#)]
extern "C" {
    #[wasm_bindgen(catch, js_name = verifyRemote)]
    async fn verify_remote(
        js_url: &str,
        js_integrity: &str,
        wasm_url: &str,
        wasm_integrity: &str,
        css_url: Option<String>,
        css_integrity: Option<String>,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = instantiateRemote)]
    async fn instantiate_remote(js_url: &str, verified: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = remoteStyles)]
    fn remote_styles(verified: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = adoptStyles)]
    fn adopt_styles(sheet: &JsValue);
    #[wasm_bindgen(js_name = dropStyles)]
    fn drop_styles(sheet: &JsValue);
    #[wasm_bindgen(js_name = sleep)]
    pub(super) async fn sleep(ms: u32);
    #[wasm_bindgen(catch, js_name = remoteContract)]
    fn remote_contract(module: &JsValue) -> Result<String, JsValue>;
    #[wasm_bindgen(catch, js_name = mountRemote)]
    fn mount_remote(module: &JsValue, element: &web_sys::HtmlElement, host: &JsValue) -> Result<JsValue, JsValue>;
    /// The wasm module's bytes, fetched by the shell (its origin's HTTP cache and compression dictionaries apply)
    /// and checked against `integrity`; rejects with an `IntegrityError`.
    #[wasm_bindgen(js_name = verifiedWasmBytes)]
    pub fn verified_wasm_bytes(url: &str, integrity: &str) -> js_sys::Promise;
    #[wasm_bindgen(catch, js_name = unmountRemote)]
    fn unmount_remote(handle: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_name = updateRemote)]
    fn update_remote(handle: &JsValue, context: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_name = notifyRemote)]
    fn notify_remote(handle: &JsValue, event: &str) -> Result<(), JsValue>;
}

fn check_permissions(remote: &str, required: &[String], identity: &IdentityContext) -> Result<(), LoadError> {
    match required.iter().find(|permission| !identity.can(permission)) {
        Some(missing) => Err(LoadError::Permission {
            remote: remote.to_owned(),
            permission: missing.clone(),
        }),
        None => Ok(()),
    }
}

/// A remote's verified, initialised code: its JS module and its stylesheet (a `CSSStyleSheet`, or `null` when the
/// remote ships none), adopted into the document only while the remote is mounted.
#[derive(Clone)]
pub struct RemoteCode {
    pub module: JsValue,
    pub styles: JsValue,
}

/// Reports loading progress to the outlet that started the load.
pub type StageListener = Rc<dyn Fn(RemoteLoad)>;

/// How long each stage may take before the load fails with [`LoadError::Timeout`].
const FETCH_TIMEOUT_MS: u32 = 8_000;
const VERIFY_TIMEOUT_MS: u32 = 15_000;
const INSTANTIATE_TIMEOUT_MS: u32 = 8_000;

/// The remote's initialised module, loading registry, manifest and code on first use. The manifest's permissions
/// are checked against `identity` before any of the remote's code is requested. A load already under way (a
/// prefetch, say) is joined, never started twice. Network failures are retried a few times with backoff.
pub async fn load_module(
    remote: &'static str,
    identity: &IdentityContext,
    on_stage: StageListener,
) -> Result<RemoteCode, LoadError> {
    let cached = with_state(|state| state.module(remote));
    if let Some((permissions, code)) = cached {
        check_permissions(remote, &permissions, identity)?;
        return Ok(code);
    }
    let pending = match with_state(|state| state.loading(remote)) {
        Some(pending) => pending,
        None => {
            let identity = identity.clone();
            let pending = async move { load_with_retries(remote, &identity, &on_stage).await }
                .boxed_local()
                .shared();
            with_state(|state| state.start_loading(remote, pending.clone()));
            pending
        }
    };
    let loaded = pending.await;
    with_state(|state| state.stop_loading(remote));
    loaded
}

/// Starts loading `remote` in the background (hover, focus, idle time after sign-in) so a later mount needs no
/// network request. Callers ask the route's guard first: a user who may not open the route gets none of its code.
/// An isolated remote's code runs only in its frame, so for one this pins the manifest (after the permission
/// check) and nothing more.
pub fn prefetch(remote: &'static str, identity: IdentityContext) {
    if with_state(|state| state.module(remote).is_some() || state.loading(remote).is_some()) {
        return;
    }
    leptos::task::spawn_local(async move {
        if trust_of(remote).await == Trust::Isolated {
            // Only the module's bytes, into this origin's HTTP cache, for the frame's next load; nothing runs.
            if let Ok((manifest, manifest_url)) = isolated_manifest(remote, &identity).await {
                let (_, wasm) = manifest.entry_urls(&manifest_url);
                let bytes = verified_wasm_bytes(&wasm, &manifest.entry_wasm_integrity);
                let _ = wasm_bindgen_futures::JsFuture::from(bytes).await;
            }
            return;
        }
        let _ = load_module(remote, &identity, Rc::new(|_| {})).await;
    });
}

async fn load_with_retries(
    remote: &str,
    identity: &IdentityContext,
    on_stage: &StageListener,
) -> Result<RemoteCode, LoadError> {
    let policy = LoadRetryPolicy::default();
    let mut retries = 0;
    loop {
        match fetch_and_instantiate(remote, identity, on_stage).await {
            Err(error) => {
                // Only a remote that loaded keeps its manifest pinned; the next try reads it again.
                with_state(|state| state.unpin_manifest(remote));
                let network = matches!(error, LoadError::Unreachable { .. });
                match policy.automatic_retry_delay(error.stage(), network, retries) {
                    Some(delay_ms) => {
                        retries += 1;
                        sleep(delay_ms).await;
                    }
                    None => return Err(error),
                }
            }
            loaded => return loaded,
        }
    }
}

/// `future`'s output, or [`LoadError::Timeout`] for `stage` after `ms` milliseconds.
async fn within<T>(
    remote: &str,
    stage: LoadStage,
    ms: u32,
    future: impl Future<Output = Result<T, LoadError>>,
) -> Result<T, LoadError> {
    match select(pin!(future), pin!(sleep(ms))).await {
        Either::Left((outcome, _)) => outcome,
        Either::Right(_) => Err(LoadError::Timeout {
            remote: remote.to_owned(),
            stage,
        }),
    }
}

async fn fetch_and_instantiate(
    remote: &str,
    identity: &IdentityContext,
    on_stage: &StageListener,
) -> Result<RemoteCode, LoadError> {
    on_stage(RemoteLoad::Fetching);
    let (registry, manifest, manifest_url) = permitted_manifest(remote, identity).await?;
    if registry.trust(remote) == Trust::Isolated {
        // Never import an isolated remote's code into the shell's document, whoever asks.
        return Err(LoadError::Code {
            remote: remote.to_owned(),
            reason: "an isolated remote runs only in its own frame".into(),
        });
    }
    let (js_url, wasm_url) = manifest.entry_urls(&manifest_url);
    // The browser's module map remembers a failed URL for the page's lifetime, so each later try of the same remote
    // uses new URLs (the server ignores the query); "Retry" then works once the cause is fixed, without a reload. A
    // new development build swapped in (see `dev_builds`) needs this too: its JS glue is often unchanged (only the
    // wasm differs), and importing the same URL again would give back the old module, initialised with the old wasm.
    let retry_suffix = match with_state(|state| state.next_try(remote)) {
        0 => String::new(),
        attempt => format!("?attempt={attempt}"),
    };
    let (js_url, wasm_url) = (format!("{js_url}{retry_suffix}"), format!("{wasm_url}{retry_suffix}"));
    let stylesheet = manifest.stylesheet(&manifest_url);
    on_stage(RemoteLoad::Verifying);
    let verified = within(remote, LoadStage::Integrity, VERIFY_TIMEOUT_MS, async {
        verify_remote(
            &js_url,
            &manifest.entry_js_integrity,
            &wasm_url,
            &manifest.entry_wasm_integrity,
            stylesheet.as_ref().map(|(url, _)| format!("{url}{retry_suffix}")),
            stylesheet.as_ref().map(|(_, digest)| (*digest).to_owned()),
        )
        .await
        .map_err(|error| code_error(remote, &error))
    })
    .await?;
    on_stage(RemoteLoad::Instantiating);
    let module = within(remote, LoadStage::Code, INSTANTIATE_TIMEOUT_MS, async {
        instantiate_remote(&js_url, &verified)
            .await
            .map_err(|error| code_error(remote, &error))
    })
    .await?;
    check_contract(remote, &module)?;
    let grant = effective_grant(&manifest, &registry, remote);
    with_state(|state| state.set_grant(remote, grant));
    let code = RemoteCode {
        module,
        styles: remote_styles(&verified),
    };
    with_state(|state| {
        state.remember_module(LoadedModule {
            remote: remote.to_owned(),
            permissions: manifest.permissions,
            code: code.clone(),
        })
    });
    Ok(code)
}

/// An integrity failure when the snippet says so, else a code failure.
pub fn code_error(remote: &str, error: &JsValue) -> LoadError {
    let reason = describe(error);
    let remote = remote.to_owned();
    match error.dyn_ref::<js_sys::Error>().map(|error| String::from(error.name())) {
        Some(name) if name == "IntegrityError" => LoadError::Integrity { remote, reason },
        _ => LoadError::Code { remote, reason },
    }
}

/// `remotes.json`, read once per page and kept: a page resolves every remote through the same registry.
async fn pinned_registry(remote: &str) -> Result<Registry, LoadError> {
    if let Some(registry) = with_state(|state| state.registry()) {
        return Ok(registry);
    }
    let text = fetch_text(REGISTRY_URL)
        .await
        .map_err(|reason| LoadError::Unreachable {
            remote: remote.to_owned(),
            stage: LoadStage::Registry,
            reason,
        })?;
    let registry = Registry::parse(&text).map_err(|error| LoadError::Registry(error.to_string()))?;
    with_state(|state| state.pin_registry(registry.clone()));
    Ok(registry)
}

/// `remote`'s manifest, read once per page and kept while the remote loads and runs, so the page keeps using that
/// version of the remote until the next full load even when a newer one is published meanwhile. Of two loads
/// racing around a release, the first pinned wins for both.
async fn pinned_manifest(remote: &str, manifest_url: &str) -> Result<RemoteManifest, LoadError> {
    if let Some(manifest) = with_state(|state| state.manifest(remote)) {
        return Ok(manifest);
    }
    let manifest = fetch_manifest(remote, manifest_url).await?;
    Ok(with_state(|state| state.pin_manifest(manifest)))
}

/// `remote`'s manifest as served now, parsed and validated.
async fn fetch_manifest(remote: &str, manifest_url: &str) -> Result<RemoteManifest, LoadError> {
    let text = fetch_text(manifest_url)
        .await
        .map_err(|reason| LoadError::Unreachable {
            remote: remote.to_owned(),
            stage: LoadStage::Manifest,
            reason,
        })?;
    RemoteManifest::parse(&text, remote).map_err(|error| LoadError::Manifest {
        remote: remote.to_owned(),
        reason: error.to_string(),
    })
}

/// The registered remote whose manifest claims `path`, for paths the shell has no route of its own for (a remote
/// added by `cargo xtask new-remote` is served this way without rebuilding the shell). Nothing is pinned here:
/// the remote's own load reads and pins its manifest. `None` means no remote serves the path; when none matched and
/// a manifest could not be read, the error is returned instead (the path may belong to that remote).
pub async fn remote_serving(path: &str) -> Result<Option<&'static str>, LoadError> {
    let registry = within(
        "remotes",
        LoadStage::Registry,
        FETCH_TIMEOUT_MS,
        pinned_registry("remotes"),
    )
    .await?;
    let lookups = registry.remotes.iter().map(|(name, url)| async move {
        let url = crate::devtools::manifest_override(name).unwrap_or_else(|| url.clone());
        let manifest = within(name, LoadStage::Manifest, FETCH_TIMEOUT_MS, fetch_manifest(name, &url)).await;
        manifest.map(|manifest| manifest.serves(path).then(|| name.clone()))
    });
    let mut first_error = None;
    for lookup in futures::future::join_all(lookups).await {
        match lookup {
            Ok(Some(name)) => return Ok(Some(with_state(|state| state.page_name(&name)))),
            Ok(None) => {}
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    first_error.map_or(Ok(None), Err)
}

/// Asks the remote itself which contract it was built for (its manifest said so too, but a manifest is only a
/// claim about the code): another major version is refused before `mount`.
fn check_contract(remote: &str, module: &JsValue) -> Result<(), LoadError> {
    check_declared_contract(remote, &remote_contract(module).unwrap_or_default())
}

/// Refuses a contract version (`MAJOR.MINOR`, as the remote's code declared it) of another major version.
pub(super) fn check_declared_contract(remote: &str, declared: &str) -> Result<(), LoadError> {
    match ContractVersion::parse(declared) {
        Ok(found) if CONTRACT_VERSION.accepts(&found) => Ok(()),
        _ => Err(LoadError::Contract {
            remote: remote.to_owned(),
            found: if declared.is_empty() {
                "an unknown version".into()
            } else {
                declared.to_owned()
            },
            expected: CONTRACT_VERSION,
        }),
    }
}

/// What `remote` may ask of its host: what its manifest declared and the registry granted.
fn effective_grant(manifest: &RemoteManifest, registry: &Registry, remote: &str) -> shared_types::Capabilities {
    manifest
        .capabilities
        .clone()
        .unwrap_or_default()
        .intersect(&registry.grant(remote))
}

/// How much the registry this page pinned trusts `remote`; a registry that cannot be read counts as trusted here,
/// and the trusted load then reports why it could not read it.
pub async fn trust_of(remote: &'static str) -> Trust {
    match within(remote, LoadStage::Registry, FETCH_TIMEOUT_MS, pinned_registry(remote)).await {
        Ok(registry) => registry.trust(remote),
        Err(_) => Trust::Trusted,
    }
}

/// The pinned manifest of an isolated remote and its URL, after the same permission check as a trusted load (a
/// refused one is unpinned again); records the remote's effective grant.
pub async fn isolated_manifest(
    remote: &'static str,
    identity: &IdentityContext,
) -> Result<(RemoteManifest, String), LoadError> {
    let (registry, manifest, manifest_url) = match permitted_manifest(remote, identity).await {
        Ok(found) => found,
        Err(error) => {
            with_state(|state| state.unpin_manifest(remote));
            return Err(error);
        }
    };
    let grant = effective_grant(&manifest, &registry, remote);
    with_state(|state| state.set_grant(remote, grant));
    Ok((manifest, manifest_url))
}

/// The pinned registry, `remote`'s pinned manifest and its URL, once the manifest's permissions are checked against
/// `identity`. A development override (dev-tools builds only) replaces the registry's URL for this browser; the
/// manifest it names is checked exactly like the registry's.
async fn permitted_manifest(
    remote: &str,
    identity: &IdentityContext,
) -> Result<(Registry, RemoteManifest, String), LoadError> {
    let registry = within(remote, LoadStage::Registry, FETCH_TIMEOUT_MS, pinned_registry(remote)).await?;
    let manifest_url = match crate::devtools::manifest_override(remote) {
        Some(url) => url,
        None => registry
            .manifest_url(remote)
            .map_err(|error| LoadError::Registry(error.to_string()))?
            .to_owned(),
    };
    let manifest = within(
        remote,
        LoadStage::Manifest,
        FETCH_TIMEOUT_MS,
        pinned_manifest(remote, &manifest_url),
    )
    .await?;
    check_permissions(remote, &manifest.permissions, identity)?;
    Ok((registry, manifest, manifest_url))
}

/// Adopts the remote's stylesheet into the document, then calls its `mount(element, host)`, returning its handle.
/// A remote that fails to mount leaves its stylesheet behind no more than its nodes.
pub fn mount(
    remote: &str,
    code: &RemoteCode,
    element: &web_sys::HtmlElement,
    host: &JsValue,
) -> Result<JsValue, LoadError> {
    adopt_styles(&code.styles);
    mount_remote(&code.module, element, host).map_err(|error| {
        drop_styles(&code.styles);
        LoadError::Mount {
            remote: remote.to_owned(),
            reason: describe(&error),
        }
    })
}

/// Calls `handle.unmount()`, then removes the remote's stylesheet from the document; a remote that throws is
/// logged and otherwise ignored.
pub fn unmount(remote: &str, handle: &JsValue, styles: &JsValue) {
    if let Err(error) = unmount_remote(handle) {
        leptos::logging::warn!("`{remote}` failed to unmount: {}", describe(&error));
    }
    drop_styles(styles);
}

/// Calls `handle.notify(event)` if the remote has it; a remote that throws is logged and otherwise ignored.
pub fn notify(remote: &str, handle: &JsValue, event: &str) {
    if let Err(error) = notify_remote(handle, event) {
        leptos::logging::warn!("`{remote}` failed to take an event: {}", describe(&error));
    }
}

/// Calls `handle.update(context)`; a remote that throws is logged and otherwise ignored.
pub fn update(remote: &str, handle: &JsValue, context: &str) {
    if let Err(error) = update_remote(handle, context) {
        leptos::logging::warn!("`{remote}` rejected a context update: {}", describe(&error));
    }
}

/// `url`'s text, revalidated with the server whatever the HTTP cache holds: the registry and manifests are the
/// mutable files that name every other (content-addressed) file, and a development server sends no cache headers.
async fn fetch_text(url: &str) -> Result<String, String> {
    let response = Request::get(url)
        .cache(web_sys::RequestCache::NoCache)
        .send()
        .await
        .map_err(|error| error.to_string())?;
    if !response.ok() {
        return Err(format!("{url} answered {}", response.status()));
    }
    response.text().await.map_err(|error| error.to_string())
}
