//! The token cache: a Keystone token with its catalog and expiry, and the compute version
//! documents fetched with it, kept on disk per identity so that the next `nova` run sends one
//! request instead of three.
//!
//! One JSON file per identity (a SHA-256 of the auth URL and the auth request without its
//! secrets) in a directory only the owner can read (0700, files 0600), written to a temporary
//! file and renamed, so a reader sees a whole file or none and concurrent runs never corrupt
//! one. The password or application-credential secret is never written; the token is.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A token is not used from the cache when it expires within this many seconds.
pub const MARGIN_SECS: i64 = 120;

/// What one cache file holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    pub token: String,
    /// Keystone's `expires_at` (RFC 3339).
    pub expires_at: String,
    pub user_id: Option<String>,
    pub project_id: Option<String>,
    /// The token's service catalog, as Keystone sent it.
    pub catalog: Value,
    /// Compute version documents by endpoint URL.
    #[serde(default)]
    pub discovery: BTreeMap<String, Value>,
}

impl Entry {
    /// Seconds until the token expires (negative: expired; None: unreadable expiry).
    pub fn seconds_left(&self) -> Option<i64> {
        let at = chrono::DateTime::parse_from_rfc3339(&self.expires_at).ok()?;
        Some((at.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds())
    }

    /// Whether the token may still be used: it expires more than [`MARGIN_SECS`] from now.
    pub fn fresh(&self) -> bool {
        self.seconds_left().is_some_and(|s| s > MARGIN_SECS)
    }
}

/// A cache directory.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenCache {
    dir: PathBuf,
}

impl TokenCache {
    /// `$XDG_CACHE_HOME/novagen`, else `$HOME/.cache/novagen`.
    pub fn default_dir() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
        Some(base.join("novagen"))
    }

    pub fn new(dir: impl Into<PathBuf>) -> TokenCache {
        TokenCache { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of one identity. `identity` is the auth URL and the auth request body; the
    /// caller leaves the secrets out of it.
    pub fn key(identity: &Value) -> String {
        let digest = Sha256::digest(identity.to_string().as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    /// The entry of `key`, if there is a readable one (fresh or not: the caller decides).
    pub fn load(&self, key: &str) -> Option<Entry> {
        let text = std::fs::read(self.path(key)).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Write `entry` for `key`: directory 0700, file 0600, atomically.
    pub fn store(&self, key: &str, entry: &Entry) -> std::io::Result<()> {
        create_private_dir(&self.dir)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempfile_in(&self.dir)?;
        // tempfile creates the file 0600 on Unix; say so rather than rely on it.
        set_mode(tmp.path(), 0o600)?;
        serde_json::to_writer(&mut tmp, entry)?;
        tmp.flush()?;
        tmp.persist(self.path(key)).map_err(|e| e.error)?;
        Ok(())
    }

    /// Forget one identity's token (after the cloud refused it).
    pub fn remove(&self, key: &str) {
        let _ = std::fs::remove_file(self.path(key));
    }

    /// Remove every cached token; returns how many files were removed.
    pub fn clear(&self) -> std::io::Result<usize> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e),
        };
        let mut n = 0;
        for e in entries {
            let path = e?.path();
            if path.extension().is_some_and(|x| x == "json") {
                std::fs::remove_file(&path)?;
                n += 1;
            }
        }
        Ok(n)
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    set_mode(dir, 0o700)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(expires_at: &str) -> Entry {
        Entry {
            token: "t".into(),
            expires_at: expires_at.into(),
            user_id: None,
            project_id: None,
            catalog: json!([]),
            discovery: BTreeMap::new(),
        }
    }

    #[test]
    fn freshness_keeps_a_margin() {
        let at = |secs: i64| {
            (chrono::Utc::now() + chrono::Duration::seconds(secs))
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
        };
        assert!(entry(&at(3600)).fresh());
        assert!(!entry(&at(MARGIN_SECS - 5)).fresh());
        assert!(!entry(&at(-10)).fresh());
        assert!(!entry("not a date").fresh());
    }

    #[test]
    fn keys_differ_by_identity() {
        let a = TokenCache::key(&json!({"url": "http://a", "user": "x"}));
        let b = TokenCache::key(&json!({"url": "http://a", "user": "y"}));
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(a, TokenCache::key(&json!({"url": "http://a", "user": "x"})));
    }
}
