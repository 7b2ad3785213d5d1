//! The orders remote: the user's order list at `/orders` and one order's detail at `/orders/{id}`.
//!
//! It picks the view from the path the host reports and navigates only through the host; the shell owns the URL.
//! Data comes from `/api/orders` through the host, so this remote never sees a token.

mod model;

use leptos::prelude::*;
use remote_sdk::Host;

use crate::model::{DetailState, ListState, Order, OrdersView};

remote_sdk::export!(App);

/// Chooses list or detail from the current path.
#[component]
pub fn App(host: Host) -> impl IntoView {
    let path = host.path();
    let view_kind = Memo::new(move |_| OrdersView::from_path(&path.get()));
    let host = StoredValue::new_local(host);
    move || match view_kind.get() {
        OrdersView::List => view! { <OrderList host=host.get_value() /> }.into_any(),
        OrdersView::Detail(id) => view! { <OrderDetail host=host.get_value() id=id /> }.into_any(),
        OrdersView::NotFound => view! { <p role="alert">"Order not found"</p> }.into_any(),
    }
}

/// The list of the user's orders.
#[component]
fn OrderList(host: Host) -> impl IntoView {
    let state = RwSignal::new(ListState::Loading);
    let fetch_host = host.clone();
    leptos::task::spawn_local(async move {
        let loaded = ListState::from_response(fetch_host.get("/api/orders").await);
        state.try_set(loaded);
    });
    let host = StoredValue::new_local(host);

    view! {
        <section class="orders" aria-labelledby="orders-heading">
            <h1 id="orders-heading">"Your orders"</h1>
            {move || match state.get() {
                ListState::Loading => view! { <p role="status">"Loading your orders…"</p> }.into_any(),
                ListState::Failed => view! { <p role="alert">"Your orders could not be loaded."</p> }.into_any(),
                ListState::Loaded(orders) if orders.is_empty() => view! { <p>"You have no orders yet."</p> }.into_any(),
                ListState::Loaded(orders) => view! {
                    <ul class="order-list">
                        {orders.into_iter().map(|order| view! { <OrderRow order=order host=host /> }).collect_view()}
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

/// One order's detail, or the no-access and not-found states.
#[component]
fn OrderDetail(host: Host, id: i64) -> impl IntoView {
    let state = RwSignal::new(DetailState::Loading);
    let fetch_host = host.clone();
    leptos::task::spawn_local(async move {
        let loaded = DetailState::from_response(fetch_host.get(&format!("/api/orders/{id}")).await);
        state.try_set(loaded);
    });
    let back = move |event: leptos::ev::MouseEvent| {
        event.prevent_default();
        let _ = host.navigate("/orders");
    };

    view! {
        <section class="order-detail" aria-labelledby="order-heading">
            <h1 id="order-heading">{format!("Order {id}")}</h1>
            {move || match state.get() {
                DetailState::Loading => view! { <p role="status">"Loading the order…"</p> }.into_any(),
                DetailState::Forbidden => {
                    view! { <p role="alert">"You do not have access to this order"</p> }.into_any()
                }
                DetailState::NotFound => view! { <p role="alert">"Order not found"</p> }.into_any(),
                DetailState::Failed => view! { <p role="alert">"The order could not be loaded."</p> }.into_any(),
                DetailState::Loaded(order) => view! {
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
            <p>
                <a href="/orders" on:click=back>"Back to your orders"</a>
            </p>
        </section>
    }
}
