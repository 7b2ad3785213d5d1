//! The typed host API a remote uses: current identity and path, change notifications, auth events, navigation
//! and HTTP through the shell's interceptor.
//!
//! Every call goes through the JS bridge object the shell passed to `mount`, as JSON strings. A remote never
//! touches `js_sys::Reflect` itself, and never receives a token: the shell attaches it after the request leaves.

use std::cell::RefCell;
use std::ops::Deref;
use std::rc::Rc;

use js_error::describe;
use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared_types::{
    AuthEvent, DataError, FetchReply, FetchRequest, FetchResponse, HostContext, IdentityContext, Language,
    SignInRequest, SignInResult,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why a host call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostError {
    /// The bridge object lacks a function this SDK needs (shell and remote disagree on the contract).
    #[error("the host offers no `{0}` function")]
    Missing(&'static str),
    /// The shell refused or could not complete the call.
    #[error("the host refused the call: {0}")]
    Refused(String),
    /// The shell answered with something that is not the expected JSON.
    #[error("the host answered with unreadable data: {0}")]
    Malformed(String),
}

impl From<HostError> for DataError {
    fn from(error: HostError) -> Self {
        match error {
            HostError::Refused(reason) => DataError::Refused(reason),
            other => DataError::Unreadable(other.to_string()),
        }
    }
}

/// Listeners for auth events, shared by the [`Host`] and the mounted remote's handle, which feeds them.
pub(crate) type EventListeners = Rc<RefCell<Vec<Box<dyn Fn(&str)>>>>;

/// The signed-in user as a remote sees it: a reactive [`IdentityContext`] with permission checks.
///
/// Dereferences to the underlying signal, so `identity.read().display_name` and `identity.get()` work.
#[derive(Clone, Copy)]
pub struct Identity(Signal<IdentityContext>);

impl Identity {
    /// Whether the user holds `permission`; reading it inside a view or effect subscribes to changes.
    ///
    /// Use it to decide what to offer. The API still checks every request.
    pub fn can(&self, permission: &str) -> bool {
        self.0.with(|identity| identity.can(permission))
    }
}

impl Deref for Identity {
    type Target = Signal<IdentityContext>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

/// The shell, as a remote sees it. Cheap to clone.
#[derive(Clone)]
pub struct Host {
    bridge: JsValue,
    context: RwSignal<HostContext>,
    listeners: EventListeners,
}

impl Host {
    pub(crate) fn new(bridge: JsValue, context: RwSignal<HostContext>, listeners: EventListeners) -> Self {
        Self {
            bridge,
            context,
            listeners,
        }
    }

    pub(crate) fn read_initial_context(bridge: &JsValue) -> Result<HostContext, HostError> {
        let json = call(bridge, "context", &[])?
            .as_string()
            .ok_or_else(|| HostError::Malformed("context is not a string".into()))?;
        shared_types::json::from_str(&json).map_err(|error| HostError::Malformed(error.to_string()))
    }

    /// The current identity; reading it inside a view or effect subscribes to changes.
    pub fn identity(&self) -> Identity {
        let context = self.context;
        Identity(Signal::derive(move || context.with(|context| context.identity.clone())))
    }

    /// The language to speak: the user's, or signed out the browser's, as the shell passes it in the identity;
    /// reading it subscribes to changes. Anywhere in the view, [`use_language`](crate::use_language) gives the same.
    pub fn language(&self) -> Signal<Language> {
        let context = self.context;
        Signal::derive(move || context.with(|context| Language::of_locale(&context.identity.locale)))
    }

    /// The current in-app path with its query; reading it subscribes to changes.
    pub fn path(&self) -> Signal<String> {
        let context = self.context;
        Signal::derive(move || context.with(|context| context.path.clone()))
    }

    /// Runs `on_change` now and whenever the shell pushes a new identity or path, until the remote unmounts.
    pub fn subscribe(&self, on_change: impl Fn(&HostContext) + 'static) {
        let context = self.context;
        Effect::new(move || context.with(|context| on_change(context)));
    }

    /// Calls `on_event` for every auth event the shell reports from now on, until the remote unmounts.
    pub fn on_event(&self, on_event: impl Fn(&AuthEvent) + 'static) {
        self.listeners.borrow_mut().push(Box::new(move |json| {
            if let Ok(event) = shared_types::json::from_str::<AuthEvent>(json) {
                on_event(&event);
            }
        }));
    }

    /// Asks the shell to navigate to an in-app path; only the shell owns the URL.
    pub fn navigate(&self, path: &str) -> Result<(), HostError> {
        call(&self.bridge, "navigate", &[JsValue::from_str(path)]).map(drop)
    }

    /// Makes an HTTP request to `/api/...` through the shell's interceptor. A 2xx answer is `Ok`; anything else is
    /// the [`DataError`] for its kind (the shell has already tried to recover from a 401).
    pub async fn fetch(&self, request: &FetchRequest) -> Result<FetchResponse, DataError> {
        let json = shared_types::json::to_string(request).map_err(|error| DataError::Unreadable(error.to_string()))?;
        let answer = call_async(&self.bridge, "fetch", &json).await?;
        shared_types::json::from_str::<FetchReply>(&answer)
            .map_err(|error| DataError::Unreadable(error.to_string()))?
            .into_result()
    }

    /// `GET path` through the shell.
    pub async fn get(&self, path: &str) -> Result<FetchResponse, DataError> {
        self.fetch(&FetchRequest::get(path)).await
    }

    /// `GET path` through the shell, reading a 2xx body as JSON.
    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, DataError> {
        let response = self.get(path).await?;
        shared_types::json::from_str(&response.body).map_err(|error| DataError::Unreadable(error.to_string()))
    }

    /// `POST path` with `body` as JSON through the shell.
    pub async fn post_json(&self, path: &str, body: &impl Serialize) -> Result<FetchResponse, DataError> {
        let body = shared_types::json::to_string(body).map_err(|error| DataError::Unreadable(error.to_string()))?;
        self.fetch(&FetchRequest::post_json(path, body)).await
    }

    /// Hands credentials to the shell, which signs in and then navigates on success.
    pub async fn sign_in(&self, request: &SignInRequest) -> Result<SignInResult, HostError> {
        let json = shared_types::json::to_string(request).map_err(|error| HostError::Malformed(error.to_string()))?;
        let answer = call_async(&self.bridge, "signIn", &json).await?;
        shared_types::json::from_str(&answer).map_err(|error| HostError::Malformed(error.to_string()))
    }
}

fn function(bridge: &JsValue, name: &'static str) -> Result<js_sys::Function, HostError> {
    js_sys::Reflect::get(bridge, &JsValue::from_str(name))
        .ok()
        .and_then(|value| value.dyn_into::<js_sys::Function>().ok())
        .ok_or(HostError::Missing(name))
}

fn call(bridge: &JsValue, name: &'static str, args: &[JsValue]) -> Result<JsValue, HostError> {
    let function = function(bridge, name)?;
    let result = match args {
        [] => function.call0(bridge),
        [first] => function.call1(bridge, first),
        _ => return Err(HostError::Refused(format!("`{name}` takes at most one argument"))),
    };
    result.map_err(|error| HostError::Refused(describe(&error)))
}

async fn call_async(bridge: &JsValue, name: &'static str, json: &str) -> Result<String, HostError> {
    let promise: js_sys::Promise = call(bridge, name, &[JsValue::from_str(json)])?
        .dyn_into()
        .map_err(|_| HostError::Malformed(format!("`{name}` did not return a promise")))?;
    let answer = JsFuture::from(promise)
        .await
        .map_err(|error| HostError::Refused(describe(&error)))?;
    answer
        .as_string()
        .ok_or_else(|| HostError::Malformed(format!("`{name}` did not resolve to a string")))
}
