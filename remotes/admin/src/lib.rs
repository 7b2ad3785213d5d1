//! The admin remote: the users of the administrator's tenant at `/admin`, from `GET /api/admin/users`.
//!
//! The shell mounts it only for users holding `users:read` (route and manifest both say so), and the API checks
//! the role on every request; this remote still words a 403 itself. It never sees a token.

use leptos::prelude::*;
use remote_sdk::{DataFailure, Host, Load, load};
use serde::Deserialize;

remote_sdk::export!(App);

/// One user as `GET /api/admin/users` lists it; fields this page does not show are skipped.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct TenantUser {
    username: String,
    display_name: String,
    roles: Vec<String>,
    tenant: String,
}

/// Body of `GET /api/admin/users`.
#[derive(Deserialize)]
struct UserListBody {
    users: Vec<TenantUser>,
}

/// The user list page.
#[component]
pub fn App(host: Host) -> impl IntoView {
    let users = load(move || {
        let host = host.clone();
        async move {
            host.get_json::<UserListBody>("/api/admin/users")
                .await
                .map(|body| body.users)
        }
    });

    view! {
        <section class="admin-users" aria-labelledby="users-heading">
            <h1 id="users-heading">"Users"</h1>
            {move || match users.state.get() {
                Load::Loading => view! { <p role="status">"Loading users…"</p> }.into_any(),
                Load::Failed(error) => view! {
                    <DataFailure
                        error=error
                        retry=users.retry()
                        forbidden="You do not have access to the user list."
                    />
                }
                .into_any(),
                Load::Ready(list) if list.is_empty() => view! { <p>"No users yet."</p> }.into_any(),
                Load::Ready(list) => view! { <UserTable users=list /> }.into_any(),
            }}
        </section>
    }
}

/// The table of users: username, display name, roles and tenant.
#[component]
fn UserTable(users: Vec<TenantUser>) -> impl IntoView {
    view! {
        <table class="data-table">
            <caption>"Everyone in your tenant"</caption>
            <thead>
                <tr>
                    <th scope="col">"Username"</th>
                    <th scope="col">"Display name"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Tenant"</th>
                </tr>
            </thead>
            <tbody>
                {users
                    .into_iter()
                    .map(|user| {
                        view! {
                            <tr>
                                <td>{user.username}</td>
                                <td>{user.display_name}</td>
                                <td>{user.roles.join(", ")}</td>
                                <td>{user.tenant}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_list_keeps_the_shown_columns_and_skips_every_other_field() {
        let body = r#"{"users":[{"username":"alice","user_id":"u-1","display_name":"Alice Anderson",
            "roles":["customer","auditor"],"permissions":["orders:read"],"tenant":"acme","locale":"en-GB",
            "authenticated":true,"last_seen":{"at":1}}],"next":null}"#;
        let list: UserListBody = shared_types::json::from_str(body).expect("a valid body");
        assert_eq!(
            list.users,
            vec![TenantUser {
                username: "alice".into(),
                display_name: "Alice Anderson".into(),
                roles: vec!["customer".into(), "auditor".into()],
                tenant: "acme".into(),
            }]
        );
    }

    #[test]
    fn a_body_without_users_is_unreadable_not_empty() {
        assert!(shared_types::json::from_str::<UserListBody>(r#"{"items":[]}"#).is_err());
    }
}
