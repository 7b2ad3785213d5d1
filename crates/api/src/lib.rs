//! Portico's reference API server: sign-in, rotating refresh sessions, and enforced authorization.
//!
//! The library holds the whole server so integration tests can start it in-process on an ephemeral port with
//! [`server::start`]; the `api` binary only parses flags and waits for a shutdown signal.

pub mod admin;
pub mod auth;
pub mod auth_counters;
pub mod bearer;
pub mod compression_dictionary;
pub mod config;
pub mod csrf;
pub mod db;
pub mod dev_builds;
pub mod login_limiter;
pub mod orders;
pub mod passwords;
pub mod problem;
pub mod security_headers;
pub mod server;
pub mod sessions;
pub mod state;
pub mod static_files;
pub mod tokens;
pub mod users;

pub use auth_counters::{AuthCounters, AuthCounts};
pub use config::{Cli, Config};
pub use server::{RunningServer, StartError, start};
