//! Auth events leave the shell through one door: [`emit`] hands each [`AuthEvent`] to the pluggable sink and to
//! every mounted remote that subscribed through its host.
//!
//! Sinks see only the event (a name, a reason, counters, in-app paths), never a token or an identity. Which sink
//! runs: `<meta name="portico-event-sink" content="console|dom|none">` in `index.html` if present; otherwise
//! `console` in debug builds and none in release builds. A team that wants its own (an OpenTelemetry exporter,
//! say) calls [`set_sink`] from `main.rs` before mounting the app, or listens to the `dom` sink's
//! `portico:auth-event` DOM events.

use std::cell::RefCell;

use shared_types::AuthEvent;
use wasm_bindgen::JsValue;

/// Where auth events go.
pub trait EventSink {
    /// Records one event. Must not block, and must not fail loudly.
    fn record(&self, event: &AuthEvent, json: &str);
}

/// One structured `console.info` line per event: `portico:auth-event {"event":"signed_in"}`.
pub struct ConsoleSink;

impl EventSink for ConsoleSink {
    fn record(&self, _event: &AuthEvent, json: &str) {
        web_sys::console::info_2(&JsValue::from_str(DOM_EVENT), &JsValue::from_str(json));
    }
}

/// A `portico:auth-event` `CustomEvent` on `window` whose `detail` is the event's JSON.
pub struct DomEventSink;

/// Name of the console prefix and of the DOM event.
pub const DOM_EVENT: &str = "portico:auth-event";

impl EventSink for DomEventSink {
    fn record(&self, _event: &AuthEvent, json: &str) {
        let init = web_sys::CustomEventInit::new();
        init.set_detail(&JsValue::from_str(json));
        if let (Some(window), Ok(event)) = (
            web_sys::window(),
            web_sys::CustomEvent::new_with_event_init_dict(DOM_EVENT, &init),
        ) {
            let _ = window.dispatch_event(&event);
        }
    }
}

thread_local! {
    static SINK: RefCell<Option<Box<dyn EventSink>>> = RefCell::new(configured_sink());
}

/// Replaces the sink; call it before mounting the app.
pub fn set_sink(sink: Box<dyn EventSink>) {
    SINK.with(|current| *current.borrow_mut() = Some(sink));
}

/// Sends `event` to the sink and to every mounted remote.
pub fn emit(event: AuthEvent) {
    let Ok(json) = shared_types::json::to_string(&event) else {
        return;
    };
    SINK.with(|sink| {
        if let Some(sink) = sink.borrow().as_ref() {
            sink.record(&event, &json);
        }
    });
    crate::loader::notify_remotes(event.name(), &json);
}

fn configured_sink() -> Option<Box<dyn EventSink>> {
    let configured = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| {
            document
                .query_selector("meta[name='portico-event-sink']")
                .ok()
                .flatten()
        })
        .and_then(|meta| meta.get_attribute("content"));
    match configured.as_deref() {
        Some("console") => Some(Box::new(ConsoleSink)),
        Some("dom") => Some(Box::new(DomEventSink)),
        Some(_) => None,
        None if cfg!(debug_assertions) => Some(Box::new(ConsoleSink)),
        None => None,
    }
}
