//! The token cache (`runtime/cache.rs`) as a user meets it: the `nova` binary against nova-sim,
//! run after run, with the cache directory of each test of its own.

use novagen_tests::{nova, requested, temp_dir, Cloud};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// `cloud.nova` with its own cache directory and `--debug`.
fn run(
    cloud: &Cloud,
    cache: &Path,
    extra_env: &[(&str, &str)],
    args: &[&str],
) -> novagen_tests::Run {
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

fn files(cache: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(cache.join("novagen"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
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
    // Once only: a refused token and a password that no longer works end in one error.
    let mut entry = read(&file);
    entry["token"] = Value::String("revoked-token".into());
    std::fs::write(&file, entry.to_string()).expect("write");
    let wrong = run(
        &cloud,
        &cache,
        &[("OS_PASSWORD", "changed")],
        &["flavor-list"],
    );
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
