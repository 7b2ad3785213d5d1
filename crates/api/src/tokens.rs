//! Access tokens: Ed25519-signed JWTs (`typ: at+jwt`), their signing key, and the JWKS that publishes it.
//!
//! Verification pins `EdDSA`, requires every registered claim we issue, and checks `iss`, `aud`, `exp` and `nbf`
//! with a configured leeway. Tokens are never logged.

use std::path::Path;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, spki::der::pem::LineEnding};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The JOSE `typ` of access tokens (RFC 9068).
pub const ACCESS_TOKEN_TYPE: &str = "at+jwt";

/// Claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub exp: u64,
    pub nbf: u64,
    pub iat: u64,
    pub jti: String,
    pub tenant: String,
    pub roles: Vec<String>,
    pub permissions: Vec<String>,
}

impl AccessClaims {
    /// Whether the token grants `permission`.
    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions.iter().any(|granted| granted == permission)
    }

    /// Whether the token carries `role`.
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|granted| granted == role)
    }
}

/// Why a signing key could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key file does not exist and this is not dev mode, where it would be generated.
    #[error("the signing key file {0} does not exist; create one (PKCS#8 PEM, Ed25519) or start with --dev")]
    Missing(String),
    /// The key file could not be read or written.
    #[error("could not access the signing key file {path}: {reason}")]
    Io { path: String, reason: String },
    /// The key file is not a PKCS#8 PEM Ed25519 private key.
    #[error("the signing key file {0} is not a PKCS#8 PEM Ed25519 private key")]
    Invalid(String),
}

/// Why an access token was refused. Every variant becomes the same 401 for the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not a JWT at all, or its header is unreadable.
    #[error("the token is malformed")]
    Malformed,
    /// The header's `typ` is not `at+jwt`.
    #[error("the token is not an access token")]
    WrongType,
    /// The header names an algorithm other than EdDSA.
    #[error("the token uses a forbidden algorithm")]
    WrongAlgorithm,
    /// The signature does not verify with our key.
    #[error("the token signature is invalid")]
    BadSignature,
    /// `exp` is in the past, beyond the leeway.
    #[error("the token has expired")]
    Expired,
    /// `nbf` is in the future, beyond the leeway.
    #[error("the token is not valid yet")]
    NotYetValid,
    /// `iss` is not this server.
    #[error("the token was issued by someone else")]
    WrongIssuer,
    /// `aud` is not this API.
    #[error("the token is meant for another audience")]
    WrongAudience,
    /// A required claim is missing or has the wrong shape.
    #[error("the token claims are invalid")]
    InvalidClaims,
}

/// The Ed25519 key pair that signs access tokens.
pub struct SigningKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    public_key: [u8; 32],
    key_id: String,
}

impl SigningKeys {
    /// Reads the key from `path`; when it is missing and `generate` is set, creates one and saves it (mode 0600).
    pub fn load_or_generate(path: &Path, generate: bool) -> Result<Self, KeyError> {
        let shown = path.display().to_string();
        let io = |error: std::io::Error| KeyError::Io {
            path: shown.clone(),
            reason: error.to_string(),
        };
        match std::fs::read_to_string(path) {
            Ok(pem) => Self::from_pkcs8_pem(&pem).map_err(|_| KeyError::Invalid(shown.clone())),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound && generate => {
                let key = SigningKey::generate(&mut rand::rngs::OsRng);
                let pem = key
                    .to_pkcs8_pem(LineEnding::LF)
                    .map_err(|_| KeyError::Invalid(shown.clone()))?;
                if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(io)?;
                }
                write_private_file(path, pem.as_bytes()).map_err(io)?;
                tracing::info!("generated a new signing key at {shown}");
                Ok(Self::from_signing_key(&key))
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Err(KeyError::Missing(shown)),
            Err(error) => Err(io(error)),
        }
    }

    /// Parses a PKCS#8 PEM Ed25519 private key.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, KeyError> {
        let key = SigningKey::from_pkcs8_pem(pem).map_err(|_| KeyError::Invalid("(inline)".into()))?;
        Ok(Self::from_signing_key(&key))
    }

    /// Builds the key pair from an Ed25519 signing key.
    pub fn from_signing_key(key: &SigningKey) -> Self {
        let der = key.to_pkcs8_der().expect("an Ed25519 key always encodes as PKCS#8");
        let public_key = key.verifying_key().to_bytes();
        let key_id = URL_SAFE_NO_PAD.encode(&Sha256::digest(public_key)[..12]);
        Self {
            encoding: EncodingKey::from_ed_der(der.as_bytes()),
            decoding: DecodingKey::from_ed_der(&public_key),
            public_key,
            key_id,
        }
    }

    /// The raw 32-byte public key.
    pub fn public_key(&self) -> &[u8; 32] {
        &self.public_key
    }

    /// The JWK Set (RFC 7517) that publishes the public key.
    pub fn jwks(&self) -> serde_json::Value {
        serde_json::json!({
            "keys": [{
                "kty": "OKP",
                "crv": "Ed25519",
                "alg": "EdDSA",
                "use": "sig",
                "kid": self.key_id,
                "x": URL_SAFE_NO_PAD.encode(self.public_key),
            }]
        })
    }
}

#[cfg(unix)]
fn write_private_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// Issues and verifies access tokens with one key, issuer and audience.
pub struct TokenIssuer {
    keys: SigningKeys,
    issuer: String,
    audience: String,
    ttl: Duration,
    validation: Validation,
}

/// What a newly issued access token needs to know about its subject.
pub struct Subject<'a> {
    pub user_id: &'a str,
    pub tenant: &'a str,
    pub roles: &'a [String],
    pub permissions: &'a [String],
}

impl TokenIssuer {
    pub fn new(keys: SigningKeys, issuer: &str, audience: &str, ttl: Duration, leeway: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.validate_aud = true;
        validation.leeway = leeway.as_secs();
        Self {
            keys,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            ttl,
            validation,
        }
    }

    /// The signing keys, for publishing the JWKS.
    pub fn keys(&self) -> &SigningKeys {
        &self.keys
    }

    /// Signs a token for `subject`, valid from `now` (Unix seconds). Returns the token and its `exp`.
    pub fn issue(&self, subject: &Subject<'_>, now: u64) -> (String, u64) {
        let expires_at = now + self.ttl.as_secs();
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: subject.user_id.to_owned(),
            exp: expires_at,
            nbf: now,
            iat: now,
            jti: uuid::Uuid::new_v4().to_string(),
            tenant: subject.tenant.to_owned(),
            roles: subject.roles.to_vec(),
            permissions: subject.permissions.to_vec(),
        };
        (self.sign(&claims), expires_at)
    }

    /// Signs arbitrary claims with the real key and header; tests use it to build expired or foreign tokens.
    pub fn sign(&self, claims: &AccessClaims) -> String {
        let mut header = Header::new(Algorithm::EdDSA);
        header.typ = Some(ACCESS_TOKEN_TYPE.to_owned());
        header.kid = Some(self.keys.key_id.clone());
        jsonwebtoken::encode(&header, claims, &self.keys.encoding).expect("Ed25519 signing does not fail")
    }

    /// Verifies a token and returns its claims, or why it is refused.
    pub fn verify(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|error| match error.kind() {
            ErrorKind::InvalidAlgorithmName => TokenError::WrongAlgorithm,
            _ => TokenError::Malformed,
        })?;
        if header.alg != Algorithm::EdDSA {
            return Err(TokenError::WrongAlgorithm);
        }
        if header.typ.as_deref().map(str::to_ascii_lowercase).as_deref() != Some(ACCESS_TOKEN_TYPE) {
            return Err(TokenError::WrongType);
        }
        jsonwebtoken::decode::<AccessClaims>(token, &self.keys.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|error| match error.kind() {
                ErrorKind::InvalidSignature => TokenError::BadSignature,
                ErrorKind::ExpiredSignature => TokenError::Expired,
                ErrorKind::ImmatureSignature => TokenError::NotYetValid,
                ErrorKind::InvalidIssuer => TokenError::WrongIssuer,
                ErrorKind::InvalidAudience => TokenError::WrongAudience,
                ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => TokenError::WrongAlgorithm,
                ErrorKind::InvalidToken | ErrorKind::Base64(_) | ErrorKind::Utf8(_) => TokenError::Malformed,
                _ => TokenError::InvalidClaims,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_900_000_000;

    fn issuer() -> TokenIssuer {
        let key = SigningKey::from_bytes(&[7; 32]);
        TokenIssuer::new(
            SigningKeys::from_signing_key(&key),
            "portico-api",
            "portico",
            Duration::from_secs(300),
            Duration::from_secs(30),
        )
    }

    fn claims() -> AccessClaims {
        let now = jsonwebtoken::get_current_timestamp();
        AccessClaims {
            iss: "portico-api".into(),
            aud: "portico".into(),
            sub: "user-1".into(),
            exp: now + 300,
            nbf: now,
            iat: now,
            jti: "jti-1".into(),
            tenant: "acme".into(),
            roles: vec!["customer".into()],
            permissions: vec!["orders:read".into()],
        }
    }

    fn check(edit: impl FnOnce(&mut AccessClaims), expected: Result<(), TokenError>) {
        let issuer = issuer();
        let mut claims = claims();
        edit(&mut claims);
        let token = issuer.sign(&claims);
        assert_eq!(issuer.verify(&token).map(|_| ()), expected, "claims: {claims:?}");
    }

    #[test]
    fn issued_token_verifies_with_its_claims() {
        let issuer = issuer();
        let roles = vec!["admin".to_owned()];
        let permissions = vec!["users:read".to_owned()];
        let subject = Subject {
            user_id: "u",
            tenant: "acme",
            roles: &roles,
            permissions: &permissions,
        };
        let now = jsonwebtoken::get_current_timestamp();
        let (token, expires_at) = issuer.issue(&subject, now);
        assert_eq!(expires_at, now + 300);
        let claims = issuer.verify(&token).unwrap();
        assert_eq!((claims.sub.as_str(), claims.tenant.as_str()), ("u", "acme"));
        assert!(claims.has_role("admin") && claims.has_permission("users:read"));
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.typ.as_deref(), Some("at+jwt"));
    }

    #[test]
    fn expiry_and_not_before_respect_the_leeway() {
        check(|c| c.exp -= 320, Ok(()));
        check(|c| c.exp -= 340, Err(TokenError::Expired));
        check(|c| c.nbf += 20, Ok(()));
        check(|c| c.nbf += 60, Err(TokenError::NotYetValid));
    }

    #[test]
    fn foreign_issuer_and_audience_are_refused() {
        check(|c| c.iss = "someone-else".into(), Err(TokenError::WrongIssuer));
        check(|c| c.aud = "another-api".into(), Err(TokenError::WrongAudience));
    }

    #[test]
    fn token_signed_by_another_key_is_refused() {
        let other = TokenIssuer::new(
            SigningKeys::from_signing_key(&SigningKey::from_bytes(&[9; 32])),
            "portico-api",
            "portico",
            Duration::from_secs(300),
            Duration::from_secs(30),
        );
        assert_eq!(issuer().verify(&other.sign(&claims())), Err(TokenError::BadSignature));
    }

    #[test]
    fn unsigned_and_symmetric_tokens_are_refused() {
        let issuer = issuer();
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims()).unwrap());
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"at+jwt"}"#);
        assert!(issuer.verify(&format!("{none_header}.{payload}.")).is_err());

        let mut header = Header::new(Algorithm::HS256);
        header.typ = Some(ACCESS_TOKEN_TYPE.into());
        let hs256 = jsonwebtoken::encode(
            &header,
            &claims(),
            &EncodingKey::from_secret(issuer.keys().public_key()),
        )
        .unwrap();
        assert_eq!(issuer.verify(&hs256), Err(TokenError::WrongAlgorithm));
    }

    #[test]
    fn tampered_payload_is_refused() {
        let issuer = issuer();
        let token = issuer.sign(&claims());
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let mut forged = claims();
        forged.roles = vec!["admin".into()];
        parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
        assert_eq!(issuer.verify(&parts.join(".")), Err(TokenError::BadSignature));
    }

    #[test]
    fn id_token_type_is_refused() {
        let issuer = issuer();
        let mut header = Header::new(Algorithm::EdDSA);
        header.typ = Some("JWT".into());
        let token = jsonwebtoken::encode(&header, &claims(), &issuer.keys.encoding).unwrap();
        assert_eq!(issuer.verify(&token), Err(TokenError::WrongType));
    }

    #[test]
    fn missing_claims_are_refused() {
        let issuer = issuer();
        let mut header = Header::new(Algorithm::EdDSA);
        header.typ = Some(ACCESS_TOKEN_TYPE.into());
        let token = jsonwebtoken::encode(
            &header,
            &serde_json::json!({"iss": "portico-api", "aud": "portico", "sub": "x", "exp": NOW * 2}),
            &issuer.keys.encoding,
        )
        .unwrap();
        assert!(issuer.verify(&token).is_err());
    }

    #[test]
    fn key_survives_a_pem_round_trip_and_is_generated_only_when_asked() {
        let dir = tempfile_dir();
        let path = dir.join("key.pem");
        assert!(matches!(
            SigningKeys::load_or_generate(&path, false),
            Err(KeyError::Missing(_))
        ));
        let generated = SigningKeys::load_or_generate(&path, true).unwrap();
        let loaded = SigningKeys::load_or_generate(&path, false).unwrap();
        assert_eq!(generated.public_key(), loaded.public_key());
        std::fs::write(&path, "not a key").unwrap();
        assert!(matches!(
            SigningKeys::load_or_generate(&path, true),
            Err(KeyError::Invalid(_))
        ));
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("portico-key-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
