//! The token cache: a Keystone token with its catalog and expiry, and the compute version
//! documents fetched with it, kept on disk per identity so that the next `nova` run sends one
//! request instead of three.
//!
//! One JSON file per identity in a directory only the owner can read (0700, files 0600),
//! written to a temporary file and renamed, so a reader sees a whole file or none and
//! concurrent runs never corrupt one. The password or application-credential secret is never
//! written; the token is.
//!
//! The cache is trusted only when nobody else can have written it, as ssh trusts `~/.ssh`:
//! the directory is opened without following a symbolic link and refused unless it is a
//! directory owned by this user and writable by no one else; every file in it is then opened
//! relative to that directory (no path is looked up twice), without following a link and
//! without blocking (a FIFO), and used only when it is a regular file owned by this user,
//! writable by no one else and at most [`MAX_FILE`] bytes, read with that bound.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A token is not used from the cache when it expires within this many seconds.
pub const MARGIN_SECS: i64 = 120;

/// The largest cache file read (a token with a big catalog is a few tens of KiB).
pub const MAX_FILE: u64 = 1 << 20;

/// The file holding the key of the file names' digests (see [`CacheDir::key`]).
const KEY_FILE: &str = ".key";
/// The prefix of a file being written.
const TMP_PREFIX: &str = ".tmp-";

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

/// A cache directory, by path (nothing is opened until [`TokenCache::open`]).
#[derive(Debug, Clone, PartialEq)]
pub struct TokenCache {
    dir: PathBuf,
}

impl TokenCache {
    /// `$XDG_CACHE_HOME/novagen`, else `$HOME/.cache/novagen`. A relative `XDG_CACHE_HOME` is
    /// ignored, as the XDG base directory specification says (it would put tokens in whatever
    /// the current directory is); so is a relative `HOME`.
    pub fn default_dir() -> Option<PathBuf> {
        let absolute = |v: std::ffi::OsString| Some(PathBuf::from(v)).filter(|p| p.is_absolute());
        let base = std::env::var_os("XDG_CACHE_HOME")
            .and_then(absolute)
            .or_else(|| {
                std::env::var_os("HOME")
                    .and_then(absolute)
                    .map(|h| h.join(".cache"))
            })?;
        Some(base.join("novagen"))
    }

    pub fn new(dir: impl Into<PathBuf>) -> TokenCache {
        TokenCache { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The directory, made (0700, its parents too) when `create` and it is absent; None when
    /// it is absent and not made. Err: why it is not used (a sentence naming it).
    pub fn open(&self, create: bool) -> Result<Option<CacheDir>, String> {
        imp::open_dir(&self.dir, create).map(|fd| {
            fd.map(|fd| CacheDir {
                path: self.dir.clone(),
                fd,
            })
        })
    }
}

/// An open cache directory that passed the checks: every file is reached through it.
#[derive(Debug)]
pub struct CacheDir {
    path: PathBuf,
    fd: imp::Fd,
}

impl CacheDir {
    pub fn dir(&self) -> &Path {
        &self.path
    }

    /// The file name of one identity: HMAC-SHA256, under this directory's own random key, of
    /// the auth URL and the whole auth request, its password or secret included (as
    /// keystoneauth's `get_cache_id_elements` includes them), so that a changed or wrong
    /// secret never finds the token of another one.
    ///
    /// Why a keyed digest and not keystoneauth's plain SHA-256: a file name is public in a way
    /// a file's contents are not (listings, backups, `ls` in a bug report, audit logs), and
    /// the other inputs are public facts (auth URL, user, project), so a plain digest of them
    /// and the password is an offline guessing oracle for the password, at the speed of
    /// SHA-256. Keyed by 32 random bytes kept in the directory (`.key`, 0600), the name says
    /// nothing without the key; whoever can read the key can read the cached tokens too, and
    /// still has only a guessing oracle, no better than asking Keystone with a cached
    /// token's rights. A slow hash (PBKDF2, Argon2) would cost every run milliseconds of CPU
    /// for that last case only.
    pub fn key(&self, identity: &Value) -> std::io::Result<String> {
        let secret = imp::hmac_key(&self.fd)?;
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &secret);
        let tag = ring::hmac::sign(&key, identity.to_string().as_bytes());
        Ok(tag.as_ref().iter().map(|b| format!("{b:02x}")).collect())
    }

    fn name(key: &str) -> String {
        format!("{key}.json")
    }

    /// The entry of `key`: None when there is none (or it is not JSON of an entry); Err: why
    /// the file there is not used (it is then replaced by the next [`CacheDir::store`]).
    pub fn load(&self, key: &str) -> Result<Option<Entry>, String> {
        let name = Self::name(key);
        let bytes = imp::read_file(&self.fd, &name)
            .map_err(|why| format!("{}: {why}", self.path.join(&name).display()))?;
        Ok(bytes.and_then(|b| serde_json::from_slice(&b).ok()))
    }

    /// Write `entry` for `key` (0600, atomically: a temporary file renamed over it).
    pub fn store(&self, key: &str, entry: &Entry) -> std::io::Result<()> {
        let bytes = serde_json::to_vec(entry)?;
        imp::write_file(&self.fd, &Self::name(key), &bytes, true)
    }

    /// Forget one identity's token (after the cloud refused it).
    pub fn remove(&self, key: &str) {
        imp::remove(&self.fd, &Self::name(key));
    }

    /// Remove every cached token (and a temporary file a killed run left): only regular
    /// files of this user named as the cache names them. Returns how many tokens were removed.
    pub fn clear(&self) -> std::io::Result<usize> {
        let mut n = 0;
        for name in imp::own_files(&self.fd)? {
            let token = is_entry_name(&name);
            if token || name.starts_with(TMP_PREFIX) {
                imp::remove(&self.fd, &name);
                n += usize::from(token);
            }
        }
        Ok(n)
    }
}

/// Whether `name` is one of the cache's entry files: 64 lower-case hex digits and `.json`.
fn is_entry_name(name: &str) -> bool {
    name.strip_suffix(".json").is_some_and(|k| {
        k.len() == 64
            && k.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

#[cfg(unix)]
mod imp {
    use super::{KEY_FILE, MAX_FILE, TMP_PREFIX};
    use crate::runtime::files;
    use rustix::fs::{AtFlags, FileType, Mode, OFlags};
    use rustix::io::Errno;
    use std::io::Write;
    use std::os::fd::OwnedFd;
    use std::path::Path;

    pub type Fd = OwnedFd;

    fn uid() -> u32 {
        rustix::process::geteuid().as_raw()
    }

    /// Why a file or directory of this mode and owner is not trusted, if it is not.
    fn distrust(st: &rustix::fs::Stat) -> Option<String> {
        let (owner, me) = (st.st_uid, uid());
        if owner != me {
            return Some(format!(
                "it is owned by uid {owner}, not by this user (uid {me})"
            ));
        }
        let mode = st.st_mode & 0o7777;
        if mode & 0o022 != 0 {
            return Some(format!(
                "it is writable by group or others (mode {mode:04o})"
            ));
        }
        None
    }

    pub fn open_dir(path: &Path, create: bool) -> Result<Option<OwnedFd>, String> {
        let shown = path.display();
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = match rustix::fs::open(path, flags, Mode::empty()) {
            Err(Errno::NOENT) if create => {
                if let Some(parent) = path.parent() {
                    // XDG: a base directory that does not exist is made 0700.
                    std::os::unix::fs::DirBuilderExt::mode(
                        std::fs::DirBuilder::new().recursive(true),
                        0o700,
                    )
                    .create(parent)
                    .map_err(|e| format!("cannot make {}: {e}", parent.display()))?;
                }
                match rustix::fs::mkdir(path, Mode::RWXU) {
                    Ok(()) | Err(Errno::EXIST) => {}
                    Err(e) => return Err(format!("cannot make {shown}: {e}")),
                }
                rustix::fs::open(path, flags, Mode::empty())
            }
            other => other,
        };
        let fd = match fd {
            Ok(fd) => fd,
            Err(Errno::NOENT) => return Ok(None),
            // O_DIRECTORY with O_NOFOLLOW: ENOTDIR for a link (ELOOP on some systems).
            Err(Errno::LOOP) => return Err(format!("{shown} is a symbolic link")),
            Err(Errno::NOTDIR) if path.is_symlink() => {
                return Err(format!("{shown} is a symbolic link"))
            }
            Err(Errno::NOTDIR) => return Err(format!("{shown} is not a directory")),
            Err(e) => return Err(format!("cannot open {shown}: {e}")),
        };
        let st = rustix::fs::fstat(&fd).map_err(|e| format!("cannot read {shown}: {e}"))?;
        if let Some(why) = distrust(&st) {
            return Err(format!("{shown}: {why}"));
        }
        // Ours and closed to writers: make it private to readers too (through the descriptor
        // checked, never through a path).
        if st.st_mode & 0o077 != 0 {
            let _ = rustix::fs::fchmod(&fd, Mode::RWXU);
        }
        Ok(Some(fd))
    }

    /// A file of the directory: its bytes (None: absent), or why it is not used.
    pub fn read_file(dir: &OwnedFd, name: &str) -> Result<Option<Vec<u8>>, String> {
        let flags =
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
        let fd = match rustix::fs::openat(dir, name, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::NOENT) => return Ok(None),
            Err(Errno::LOOP) => return Err("it is a symbolic link".into()),
            Err(e) => return Err(format!("cannot open it: {e}")),
        };
        let st = rustix::fs::fstat(&fd).map_err(|e| format!("cannot read it: {e}"))?;
        if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
            return Err("it is not a regular file".into());
        }
        if let Some(why) = distrust(&st) {
            return Err(why);
        }
        if u64::try_from(st.st_size).unwrap_or(u64::MAX) > MAX_FILE {
            return Err(files::too_large(MAX_FILE).to_string());
        }
        let bytes =
            files::read_capped(std::fs::File::from(fd), MAX_FILE).map_err(|e| match e.kind() {
                std::io::ErrorKind::FileTooLarge => e.to_string(),
                _ => format!("cannot read it: {e}"),
            })?;
        Ok(Some(bytes))
    }

    /// A temporary file of the directory, created 0600 (never an existing file or a link).
    /// Written by hand rather than with `tempfile`, which names files by path only: here every
    /// name is resolved in the directory already checked.
    fn create_tmp(dir: &OwnedFd) -> std::io::Result<(String, std::fs::File)> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static COUNT: AtomicU32 = AtomicU32::new(0);
        let flags =
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let mut last = Errno::EXIST;
        for _ in 0..16 {
            let mut salt = [0u8; 8];
            ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut salt)
                .map_err(|_| std::io::Error::other("no random bytes"))?;
            let name = format!(
                "{TMP_PREFIX}{}-{}-{}",
                std::process::id(),
                COUNT.fetch_add(1, Ordering::Relaxed),
                u64::from_le_bytes(salt)
            );
            match rustix::fs::openat(dir, name.as_str(), flags, Mode::RUSR | Mode::WUSR) {
                Ok(fd) => {
                    // The umask may only have narrowed it; say 0600 rather than rely on it.
                    rustix::fs::fchmod(&fd, Mode::RUSR | Mode::WUSR)?;
                    return Ok((name, fd.into()));
                }
                Err(Errno::EXIST) => last = Errno::EXIST,
                Err(e) => return Err(e.into()),
            }
        }
        Err(last.into())
    }

    /// Write `name` atomically: a temporary file, then renamed over it (`replace`) or linked
    /// to it only when it is absent (an existing file wins: `AlreadyExists`).
    pub fn write_file(
        dir: &OwnedFd,
        name: &str,
        bytes: &[u8],
        replace: bool,
    ) -> std::io::Result<()> {
        let (tmp, mut file) = create_tmp(dir)?;
        let done = file
            .write_all(bytes)
            .and_then(|()| file.flush())
            .and_then(|()| match replace {
                true => rustix::fs::renameat(dir, tmp.as_str(), dir, name).map_err(Into::into),
                false => rustix::fs::linkat(dir, tmp.as_str(), dir, name, AtFlags::empty())
                    .map_err(Into::into),
            });
        if done.is_err() || !replace {
            remove(dir, &tmp);
        }
        done
    }

    pub fn remove(dir: &OwnedFd, name: &str) {
        let _ = rustix::fs::unlinkat(dir, name, AtFlags::empty());
    }

    /// The names of the regular files of this user in the directory.
    pub fn own_files(dir: &OwnedFd) -> std::io::Result<Vec<String>> {
        let mut out = Vec::new();
        for e in rustix::fs::Dir::read_from(dir)? {
            let e = e?;
            let Ok(name) = e.file_name().to_str() else {
                continue;
            };
            if name == "." || name == ".." {
                continue;
            }
            let Ok(st) = rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) else {
                continue;
            };
            if FileType::from_raw_mode(st.st_mode) == FileType::RegularFile && st.st_uid == uid() {
                out.push(name.to_string());
            }
        }
        Ok(out)
    }

    /// The directory's key for the file names' digests: read, or made (32 random bytes) when
    /// absent or unusable.
    pub fn hmac_key(dir: &OwnedFd) -> std::io::Result<Vec<u8>> {
        for _ in 0..3 {
            let replace = match read_file(dir, KEY_FILE) {
                Ok(Some(key)) if key.len() == 32 => return Ok(key),
                Ok(None) => false,
                // Not ours, a link, the wrong size: a new key (the entries keyed by it are
                // then simply not found).
                Ok(Some(_)) | Err(_) => true,
            };
            let mut key = vec![0u8; 32];
            ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut key)
                .map_err(|_| std::io::Error::other("no random bytes"))?;
            match write_file(dir, KEY_FILE, &key, replace) {
                Ok(()) => return Ok(key),
                // Another run made it first: read that one.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other("the cache's key keeps changing"))
    }
}

#[cfg(not(unix))]
mod imp {
    use std::path::Path;

    #[derive(Debug)]
    pub enum Fd {}

    pub fn open_dir(_: &Path, _: bool) -> Result<Option<Fd>, String> {
        Err("the token cache needs a Unix system".into())
    }
    pub fn read_file(fd: &Fd, _: &str) -> Result<Option<Vec<u8>>, String> {
        match *fd {}
    }
    pub fn write_file(fd: &Fd, _: &str, _: &[u8], _: bool) -> std::io::Result<()> {
        match *fd {}
    }
    pub fn remove(fd: &Fd, _: &str) {
        match *fd {}
    }
    pub fn own_files(fd: &Fd) -> std::io::Result<Vec<String>> {
        match *fd {}
    }
    pub fn hmac_key(fd: &Fd) -> std::io::Result<Vec<u8>> {
        match *fd {}
    }
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

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("novagen-cache-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn keys_differ_by_identity_and_secret_and_directory() {
        let dir = temp("keys");
        let Ok(Some(cache)) = TokenCache::new(&dir).open(true) else {
            panic!("the cache directory opens");
        };
        let key = |v: Value| cache.key(&v).unwrap_or_default();
        let a = key(json!({"url": "http://a", "user": "x", "password": "p"}));
        assert_eq!(a.len(), 64);
        assert!(is_entry_name(&format!("{a}.json")));
        assert_eq!(
            a,
            key(json!({"url": "http://a", "user": "x", "password": "p"}))
        );
        assert_ne!(
            a,
            key(json!({"url": "http://a", "user": "y", "password": "p"}))
        );
        assert_ne!(
            a,
            key(json!({"url": "http://a", "user": "x", "password": "q"}))
        );
        assert_ne!(
            a,
            key(json!({"url": "http://a", "user": "x", "password": ""}))
        );
        // Not the plain digest of the identity: the directory's key is in it.
        let plain: String = ring::digest::digest(
            &ring::digest::SHA256,
            json!({"url": "http://a", "user": "x", "password": "p"})
                .to_string()
                .as_bytes(),
        )
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
        assert_ne!(a, plain);
        // Another directory, another key, another name; the same directory reopened, the same.
        let other = temp("keys-other");
        let Ok(Some(other)) = TokenCache::new(&other).open(true) else {
            panic!("the other cache directory opens");
        };
        let same = json!({"url": "http://a", "user": "x", "password": "p"});
        assert_ne!(a, other.key(&same).unwrap_or_default());
        let Ok(Some(again)) = TokenCache::new(&dir).open(true) else {
            panic!("reopens");
        };
        assert_eq!(a, again.key(&same).unwrap_or_default());
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(other.dir());
    }

    #[test]
    fn entries_round_trip_and_clear_removes_only_entries() {
        let dir = temp("clear");
        let Ok(Some(cache)) = TokenCache::new(&dir).open(true) else {
            panic!("the cache directory opens");
        };
        let key = cache.key(&json!({"u": 1})).unwrap_or_default();
        let e = entry("2999-01-01T00:00:00Z");
        assert_eq!(cache.load(&key), Ok(None));
        assert!(cache.store(&key, &e).is_ok());
        assert_eq!(cache.load(&key), Ok(Some(e)));
        std::fs::write(dir.join("mine.json"), "{}").unwrap_or_default();
        assert_eq!(cache.clear().ok(), Some(1));
        assert_eq!(cache.load(&key), Ok(None));
        assert!(dir.join("mine.json").exists());
        assert!(dir.join(KEY_FILE).exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn only_the_caches_names_are_entries() {
        let hex = "0123456789abcdef".repeat(4);
        assert!(is_entry_name(&format!("{hex}.json")));
        assert!(!is_entry_name(&format!("{}.json", hex.to_uppercase())));
        assert!(!is_entry_name(&format!("{hex}.jsonx")));
        assert!(!is_entry_name(&format!("{}.json", &hex[1..])));
        assert!(!is_entry_name("notes.json"));
    }
}
