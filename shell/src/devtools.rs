//! Dev tools, compiled only into shells built with them (debug builds such as `cargo xtask dev`, or the
//! `dev-tools` feature): remote overrides with their banner, and the `?portico-debug` overlay. In a release build
//! every function here is an empty stand-in and `<DevTools/>` renders nothing, so none of it ships.
//!
//! With `cargo xtask dev`, [`crate::dev_builds`] swaps rebuilt remotes into the page and shows build failures.
//!
//! The overlay lists each remote's name, version, contract version, load state, bytes and stage timings, and the
//! session state. It reads the loader's pinned manifests and a timeline the loader reports to; it never reads a
//! token (the session state shows only the user's name).

pub use enabled::*;

#[cfg(any(debug_assertions, feature = "dev-tools"))]
mod enabled {
    use std::cell::RefCell;

    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;

    pub use crate::dev_builds::{follow_builds, forget_outlet};
    use crate::dev_override::{DEBUG_PARAMETER, OVERRIDE_PARAMETER, Override, apply, parse_override};
    use crate::loader::{granted, pinned_manifests};
    use crate::remote_load::RemoteLoad;
    use crate::session::state::Session;
    use crate::session::use_session;

    /// Where overrides are kept: this browser only, across tabs and reloads.
    const STORAGE_KEY: &str = "portico-overrides";

    /// One remote's loading history on this page.
    #[derive(Clone)]
    struct Timeline {
        remote: String,
        state: String,
        started_ms: f64,
        stages: Vec<(String, f64)>,
    }

    thread_local! {
        static TIMELINES: RefCell<Vec<Timeline>> = const { RefCell::new(Vec::new()) };
    }

    #[wasm_bindgen(inline_js = r#"
    export function nowMs() { return performance.now(); }
    export function remoteBytes(marker) {
        let transferred = 0, decoded = 0;
        for (const entry of performance.getEntriesByType("resource")) {
            if (entry.name.includes(marker)) { transferred += entry.transferSize; decoded += entry.decodedBodySize; }
        }
        return `${Math.round(transferred / 1024)} KB sent, ${Math.round(decoded / 1024)} KB decoded`;
    }
    export function readStored(key) { try { return localStorage.getItem(key) || ""; } catch (e) { return ""; } }
    export function writeStored(key, value) { try { localStorage.setItem(key, value); } catch (e) {} }
    export function queryValue(name) { return new URLSearchParams(location.search).get(name); }
    export function dropQueryValue(name) {
        const url = new URL(location.href);
        url.searchParams.delete(name);
        history.replaceState(history.state, "", url.pathname + url.search + url.hash);
    }
    "#)]
    extern "C" {
        #[wasm_bindgen(js_name = nowMs)]
        fn now_ms() -> f64;
        #[wasm_bindgen(js_name = remoteBytes)]
        fn remote_bytes(marker: &str) -> String;
        #[wasm_bindgen(js_name = readStored)]
        fn read_stored(key: &str) -> String;
        #[wasm_bindgen(js_name = writeStored)]
        fn write_stored(key: &str, value: &str);
        #[wasm_bindgen(js_name = queryValue)]
        fn query_value(name: &str) -> Option<String>;
        #[wasm_bindgen(js_name = dropQueryValue)]
        fn drop_query_value(name: &str);
    }

    /// Records that `remote` reached `state` (the overlay shows the history).
    pub fn record(remote: &str, state: &RemoteLoad) {
        let now = now_ms();
        let label = match state {
            RemoteLoad::Failed { stage, error } => format!("Failed at {stage:?}: {error}"),
            other => format!("{other:?}"),
        };
        TIMELINES.with(|timelines| {
            let mut timelines = timelines.borrow_mut();
            let index = match timelines.iter().position(|timeline| timeline.remote == remote) {
                Some(index) => index,
                None => {
                    timelines.push(Timeline {
                        remote: remote.to_owned(),
                        state: String::new(),
                        started_ms: now,
                        stages: Vec::new(),
                    });
                    timelines.len() - 1
                }
            };
            let timeline = &mut timelines[index];
            if matches!(state, RemoteLoad::Fetching) {
                timeline.started_ms = now;
                timeline.stages.clear();
            }
            let short = label.split(':').next().unwrap_or_default().to_owned();
            timeline.stages.push((short, now - timeline.started_ms));
            timeline.state = label;
        });
    }

    fn stored_overrides() -> Vec<Override> {
        shared_types::json::from_str(&read_stored(STORAGE_KEY)).unwrap_or_default()
    }

    /// The manifest URL `remote` is overridden to in this browser, if any.
    pub fn manifest_override(remote: &str) -> Option<String> {
        stored_overrides()
            .into_iter()
            .find(|known| known.remote == remote)
            .map(|known| known.manifest_url)
    }

    /// Applies a `portico-override` query parameter, if the page was opened with one, and takes it out of the
    /// address (so a reload after "Remove overrides" does not set it again); a bad value is logged.
    fn apply_override_parameter() {
        let Some(value) = query_value(OVERRIDE_PARAMETER) else {
            return;
        };
        drop_query_value(OVERRIDE_PARAMETER);
        match parse_override(&value) {
            Ok(request) => {
                let updated = apply(stored_overrides(), request);
                write_stored(
                    STORAGE_KEY,
                    &shared_types::json::to_string(&updated).unwrap_or_default(),
                );
            }
            Err(error) => leptos::logging::warn!("{OVERRIDE_PARAMETER} ignored: {error}"),
        }
    }

    /// The override banner and, with `?portico-debug`, the debug overlay.
    #[component]
    pub fn DevTools() -> impl IntoView {
        apply_override_parameter();
        let overrides = RwSignal::new(stored_overrides());
        let remove = move |_| {
            write_stored(STORAGE_KEY, "[]");
            overrides.set(Vec::new());
        };
        let debug = query_value(DEBUG_PARAMETER).is_some();
        view! {
            <Show when=move || overrides.with(|list| !list.is_empty())>
                <div class="dev-banner" role="status">
                    <strong>"Development override: "</strong>
                    {move || overrides.with(|list| list
                        .iter()
                        .map(|known| format!("{} is loaded from {}", known.remote, known.manifest_url))
                        .collect::<Vec<_>>()
                        .join("; "))}
                    " (this browser only; reload after removing) "
                    <button type="button" on:click=remove>"Remove overrides"</button>
                </div>
            </Show>
            {debug.then(|| view! { <DebugOverlay /> })}
            <crate::dev_builds::DevBuildStates />
        }
    }

    /// The `?portico-debug` panel, refreshed every second.
    #[component]
    fn DebugOverlay() -> impl IntoView {
        let session = use_session().state();
        let tick = RwSignal::new(0_u32);
        let _ = set_interval_with_handle(
            move || tick.update(|count| *count += 1),
            std::time::Duration::from_secs(1),
        );
        let session_label = move || match session.get() {
            Session::SignedIn { identity } => format!("signed in as {}", identity.display_name),
            Session::SignedOut { reason } => format!("signed out ({reason:?})"),
            Session::Unreachable { attempt } => format!("server unreachable (attempt {attempt})"),
            Session::Unknown => "restoring".to_owned(),
            Session::SigningOut => "signing out".to_owned(),
        };
        let rows = move || {
            tick.track();
            let manifests = pinned_manifests();
            let timelines = TIMELINES.with(|timelines| timelines.borrow().clone());
            timelines
                .into_iter()
                .map(|timeline| {
                    let manifest = manifests.iter().find(|manifest| manifest.name == timeline.remote);
                    let version = manifest.map(|m| m.version.clone()).unwrap_or_else(|| "?".into());
                    let contract = manifest.map(|m| m.contract.to_string()).unwrap_or_else(|| "?".into());
                    let marker = manifest_override(&timeline.remote)
                        .and_then(|url| url.rsplit_once('/').map(|(dir, _)| format!("{dir}/")))
                        .unwrap_or_else(|| format!("/remotes/{}/", timeline.remote));
                    let grant = granted(&timeline.remote);
                    let grants = grant
                        .api
                        .iter()
                        .chain(grant.events.iter())
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ");
                    let timings = timeline
                        .stages
                        .iter()
                        .map(|(stage, ms)| format!("{stage} {ms:.0} ms"))
                        .collect::<Vec<_>>()
                        .join(" → ");
                    view! {
                        <tr>
                            <td>{timeline.remote.clone()}</td>
                            <td>{version}</td>
                            <td>{contract}</td>
                            <td>{timeline.state.clone()}</td>
                            <td>{remote_bytes(&marker)}</td>
                            <td>{timings}</td>
                            <td>{grants}</td>
                        </tr>
                    }
                })
                .collect_view()
        };
        view! {
            <aside class="debug-overlay" aria-label="Portico debug">
                <h2>"Portico debug"</h2>
                <p>"Session: " {session_label}</p>
                <table>
                    <thead>
                        <tr>
                            <th scope="col">"Remote"</th>
                            <th scope="col">"Version"</th>
                            <th scope="col">"Contract"</th>
                            <th scope="col">"State"</th>
                            <th scope="col">"Bytes"</th>
                            <th scope="col">"Timings"</th>
                            <th scope="col">"Grants"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </aside>
        }
    }
}

#[cfg(not(any(debug_assertions, feature = "dev-tools")))]
mod enabled {
    use leptos::prelude::*;

    use crate::remote_load::RemoteLoad;

    /// Release builds keep no timeline.
    #[inline(always)]
    pub fn record(_remote: &str, _state: &RemoteLoad) {}

    /// Release builds follow no dev loop.
    #[inline(always)]
    pub fn follow_builds(_id: u64, _remote: &'static str, _reload: RwSignal<u32>, _status: RwSignal<RemoteLoad>) {}

    /// Release builds follow no dev loop.
    #[inline(always)]
    pub fn forget_outlet(_id: u64) {}

    /// Release builds never override a remote.
    #[inline(always)]
    pub fn manifest_override(_remote: &str) -> Option<String> {
        None
    }

    /// Release builds render no dev tools.
    #[component]
    pub fn DevTools() -> impl IntoView {}
}
