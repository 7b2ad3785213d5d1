//! `/api/orders`: listing, reading and placing orders, with ownership and tenant checks on every request.
//!
//! An order in another tenant answers exactly like a missing one (404), so tenants cannot probe each other. An
//! order in the caller's tenant that they may not see answers 403.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::{Deserialize, Serialize};

use crate::auth::now_ms;
use crate::bearer::Caller;
use crate::problem::{ApiError, FieldError, JsonBody};
use crate::state::AppState;
use crate::users::{ORDERS_CREATE, ORDERS_READ, ORDERS_READ_TENANT};

const MAX_ITEM_CHARS: usize = 120;
const MAX_QUANTITY: i64 = 999;
const MAX_UNIT_PRICE_CENTS: i64 = 10_000_000;

/// An order as the API shows it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Order {
    pub id: i64,
    pub tenant: String,
    pub owner_id: String,
    pub item: String,
    pub quantity: i64,
    pub unit_price_cents: i64,
    pub status: String,
    pub created_at_ms: i64,
}

/// Body of `GET /api/orders`.
#[derive(Serialize)]
pub struct OrderList {
    orders: Vec<Order>,
}

/// Body of `POST /api/orders`.
#[derive(Deserialize)]
pub struct NewOrder {
    item: String,
    quantity: i64,
    unit_price_cents: i64,
}

/// `GET /api/orders`: the caller's own orders, or their whole tenant's with `orders:read_tenant`.
pub async fn list(State(state): State<Arc<AppState>>, caller: Caller) -> Result<Json<OrderList>, ApiError> {
    caller.require_permission(ORDERS_READ)?;
    let claims = &caller.0;
    let orders = if claims.has_permission(ORDERS_READ_TENANT) {
        sqlx::query_as("SELECT * FROM orders WHERE tenant = ?1 ORDER BY id")
            .bind(&claims.tenant)
            .fetch_all(&state.pool)
            .await?
    } else {
        sqlx::query_as("SELECT * FROM orders WHERE tenant = ?1 AND owner_id = ?2 ORDER BY id")
            .bind(&claims.tenant)
            .bind(&claims.sub)
            .fetch_all(&state.pool)
            .await?
    };
    Ok(Json(OrderList { orders }))
}

/// `GET /api/orders/{id}`.
pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Order>, ApiError> {
    caller.require_permission(ORDERS_READ)?;
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let order: Order = sqlx::query_as("SELECT * FROM orders WHERE id = ?1")
        .bind(id)
        .fetch_optional(&state.pool)
        .await?
        .ok_or(ApiError::NotFound)?;
    let claims = &caller.0;
    if order.tenant != claims.tenant {
        return Err(ApiError::NotFound);
    }
    if order.owner_id != claims.sub && !claims.has_permission(ORDERS_READ_TENANT) {
        return Err(ApiError::Forbidden);
    }
    Ok(Json(order))
}

/// `POST /api/orders`: places an order owned by the caller.
pub async fn create(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    JsonBody(new_order): JsonBody<NewOrder>,
) -> Result<(StatusCode, HeaderMap, Json<Order>), ApiError> {
    caller.require_permission(ORDERS_CREATE)?;
    let item = validate(&new_order)?;
    let claims = &caller.0;
    let order: Order = sqlx::query_as(
        "INSERT INTO orders (tenant, owner_id, item, quantity, unit_price_cents, status, created_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, 'placed', ?6) RETURNING *",
    )
    .bind(&claims.tenant)
    .bind(&claims.sub)
    .bind(item)
    .bind(new_order.quantity)
    .bind(new_order.unit_price_cents)
    .bind(now_ms())
    .fetch_one(&state.pool)
    .await?;
    let mut headers = HeaderMap::new();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/orders/{}", order.id)) {
        headers.insert(header::LOCATION, location);
    }
    Ok((StatusCode::CREATED, headers, Json(order)))
}

/// Checks a new order and returns its trimmed item name.
fn validate(order: &NewOrder) -> Result<&str, ApiError> {
    let mut errors = Vec::new();
    let item = order.item.trim();
    if item.is_empty() {
        errors.push(FieldError {
            field: "item",
            message: "Name the item you are ordering.".into(),
        });
    } else if item.chars().count() > MAX_ITEM_CHARS {
        errors.push(FieldError {
            field: "item",
            message: format!("Use at most {MAX_ITEM_CHARS} characters."),
        });
    } else if item.chars().any(char::is_control) {
        errors.push(FieldError {
            field: "item",
            message: "Remove control characters from the item name.".into(),
        });
    }
    if !(1..=MAX_QUANTITY).contains(&order.quantity) {
        errors.push(FieldError {
            field: "quantity",
            message: format!("Order between 1 and {MAX_QUANTITY}."),
        });
    }
    if !(1..=MAX_UNIT_PRICE_CENTS).contains(&order.unit_price_cents) {
        errors.push(FieldError {
            field: "unit_price_cents",
            message: format!("The unit price must be between 1 and {MAX_UNIT_PRICE_CENTS} cents."),
        });
    }
    if errors.is_empty() {
        Ok(item)
    } else {
        Err(ApiError::Validation(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(item: &str, quantity: i64, unit_price_cents: i64, bad_fields: &[&str]) {
        let order = NewOrder {
            item: item.into(),
            quantity,
            unit_price_cents,
        };
        let fields: Vec<&str> = match validate(&order) {
            Ok(_) => vec![],
            Err(ApiError::Validation(errors)) => errors.iter().map(|error| error.field).collect(),
            Err(other) => panic!("unexpected {other:?}"),
        };
        assert_eq!(fields, bad_fields, "{item:?} x{quantity} @{unit_price_cents}");
    }

    #[test]
    fn new_orders_are_validated_field_by_field() {
        check("Beans", 1, 100, &[]);
        check("  ", 1, 100, &["item"]);
        check(&"x".repeat(121), 1, 100, &["item"]);
        check("Beans\u{7}", 1, 100, &["item"]);
        check("Beans", 0, 100, &["quantity"]);
        check("Beans", 1000, 0, &["quantity", "unit_price_cents"]);
        check("", -1, -1, &["item", "quantity", "unit_price_cents"]);
    }
}
