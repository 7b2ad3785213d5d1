//! The loader: mounts a remote into a shell-owned element while its route is active, and unmounts it when the
//! route is left.
//!
//! A remote's code is fetched only when its outlet renders, which happens only after the route's guard passed.
//! While it loads the outlet shows a loading state; if it fails, an error with a "Retry" button, and the rest
//! of the shell keeps working.

mod bridge;
mod frame;
mod import;
mod parked_frames;
mod state;

use leptos::html::Div;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};

use std::rc::Rc;

use shared_types::{AuthEvent, LoadStage};

use crate::events::emit;
use crate::pages::NoAccess;
use crate::remote_load::RemoteLoad;
use crate::session::use_session;

pub use frame::ISOLATED_REMOTES;
pub use import::{LoadError, prefetch, remote_serving};
pub use parked_frames::drop_all as drop_parked_frames;
use shared_types::Trust;
use state::{LoadTicket, MountedRemote, RemoteTarget, with_state};

/// What `remote` may ask of its host on this page (for the debug overlay).
pub fn granted(remote: &str) -> shared_types::Capabilities {
    with_state(|state| state.grant(remote))
}

/// Every remote manifest this page pinned (for the debug overlay).
pub fn pinned_manifests() -> Vec<shared_types::RemoteManifest> {
    with_state(|state| state.manifests())
}

/// Hands an auth event named `name` (as JSON) to every mounted remote granted that event; remotes that did not
/// subscribe ignore it.
pub fn notify_remotes(name: &str, event: &str) {
    for (remote, target) in with_state(|state| state.targets()) {
        if !with_state(|state| state.grant(remote).allows_event(name)) {
            continue;
        }
        match target {
            RemoteTarget::Handle(handle) => import::notify(remote, &handle, event),
            RemoteTarget::Frame(frame) => frame.notify(event),
        }
    }
}

/// Sends every mounted remote the new `HostContext` when the path or the session changes. One effect for the
/// page's life, not one per outlet: reactive_graph keeps a dropped subscriber listed in the signals it read until
/// they change, and the router's location memos never drop one, so a per-outlet effect would leave a dead entry
/// behind on every navigation.
#[component]
pub fn RemoteContextUpdates() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = crate::guard::path_and_query(&location.pathname.get(), &location.search.get());
        let context = bridge::context_json(session, path);
        if previous.as_ref().is_some_and(|previous| *previous != context) {
            for (remote, target) in with_state(|state| state.targets()) {
                match target {
                    RemoteTarget::Handle(handle) => import::update(remote, &handle, &context),
                    RemoteTarget::Frame(frame) => frame.update(&context),
                }
            }
        }
        context
    });
}

/// Shows the remote `name` while this component is rendered.
#[component]
pub fn RemoteOutlet(name: &'static str) -> impl IntoView {
    let outlet = with_state(|state| state.open_outlet());
    let container = NodeRef::<Div>::new();
    let status = RwSignal::new(RemoteLoad::Discovered);
    let attempt = RwSignal::new(0_u32);
    let session = use_session();
    let location = use_location();
    let navigate = use_navigate();
    let path_and_query = move || crate::guard::path_and_query(&location.pathname.get(), &location.search.get());

    crate::devtools::follow_builds(outlet, name, attempt, status);

    Effect::new(move || {
        attempt.track();
        let Some(element) = container.get() else {
            return;
        };
        let navigate = navigate.clone();
        let identity = session.identity_untracked();
        // Loading again while a remote is mounted happens only for a new development build: the running one stays
        // on screen until the new one replaces it (or fails).
        let replacing = with_state(|state| state.has_mounted(outlet));
        let ticket = with_state(|state| state.begin_load(outlet));
        let current = move || with_state(|state| state.is_current(ticket));
        let on_stage: import::StageListener = Rc::new(move |stage: RemoteLoad| {
            crate::devtools::record(name, &stage);
            if !(replacing && stage.is_loading()) {
                status.try_set(stage);
            }
        });
        leptos::task::spawn_local(async move {
            if import::trust_of(name).await == Trust::Isolated {
                let navigate: Rc<dyn Fn(&str)> = Rc::new(move |path| navigate(path, NavigateOptions::default()));
                let mounted = mount_isolated(
                    name,
                    ticket,
                    &identity,
                    &element,
                    session,
                    navigate,
                    path_and_query,
                    &on_stage,
                    replacing,
                )
                .await;
                if !mounted && current() {
                    retire(outlet, name);
                }
                return;
            }
            let module = match import::load_module(name, &identity, on_stage).await {
                Ok(module) => module,
                Err(error) => {
                    if current() {
                        retire(outlet, name);
                        refused(name, &error, status, path_and_query);
                    }
                    return;
                }
            };
            if !current() {
                return;
            }
            retire(outlet, name);
            element.set_inner_html("");
            let bridge = bridge::build(
                name,
                session,
                move || bridge::context_json(session, untrack(path_and_query)),
                move |path| navigate(path, NavigateOptions::default()),
            );
            match import::mount(name, &module, &element, bridge.object()) {
                Ok(handle) => {
                    with_state(|state| {
                        state.set_mounted(
                            outlet,
                            name,
                            MountedRemote::Trusted {
                                handle,
                                styles: module.styles.clone(),
                                _bridge: bridge,
                            },
                        )
                    });
                    crate::devtools::record(name, &RemoteLoad::Mounted);
                    status.try_set(RemoteLoad::Mounted);
                }
                Err(error) => {
                    // A remote that threw or trapped while mounting leaves nothing behind, and the next try
                    // loads a fresh instance of it.
                    element.set_inner_html("");
                    with_state(|state| state.forget_module(name));
                    refused(name, &error, status, path_and_query);
                }
            }
        });
    });

    on_cleanup(move || {
        crate::devtools::forget_outlet(outlet);
        match with_state(|state| state.close_outlet(outlet)) {
            Some(MountedRemote::Trusted { handle, styles, .. }) => import::unmount(name, &handle, &styles),
            // While someone is signed in, the frame waits, hidden, for the remote's next mount; otherwise (a
            // sign-out unmounts everything) it goes, with all it holds.
            Some(MountedRemote::Isolated(frame)) => {
                if let Ok(frame) = Rc::try_unwrap(frame)
                    && session.identity_untracked().authenticated
                {
                    parked_frames::park(frame);
                }
            }
            None => {}
        }
    });

    let retry = move |_| {
        status.set(RemoteLoad::Discovered);
        attempt.update(|count| *count += 1);
    };

    let language = crate::language::use_language();
    view! {
        <div class="remote-outlet">
            {move || match status.get() {
                loading if loading.is_loading() => {
                    view! { <p class="remote-loading" role="status">{crate::text::text(language.get()).loading}</p> }
                        .into_any()
                }
                RemoteLoad::Failed { stage: LoadStage::Permission, .. } => view! { <NoAccess /> }.into_any(),
                RemoteLoad::Failed { error: reason, .. } => {
                    let text = crate::text::text(language.get());
                    view! {
                        <div class="remote-error" role="alert">
                            <p>{text.could_not_load}</p>
                            // The technical reason, for a report: in English, like the logs.
                            <p class="remote-error-detail" lang="en" dir="ltr">{reason}</p>
                            <button type="button" on:click=retry>{text.retry}</button>
                        </div>
                    }
                    .into_any()
                }
                _ => ().into_any(),
            }}
            <div class="remote-root" data-remote=name node_ref=container></div>
        </div>
    }
}

/// Unmounts what `outlet` has mounted, if anything (the build a new development build replaces).
fn retire(outlet: u64, remote: &str) {
    match with_state(|state| state.take_mounted(outlet)) {
        Some(MountedRemote::Trusted { handle, styles, .. }) => import::unmount(remote, &handle, &styles),
        Some(MountedRemote::Isolated(frame)) => drop(frame),
        None => {}
    }
}

/// Dev builds only: `manifest` is the newest development build of its remote. Unless this page runs exactly that
/// build, forgets what the page holds of the remote (its module, pinned manifest and parked frames), so its next load
/// takes the new build; `true` when the page had pinned another version.
#[cfg(any(debug_assertions, feature = "dev-tools"))]
pub fn forget_for_new_build(manifest: &shared_types::RemoteManifest) -> bool {
    let remote = manifest.name.as_str();
    let pinned = with_state(|state| state.manifest(remote));
    if pinned.as_ref() == Some(manifest) {
        return false;
    }
    with_state(|state| {
        state.forget_module(remote);
        state.unpin_registry();
    });
    parked_frames::drop_remote(remote);
    pinned.is_some()
}

/// Loads `remote` into its own sandboxed frame inside `element` and records it as mounted by the ticket's outlet
/// while that load is still the outlet's latest; `false` when it could not (the outlet then shows why). `replacing`: a new development build takes the place of the running
/// one, whose frame stays on screen until the new frame mounted.
#[allow(clippy::too_many_arguments)]
async fn mount_isolated(
    remote: &'static str,
    ticket: LoadTicket,
    identity: &shared_types::IdentityContext,
    element: &web_sys::HtmlDivElement,
    session: crate::session::SessionStore,
    navigate: Rc<dyn Fn(&str)>,
    path_and_query: impl Fn() -> String + Copy + 'static,
    on_stage: &import::StageListener,
    replacing: bool,
) -> bool {
    on_stage(RemoteLoad::Fetching);
    let (manifest, manifest_url) = match import::isolated_manifest(remote, identity).await {
        Ok(found) => found,
        Err(error) => {
            if with_state(|state| state.is_current(ticket)) {
                let status = |state: RemoteLoad| on_stage(state);
                refused_with(remote, &error, &status, path_and_query);
            }
            return false;
        }
    };
    on_stage(RemoteLoad::Verifying);
    element.set_inner_html("");
    let context = bridge::context_json(session, untrack(path_and_query));
    // Records a mounted frame, unless its outlet went meanwhile (then the frame is dropped, and removed).
    let record_mounted = |framed: frame::FramedRemote| {
        if with_state(|state| state.is_current(ticket)) {
            crate::focus::claim_for_frame(|| framed.focus_heading());
            with_state(|state| state.set_mounted(ticket.outlet, remote, MountedRemote::Isolated(Rc::new(framed))));
            crate::devtools::record(remote, &RemoteLoad::Mounted);
            on_stage(RemoteLoad::Mounted);
        }
    };
    if let Some(parked) = parked_frames::take(remote, &identity.user_id, &manifest.entry_wasm_integrity)
        && parked.mount_again(context.clone()).await.is_ok()
    {
        record_mounted(parked);
        return true;
    }
    let mounted = frame::mount(
        remote,
        &identity.user_id,
        &manifest,
        &manifest_url,
        element,
        context,
        navigate,
        replacing,
    );
    match mounted.await {
        Ok(framed) => {
            record_mounted(framed);
            true
        }
        Err(error) => {
            with_state(|state| state.unpin_manifest(remote));
            if with_state(|state| state.is_current(ticket)) {
                let status = |state: RemoteLoad| on_stage(state);
                refused_with(remote, &error, &status, path_and_query);
            }
            false
        }
    }
}

/// Shows why `remote` could not be loaded: the no-access page for a missing permission (with an `AccessDenied`
/// event), the error state with "Retry" for anything else.
fn refused(
    remote: &str,
    error: &LoadError,
    status: RwSignal<RemoteLoad>,
    path_and_query: impl Fn() -> String + Copy + 'static,
) {
    let set = move |state: RemoteLoad| {
        status.try_set(state);
    };
    refused_with(remote, error, &set, path_and_query);
}

fn refused_with(
    remote: &str,
    error: &LoadError,
    status: &dyn Fn(RemoteLoad),
    path_and_query: impl Fn() -> String + Copy + 'static,
) {
    if let LoadError::Permission { permission, .. } = error {
        emit(AuthEvent::AccessDenied {
            route: untrack(path_and_query),
            permission: permission.clone(),
        });
        status(RemoteLoad::Failed {
            stage: error.stage(),
            error: error.to_string(),
        });
        return;
    }
    crate::devtools::record(
        remote,
        &RemoteLoad::Failed {
            stage: error.stage(),
            error: error.to_string(),
        },
    );
    emit(AuthEvent::RemoteLoadFailed {
        remote: remote.to_owned(),
        stage: error.stage(),
    });
    status(RemoteLoad::Failed {
        stage: error.stage(),
        error: error.to_string(),
    });
}
