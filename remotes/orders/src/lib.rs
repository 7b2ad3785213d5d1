//! The orders remote: the user's order list at `/orders` (with the "New order" form for those who may place
//! orders) and one order's detail at `/orders/{id}`.
//!
//! It picks the view from the path the host reports and navigates only through the host; the shell owns the URL.
//! Data comes from `/api/orders` through the host, so this remote never sees a token.

mod detail;
mod form;
mod list;
mod model;
mod text;

use leptos::prelude::*;
use remote_sdk::Host;

use crate::detail::{OrderDetail, UnknownOrder};
use crate::list::OrderList;
use crate::model::OrdersView;

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
        OrdersView::NotFound => view! { <UnknownOrder host=host.get_value() /> }.into_any(),
    }
}
