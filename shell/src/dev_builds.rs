//! Dev builds only (compiled into shells built with dev tools, like the rest of [`crate::devtools`]): follows
//! `cargo xtask dev`'s remote builds and takes each new one into the running page.
//!
//! The page listens to [`DEV_BUILDS_URL`] (Server-Sent Events, served only by an API started with `--dev-builds`).
//! When the manifest of a remote's latest build is not the one this page runs, the loader forgets the pinned version
//! and every outlet showing that remote (or showing it failed) loads the new build and swaps it in place, checked
//! against the new manifest like any load; the URL, the session and the other remotes stay. A failed build shows
//! the compiler's first error over the page, with the file and line, until that remote builds again; the page keeps
//! running the previous build meanwhile.
//!
//! Outlets register here while they are on the page; the registry holds their signals, never an element.

use std::cell::RefCell;

use leptos::prelude::*;
use shared_types::dev_builds::{DEV_BUILDS_URL, DevBuildFailure, DevBuildOutcome, DevBuilds};
use wasm_bindgen::prelude::*;

use crate::remote_load::RemoteLoad;

/// An outlet on the page: its id, the remote it shows, the signal that makes it load again, and its load state.
struct Outlet {
    id: u64,
    remote: &'static str,
    reload: RwSignal<u32>,
    status: RwSignal<RemoteLoad>,
}

thread_local! {
    static OUTLETS: RefCell<Vec<Outlet>> = const { RefCell::new(Vec::new()) };
}

/// Registers an outlet, so a new build of `remote` reaches it.
pub fn follow_builds(id: u64, remote: &'static str, reload: RwSignal<u32>, status: RwSignal<RemoteLoad>) {
    OUTLETS.with(|outlets| {
        outlets.borrow_mut().push(Outlet {
            id,
            remote,
            reload,
            status,
        })
    });
}

/// The outlet left the page.
pub fn forget_outlet(id: u64) {
    OUTLETS.with(|outlets| outlets.borrow_mut().retain(|outlet| outlet.id != id));
}

/// Takes a remote's build (`manifest`) into the page. When the page pinned another version, the loader forgets it
/// and every outlet showing the remote mounted or failed loads the new build (a newer load of an outlet supersedes
/// an older one still under way). An outlet showing an error also loads a build the page already knew when the dev
/// loop announced something else for the remote before (`announced_otherwise`: a failure, then the fix). Nothing
/// happens for a build the page already runs, so an outlet refused for a missing permission is not asked again at
/// every other remote's build, nor for a remote a developer overrode to another manifest in this browser.
fn take_new_build(manifest: &shared_types::RemoteManifest, announced_otherwise: bool) {
    if crate::devtools::manifest_override(&manifest.name).is_some() {
        return;
    }
    let pinned_another = crate::loader::forget_for_new_build(manifest);
    let reloads: Vec<RwSignal<u32>> = OUTLETS.with(|outlets| {
        outlets
            .borrow()
            .iter()
            .filter(|outlet| outlet.remote == manifest.name)
            .filter(|outlet| {
                outlet
                    .status
                    .try_with_untracked(|status| match status {
                        RemoteLoad::Mounted => pinned_another,
                        RemoteLoad::Failed { .. } => pinned_another || announced_otherwise,
                        _ => false,
                    })
                    .unwrap_or(false)
            })
            .map(|outlet| outlet.reload)
            .collect()
    });
    for reload in reloads {
        reload.try_update(|count| *count += 1);
    }
}

/// Listens to the dev loop's build states for the page's life, and shows what is building and what failed.
#[component]
pub fn DevBuildStates() -> impl IntoView {
    let builds = RwSignal::new(DevBuilds::default());
    let hidden = RwSignal::new(Vec::<String>::new());
    if let Ok(source) = web_sys::EventSource::new(DEV_BUILDS_URL) {
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            let Ok(states) = shared_types::json::from_str::<DevBuilds>(&text) else {
                leptos::logging::warn!("an unreadable build state from the dev loop was ignored");
                return;
            };
            let previous = builds.get_untracked();
            let first_event = previous.remotes.is_empty();
            for build in &states.remotes {
                if let DevBuildOutcome::Built(manifest) = &build.outcome {
                    let known = previous.remote(&build.remote).map(|known| &known.outcome);
                    take_new_build(manifest, !first_event && known != Some(&build.outcome));
                }
            }
            // A failure hidden with "Hide" shows again when the remote fails anew.
            hidden.update(|hidden| hidden.retain(|remote| !states.remote(remote).is_some_and(|build| build.building)));
            builds.set(states);
        });
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // Both live as long as the page: the shell's root is never unmounted.
        on_message.forget();
        std::mem::forget(source);
    }
    let building = move || {
        builds.with(|builds| {
            builds
                .remotes
                .iter()
                .filter(|build| build.building)
                .map(|build| build.remote.clone())
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    let failures = move || {
        builds.with(|builds| {
            builds
                .failures()
                .filter(|(remote, _)| !hidden.with(|hidden| hidden.iter().any(|known| known == remote)))
                .map(|(remote, failure)| (remote.to_owned(), failure.clone()))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=move || !building().is_empty()>
            <p role="status" style=STATUS_STYLE>"Rebuilding " {building} "…"</p>
        </Show>
        <For each=failures key=|(remote, failure)| format!("{remote} {failure:?}") let((remote, failure))>
            <BuildFailure remote failure hidden />
        </For>
    }
}

/// One remote's failed build, over the page.
#[component]
fn BuildFailure(remote: String, failure: DevBuildFailure, hidden: RwSignal<Vec<String>>) -> impl IntoView {
    let place = failure.location.as_ref().map(ToString::to_string);
    let label = format!("Build failed: {remote}");
    let hide = {
        let remote = remote.clone();
        move |_| hidden.update(|hidden| hidden.push(remote.clone()))
    };
    view! {
        <section class="dev-build-failure" role="alert" aria-label=label style=FAILURE_STYLE>
            <h2 style="margin:0 0 .5rem;font-size:1.1rem">"Build failed: " {remote.clone()}</h2>
            {place.map(|place| view! { <p style="margin:0 0 .25rem"><code>{place}</code></p> })}
            <p style="margin:0 0 .5rem"><strong>{failure.message.clone()}</strong></p>
            <pre style="margin:0 0 .5rem;max-height:40vh;overflow:auto;white-space:pre-wrap">{failure.detail.clone()}</pre>
            <p style="margin:0 0 .5rem">
                "The page keeps the previous build of " {remote} " until this one builds; saving a fix swaps it in."
            </p>
            <button type="button" on:click=hide>"Hide"</button>
        </section>
    }
}

/// Inline styles: none of this may add to the release stylesheet.
const STATUS_STYLE: &str = "position:fixed;inset-block-end:1rem;inset-inline-end:1rem;z-index:1001;margin:0;\
    padding:.4rem .8rem;border-radius:.4rem;background:#1f2937;color:#f9fafb;font:.9rem system-ui,sans-serif";
const FAILURE_STYLE: &str = "position:fixed;inset-inline:1rem;inset-block-start:1rem;z-index:1000;\
    padding:1rem 1.25rem;border:2px solid #b91c1c;border-radius:.5rem;background:#fff5f5;color:#1f2937;\
    font:.95rem system-ui,sans-serif;box-shadow:0 .5rem 2rem rgb(0 0 0 / .3)";
