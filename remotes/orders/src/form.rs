//! The "New order" form: item, quantity and unit price, checked locally, then posted through the host.
//!
//! Only users who may create orders see it (the list decides); the API refuses everyone else anyway. Field errors,
//! local or from the API's 422, stand next to their fields; other failures get one sentence, and the form stays
//! filled in so the user can simply submit again.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use remote_sdk::{DataError, Host, Loaded, failure_message};

use crate::model::{FormErrors, Order, validate};

/// What the form fields start with.
const DEFAULT_QUANTITY: &str = "1";
const DEFAULT_UNIT_PRICE: &str = "10.00";
/// This remote's sentence for a 403 on `POST /api/orders` (the permission was withdrawn after the form showed).
const MAY_NOT_ORDER: &str = "You do not have permission to place orders.";

/// The form; a created order is added to `orders`.
#[component]
pub fn NewOrderForm(host: Host, orders: Loaded<Vec<Order>>) -> impl IntoView {
    let item = RwSignal::new(String::new());
    let quantity = RwSignal::new(DEFAULT_QUANTITY.to_owned());
    let unit_price = RwSignal::new(DEFAULT_UNIT_PRICE.to_owned());
    let errors = RwSignal::new(FormErrors::default());
    let failure = RwSignal::new(None::<String>);
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
                        failure.try_set(Some(failure_message(&error, Some(MAY_NOT_ORDER), None)));
                    } else {
                        failure.try_set(fields.other.take());
                        errors.try_set(fields);
                    }
                }
            }
            pending.try_set(false);
        });
    };

    view! {
        <section class="new-order" aria-labelledby="new-order-heading">
            <h2 id="new-order-heading">"New order"</h2>
            <form class="order-form" on:submit=submit novalidate=true>
                <Field
                    id="order-item"
                    label="Item"
                    input_type="text"
                    inputmode="text"
                    value=item
                    error=Signal::derive(move || errors.with(|errors| errors.item.clone()))
                />
                <Field
                    id="order-quantity"
                    label="Quantity"
                    input_type="number"
                    inputmode="numeric"
                    value=quantity
                    error=Signal::derive(move || errors.with(|errors| errors.quantity.clone()))
                />
                <Field
                    id="order-unit-price"
                    label="Unit price"
                    input_type="text"
                    inputmode="decimal"
                    value=unit_price
                    error=Signal::derive(move || errors.with(|errors| errors.unit_price.clone()))
                />
                {move || failure.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Placing order…" } else { "Place order" }}
                </button>
                <p class="form-status" role="status">
                    {move || placed.get().map(|id| format!("Order {id} placed."))}
                </p>
            </form>
        </section>
    }
}

/// A labelled input bound to `value`, marked invalid and described by its error sentence when it has one.
#[component]
fn Field(
    id: &'static str,
    label: &'static str,
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
