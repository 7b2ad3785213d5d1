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
use crate::loader::RemoteOutlet;
use crate::pages::{NoAccess, NotFound, Outage, SignOutNotice, Skeleton};
use crate::session::state::Session;
use crate::session::{SessionStore, use_session};

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
            <SessionCheckOnNavigation />
            <Header />
            <main id="main" class="shell-main">
                <FlatRoutes fallback=NotFound>
                    <Route path=path!("/") view=RootRedirect />
                    <Route path=path!("/login") view=SignInPage />
                    <Route path=path!("/dashboard") view=|| remote_page(signed_in(), "dashboard") />
                    <Route path=path!("/orders") view=|| remote_page(needs(ORDERS_READ), "orders") />
                    <Route path=path!("/orders/:id") view=|| remote_page(needs(ORDERS_READ), "orders") />
                    <Route path=path!("/admin") view=|| remote_page(needs(USERS_READ), "admin") />
                </FlatRoutes>
            </main>
        </Router>
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
            <RemoteOutlet name="auth" />
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
    let session = use_session().state();
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

/// The header: brand, navigation (Admin only for those who may open it), the user's display name and "Sign out",
/// which is disabled and says "Signing out…" while the server is told.
#[component]
fn Header() -> impl IntoView {
    let session = use_session();
    let state = session.state();
    let navigate = use_navigate();
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
                <nav class="shell-nav" aria-label="Main">
                    <A href="/dashboard">"Dashboard"</A>
                    <A href="/orders">"Orders"</A>
                    <Show when=may_administer>
                        <A href="/admin">"Admin"</A>
                    </Show>
                </nav>
                <span class="user-name">{move || state.with(|state| state.display_name().unwrap_or_default().to_owned())}</span>
                <button type="button" class="sign-out" disabled=signing_out on:click=sign_out.clone()>
                    {move || if signing_out() { "Signing out…" } else { "Sign out" }}
                </button>
            </Show>
        </header>
    }
}
