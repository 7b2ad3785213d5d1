//! The "New order" form: item, quantity and unit price, checked locally, then posted through the host.
//!
//! Only users who may create orders see it (the list decides); the API refuses everyone else anyway. Field errors,
//! local or from the API's 422, stand next to their fields; other failures get one sentence, and the form stays
//! filled in so the user can simply submit again.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use remote_sdk::{
    DataError, Host, Language, Loaded, failure_message, format_id, format_money, format_number, use_language,
};

use crate::model::{
    CURRENCY, FieldMessage, FormErrors, MAX_ITEM_CHARS, MAX_QUANTITY, MAX_UNIT_PRICE_CENTS, Order, validate,
};
use crate::text::{Limits, text};

/// What the form fields start with.
const DEFAULT_QUANTITY: &str = "1";
const DEFAULT_UNIT_PRICE: &str = "10.00";

/// A form-wide failure, worded when shown.
#[derive(Clone, PartialEq)]
enum Failure {
    /// The API refused with a 403: this remote's own sentence.
    MayNotOrder,
    /// Any other failure of the request.
    Data(DataError),
    /// The API's sentence about a field the form does not have.
    Server(String),
}

/// The form's limits as the language writes them.
fn limits(language: Language) -> Limits {
    Limits {
        item_chars: format_number(language, MAX_ITEM_CHARS as i64),
        one: format_number(language, 1),
        quantity: format_number(language, MAX_QUANTITY),
        price: format_money(language, MAX_UNIT_PRICE_CENTS, CURRENCY),
        example_price: "12.50".to_owned(),
        zero_price: "0.00".to_owned(),
    }
}

/// A field's message in `language`.
fn field_sentence(message: &FieldMessage, language: Language) -> String {
    match message {
        FieldMessage::Fix(fix) => (text(language).fix)(*fix, &limits(language)),
        FieldMessage::Server(sentence) => sentence.clone(),
    }
}

/// The form; a created order is added to `orders`.
#[component]
pub fn NewOrderForm(host: Host, orders: Loaded<Vec<Order>>) -> impl IntoView {
    let item = RwSignal::new(String::new());
    let quantity = RwSignal::new(DEFAULT_QUANTITY.to_owned());
    let unit_price = RwSignal::new(DEFAULT_UNIT_PRICE.to_owned());
    let errors = RwSignal::new(FormErrors::default());
    let failure = RwSignal::new(None::<Failure>);
    let language = use_language();
    let text = move || text(language.get());
    let placed = RwSignal::new(None::<i64>);
    let pending = RwSignal::new(false);
    let host = StoredValue::new_local(host);

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if pending.get_untracked() {
            return;
        }
        placed.set(None);
        failure.set(None);
        let order = match validate(
            &item.get_untracked(),
            &quantity.get_untracked(),
            &unit_price.get_untracked(),
        ) {
            Ok(order) => order,
            Err(found) => {
                errors.set(found);
                return;
            }
        };
        errors.set(FormErrors::default());
        pending.set(true);
        let host = host.get_value();
        leptos::task::spawn_local(async move {
            let created = host.post_json("/api/orders", &order).await.and_then(|response| {
                shared_types::json::from_str::<Order>(&response.body)
                    .map_err(|error| DataError::Unreadable(error.to_string()))
            });
            match created {
                Ok(order) => {
                    placed.try_set(Some(order.id));
                    item.try_set(String::new());
                    orders.update(|list| list.push(order));
                }
                Err(error) => {
                    let mut fields = FormErrors::from_problems(&error.field_errors());
                    if fields.is_empty() {
                        let forbidden = matches!(error, DataError::Forbidden | DataError::Denied(_));
                        failure.try_set(Some(if forbidden {
                            Failure::MayNotOrder
                        } else {
                            Failure::Data(error)
                        }));
                    } else {
                        failure.try_set(fields.other.take().map(Failure::Server));
                        errors.try_set(fields);
                    }
                }
            }
            pending.try_set(false);
        });
    };

    let sentence = move |field: fn(&FormErrors) -> &Option<FieldMessage>| {
        Signal::derive(move || {
            let language = language.get();
            errors.with(|errors| field(errors).as_ref().map(|message| field_sentence(message, language)))
        })
    };
    let failure_sentence = move || {
        failure.get().map(|failure| match failure {
            Failure::MayNotOrder => text().may_not_order.to_owned(),
            Failure::Data(error) => failure_message(&error, language.get(), None, None),
            Failure::Server(sentence) => sentence,
        })
    };

    view! {
        <section class="new-order" aria-labelledby="new-order-heading">
            <h2 id="new-order-heading">{move || text().new_order}</h2>
            <form class="order-form" on:submit=submit novalidate=true>
                <Field
                    id="order-item"
                    label=Signal::derive(move || text().column_item)
                    input_type="text"
                    inputmode="text"
                    value=item
                    error=sentence(|errors| &errors.item)
                />
                <Field
                    id="order-quantity"
                    label=Signal::derive(move || text().column_quantity)
                    input_type="text"
                    inputmode="numeric"
                    value=quantity
                    error=sentence(|errors| &errors.quantity)
                />
                <Field
                    id="order-unit-price"
                    label=Signal::derive(move || text().column_unit_price)
                    input_type="text"
                    inputmode="decimal"
                    value=unit_price
                    error=sentence(|errors| &errors.unit_price)
                />
                {move || failure_sentence().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { text().placing_order } else { text().place_order }}
                </button>
                <p class="form-status" role="status">
                    {move || placed.get().map(|id| (text().placed)(&format_id(language.get(), id)))}
                </p>
            </form>
        </section>
    }
}

/// A labelled input bound to `value`, marked invalid and described by its error sentence when it has one.
#[component]
fn Field(
    id: &'static str,
    label: Signal<&'static str>,
    input_type: &'static str,
    inputmode: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let described_by = error_id.clone();
    view! {
        <label for=id>{label}</label>
        <input
            id=id
            name=id
            type=input_type
            inputmode=inputmode
            autocomplete="off"
            prop:value=move || value.get()
            on:input=move |event| value.set(event_target_value(&event))
            aria-invalid=move || error.with(Option::is_some).to_string()
            aria-describedby=move || error.with(Option::is_some).then(|| described_by.clone())
        />
        {move || error.get().map(|message| view! { <p id=error_id.clone() class="field-error" role="alert">{message}</p> })}
    }
}
