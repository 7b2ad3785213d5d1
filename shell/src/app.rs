//! The shell's root: `<Router>`, the routes with the permissions they require, the header and the guarded page
//! frames.
//!
//! A navigation flows route → guard → loader → remote. Only this module and the loader touch the router; remotes
//! ask for navigation through the host bridge.

use leptos::prelude::*;
use leptos_router::components::{A, FlatRoutes, Route, Router};
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::{NavigateOptions, path};
use shared_types::AuthEvent;

use crate::events::emit;
use crate::guard::{self, GuardDecision, RouteAccess, decide};
use crate::language::use_language;
use crate::loader::{ISOLATED_REMOTES, LoadError, RemoteContextUpdates, RemoteOutlet, prefetch, remote_serving};
use crate::pages::{NoAccess, NotFound, Outage, SignOutNotice, Skeleton};
use crate::session::state::Session;
use crate::session::{SessionStore, use_session};
use crate::text::{Text, text};

/// Read their own orders.
const ORDERS_READ: &str = "orders:read";
/// List the users of their tenant (administrators).
pub const USERS_READ: &str = "users:read";

/// The whole shell.
#[component]
pub fn App() -> impl IntoView {
    SessionStore::provide_and_bootstrap();
    // `FlatRoutes`, not `Routes`: no route nests (there is no `<Outlet/>`), and the flat router saves about 11.7 KB
    // of the shell's brotli-compressed wasm. `/orders` -> `/orders/:id` still remounts the outlet (another route).
    view! {
        <Router>
            <crate::language::DocumentLanguage />
            <SessionCheckOnNavigation />
            <crate::focus::FocusAfterNavigation />
            <RemoteContextUpdates />
            <IdlePrefetch />
            <crate::devtools::DevTools />
            <SkipLink />
            <Header />
            <main id="main" class="shell-main" tabindex="-1">
                <FlatRoutes fallback=RegisteredRemotePage>
                    <Route path=path!("/") view=RootRedirect />
                    <Route path=path!("/login") view=SignInPage />
                    <Route path=path!("/dashboard") view=|| remote_page(NAV[0].3, "dashboard") />
                    <Route path=path!("/orders") view=|| remote_page(NAV[1].3, "orders") />
                    <Route path=path!("/orders/:id") view=|| remote_page(NAV[1].3, "orders") />
                    <Route path=path!("/admin") view=|| remote_page(NAV[2].3, "admin") />
                </FlatRoutes>
                // Isolated remotes' frames live here, after the routed content, and outlive routes: a frame
                // removed from the document would lose its remote (see loader/parked_frames.rs).
                <div class=ISOLATED_REMOTES></div>
            </main>
        </Router>
    }
}

/// The header's links to remote routes: label (from the shell's strings), path, remote and who may open it.
type NavLabel = fn(&Text) -> &'static str;
const NAV: [(NavLabel, &str, &str, RouteAccess); 3] = [
    (|text| text.dashboard, "/dashboard", "dashboard", signed_in()),
    (|text| text.orders, "/orders", "orders", needs(ORDERS_READ)),
    (|text| text.admin, "/admin", "admin", needs(USERS_READ)),
];
/// How long after sign-in the shell waits before prefetching the remotes the user may open.
const IDLE_PREFETCH_AFTER: std::time::Duration = std::time::Duration::from_millis(1_500);

/// Fetches and verifies `remote`'s code ahead of a click, but only when the route's guard would render it now:
/// a user who may not open the route never receives its code.
fn prefetch_if_allowed(session: SessionStore, access: RouteAccess, path: &str, remote: &'static str) {
    let state = session.state().get_untracked();
    if decide(access, &state, path, None) == GuardDecision::Render {
        prefetch(remote, state.identity());
    }
}

/// A little after each sign-in, prefetches every remote of the header the user may open.
#[component]
fn IdlePrefetch() -> impl IntoView {
    let session = use_session();
    let state = session.state();
    Effect::new(move |was_signed_in: Option<bool>| {
        let signed_in = matches!(state.get(), Session::SignedIn { .. });
        if signed_in && was_signed_in != Some(true) {
            set_timeout(
                move || {
                    for (_, path, remote, access) in NAV {
                        prefetch_if_allowed(session, access, path, remote);
                    }
                },
                IDLE_PREFETCH_AFTER,
            );
        }
        signed_in
    });
}

/// A header link to a remote's route; hovering or focusing it prefetches the remote if the user may open it.
#[component]
fn NavLink(label: NavLabel, path: &'static str, remote: &'static str, access: RouteAccess) -> impl IntoView {
    let session = use_session();
    let language = use_language();
    let warm = move || prefetch_if_allowed(session, access, path, remote);
    view! {
        <A href=path on:mouseenter=move |_| warm() on:focus=move |_| warm()>
            {move || label(text(language.get()))}
        </A>
    }
}

const fn signed_in() -> RouteAccess {
    RouteAccess::Protected { permission: None }
}

const fn needs(permission: &'static str) -> RouteAccess {
    RouteAccess::Protected {
        permission: Some(permission),
    }
}

/// `/`: never renders content of its own; the guard sends the user to the dashboard or to sign in.
#[component]
fn RootRedirect() -> impl IntoView {
    view! {
        <Guarded access=RouteAccess::Root>
            <Skeleton />
        </Guarded>
    }
}

/// `/login`: why the last session ended, if it needs saying, then the auth remote's form.
#[component]
fn SignInPage() -> impl IntoView {
    view! {
        <Guarded access=RouteAccess::SignIn>
            <SignOutNotice />
            <RemoteOutlet name=shared_types::SIGN_IN_REMOTE />
        </Guarded>
    }
}

fn remote_page(access: RouteAccess, remote: &'static str) -> impl IntoView {
    view! {
        <Guarded access=access>
            <RemoteOutlet name=remote />
        </Guarded>
    }
}

/// Any path without a route of the shell's own: the registered remote whose manifest claims it (behind the same
/// sign-in guard; the loader checks the manifest's permissions), or "Page not found".
#[component]
fn RegisteredRemotePage() -> impl IntoView {
    let location = use_location();
    // A signal and a task rather than a `LocalResource`: the resource machinery costs the shell about 15 KB of
    // brotli-compressed wasm for this one lookup.
    let found = RwSignal::new(None::<Result<Option<&'static str>, LoadError>>);
    let attempt = RwSignal::new(0_u32);
    Effect::new(move || {
        attempt.track();
        let path = location.pathname.get();
        found.set(None);
        leptos::task::spawn_local(async move {
            let answer = remote_serving(&path).await;
            found.try_set(Some(answer));
        });
    });
    let language = use_language();
    move || match found.get() {
        None => view! { <Skeleton /> }.into_any(),
        Some(Ok(Some(remote))) => remote_page(signed_in(), remote).into_any(),
        Some(Ok(None)) => view! { <NotFound /> }.into_any(),
        Some(Err(error)) => {
            let text = text(language.get());
            view! {
                <div class="remote-error" role="alert">
                    <p>{text.could_not_load}</p>
                    <p class="remote-error-detail" lang="en" dir="ltr">{error.to_string()}</p>
                    <button type="button" on:click=move |_| attempt.update(|count| *count += 1)>{text.retry}</button>
                </div>
            }
            .into_any()
        }
    }
}

/// After every in-app navigation, checks that the session was not revoked elsewhere (without rotating anything).
#[component]
fn SessionCheckOnNavigation() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|previous| previous != path) {
            session.check_still_signed_in();
        }
        path
    });
}

/// Renders `children` only when the guard allows it; otherwise a skeleton, the outage page or the no-access page,
/// and redirects when told to.
#[component]
fn Guarded(access: RouteAccess, children: ChildrenFn) -> impl IntoView {
    let session = use_session().page_state();
    let location = use_location();
    let query = use_query_map();
    // Only the session is tracked. The path is read untracked, so a guard that is being torn down after its own
    // redirect does not react to the new URL (it would wrap `/login?redirect=...` into itself forever).
    let current_path =
        move || guard::path_and_query(&location.pathname.get_untracked(), &location.search.get_untracked());
    let decision = Memo::new(move |_| {
        let session = session.get();
        let redirect = query.with_untracked(|query| query.get("redirect"));
        decide(access, &session, &current_path(), redirect.as_deref())
    });
    let navigate = use_navigate();
    Effect::new(move || match decision.get() {
        GuardDecision::Redirect(target) if target != current_path() => navigate(
            &target,
            NavigateOptions {
                replace: true,
                ..NavigateOptions::default()
            },
        ),
        GuardDecision::Denied { permission } => emit(AuthEvent::AccessDenied {
            route: current_path(),
            permission: permission.to_owned(),
        }),
        _ => {}
    });
    move || match decision.get() {
        GuardDecision::Render => children().into_any(),
        GuardDecision::Denied { .. } => view! { <NoAccess /> }.into_any(),
        GuardDecision::Unreachable => view! { <Outage /> }.into_any(),
        GuardDecision::Wait | GuardDecision::Redirect(_) => view! { <Skeleton /> }.into_any(),
    }
}

/// "Skip to content", the first stop of the Tab key: moves focus past the header to the page's content.
#[component]
fn SkipLink() -> impl IntoView {
    let skip = |event: leptos::ev::MouseEvent| {
        event.prevent_default();
        if let Some(main) = document()
            .get_element_by_id("main")
            .and_then(|main| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(main).ok())
        {
            let _ = main.focus();
        }
    };
    let language = use_language();
    view! { <a class="skip-link" href="#main" on:click=skip>{move || text(language.get()).skip_to_content}</a> }
}

/// The header: brand, navigation (Admin only for those who may open it), the theme toggle, the user menu (the
/// user's name; inside it, the language) and "Sign out" (disabled, saying "Signing out…", while the server is
/// told). On narrow screens the navigation folds behind a "Menu" button, and closes again after each navigation.
#[component]
fn Header() -> impl IntoView {
    let session = use_session();
    let state = session.state();
    let navigate = use_navigate();
    let language = use_language();
    let text = move || text(language.get());
    let menu_open = RwSignal::new(false);
    let location = use_location();
    Effect::new(move || {
        location.pathname.track();
        menu_open.set(false);
    });
    let sign_out = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            session.sign_out().await;
            navigate("/login", NavigateOptions::default());
        });
    };
    let in_session = move || matches!(state.get(), Session::SignedIn { .. } | Session::SigningOut);
    let signing_out = move || matches!(state.get(), Session::SigningOut);
    let may_administer = move || state.with(|state| state.can(USERS_READ));

    view! {
        <header class="shell-header">
            <a class="brand" href="/">"Portico"</a>
            <Show when=in_session>
                <button
                    type="button"
                    class="quiet menu-button"
                    aria-controls="shell-nav"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| menu_open.update(|open| *open = !*open)
                >
                    {move || text().menu}
                </button>
                <nav id="shell-nav" class="shell-nav" class:open=move || menu_open.get() aria-label=move || text().main_navigation>
                    <NavLink label=NAV[0].0 path=NAV[0].1 remote=NAV[0].2 access=NAV[0].3 />
                    <NavLink label=NAV[1].0 path=NAV[1].1 remote=NAV[1].2 access=NAV[1].3 />
                    <Show when=may_administer>
                        <NavLink label=NAV[2].0 path=NAV[2].1 remote=NAV[2].2 access=NAV[2].3 />
                    </Show>
                </nav>
            </Show>
            <crate::theme::ThemeToggle />
            <Show when=in_session>
                <crate::user_menu::UserMenu />
                <button type="button" class="quiet sign-out" disabled=signing_out on:click=sign_out.clone()>
                    {move || if signing_out() { text().signing_out } else { text().sign_out }}
                </button>
            </Show>
        </header>
    }
}
