//! One order's detail at `/orders/{id}`, with this remote's own no-access and not-found wording.
//!
//! It navigates back to the list only through the host; it never touches the URL itself.

use leptos::prelude::*;
use remote_sdk::{DataFailure, Host, Load, load};

use crate::model::Order;

/// One order's detail, or the no-access, not-found and failure states.
#[component]
pub fn OrderDetail(host: Host, id: i64) -> impl IntoView {
    let fetch_host = host.clone();
    let order = load(move || {
        let host = fetch_host.clone();
        async move { host.get_json::<Order>(&format!("/api/orders/{id}")).await }
    });
    view! {
        <section class="order-detail" aria-labelledby="order-heading">
            <h1 id="order-heading">{format!("Order {id}")}</h1>
            {move || match order.state.get() {
                Load::Loading => view! { <p role="status">"Loading the order…"</p> }.into_any(),
                Load::Failed(error) => view! {
                    <DataFailure
                        error=error
                        retry=order.retry()
                        forbidden="You do not have access to this order"
                        not_found="Order not found"
                    />
                }
                .into_any(),
                Load::Ready(order) => view! {
                    <dl class="facts">
                        <dt>"Item"</dt>
                        <dd>{order.item.clone()}</dd>
                        <dt>"Quantity"</dt>
                        <dd>{order.quantity}</dd>
                        <dt>"Unit price"</dt>
                        <dd>{order.unit_price()}</dd>
                        <dt>"Status"</dt>
                        <dd>{order.status.clone()}</dd>
                    </dl>
                }
                .into_any(),
            }}
            <BackToOrders host=host />
        </section>
    }
}

/// What `/orders/{something that is not an id}` shows: the same "Order not found" as a missing order.
#[component]
pub fn UnknownOrder(host: Host) -> impl IntoView {
    view! {
        <section class="order-detail">
            <p role="alert">"Order not found"</p>
            <BackToOrders host=host />
        </section>
    }
}

/// The link back to the list, followed through host navigation.
#[component]
fn BackToOrders(host: Host) -> impl IntoView {
    let back = move |event: leptos::ev::MouseEvent| {
        event.prevent_default();
        let _ = host.navigate("/orders");
    };
    view! {
        <p>
            <a href="/orders" on:click=back>"Back to your orders"</a>
        </p>
    }
}
