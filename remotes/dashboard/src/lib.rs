//! The dashboard remote: a greeting with the user's name, roles and tenant, and how many orders they have.
//!
//! The order count comes from `GET /api/orders` through the host; this remote never sees a token.

use leptos::prelude::*;
use remote_sdk::Host;
use serde::Deserialize;

remote_sdk::export!(App);

/// Only the number of orders matters here, so each entry is skipped, not parsed into a `serde_json::Value`
/// (which would link serde_json's whole dynamic value machinery into this remote).
#[derive(Deserialize)]
struct OrderList {
    orders: Vec<serde::de::IgnoredAny>,
}

/// What the order count line shows.
#[derive(Clone, PartialEq)]
enum OrderCount {
    Loading,
    Loaded(usize),
    Failed,
}

/// The dashboard page.
#[component]
pub fn App(host: Host) -> impl IntoView {
    let identity = host.identity();
    let count = RwSignal::new(OrderCount::Loading);
    leptos::task::spawn_local(async move {
        let loaded = match host.get("/api/orders").await {
            Ok(response) if response.is_success() => serde_json::from_str::<OrderList>(&response.body)
                .map(|list| OrderCount::Loaded(list.orders.len()))
                .unwrap_or(OrderCount::Failed),
            _ => OrderCount::Failed,
        };
        count.try_set(loaded);
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
                    {move || match count.get() {
                        OrderCount::Loading => "Counting your orders…".to_owned(),
                        OrderCount::Loaded(1) => "You have 1 order.".to_owned(),
                        OrderCount::Loaded(n) => format!("You have {n} orders."),
                        OrderCount::Failed => "Your orders could not be counted.".to_owned(),
                    }}
                </dd>
            </dl>
        </section>
    }
}
