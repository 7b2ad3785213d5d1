//! The messages between the shell and an isolated remote's frame, carried as JSON strings over the
//! `MessageChannel` the shell hands the frame. The host capabilities are the same as a trusted remote's (context,
//! `fetch` as [`FetchRequest`](crate::FetchRequest) → [`FetchReply`](crate::FetchReply), navigation, events); only
//! the transport differs, so a remote's code is the same crate either way.
//!
//! Externally tagged (`{"fetch":{"id":1,…}}`, `"mounted"`): the shell's wasm parses that form without serde's
//! buffering of internally tagged enums, which costs several kilobytes.
//!
//! The shell never runs anything it receives: it parses each message into [`FromFrame`] and drops what does not
//! parse. The frame loads only the files the shell names, under the digests the shell read from the manifest.

use serde::{Deserialize, Serialize};

/// What the shell tells the frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToFrame {
    /// Load these entries (verified against these digests), then mount with this `HostContext` JSON.
    Load(Box<LoadRemote>),
    /// The contract check passed: mount the loaded remote (again, after [`ToFrame::Unmount`]).
    Mount,
    /// Unmount the remote and keep its module loaded: the shell parks the frame for the remote's next mount.
    Unmount,
    /// A new `HostContext` as JSON (path or identity changed).
    Context { context: String },
    /// An `AuthEvent` as JSON.
    Event { event: String },
    /// The answer to the frame's request `id`: a `FetchReply` as JSON.
    Reply { id: u32, reply: String },
    /// The shell's document changed its language, direction or theme; the frame follows.
    Appearance(Appearance),
    /// A navigation brought the user to this remote: focus its main heading (the first `h1`) once it exists, as
    /// the shell does for pages in its own document.
    FocusHeading,
}

/// How the shell's document looks: the `lang`, `dir` and `data-theme` attributes of its root element (empty when
/// absent), which the frame's document copies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appearance {
    pub lang: String,
    pub dir: String,
    /// `light`, `dark`, or empty to follow the system's `prefers-color-scheme`.
    #[serde(default)]
    pub theme: String,
}

/// What [`ToFrame::Load`] carries (boxed: it is much larger than the other messages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadRemote {
    /// The remote's name, for its mount point's `data-remote` (its stylesheet's scope).
    pub remote: String,
    /// The JS entry's URL and SRI digest.
    pub js: String,
    pub js_integrity: String,
    /// The wasm module's URL and SRI digest.
    pub wasm: String,
    pub wasm_integrity: String,
    /// The remote's stylesheet's URL and SRI digest, when it ships one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub css: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub css_integrity: Option<String>,
    /// The shell's own stylesheet (platform look and variables), applied inside the frame.
    pub shell_css: String,
    /// The shell's document's language, direction and theme, so the frame starts with them.
    pub appearance: Appearance,
    /// The `HostContext` to mount with, as JSON.
    pub context: String,
}

/// What the frame tells the shell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FromFrame {
    /// The remote's code loaded and verified; it declares this contract version (`MAJOR.MINOR`).
    Loaded { contract: String },
    /// The remote is mounted.
    Mounted,
    /// Loading or mounting failed at `stage` (`integrity`, `code` or `mount`).
    Failed { stage: String, error: String },
    /// The remote asks the host to fetch: a `FetchRequest` as JSON; the answer comes as [`ToFrame::Reply`].
    Fetch { id: u32, request: String },
    /// The remote asks to navigate to an in-app path.
    Navigate { path: String },
    /// The frame's content is this many CSS pixels tall.
    Size { height: u32 },
}

/// The one string a frame posts to its parent window when it is ready for its channel; the shell answers a frame
/// of its own with the channel's port, and ignores anything else.
pub const FRAME_READY: &str = "portico-frame-ready";
/// The path of the document an isolated remote's frame loads (sent with its own strict CSP).
pub const FRAME_DOCUMENT: &str = "/frame.html";
