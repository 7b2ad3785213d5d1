//! The SQLite database: opening it safely, migrating it, and seeding demo data in dev mode.
//!
//! Opening never repairs or overwrites: a file that is not a healthy SQLite database, or that cannot be written,
//! stops start-up with a message that names the path, and the file is left exactly as it was.

use std::path::Path;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::passwords::hash_password;

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    /// The file could not be opened or created.
    #[error("could not open the database at {path}: {reason}")]
    Open { path: String, reason: String },
    /// The file exists but is not a healthy SQLite database.
    #[error("the database at {path} is damaged or not a SQLite database ({reason}); it was left untouched")]
    Corrupt { path: String, reason: String },
    /// The database can be read but not written.
    #[error("the database at {path} is not writable: {reason}")]
    ReadOnly { path: String, reason: String },
    /// Applying the schema migrations failed.
    #[error("could not migrate the database at {path}: {reason}")]
    Migrate { path: String, reason: String },
    /// Writing the demo data failed.
    #[error("could not seed demo data into {path}: {reason}")]
    Seed { path: String, reason: String },
}

/// Opens (creating if needed) the database at `path`, checks it, and applies migrations.
pub async fn open(path: &Path) -> Result<SqlitePool, DatabaseError> {
    let shown = path.display().to_string();
    if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|error| DatabaseError::Open {
            path: shown.clone(),
            reason: error.to_string(),
        })?;
    }
    if path.is_dir() {
        return Err(DatabaseError::Open {
            path: shown,
            reason: "it is a directory".into(),
        });
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal);
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .map_err(|error| classify(&shown, error))?;

    let check: String = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_one(&pool)
        .await
        .map_err(|error| classify(&shown, error))?;
    if check != "ok" {
        return Err(DatabaseError::Corrupt {
            path: shown,
            reason: check,
        });
    }
    // An immediate transaction takes the write lock: this fails now, not on the first sign-in, when the file
    // or its directory is read-only.
    let mut probe = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(|error| DatabaseError::ReadOnly {
            path: shown.clone(),
            reason: error.to_string(),
        })?;
    sqlx::query("CREATE TEMP TABLE IF NOT EXISTS write_probe (x)")
        .execute(&mut *probe)
        .await
        .map_err(|error| DatabaseError::ReadOnly {
            path: shown.clone(),
            reason: error.to_string(),
        })?;
    probe.rollback().await.map_err(|error| classify(&shown, error))?;

    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .map_err(|error| DatabaseError::Migrate {
            path: shown,
            reason: error.to_string(),
        })?;
    Ok(pool)
}

fn classify(path: &str, error: sqlx::Error) -> DatabaseError {
    let reason = error.to_string();
    let lower = reason.to_ascii_lowercase();
    if lower.contains("not a database") || lower.contains("malformed") || lower.contains("corrupt") {
        DatabaseError::Corrupt {
            path: path.to_owned(),
            reason,
        }
    } else if lower.contains("readonly") || lower.contains("read-only") {
        DatabaseError::ReadOnly {
            path: path.to_owned(),
            reason,
        }
    } else {
        DatabaseError::Open {
            path: path.to_owned(),
            reason,
        }
    }
}

/// A demo user seeded in dev mode; README lists them.
pub struct DemoUser {
    pub username: &'static str,
    pub password: &'static str,
    pub display_name: &'static str,
    pub tenant: &'static str,
    pub roles: &'static str,
    pub locale: &'static str,
    pub orders: &'static [(&'static str, i64, i64)],
}

/// The demo users and their orders (item, quantity, unit price in cents).
pub const DEMO_USERS: &[DemoUser] = &[
    DemoUser {
        username: "alice",
        password: "alice-password",
        display_name: "Alice Anderson",
        tenant: "acme",
        roles: "customer",
        locale: "en-US",
        orders: &[
            ("Espresso beans, 1 kg", 2, 2450),
            ("Milk frother", 1, 3999),
            ("Ceramic cups (set of 4)", 1, 2800),
        ],
    },
    DemoUser {
        username: "bob",
        password: "bob-password",
        display_name: "Bob Brown",
        tenant: "acme",
        roles: "customer",
        locale: "en-GB",
        orders: &[("Pour-over kettle", 1, 5400), ("Paper filters (100)", 3, 650)],
    },
    DemoUser {
        username: "carol",
        password: "carol-password",
        display_name: "Carol Clark",
        tenant: "acme",
        roles: "admin",
        locale: "en-US",
        orders: &[("Office coffee subscription", 1, 12000)],
    },
    DemoUser {
        username: "dave",
        password: "dave-password",
        display_name: "Dave Davis",
        tenant: "globex",
        roles: "customer",
        locale: "de-DE",
        orders: &[("Burr grinder", 1, 8900), ("Descaling tablets", 2, 1200)],
    },
];

/// Seeds the demo users and orders when the database has no users yet. Returns whether it seeded.
pub async fn seed_demo_data(pool: &SqlitePool, path: &Path, now_ms: i64) -> Result<bool, DatabaseError> {
    let seed_error = |error: sqlx::Error| DatabaseError::Seed {
        path: path.display().to_string(),
        reason: error.to_string(),
    };
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(pool)
        .await
        .map_err(seed_error)?;
    if users > 0 {
        return Ok(false);
    }
    let mut tx = pool.begin().await.map_err(seed_error)?;
    for user in DEMO_USERS {
        let user_id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO users (id, username, display_name, password_hash, tenant, roles, locale)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .bind(&user_id)
        .bind(user.username)
        .bind(user.display_name)
        .bind(hash_password(user.password))
        .bind(user.tenant)
        .bind(user.roles)
        .bind(user.locale)
        .execute(&mut *tx)
        .await
        .map_err(seed_error)?;
        for (item, quantity, unit_price_cents) in user.orders {
            sqlx::query(
                "INSERT INTO orders (tenant, owner_id, item, quantity, unit_price_cents, status, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'placed', ?6)",
            )
            .bind(user.tenant)
            .bind(&user_id)
            .bind(item)
            .bind(quantity)
            .bind(unit_price_cents)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(seed_error)?;
        }
    }
    tx.commit().await.map_err(seed_error)?;
    Ok(true)
}
