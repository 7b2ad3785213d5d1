//! The language a remote speaks, and locale-aware formatting through the browser's `Intl`.
//!
//! The language is the user's (signed out: the browser's), read from the identity the shell passes; a remote gets
//! it from [`use_language`] anywhere in its view. Numbers, order numbers, money and plural categories come from
//! `Intl` for that language, so Arabic gets Arabic-Indic digits and its own currency placement exactly as the
//! browser formats them, and no formatting tables ship in the wasm.

use js_sys::{Array, Intl, Object, Reflect};
use leptos::prelude::*;
use shared_types::{Language, Plural};
use wasm_bindgen::JsValue;

/// The language of the mounted remote, provided as context by `mount`.
#[derive(Clone, Copy)]
pub(crate) struct Speaking(pub Signal<Language>);

/// The language the remote speaks now; reading it inside a view or effect subscribes to changes (the user picks
/// another language, or signs in with one). English outside a mounted remote.
pub fn use_language() -> Signal<Language> {
    use_context::<Speaking>().map_or_else(|| Signal::stored(Language::English), |speaking| speaking.0)
}

fn locales(language: Language) -> Array {
    Array::of1(&JsValue::from_str(language.tag()))
}

fn options(entries: &[(&str, JsValue)]) -> Object {
    let options = Object::new();
    for (name, value) in entries {
        let _ = Reflect::set(&options, &JsValue::from_str(name), value);
    }
    options
}

fn format_with(language: Language, options: &Object, value: f64) -> String {
    let formatter = Intl::NumberFormat::new(&locales(language), options);
    formatter
        .format()
        .call1(&formatter, &JsValue::from_f64(value))
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// A count or quantity as the language writes numbers (`1,234`; in Arabic `١٬٢٣٤`).
pub fn format_number(language: Language, value: i64) -> String {
    format_with(language, &Object::new(), value as f64)
}

/// An identifier, such as an order number: the language's digits without grouping (`1234`; `١٢٣٤`).
pub fn format_id(language: Language, id: i64) -> String {
    format_with(language, &options(&[("useGrouping", JsValue::FALSE)]), id as f64)
}

/// An amount in cents of `currency` (ISO 4217) as the language writes money (`$12.50`; `‏١٢٫٥٠ US$`).
pub fn format_money(language: Language, cents: i64, currency: &str) -> String {
    let options = options(&[
        ("style", JsValue::from_str("currency")),
        ("currency", JsValue::from_str(currency)),
    ]);
    format_with(language, &options, cents as f64 / 100.0)
}

/// The plural category of `count` in the language, for choosing a sentence's form.
pub fn plural_of(language: Language, count: i64) -> Plural {
    let rules = Intl::PluralRules::new(&locales(language), &Object::new());
    Plural::from_cldr(&String::from(rules.select(count as f64)))
}

/// A day, given in milliseconds since the Unix epoch, as the language writes dates (`Nov 30, 2026`;
/// `٣٠‏/١١‏/٢٠٢٦` style in Arabic, as `Intl` gives it).
pub fn format_date(language: Language, epoch_ms: i64) -> String {
    let formatter = Intl::DateTimeFormat::new(
        &locales(language),
        &options(&[("dateStyle", JsValue::from_str("medium"))]),
    );
    formatter
        .format()
        .call1(&formatter, &js_sys::Date::new(&JsValue::from_f64(epoch_ms as f64)))
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}
