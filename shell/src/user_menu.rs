//! The user menu: the signed-in user's name in the header, opening a panel where they choose the interface
//! language. The choice is saved on the server (`PATCH /api/me`), so it follows them to another browser; the page
//! switches once the server has agreed, and says so when it could not. Escape or a click outside closes it.

use leptos::prelude::*;
use shared_types::Language;
use wasm_bindgen::JsCast;

use crate::language::use_language;
use crate::session::use_session;
use crate::text::text;

/// The user's name, as a disclosure button, and the language choice it opens.
#[component]
pub fn UserMenu() -> impl IntoView {
    let session = use_session();
    let state = session.state();
    let language = use_language();
    let open = RwSignal::new(false);
    let saving = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let name = move || state.with(|state| state.display_name().unwrap_or_default().to_owned());
    let toggle = NodeRef::<leptos::html::Button>::new();
    // Closing from inside the menu (Escape, a language chosen) gives focus back to the button that opened it.
    let close_to_button = move || {
        open.try_set(false);
        if let Some(button) = toggle.get_untracked() {
            let _ = button.focus();
        }
    };
    let choose = move |chosen: Language| {
        if saving.get_untracked() {
            return;
        }
        if chosen == language.get_untracked() {
            close_to_button();
            return;
        }
        saving.set(true);
        failed.set(false);
        leptos::task::spawn_local(async move {
            let saved = session.choose_language(chosen).await.is_ok();
            saving.try_set(false);
            failed.try_set(!saved);
            if saved {
                close_to_button();
            }
        });
    };
    let close_on_escape = move |event: leptos::ev::KeyboardEvent| {
        if event.key() == "Escape" && open.get_untracked() {
            close_to_button();
        }
    };
    // A click anywhere outside the menu closes it, as a person expects of a popup.
    let menu = NodeRef::<leptos::html::Div>::new();
    let outside_clicks = window_event_listener(leptos::ev::click, move |event| {
        let inside = menu.get_untracked().zip(event.target()).is_some_and(|(menu, target)| {
            target
                .dyn_ref::<web_sys::Node>()
                .is_some_and(|node| menu.contains(Some(node)))
        });
        if !inside && open.get_untracked() {
            open.set(false);
        }
    });
    on_cleanup(move || outside_clicks.remove());

    view! {
        <div class="user-menu" node_ref=menu on:keydown=close_on_escape>
            <button
                type="button"
                class="quiet user-name"
                aria-controls="user-menu-panel"
                aria-expanded=move || open.get().to_string()
                node_ref=toggle
                on:click=move |_| {
                    failed.set(false);
                    open.update(|open| *open = !*open);
                }
            >
                {name}
            </button>
            <div id="user-menu-panel" class="user-menu-panel" hidden=move || !open.get()>
                <p id="language-label" class="user-menu-label">{move || text(language.get()).language}</p>
                <div class="language-choice" role="group" aria-labelledby="language-label">
                    {Language::ALL
                        .into_iter()
                        .map(|option| {
                            view! {
                                <button
                                    type="button"
                                    class="quiet"
                                    lang=option.tag()
                                    dir=option.direction()
                                    aria-pressed=move || (language.get() == option).to_string()
                                    aria-disabled=move || saving.get().then_some("true")
                                    on:click=move |_| choose(option)
                                >
                                    {option.native_name()}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <Show when=move || failed.get()>
                    <p role="alert">{move || text(language.get()).language_not_saved}</p>
                </Show>
            </div>
        </div>
    }
}
