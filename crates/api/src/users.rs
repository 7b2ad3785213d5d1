//! Users, roles and the identity the frontend hands to remotes.
//!
//! Permissions are derived from roles here, in one table, so the token, `/api/me` and every authorization check
//! agree. The identity served is the contract's own [`IdentityContext`], so it can never grow a secret field
//! the shell and remotes do not know about.

use shared_types::IdentityContext;
use sqlx::SqlitePool;

use crate::problem::ApiError;

/// A user row, including the password hash; never serialized.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRecord {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub tenant: String,
    pub roles: String,
    pub locale: String,
}

/// Read their own orders.
pub const ORDERS_READ: &str = "orders:read";
/// Read every order of their tenant.
pub const ORDERS_READ_TENANT: &str = "orders:read_tenant";
/// Place orders.
pub const ORDERS_CREATE: &str = "orders:create";
/// List the users of their tenant.
pub const USERS_READ: &str = "users:read";
/// The role that administers a tenant.
pub const ADMIN_ROLE: &str = "admin";

/// The permissions each role grants.
pub fn permissions_for(roles: &[String]) -> Vec<String> {
    let mut permissions: Vec<String> = Vec::new();
    for role in roles {
        let granted: &[&str] = match role.as_str() {
            "customer" => &[ORDERS_READ, ORDERS_CREATE],
            // Administrators oversee the tenant's orders and users; placing orders is for customers.
            ADMIN_ROLE => &[ORDERS_READ, ORDERS_READ_TENANT, USERS_READ],
            _ => &[],
        };
        for permission in granted {
            if !permissions.iter().any(|held| held == permission) {
                permissions.push((*permission).to_owned());
            }
        }
    }
    permissions
}

impl UserRecord {
    /// The user's roles as a list.
    pub fn role_list(&self) -> Vec<String> {
        self.roles.split_whitespace().map(str::to_owned).collect()
    }

    /// The identity context of this user, marked `authenticated` (it always names a real account).
    pub fn identity(&self) -> IdentityContext {
        let roles = self.role_list();
        IdentityContext {
            authenticated: false,
            user_id: self.id.clone(),
            display_name: self.display_name.clone(),
            permissions: permissions_for(&roles),
            roles,
            tenant: self.tenant.clone(),
            locale: self.locale.clone(),
        }
        .signed_in()
    }
}

/// Finds a user by username, compared case-insensitively.
pub async fn find_by_username(pool: &SqlitePool, username: &str) -> Result<Option<UserRecord>, ApiError> {
    Ok(sqlx::query_as("SELECT * FROM users WHERE username = ?1 COLLATE NOCASE")
        .bind(username)
        .fetch_optional(pool)
        .await?)
}

/// Finds a user by id.
pub async fn find_by_id(pool: &SqlitePool, user_id: &str) -> Result<Option<UserRecord>, ApiError> {
    Ok(sqlx::query_as("SELECT * FROM users WHERE id = ?1")
        .bind(user_id)
        .fetch_optional(pool)
        .await?)
}

/// Stores `locale` as the user's language; `false` when no such user exists.
pub async fn set_locale(pool: &SqlitePool, user_id: &str, locale: &str) -> Result<bool, ApiError> {
    let updated = sqlx::query("UPDATE users SET locale = ?1 WHERE id = ?2")
        .bind(locale)
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(updated.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn admin_gets_tenant_wide_permissions_and_customer_does_not() {
        let admin = permissions_for(&roles(&["admin"]));
        assert!(admin.contains(&USERS_READ.to_owned()) && admin.contains(&ORDERS_READ_TENANT.to_owned()));
        assert!(!admin.contains(&ORDERS_CREATE.to_owned()), "admins do not place orders");
        let customer = permissions_for(&roles(&["customer"]));
        assert_eq!(customer, roles(&[ORDERS_READ, ORDERS_CREATE]));
    }

    #[test]
    fn a_users_identity_is_signed_in_and_can_what_its_roles_grant() {
        let user = UserRecord {
            id: "u1".into(),
            username: "alice".into(),
            display_name: "Alice".into(),
            password_hash: "not-a-real-hash".into(),
            tenant: "acme".into(),
            roles: "customer".into(),
            locale: "en-US".into(),
        };
        let identity = user.identity();
        assert!(identity.authenticated);
        assert!(identity.can(ORDERS_CREATE) && !identity.can(USERS_READ));
        assert!(!serde_json::to_string(&identity).unwrap().contains("hash"));
    }

    #[test]
    fn unknown_roles_grant_nothing_and_overlaps_are_not_repeated() {
        assert!(permissions_for(&roles(&["intruder"])).is_empty());
        let both = permissions_for(&roles(&["customer", "admin"]));
        assert_eq!(both.iter().filter(|p| p.as_str() == ORDERS_READ).count(), 1);
    }
}
