//! Precompression and size measurement: brotli (quality 11) and gzip siblings for every servable text or wasm
//! file, so the API server's `--static-dir` serves the bytes a CDN would.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Extensions worth compressing.
const COMPRESSIBLE: &[&str] = &["js", "wasm", "css", "html", "json", "svg"];

/// The brotli size of `bytes` at quality 11, window 24 (what `brotli -q 11` does).
pub fn brotli_size(bytes: &[u8]) -> usize {
    brotli_bytes(bytes).len()
}

fn brotli_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut output = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut output, 64 * 1024, 11, 24);
        writer.write_all(bytes).expect("writing to memory cannot fail");
    }
    output
}

fn gzip_bytes(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

/// Writes `.br` and `.gz` next to one file.
pub fn precompress_file(path: &Path) -> Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    std::fs::write(sibling(path, "br"), brotli_bytes(&bytes))?;
    std::fs::write(sibling(path, "gz"), gzip_bytes(&bytes)?)?;
    Ok(())
}

/// Writes `.br` and `.gz` next to every compressible file under `dir`, and removes siblings whose source is
/// gone. Files whose siblings are newer are skipped.
pub fn precompress(dir: &Path) -> Result<()> {
    for path in files_under(dir)? {
        let extension = path
            .extension()
            .and_then(|extension| extension.to_str())
            .unwrap_or_default();
        if extension == "br" || extension == "gz" {
            let source = path.with_extension("");
            if !source.exists() {
                std::fs::remove_file(&path).with_context(|| format!("removing stale {}", path.display()))?;
            }
            continue;
        }
        if !COMPRESSIBLE.contains(&extension) {
            continue;
        }
        let brotli_path = sibling(&path, "br");
        let gzip_path = sibling(&path, "gz");
        if is_newer(&brotli_path, &path) && is_newer(&gzip_path, &path) {
            continue;
        }
        precompress_file(&path)?;
    }
    Ok(())
}

fn sibling(path: &Path, extension: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(extension);
    PathBuf::from(name)
}

fn is_newer(candidate: &Path, than: &Path) -> bool {
    let modified = |path: &Path| std::fs::metadata(path).and_then(|metadata| metadata.modified()).ok();
    matches!((modified(candidate), modified(than)), (Some(a), Some(b)) if a >= b)
}

/// Every regular file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).with_context(|| format!("reading {}", current.display()))? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                pending.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siblings_are_written_and_stale_ones_removed() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("app-0123456789abcdef.js");
        std::fs::write(&script, "console.log('hello');".repeat(100)).unwrap();
        std::fs::write(dir.path().join("gone.js.br"), b"stale").unwrap();
        std::fs::write(dir.path().join("photo.png"), b"png").unwrap();
        precompress(dir.path()).unwrap();
        let brotli = std::fs::read(sibling(&script, "br")).unwrap();
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut brotli.as_slice(), &mut decoded).unwrap();
        assert_eq!(decoded, std::fs::read(&script).unwrap());
        assert!(brotli.len() < 100, "repetitive text compresses well: {}", brotli.len());
        assert!(sibling(&script, "gz").exists());
        assert!(!dir.path().join("gone.js.br").exists(), "stale sibling removed");
        assert!(!dir.path().join("photo.png.br").exists(), "images are not compressed");
    }
}
