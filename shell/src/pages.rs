//! The shell's own pages and placeholders: the session skeleton, the outage page, the no-access page, the
//! sign-in notice and "Page not found", in the shell's language.
//!
//! None of them loads remote code; they render from the session state alone.

use leptos::prelude::*;

use crate::language::use_language;
use crate::session::state::{Session, SignOutNotice};
use crate::session::use_session;
use crate::text::text;

/// Placeholder while the session is unknown, a redirect is under way or the user is signing out; never the
/// sign-in form, never protected content.
#[component]
pub fn Skeleton() -> impl IntoView {
    let state = use_session().state();
    let language = use_language();
    let message = move || {
        let text = text(language.get());
        match state.get() {
            Session::SigningOut => text.signing_out,
            _ => text.checking_session,
        }
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
    let language = use_language();
    let text = move || text(language.get());
    view! {
        <section class="outage" aria-labelledby="outage-heading">
            <h1 id="outage-heading">{move || text().outage_heading}</h1>
            <p role="alert">{move || text().outage_body}</p>
            <button type="button" on:click=move |_| session.bootstrap()>{move || text().retry}</button>
        </section>
    }
}

/// A signed-in user opened a page they lack a permission for. Nothing of the page's remote was loaded.
#[component]
pub fn NoAccess() -> impl IntoView {
    let language = use_language();
    let text = move || text(language.get());
    view! {
        <section class="no-access" aria-labelledby="no-access-heading">
            <h1 id="no-access-heading">{move || text().no_access_heading}</h1>
            <p>{move || text().no_access_body}</p>
            <p><a href="/dashboard">{move || text().go_to_dashboard}</a></p>
        </section>
    }
}

/// On the sign-in page: why the last session ended, when that needs explaining (expiry, another tab).
#[component]
pub fn SignOutNotice() -> impl IntoView {
    let state = use_session().state();
    let language = use_language();
    move || {
        state.with(Session::sign_out_notice).map(|notice| {
            let text = text(language.get());
            let (role, sentence) = match notice {
                SignOutNotice::SessionExpired => ("alert", text.session_expired),
                SignOutNotice::SignedOutElsewhere => ("status", text.signed_out_elsewhere),
            };
            view! { <p class="session-notice" role=role>{sentence}</p> }
        })
    }
}

/// Shown for any path no route matches.
#[component]
pub fn NotFound() -> impl IntoView {
    let language = use_language();
    let text = move || text(language.get());
    view! {
        <section class="not-found" aria-labelledby="not-found-heading">
            <h1 id="not-found-heading">{move || text().not_found_heading}</h1>
            <p>{move || text().not_found_body}</p>
            <p><a href="/">{move || text().go_to_start}</a></p>
        </section>
    }
}
