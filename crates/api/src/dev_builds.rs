//! `GET /api/dev/builds`: the dev loop's remote build states as Server-Sent Events, for a development shell to swap
//! rebuilt remotes in place and show build failures (see `shared_types::dev_builds`).
//!
//! Served only when the server was started with `--dev-builds <file>` (which needs `--dev`); `cargo xtask dev`
//! passes the file it rewrites, whole and atomically, after each change of a remote build. Each connection watches
//! the file and sends its content as one event when it first reads it and whenever it changes; a file that does not
//! parse is skipped until the next change. The events carry manifests and compiler messages, never anything of a
//! session.

use std::convert::Infallible;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use shared_types::dev_builds::DevBuilds;

use crate::problem::ApiError;
use crate::state::AppState;

/// How often each connection looks at the file.
const POLL_EVERY: Duration = Duration::from_millis(100);

/// The event stream, or 404 unless the server runs in dev mode with `--dev-builds`. It ends when the server shuts
/// down.
pub async fn stream(State(state): State<Arc<AppState>>) -> Response {
    let Some(path) = state.config.dev_builds.clone().filter(|_| state.config.dev) else {
        return ApiError::NotFound.into_response();
    };
    let watch = (path, None::<String>, state.streams_end.clone());
    let events = futures::stream::unfold(watch, |(path, last_sent, mut end)| async move {
        loop {
            if *end.borrow() {
                return None;
            }
            if let Some(current) = read_builds(&path).await
                && last_sent.as_ref() != Some(&current)
            {
                let event = Event::default().data(current.clone());
                return Some((Ok::<_, Infallible>(event), (path, Some(current), end)));
            }
            tokio::select! {
                _ = tokio::time::sleep(POLL_EVERY) => {}
                _ = end.changed() => {}
            }
        }
    });
    Sse::new(events).keep_alive(KeepAlive::default()).into_response()
}

/// The file's build states as one line of JSON; `None` while it is absent or does not parse.
async fn read_builds(path: &Path) -> Option<String> {
    let text = tokio::fs::read_to_string(path).await.ok()?;
    let builds: DevBuilds = serde_json::from_str(&text).ok()?;
    serde_json::to_string(&builds).ok()
}
