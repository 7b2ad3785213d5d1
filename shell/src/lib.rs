//! Portico's shell: the only owner of the URL, the session and the access token; it loads the remotes.
//!
//! The pure logic ([`guard`], [`origin`], [`session::state`]) compiles natively so `cargo test` covers it; the
//! browser parts (app, interceptor, loader, session store) exist only on `wasm32`.

pub mod guard;
pub mod origin;
pub mod session;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod http;
#[cfg(target_arch = "wasm32")]
pub mod loader;
