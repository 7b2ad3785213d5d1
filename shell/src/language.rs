//! The shell's language: the signed-in user's (the `locale` of their identity), else the browser's. The document's
//! `lang` and `dir` follow it, so the header, the shell's pages and every remote switch together: trusted remotes
//! read the locale from the identity the shell passes them, and isolated frames also copy the document's
//! attributes.

use leptos::prelude::*;
use shared_types::Language;

use crate::session::use_session;

/// The browser's preferred language tag (`navigator.language`), what signed-out pages speak.
pub fn browser_locale() -> String {
    window().navigator().language().unwrap_or_default()
}

/// The language the shell speaks now; reading it subscribes.
pub fn use_language() -> Signal<Language> {
    let session = use_session();
    Signal::derive(move || Language::of_locale(&session.identity().locale))
}

/// Keeps `<html lang dir>` on the current language.
#[component]
pub fn DocumentLanguage() -> impl IntoView {
    let language = use_language();
    Effect::new(move || {
        let language = language.get();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", language.tag());
            let _ = root.set_attribute("dir", language.direction());
        }
    });
}
