//! Turns a thrown JS value into a sentence, the same way in the shell and in every remote's SDK.
//!
//! Whatever crosses the shell–remote boundary as an exception is a string or an `Error`; anything else is reported
//! as "unknown error" rather than by its debug form, and never by its contents.

use wasm_bindgen::{JsCast, JsValue};

/// The message of a thrown string or `Error`, else "unknown error".
pub fn describe(error: &JsValue) -> String {
    error
        .as_string()
        .or_else(|| {
            error
                .dyn_ref::<js_sys::Error>()
                .map(|error| String::from(error.message()))
        })
        .unwrap_or_else(|| "unknown error".into())
}
