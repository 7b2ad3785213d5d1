//! The loader's bookkeeping in one owned struct: the registry this page pinned, the remote modules already
//! initialised on this page and the loads under way, the outlets still on the page, and the remote each has
//! mounted.
//!
//! Plain vectors, not hash maps: a page has a handful of remotes and one or two outlets, and std's hash maps cost
//! the shell about 1.8 KB of brotli-compressed wasm. No method calls into a remote while the state is borrowed;
//! callers take what they need out first, so a remote that calls back into the shell never finds it locked.

use std::cell::RefCell;
use std::rc::Rc;

use futures::future::{LocalBoxFuture, Shared};
use shared_types::{Capabilities, Registry, RemoteManifest};
use wasm_bindgen::JsValue;

use super::bridge::HostBridge;
use super::frame::FramedRemote;
use super::import::{LoadError, RemoteCode};

/// A load under way, which every caller for the same remote awaits together.
pub type PendingLoad = Shared<LocalBoxFuture<'static, Result<RemoteCode, LoadError>>>;

/// A remote's initialised JS module, with the permissions its manifest requires (checked on every mount, since
/// another user may sign in on the same page).
pub struct LoadedModule {
    pub remote: String,
    pub permissions: Vec<String>,
    pub code: RemoteCode,
}

/// A remote mounted by an outlet.
pub enum MountedRemote {
    /// In the shell's document: its handle, its adopted stylesheet (`null` when none, removed at unmount) and the
    /// bridge it was given, kept so that it lives exactly as long as the mount (dropping it disables the bridge).
    Trusted {
        handle: JsValue,
        styles: JsValue,
        _bridge: HostBridge,
    },
    /// In its own sandboxed frame, removed when this is dropped.
    Isolated(Rc<FramedRemote>),
}

/// One load of one outlet (see [`LoaderState::begin_load`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadTicket {
    pub outlet: u64,
    load: u32,
}

/// Where context updates and events for a mounted remote go.
#[derive(Clone)]
pub enum RemoteTarget {
    Handle(JsValue),
    Frame(Rc<FramedRemote>),
}

/// Everything the loader remembers between renders.
#[derive(Default)]
pub struct LoaderState {
    /// `remotes.json` as first read on this page.
    registry: Option<Registry>,
    /// Each remote's manifest as first read on this page, so a page never mixes two versions of one remote.
    manifests: Vec<RemoteManifest>,
    /// Names of remotes found through the registry rather than the shell's own routes, kept for the page's life
    /// (a handful at most: one per registered remote).
    names: Vec<&'static str>,
    /// Loads under way, by remote.
    loading: Vec<(String, PendingLoad)>,
    /// How many times each remote's code was requested on this page.
    tries: Vec<(String, u32)>,
    /// Only successful loads are kept, so "Retry" starts afresh.
    modules: Vec<LoadedModule>,
    next_outlet: u64,
    /// Outlets still on the page, each with the number of its latest load; a load that finishes after its outlet is
    /// gone, or after the outlet started another (a newer development build), must not mount.
    live_outlets: Vec<(u64, u32)>,
    mounted: Vec<(u64, &'static str, MountedRemote)>,
    /// Each loaded remote's effective capabilities: what its manifest declared and the registry granted.
    grants: Vec<(String, Capabilities)>,
}

thread_local! {
    static STATE: RefCell<LoaderState> = RefCell::new(LoaderState::default());
}

/// Runs `change` on the page's loader state.
pub fn with_state<R>(change: impl FnOnce(&mut LoaderState) -> R) -> R {
    STATE.with(|state| change(&mut state.borrow_mut()))
}

impl LoaderState {
    /// The registry this page pinned, once read.
    pub fn registry(&self) -> Option<Registry> {
        self.registry.clone()
    }

    /// The manifest of `remote` this page pinned, once read.
    pub fn manifest(&self, remote: &str) -> Option<RemoteManifest> {
        self.manifests.iter().find(|manifest| manifest.name == remote).cloned()
    }

    /// Every manifest this page pinned.
    pub fn manifests(&self) -> Vec<RemoteManifest> {
        self.manifests.clone()
    }

    /// Pins `manifest` until the next full load, unless one is pinned already; returns the pinned one.
    pub fn pin_manifest(&mut self, manifest: RemoteManifest) -> RemoteManifest {
        match self.manifest(&manifest.name) {
            Some(pinned) => pinned,
            None => {
                self.manifests.push(manifest.clone());
                manifest
            }
        }
    }

    /// `name` with a lifetime as long as the page's: outlets and loads name their remote by `&'static str`.
    /// Each distinct name is allocated once, and names come only from the pinned registry.
    pub fn page_name(&mut self, name: &str) -> &'static str {
        if let Some(known) = self.names.iter().find(|known| **known == name) {
            return known;
        }
        let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
        self.names.push(leaked);
        leaked
    }

    /// The load of `remote` under way, if any.
    pub fn loading(&self, remote: &str) -> Option<PendingLoad> {
        self.loading
            .iter()
            .find(|(name, _)| name == remote)
            .map(|(_, pending)| pending.clone())
    }

    /// Records a load under way.
    pub fn start_loading(&mut self, remote: &str, pending: PendingLoad) {
        self.loading.push((remote.to_owned(), pending));
    }

    /// The load of `remote` finished (either way).
    pub fn stop_loading(&mut self, remote: &str) {
        self.loading.retain(|(name, _)| name != remote);
    }

    /// Counts a request of `remote`'s code: 0 the first time on this page, then 1, 2, ...
    pub fn next_try(&mut self, remote: &str) -> u32 {
        match self.tries.iter_mut().find(|(name, _)| name == remote) {
            Some((_, tries)) => {
                *tries += 1;
                *tries
            }
            None => {
                self.tries.push((remote.to_owned(), 0));
                0
            }
        }
    }

    /// Pins the registry for the rest of the page's life.
    pub fn pin_registry(&mut self, registry: Registry) {
        self.registry.get_or_insert(registry);
    }

    /// Forgets the pinned registry (a development build may have registered a remote or changed its trust).
    #[cfg(any(debug_assertions, feature = "dev-tools"))]
    pub fn unpin_registry(&mut self) {
        self.registry = None;
    }

    /// The cached code of `remote` and the permissions its manifest requires.
    pub fn module(&self, remote: &str) -> Option<(Vec<String>, RemoteCode)> {
        self.modules
            .iter()
            .find(|loaded| loaded.remote == remote)
            .map(|loaded| (loaded.permissions.clone(), loaded.code.clone()))
    }

    /// Drops a module that failed at mount, and its manifest, so the next try reads the manifest again (a fixed
    /// release may have been published meanwhile) and loads a fresh instance.
    pub fn forget_module(&mut self, remote: &str) {
        self.modules.retain(|known| known.remote != remote);
        self.unpin_manifest(remote);
    }

    /// Forgets the manifest of a remote whose load failed, so "Retry" reads it again.
    pub fn unpin_manifest(&mut self, remote: &str) {
        self.manifests.retain(|manifest| manifest.name != remote);
    }

    /// Remembers a successfully initialised module.
    pub fn remember_module(&mut self, loaded: LoadedModule) {
        self.modules.retain(|known| known.remote != loaded.remote);
        self.modules.push(loaded);
    }

    /// A new outlet on the page; returns its id.
    pub fn open_outlet(&mut self) -> u64 {
        self.next_outlet += 1;
        self.live_outlets.push((self.next_outlet, 0));
        self.next_outlet
    }

    /// `outlet` starts a load; only the latest load of an outlet may mount.
    pub fn begin_load(&mut self, outlet: u64) -> LoadTicket {
        let load = match self.live_outlets.iter_mut().find(|(id, _)| *id == outlet) {
            Some((_, load)) => {
                *load += 1;
                *load
            }
            None => 0,
        };
        LoadTicket { outlet, load }
    }

    /// Whether `ticket`'s outlet is still on the page and has started no later load.
    pub fn is_current(&self, ticket: LoadTicket) -> bool {
        self.live_outlets.contains(&(ticket.outlet, ticket.load))
    }

    /// Records that `outlet` mounted `remote`.
    pub fn set_mounted(&mut self, outlet: u64, remote: &'static str, mounted: MountedRemote) {
        self.mounted.retain(|(id, _, _)| *id != outlet);
        self.mounted.push((outlet, remote, mounted));
    }

    /// Every mounted remote by name, to send it a context update or an event.
    pub fn targets(&self) -> Vec<(&'static str, RemoteTarget)> {
        self.mounted
            .iter()
            .map(|(_, remote, mounted)| {
                let target = match mounted {
                    MountedRemote::Trusted { handle, .. } => RemoteTarget::Handle(handle.clone()),
                    MountedRemote::Isolated(frame) => RemoteTarget::Frame(frame.clone()),
                };
                (*remote, target)
            })
            .collect()
    }

    /// The outlet left the page: forgets it and hands back what it had mounted, for the caller to unmount.
    pub fn close_outlet(&mut self, outlet: u64) -> Option<MountedRemote> {
        self.live_outlets.retain(|(id, _)| *id != outlet);
        self.take_mounted(outlet)
    }

    /// Hands back what `outlet` has mounted, for the caller to unmount (before the outlet mounts a new build).
    pub fn take_mounted(&mut self, outlet: u64) -> Option<MountedRemote> {
        let index = self.mounted.iter().position(|(id, _, _)| *id == outlet)?;
        Some(self.mounted.swap_remove(index).2)
    }

    /// Whether `outlet` has a remote mounted.
    pub fn has_mounted(&self, outlet: u64) -> bool {
        self.mounted.iter().any(|(id, _, _)| *id == outlet)
    }

    /// Records `remote`'s effective capabilities.
    pub fn set_grant(&mut self, remote: &str, grant: Capabilities) {
        self.grants.retain(|(name, _)| name != remote);
        self.grants.push((remote.to_owned(), grant));
    }

    /// `remote`'s effective capabilities; nothing for a remote not loaded.
    pub fn grant(&self, remote: &str) -> Capabilities {
        self.grants
            .iter()
            .find(|(name, _)| name == remote)
            .map(|(_, grant)| grant.clone())
            .unwrap_or_default()
    }
}
