//! One order's detail at `/orders/{id}`, with this remote's own no-access and not-found wording.
//!
//! It navigates back to the list only through the host; it never touches the URL itself.

use leptos::prelude::*;
use remote_sdk::{DataFailure, Host, Load, format_date, format_id, format_money, format_number, load, use_language};

use crate::model::{CURRENCY, Order};
use crate::text::text;

/// One order's detail, or the no-access, not-found and failure states.
#[component]
pub fn OrderDetail(host: Host, id: i64) -> impl IntoView {
    let fetch_host = host.clone();
    let order = load(move || {
        let host = fetch_host.clone();
        async move { host.get_json::<Order>(&format!("/api/orders/{id}")).await }
    });
    let language = use_language();
    let text = move || text(language.get());
    view! {
        <section class="order-detail" aria-labelledby="order-heading">
            <h1 id="order-heading">{move || (text().order_title)(&format_id(language.get(), id))}</h1>
            {move || match order.state.get() {
                Load::Loading => view! { <p role="status">{text().loading_order}</p> }.into_any(),
                Load::Failed(error) => view! {
                    <DataFailure
                        error=error
                        retry=order.retry()
                        forbidden=text().no_access_order
                        not_found=text().order_not_found
                    />
                }
                .into_any(),
                Load::Ready(order) => {
                    let (language, text) = (language.get(), text());
                    view! {
                        <dl class="facts">
                            <dt>{text.column_item}</dt>
                            <dd>{order.item.clone()}</dd>
                            <dt>{text.column_quantity}</dt>
                            <dd>{format_number(language, order.quantity)}</dd>
                            <dt>{text.column_unit_price}</dt>
                            <dd>{format_money(language, order.unit_price_cents, CURRENCY)}</dd>
                            <dt>{text.column_status}</dt>
                            <dd>{(text.status)(&order.status).to_owned()}</dd>
                            <dt>{text.column_placed_on}</dt>
                            <dd>{format_date(language, order.created_at_ms)}</dd>
                        </dl>
                    }
                    .into_any()
                }
            }}
            <BackToOrders host=host />
        </section>
    }
}

/// What `/orders/{something that is not an id}` shows: the same "Order not found" as a missing order.
#[component]
pub fn UnknownOrder(host: Host) -> impl IntoView {
    let language = use_language();
    view! {
        <section class="order-detail">
            <p role="alert">{move || text(language.get()).order_not_found}</p>
            <BackToOrders host=host />
        </section>
    }
}

/// The link back to the list, followed through host navigation.
#[component]
fn BackToOrders(host: Host) -> impl IntoView {
    let language = use_language();
    let back = move |event: leptos::ev::MouseEvent| {
        event.prevent_default();
        let _ = host.navigate("/orders");
    };
    view! {
        <p>
            <a href="/orders" on:click=back>{move || text(language.get()).back}</a>
        </p>
    }
}
