//! Compression Dictionary Transport (RFC 9842) for the static files: a content-hashed `.js` or `.wasm` file is
//! offered to the browser as a dictionary for the next file of its kind, and a request that names a dictionary the
//! build precomputed a `dcz` variant for gets that variant.
//!
//! Variants sit next to their file as `<file>.<sha-256 of the dictionary, hex>.dcz` and are written by
//! `cargo xtask build`; they already carry the `dcz` stream header (the magic, and the dictionary's hash). The
//! server never compresses and never guesses: a hash it has no file for, a malformed `Available-Dictionary`, or a
//! client that does not accept `dcz` gets the brotli, gzip or identity answer as before.

use std::path::{Path, PathBuf};

use axum::http::HeaderMap;
use base64::Engine;

/// The content coding of a dictionary-compressed Zstandard stream.
pub const DCZ: &str = "dcz";

/// What a dictionary response says about the requests it may serve (RFC 9842 `match`). The browser offers one
/// dictionary per request, the one whose pattern is longest (the most recent on a tie), so the patterns rank:
///
/// - a remote's file matches its own directory, `/remotes/<name>/*.wasm`: it serves its own next version, which
///   shares nearly everything with it (a changed sentence: 2.7 KB instead of 59.7 KB of brotli);
/// - the sign-in remote's file (every visitor loads it first) matches every remote, `/remotes/*.wasm`: it serves
///   each other remote's first load, as the most similar module a browser is sure to hold;
/// - the shell's file matches everything, `/*.wasm`: it serves the sign-in remote's first load and the shell's own
///   next version.
///
/// Likewise for `.js`; the two kinds never mix. Files that are not content-hashed are not dictionaries.
pub fn use_as_dictionary(path: &str) -> Option<String> {
    if !crate::static_files::is_content_hashed(path) {
        return None;
    }
    let kind = [".wasm", ".js"].into_iter().find(|kind| path.ends_with(kind))?;
    let pattern = match remote_of(path) {
        None if path.starts_with("/remotes/") => return None,
        None => format!("/*{kind}"),
        Some(shared_types::SIGN_IN_REMOTE) => format!("/remotes/*{kind}"),
        Some(remote) => format!("/remotes/{remote}/*{kind}"),
    };
    Some(format!(r#"match="{pattern}""#))
}

/// The remote a file directly under `/remotes/<name>/` belongs to, if `<name>` is a valid remote name.
fn remote_of(path: &str) -> Option<&str> {
    let (remote, file) = path.strip_prefix("/remotes/")?.split_once('/')?;
    (shared_types::manifest::is_valid_remote_name(remote) && !file.contains('/')).then_some(remote)
}

/// The SHA-256 an `Available-Dictionary` header names (an RFC 8941 byte sequence, `:<base64>:`), or `None` when
/// the header is absent or malformed.
pub fn available_dictionary(headers: &HeaderMap) -> Option<[u8; 32]> {
    let value = headers.get("available-dictionary")?.to_str().ok()?.trim();
    let encoded = value.strip_prefix(':')?.strip_suffix(':')?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).ok()?;
    bytes.try_into().ok()
}

/// Whether `Accept-Encoding` lists `coding` with a non-zero quality.
pub fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(axum::http::header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|entry| {
            let mut parts = entry.split(';').map(str::trim);
            let named = parts.next().is_some_and(|name| name.eq_ignore_ascii_case(coding));
            let refused = parts.any(|parameter| {
                parameter
                    .strip_prefix("q=")
                    .and_then(|quality| quality.parse::<f32>().ok())
                    .is_some_and(|quality| quality == 0.0)
            });
            named && !refused
        })
}

/// The `dcz` variant of `file` against the dictionary whose SHA-256 is `hash`.
pub fn variant_path(file: &Path, hash: &[u8; 32]) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(format!(".{}.{DCZ}", hex(hash)));
    PathBuf::from(name)
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn an_available_dictionary_is_a_32_byte_sf_binary() {
        let hash = [7_u8; 32];
        let encoded = format!(":{}:", base64::engine::general_purpose::STANDARD.encode(hash));
        let mut map = HeaderMap::new();
        map.insert("available-dictionary", HeaderValue::from_str(&encoded).unwrap());
        assert_eq!(available_dictionary(&map), Some(hash));
        for malformed in [":abc:", "AAAA", "::", ":!!!:", ":AAAA:"] {
            let mut map = HeaderMap::new();
            map.insert("available-dictionary", HeaderValue::from_static(malformed));
            assert_eq!(available_dictionary(&map), None, "{malformed}");
        }
        assert_eq!(available_dictionary(&HeaderMap::new()), None);
    }

    #[test]
    fn accept_encoding_lists_dcz_unless_its_quality_is_zero() {
        assert!(accepts(
            &headers(&[("accept-encoding", "gzip, deflate, br, zstd, dcb, dcz")]),
            DCZ
        ));
        assert!(accepts(&headers(&[("accept-encoding", "br;q=1.0, DCZ;q=0.5")]), DCZ));
        assert!(!accepts(&headers(&[("accept-encoding", "br, dcz;q=0")]), DCZ));
        assert!(!accepts(&headers(&[("accept-encoding", "gzip, br")]), DCZ));
        assert!(!accepts(&HeaderMap::new(), DCZ));
    }

    #[test]
    fn only_hashed_scripts_and_modules_are_dictionaries_ranked_by_reach() {
        let pattern = |path| use_as_dictionary(path);
        assert_eq!(
            pattern("/shell-0123456789abcdef_bg.wasm").as_deref(),
            Some(r#"match="/*.wasm""#)
        );
        assert_eq!(
            pattern("/remotes/auth/remote_auth_bg-0123456789abcdef.wasm").as_deref(),
            Some(r#"match="/remotes/*.wasm""#)
        );
        assert_eq!(
            pattern("/remotes/orders/remote_orders-0123456789abcdef.js").as_deref(),
            Some(r#"match="/remotes/orders/*.js""#)
        );
        assert_eq!(pattern("/remotes/Or\"ders/remote_orders-0123456789abcdef.js"), None);
        assert_eq!(
            pattern("/remotes/orders/deeper/remote_orders-0123456789abcdef.js"),
            None
        );
        assert_eq!(use_as_dictionary("/portico-frame.js"), None);
        assert_eq!(use_as_dictionary("/index.html"), None);
        assert_eq!(use_as_dictionary("/style-0123456789abcdef.css"), None);
    }

    #[test]
    fn a_variant_sits_next_to_its_file() {
        let path = variant_path(Path::new("/site/a-0123456789abcdef.wasm"), &[0xab; 32]);
        assert_eq!(
            path,
            PathBuf::from(format!("/site/a-0123456789abcdef.wasm.{}.dcz", "ab".repeat(32)))
        );
    }
}
