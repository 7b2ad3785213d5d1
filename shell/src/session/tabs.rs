//! The browser signals the session listens to: the other tabs of this browser (a `BroadcastChannel`), the page
//! becoming visible again, and the network coming back.
//!
//! Messages between tabs are [`AuthEvent`]s as JSON: an event name and a reason, never a token or an identity.

use shared_types::AuthEvent;
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
            if let Some(event) = message
                .data()
                .as_string()
                .and_then(|json| serde_json::from_str::<AuthEvent>(&json).ok())
            {
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
        if let (Some(channel), Ok(json)) = (&self.channel, serde_json::to_string(event)) {
            let _ = channel.post_message(&JsValue::from_str(&json));
        }
    }
}
