//! The token cache (`runtime/cache.rs`) as a user meets it: the `nova` binary against nova-sim,
//! run after run, with the cache directory of each test of its own.

use novagen_tests::fault::{Answer, FaultCloud};
use novagen_tests::{bin, nova, requested, skip, temp_dir, Cloud, Run};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `cloud.nova` with its own cache directory and `--debug`.
fn run(cloud: &Cloud, cache: &Path, extra_env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut env = cloud.env();
    env.push((
        "XDG_CACHE_HOME".into(),
        cache.to_string_lossy().into_owned(),
    ));
    for (k, v) in extra_env {
        env.push((k.to_string(), v.to_string()));
    }
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut all = vec!["--debug"];
    all.extend_from_slice(args);
    nova(&all, &pairs)
}

/// The files of the cache directory but its key (`.key`).
fn files(cache: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(cache.join("novagen"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    out.retain(|p| !p.ends_with(".key"));
    out.sort();
    out
}

fn only_file(cache: &Path) -> PathBuf {
    let f = files(cache);
    assert_eq!(f.len(), 1, "{f:?}");
    f[0].clone()
}

fn read(file: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(file).expect("cache file")).expect("cache file is JSON")
}

const TOKEN_POST: &str = "POST /identity/v3/auth/tokens";

/// A `flavor-list` whose cached token is refused: one GET, a new token, the GET again.
fn renewed_after_a_401(cloud: &Cloud, cache: &Path) -> novagen_tests::Run {
    let again = run(cloud, cache, &[], &["flavor-list"]);
    again.ok();
    assert_eq!(
        requested(&again.stderr),
        [
            "GET /compute/v2.1/flavors/detail",
            TOKEN_POST,
            "GET /compute/v2.1/flavors/detail"
        ]
    );
    again
}

#[test]
fn a_cached_token_and_version_document_save_two_requests() {
    let cloud = Cloud::start();
    let cache = temp_dir("cache-reuse");
    let first = run(&cloud, &cache, &[], &["flavor-list"]);
    let table = first.ok().to_string();
    assert_eq!(
        requested(&first.stderr),
        [
            TOKEN_POST,
            "GET /compute/v2.1",
            "GET /compute/v2.1/flavors/detail"
        ]
    );
    assert!(
        first.stderr.contains("No cached token: authenticating."),
        "{}",
        first.stderr
    );
    let second = run(&cloud, &cache, &[], &["flavor-list"]);
    assert_eq!(second.ok(), table);
    assert_eq!(
        requested(&second.stderr),
        ["GET /compute/v2.1/flavors/detail"]
    );
    assert!(
        second.stderr.contains("Using the cached token for "),
        "{}",
        second.stderr
    );
    assert!(second
        .stderr
        .contains("Using the cached version document of "));
    // Another identity (an application credential) has a file of its own.
    let demo = run(
        &cloud,
        &cache,
        &[
            ("OS_APPLICATION_CREDENTIAL_ID", nova_sim::APP_CRED_ID),
            (
                "OS_APPLICATION_CREDENTIAL_SECRET",
                nova_sim::APP_CRED_SECRET,
            ),
        ],
        &["flavor-list"],
    );
    demo.ok();
    assert_eq!(requested(&demo.stderr)[0], TOKEN_POST);
    assert_eq!(files(&cache).len(), 2);
}

#[cfg(unix)]
#[test]
fn the_cache_is_private_and_holds_no_secret_but_the_token() {
    use std::os::unix::fs::PermissionsExt;
    let cloud = Cloud::start();
    let cache = temp_dir("cache-modes");
    run(&cloud, &cache, &[], &["flavor-list"]).ok();
    let dir_mode = std::fs::metadata(cache.join("novagen"))
        .expect("dir")
        .permissions()
        .mode();
    assert_eq!(dir_mode & 0o777, 0o700);
    let file = only_file(&cache);
    assert_eq!(
        std::fs::metadata(&file).expect("file").permissions().mode() & 0o777,
        0o600
    );
    let text = std::fs::read_to_string(&file).expect("read");
    assert!(
        !text.contains("secret"),
        "the password is in the cache: {text}"
    );
    assert!(text.contains(&read(&file)["token"].as_str().unwrap_or("?").to_string()));
    // An application credential: its secret is not written either.
    let cache2 = temp_dir("cache-appcred");
    let env = [
        ("OS_AUTH_URL", cloud.auth_url()),
        (
            "OS_APPLICATION_CREDENTIAL_ID",
            nova_sim::APP_CRED_ID.to_string(),
        ),
        (
            "OS_APPLICATION_CREDENTIAL_SECRET",
            nova_sim::APP_CRED_SECRET.to_string(),
        ),
        ("XDG_CACHE_HOME", cache2.to_string_lossy().into_owned()),
    ];
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    nova(&["flavor-list"], &pairs).ok();
    let text = std::fs::read_to_string(only_file(&cache2)).expect("read");
    assert!(!text.contains(nova_sim::APP_CRED_SECRET), "{text}");
    assert!(!text.contains(nova_sim::APP_CRED_ID), "{text}");
}

#[test]
fn a_token_about_to_expire_is_renewed() {
    let cloud = Cloud::start();
    let cache = temp_dir("cache-expiry");
    run(&cloud, &cache, &[], &["flavor-list"]).ok();
    let file = only_file(&cache);
    let mut entry = read(&file);
    let old_token = entry["token"].clone();
    // Sixty seconds left: inside the margin, so not used.
    let soon = now_plus(60);
    entry["expires_at"] = Value::String(soon);
    std::fs::write(&file, entry.to_string()).expect("write");
    let again = run(&cloud, &cache, &[], &["flavor-list"]);
    again.ok();
    assert!(
        again.stderr.contains("The cached token expires soon"),
        "{}",
        again.stderr
    );
    assert_eq!(requested(&again.stderr)[0], TOKEN_POST);
    let renewed = read(&file);
    assert_ne!(renewed["token"], old_token);
    assert_ne!(renewed["expires_at"], entry["expires_at"]);
}

#[test]
fn a_refused_token_is_renewed_once() {
    let cloud = Cloud::start();
    let cache = temp_dir("cache-401");
    run(&cloud, &cache, &[], &["flavor-list"]).ok();
    let file = only_file(&cache);
    let mut entry = read(&file);
    entry["token"] = Value::String("revoked-token".into());
    std::fs::write(&file, entry.to_string()).expect("write");
    let again = renewed_after_a_401(&cloud, &cache);
    assert!(
        again.stderr.contains("authenticating again"),
        "{}",
        again.stderr
    );
    assert_ne!(read(&file)["token"], "revoked-token");
    // Once only: a refused token and a password Keystone no longer takes end in one error
    // (a cloud whose Keystone takes the password once, and whose compute takes one request).
    let unauthorized = || {
        Answer::json(
            401,
            serde_json::json!({"error": {"code": 401, "message": "no"}}),
        )
    };
    let cloud = FaultCloud::start(move |req, before| {
        let again = |m: &str, p: &str| before.iter().any(|s| s.method == m && s.path() == p);
        match (req.method.as_str(), req.path()) {
            ("POST", p) if again("POST", p) => unauthorized(),
            ("GET", p @ "/compute/v2.1/flavors/detail") if again("GET", p) => unauthorized(),
            ("GET", "/compute/v2.1/flavors/detail") => {
                Answer::json(200, serde_json::json!({"flavors": []}))
            }
            _ => Answer::Default,
        }
    });
    let cache = temp_dir("cache-401-once");
    let env = fault_env(&cloud, &cache);
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    nova(&["flavor-list"], &pairs).ok();
    assert_eq!(files(&cache).len(), 1);
    let wrong = nova(&["--debug", "flavor-list"], &pairs);
    assert_eq!(wrong.code, 1, "{wrong:?}");
    assert_eq!(
        requested(&wrong.stderr),
        ["GET /compute/v2.1/flavors/detail", TOKEN_POST]
    );
    assert!(
        wrong.stderr.contains("ERROR (Unauthorized)"),
        "{}",
        wrong.stderr
    );
    // The refused token is not kept.
    assert!(files(&cache).is_empty(), "{:?}", files(&cache));
}

#[test]
fn no_cache_neither_reads_nor_writes() {
    let cloud = Cloud::start();
    let cache = temp_dir("cache-off");
    for how in [
        (vec![], vec!["--no-cache", "flavor-list"]),
        (vec![("OS_NO_CACHE", "1")], vec!["flavor-list"]),
    ] {
        let r = run(&cloud, &cache, &how.0, &how.1);
        r.ok();
        assert_eq!(requested(&r.stderr)[0], TOKEN_POST);
        assert!(files(&cache).is_empty());
    }
    // With a cached token present, --no-cache still authenticates.
    run(&cloud, &cache, &[], &["flavor-list"]).ok();
    let r = run(&cloud, &cache, &[], &["--no-cache", "flavor-list"]);
    assert_eq!(requested(&r.stderr)[0], TOKEN_POST);
    // clouds.yaml: openstacksdk's `cache: {auth: false}` turns it off too.
    let dir = temp_dir("cache-clouds");
    let clouds = dir.join("clouds.yaml");
    std::fs::write(
        &clouds,
        format!(
            "cache:\n  auth: false\nclouds:\n  local:\n    auth:\n      auth_url: {}\n      username: admin\n      password: secret\n      project_name: admin\n",
            cloud.auth_url()
        ),
    )
    .expect("write clouds.yaml");
    let off = temp_dir("cache-clouds-home");
    let env = [
        (
            "OS_CLIENT_CONFIG_FILE",
            clouds.to_string_lossy().into_owned(),
        ),
        ("XDG_CACHE_HOME", off.to_string_lossy().into_owned()),
    ];
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    nova(&["--os-cloud", "local", "flavor-list"], &pairs).ok();
    assert!(files(&off).is_empty(), "{:?}", files(&off));
}

#[test]
fn concurrent_runs_leave_one_whole_file_and_cache_clear_removes_it() {
    let cloud = Cloud::start();
    let cache = temp_dir("cache-concurrent");
    let runs: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| s.spawn(|| run(&cloud, &cache, &[], &["flavor-list"])))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    for r in &runs {
        r.ok();
    }
    // Whole JSON, no temporary files left behind, and usable by the next run.
    let file = only_file(&cache);
    assert!(read(&file)["token"].is_string());
    let next = run(&cloud, &cache, &[], &["flavor-list"]);
    assert_eq!(
        requested(&next.stderr),
        ["GET /compute/v2.1/flavors/detail"]
    );
    let env = [("XDG_CACHE_HOME", cache.to_string_lossy().into_owned())];
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let cleared = nova(&["cache-clear"], &pairs);
    assert!(
        cleared.ok().starts_with("Removed 1 cached token(s) from "),
        "{cleared:?}"
    );
    assert!(files(&cache).is_empty());
}

/// RFC 3339 for now + `secs`, as Keystone writes it.
fn now_plus(secs: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::seconds(secs))
        .format("%Y-%m-%dT%H:%M:%S.%6fZ")
        .to_string()
}

#[test]
fn a_token_revoked_by_keystone_is_renewed_and_an_expired_one_not_used() {
    // Keystone's own revocation (DELETE /v3/auth/tokens) of the cached token.
    let cloud = Cloud::start();
    let cache = temp_dir("cache-revoked");
    run(&cloud, &cache, &[], &["flavor-list"]).ok();
    let file = only_file(&cache);
    let token = read(&file)["token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let status = reqwest::blocking::Client::new()
        .delete(format!("{}/v3/auth/tokens", cloud.auth_url()))
        .header("X-Auth-Token", cloud.token())
        .header("X-Subject-Token", &token)
        .send()
        .expect("keystone answers")
        .status();
    assert_eq!(status.as_u16(), 204);
    renewed_after_a_401(&cloud, &cache);
    assert_ne!(read(&file)["token"].as_str(), Some(token.as_str()));
    // Tokens that live 100 s are within the margin from the start: never reused.
    let short = Cloud::with_args(&["--token-lifetime", "100"]);
    let cache = temp_dir("cache-short");
    run(&short, &cache, &[], &["flavor-list"]).ok();
    let second = run(&short, &cache, &[], &["flavor-list"]);
    assert_eq!(
        requested(&second.stderr)[0],
        TOKEN_POST,
        "{}",
        second.stderr
    );
}

// ---- Issue 17: a cache nobody else can plant, keyed by the secret, bounded, refreshed. ----

/// Another local user, played with `setpriv` (nobody).
const OTHER_UID: u32 = 65534;

/// Whether this process may play another user (setpriv, chown, mknod need root); else the
/// test is skipped visibly ([`skip`]: a failure under `CI`, which runs as root).
fn may_play_another_user() -> bool {
    if rustix::process::geteuid().is_root() {
        return true;
    }
    skip("playing another local user (setpriv, chown) needs root");
    false
}

/// A cloud that records what it is sent and answers every request with a 401: where a
/// planted catalog points compute.
fn evil() -> FaultCloud {
    FaultCloud::start(|_, _| {
        Answer::json(
            401,
            serde_json::json!({"error": {"code": 401, "message": "planted"}}),
        )
    })
}

/// Point the compute endpoints of the cache file `file` at `to` (its version document
/// copied there), as someone planting an entry would; `token` replaces the token.
fn plant(file: &Path, to: &str, token: &str) {
    let mut entry = read(file);
    let url = format!("{to}/compute/v2.1");
    let discovery = entry["discovery"].clone();
    let mut doc = Value::Null;
    if let Some(services) = entry["catalog"].as_array_mut() {
        for s in services.iter_mut().filter(|s| s["type"] == "compute") {
            for e in s["endpoints"].as_array_mut().into_iter().flatten() {
                if let Some(d) = discovery.get(e["url"].as_str().unwrap_or("")) {
                    doc = d.clone();
                }
                e["url"] = Value::String(url.clone());
            }
        }
    }
    entry["discovery"][&url] = doc;
    entry["token"] = Value::String(token.into());
    std::fs::write(file, entry.to_string()).expect("plant the entry");
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path)
        .expect("stat")
        .permissions()
        .mode()
        & 0o7777
}

/// A run whose cache was refused: it authenticated, said why under `--debug`, and the
/// planted cloud was sent nothing.
fn refused(r: &novagen_tests::Run, evil: &FaultCloud, why: &str) {
    r.ok();
    assert!(
        evil.seen().is_empty(),
        "the planted endpoint was asked: {:?}",
        evil.lines()
    );
    assert_eq!(requested(&r.stderr)[0], TOKEN_POST, "{}", r.stderr);
    assert!(
        r.stderr.contains("Not using the token cache") && r.stderr.contains(why),
        "no {why:?} in:\n{}",
        r.stderr
    );
}

#[cfg(unix)]
#[test]
#[cfg_attr(
    not_root,
    ignore = "needs root: plays another local user (setpriv, chown, mknod)"
)]
fn a_cache_directory_another_user_planted_in_is_refused() {
    if !may_play_another_user() {
        return;
    }
    let cloud = Cloud::start();
    let evil = evil();
    // The victim's file name, learnt from a run of its own (the worst case: the name is known).
    let own = temp_dir("cache-learn");
    run(&cloud, &own, &[], &["flavor-list"]).ok();
    let file = only_file(&own);
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    plant(&file, &evil.url, "planted-token");
    // A cache home every local user can write to (a shared XDG_CACHE_HOME, sticky as /tmp).
    let shared = temp_dir("cache-shared");
    chmod(&shared, 0o1777);
    let mut planter = Command::new("setpriv")
        .args([
            &format!("--reuid={OTHER_UID}"),
            &format!("--regid={OTHER_UID}"),
            "--clear-groups",
            "sh",
            "-c",
            "umask 022 && mkdir \"$1/novagen\" && cat > \"$1/novagen/$2\"",
            "sh",
        ])
        .arg(&shared)
        .arg(name)
        .stdin(Stdio::piped())
        .spawn()
        .expect("setpriv");
    std::io::Write::write_all(
        planter.stdin.as_mut().expect("stdin"),
        &std::fs::read(&file).expect("the planted entry"),
    )
    .expect("write the planted entry");
    drop(planter.stdin.take());
    assert!(planter.wait().expect("setpriv ends").success());
    let r = run(&cloud, &shared, &[], &["flavor-list"]);
    refused(&r, &evil, &format!("owned by uid {OTHER_UID}"));
    // Nothing was written into the other user's directory (not even a key).
    let names: Vec<_> = std::fs::read_dir(shared.join("novagen"))
        .expect("the planted directory")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names, [name], "written into the other user's directory");
}

#[cfg(unix)]
#[test]
#[cfg_attr(
    not_root,
    ignore = "needs root: plays another local user (setpriv, chown, mknod)"
)]
fn a_cache_directory_or_file_others_can_write_is_refused() {
    if !may_play_another_user() {
        return;
    }
    let cloud = Cloud::start();
    let evil = evil();
    let cache = temp_dir("cache-writable");
    let dir = cache.join("novagen");
    let fresh = |what: &str| {
        let _ = std::fs::remove_dir_all(&dir);
        run(&cloud, &cache, &[], &["flavor-list"]).ok();
        let file = files(&cache)
            .into_iter()
            .find(|f| f.extension().is_some_and(|x| x == "json"))
            .unwrap_or_else(|| panic!("{what}: no cache file"));
        plant(&file, &evil.url, "planted-token");
        file
    };
    // The directory: writable by the group, by everyone.
    for m in [0o770, 0o777, 0o1777] {
        fresh("dir mode");
        chmod(&dir, m);
        let r = run(&cloud, &cache, &[], &["flavor-list"]);
        refused(&r, &evil, "writable by group or others");
        assert_eq!(mode(&dir), m, "the refused directory was changed");
    }
    // The file: writable by others, owned by another user, a link to a planted file.
    let file = fresh("file mode");
    chmod(&file, 0o666);
    refused(
        &run(&cloud, &cache, &[], &["flavor-list"]),
        &evil,
        "writable by group or others",
    );
    let file = fresh("file owner");
    std::os::unix::fs::chown(&file, Some(OTHER_UID), Some(OTHER_UID)).expect("chown");
    refused(
        &run(&cloud, &cache, &[], &["flavor-list"]),
        &evil,
        &format!("owned by uid {OTHER_UID}"),
    );
    let file = fresh("symlink");
    let elsewhere = cache.join("planted.json");
    std::fs::rename(&file, &elsewhere).expect("move");
    std::os::unix::fs::symlink(&elsewhere, &file).expect("symlink");
    refused(
        &run(&cloud, &cache, &[], &["flavor-list"]),
        &evil,
        "symbolic link",
    );
    // The link was replaced by a file of the cache's own; what it pointed to is untouched.
    assert!(std::fs::symlink_metadata(&file)
        .expect("stat")
        .file_type()
        .is_file());
    assert!(read(&elsewhere)["token"] == "planted-token");
}

#[test]
fn after_a_401_the_new_tokens_catalog_is_used_not_the_cached_one() {
    let cloud = Cloud::start();
    let evil = evil();
    let cache = temp_dir("cache-renew-catalog");
    run(&cloud, &cache, &[], &["flavor-list"]).ok();
    // A cached catalog (a moved cloud, or a planted one) whose compute answers 401.
    plant(&only_file(&cache), &evil.url, "old-token");
    let r = run(&cloud, &cache, &[], &["flavor-list"]);
    r.ok();
    let seen = evil.seen();
    assert_eq!(evil.lines(), ["GET /compute/v2.1/flavors/detail"]);
    // The token Keystone issued after the 401 was not sent there.
    assert_eq!(seen[0].header("x-auth-token"), Some("old-token"));
    assert_eq!(
        requested(&r.stderr),
        [
            "GET /compute/v2.1/flavors/detail",
            TOKEN_POST,
            "GET /compute/v2.1/flavors/detail"
        ]
    );
    // And the renewed entry holds Keystone's catalog.
    assert!(
        !read(&only_file(&cache)).to_string().contains(&evil.url),
        "the planted endpoint is still cached"
    );
}

#[test]
fn a_wrong_or_empty_secret_does_not_authenticate_from_the_cache() {
    let cloud = Cloud::start();
    let cache = temp_dir("cache-secret");
    run(&cloud, &cache, &[], &["flavor-list"]).ok();
    for wrong in ["wrong", ""] {
        let r = run(&cloud, &cache, &[("OS_PASSWORD", wrong)], &["flavor-list"]);
        r.fails(1, "ERROR (Unauthorized)");
        assert_eq!(requested(&r.stderr), [TOKEN_POST], "{}", r.stderr);
    }
    // The right password still finds its token.
    let r = run(&cloud, &cache, &[], &["flavor-list"]);
    r.ok();
    assert_eq!(requested(&r.stderr), ["GET /compute/v2.1/flavors/detail"]);
    // An application credential with a wrong secret.
    let app = |secret: &'static str| {
        [
            ("OS_APPLICATION_CREDENTIAL_ID", nova_sim::APP_CRED_ID),
            ("OS_APPLICATION_CREDENTIAL_SECRET", secret),
        ]
    };
    run(
        &cloud,
        &cache,
        &app(nova_sim::APP_CRED_SECRET),
        &["flavor-list"],
    )
    .ok();
    let r = run(&cloud, &cache, &app("not-the-secret"), &["flavor-list"]);
    r.fails(1, "ERROR (Unauthorized)");
    assert_eq!(requested(&r.stderr), [TOKEN_POST], "{}", r.stderr);
}

/// The environment of a fault cloud, with the token cache on, in `cache`.
fn fault_env(cloud: &FaultCloud, cache: &Path) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = cloud
        .env()
        .into_iter()
        .filter(|(k, _)| k != "OS_NO_CACHE")
        .collect();
    env.push((
        "XDG_CACHE_HOME".into(),
        cache.to_string_lossy().into_owned(),
    ));
    env
}

/// A port of 127.0.0.1 free a moment ago.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

#[test]
fn a_version_document_gone_stale_is_fetched_again_and_the_command_run_again() {
    let listen = format!("127.0.0.1:{}", free_port());
    let cache = temp_dir("cache-stale-version");
    {
        let cloud = Cloud::with_args(&["--listen", &listen, "--servers", "2"]);
        let r = run(&cloud, &cache, &[], &["flavor-list"]);
        r.ok();
        assert!(r.stderr.contains("x-openstack-nova-api-version: 2.96"));
    }
    // The cloud comes back with a lower maximum.
    let lower = [
        "--listen",
        &listen,
        "--servers",
        "2",
        "--max-version",
        "2.90",
    ];
    let cloud = Cloud::with_args(&lower);
    let r = run(&cloud, &cache, &[], &["flavor-list"]);
    r.ok();
    let asked = requested(&r.stderr);
    assert!(
        asked.contains(&"GET /compute/v2.1".to_string()),
        "{asked:?}"
    );
    assert!(
        r.stderr.contains("x-openstack-nova-api-version: 2.90"),
        "{}",
        r.stderr
    );
    // The refreshed document is cached: the next run asks for nothing but the list.
    let next = run(&cloud, &cache, &[], &["flavor-list"]);
    next.ok();
    assert_eq!(
        requested(&next.stderr),
        ["GET /compute/v2.1/flavors/detail"]
    );
    assert!(next.stderr.contains("x-openstack-nova-api-version: 2.90"));
    // A command of many values runs again from its first value, each value once.
    drop(cloud);
    let cache = temp_dir("cache-stale-version-many");
    let cloud = Cloud::with_args(&["--listen", &listen, "--servers", "2"]);
    let r = run(&cloud, &cache, &[], &["flavor-list"]);
    assert!(r.stderr.contains("x-openstack-nova-api-version: 2.96"));
    drop(cloud);
    let cloud = Cloud::with_args(&lower);
    let r = run(&cloud, &cache, &[], &["delete", "bulk-00001", "bulk-00002"]);
    assert!(
        r.stderr.contains("fetching the version document"),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.ok(),
        "Request to delete server bulk-00001 has been accepted.\n\
         Request to delete server bulk-00002 has been accepted.\n",
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("ERROR"), "{}", r.stderr);
}

#[test]
fn a_406_after_the_version_document_was_fetched_again_says_so() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let lowered = Arc::new(AtomicBool::new(false));
    let flag = lowered.clone();
    let cloud = FaultCloud::start(move |req, _| {
        let low = flag.load(Ordering::SeqCst);
        match req.path() {
            "/compute/v2.1" if low => Answer::json(
                200,
                serde_json::json!({"version": {"id": "v2.1", "status": "CURRENT",
                    "version": "2.90", "min_version": "2.1"}}),
            ),
            "/compute/v2.1/flavors/detail" if low => Answer::json(
                406,
                serde_json::json!({"computeFault": {"code": 406,
                    "message": "Version is not supported by the API."}}),
            ),
            "/compute/v2.1/flavors/detail" => Answer::json(200, serde_json::json!({"flavors": []})),
            _ => Answer::Default,
        }
    });
    let cache = temp_dir("cache-406");
    let env = fault_env(&cloud, &cache);
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    nova(&["flavor-list"], &pairs).ok();
    lowered.store(true, Ordering::SeqCst);
    let before = cloud.seen().len();
    let r = nova(&["flavor-list"], &pairs);
    let last = r
        .fails(1, "ERROR (NotAcceptable)")
        .lines()
        .last()
        .unwrap_or("");
    assert!(
        last.contains("Version is not supported by the API.")
            && last.contains("version document")
            && last.contains("fetched again"),
        "{last}"
    );
    let seen: Vec<(String, Option<String>)> = cloud.seen()[before..]
        .iter()
        .map(|s| {
            (
                s.path().to_string(),
                s.header("x-openstack-nova-api-version").map(str::to_string),
            )
        })
        .collect();
    let list = "/compute/v2.1/flavors/detail".to_string();
    assert_eq!(
        seen,
        [
            (list.clone(), Some("2.96".into())),
            ("/compute/v2.1".into(), None),
            (list, Some("2.90".into())),
        ]
    );
}

#[cfg(unix)]
#[test]
fn cache_clear_removes_only_the_caches_own_files() {
    let cloud = Cloud::start();
    let cache = temp_dir("cache-clear-own");
    run(&cloud, &cache, &[], &["flavor-list"]).ok();
    let dir = cache.join("novagen");
    let outside = temp_dir("cache-clear-outside").join("keep.json");
    std::fs::write(&outside, "{}").expect("write");
    let others = [
        "notes.json",
        "abc.json",
        &format!("{}.json", "A".repeat(64)),
    ];
    for f in others {
        std::fs::write(dir.join(f), "{}").expect("write");
    }
    let link = dir.join(format!("{}.json", "b".repeat(64)));
    std::os::unix::fs::symlink(&outside, &link).expect("symlink");
    std::fs::create_dir(dir.join(format!("{}.json", "c".repeat(64)))).expect("mkdir");
    let env = [("XDG_CACHE_HOME", cache.to_string_lossy().into_owned())];
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let cleared = nova(&["cache-clear"], &pairs);
    assert!(
        cleared.ok().starts_with("Removed 1 cached token(s) from "),
        "{cleared:?}"
    );
    for f in others {
        assert!(dir.join(f).exists(), "{f} was removed");
    }
    assert!(
        std::fs::symlink_metadata(&link).is_ok(),
        "the link was removed"
    );
    assert!(outside.exists());
}

#[cfg(unix)]
#[test]
fn a_symlinked_cache_directory_is_neither_used_nor_cleared() {
    let cloud = Cloud::start();
    let evil = evil();
    let cache = temp_dir("cache-dir-link");
    run(&cloud, &cache, &[], &["flavor-list"]).ok();
    plant(&only_file(&cache), &evil.url, "planted-token");
    // The directory moved elsewhere (another user's, a shared one) and linked to.
    let elsewhere = temp_dir("cache-dir-link-target").join("d");
    std::fs::rename(cache.join("novagen"), &elsewhere).expect("move");
    chmod(&elsewhere, 0o755);
    std::os::unix::fs::symlink(&elsewhere, cache.join("novagen")).expect("symlink");
    let before: Vec<_> = std::fs::read_dir(&elsewhere)
        .expect("list")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    let r = run(&cloud, &cache, &[], &["flavor-list"]);
    refused(&r, &evil, "symbolic link");
    assert_eq!(mode(&elsewhere), 0o755, "chmod through the link");
    let after: Vec<_> = std::fs::read_dir(&elsewhere)
        .expect("list")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(before, after, "written through the link");
    let env = [("XDG_CACHE_HOME", cache.to_string_lossy().into_owned())];
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    nova(&["cache-clear"], &pairs).fails(1, "symbolic link");
    assert_eq!(
        std::fs::read_dir(&elsewhere).expect("list").count(),
        before.len(),
        "cleared through the link"
    );
}

#[test]
fn a_relative_xdg_cache_home_is_ignored() {
    let cloud = Cloud::start();
    let cwd = temp_dir("cache-relative-cwd");
    let home = temp_dir("cache-relative-home");
    let mut env = cloud.env();
    env.push(("XDG_CACHE_HOME".into(), "relative-cache".into()));
    env.push(("HOME".into(), home.to_string_lossy().into_owned()));
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let out = novagen_tests::nova_command(&["flavor-list"], &pairs)
        .current_dir(&cwd)
        .output()
        .expect("run nova");
    Run::of(&["flavor-list"], out).ok();
    assert!(!cwd.join("relative-cache").exists(), "a cache in the cwd");
    assert_eq!(files(&home.join(".cache")).len(), 1);
}

/// `nova args` with `env`, its address space capped (2 GiB) and killed after `secs`: None
/// when it had to be killed.
fn bounded(env: &[(&str, &str)], args: &[&str], secs: u64) -> Option<Run> {
    let mut cmd = Command::new("prlimit");
    cmd.arg("--as=2147483648").arg("--").arg(bin("nova"));
    for (k, _) in std::env::vars() {
        if k.starts_with("OS_") || k.starts_with("NOVA_") {
            cmd.env_remove(k);
        }
    }
    let mut child = cmd
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run nova under prlimit");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(Run::of(args, child.wait_with_output().expect("output")))
}

#[cfg(unix)]
#[test]
#[cfg_attr(
    not_root,
    ignore = "needs root: plays another local user (setpriv, chown, mknod)"
)]
fn a_fifo_a_device_or_a_huge_file_as_the_cache_file_is_refused() {
    if !may_play_another_user() {
        // mknod needs root too.
        return;
    }
    let cloud = Cloud::start();
    let cache = temp_dir("cache-special");
    let mut env = cloud.env();
    env.push((
        "XDG_CACHE_HOME".into(),
        cache.to_string_lossy().into_owned(),
    ));
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let args = ["--debug", "flavor-list"];
    let first = bounded(&pairs, &args, 30).expect("a first run");
    first.ok();
    let file = only_file(&cache);
    type Make = fn(&Path);
    let cases: [(&str, Make, &str); 4] = [
        (
            "a FIFO",
            |f| {
                assert!(Command::new("mkfifo")
                    .arg(f)
                    .status()
                    .expect("mkfifo")
                    .success())
            },
            "not a regular file",
        ),
        (
            "a link to /dev/zero",
            |f| std::os::unix::fs::symlink("/dev/zero", f).expect("symlink"),
            "symbolic link",
        ),
        (
            "a device like /dev/zero",
            |f| {
                let ok = Command::new("mknod").arg(f).args(["c", "1", "5"]).status();
                assert!(ok.expect("mknod").success());
                chmod(f, 0o600);
            },
            "not a regular file",
        ),
        (
            "a 2 MiB file",
            |f| {
                let file = std::fs::File::create(f).expect("create");
                file.set_len(2 << 20).expect("set_len");
            },
            "larger than",
        ),
    ];
    for (what, make, why) in cases {
        let _ = std::fs::remove_file(&file);
        make(&file);
        let r = bounded(&pairs, &args, 30)
            .unwrap_or_else(|| panic!("{what} as the cache file: nova did not end in 30 s"));
        assert!(r.code == 0, "{what}: {r:?}");
        assert!(
            r.stderr.contains("Not using the token cache") && r.stderr.contains(why),
            "{what}: no {why:?} in\n{}",
            r.stderr
        );
    }
}
