//! The shell's own pages and placeholders: the session skeleton, the outage page, the no-access page, the
//! sign-in notice and "Page not found".
//!
//! None of them loads remote code; they render from the session state alone.

use leptos::prelude::*;

use crate::session::state::{SESSION_EXPIRED_MESSAGE, Session};
use crate::session::use_session;

/// Placeholder while the session is unknown, a redirect is under way or the user is signing out; never the
/// sign-in form, never protected content.
#[component]
pub fn Skeleton() -> impl IntoView {
    let state = use_session().state();
    let message = move || match state.get() {
        Session::SigningOut => "Signing out…",
        _ => "Checking your session…",
    };
    view! {
        <div class="skeleton" role="status" aria-busy="true">
            <p>{message}</p>
        </div>
    }
}

/// The server could not be reached while restoring the session: say so, retry on a timer, and on "Retry".
#[component]
pub fn Outage() -> impl IntoView {
    let session = use_session();
    view! {
        <section class="outage" aria-labelledby="outage-heading">
            <h1 id="outage-heading">"Portico could not reach the server"</h1>
            <p role="alert">"Check your connection. Portico tries again by itself, or press Retry."</p>
            <button type="button" on:click=move |_| session.bootstrap()>"Retry"</button>
        </section>
    }
}

/// A signed-in user opened a page they lack a permission for. Nothing of the page's remote was loaded.
#[component]
pub fn NoAccess() -> impl IntoView {
    view! {
        <section class="no-access" aria-labelledby="no-access-heading">
            <h1 id="no-access-heading">"You do not have access to this page"</h1>
            <p>"Your account does not have the permission this page needs. Ask an administrator if you need it."</p>
            <p><a href="/dashboard">"Go to the dashboard"</a></p>
        </section>
    }
}

/// On the sign-in page: why the last session ended, when that needs explaining (expiry, another tab).
#[component]
pub fn SignOutNotice() -> impl IntoView {
    let state = use_session().state();
    move || {
        state.with(Session::sign_out_notice).map(|notice| {
            let role = if notice == SESSION_EXPIRED_MESSAGE {
                "alert"
            } else {
                "status"
            };
            view! { <p class="session-notice" role=role>{notice}</p> }
        })
    }
}

/// Shown for any path no route matches.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="not-found" aria-labelledby="not-found-heading">
            <h1 id="not-found-heading">"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <p><a href="/">"Go to the start page"</a></p>
        </section>
    }
}
