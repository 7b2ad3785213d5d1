//! Build-time compression dictionary variants (RFC 9842 `dcz`): next to each content-hashed `.js` and `.wasm` file
//! of the served tree, that file compressed with Zstandard against each other file of its kind as a raw prefix
//! dictionary — the shell's files, every remote's, and the last few versions `build-remote` keeps — named
//! `<file>.<sha-256 of the dictionary, hex>.dcz` (the API's [`api::compression_dictionary::variant_path`]).
//!
//! A variant is kept only when it is smaller than the file's brotli sibling, and every written variant is decoded
//! again with its dictionary and compared with the original before the build succeeds.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result, bail, ensure};
use sha2::{Digest, Sha256};

use crate::compress;

/// The `dcz` stream header: a Zstandard skippable frame (magic `0x184D2A5E`, 32 bytes long) holding the
/// dictionary's SHA-256.
const DCZ_MAGIC: [u8; 8] = [0x5e, 0x2a, 0x4d, 0x18, 0x20, 0x00, 0x00, 0x00];
/// How many versions of each remote's JS and wasm take part, newest first: the current one and the releases before
/// it that pages may still hold.
const KEPT_VERSIONS: usize = 3;
/// Zstandard's strongest regular level: variants are built once and served many times.
const LEVEL: i32 = 19;

/// What [`write_variants`] wrote.
#[derive(Debug, Default)]
pub struct Written {
    pub variants: usize,
    /// Pairs whose variant was not smaller than brotli, so none was kept.
    pub skipped: usize,
}

/// Writes the `dcz` variants of every hashed `.js` and `.wasm` file under `dist` whose path starts with `targets`
/// (the whole tree for a full build, one remote's directory for `build-remote`), against every other such file of
/// the same kind under `dist`. Stale variants of those targets go first.
pub fn write_variants(dist: &Path, targets: &Path) -> Result<Written> {
    // Each file is read once: every one is a dictionary for the others.
    let files = dictionary_files(dist)?
        .into_iter()
        .map(|path| {
            Ok((
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?,
                path,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut written = Written::default();
    for stale in compress::files_under(targets)?
        .into_iter()
        .filter(|path| path.extension().is_some_and(|extension| extension == "dcz"))
    {
        std::fs::remove_file(&stale).with_context(|| format!("removing {}", stale.display()))?;
    }
    for (original, target) in files.iter().filter(|(_, file)| file.starts_with(targets)) {
        let brotli = brotli_size_of(target, original)?;
        let dictionaries = files
            .iter()
            .filter(|(_, file)| file != target && same_kind(file, target));
        for (dictionary_bytes, _) in dictionaries {
            let variant = encode(original, dictionary_bytes)?;
            if variant.len() >= brotli {
                written.skipped += 1;
                continue;
            }
            let hash: [u8; 32] = Sha256::digest(dictionary_bytes).into();
            let path = api::compression_dictionary::variant_path(target, &hash);
            std::fs::write(&path, &variant).with_context(|| format!("writing {}", path.display()))?;
            ensure!(
                decode(&variant, dictionary_bytes)? == *original,
                "{} does not decode back to its file",
                path.display()
            );
            written.variants += 1;
        }
    }
    Ok(written)
}

/// [`write_variants`], then says what it wrote.
pub fn report(dist: &Path, targets: &Path) -> Result<()> {
    let written = write_variants(dist, targets)?;
    println!(
        "wrote {} compression dictionary variants ({} more were not smaller than brotli)",
        written.variants, written.skipped
    );
    Ok(())
}

/// `content` as a `dcz` stream against `dictionary`.
pub fn encode(content: &[u8], dictionary: &[u8]) -> Result<Vec<u8>> {
    let mut context = zstd::zstd_safe::CCtx::create();
    let zstd_error = |code| anyhow::anyhow!("zstd: {}", zstd::zstd_safe::get_error_name(code));
    context
        .set_parameter(zstd::zstd_safe::CParameter::CompressionLevel(LEVEL))
        .map_err(zstd_error)?;
    context
        .set_parameter(zstd::zstd_safe::CParameter::ContentSizeFlag(true))
        .map_err(zstd_error)?;
    context.ref_prefix(dictionary).map_err(zstd_error)?;
    let mut frame = Vec::with_capacity(zstd::zstd_safe::compress_bound(content.len()));
    context.compress2(&mut frame, content).map_err(zstd_error)?;
    let mut stream = Vec::with_capacity(40 + frame.len());
    stream.extend_from_slice(&DCZ_MAGIC);
    stream.extend_from_slice(&Sha256::digest(dictionary));
    stream.extend_from_slice(&frame);
    Ok(stream)
}

/// The content of a `dcz` stream made against `dictionary`; refuses a stream for another dictionary.
pub fn decode(stream: &[u8], dictionary: &[u8]) -> Result<Vec<u8>> {
    if stream.len() < 40 || stream[..8] != DCZ_MAGIC {
        bail!("not a dcz stream");
    }
    ensure!(
        stream[8..40] == Sha256::digest(dictionary)[..],
        "the stream names another dictionary"
    );
    let frame = &stream[40..];
    let zstd_error = |code| anyhow::anyhow!("zstd: {}", zstd::zstd_safe::get_error_name(code));
    let size = zstd::zstd_safe::get_frame_content_size(frame)
        .ok()
        .flatten()
        .context("the frame does not state its size")?;
    let mut context = zstd::zstd_safe::DCtx::create();
    context.ref_prefix(dictionary).map_err(zstd_error)?;
    let mut content = Vec::with_capacity(usize::try_from(size)?);
    context.decompress(&mut content, frame).map_err(zstd_error)?;
    Ok(content)
}

/// The content-hashed `.js` and `.wasm` files under `dist` that take part: every file outside `remotes/` (the
/// shell's), and in each remote's directory [`KEPT_VERSIONS`] of each kind: the one its manifest names, then the
/// newest by modification time, so the pairs stay bounded however many releases `build-remote` keeps.
fn dictionary_files(dist: &Path) -> Result<Vec<PathBuf>> {
    let mut by_directory: BTreeMap<(PathBuf, OsString), Vec<(SystemTime, PathBuf)>> = BTreeMap::new();
    let mut files = Vec::new();
    for path in compress::files_under(dist)? {
        let relative = format!("/{}", path.strip_prefix(dist).unwrap_or(&path).to_string_lossy());
        if api::compression_dictionary::use_as_dictionary(&relative).is_none() {
            continue;
        }
        if !relative.starts_with("/remotes/") {
            files.push(path);
            continue;
        }
        let key = (
            path.parent().unwrap_or(dist).to_owned(),
            path.extension().unwrap_or_default().to_owned(),
        );
        let modified = std::fs::metadata(&path)?.modified()?;
        by_directory.entry(key).or_default().push((modified, path));
    }
    for ((directory, _), mut versions) in by_directory {
        // The version the remote's manifest names first, however the files' times came out (a copied tree).
        let current = current_entries(&directory);
        versions.sort_by(|a, b| {
            (!current.contains(&a.1), std::cmp::Reverse(a.0), &a.1).cmp(&(
                !current.contains(&b.1),
                std::cmp::Reverse(b.0),
                &b.1,
            ))
        });
        files.extend(versions.into_iter().take(KEPT_VERSIONS).map(|(_, path)| path));
    }
    Ok(files)
}

/// The JS entry and wasm module the `remote.json` in `directory` names (none when it has no readable manifest).
fn current_entries(directory: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(directory.join("remote.json")) else {
        return Vec::new();
    };
    let Ok(manifest) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    ["entry_js", "entry_wasm"]
        .iter()
        .filter_map(|field| manifest[field].as_str().map(|name| directory.join(name)))
        .collect()
}

fn same_kind(a: &Path, b: &Path) -> bool {
    a.extension() == b.extension()
}

/// The size of `file`'s brotli sibling, or of `content` compressed now when it has none.
fn brotli_size_of(file: &Path, content: &[u8]) -> Result<usize> {
    let mut sibling = file.as_os_str().to_owned();
    sibling.push(".br");
    match std::fs::metadata(PathBuf::from(sibling)) {
        Ok(metadata) => Ok(usize::try_from(metadata.len())?),
        Err(_) => Ok(compress::brotli_size(content)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two "versions" of a module sharing most of their bytes, as two builds of a remote do.
    fn versions() -> (Vec<u8>, Vec<u8>) {
        let common: Vec<u8> = (0..40_000_u32)
            .flat_map(|n| n.wrapping_mul(2_654_435_761).to_le_bytes())
            .collect();
        let mut old = common.clone();
        old.extend_from_slice(b"old heading");
        let mut new = common;
        new.extend_from_slice(b"new heading, and a little more");
        (old, new)
    }

    #[test]
    fn a_variant_decodes_with_its_dictionary_and_is_refused_with_another() {
        let (old, new) = versions();
        let stream = encode(&new, &old).unwrap();
        assert_eq!(stream[..8], DCZ_MAGIC);
        assert_eq!(stream[8..40], Sha256::digest(&old)[..]);
        assert!(
            stream.len() < new.len() / 10,
            "{} bytes for {}",
            stream.len(),
            new.len()
        );
        assert_eq!(decode(&stream, &old).unwrap(), new);
        assert!(decode(&stream, &new).is_err());
    }

    #[test]
    fn only_the_newest_versions_of_a_remote_take_part() {
        let dist = tempfile::tempdir().unwrap();
        let remote = dist.path().join("remotes/orders");
        std::fs::create_dir_all(&remote).unwrap();
        let (old, new) = versions();
        let start = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        for release in 0..5_u64 {
            let path = remote.join(format!("remote_orders_bg-000000000000000{release}.wasm"));
            std::fs::write(&path, if release % 2 == 0 { &old } else { &new }).unwrap();
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(start + std::time::Duration::from_secs(release))
                .unwrap();
        }
        std::fs::write(dist.path().join("shell-0123456789abcdef_bg.wasm"), &old).unwrap();
        // The manifest names release 0 as current (say, after a rollback): it takes part whatever its time.
        std::fs::write(
            remote.join("remote.json"),
            r#"{"entry_js": "remote_orders-0000000000000000.js", "entry_wasm": "remote_orders_bg-0000000000000000.wasm"}"#,
        )
        .unwrap();
        let mut names: Vec<String> = dictionary_files(dist.path())
            .unwrap()
            .iter()
            .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "remote_orders_bg-0000000000000000.wasm",
                "remote_orders_bg-0000000000000003.wasm",
                "remote_orders_bg-0000000000000004.wasm",
                "shell-0123456789abcdef_bg.wasm",
            ]
        );
    }

    #[test]
    fn a_build_writes_variants_next_to_hashed_files_only_when_smaller_than_brotli() {
        let dist = tempfile::tempdir().unwrap();
        let (old, new) = versions();
        let remote = dist.path().join("remotes/orders");
        std::fs::create_dir_all(&remote).unwrap();
        let old_path = remote.join("remote_orders_bg-0000000000000001.wasm");
        let new_path = remote.join("remote_orders_bg-0000000000000002.wasm");
        std::fs::write(&old_path, &old).unwrap();
        std::fs::write(&new_path, &new).unwrap();
        std::fs::write(dist.path().join("index.html"), b"<html></html>").unwrap();
        std::fs::write(dist.path().join("portico-frame.js"), b"// not hashed").unwrap();
        let written = write_variants(dist.path(), dist.path()).unwrap();
        assert_eq!(written.variants, 2, "{written:?}");
        let hash: [u8; 32] = Sha256::digest(&old).into();
        let variant = api::compression_dictionary::variant_path(&new_path, &hash);
        assert_eq!(decode(&std::fs::read(&variant).unwrap(), &old).unwrap(), new);
        let unhashed = compress::files_under(dist.path())
            .unwrap()
            .into_iter()
            .filter(|path| path.to_string_lossy().contains("portico-frame.js."))
            .count();
        assert_eq!(unhashed, 0, "an unhashed file gets no variant");
        // Rewriting replaces the variants, it does not pile them up.
        write_variants(dist.path(), dist.path()).unwrap();
        let variants = compress::files_under(dist.path())
            .unwrap()
            .into_iter()
            .filter(|path| path.extension().is_some_and(|extension| extension == "dcz"))
            .count();
        assert_eq!(variants, 2);
    }
}
