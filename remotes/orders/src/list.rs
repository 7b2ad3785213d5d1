//! The list of the user's orders at `/orders`, as a table (cards on narrow screens), with the "New order" form
//! for those who may place orders.

use leptos::prelude::*;
use remote_sdk::{DataFailure, Host, Load, format_date, format_id, format_money, format_number, load, use_language};

use crate::form::NewOrderForm;
use crate::model::{CURRENCY, Order, OrderListBody};
use crate::text::text;

/// Who may place orders.
const ORDERS_CREATE: &str = "orders:create";

/// The list of the user's orders.
#[component]
pub fn OrderList(host: Host) -> impl IntoView {
    let fetch_host = host.clone();
    let orders = load(move || {
        let host = fetch_host.clone();
        async move {
            host.get_json::<OrderListBody>("/api/orders")
                .await
                .map(|body| body.orders)
        }
    });
    let identity = host.identity();
    let language = use_language();
    let text = move || text(language.get());
    let host = StoredValue::new_local(host);

    view! {
        <section class="orders" aria-labelledby="orders-heading">
            <h1 id="orders-heading">{move || text().heading}</h1>
            <Show when=move || identity.can(ORDERS_CREATE)>
                <NewOrderForm host=host.get_value() orders=orders />
            </Show>
            {move || match orders.state.get() {
                Load::Loading => view! { <p role="status">{text().loading_list}</p> }.into_any(),
                Load::Failed(error) => view! { <DataFailure error=error retry=orders.retry() /> }.into_any(),
                Load::Ready(list) if list.is_empty() => view! { <p>{text().no_orders}</p> }.into_any(),
                Load::Ready(list) => {
                    let text = text();
                    view! {
                        <table class="data-table order-table" aria-labelledby="orders-heading">
                            <thead>
                                <tr>
                                    <th scope="col">{text.column_order}</th>
                                    <th scope="col">{text.column_item}</th>
                                    <th scope="col">{text.column_quantity}</th>
                                    <th scope="col">{text.column_unit_price}</th>
                                    <th scope="col">{text.column_status}</th>
                                    <th scope="col">{text.column_placed_on}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|order| view! { <OrderRow order=order host=host /> }).collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

/// One row, linking to the detail through host navigation. Each cell carries its column's name for the narrow
/// layout, where rows become cards.
#[component]
fn OrderRow(order: Order, host: StoredValue<Host, LocalStorage>) -> impl IntoView {
    let language = use_language().get_untracked();
    let text = text(language);
    let href = format!("/orders/{}", order.id);
    let target = href.clone();
    let follow = move |event: leptos::ev::MouseEvent| {
        event.prevent_default();
        host.with_value(|host| {
            let _ = host.navigate(&target);
        });
    };
    view! {
        <tr>
            <th scope="row" data-label=text.column_order>
                <a href=href on:click=follow>{(text.order_title)(&format_id(language, order.id))}</a>
            </th>
            <td data-label=text.column_item>{order.item.clone()}</td>
            <td data-label=text.column_quantity>{format_number(language, order.quantity)}</td>
            <td data-label=text.column_unit_price>{format_money(language, order.unit_price_cents, CURRENCY)}</td>
            <td data-label=text.column_status>{(text.status)(&order.status).to_owned()}</td>
            <td data-label=text.column_placed_on>{format_date(language, order.created_at_ms)}</td>
        </tr>
    }
}
