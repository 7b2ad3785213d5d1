//! Refresh sessions: opaque rotating refresh tokens grouped in families, with reuse detection.
//!
//! A sign-in starts a family. Each refresh rotates: the presented token is marked rotated and a successor is
//! issued. Presenting a rotated token again is reuse, and revokes the whole family, with one exception: the
//! immediately previous token, replayed within the grace window while its successor is still current, continues
//! the session without rotating again (two tabs refreshing at once). Only SHA-256 hashes of tokens are stored,
//! so a grace replay cannot hand out the successor's value: it gets a fresh access token for the same family,
//! and the browser keeps the successor cookie that the first refresh already set.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;

use crate::problem::ApiError;

/// Lifetimes that govern refresh tokens.
#[derive(Debug, Clone, Copy)]
pub struct RefreshPolicy {
    /// Absolute lifetime of a family, from sign-in.
    pub lifetime: Duration,
    /// Longest a token may go unused before it stops working.
    pub idle: Duration,
    /// How long the immediately previous token may still be replayed.
    pub grace: Duration,
}

/// What the store knows about one presented token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenState {
    pub issued_at_ms: i64,
    pub rotated_at_ms: Option<i64>,
    /// Whether this token's successor is the family's current (unrotated) token.
    pub successor_is_current: bool,
    pub family_expires_at_ms: i64,
    pub family_revoked: bool,
}

/// What to do with a presented refresh token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshDecision {
    /// The current token: issue a successor.
    Rotate,
    /// The immediately previous token within the grace window: continue without rotating.
    GraceReplay,
    /// A rotated token outside the grace rule: revoke the family.
    Reuse,
    /// The family is revoked, past its absolute lifetime, or the token idled out.
    Expired,
}

/// Decides the fate of a presented token at `now_ms`. Pure, so the grace rules are unit-tested.
pub fn decide(state: &TokenState, now_ms: i64, policy: &RefreshPolicy) -> RefreshDecision {
    if state.family_revoked || now_ms >= state.family_expires_at_ms {
        return RefreshDecision::Expired;
    }
    match state.rotated_at_ms {
        None if now_ms - state.issued_at_ms > millis(policy.idle) => RefreshDecision::Expired,
        None => RefreshDecision::Rotate,
        Some(rotated_at) if state.successor_is_current && now_ms - rotated_at <= millis(policy.grace) => {
            RefreshDecision::GraceReplay
        }
        Some(_) => RefreshDecision::Reuse,
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// A session that a refresh token (or a sign-in) proved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvenSession {
    pub user_id: String,
    pub family_id: String,
    pub family_expires_at_ms: i64,
    /// The refresh token to set as cookie; `None` when the browser already holds the right one.
    pub new_token: Option<String>,
}

/// Why a refresh token was not accepted. All become a 401 with a cleared cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RefreshRejection {
    /// No such token was ever issued.
    #[error("unknown refresh token")]
    Unknown,
    /// The family is revoked or expired, or the token idled out.
    #[error("the session has ended")]
    Ended,
    /// A rotated token was replayed; the family is now revoked.
    #[error("refresh token reuse detected; the session was revoked")]
    Reused,
}

/// The SQLite-backed store of refresh families.
#[derive(Clone)]
pub struct SessionStore {
    pool: SqlitePool,
    policy: RefreshPolicy,
}

/// 256 random bits, URL-safe.
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    family_id: String,
    user_id: String,
    issued_at_ms: i64,
    rotated_at_ms: Option<i64>,
    successor_rotated: Option<bool>,
    successor_hash: Option<String>,
    family_expires_at_ms: i64,
    revoked_at_ms: Option<i64>,
}

const TOKEN_QUERY: &str = "
    SELECT t.family_id, f.user_id, t.issued_at_ms, t.rotated_at_ms, t.successor_hash,
           (s.rotated_at_ms IS NOT NULL) AS successor_rotated,
           f.expires_at_ms AS family_expires_at_ms, f.revoked_at_ms
    FROM refresh_tokens t
    JOIN refresh_families f ON f.id = t.family_id
    LEFT JOIN refresh_tokens s ON s.hash = t.successor_hash
    WHERE t.hash = ?1";

impl TokenRow {
    fn state(&self) -> TokenState {
        TokenState {
            issued_at_ms: self.issued_at_ms,
            rotated_at_ms: self.rotated_at_ms,
            successor_is_current: self.successor_hash.is_some() && self.successor_rotated == Some(false),
            family_expires_at_ms: self.family_expires_at_ms,
            family_revoked: self.revoked_at_ms.is_some(),
        }
    }
}

impl SessionStore {
    pub fn new(pool: SqlitePool, policy: RefreshPolicy) -> Self {
        Self { pool, policy }
    }

    /// Starts a new family for `user_id` and returns its first token.
    pub async fn start(&self, user_id: &str, now_ms: i64) -> Result<ProvenSession, ApiError> {
        let family_id = uuid::Uuid::new_v4().to_string();
        let token = new_token();
        let expires_at_ms = now_ms.saturating_add(millis(self.policy.lifetime));
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("INSERT INTO refresh_families (id, user_id, created_at_ms, expires_at_ms) VALUES (?1, ?2, ?3, ?4)")
            .bind(&family_id)
            .bind(user_id)
            .bind(now_ms)
            .bind(expires_at_ms)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO refresh_tokens (hash, family_id, issued_at_ms) VALUES (?1, ?2, ?3)")
            .bind(token_hash(&token))
            .bind(&family_id)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(ProvenSession {
            user_id: user_id.to_owned(),
            family_id,
            family_expires_at_ms: expires_at_ms,
            new_token: Some(token),
        })
    }

    /// Rotates `presented`, applying the grace and reuse rules atomically.
    pub async fn refresh(
        &self,
        presented: &str,
        now_ms: i64,
    ) -> Result<Result<ProvenSession, RefreshRejection>, ApiError> {
        let hash = token_hash(presented);
        // IMMEDIATE takes the write lock first, so two concurrent refreshes of one token are serialized.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let Some(row) = sqlx::query_as::<_, TokenRow>(TOKEN_QUERY)
            .bind(&hash)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(Err(RefreshRejection::Unknown));
        };
        let session = |new_token| ProvenSession {
            user_id: row.user_id.clone(),
            family_id: row.family_id.clone(),
            family_expires_at_ms: row.family_expires_at_ms,
            new_token,
        };
        let outcome = match decide(&row.state(), now_ms, &self.policy) {
            RefreshDecision::Rotate => {
                let successor = new_token();
                let successor_hash = token_hash(&successor);
                sqlx::query("INSERT INTO refresh_tokens (hash, family_id, issued_at_ms) VALUES (?1, ?2, ?3)")
                    .bind(&successor_hash)
                    .bind(&row.family_id)
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE refresh_tokens SET rotated_at_ms = ?1, successor_hash = ?2 WHERE hash = ?3")
                    .bind(now_ms)
                    .bind(&successor_hash)
                    .bind(&hash)
                    .execute(&mut *tx)
                    .await?;
                Ok(session(Some(successor)))
            }
            RefreshDecision::GraceReplay => Ok(session(None)),
            RefreshDecision::Reuse => {
                revoke_family(&mut tx, &row.family_id, now_ms).await?;
                tracing::warn!(family = %row.family_id, "refresh token reuse detected; family revoked");
                Err(RefreshRejection::Reused)
            }
            RefreshDecision::Expired => Err(RefreshRejection::Ended),
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// The session behind `presented`, without rotating or revoking anything (bootstrap check).
    pub async fn peek(&self, presented: &str, now_ms: i64) -> Result<Option<ProvenSession>, ApiError> {
        let row = sqlx::query_as::<_, TokenRow>(TOKEN_QUERY)
            .bind(token_hash(presented))
            .fetch_optional(&self.pool)
            .await?;
        Ok(row
            .filter(|row| {
                matches!(
                    decide(&row.state(), now_ms, &self.policy),
                    RefreshDecision::Rotate | RefreshDecision::GraceReplay
                )
            })
            .map(|row| ProvenSession {
                user_id: row.user_id,
                family_id: row.family_id,
                family_expires_at_ms: row.family_expires_at_ms,
                new_token: None,
            }))
    }

    /// Revokes the family of `presented`, if it belongs to one. Idempotent.
    pub async fn revoke(&self, presented: &str, now_ms: i64) -> Result<(), ApiError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let family: Option<String> = sqlx::query_scalar("SELECT family_id FROM refresh_tokens WHERE hash = ?1")
            .bind(token_hash(presented))
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(family) = family {
            revoke_family(&mut tx, &family, now_ms).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

async fn revoke_family(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    family_id: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE refresh_families SET revoked_at_ms = ?1 WHERE id = ?2 AND revoked_at_ms IS NULL")
        .bind(now_ms)
        .bind(family_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RefreshPolicy = RefreshPolicy {
        lifetime: Duration::from_secs(12 * 3600),
        idle: Duration::from_secs(1800),
        grace: Duration::from_secs(10),
    };
    const T0: i64 = 1_000_000;

    fn current() -> TokenState {
        TokenState {
            issued_at_ms: T0,
            rotated_at_ms: None,
            successor_is_current: false,
            family_expires_at_ms: T0 + 12 * 3600 * 1000,
            family_revoked: false,
        }
    }

    fn previous(rotated_at_ms: i64) -> TokenState {
        TokenState {
            rotated_at_ms: Some(rotated_at_ms),
            successor_is_current: true,
            ..current()
        }
    }

    fn check(state: TokenState, now_ms: i64, expected: RefreshDecision) {
        assert_eq!(decide(&state, now_ms, &POLICY), expected, "state {state:?} at {now_ms}");
    }

    #[test]
    fn current_token_rotates_until_it_idles_out() {
        check(current(), T0 + 1, RefreshDecision::Rotate);
        check(current(), T0 + 1_800_000, RefreshDecision::Rotate);
        check(current(), T0 + 1_800_001, RefreshDecision::Expired);
    }

    #[test]
    fn previous_token_within_grace_continues_the_session() {
        check(previous(T0 + 5_000), T0 + 5_000, RefreshDecision::GraceReplay);
        check(previous(T0 + 5_000), T0 + 15_000, RefreshDecision::GraceReplay);
    }

    #[test]
    fn previous_token_after_grace_is_reuse() {
        check(previous(T0 + 5_000), T0 + 15_001, RefreshDecision::Reuse);
    }

    #[test]
    fn older_token_is_reuse_even_within_grace() {
        let two_back = TokenState {
            successor_is_current: false,
            ..previous(T0 + 5_000)
        };
        check(two_back, T0 + 5_001, RefreshDecision::Reuse);
    }

    #[test]
    fn revoked_or_expired_family_ends_every_token() {
        check(
            TokenState {
                family_revoked: true,
                ..current()
            },
            T0 + 1,
            RefreshDecision::Expired,
        );
        check(
            TokenState {
                family_revoked: true,
                ..previous(T0)
            },
            T0 + 1,
            RefreshDecision::Expired,
        );
        let family_end = current().family_expires_at_ms;
        let fresh = TokenState {
            issued_at_ms: family_end - 10,
            ..current()
        };
        check(fresh, family_end, RefreshDecision::Expired);
    }

    #[test]
    fn tokens_are_256_bit_and_only_hashes_are_compared() {
        let token = new_token();
        assert_eq!(URL_SAFE_NO_PAD.decode(&token).unwrap().len(), 32);
        assert_ne!(new_token(), token);
        assert_eq!(token_hash(&token).len(), 64);
        assert_ne!(token_hash(&token), token);
    }
}
