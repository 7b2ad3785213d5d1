//! Integration tests of the reference API: the real server on an ephemeral loopback port, a temporary SQLite
//! file, and a real HTTP client.

mod support;

mod authorization;
mod cookie_mode;
mod counters;
mod dev_builds;
mod dictionaries;
mod operations;
mod profile;
mod refresh;
mod session_presence;
mod sign_in;
mod token_attacks;
