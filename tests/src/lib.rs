//! Helpers for the workspace tests: the built binaries, a `nova-sim` process on a free port of
//! 127.0.0.1, running `nova` against it, and the shared api-samples.

pub mod fault;
pub mod gate;
pub mod realnova;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace")
        .to_path_buf()
}

/// A binary of the workspace, built by `cargo test --workspace` next to the test executables,
/// and built from the sources as they are now: a binary older than one of its inputs fails the
/// test with what to run, instead of testing the code of an earlier build. (`cargo test -p
/// novagen-tests` builds this crate's dependencies as libraries only, never their binaries.)
pub fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    // target/debug/deps/<test> -> target/debug/<name>
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test executable in target/<profile>/deps");
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is not built: run the tests with `cargo test --workspace`",
        path.display()
    );
    if let Some(newer) = newer_input(&path, &dir.join(format!("{name}.d")), name == "nova") {
        panic!(
            "{} is older than {}: it was not built from the current sources; run \
             `cargo build --workspace` first (or the tests with `cargo test --workspace`)",
            path.display(),
            newer.display()
        );
    }
    path
}

/// An input of the binary `exe` modified after it was built, if any: the workspace files its
/// dep-info file `dep_info` lists, and, for a binary generated from the spec, the spec files
/// and the generator (inputs of the build script, which the dep-info does not name). Files
/// under the binary's own target directory (a build script's `OUT_DIR`) are outputs, not
/// inputs: another build of the same package with other features rewrites its own copy of
/// them, which says nothing of this binary (their sources, spec/ and codegen/, are checked).
pub fn newer_input(exe: &Path, dep_info: &Path, from_spec: bool) -> Option<PathBuf> {
    let built = std::fs::metadata(exe).and_then(|m| m.modified()).ok()?;
    let root = root();
    let outputs = exe.parent().unwrap_or(exe);
    let mut inputs: Vec<PathBuf> = std::fs::read_to_string(dep_info)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once(": ").map(|(_, deps)| deps))
        .flat_map(|deps| deps.split_whitespace())
        .map(PathBuf::from)
        .filter(|p| p.starts_with(&root) && !p.starts_with(outputs))
        .collect();
    if from_spec {
        for dir in ["spec", "codegen/src"] {
            if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
                inputs.extend(entries.flatten().map(|e| e.path()));
            }
        }
        inputs.push(root.join("generated-client/build.rs"));
    }
    inputs.into_iter().find(|p| {
        std::fs::metadata(p)
            .and_then(|m| m.modified())
            .is_ok_and(|m| m > built)
    })
}

/// A prerequisite of a test is missing: under `CI` that is a failure (the prerequisites ship
/// there), elsewhere the test prints `SKIPPED: <why>` and returns. Tests that need `../shared`
/// are also marked ignored when it is absent at build time (`tests/build.rs`), so that a skip
/// shows in `cargo test`'s summary.
pub fn skip(why: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{why} (CI is set: it must be there)");
    }
    eprintln!("SKIPPED: {why}");
}

/// nova's api-samples from `../shared`, or why not.
pub fn samples_dir() -> Result<PathBuf, String> {
    let dir = root().join("../shared/nova-api-samples");
    if dir.join("INDEX.tsv").exists() {
        Ok(dir)
    } else {
        Err(format!(
            "needs {} (it ships beside the project in CI and developer sessions only)",
            dir.display()
        ))
    }
}

/// nova's api-samples from `../shared`, or None: skipped, or a failure under `CI` ([`skip`]).
pub fn samples() -> Option<PathBuf> {
    samples_dir().map_err(|why| skip(&why)).ok()
}

/// A `nova-sim` process; killed when dropped.
pub struct Cloud {
    child: Child,
    pub url: String,
}

impl Cloud {
    /// `nova boot NAME` of the seeded flavor and image with `--poll` (the server is ACTIVE
    /// when it returns); the new server's ID, read from the printed table.
    pub fn boot_polled(&self, name: &str) -> String {
        self.boot_polled_with(name, &[])
    }

    /// `nova boot NAME --image <seeded> --poll` with `extra` arguments after (`--flavor
    /// m1.tiny` unless `extra` names a flavor); asserts that the poll finished and returns the
    /// server's ID, read from the printed table.
    pub fn boot_polled_with(&self, name: &str, extra: &[&str]) -> String {
        let mut args = vec![
            "boot",
            name,
            "--image",
            "cirros-0.6.2-x86_64-disk",
            "--poll",
        ];
        if !extra.contains(&"--flavor") {
            args.extend_from_slice(&["--flavor", "m1.tiny"]);
        }
        args.extend_from_slice(extra);
        let run = self.nova(&args);
        let out = run.ok();
        assert!(
            out.ends_with("Server building... 100% complete\nFinished\n"),
            "{out}"
        );
        out.lines()
            .find_map(|l| {
                l.strip_prefix("| id ")
                    .map(|r| r.trim_matches(|c| c == ' ' || c == '|').to_string())
            })
            .expect("boot prints the server id")
    }

    /// Start with a short build time so `--poll` tests are quick.
    pub fn start() -> Cloud {
        Cloud::with_args(&["--build-time", "0.4"])
    }

    pub fn with_args(extra: &[&str]) -> Cloud {
        let child = Command::new(bin("nova-sim"))
            .args(["--listen", "127.0.0.1:0", "--stop-on-eof"])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start nova-sim");
        // Owned before anything can fail, so that a failing test still stops the process.
        let mut cloud = Cloud {
            child,
            url: String::new(),
        };
        let stdout = cloud.child.stdout.take().expect("nova-sim stdout");
        let mut first = String::new();
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("nova-sim prints its address");
        cloud.url = first
            .trim()
            .strip_prefix("nova-sim listening on ")
            .unwrap_or_default()
            .to_string();
        assert!(
            cloud.url.starts_with("http://127.0.0.1:"),
            "unexpected first line: {first}"
        );
        cloud
    }

    pub fn auth_url(&self) -> String {
        format!("{}/identity", self.url)
    }

    /// The `OS_*` environment for the default account.
    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("OS_AUTH_URL", self.auth_url()),
            ("OS_USERNAME", "admin".into()),
            ("OS_PASSWORD", "secret".into()),
            ("OS_PROJECT_NAME", "admin".into()),
            ("OS_USER_DOMAIN_NAME", "Default".into()),
            ("OS_PROJECT_DOMAIN_NAME", "Default".into()),
            ("OS_REGION_NAME", "RegionOne".into()),
            ("NOVA_POLL_INTERVAL", "0.1".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// Run `nova` with the default account.
    pub fn nova(&self, args: &[&str]) -> Run {
        let env = self.env();
        let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        nova(args, &pairs)
    }

    /// A token for the default account, straight from Keystone.
    pub fn token(&self) -> String {
        self.token_as("admin")
    }

    /// A token for `user` (`admin`, or nova-sim's `member`; password `secret`) scoped to the
    /// admin project, straight from Keystone.
    pub fn token_as(&self, user: &str) -> String {
        let body = serde_json::json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": user, "domain": {"name": "Default"}, "password": "secret"}}},
            "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}});
        let resp = reqwest::blocking::Client::new()
            .post(format!("{}/v3/auth/tokens", self.auth_url()))
            .json(&body)
            .send()
            .expect("keystone answers");
        assert_eq!(resp.status().as_u16(), 201);
        resp.headers()["x-subject-token"]
            .to_str()
            .expect("token header")
            .to_string()
    }

    /// A client of the compute API as the default account.
    pub fn compute(&self) -> Compute<'_> {
        self.compute_as("admin")
    }

    /// A client of the compute API as `user` (see [`Cloud::token_as`]).
    pub fn compute_as(&self, user: &str) -> Compute<'_> {
        Compute {
            cloud: self,
            token: self.token_as(user),
        }
    }

    /// An authenticated JSON request to the cloud (`path` from its root), at a compute
    /// microversion, with a new token for the default account.
    pub fn api(
        &self,
        method: &str,
        path: &str,
        version: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        self.compute().send(version, method, path, body)
    }
}

/// The cloud tests' client of nova-sim's compute API (`/compute/v2.1`) with one user's token.
pub struct Compute<'c> {
    pub cloud: &'c Cloud,
    pub token: String,
}

impl Compute<'_> {
    /// `method path` (below `/compute/v2.1`) at microversion `version`, with `body` as JSON:
    /// the status and the JSON reply (`Null` when there is none, or it is not JSON).
    pub fn call(
        &self,
        version: &str,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        self.send(version, method, &format!("/compute/v2.1{path}"), body)
    }

    /// Boot a server `name` (flavor 1, nova-sim's base image) at 2.1, which must be accepted
    /// (202): its ID.
    pub fn boot(&self, name: &str) -> String {
        let body = serde_json::json!({"server": {
            "name": name, "flavorRef": "1", "imageRef": nova_sim::BASE_IMAGE_ID}});
        let (s, b) = self.call("2.1", "POST", "/servers", Some(body));
        assert_eq!(s, 202, "{b}");
        b["server"]["id"].as_str().expect("id").to_string()
    }

    /// [`Compute::boot`], then wait until the server is out of BUILD (0.4 s on a cloud of
    /// [`Cloud::start`]) before any action.
    pub fn boot_active(&self, name: &str) -> String {
        let id = self.boot(name);
        std::thread::sleep(std::time::Duration::from_millis(600));
        id
    }

    /// The newest instance action of server `id` (its `action`).
    pub fn last_action(&self, id: &str) -> serde_json::Value {
        let (_, b) = self.call(
            "2.1",
            "GET",
            &format!("/servers/{id}/os-instance-actions"),
            None,
        );
        b["instanceActions"][0]["action"].clone()
    }

    /// [`Compute::call`] with `path` from the cloud's root.
    fn send(
        &self,
        version: &str,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = reqwest::blocking::Client::new()
            .request(m, format!("{}{path}", self.cloud.url))
            .header("X-Auth-Token", &self.token)
            .header("OpenStack-API-Version", format!("compute {version}"));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().expect("cloud answers");
        let status = resp.status().as_u16();
        (status, resp.json().unwrap_or(serde_json::Value::Null))
    }
}

/// nova's error body: `{kind: {"code": code, "message": message}}`.
pub fn err(kind: &str, code: u16, message: &str) -> serde_json::Value {
    serde_json::json!({ kind: { "code": code, "message": message } })
}

/// The keys of a JSON object, sorted (none for anything else).
pub fn keys(v: &serde_json::Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    k.sort();
    k
}

impl Drop for Cloud {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a `nova` run printed.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// What a finished `nova args` printed; it must not have panicked ([`assert_no_panic`]).
    pub fn of(args: &[&str], out: std::process::Output) -> Run {
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert_no_panic(args, run.code, &run.stderr);
        run
    }

    /// Assert success and return stdout.
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "nova failed:\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        &self.stdout
    }

    /// `ok`'s counterpart: the run ended with `code` and its standard error says `text`.
    pub fn fails(&self, code: i32, text: &str) -> &str {
        assert_eq!(
            self.code, code,
            "nova's exit code:\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}:\n{}",
            self.stderr
        );
        &self.stderr
    }
}

/// Run `nova` with exactly `env` (no inherited `OS_*` variables). Whatever the test, `nova`
/// must not panic: a run that did fails here ([`assert_no_panic`]).
pub fn nova(args: &[&str], env: &[(&str, &str)]) -> Run {
    Run::of(args, nova_command(args, env).output().expect("run nova"))
}

/// The `nova` command with exactly `env` (no inherited `OS_*` or `NOVA_*` variables), for a
/// test that needs to set up its standard streams itself.
pub fn nova_command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(bin("nova"));
    for (k, _) in std::env::vars() {
        if k.starts_with("OS_") || k.starts_with("NOVA_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("RUST_BACKTRACE", "1");
    // The token cache on, as for a user, but in a directory of this test process.
    cmd.env("XDG_CACHE_HOME", cache_home());
    cmd.args(args).envs(env.iter().copied());
    cmd
}

/// `nova` never panics, whatever it is given: no exit code 101 (Rust's panic), no panic
/// message.
pub fn assert_no_panic(args: &[&str], code: i32, stderr: &str) {
    assert!(
        code != 101 && !stderr.contains("panicked at"),
        "nova {} panicked (exit {code}):\n{stderr}",
        args.join(" ")
    );
}

/// The `XDG_CACHE_HOME` that `nova()` gives `nova`: one per test process.
pub fn cache_home() -> PathBuf {
    test_tmp().join(format!("cache-{}", std::process::id()))
}

/// `target/test-tmp`, made here first and readable by everyone (0755): `nova` makes a missing
/// cache home's ancestors 0700, as XDG asks, and a test that plays another local user needs
/// to reach its directories below this one whichever test made it first.
fn test_tmp() -> PathBuf {
    let dir = root().join("target/test-tmp");
    std::fs::create_dir_all(&dir).expect("create target/test-tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))
            .expect("chmod target/test-tmp");
    }
    dir
}

/// A fresh empty directory under the target directory.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = test_tmp().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// The method and path (on the cloud) of each request a `--debug` run logged.
pub fn requested(debug: &str) -> Vec<String> {
    debug
        .lines()
        .filter_map(|l| l.strip_prefix("REQ: curl -g -i -X "))
        .filter_map(|l| {
            let (method, rest) = l.split_once(' ')?;
            let url = rest.split_whitespace().next()?;
            let path = url.splitn(4, '/').nth(3)?;
            Some(format!(
                "{method} /{}",
                path.split('?').next().unwrap_or(path)
            ))
        })
        .collect()
}

/// Read `out` (a child's output) until `text` has appeared `times` times, then send the child
/// SIGINT (Ctrl-C); what was read so far. Fails if the output ends first.
pub fn interrupt_after(
    out: &mut impl std::io::Read,
    child: &Child,
    text: &str,
    times: usize,
) -> Vec<u8> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 1024];
    while String::from_utf8_lossy(&seen).matches(text).count() < times {
        let n = out.read(&mut buf).expect("read nova's output");
        assert!(
            n > 0,
            "nova ended early: {}",
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&buf[..n]);
    }
    let pid = rustix::process::Pid::from_child(child);
    rustix::process::kill_process(pid, rustix::process::Signal::INT).expect("send SIGINT");
    seen
}

/// A pseudo-terminal: the side `nova` writes to (a terminal to it), and the other side, from
/// which what it wrote is read.
pub struct Pty {
    master: std::fs::File,
    slave: std::fs::File,
}

impl Pty {
    pub fn open() -> Pty {
        use rustix::pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags};
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("openpt");
        grantpt(&master).expect("grantpt");
        unlockpt(&master).expect("unlockpt");
        let name = ptsname(&master, Vec::new()).expect("ptsname");
        let slave = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(name.to_str().expect("pty path"))
            .expect("open the pty's terminal side");
        Pty {
            master: master.into(),
            slave,
        }
    }

    /// Start `cmd` with its stdout (and stderr too, with `both`; else piped) on the terminal;
    /// the child and the side to read what it writes (until every writer is gone: EIO on
    /// Linux).
    pub fn spawn(self, mut cmd: Command, both: bool) -> (Child, std::fs::File) {
        cmd.stdout(self.slave.try_clone().expect("dup pty"));
        if both {
            cmd.stderr(self.slave.try_clone().expect("dup pty"));
        } else {
            cmd.stderr(Stdio::piped());
        }
        let child = cmd.spawn().expect("start nova");
        drop(cmd);
        drop(self.slave);
        (child, self.master)
    }

    /// Start `cmd` in a session of its own whose controlling terminal (its `/dev/tty`) is this
    /// one, standard input on it too, standard output and error piped; the child and the side
    /// to read what it writes on the terminal and to type on it.
    pub fn controlling(self, mut cmd: Command) -> (Child, std::fs::File) {
        use std::os::unix::process::CommandExt as _;
        cmd.stdin(self.slave.try_clone().expect("dup pty"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // SAFETY: between fork and exec only two system calls are made (no allocation, no
        // lock): a new session, and standard input, the terminal, made its controlling one.
        unsafe {
            cmd.pre_exec(|| {
                rustix::process::setsid()?;
                rustix::process::ioctl_tiocsctty(std::io::stdin())?;
                Ok(())
            });
        }
        let child = cmd.spawn().expect("start nova");
        drop(cmd);
        drop(self.slave);
        (child, self.master)
    }

    /// Run `nova args` against the cloud with stdout (and stderr too, with `both`) on the
    /// terminal; what it wrote there (the terminal's `\r\n` line ends read as `\n`), and the
    /// run.
    pub fn run(self, cloud: &Cloud, args: &[&str], both: bool) -> (String, Run) {
        self.run_env(&cloud.env(), args, both)
    }

    /// [`Pty::run`] with `env` for nova's environment (another cloud's, a fault cloud's).
    pub fn run_env(self, env: &[(String, String)], args: &[&str], both: bool) -> (String, Run) {
        let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut cmd = nova_command(args, &pairs);
        cmd.stdin(Stdio::null());
        let (child, mut master) = self.spawn(cmd, both);
        // Read while nova runs.
        let reader = std::thread::spawn(move || {
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = std::io::Read::read(&mut master, &mut buf) {
                seen.extend_from_slice(&buf[..n]);
            }
            seen
        });
        let run = Run::of(args, child.wait_with_output().expect("wait for nova"));
        let seen = reader.join().expect("pty reader");
        let text = String::from_utf8_lossy(&seen).replace("\r\n", "\n");
        (text, run)
    }
}

/// `req-<uuid>` as `req-` and 36 `x`, so that tables keep their widths.
pub fn mask_request_ids(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("req-") {
        out.push_str(&rest[..i + 4]);
        let tail = &rest[i + 4..];
        let id_len = tail
            .chars()
            .take_while(|c| c.is_ascii_hexdigit() || *c == '-')
            .count();
        out.push_str(&"x".repeat(id_len));
        rest = &tail[id_len..];
    }
    out + rest
}
