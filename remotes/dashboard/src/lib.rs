//! The dashboard remote: a greeting with the user's name, roles and tenant, and how many orders they have.
//!
//! The order count comes from `GET /api/orders` through the host; this remote never sees a token. A failed count
//! says which failure it was and offers "Retry" where retrying can help.

use leptos::prelude::*;
use remote_sdk::{DataFailure, Host, Load, load};
use serde::Deserialize;

remote_sdk::export!(App);

/// Only the number of orders matters here, so each entry is skipped without being built.
#[derive(Deserialize)]
struct OrderList {
    orders: Vec<serde::de::IgnoredAny>,
}

/// The dashboard page.
#[component]
pub fn App(host: Host) -> impl IntoView {
    let identity = host.identity();
    let count = load(move || {
        let host = host.clone();
        async move {
            host.get_json::<OrderList>("/api/orders")
                .await
                .map(|list| list.orders.len())
        }
    });

    view! {
        <section class="dashboard" aria-labelledby="dashboard-heading">
            <h1 id="dashboard-heading">{move || format!("Welcome, {}", identity.read().display_name)}</h1>
            <dl class="facts">
                <dt>"Roles"</dt>
                <dd>{move || identity.read().roles.join(", ")}</dd>
                <dt>"Tenant"</dt>
                <dd>{move || identity.read().tenant.clone()}</dd>
                <dt>"Orders"</dt>
                <dd aria-live="polite">
                    {move || match count.state.get() {
                        Load::Loading => "Counting your orders…".into_any(),
                        Load::Ready(count) => count_sentence(count).into_any(),
                        Load::Failed(error) => view! { <DataFailure error=error retry=count.retry() /> }.into_any(),
                    }}
                </dd>
            </dl>
        </section>
    }
}

/// The order count as a sentence: "You have 1 order." or "You have 3 orders.".
fn count_sentence(count: usize) -> String {
    match count {
        1 => "You have 1 order.".to_owned(),
        count => format!("You have {count} orders."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_order_is_singular_and_any_other_count_plural() {
        assert_eq!(count_sentence(1), "You have 1 order.");
        assert_eq!(count_sentence(0), "You have 0 orders.");
        assert_eq!(count_sentence(3), "You have 3 orders.");
    }

    #[test]
    fn the_count_skips_each_order_without_reading_it() {
        let body = r#"{"orders":[{"id":1,"item":"Tea"},{"id":2,"nested":{"deep":[1,2]}}],"total":2}"#;
        let list: OrderList = shared_types::json::from_str(body).expect("a valid body");
        assert_eq!(list.orders.len(), 2);
    }
}
