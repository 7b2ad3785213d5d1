//! `GET /api/dev/builds`: the dev loop's build states as Server-Sent Events, only with `--dev-builds`.

use std::time::Duration;

use reqwest::StatusCode;
use shared_types::dev_builds::{DevBuildFailure, DevBuildOutcome, DevBuilds, DevRemoteBuild, SourceLocation};

use crate::support::TestServer;

fn builds(message: &str) -> DevBuilds {
    DevBuilds {
        remotes: vec![DevRemoteBuild {
            remote: "orders".into(),
            building: false,
            outcome: DevBuildOutcome::Failed(DevBuildFailure {
                location: Some(SourceLocation {
                    file: "remotes/orders/src/lib.rs".into(),
                    line: 3,
                    column: 9,
                }),
                message: message.into(),
                detail: String::new(),
            }),
        }],
    }
}

/// The next event's data, within a few seconds.
async fn next_event(response: &mut reqwest::Response, pending: &mut String) -> DevBuilds {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let Some(end) = pending.find("\n\n") {
                let event: String = pending.drain(..end + 2).collect();
                if let Some(data) = event.lines().find_map(|line| line.strip_prefix("data:")) {
                    return serde_json::from_str(data.trim()).expect("an event is DevBuilds JSON");
                }
                continue;
            }
            let chunk = response.chunk().await.unwrap().expect("the stream stays open");
            pending.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    })
    .await
    .expect("an event arrived")
}

#[tokio::test]
async fn without_the_flag_there_is_no_stream() {
    let server = TestServer::start().await;
    let response = server.client.get(server.url("/api/dev/builds")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_file_is_streamed_when_read_and_on_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("builds.json");
    std::fs::write(&file, serde_json::to_string_pretty(&builds("first")).unwrap()).unwrap();
    let mut server = TestServer::start_with(|config| config.dev_builds = Some(file.clone())).await;
    let mut response = server.client.get(server.url("/api/dev/builds")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut pending = String::new();
    assert_eq!(next_event(&mut response, &mut pending).await, builds("first"));

    // A half-written or foreign file is skipped; the next valid one arrives.
    std::fs::write(&file, "{\"remotes\": [").unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    std::fs::write(&file, serde_json::to_string(&builds("second")).unwrap()).unwrap();
    assert_eq!(next_event(&mut response, &mut pending).await, builds("second"));

    // An open stream does not hold up a graceful shutdown, and ends with it.
    let running = server.server.take().unwrap();
    tokio::time::timeout(Duration::from_secs(5), running.stop())
        .await
        .expect("the server stopped while a stream was open")
        .unwrap();
    let rest = tokio::time::timeout(Duration::from_secs(5), response.chunk()).await;
    assert!(
        matches!(rest, Ok(Ok(None)) | Ok(Err(_))),
        "the stream ended with the server"
    );
}
