//! Data a remote loads through its host, as a state that views can match on: loading, ready, or failed with a
//! [`DataError`], plus the standard failure notice with a "Retry" button where retrying can help.
//!
//! Every remote shows the same kinds of failure the same way; a remote only words the ones that are about its own
//! domain (for example "You do not have access to this order").

use std::future::Future;

use leptos::prelude::*;
use shared_types::{DataError, Language};

/// Where a load stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    /// The request is under way.
    Loading,
    /// The data arrived.
    Ready(T),
    /// The request failed; the error says how.
    Failed(DataError),
}

/// A load that can be retried: its state, and a counter that starts it again.
pub struct Loaded<T: Send + Sync + 'static> {
    /// The current state; reading it subscribes.
    pub state: RwSignal<Load<T>>,
    retry: Retry,
}

impl<T: Send + Sync + 'static> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Loaded<T> {}

impl<T: Send + Sync + 'static> Loaded<T> {
    /// The handle a "Retry" button uses to start this load again.
    pub fn retry(&self) -> Retry {
        self.retry
    }

    /// Changes the loaded data in place (for example, adds an item the remote created); does nothing unless ready.
    pub fn update(&self, change: impl FnOnce(&mut T)) {
        self.state.try_update(|state| {
            if let Load::Ready(data) = state {
                change(data);
            }
        });
    }
}

/// Starts a load again when pressed.
#[derive(Clone, Copy)]
pub struct Retry(RwSignal<u32>);

impl Retry {
    /// Runs the load again.
    pub fn run(&self) {
        self.0.update(|attempt| *attempt += 1);
    }
}

/// Runs `fetch` now and again on every [`Retry::run`], keeping the latest outcome in a [`Load`] state.
pub fn load<T, F, Fut>(fetch: F) -> Loaded<T>
where
    T: Send + Sync + 'static,
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<T, DataError>> + 'static,
{
    let state = RwSignal::new(Load::Loading);
    let attempt = RwSignal::new(0_u32);
    Effect::new(move || {
        let this_attempt = attempt.get();
        state.set(Load::Loading);
        let pending = fetch();
        leptos::task::spawn_local(async move {
            let outcome = match pending.await {
                Ok(data) => Load::Ready(data),
                Err(error) => Load::Failed(error),
            };
            // A slower, older attempt must not overwrite the outcome of a newer one.
            if attempt.try_get_untracked() == Some(this_attempt) {
                state.try_set(outcome);
            }
        });
    });
    Loaded {
        state,
        retry: Retry(attempt),
    }
}

/// The sentence for `error` in `language`, with a remote's own wording for "forbidden" and "not found" when it has
/// one (already in that language).
pub fn failure_message(
    error: &DataError,
    language: Language,
    forbidden: Option<&str>,
    not_found: Option<&str>,
) -> String {
    match (error, forbidden, not_found) {
        (DataError::Forbidden | DataError::Denied(_), Some(message), _) | (DataError::NotFound, _, Some(message)) => {
            message.to_owned()
        }
        _ => error.sentence(language),
    }
}

/// "Retry", in `language`.
pub fn retry_label(language: Language) -> &'static str {
    match language {
        Language::English => "Retry",
        Language::Arabic => "إعادة المحاولة",
    }
}

/// A failed load: the specific message, and "Retry" when retrying can help.
#[component]
pub fn DataFailure(
    /// What went wrong.
    error: DataError,
    /// Starts the load again.
    retry: Retry,
    /// The remote's own sentence for a 403.
    #[prop(optional)]
    forbidden: Option<&'static str>,
    /// The remote's own sentence for a 404.
    #[prop(optional)]
    not_found: Option<&'static str>,
) -> impl IntoView {
    let language = crate::use_language();
    let retryable = error.is_retryable();
    let message = move || failure_message(&error, language.get(), forbidden, not_found);
    view! {
        <div class="data-failure" role="alert">
            <p>{message}</p>
            {retryable.then(|| view! {
                <button type="button" on:click=move |_| retry.run()>{move || retry_label(language.get())}</button>
            })}
        </div>
    }
}
