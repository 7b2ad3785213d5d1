//! The admin remote: the users of the administrator's tenant at `/admin`, from `GET /api/admin/users`.
//!
//! The shell mounts it only for users holding `users:read` (route and manifest both say so), and the API checks
//! the role on every request; this remote still words a 403 itself. It never sees a token.

mod text;

use leptos::prelude::*;
use remote_sdk::{DataFailure, Host, Load, load, use_language};
use serde::Deserialize;

use crate::text::text;

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
    let language = use_language();
    let text = move || text(language.get());

    view! {
        <section class="admin-users" aria-labelledby="users-heading">
            <h1 id="users-heading">{move || text().heading}</h1>
            {move || match users.state.get() {
                Load::Loading => view! { <p role="status">{text().loading}</p> }.into_any(),
                Load::Failed(error) => view! {
                    <DataFailure error=error retry=users.retry() forbidden=text().no_access />
                }
                .into_any(),
                Load::Ready(list) if list.is_empty() => view! { <p>{text().no_users}</p> }.into_any(),
                Load::Ready(list) => view! { <UserTable users=list /> }.into_any(),
            }}
        </section>
    }
}

/// The table of users: username, display name, roles and tenant. Rendered again when the language changes (the
/// page's match reads it).
#[component]
fn UserTable(users: Vec<TenantUser>) -> impl IntoView {
    let language = use_language().get_untracked();
    let text = text(language);
    view! {
        <table class="data-table">
            <caption>{text.caption}</caption>
            <thead>
                <tr>
                    <th scope="col">{text.username}</th>
                    <th scope="col">{text.display_name}</th>
                    <th scope="col">{text.role}</th>
                    <th scope="col">{text.tenant}</th>
                </tr>
            </thead>
            <tbody>
                {users
                    .into_iter()
                    .map(|user| {
                        let roles: Vec<&str> = user.roles.iter().map(|role| language.role_name(role)).collect();
                        view! {
                            <tr>
                                <td data-label=text.username>{user.username}</td>
                                <td data-label=text.display_name>{user.display_name}</td>
                                <td data-label=text.role>{roles.join(", ")}</td>
                                <td data-label=text.tenant>{user.tenant}</td>
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
