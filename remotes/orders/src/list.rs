//! The list of the user's orders at `/orders`, with the "New order" form for those who may place orders.

use leptos::prelude::*;
use remote_sdk::{DataFailure, Host, Load, load};

use crate::form::NewOrderForm;
use crate::model::{Order, OrderListBody};

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
    let host = StoredValue::new_local(host);

    view! {
        <section class="orders" aria-labelledby="orders-heading">
            <h1 id="orders-heading">"Your orders"</h1>
            <Show when=move || identity.can(ORDERS_CREATE)>
                <NewOrderForm host=host.get_value() orders=orders />
            </Show>
            {move || match orders.state.get() {
                Load::Loading => view! { <p role="status">"Loading your orders…"</p> }.into_any(),
                Load::Failed(error) => view! { <DataFailure error=error retry=orders.retry() /> }.into_any(),
                Load::Ready(list) if list.is_empty() => view! { <p>"You have no orders yet."</p> }.into_any(),
                Load::Ready(list) => view! {
                    <ul class="order-list">
                        {list.into_iter().map(|order| view! { <OrderRow order=order host=host /> }).collect_view()}
                    </ul>
                }
                .into_any(),
            }}
        </section>
    }
}

/// One list entry, linking to the detail through host navigation.
#[component]
fn OrderRow(order: Order, host: StoredValue<Host, LocalStorage>) -> impl IntoView {
    let href = format!("/orders/{}", order.id);
    let target = href.clone();
    let follow = move |event: leptos::ev::MouseEvent| {
        event.prevent_default();
        host.with_value(|host| {
            let _ = host.navigate(&target);
        });
    };
    view! {
        <li>
            <a href=href on:click=follow>{format!("Order {}", order.id)}</a>
            " — "
            {order.item.clone()}
            " · "
            {order.status.clone()}
        </li>
    }
}
