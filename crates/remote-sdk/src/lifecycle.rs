//! The remote's side of the lifecycle: `mount` builds the Leptos view, the returned handle unmounts it and
//! receives context updates from the shell.
//!
//! Nothing here may panic on bad input from the shell: errors become `Err` values the shell sees as exceptions.

use std::any::Any;

use leptos::prelude::*;
use shared_types::HostContext;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::host::{EventListeners, Host};

/// A mounted remote, as the shell holds it.
#[wasm_bindgen]
pub struct RemoteHandle {
    mounted: Option<Box<dyn Any>>,
    context: RwSignal<HostContext>,
    listeners: EventListeners,
}

#[wasm_bindgen]
impl RemoteHandle {
    /// Removes the view and drops every signal, effect and in-memory datum of this mount.
    pub fn unmount(&mut self) {
        self.listeners.borrow_mut().clear();
        self.mounted.take();
    }

    /// Receives an auth event (a `shared_types::AuthEvent` as JSON) and hands it to the remote's listeners.
    pub fn notify(&self, event: &str) {
        if self.mounted.is_some() {
            for listener in self.listeners.borrow().iter() {
                listener(event);
            }
        }
    }

    /// Receives a new `HostContext` (identity and path) as JSON.
    pub fn update(&self, context: &str) -> Result<(), JsValue> {
        let context: HostContext = shared_types::json::from_str(context)
            .map_err(|error| JsValue::from_str(&format!("bad context: {error}")))?;
        if self.mounted.is_some() {
            self.context.try_set(context);
        }
        Ok(())
    }
}

/// Mounts `app` into `element`; called by the code [`export!`](crate::export) generates.
pub fn mount_remote<V: IntoView + 'static>(
    element: JsValue,
    bridge: JsValue,
    app: impl FnOnce(Host) -> V + 'static,
) -> Result<RemoteHandle, JsValue> {
    let element: web_sys::HtmlElement = element
        .dyn_into()
        .map_err(|_| JsValue::from_str("mount needs an HTML element"))?;
    let initial = Host::read_initial_context(&bridge).map_err(|error| JsValue::from_str(&error.to_string()))?;
    let context_slot = std::rc::Rc::new(std::cell::Cell::new(None));
    let slot = context_slot.clone();
    let listeners = EventListeners::default();
    let host_listeners = listeners.clone();
    let mounted = leptos::mount::mount_to(element, move || {
        let context = RwSignal::new(initial);
        slot.set(Some(context));
        let host = Host::new(bridge, context, host_listeners);
        provide_context(crate::intl::Speaking(host.language()));
        app(host)
    });
    let context = context_slot
        .take()
        .ok_or_else(|| JsValue::from_str("the remote view did not initialise"))?;
    Ok(RemoteHandle {
        mounted: Some(Box::new(mounted)),
        context,
        listeners,
    })
}
