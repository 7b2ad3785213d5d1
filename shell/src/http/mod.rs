//! HTTP for the shell, in two layers: the [`interceptor`] (token, single-flight refresh, 401 recovery) over a
//! session transport ([`wire`] is its contract; `browser` is the real one, over `fetch` and Web Locks).
//!
//! The interceptor is plain Rust over the [`wire::Transport`] trait, so its concurrency rules are tested natively
//! and in the browser against a scripted fake.

pub mod interceptor;
pub mod wire;

#[cfg(target_arch = "wasm32")]
mod browser;

#[cfg(target_arch = "wasm32")]
pub use browser::{BrowserTransport, interceptor};
pub use interceptor::{HttpError, Interceptor, RefreshNotice, SessionGrant};
