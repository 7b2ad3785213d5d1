//! The typed host API a remote uses: current identity and path, change notifications, navigation and HTTP
//! through the shell's interceptor.
//!
//! Every call goes through the JS bridge object the shell passed to `mount`, as JSON strings. A remote never
//! touches `js_sys::Reflect` itself, and never receives a token: the shell attaches it after the request leaves.

use leptos::prelude::*;
use shared_types::{FetchRequest, FetchResponse, HostContext, IdentityContext, SignInRequest, SignInResult};
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

/// The shell, as a remote sees it. Cheap to clone.
#[derive(Clone)]
pub struct Host {
    bridge: JsValue,
    context: RwSignal<HostContext>,
}

impl Host {
    pub(crate) fn new(bridge: JsValue, context: RwSignal<HostContext>) -> Self {
        Self { bridge, context }
    }

    pub(crate) fn read_initial_context(bridge: &JsValue) -> Result<HostContext, HostError> {
        let json = call(bridge, "context", &[])?
            .as_string()
            .ok_or_else(|| HostError::Malformed("context is not a string".into()))?;
        serde_json::from_str(&json).map_err(|error| HostError::Malformed(error.to_string()))
    }

    /// The current identity; reading it inside a view or effect subscribes to changes.
    pub fn identity(&self) -> Signal<IdentityContext> {
        let context = self.context;
        Signal::derive(move || context.with(|context| context.identity.clone()))
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

    /// Asks the shell to navigate to an in-app path; only the shell owns the URL.
    pub fn navigate(&self, path: &str) -> Result<(), HostError> {
        call(&self.bridge, "navigate", &[JsValue::from_str(path)]).map(drop)
    }

    /// Makes an HTTP request to `/api/...` through the shell's interceptor.
    pub async fn fetch(&self, request: &FetchRequest) -> Result<FetchResponse, HostError> {
        let json = serde_json::to_string(request).map_err(|error| HostError::Malformed(error.to_string()))?;
        let answer = call_async(&self.bridge, "fetch", &json).await?;
        serde_json::from_str(&answer).map_err(|error| HostError::Malformed(error.to_string()))
    }

    /// `GET path` through the shell.
    pub async fn get(&self, path: &str) -> Result<FetchResponse, HostError> {
        self.fetch(&FetchRequest::get(path)).await
    }

    /// Hands credentials to the shell, which signs in and then navigates on success.
    pub async fn sign_in(&self, request: &SignInRequest) -> Result<SignInResult, HostError> {
        let json = serde_json::to_string(request).map_err(|error| HostError::Malformed(error.to_string()))?;
        let answer = call_async(&self.bridge, "signIn", &json).await?;
        serde_json::from_str(&answer).map_err(|error| HostError::Malformed(error.to_string()))
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

fn describe(error: &JsValue) -> String {
    error
        .as_string()
        .or_else(|| {
            error
                .dyn_ref::<js_sys::Error>()
                .map(|error| String::from(error.message()))
        })
        .unwrap_or_else(|| "unknown error".into())
}
