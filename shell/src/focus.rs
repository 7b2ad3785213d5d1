//! Focus after navigation: the new page's main heading takes focus, so keyboard and screen-reader users start where
//! the content starts (a screen reader announces the focused heading, i.e. the page).
//!
//! After each in-app navigation (not the first page load) the shell looks for the page's `h1`, from the next task
//! on (the page navigated from has left the document by then). In its own document (its pages and trusted remotes)
//! it makes the heading focusable (`tabindex="-1"`) and focuses it, then keeps watch for a moment: a remote that
//! renders its heading again (a new path reaching it just after mounting) would drop focus to the body, and gets
//! it back. Once anyone else moves focus after the navigation (a person typing while the page loads), the shell
//! leaves it alone. An isolated remote's heading is in its frame: when that frame mounts, the loader claims the pending
//! focus, the frame element takes it and the frame focuses its heading
//! ([`shared_types::frame::ToFrame::FocusHeading`]). A page that shows no heading within a few seconds (a loading or
//! error state) leaves focus where it was. Nothing here holds on to an element between looks, so a departed page is
//! never kept alive.

use std::cell::Cell;
use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use wasm_bindgen::JsCast;

/// How often the shell looks for the new page's heading, for how many tries, and how many more it keeps watch.
const LOOK_EVERY: Duration = Duration::from_millis(50);
const TRIES: u32 = 160;
const WATCH_TRIES: u32 = 30;

thread_local! {
    /// The navigation whose heading still waits for focus (0: none). Each navigation takes the next number, so a
    /// search started by an earlier one stops.
    static PENDING: Cell<u32> = const { Cell::new(0) };
    /// The latest navigation's number.
    static LAST: Cell<u32> = const { Cell::new(0) };
    /// How many times something other than this module moved focus (the user clicking or tabbing, a test driver).
    static MOVED_BY_OTHERS: Cell<u32> = const { Cell::new(0) };
    /// Set while this module moves focus itself.
    static MOVING: Cell<bool> = const { Cell::new(false) };
}

/// Whether focus moved, other than by this module, since `count` was read.
fn moved_since(count: u32) -> bool {
    MOVED_BY_OTHERS.with(Cell::get) != count
}

/// Starts looking for the page's heading after each in-app navigation.
#[component]
pub fn FocusAfterNavigation() -> impl IntoView {
    let location = use_location();
    // Someone typing into a field while the new page loads keeps their focus: a move by anyone else ends the search.
    let focus_moves = window_event_listener(leptos::ev::focusin, |_| {
        if !MOVING.with(Cell::get) {
            MOVED_BY_OTHERS.with(|count| count.set(count.get().wrapping_add(1)));
        }
    });
    on_cleanup(move || focus_moves.remove());
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|previous| previous != path) {
            let navigation = LAST.with(|last| {
                last.set(last.get().wrapping_add(1).max(1));
                last.get()
            });
            PENDING.with(|pending| pending.set(navigation));
            let moves = MOVED_BY_OTHERS.with(Cell::get);
            set_timeout(move || look_for_heading(navigation, moves, TRIES), LOOK_EVERY);
        }
        path
    });
}

/// Takes the pending focus for an isolated remote's frame that just mounted; `false` when no navigation waits. The
/// frame element's own focus counts as this module's.
pub fn claim_for_frame(focus_frame: impl FnOnce()) -> bool {
    if PENDING.with(|pending| pending.replace(0)) == 0 {
        return false;
    }
    MOVING.with(|moving| moving.set(true));
    focus_frame();
    MOVING.with(|moving| moving.set(false));
    true
}

/// The first `h1` of the shell's main area, if any.
fn main_heading() -> Option<web_sys::HtmlElement> {
    document()
        .query_selector("#main h1")
        .ok()
        .flatten()
        .and_then(|heading| heading.dyn_into::<web_sys::HtmlElement>().ok())
}

fn focus(heading: &web_sys::HtmlElement) {
    if !heading.has_attribute("tabindex") {
        let _ = heading.set_attribute("tabindex", "-1");
    }
    MOVING.with(|moving| moving.set(true));
    let _ = heading.focus();
    MOVING.with(|moving| moving.set(false));
}

fn look_for_heading(navigation: u32, moves: u32, tries_left: u32) {
    if PENDING.with(Cell::get) != navigation {
        return;
    }
    if moved_since(moves) {
        PENDING.with(|pending| pending.set(0));
        return;
    }
    if let Some(heading) = main_heading() {
        PENDING.with(|pending| pending.set(0));
        focus(&heading);
        set_timeout(move || keep_watch(navigation, moves, WATCH_TRIES), LOOK_EVERY);
    } else if tries_left > 0 {
        set_timeout(move || look_for_heading(navigation, moves, tries_left - 1), LOOK_EVERY);
    } else {
        PENDING.with(|pending| pending.set(0));
    }
}

/// For a moment after focusing: if focus fell back to the body (the heading was rendered again), the page's heading
/// gets it back. Stops at the next navigation, or as soon as the user has put focus anywhere else.
fn keep_watch(navigation: u32, moves: u32, tries_left: u32) {
    if LAST.with(Cell::get) != navigation || tries_left == 0 || moved_since(moves) {
        return;
    }
    let body = document().body();
    let active = document().active_element();
    let lost = match (&active, &body) {
        (None, _) => true,
        (Some(active), Some(body)) => active == body.unchecked_ref::<web_sys::Element>(),
        _ => false,
    };
    let on_heading = active.as_ref().is_some_and(|active| active.tag_name() == "H1");
    if lost && let Some(heading) = main_heading() {
        focus(&heading);
    } else if !lost && !on_heading {
        return;
    }
    set_timeout(move || keep_watch(navigation, moves, tries_left - 1), LOOK_EVERY);
}
