//! The auth remote: the sign-in form.
//!
//! It hands the credentials to the shell through the host API and shows the outcome. It never calls the API
//! itself and never sees a token; on success the shell navigates away and unmounts it. An empty field is named
//! next to it (`aria-invalid`, its message tied with `aria-describedby`); the outcome of an attempt is announced
//! above the button.

mod text;

use leptos::prelude::*;
use remote_sdk::{Host, Language, SignInRequest, SignInResult, format_number, plural_of, use_language};

use crate::text::text;

remote_sdk::export!(App);

/// What the form says after an attempt, in words chosen when shown (the language may change meanwhile).
#[derive(Clone, Copy, PartialEq)]
enum Problem {
    /// A field was empty: which ones.
    Missing { username: bool, password: bool },
    /// The API's answer.
    Outcome(Outcome),
}

#[derive(Clone, Copy, PartialEq)]
enum Outcome {
    InvalidCredentials,
    TooManyAttempts(u64),
    Failed,
}

impl Outcome {
    fn of(result: &SignInResult) -> Option<Outcome> {
        match result {
            SignInResult::SignedIn => None,
            SignInResult::InvalidCredentials => Some(Outcome::InvalidCredentials),
            SignInResult::TooManyAttempts { retry_after_secs } => Some(Outcome::TooManyAttempts(*retry_after_secs)),
            SignInResult::Invalid | SignInResult::Failed => Some(Outcome::Failed),
        }
    }

    fn sentence(self, language: Language) -> String {
        let text = text(language);
        match self {
            Outcome::InvalidCredentials => text.invalid_credentials.to_owned(),
            Outcome::TooManyAttempts(seconds) => {
                let seconds = i64::try_from(seconds).unwrap_or(i64::MAX);
                (text.too_many_attempts)(plural_of(language, seconds), &format_number(language, seconds))
            }
            Outcome::Failed => text.failed.to_owned(),
        }
    }
}

/// The sign-in form with its field and form messages.
#[component]
pub fn App(host: Host) -> impl IntoView {
    let language = use_language();
    let text = move || text(language.get());
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let pending = RwSignal::new(false);

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let request = SignInRequest {
            username: username.get_untracked(),
            password: password.get_untracked(),
        };
        let missing_username = request.username.trim().is_empty();
        let missing_password = request.password.is_empty();
        if missing_username || missing_password {
            problem.set(Some(Problem::Missing {
                username: missing_username,
                password: missing_password,
            }));
            return;
        }
        pending.set(true);
        problem.set(None);
        let host = host.clone();
        leptos::task::spawn_local(async move {
            let outcome = match host.sign_in(&request).await {
                Ok(result) => Outcome::of(&result),
                Err(_) => Some(Outcome::Failed),
            };
            // After success the shell unmounts this remote, so the signals may already be gone.
            if outcome.is_some() {
                password.try_set(String::new());
            }
            problem.try_set(outcome.map(Problem::Outcome));
            pending.try_set(false);
        });
    };

    let missing = move |field: fn(&Problem) -> bool| problem.get().as_ref().is_some_and(field);
    let username_missing = move || missing(|problem| matches!(problem, Problem::Missing { username: true, .. }));
    let password_missing = move || missing(|problem| matches!(problem, Problem::Missing { password: true, .. }));
    let form_message = move || {
        problem.get().map(|problem| match problem {
            Problem::Missing { .. } => text().enter_both.to_owned(),
            Problem::Outcome(outcome) => outcome.sentence(language.get()),
        })
    };

    view! {
        <section class="auth-card" aria-labelledby="sign-in-heading">
            <h1 id="sign-in-heading">{move || text().heading}</h1>
            <form class="auth-form" on:submit=submit novalidate=true>
                <label for="auth-username">{move || text().username}</label>
                <input
                    id="auth-username"
                    name="username"
                    type="text"
                    autocomplete="username"
                    required=true
                    aria-invalid=move || username_missing().then_some("true")
                    aria-describedby=move || username_missing().then_some("auth-username-error")
                    prop:value=move || username.get()
                    on:input=move |event| username.set(event_target_value(&event))
                />
                <Show when=username_missing>
                    <p class="field-error" id="auth-username-error">{move || text().enter_username}</p>
                </Show>
                <label for="auth-password">{move || text().password}</label>
                <input
                    id="auth-password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required=true
                    aria-invalid=move || password_missing().then_some("true")
                    aria-describedby=move || password_missing().then_some("auth-password-error")
                    prop:value=move || password.get()
                    on:input=move |event| password.set(event_target_value(&event))
                />
                <Show when=password_missing>
                    <p class="field-error" id="auth-password-error">{move || text().enter_password}</p>
                </Show>
                <p class="form-error" role="alert">
                    {form_message}
                </p>
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { text().signing_in } else { text().sign_in }}
                </button>
            </form>
        </section>
    }
}
