//! The auth remote: the sign-in form.
//!
//! It hands the credentials to the shell through the host API and shows the outcome. It never calls the API
//! itself and never sees a token; on success the shell navigates away and unmounts it.

use leptos::prelude::*;
use remote_sdk::{Host, SignInRequest, SignInResult};

remote_sdk::export!(App);

/// The sign-in form with its error line.
#[component]
pub fn App(host: Host) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
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
        if request.username.trim().is_empty() || request.password.is_empty() {
            error.set(SignInResult::Invalid.message());
            return;
        }
        pending.set(true);
        error.set(None);
        let host = host.clone();
        leptos::task::spawn_local(async move {
            let message = match host.sign_in(&request).await {
                Ok(result) => result.message(),
                Err(_) => SignInResult::Failed.message(),
            };
            // After success the shell unmounts this remote, so the signals may already be gone.
            if message.is_some() {
                password.try_set(String::new());
            }
            error.try_set(message);
            pending.try_set(false);
        });
    };

    view! {
        <section class="auth-card" aria-labelledby="sign-in-heading">
            <h1 id="sign-in-heading">"Sign in to Portico"</h1>
            <form class="auth-form" on:submit=submit novalidate=true>
                <label for="auth-username">"Username"</label>
                <input
                    id="auth-username"
                    name="username"
                    type="text"
                    autocomplete="username"
                    required=true
                    prop:value=move || username.get()
                    on:input=move |event| username.set(event_target_value(&event))
                />
                <label for="auth-password">"Password"</label>
                <input
                    id="auth-password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required=true
                    prop:value=move || password.get()
                    on:input=move |event| password.set(event_target_value(&event))
                />
                <p class="form-error" role="alert">
                    {move || error.get()}
                </p>
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </section>
    }
}
