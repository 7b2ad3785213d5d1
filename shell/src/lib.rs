//! Portico's shell: the only owner of the URL, the session and the access token; it loads the remotes.
//!
//! The pure logic ([`guard`], [`origin`], [`session::state`], [`session::refresh_schedule`] and the
//! [`http::interceptor`] over its transport trait) compiles natively so `cargo test` covers it; the browser parts
//! (app, browser transport, events, loader, session store) exist only on `wasm32`.

pub mod dev_override;
pub mod guard;
pub mod http;
pub mod origin;
pub mod remote_load;
pub mod session;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(all(target_arch = "wasm32", any(debug_assertions, feature = "dev-tools")))]
pub mod dev_builds;
#[cfg(target_arch = "wasm32")]
pub mod devtools;
#[cfg(target_arch = "wasm32")]
pub mod events;
#[cfg(target_arch = "wasm32")]
pub mod focus;
#[cfg(target_arch = "wasm32")]
pub mod language;
#[cfg(target_arch = "wasm32")]
pub mod loader;
#[cfg(target_arch = "wasm32")]
pub mod pages;
#[cfg(target_arch = "wasm32")]
pub mod text;
#[cfg(target_arch = "wasm32")]
pub mod theme;
#[cfg(target_arch = "wasm32")]
pub mod user_menu;
