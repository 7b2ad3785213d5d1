//! The shell's root: `<Router>`, the routes, the header and the guarded page frames.
//!
//! A navigation flows route → guard → loader → remote. Only this module and the loader touch the router; remotes
//! ask for navigation through the host bridge.

use leptos::prelude::*;
use leptos_router::components::{A, FlatRoutes, Route, Router};
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::{NavigateOptions, path};

use crate::guard::{self, GuardDecision, RouteAccess, decide};
use crate::loader::RemoteOutlet;
use crate::session::state::Session;
use crate::session::{SessionStore, use_session};

/// The whole shell.
#[component]
pub fn App() -> impl IntoView {
    SessionStore::provide_and_bootstrap();
    // `FlatRoutes`, not `Routes`: no route nests (there is no `<Outlet/>`), and the flat router saves about 11.7 KB
    // of the shell's brotli-compressed wasm. `/orders` -> `/orders/:id` still remounts the outlet (another route).
    view! {
        <Router>
            <Header />
            <main id="main" class="shell-main">
                <FlatRoutes fallback=NotFound>
                    <Route path=path!("/") view=RootRedirect />
                    <Route path=path!("/login") view=|| remote_page(RouteAccess::SignIn, "auth") />
                    <Route path=path!("/dashboard") view=|| remote_page(RouteAccess::Protected, "dashboard") />
                    <Route path=path!("/orders") view=|| remote_page(RouteAccess::Protected, "orders") />
                    <Route path=path!("/orders/:id") view=|| remote_page(RouteAccess::Protected, "orders") />
                </FlatRoutes>
            </main>
        </Router>
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

fn remote_page(access: RouteAccess, remote: &'static str) -> impl IntoView {
    view! {
        <Guarded access=access>
            <RemoteOutlet name=remote />
        </Guarded>
    }
}

/// Renders `children` only when the guard allows it; otherwise a skeleton, and redirects when told to.
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
    Effect::new(move || {
        if let GuardDecision::Redirect(target) = decision.get()
            && target != current_path()
        {
            navigate(
                &target,
                NavigateOptions {
                    replace: true,
                    ..NavigateOptions::default()
                },
            );
        }
    });
    move || match decision.get() {
        GuardDecision::Render => children().into_any(),
        GuardDecision::Wait | GuardDecision::Redirect(_) => view! { <Skeleton /> }.into_any(),
    }
}

/// Placeholder while the session is unknown or a redirect is under way; never the sign-in form.
#[component]
fn Skeleton() -> impl IntoView {
    view! {
        <div class="skeleton" role="status" aria-busy="true">
            <p>"Checking your session…"</p>
        </div>
    }
}

/// The header: brand, navigation, the user's display name and "Sign out".
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
    let signed_in = move || matches!(state.get(), Session::SignedIn { .. });

    view! {
        <header class="shell-header">
            <a class="brand" href="/">"Portico"</a>
            <Show when=signed_in>
                <nav class="shell-nav" aria-label="Main">
                    <A href="/dashboard">"Dashboard"</A>
                    <A href="/orders">"Orders"</A>
                </nav>
                <span class="user-name">{move || state.with(|state| state.display_name().unwrap_or_default().to_owned())}</span>
                <button type="button" class="sign-out" on:click=sign_out.clone()>"Sign out"</button>
            </Show>
        </header>
    }
}

/// Shown for any path no route matches.
#[component]
fn NotFound() -> impl IntoView {
    view! {
        <section class="not-found" aria-labelledby="not-found-heading">
            <h1 id="not-found-heading">"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <p><a href="/">"Go to the start page"</a></p>
        </section>
    }
}
