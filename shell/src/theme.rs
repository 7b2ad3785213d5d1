//! Light and dark themes: the header's toggle, remembered in `localStorage`.
//!
//! The theme is the root element's `data-theme` (`light` or `dark`); without it, the stylesheet follows the
//! system's `prefers-color-scheme`. An inline script in `index.html` applies the remembered choice before the first
//! paint, so a reload never flashes the other theme; this module reads and flips it. The choice is a display
//! preference, not a secret. Isolated remotes' frames follow through the appearance the loader copies to them.

use leptos::prelude::*;

/// The `localStorage` key; `index.html`'s inline script reads the same one.
const STORAGE_KEY: &str = "portico-theme";

fn root() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.document_element()
}

/// Whether the dark theme shows now: the remembered choice, else the system's preference.
fn dark_now() -> bool {
    match root().and_then(|root| root.get_attribute("data-theme")).as_deref() {
        Some(theme) => theme == "dark",
        None => web_sys::window()
            .and_then(|window| window.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .is_some_and(|query| query.matches()),
    }
}

/// Shows `dark` (or light) now and remembers it for the next visit.
fn choose(dark: bool) {
    let theme = if dark { "dark" } else { "light" };
    if let Some(root) = root() {
        let _ = root.set_attribute("data-theme", theme);
    }
    // Storage may be unavailable (a privacy mode); the choice then lasts until the page closes.
    if let Some(storage) = web_sys::window().and_then(|window| window.local_storage().ok().flatten()) {
        let _ = storage.set_item(STORAGE_KEY, theme);
    }
}

/// A toggle button, pressed while the dark theme shows.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let dark = RwSignal::new(dark_now());
    let language = crate::language::use_language();
    let flip = move |_| {
        let next = !dark.get_untracked();
        choose(next);
        dark.set(next);
    };
    view! {
        <button type="button" class="quiet theme-toggle" aria-pressed=move || dark.get().to_string() on:click=flip>
            {move || crate::text::text(language.get()).dark_theme}
        </button>
    }
}
