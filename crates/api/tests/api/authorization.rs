//! 401 vs 403 vs 404: ownership, tenant isolation, permissions and roles, enforced by the server.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestServer, problem};

async fn order_ids(server: &TestServer, token: &str) -> Vec<i64> {
    let response = server.get_with_token("/api/orders", token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|order| order["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn orders_are_visible_to_their_owner_and_tenant_admin_only() {
    let server = TestServer::start().await;
    let (alice, _, alice_body) = server.sign_in("alice").await;
    let (bob, _, _) = server.sign_in("bob").await;
    let (carol, _, _) = server.sign_in("carol").await;
    let (dave, _, _) = server.sign_in("dave").await;

    let alice_orders = order_ids(&server, &alice).await;
    let bob_orders = order_ids(&server, &bob).await;
    let dave_orders = order_ids(&server, &dave).await;
    assert_eq!(alice_orders.len(), 3);
    assert!(
        alice_orders.iter().all(|id| !bob_orders.contains(id)),
        "customers list only their own orders"
    );
    let tenant_orders = order_ids(&server, &carol).await;
    assert!(
        alice_orders
            .iter()
            .chain(&bob_orders)
            .all(|id| tenant_orders.contains(id)),
        "admin sees the tenant"
    );
    assert!(
        dave_orders.iter().all(|id| !tenant_orders.contains(id)),
        "but not another tenant"
    );

    let own = server
        .get_with_token(&format!("/api/orders/{}", alice_orders[0]), &alice)
        .await;
    assert_eq!(own.status(), StatusCode::OK);
    let order: Value = own.json().await.unwrap();
    assert_eq!(order["owner_id"], alice_body["identity"]["user_id"]);

    let same_tenant = server
        .get_with_token(&format!("/api/orders/{}", bob_orders[0]), &alice)
        .await;
    assert_eq!(problem(same_tenant).await.0, StatusCode::FORBIDDEN);
    let as_admin = server
        .get_with_token(&format!("/api/orders/{}", bob_orders[0]), &carol)
        .await;
    assert_eq!(as_admin.status(), StatusCode::OK);

    let other_tenant = server
        .get_with_token(&format!("/api/orders/{}", dave_orders[0]), &alice)
        .await;
    let (status, other_tenant_body) = problem(other_tenant).await;
    let (missing_status, missing_body) = problem(server.get_with_token("/api/orders/999999", &alice).await).await;
    assert_eq!((status, missing_status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    assert_eq!(
        other_tenant_body, missing_body,
        "another tenant's order is indistinguishable from a missing one"
    );
    let admin_cross_tenant = server
        .get_with_token(&format!("/api/orders/{}", dave_orders[0]), &carol)
        .await;
    assert_eq!(admin_cross_tenant.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        server.get_with_token("/api/orders/not-a-number", &alice).await.status(),
        StatusCode::NOT_FOUND
    );

    let anonymous = server
        .client
        .get(server.url(&format!("/api/orders/{}", alice_orders[0])))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn admin_endpoint_needs_the_admin_role() {
    let server = TestServer::start().await;
    let (carol, _, _) = server.sign_in("carol").await;
    let (alice, _, _) = server.sign_in("alice").await;
    let response = server.get_with_token("/api/admin/users", &carol).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let names: Vec<&str> = body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alice", "bob", "carol"], "only the admin's own tenant");
    let carol_entry = &body["users"][2];
    let keys: Vec<&String> = carol_entry.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "authenticated",
            "display_name",
            "locale",
            "permissions",
            "roles",
            "tenant",
            "user_id",
            "username"
        ],
        "the identity context, flattened, plus the username"
    );
    assert_eq!(carol_entry["roles"], json!(["admin"]));
    assert!(!body.to_string().contains("argon2"), "no password hashes");
    let (status, body) = problem(server.get_with_token("/api/admin/users", &alice).await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    assert_eq!(
        server
            .client
            .get(server.url("/api/admin/users"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    server.stop().await;
}

#[tokio::test]
async fn placing_an_order_needs_permission_and_valid_input() {
    let server = TestServer::start().await;
    let (alice, _, _) = server.sign_in("alice").await;
    let post = |token: String, body: Value| {
        server
            .client
            .post(server.url("/api/orders"))
            .bearer_auth(token)
            .json(&body)
            .send()
    };

    let created = post(
        alice.clone(),
        json!({"item": "Tamper", "quantity": 1, "unit_price_cents": 2500}),
    )
    .await
    .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let order: Value = created.json().await.unwrap();
    assert_eq!(location, format!("/api/orders/{}", order["id"]));
    assert_eq!(server.get_with_token(&location, &alice).await.status(), StatusCode::OK);

    let (status, body) = problem(
        post(
            alice.clone(),
            json!({"item": " ", "quantity": 0, "unit_price_cents": 1}),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"].as_array().unwrap().len(), 2);

    let forger = server.forger();
    let mut read_only = crate::support::claims_now(&server, order["owner_id"].as_str().unwrap());
    read_only.permissions = vec!["orders:read".into()];
    let response = post(
        forger.sign(&read_only),
        json!({"item": "Tamper", "quantity": 1, "unit_price_cents": 2500}),
    )
    .await
    .unwrap();
    assert_eq!(
        problem(response).await.0,
        StatusCode::FORBIDDEN,
        "a valid token without orders:create"
    );

    let (carol, _, carol_session) = server.sign_in("carol").await;
    assert!(
        !carol_session["identity"]["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!("orders:create")),
        "administrators do not place orders"
    );
    let refused = post(
        carol,
        json!({"item": "Tamper", "quantity": 1, "unit_price_cents": 2500}),
    )
    .await
    .unwrap();
    assert_eq!(
        problem(refused).await.0,
        StatusCode::FORBIDDEN,
        "carol, an admin, may not place orders"
    );
    server.stop().await;
}
