//! Compiler messages of a development build: cargo runs with JSON messages, the rendered text still goes to the
//! terminal as usual, and the first error (file, line, column, message) is kept for the page's build-error overlay.

use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::process::{Command, Stdio};

use anyhow::{Context, Result};
use serde::Deserialize;
use shared_types::dev_builds::{DevBuildFailure, SourceLocation};

/// A compilation that failed, with what the page shows of it.
#[derive(Debug)]
pub struct BuildFailed(pub DevBuildFailure);

impl std::fmt::Display for BuildFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0.location {
            Some(location) => write!(f, "{location}: {}", self.0.message),
            None => f.write_str(&self.0.message),
        }
    }
}

impl std::error::Error for BuildFailed {}

/// The part of one line of cargo's JSON output this module reads.
#[derive(Deserialize)]
struct CargoMessage {
    reason: String,
    message: Option<CompilerMessage>,
}

#[derive(Deserialize)]
struct CompilerMessage {
    message: String,
    level: String,
    #[serde(default)]
    spans: Vec<Span>,
    rendered: Option<String>,
}

#[derive(Deserialize)]
struct Span {
    file_name: String,
    line_start: u32,
    column_start: u32,
    is_primary: bool,
}

/// Runs `cargo` (a `cargo build` command) with JSON messages, printing the compiler's rendered messages to stderr as
/// cargo would; on failure the error is a [`BuildFailed`] naming the first compiler error.
pub fn run_cargo(mut cargo: Command) -> Result<()> {
    let format = if std::io::stderr().is_terminal() {
        "--message-format=json-diagnostic-rendered-ansi"
    } else {
        "--message-format=json"
    };
    let mut child = cargo
        .arg(format)
        .stdout(Stdio::piped())
        .spawn()
        .context("could not run cargo")?;
    let stdout = child.stdout.take().context("cargo's output")?;
    let mut first_error = None;
    let mut stderr = std::io::stderr();
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        match compiler_message(&line) {
            Some(message) => {
                if let Some(rendered) = &message.rendered {
                    let _ = write!(stderr, "{rendered}");
                }
                if first_error.is_none() {
                    first_error = first_error_of(&message);
                }
            }
            None if line.starts_with('{') => {}
            None => {
                let _ = writeln!(stderr, "{line}");
            }
        }
    }
    let status = child.wait().context("waiting for cargo")?;
    if status.success() {
        return Ok(());
    }
    Err(BuildFailed(first_error.unwrap_or_else(|| DevBuildFailure {
        location: None,
        message: format!("cargo build failed ({status}); its output above says why"),
        detail: String::new(),
    }))
    .into())
}

/// The compiler message on one line of cargo's JSON output, if it carries one.
fn compiler_message(line: &str) -> Option<CompilerMessage> {
    let parsed: CargoMessage = serde_json::from_str(line).ok()?;
    (parsed.reason == "compiler-message")
        .then_some(parsed.message)
        .flatten()
}

/// `message` as a failure for the page, if it is an error that names a place in the sources.
fn first_error_of(message: &CompilerMessage) -> Option<DevBuildFailure> {
    if message.level != "error" {
        return None;
    }
    let span = message.spans.iter().find(|span| span.is_primary)?;
    Some(DevBuildFailure {
        location: Some(SourceLocation {
            file: span.file_name.replace('\\', "/"),
            line: span.line_start,
            column: span.column_start,
        }),
        message: message.message.clone(),
        detail: without_colours(message.rendered.as_deref().unwrap_or_default()),
    })
}

/// `text` without ANSI escape sequences (`ESC [ … letter`).
pub fn without_colours(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            plain.push(c);
            continue;
        }
        if chars.next() == Some('[') {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        }
    }
    plain
}

#[cfg(test)]
mod tests {
    use super::*;

    const ERROR_LINE: &str = r#"{"reason":"compiler-message","package_id":"path+file:///w/remotes/orders#remote-orders@0.1.0","manifest_path":"/w/remotes/orders/Cargo.toml","target":{"kind":["cdylib"],"name":"remote_orders"},"message":{"rendered":"\u001b[0m\u001b[1m\u001b[38;5;9merror[E0308]\u001b[0m: mismatched types\n --> remotes/orders/src/text.rs:40:27\n","$message_type":"diagnostic","children":[],"level":"error","message":"mismatched types","spans":[{"byte_end":10,"byte_start":5,"column_end":32,"column_start":27,"expansion":null,"file_name":"remotes/orders/src/text.rs","is_primary":true,"label":"expected `&str`, found integer","line_end":40,"line_start":40,"suggested_replacement":null,"suggestion_applicability":null,"text":[]}],"code":{"code":"E0308","explanation":null}}}"#;

    #[test]
    fn the_first_error_names_its_file_line_and_message() {
        let message = compiler_message(ERROR_LINE).expect("a compiler message");
        let failure = first_error_of(&message).expect("an error with a place");
        assert_eq!(
            failure.location.as_ref().unwrap().to_string(),
            "remotes/orders/src/text.rs:40:27"
        );
        assert_eq!(failure.message, "mismatched types");
        assert!(
            failure
                .detail
                .starts_with("error[E0308]: mismatched types\n --> remotes/orders")
        );
        assert_eq!(
            BuildFailed(failure).to_string(),
            "remotes/orders/src/text.rs:40:27: mismatched types"
        );
    }

    #[test]
    fn warnings_and_other_lines_are_not_errors() {
        let warning = ERROR_LINE.replace(r#""level":"error""#, r#""level":"warning""#);
        assert!(first_error_of(&compiler_message(&warning).unwrap()).is_none());
        let summary = r#"{"reason":"compiler-message","message":{"message":"aborting due to 1 previous error","level":"error","spans":[],"rendered":"error: aborting\n"}}"#;
        assert!(first_error_of(&compiler_message(summary).unwrap()).is_none());
        assert!(compiler_message(r#"{"reason":"build-finished","success":false}"#).is_none());
        assert!(compiler_message("Compiling remote-orders").is_none());
    }

    #[test]
    fn colours_are_removed() {
        assert_eq!(without_colours("\u{1b}[1m\u{1b}[38;5;9merror\u{1b}[0m: x"), "error: x");
    }
}
