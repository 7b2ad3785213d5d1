//! Parked frames: when an isolated remote unmounts, its frame is not destroyed but unmounts the remote, keeps the
//! module loaded, and waits hidden for the next mount of the same remote by the same user, as a trusted remote's
//! module stays loaded in the page. Mounting it again skips a new renderer process, the download and the
//! compilation, which is most of an isolated switch.
//!
//! Frames live in the page's holder of isolated remotes, outside the routed content (a frame removed from the
//! document loses its document), and are hidden while parked. At most [`PARKED_AT_MOST`] frames wait; the oldest
//! goes first, a frame for another user is dropped on sight, and sign-out drops them all. A dropped frame takes
//! everything its remote allocated with it.

use std::cell::RefCell;

use super::frame::FramedRemote;

/// How many unmounted isolated remotes may wait for their next mount.
const PARKED_AT_MOST: usize = 2;

thread_local! {
    static PARKED: RefCell<Vec<FramedRemote>> = const { RefCell::new(Vec::new()) };
}

/// Unmounts `frame`'s remote and keeps the frame hidden for its next mount, or drops it when it already left the
/// page.
pub fn park(frame: FramedRemote) {
    if !frame.unmount_and_hide() {
        return;
    }
    let evicted = PARKED.with(|parked| {
        let mut parked = parked.borrow_mut();
        parked.push(frame);
        let excess = parked.len().saturating_sub(PARKED_AT_MOST);
        parked.drain(..excess).collect::<Vec<_>>()
    });
    drop(evicted);
}

/// The parked frame of `remote` for `user_id` running `build` (the module digest of the manifest the page pinned),
/// if one waits; frames parked for another user, or holding another build of `remote`, are dropped.
pub fn take(remote: &str, user_id: &str, build: &str) -> Option<FramedRemote> {
    let (found, others) = PARKED.with(|parked| {
        let mut parked = parked.borrow_mut();
        let others: Vec<_> = parked
            .extract_if(.., |frame| {
                !frame.runs_for(user_id) || (frame.runs_remote(remote) && !frame.runs(remote, user_id, build))
            })
            .collect();
        let found = parked
            .iter()
            .position(|frame| frame.runs(remote, user_id, build))
            .map(|index| parked.remove(index));
        (found, others)
    });
    drop(others);
    found
}

/// Drops every parked frame (at sign-out: nothing of one user's remotes may wait for the next).
pub fn drop_all() {
    let parked = PARKED.with(|parked| std::mem::take(&mut *parked.borrow_mut()));
    drop(parked);
}

/// Drops the parked frames of `remote` (a new build of it replaces the version they hold).
#[cfg(any(debug_assertions, feature = "dev-tools"))]
pub fn drop_remote(remote: &str) {
    let dropped = PARKED.with(|parked| {
        parked
            .borrow_mut()
            .extract_if(.., |frame| frame.runs_remote(remote))
            .collect::<Vec<_>>()
    });
    drop(dropped);
}
