//! The dashboard remote: a greeting with the user's name, roles and tenant, and how many orders they have.
//!
//! The order count comes from `GET /api/orders` through the host; this remote never sees a token. A failed count
//! says which failure it was and offers "Retry" where retrying can help.

mod text;

use leptos::prelude::*;
use remote_sdk::{DataFailure, Host, Load, format_number, load, plural_of, use_language};
use serde::Deserialize;

use crate::text::text;

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
    let language = use_language();
    let text = move || text(language.get());
    let count = load(move || {
        let host = host.clone();
        async move {
            host.get_json::<OrderList>("/api/orders")
                .await
                .map(|list| list.orders.len())
        }
    });
    let roles = move || {
        let language = language.get();
        identity
            .read()
            .roles
            .iter()
            .map(|code| language.role_name(code))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let count_sentence = move |count: usize| {
        let language = language.get();
        let count = i64::try_from(count).unwrap_or(i64::MAX);
        (text().count)(plural_of(language, count), &format_number(language, count))
    };

    view! {
        <section class="dashboard" aria-labelledby="dashboard-heading">
            <h1 id="dashboard-heading">{move || (text().welcome)(&identity.read().display_name)}</h1>
            <dl class="facts">
                <dt>{move || text().roles}</dt>
                <dd>{roles}</dd>
                <dt>{move || text().tenant}</dt>
                <dd>{move || identity.read().tenant.clone()}</dd>
                <dt>{move || text().orders}</dt>
                <dd aria-live="polite">
                    {move || match count.state.get() {
                        Load::Loading => text().counting.into_any(),
                        Load::Ready(count) => count_sentence(count).into_any(),
                        Load::Failed(error) => view! { <DataFailure error=error retry=count.retry() /> }.into_any(),
                    }}
                </dd>
            </dl>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_skips_each_order_without_reading_it() {
        let body = r#"{"orders":[{"id":1,"item":"Tea"},{"id":2,"nested":{"deep":[1,2]}}],"total":2}"#;
        let list: OrderList = shared_types::json::from_str(body).expect("a valid body");
        assert_eq!(list.orders.len(), 2);
    }
}
