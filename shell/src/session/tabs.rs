//! The browser signals the session listens to: the other tabs of this browser (a `BroadcastChannel`), the page
//! becoming visible again, and the network coming back.
//!
//! Messages between tabs are [`AuthEvent`]s as JSON: an event name and a reason, never a token or an identity.

use serde::Deserialize;
use shared_types::{AuthEvent, SignOutReason};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Name of the channel every tab of this origin joins.
const CHANNEL: &str = "portico-session";

/// The tab channel and the page listeners; dropping it stops listening.
pub struct BrowserSignals {
    channel: Option<web_sys::BroadcastChannel>,
    _on_message: Closure<dyn Fn(web_sys::MessageEvent)>,
    _on_wake: Closure<dyn Fn(web_sys::Event)>,
}

impl BrowserSignals {
    /// Joins the tab channel and listens for `visibilitychange` (only when the page becomes visible) and `online`.
    pub fn listen(on_tab_event: impl Fn(AuthEvent) + 'static, on_wake: impl Fn() + 'static) -> Self {
        let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |message: web_sys::MessageEvent| {
            if let Some(event) = message.data().as_string().and_then(|json| read_tab_message(&json)) {
                on_tab_event(event);
            }
        });
        let channel = web_sys::BroadcastChannel::new(CHANNEL).ok();
        if let Some(channel) = &channel {
            channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        }
        let on_wake = Closure::<dyn Fn(web_sys::Event)>::new(move |_event: web_sys::Event| {
            let visible = web_sys::window()
                .and_then(|window| window.document())
                .is_none_or(|document| document.visibility_state() == web_sys::VisibilityState::Visible);
            if visible {
                on_wake();
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.add_event_listener_with_callback("online", on_wake.as_ref().unchecked_ref());
            if let Some(document) = window.document() {
                let _ = document.add_event_listener_with_callback("visibilitychange", on_wake.as_ref().unchecked_ref());
            }
        }
        Self {
            channel,
            _on_message: on_message,
            _on_wake: on_wake,
        }
    }

    /// Tells the other tabs (never this one) what happened.
    pub fn tell_other_tabs(&self, event: &AuthEvent) {
        if let (Some(channel), Ok(json)) = (&self.channel, shared_types::json::to_string(event)) {
            let _ = channel.post_message(&JsValue::from_str(&json));
        }
    }
}

/// The fields of a tab message. Read through this plain struct rather than `AuthEvent`'s internally tagged
/// `Deserialize`, which would link serde's buffering of untyped content into the shell.
#[derive(Deserialize)]
struct TabMessage {
    event: String,
    #[serde(default)]
    reason: Option<SignOutReason>,
}

/// The session events another tab may announce; anything else is ignored.
fn read_tab_message(json: &str) -> Option<AuthEvent> {
    let message: TabMessage = shared_types::json::from_str(json).ok()?;
    match message.event.as_str() {
        "signed_in" => Some(AuthEvent::SignedIn),
        "session_expired" => Some(AuthEvent::SessionExpired),
        "signed_out" => Some(AuthEvent::SignedOut {
            reason: message.reason.unwrap_or(SignOutReason::UserSignedOut),
        }),
        _ => None,
    }
}
