//! The session: its state machine ([`state`]), the refresh schedule ([`refresh_schedule`]) and, in the browser,
//! the store that drives them (bootstrap, sign-in, refresh, expiry, sign-out, other tabs).
//!
//! The store holds only the identity. Every token operation is delegated to `http`, which keeps the token.

pub mod refresh_schedule;
pub mod state;

#[cfg(target_arch = "wasm32")]
mod store;
#[cfg(target_arch = "wasm32")]
mod tabs;

#[cfg(target_arch = "wasm32")]
pub use store::{SessionStore, use_session};
