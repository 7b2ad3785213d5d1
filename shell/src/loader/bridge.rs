//! The host bridge: the plain JS object a remote receives at mount, with `context`, `navigate`, `fetch` and
//! (for the auth remote only) `signIn`.
//!
//! The bridge passes JSON strings both ways and never exposes the token: `fetch` goes through the interceptor,
//! which attaches it after the request has left the remote's hands.

use shared_types::{FetchReply, FetchRequest, HostContext, SignInRequest};
use wasm_bindgen::prelude::*;

use super::state::with_state;
use crate::events::emit;
use crate::guard::is_safe_redirect;
use crate::http;
use crate::session::SessionStore;
use shared_types::AuthEvent;

/// One bridge function: takes a JSON string (or nothing), returns a value or a promise, or throws.
type BridgeFunction = dyn Fn(JsValue) -> Result<JsValue, JsValue>;

/// The bridge object and the closures behind it; dropping this disables the bridge.
pub struct HostBridge {
    object: js_sys::Object,
    _closures: Vec<Closure<BridgeFunction>>,
}

impl HostBridge {
    /// The JS object to hand to the remote.
    pub fn object(&self) -> &JsValue {
        &self.object
    }
}

/// Builds the bridge for `remote`. `context` gives the current `HostContext` as JSON; `navigate` changes route.
pub fn build(
    remote: &str,
    session: SessionStore,
    context: impl Fn() -> String + 'static,
    navigate: impl Fn(&str) + 'static,
) -> HostBridge {
    let object = js_sys::Object::new();
    let mut closures = Vec::new();
    let mut add = |name: &str, function: Box<BridgeFunction>| {
        let closure = Closure::wrap(function);
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(name), closure.as_ref());
        closures.push(closure);
    };

    add("context", Box::new(move |_| Ok(JsValue::from_str(&context()))));
    add(
        "navigate",
        Box::new(move |path| match path.as_string() {
            Some(path) if is_safe_redirect(&path) => {
                navigate(&path);
                Ok(JsValue::UNDEFINED)
            }
            _ => Err(JsValue::from_str("refused: not an in-app path")),
        }),
    );
    let fetching_remote = remote.to_owned();
    add(
        "fetch",
        Box::new(move |request| {
            let request = request.as_string().unwrap_or_default();
            let remote = fetching_remote.clone();
            Ok(wasm_bindgen_futures::future_to_promise(
                async move { to_json(&fetch_for_remote(&remote, &request).await) },
            )
            .into())
        }),
    );
    if remote == shared_types::SIGN_IN_REMOTE {
        add(
            "signIn",
            Box::new(move |request| {
                let request = request.as_string().unwrap_or_default();
                Ok(wasm_bindgen_futures::future_to_promise(async move {
                    let request: SignInRequest = shared_types::json::from_str(&request)
                        .map_err(|error| JsValue::from_str(&error.to_string()))?;
                    let result = session.sign_in(request).await;
                    to_json(&result)
                })
                .into())
            }),
        );
    }
    HostBridge {
        object,
        _closures: closures,
    }
}

/// The `HostContext` for the current session and path, as JSON.
pub fn context_json(session: SessionStore, path: String) -> String {
    let context = HostContext {
        identity: session.identity(),
        path,
    };
    shared_types::json::to_string(&context).unwrap_or_default()
}

/// `remote`'s request through the interceptor, if its granted capabilities allow the call. The answer is always a
/// [`FetchReply`]: `Denied` (with an `AccessDenied` event) outside the grant; when the session ended on the way,
/// the interceptor has already told the session store, which signs the user out.
pub(super) async fn fetch_for_remote(remote: &str, request: &str) -> FetchReply {
    let request = match shared_types::json::from_str::<FetchRequest>(request) {
        Ok(request) => request,
        Err(error) => return FetchReply::Refused(format!("not a fetch request: {error}")),
    };
    if !with_state(|state| state.grant(remote)).allows_call(&request.method, &request.path) {
        let call = format!("{} {}", request.method, request.path);
        emit(AuthEvent::AccessDenied {
            route: current_path(),
            permission: call.clone(),
        });
        return FetchReply::Denied(call);
    }
    http::interceptor().fetch(&request).await
}

/// The page's path, for the `AccessDenied` event of a refused host call.
fn current_path() -> String {
    web_sys::window()
        .and_then(|window| window.location().pathname().ok())
        .unwrap_or_default()
}

fn to_json(value: &impl serde::Serialize) -> Result<JsValue, JsValue> {
    shared_types::json::to_string(value)
        .map(|json| JsValue::from_str(&json))
        .map_err(|error| JsValue::from_str(&error.to_string()))
}
