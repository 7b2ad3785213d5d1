//! Isolated remotes: a remote the registry lists as `isolated` runs in `<iframe sandbox="allow-scripts allow-forms">` on the
//! frame document (`/frame.html`, sent with its own strict CSP), and talks to the shell only through one
//! `MessageChannel` carrying [`ToFrame`] and [`FromFrame`] JSON.
//!
//! The frame's origin is opaque: it has no cookies, no storage and no way into this page, and never sees a token.
//! The shell hands it the entries and digests of the manifest it pinned, checks the contract the loaded code
//! declares, answers its `fetch` requests through the interceptor (as for a trusted remote), navigates only to
//! safe in-app paths, sizes the frame to the height it reports, and passes on changes of the page's language,
//! direction and theme. Messages that do not parse are dropped; the
//! port is given once, to the frame this shell created, after that frame said it was ready.

use std::cell::RefCell;
use std::rc::Rc;

use shared_types::RemoteManifest;
use shared_types::frame::{Appearance, FRAME_DOCUMENT, FRAME_READY, FromFrame, LoadRemote, ToFrame};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::bridge::fetch_for_remote;
use super::import::{self, LoadError, check_declared_contract as check_contract, sleep};
use crate::guard::is_safe_redirect;

/// How long the frame may take to say it is ready, to load and verify the remote, and to mount it.
const READY_TIMEOUT_MS: u32 = 8_000;
const LOAD_TIMEOUT_MS: u32 = 23_000;
const MOUNT_TIMEOUT_MS: u32 = 8_000;
/// The class of the element, after the routed content, that holds isolated remotes' frames.
pub const ISOLATED_REMOTES: &str = "isolated-remotes";
/// The message that carries the channel's port to the frame.
const PORT_MESSAGE: &str = "portico-frame-port";

/// A `message` event listener.
type MessageListener = Closure<dyn FnMut(web_sys::MessageEvent)>;

/// A mounted isolated remote: its frame and the shell's end of the channel. Dropping it removes the frame, and
/// with it everything the remote allocated.
pub struct FramedRemote {
    remote: String,
    /// The user it was mounted for: a parked frame is mounted again only for the same user.
    user_id: String,
    /// The digest of the module it runs: a parked frame is mounted again only for the manifest it was loaded from.
    build: String,
    iframe: web_sys::HtmlIFrameElement,
    port: web_sys::MessagePort,
    waiter: Rc<RefCell<Waiter>>,
    _on_message: MessageListener,
    /// Watches the shell's root element for `lang`, `dir` and `data-theme` changes, to pass them on.
    appearance: Option<(web_sys::MutationObserver, Closure<dyn FnMut()>)>,
}

impl FramedRemote {
    /// Gives the frame focus and has the remote's main heading take it (after a navigation to this remote).
    pub fn focus_heading(&self) {
        let _ = self.iframe.focus();
        send(&self.port, &ToFrame::FocusHeading);
    }

    /// Sends a new `HostContext` (JSON).
    pub fn update(&self, context: &str) {
        send(
            &self.port,
            &ToFrame::Context {
                context: context.to_owned(),
            },
        );
    }

    /// Sends an `AuthEvent` (JSON).
    pub fn notify(&self, event: &str) {
        send(
            &self.port,
            &ToFrame::Event {
                event: event.to_owned(),
            },
        );
    }

    /// Whether this frame runs the build `build` of `remote` for the user `user_id`.
    pub fn runs(&self, remote: &str, user_id: &str, build: &str) -> bool {
        self.remote == remote && self.runs_for(user_id) && self.build == build
    }

    /// Whether this frame runs `remote`, for whoever.
    pub fn runs_remote(&self, remote: &str) -> bool {
        self.remote == remote
    }

    /// Whether this frame was mounted for the user `user_id`.
    pub fn runs_for(&self, user_id: &str) -> bool {
        self.user_id == user_id
    }

    /// Unmounts the remote inside the frame and hides the frame; its module stays loaded for
    /// [`FramedRemote::mount_again`]. `false` when the frame is no longer in the page (nothing to keep).
    pub fn unmount_and_hide(&self) -> bool {
        send(&self.port, &ToFrame::Unmount);
        self.iframe.set_hidden(true);
        self.iframe.is_connected()
    }

    /// Shows the frame and mounts the remote again, with `context`; waits until it mounted.
    pub async fn mount_again(&self, context: String) -> Result<(), LoadError> {
        self.iframe.set_hidden(false);
        send(&self.port, &ToFrame::Context { context });
        send(&self.port, &ToFrame::Mount);
        match next_lifecycle(&self.waiter, MOUNT_TIMEOUT_MS).await {
            Some(FromFrame::Mounted) => Ok(()),
            Some(FromFrame::Failed { stage, error }) => Err(frame_failure(&self.remote, &stage, error)),
            _ => Err(LoadError::Timeout {
                remote: self.remote.clone(),
                stage: shared_types::LoadStage::Mount,
            }),
        }
    }
}

impl Drop for FramedRemote {
    fn drop(&mut self) {
        if let Some((observer, _)) = self.appearance.take() {
            observer.disconnect();
        }
        self.port.set_onmessage(None);
        self.port.close();
        self.iframe.remove();
    }
}

fn send(port: &web_sys::MessagePort, message: &ToFrame) {
    if let Ok(json) = shared_types::json::to_string(message) {
        let _ = port.post_message(&JsValue::from_str(&json));
    }
}

/// The lifecycle message the loader waits for next, and the promise resolver that wakes it.
#[derive(Default)]
struct Waiter {
    resolve: Option<js_sys::Function>,
    message: Option<FromFrame>,
}

/// Waits up to `ms` for the next lifecycle message (`Loaded`, `Mounted`, `Failed`); `None` on timeout.
async fn next_lifecycle(waiter: &Rc<RefCell<Waiter>>, ms: u32) -> Option<FromFrame> {
    if let Some(message) = waiter.borrow_mut().message.take() {
        return Some(message);
    }
    let arrived = js_sys::Promise::new(&mut |resolve, _| {
        waiter.borrow_mut().resolve = Some(resolve);
    });
    let timed_out = async {
        sleep(ms).await;
    };
    futures::future::select(
        Box::pin(wasm_bindgen_futures::JsFuture::from(arrived)),
        Box::pin(timed_out),
    )
    .await;
    waiter.borrow_mut().resolve = None;
    waiter.borrow_mut().message.take()
}

/// Creates the frame for `remote` inside `element`, loads the manifest's entries in it and mounts the remote. With
/// `unseen_until_mounted` (a new development build replacing a running one) the frame stays invisible until the
/// remote mounted, so the page does not show the remote twice meanwhile.
#[allow(clippy::too_many_arguments)]
pub async fn mount(
    remote: &str,
    user_id: &str,
    manifest: &RemoteManifest,
    manifest_url: &str,
    element: &web_sys::HtmlElement,
    context: String,
    navigate: Rc<dyn Fn(&str)>,
    unseen_until_mounted: bool,
) -> Result<FramedRemote, LoadError> {
    let timeout = |stage| LoadError::Timeout {
        remote: remote.to_owned(),
        stage,
    };
    let failed = |reason: String| LoadError::Code {
        remote: remote.to_owned(),
        reason,
    };
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or_else(|| failed("no document".into()))?;
    let iframe: web_sys::HtmlIFrameElement = document
        .create_element("iframe")
        .map_err(|_| failed("could not create a frame".into()))?
        .unchecked_into();
    // `allow-forms` only so that a remote's form fires its `submit` event (remotes handle it in code); the frame's
    // CSP (`form-action 'none'`) still stops any real submission.
    let _ = iframe.set_attribute("sandbox", "allow-scripts allow-forms");
    let _ = iframe.set_attribute("class", "remote-frame");
    iframe.set_title(remote);
    if unseen_until_mounted {
        let _ = iframe.style().set_property("visibility", "hidden");
    }
    iframe.set_src(FRAME_DOCUMENT);
    // The shell fetches and verifies the module itself, while the frame starts: its origin's HTTP cache and
    // compression dictionaries apply (a frame's opaque origin has its own, empty ones), and the frame gets the bytes.
    let (js, wasm) = manifest.entry_urls(manifest_url);
    let wasm_bytes = import::verified_wasm_bytes(&wasm, &manifest.entry_wasm_integrity);
    let ready = frame_ready(iframe.clone());
    // In the page's holder of isolated remotes (which outlives routes), or, without one, in the outlet.
    let holder = document
        .query_selector(&format!(".{ISOLATED_REMOTES}"))
        .ok()
        .flatten()
        .unwrap_or_else(|| element.clone().into());
    holder
        .append_child(&iframe)
        .map_err(|_| failed("could not insert the frame".into()))?;
    let ready = futures::future::select(Box::pin(ready), Box::pin(sleep(READY_TIMEOUT_MS))).await;
    let timed_out = matches!(ready, futures::future::Either::Right(_));
    drop(ready);
    if timed_out {
        iframe.remove();
        return Err(timeout(shared_types::LoadStage::Code));
    }

    let channel = web_sys::MessageChannel::new().map_err(|_| failed("no MessageChannel".into()))?;
    let port = channel.port1();
    let waiter = Rc::new(RefCell::new(Waiter::default()));
    let on_message = {
        let remote_name = remote.to_owned();
        let waiter = waiter.clone();
        let port = port.clone();
        let iframe = iframe.clone();
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            let Ok(message) = shared_types::json::from_str::<FromFrame>(&text) else {
                return;
            };
            handle(&remote_name, message, &waiter, &port, &iframe, &navigate);
        })
    };
    port.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let framed = FramedRemote {
        remote: remote.to_owned(),
        user_id: user_id.to_owned(),
        build: manifest.entry_wasm_integrity.clone(),
        appearance: follow_appearance(&document, &port),
        iframe,
        port,
        waiter: waiter.clone(),
        _on_message: on_message,
    };
    let transfer = js_sys::Array::of1(&channel.port2());
    framed
        .iframe
        .content_window()
        .ok_or_else(|| failed("the frame has no window".into()))?
        .post_message_with_transfer(&JsValue::from_str(PORT_MESSAGE), "*", &transfer)
        .map_err(|_| failed("could not open the frame's channel".into()))?;

    let bytes = wasm_bindgen_futures::JsFuture::from(wasm_bytes)
        .await
        .map_err(|error| import::code_error(remote, &error))?;
    framed
        .port
        .post_message_with_transferable(&bytes, &js_sys::Array::of1(&bytes))
        .map_err(|_| failed("could not hand the module to the frame".into()))?;
    let stylesheet = manifest.stylesheet(manifest_url);
    send(
        &framed.port,
        &ToFrame::Load(Box::new(LoadRemote {
            remote: remote.to_owned(),
            js,
            js_integrity: manifest.entry_js_integrity.clone(),
            wasm,
            wasm_integrity: manifest.entry_wasm_integrity.clone(),
            css: stylesheet.as_ref().map(|(url, _)| url.clone()),
            css_integrity: stylesheet.as_ref().map(|(_, digest)| (*digest).to_owned()),
            shell_css: shell_stylesheet(&document),
            appearance: appearance_of(&document),
            context,
        })),
    );
    match next_lifecycle(&waiter, LOAD_TIMEOUT_MS).await {
        Some(FromFrame::Loaded { contract }) => check_contract(remote, &contract)?,
        Some(FromFrame::Failed { stage, error }) => return Err(frame_failure(remote, &stage, error)),
        _ => return Err(timeout(shared_types::LoadStage::Integrity)),
    }
    send(&framed.port, &ToFrame::Mount);
    match next_lifecycle(&waiter, MOUNT_TIMEOUT_MS).await {
        Some(FromFrame::Mounted) => {
            if unseen_until_mounted {
                let _ = framed.iframe.style().remove_property("visibility");
            }
            Ok(framed)
        }
        Some(FromFrame::Failed { stage, error }) => Err(frame_failure(remote, &stage, error)),
        _ => Err(timeout(shared_types::LoadStage::Mount)),
    }
}

/// Acts on one message from the frame.
fn handle(
    remote: &str,
    message: FromFrame,
    waiter: &Rc<RefCell<Waiter>>,
    port: &web_sys::MessagePort,
    iframe: &web_sys::HtmlIFrameElement,
    navigate: &Rc<dyn Fn(&str)>,
) {
    match message {
        FromFrame::Fetch { id, request } => {
            let port = port.clone();
            let remote = remote.to_owned();
            leptos::task::spawn_local(async move {
                let reply = fetch_for_remote(&remote, &request).await;
                let reply = shared_types::json::to_string(&reply).unwrap_or_default();
                send(&port, &ToFrame::Reply { id, reply });
            });
        }
        FromFrame::Navigate { path } => {
            if is_safe_redirect(&path) {
                navigate(&path);
            }
        }
        FromFrame::Size { height } => {
            let _ = iframe.style().set_property("height", &format!("{height}px"));
        }
        lifecycle @ (FromFrame::Loaded { .. } | FromFrame::Mounted | FromFrame::Failed { .. }) => {
            let mut waiter = waiter.borrow_mut();
            waiter.message = Some(lifecycle);
            if let Some(resolve) = waiter.resolve.take() {
                let _ = resolve.call0(&JsValue::NULL);
            }
        }
    }
}

/// Resolves when the frame this shell created posts [`FRAME_READY`] (and nothing else, from nowhere else).
async fn frame_ready(iframe: web_sys::HtmlIFrameElement) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let slot: Rc<RefCell<Option<MessageListener>>> = Rc::default();
    let ready = {
        let iframe = iframe.clone();
        let slot = slot.clone();
        let window = window.clone();
        js_sys::Promise::new(&mut move |resolve, _| {
            let iframe = iframe.clone();
            let listener = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let from_frame = match (event.source(), iframe.content_window()) {
                    (Some(source), Some(frame)) => js_sys::Object::is(&source, &frame),
                    _ => false,
                };
                if from_frame && event.data().as_string().as_deref() == Some(FRAME_READY) {
                    let _ = resolve.call0(&JsValue::NULL);
                }
            });
            let _ = window.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
            slot.replace(Some(listener));
        })
    };
    let _ = wasm_bindgen_futures::JsFuture::from(ready).await;
    if let Some(listener) = slot.take() {
        let _ = window.remove_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
    }
}

/// The attributes of the shell's root element the frame copies: `lang`, `dir` and `data-theme`, in that order.
const APPEARANCE_ATTRIBUTES: [&str; 3] = ["lang", "dir", "data-theme"];

/// How the shell's document looks now (an absent attribute is "").
fn appearance_of(document: &web_sys::Document) -> Appearance {
    let [lang, dir, theme] = APPEARANCE_ATTRIBUTES.map(|name| {
        document
            .document_element()
            .and_then(|root| root.get_attribute(name))
            .unwrap_or_default()
    });
    Appearance { lang, dir, theme }
}

/// Sends the frame behind `port` the shell's appearance whenever the root element's `lang`, `dir` or `data-theme`
/// changes; `None` where the browser offers no `MutationObserver`.
fn follow_appearance(
    document: &web_sys::Document,
    port: &web_sys::MessagePort,
) -> Option<(web_sys::MutationObserver, Closure<dyn FnMut()>)> {
    let root = document.document_element()?;
    let changed = {
        let (document, port) = (document.clone(), port.clone());
        Closure::<dyn FnMut()>::new(move || send(&port, &ToFrame::Appearance(appearance_of(&document))))
    };
    let observer = web_sys::MutationObserver::new(changed.as_ref().unchecked_ref()).ok()?;
    let options = web_sys::MutationObserverInit::new();
    options.set_attribute_filter(
        &APPEARANCE_ATTRIBUTES
            .iter()
            .copied()
            .map(JsValue::from_str)
            .collect::<js_sys::Array>(),
    );
    observer.observe_with_options(&root, &options).ok()?;
    Some((observer, changed))
}

/// The URL of the shell's own stylesheet (platform look and variables), for the frame to apply too.
fn shell_stylesheet(document: &web_sys::Document) -> String {
    document
        .query_selector("link[rel=stylesheet]")
        .ok()
        .flatten()
        .and_then(|link| link.get_attribute("href"))
        .unwrap_or_default()
}

fn frame_failure(remote: &str, stage: &str, reason: String) -> LoadError {
    let remote = remote.to_owned();
    match stage {
        "integrity" => LoadError::Integrity { remote, reason },
        "mount" => LoadError::Mount { remote, reason },
        _ => LoadError::Code { remote, reason },
    }
}
