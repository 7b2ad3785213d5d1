//! The session: its state machine ([`state`]) and, in the browser, the store that bootstraps it, signs in and
//! signs out.
//!
//! The store holds only the identity. Every token operation is delegated to `http`, which keeps the token.

pub mod state;

#[cfg(target_arch = "wasm32")]
mod store;

#[cfg(target_arch = "wasm32")]
pub use store::{SessionStore, use_session};
