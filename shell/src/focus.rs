//! Focus after navigation: the new page's main heading takes focus, so keyboard and screen-reader users start where
//! the content starts (a screen reader announces the focused heading, i.e. the page).
//!
//! After each in-app navigation (not the first page load) the shell waits for the page's `h1`. In its own document
//! (its pages and trusted remotes) it makes the heading focusable (`tabindex="-1"`) and focuses it. An isolated
//! remote's heading is in its frame: when that frame mounts, the loader claims the pending focus, the frame
//! element takes it and the frame focuses its heading ([`shared_types::frame::ToFrame::FocusHeading`]). A page
//! that shows no heading within a few seconds (a loading or error state) leaves focus where it was.

use std::cell::Cell;
use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use wasm_bindgen::JsCast;

/// How often, and for how many tries, the shell looks for the new page's heading.
const LOOK_EVERY: Duration = Duration::from_millis(50);
const TRIES: u32 = 160;

thread_local! {
    /// The navigation whose heading still waits for focus (0: none). Each navigation takes the next number, so a
    /// search started by an earlier one stops.
    static PENDING: Cell<u32> = const { Cell::new(0) };
    static LAST: Cell<u32> = const { Cell::new(0) };
}

/// Starts waiting for the page's heading after each in-app navigation.
#[component]
pub fn FocusAfterNavigation() -> impl IntoView {
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|previous| previous != path) {
            let navigation = LAST.with(|last| {
                last.set(last.get().wrapping_add(1).max(1));
                last.get()
            });
            PENDING.with(|pending| pending.set(navigation));
            // The page navigated from may still be in the document for a moment: never focus its heading, and
            // let go of it now (a focused element removed from the document keeps its whole page alive).
            let stale = main_heading();
            if let Some(heading) = &stale
                && document().active_element().as_deref() == Some(heading.as_ref())
            {
                let _ = heading.blur();
            }
            look_for_heading(navigation, stale, TRIES);
        }
        path
    });
}

/// Takes the pending focus for an isolated remote's frame that just mounted; `false` when no navigation waits.
pub fn claim_for_frame() -> bool {
    PENDING.with(|pending| pending.replace(0)) != 0
}

/// The first `h1` of the shell's main area, if any.
fn main_heading() -> Option<web_sys::HtmlElement> {
    document()
        .query_selector("#main h1")
        .ok()
        .flatten()
        .and_then(|heading| heading.dyn_into::<web_sys::HtmlElement>().ok())
}

fn look_for_heading(navigation: u32, stale: Option<web_sys::HtmlElement>, tries_left: u32) {
    if PENDING.with(Cell::get) != navigation {
        return;
    }
    let heading = main_heading().filter(|heading| heading.is_connected() && Some(heading) != stale.as_ref());
    if let Some(heading) = heading {
        PENDING.with(|pending| pending.set(0));
        if !heading.has_attribute("tabindex") {
            let _ = heading.set_attribute("tabindex", "-1");
        }
        let _ = heading.focus();
        return;
    }
    if tries_left > 0 {
        set_timeout(move || look_for_heading(navigation, stale, tries_left - 1), LOOK_EVERY);
    } else {
        PENDING.with(|pending| pending.set(0));
    }
}
