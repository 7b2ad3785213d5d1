//! The contract between Portico's shell and its remotes: identity context, remote manifest, registry and the
//! messages a remote exchanges with its host.
//!
//! Everything here is plain serde data. This crate must never depend on leptos or wasm-bindgen, so the contract
//! is unit-tested natively and any remote, whatever it was built with, can speak it as JSON.

pub mod capability;
pub mod contract;
pub mod data;
pub mod dev_builds;
pub mod events;
pub mod frame;
pub mod host;
pub mod identity;
pub mod json;
pub mod locale;
pub mod manifest;
pub mod registry;

pub use capability::{Capabilities, CapabilityError};
pub use contract::{CONTRACT_VERSION, ContractVersion};
pub use data::{DataError, FetchReply, FieldProblem};
pub use events::{AuthEvent, LoadStage, SignOutReason};
pub use host::{FetchRequest, FetchResponse, HostContext, SignInRequest, SignInResult};
pub use identity::IdentityContext;
pub use locale::{Language, Plural, ProfileUpdate};
pub use manifest::{ManifestError, RemoteManifest};
pub use registry::{Registry, RegistryError, SIGN_IN_REMOTE, Trust};

/// Root-relative URL of the registry the shell reads at run time.
pub const REGISTRY_URL: &str = "/remotes.json";
