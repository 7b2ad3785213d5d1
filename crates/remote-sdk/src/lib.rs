//! What a Portico remote links: the [`export!`] macro and a typed [`Host`].
//!
//! A remote author writes a plain Leptos component that takes a `host: Host` prop and calls
//! `remote_sdk::export!(App)`. The macro generates the `mount(element, host) -> handle` export the shell calls;
//! the handle offers `unmount()`, `update(context)` and `notify(event)`. [`load`] and [`DataFailure`] give every
//! remote the same loading, failure and "Retry" states. Everything that crosses between shell and remote is a
//! JSON string or a plain JS value, never a Rust type or a signal, and a remote never sees a token.

mod data;
mod host;
mod intl;
mod lifecycle;

pub use data::{DataFailure, Load, Loaded, Retry, failure_message, load, retry_label};
pub use host::{Host, HostError, Identity};
pub use intl::{format_date, format_id, format_money, format_number, plural_of, use_language};
pub use lifecycle::{RemoteHandle, mount_remote};
pub use shared_types::{
    AuthEvent, CONTRACT_VERSION, ContractVersion, DataError, FetchRequest, FetchResponse, FieldProblem, HostContext,
    IdentityContext, Language, Plural, SignInRequest, SignInResult,
};

/// Crates the [`export!`] expansion names, so a remote needs no direct dependency on them.
#[doc(hidden)]
pub mod reexports {
    pub use wasm_bindgen;
}

/// Exports a component as this remote's entry point.
///
/// `$app` must be a Leptos component whose only prop is `host: Host`. The expansion defines the wasm-bindgen
/// exports `contract()`, the contract version the remote was built against, and `mount(element, host)`, which
/// returns a [`RemoteHandle`] or throws a string the shell catches.
#[macro_export]
macro_rules! export {
    ($app:ident) => {
        /// The contract version this remote was built against, `MAJOR.MINOR`; the shell checks it before `mount`.
        #[$crate::reexports::wasm_bindgen::prelude::wasm_bindgen(wasm_bindgen = $crate::reexports::wasm_bindgen)]
        pub fn contract() -> ::std::string::String {
            $crate::CONTRACT_VERSION.to_string()
        }

        /// Mounts this remote into `element`, talking to the shell through the `host` bridge object.
        #[$crate::reexports::wasm_bindgen::prelude::wasm_bindgen(wasm_bindgen = $crate::reexports::wasm_bindgen)]
        pub fn mount(
            element: $crate::reexports::wasm_bindgen::JsValue,
            host: $crate::reexports::wasm_bindgen::JsValue,
        ) -> ::core::result::Result<$crate::RemoteHandle, $crate::reexports::wasm_bindgen::JsValue> {
            $crate::mount_remote(
                element,
                host,
                |host| ::leptos::prelude::view! { <$app host=host /> },
            )
        }
    };
}
