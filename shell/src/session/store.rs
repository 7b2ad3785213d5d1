//! The reactive session store the shell's components share through context.
//!
//! Bootstrap asks the API whether the refresh cookie names a session before anything protected renders; until
//! then the state is [`Session::Unknown`] and guards show a skeleton.

use leptos::prelude::*;
use shared_types::{IdentityContext, SignInRequest, SignInResult};

use super::state::{Session, SignOutReason};
use crate::http::{self, HttpError};

/// Shared handle on the session state. `Copy`, so views and closures can hold it freely.
#[derive(Clone, Copy)]
pub struct SessionStore {
    state: RwSignal<Session>,
}

/// The store provided by the app root.
pub fn use_session() -> SessionStore {
    expect_context::<SessionStore>()
}

impl SessionStore {
    /// Creates the store in the unknown state, provides it as context and starts the bootstrap.
    pub fn provide_and_bootstrap() -> Self {
        let store = SessionStore {
            state: RwSignal::new(Session::Unknown),
        };
        provide_context(store);
        leptos::task::spawn_local(async move {
            let restored = match http::restore_session().await {
                Ok(Some(identity)) => Session::SignedIn { identity },
                Ok(None) => Session::SignedOut { reason: None },
                Err(error) => {
                    leptos::logging::warn!("could not restore the session: {error}");
                    Session::SignedOut { reason: None }
                }
            };
            store.state.set(restored);
        });
        store
    }

    /// The current state; reading it subscribes.
    pub fn state(&self) -> Signal<Session> {
        self.state.into()
    }

    /// The identity remotes see; reading it subscribes.
    pub fn identity(&self) -> IdentityContext {
        self.state.with(Session::identity)
    }

    /// Signs in with the credentials the auth remote handed over. Navigation afterwards is the sign-in guard's job.
    pub async fn sign_in(self, request: SignInRequest) -> SignInResult {
        match http::login(request.username.trim(), &request.password).await {
            Ok(identity) => {
                self.state.set(Session::SignedIn { identity });
                SignInResult::SignedIn
            }
            Err(HttpError::Status { status: 401, .. }) => SignInResult::InvalidCredentials,
            Err(HttpError::Status {
                status: 429,
                retry_after_secs,
            }) => SignInResult::TooManyAttempts {
                retry_after_secs: retry_after_secs.unwrap_or(60),
            },
            Err(HttpError::Status { status: 422, .. }) => SignInResult::Invalid,
            Err(_) => SignInResult::Failed,
        }
    }

    /// Signs out on the server, drops the token and moves to the signed-out state, which unmounts every
    /// protected remote.
    pub async fn sign_out(self) {
        http::logout().await;
        self.state.set(Session::SignedOut {
            reason: Some(SignOutReason::UserSignedOut),
        });
    }

    /// Called when the interceptor found the refresh session gone.
    pub fn expire(self) {
        if matches!(self.state.get_untracked(), Session::SignedIn { .. }) {
            http::forget_token();
            self.state.set(Session::SignedOut {
                reason: Some(SignOutReason::SessionExpired),
            });
        }
    }
}
