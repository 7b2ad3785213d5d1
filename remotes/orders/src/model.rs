//! What the orders remote reads from the host: which view the path asks for, and the API's order shapes.
//!
//! Pure data and parsing, so it never touches the DOM.

use remote_sdk::{FetchResponse, HostError};
use serde::Deserialize;

/// An order as `/api/orders` returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Order {
    pub id: i64,
    pub item: String,
    pub quantity: i64,
    pub unit_price_cents: i64,
    pub status: String,
}

impl Order {
    /// The unit price as `12.34`.
    pub fn unit_price(&self) -> String {
        format!("{}.{:02}", self.unit_price_cents / 100, self.unit_price_cents % 100)
    }
}

#[derive(Deserialize)]
struct OrderListBody {
    orders: Vec<Order>,
}

/// Which view the current path asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrdersView {
    /// `/orders`
    List,
    /// `/orders/{id}`
    Detail(i64),
    /// `/orders/{something that is not an id}`
    NotFound,
}

impl OrdersView {
    /// Reads the view from an in-app path such as `/orders/3?x=1`.
    pub fn from_path(path: &str) -> Self {
        let path = path.split(['?', '#']).next().unwrap_or_default().trim_end_matches('/');
        match path.strip_prefix("/orders") {
            None | Some("") => OrdersView::List,
            Some(rest) => match rest.strip_prefix('/').and_then(|id| id.parse().ok()) {
                Some(id) => OrdersView::Detail(id),
                None => OrdersView::NotFound,
            },
        }
    }
}

/// The list view's state.
#[derive(Debug, Clone, PartialEq)]
pub enum ListState {
    Loading,
    Loaded(Vec<Order>),
    Failed,
}

impl ListState {
    /// Interprets the host's answer to `GET /api/orders`.
    pub fn from_response(response: Result<FetchResponse, HostError>) -> Self {
        match response {
            Ok(response) if response.is_success() => serde_json::from_str::<OrderListBody>(&response.body)
                .map(|body| ListState::Loaded(body.orders))
                .unwrap_or(ListState::Failed),
            _ => ListState::Failed,
        }
    }
}

/// The detail view's state.
#[derive(Debug, Clone, PartialEq)]
pub enum DetailState {
    Loading,
    Loaded(Order),
    Forbidden,
    NotFound,
    Failed,
}

impl DetailState {
    /// Interprets the host's answer to `GET /api/orders/{id}`.
    pub fn from_response(response: Result<FetchResponse, HostError>) -> Self {
        match response {
            Ok(response) if response.is_success() => serde_json::from_str(&response.body)
                .map(DetailState::Loaded)
                .unwrap_or(DetailState::Failed),
            Ok(response) if response.status == 403 => DetailState::Forbidden,
            Ok(response) if response.status == 404 => DetailState::NotFound,
            _ => DetailState::Failed,
        }
    }
}
