//! The differential suite: python-novaclient 18.13.1 and our `nova`, side by side against the
//! same real nova 34 (`../shared/realnova`, started by `.ci/run`, or by hand:
//! `../shared/realnova/setup.sh && ../shared/realnova/start.sh`). For every scenario: stdout
//! byte for byte, the stderr error line and the exit code, after masking what must differ
//! between two runs (UUIDs, request IDs, timestamps, passwords — keeping column widths).
//!
//! Deliberate differences are listed, with their reasons, in `DIFFERENCES.md`; a scenario that
//! shows one names it, and the test checks it still differs (so the list stays true).
//!
//! A custom harness (`harness = false`, `main` below): when `../shared/realnova` is there but
//! real nova is not answering, the first test starts it and `main` stops it after the last
//! (`novagen_tests::realnova`). Without it the tests show as `ignored (<why>)` in `cargo
//! test`'s summary, and fail when `CI` is set.

use novagen_tests::gate::{trial, Arguments};
use novagen_tests::realnova::Zygotes;
use novagen_tests::{bin, root};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;
use std::sync::{OnceLock, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

fn main() {
    let args = Arguments::from_args();
    let trials = vec![
        trial(
            "read_only_commands_match_novaclient",
            realnova,
            read_only_commands_match_novaclient,
        ),
        trial(
            "server_commands_match_novaclient",
            realnova,
            server_commands_match_novaclient,
        ),
        trial(
            "changing_commands_match_novaclient",
            realnova,
            changing_commands_match_novaclient,
        ),
        trial(
            "admin_commands_match_novaclient",
            realnova,
            admin_commands_match_novaclient,
        ),
        trial(
            "aggregate_commands_match_novaclient",
            realnova,
            aggregate_commands_match_novaclient,
        ),
        trial(
            "group_commands_match_novaclient",
            realnova,
            group_commands_match_novaclient,
        ),
        trial(
            "wrap_commands_match_novaclient",
            realnova,
            wrap_commands_match_novaclient,
        ),
        trial(
            "boot_commands_match_novaclient",
            realnova,
            boot_commands_match_novaclient,
        ),
        trial(
            "host_commands_match_novaclient",
            realnova,
            host_commands_match_novaclient,
        ),
        trial(
            "usage_commands_match_novaclient",
            realnova,
            usage_commands_match_novaclient,
        ),
        trial(
            "local_commands_match_novaclient",
            realnova,
            local_commands_match_novaclient,
        ),
        trial(
            "novaclient_runs_the_same_through_the_zygote",
            realnova_and_a_zygote,
            novaclient_runs_the_same_through_the_zygote,
        ),
    ];
    let conclusion = novagen_tests::gate::run(&args, trials);
    if let Some(Ok(zygotes)) = ZYGOTES.get() {
        zygotes.stop();
    }
    novagen_tests::realnova::stop_started();
    conclusion.exit();
}

/// realnova's state as the tests of this file see it: a test that changes what the others read
/// (services, its own servers) holds it for writing, the others for reading.
static STATE: RwLock<()> = RwLock::new(());

fn reading() -> RwLockReadGuard<'static, ()> {
    STATE.read().unwrap_or_else(PoisonError::into_inner)
}

fn writing() -> RwLockWriteGuard<'static, ()> {
    STATE.write().unwrap_or_else(PoisonError::into_inner)
}

#[derive(Clone)]
struct RealNova {
    dir: PathBuf,
    env: Vec<(String, String)>,
}

/// The running realnova (started by this suite if need be, see `novagen_tests::realnova`), or
/// why not: the tests show as ignored with it, and fail under `CI`.
fn realnova() -> Result<RealNova, String> {
    let ready = novagen_tests::realnova::running()?;
    let novaclient = ready.dir.join("venv/bin/nova");
    if !novaclient.exists() {
        return Err(format!(
            "{} is absent: run ../shared/realnova/setup.sh",
            novaclient.display()
        ));
    }
    Ok(RealNova {
        dir: ready.dir,
        env: ready.env,
    })
}

/// One run of a client: exit code, stdout, stderr.
#[derive(Clone, Debug, PartialEq)]
struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Out {
    fn of(out: std::process::Output) -> Out {
        Out {
            code: out.status.code(),
            stdout: mask(&String::from_utf8_lossy(&out.stdout)),
            stderr: mask(&stderr_lines(&String::from_utf8_lossy(&out.stderr))),
        }
    }
}

impl RealNova {
    /// The whole environment of a client's run: PATH, HOME and the `OS_*` of this user.
    fn client_env(&self) -> Vec<(String, String)> {
        let mut env = base_env();
        env.extend(self.env.iter().cloned());
        env
    }

    /// A run as it is, unmasked (for IDs a clean-up needs).
    fn raw(&self, program: PathBuf, args: &[&str]) -> std::process::Output {
        self.raw_with(program, args, &[])
    }

    fn raw_with(
        &self,
        program: PathBuf,
        args: &[&str],
        extra: &[(&str, &str)],
    ) -> std::process::Output {
        Command::new(program)
            .args(args)
            .env_clear()
            .envs(self.client_env())
            .envs(extra.iter().copied())
            .output()
            .expect("run a client")
    }

    /// python-novaclient's `nova`: through the zygote (see [`zygotes`]), else as a process of
    /// its own.
    fn theirs(&self, args: &[&str]) -> Out {
        let out = match zygotes(self) {
            Some(zygotes) => zygotes
                .output(args, &self.client_env())
                .unwrap_or_else(|e| panic!("nova {}: {e}", args.join(" "))),
            None => self.direct(args),
        };
        let out = Out::of(out);
        record(self, args, &out);
        out
    }

    /// python-novaclient's `nova` as a process of its own.
    fn direct(&self, args: &[&str]) -> std::process::Output {
        self.raw(self.dir.join("venv/bin/nova"), args)
    }

    /// Our `nova`, which must never panic (as everywhere in the suite).
    fn ours(&self, args: &[&str]) -> Out {
        self.ours_with(args, &[])
    }

    fn ours_with(&self, args: &[&str], extra: &[(&str, &str)]) -> Out {
        let out = self.raw_with(bin("nova"), args, extra);
        let stderr = String::from_utf8_lossy(&out.stderr);
        novagen_tests::assert_no_panic(args, out.status.code().unwrap_or(-1), &stderr);
        Out::of(out)
    }

    /// Our `nova` for a set-up or clean-up (not a run compared): `--poll` checks every 0.2 s
    /// instead of 5 s.
    fn ours_setting_up(&self, args: &[&str]) -> Out {
        self.ours_with(args, &[("NOVA_POLL_INTERVAL", "0.2")])
    }

    /// The same cloud as another keystone user (with a project of the same name and password).
    fn as_user(&self, user: &str) -> RealNova {
        let mut other = self.clone();
        for (k, v) in &mut other.env {
            if matches!(
                k.as_str(),
                "OS_USERNAME" | "OS_PASSWORD" | "OS_PROJECT_NAME"
            ) {
                *v = user.to_string();
            }
        }
        other
    }

    fn var(&self, name: &str) -> &str {
        self.env
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// A token of the user of this environment, with the IDs keystone gives along.
    fn login(&self) -> Api {
        let domain = json!({"name": self.var("OS_USER_DOMAIN_NAME")});
        let body = json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": self.var("OS_USERNAME"), "password": self.var("OS_PASSWORD"), "domain": domain}}},
            "scope": {"project": {"name": self.var("OS_PROJECT_NAME"),
                "domain": {"name": self.var("OS_PROJECT_DOMAIN_NAME")}}}}});
        let url = format!("{}/auth/tokens", self.var("OS_AUTH_URL"));
        let reply = reqwest::blocking::Client::new()
            .post(&url)
            .json(&body)
            .send()
            .expect("keystone answers");
        let token = reply
            .headers()
            .get("X-Subject-Token")
            .and_then(|t| t.to_str().ok())
            .expect("a token")
            .to_string();
        let reply: Value = reply.json().expect("keystone's JSON");
        let compute = reply["token"]["catalog"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| s["type"] == "compute")
            .flat_map(|s| s["endpoints"].as_array().into_iter().flatten())
            .find(|e| e["interface"] == "public")
            .and_then(|e| e["url"].as_str())
            .expect("a compute endpoint")
            .trim_end_matches('/')
            .to_string();
        Api {
            token,
            compute,
            project_id: reply["token"]["project"]["id"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            user_id: reply["token"]["user"]["id"]
                .as_str()
                .unwrap_or("")
                .to_string(),
        }
    }
}

/// Nova's API itself, for what the scenarios need set up around them (no client under test).
struct Api {
    token: String,
    compute: String,
    project_id: String,
    user_id: String,
}

impl Api {
    fn send(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
        let mut req = reqwest::blocking::Client::new()
            .request(method, format!("{}{path}", self.compute))
            .header("X-Auth-Token", &self.token)
            .header("X-OpenStack-Nova-API-Version", "2.96")
            .timeout(Duration::from_secs(30));
        if let Some(body) = body {
            req = req.json(&body);
        }
        let reply = req.send().map_err(|e| e.to_string())?;
        let status = reply.status();
        let text = reply.text().unwrap_or_default();
        if !status.is_success() {
            return Err(format!("{path}: {status} {text}"));
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.send(method, path, body)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn action(&self, server: &str, body: Value) {
        self.call("POST", &format!("/servers/{server}/action"), Some(body));
    }

    /// Wait until the server has this status on this host, for at most a minute.
    fn wait(&self, id: &str, status: &str, host: &str) {
        let start = Instant::now();
        loop {
            let s = self.call("GET", &format!("/servers/{id}"), None);
            if s["server"]["status"] == status && s["server"]["OS-EXT-SRV-ATTR:host"] == host {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "server {id} is not {status} on {host}: {s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Wait until the server is gone, for at most a minute.
    fn gone(&self, id: &str) {
        let start = Instant::now();
        while self.send("GET", &format!("/servers/{id}"), None).is_ok() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "server {id} stays"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// IDs of the servers on a hypervisor.
    fn servers_on(&self, hypervisor: &str) -> Vec<String> {
        let h = self.call(
            "GET",
            &format!("/os-hypervisors?hypervisor_hostname_pattern={hypervisor}&with_servers=True"),
            None,
        );
        h["hypervisors"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|h| h["servers"].as_array().into_iter().flatten())
            .filter_map(|s| s["uuid"].as_str().map(str::to_string))
            .collect()
    }
}

/// What every client's run gets besides the `OS_*` variables.
fn base_env() -> Vec<(String, String)> {
    let path = std::env::var("PATH").unwrap_or_default();
    let home = std::env::temp_dir().to_string_lossy().into_owned();
    vec![("PATH".into(), path), ("HOME".into(), home)]
}

static ZYGOTES: OnceLock<Result<Zygotes, String>> = OnceLock::new();

/// The novaclient zygotes (`novagen_tests::realnova::Zygotes`), started at the first run of
/// python-novaclient; None with `NOVACLIENT_ZYGOTE=0` (each run a process of its own, as a
/// user runs it) or when they cannot start: then the suite says so and runs each command
/// directly, and under `CI` it fails instead.
fn zygotes(real: &RealNova) -> Option<&'static Zygotes> {
    if std::env::var_os("NOVACLIENT_ZYGOTE").is_some_and(|v| v == "0") {
        return None;
    }
    let started = ZYGOTES.get_or_init(|| {
        let t = Instant::now();
        let python = real.dir.join("venv/bin/python");
        let zygotes = Zygotes::start(python, base_env());
        match &zygotes {
            Ok(_) => eprintln!("novaclient: zygote ready in {:?}", t.elapsed()),
            Err(why) => eprintln!("novaclient: {why}; each command runs as a process of its own"),
        }
        zygotes
    });
    match started {
        Ok(zygotes) => Some(zygotes),
        Err(why) if novagen_tests::gate::ci() => {
            panic!("{why} (CI is set: the novaclient zygote must start)")
        }
        Err(_) => None,
    }
}

/// With `REALNOVA_RECORD=<file>`, every run of python-novaclient as the comparison sees it
/// (masked, its arguments too; this run's pid as `PID`), appended: two runs of the suite, one
/// with `NOVACLIENT_ZYGOTE=0`, can be compared (`tests/realnova-record-diff.sh`).
fn record(real: &RealNova, args: &[&str], out: &Out) {
    use std::io::Write;
    static FILE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let Some(path) = std::env::var_os("REALNOVA_RECORD") else {
        return;
    };
    let pid = std::process::id().to_string();
    let text = format!(
        "@@ nova {} (as {})\nexit {:?}\n{}{}",
        mask(&args.join(" ")),
        real.var("OS_USERNAME"),
        out.code,
        out.stdout,
        out.stderr
    )
    .replace(&pid, "PID");
    let _lock = FILE.lock().unwrap_or_else(PoisonError::into_inner);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .expect("REALNOVA_RECORD");
    file.write_all(text.as_bytes()).expect("REALNOVA_RECORD");
}

/// novaclient's deprecation notice is not part of the comparison.
fn stderr_lines(s: &str) -> String {
    s.lines()
        .filter(|l| !l.contains("nova CLI is deprecated"))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Mask what differs between two runs: UUIDs (with or without dashes), timestamps, `req-…`
/// request IDs; each replaced by the same number of characters, so tables keep their widths.
fn mask(s: &str) -> String {
    let patterns = [
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        r"\b[0-9a-f]{32}\b",
        r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)?",
        // Made up anew by nova for every server: its password, instance name, reservation.
        r"(?m)(?:^\| adminPass +\| )\S+",
        r"\binstance-[0-9a-f]{8}\b",
        r"\br-[0-9a-z]{8}\b",
    ];
    // How often a poll saw the same progress depends on timing, not on the client.
    let mut out = String::new();
    let mut last = None;
    for (i, piece) in s.split('\r').enumerate() {
        if i > 0 {
            if last == Some(piece) && !piece.contains('\n') {
                continue;
            }
            out.push('\r');
        }
        out.push_str(piece);
        last = Some(piece);
    }
    for p in patterns {
        let re = regex::Regex::new(p).expect("pattern");
        out = re
            .replace_all(&out, |c: &regex::Captures| "#".repeat(c[0].chars().count()))
            .into_owned();
    }
    out
}

/// What a scenario expects of the two clients.
#[derive(Clone, Copy)]
enum Expect {
    Same,
    /// The same once what this pattern matches is masked too in stdout: values that change
    /// between the two runs (usage hours of running servers).
    Masked(&'static str),
    /// A deliberate difference, by its entry in DIFFERENCES.md.
    Deliberate(&'static str),
}
use Expect::*;

/// One scenario: None when it meets its expectation, else what is wrong. `between` runs after
/// each client's run: a scenario that changes the cloud restores it there, so that both clients
/// start from the same state.
fn compare(
    real: &RealNova,
    args: &[&str],
    expect: Expect,
    listed: &str,
    between: &dyn Fn(),
) -> Option<String> {
    let mut time = Timing::start();
    let theirs = real.theirs(args);
    time.theirs();
    between();
    time.steps();
    let ours = real.ours(args);
    time.ours();
    between();
    time.steps();
    time.report(args);
    verdict(real, args, expect, listed, theirs, ours)
}

/// A scenario that only reads (or that nova or the clients refuse): both clients at once.
fn run_reading(real: &RealNova, args: &[&str]) -> (Out, Out) {
    let start = Instant::now();
    let ((theirs, t), (ours, o)) = std::thread::scope(|s| {
        let theirs = s.spawn(|| (real.theirs(args), start.elapsed()));
        let ours = (real.ours(args), start.elapsed());
        (theirs.join().expect("novaclient's run"), ours)
    });
    eprintln!(
        "{:>6.1} s  (theirs {:>5.1}, ours {:>4.1}, at once)  nova {}",
        start.elapsed().as_secs_f64(),
        t.as_secs_f64(),
        o.as_secs_f64(),
        args.join(" ")
    );
    (theirs, ours)
}

/// Whether nova answered a run with the RuntimeError of its test harness's cell-database
/// fixture (nova's `CellDatabases.target_cell` gives up after three retries when concurrent
/// requests switch between cell0 and cell1: a race of the harness realnova runs nova in,
/// not of nova or of either client). Only an HTTP 500 that names `RuntimeError` counts.
fn harness_raced(out: &Out) -> bool {
    let said = format!("{}{}", out.stdout, out.stderr);
    said.contains("Unexpected API Error") && said.contains("<class 'RuntimeError'>")
}

/// Where a scenario's time goes: python-novaclient's run, ours, and the steps around them
/// (set-up, clean-up, waits for a server's state), printed as one line per scenario.
struct Timing {
    start: Instant,
    mark: Instant,
    theirs: Duration,
    ours: Duration,
    steps: Duration,
}

impl Timing {
    fn start() -> Timing {
        let now = Instant::now();
        Timing {
            start: now,
            mark: now,
            theirs: Duration::ZERO,
            ours: Duration::ZERO,
            steps: Duration::ZERO,
        }
    }

    fn lap(&mut self) -> Duration {
        let now = Instant::now();
        now.duration_since(std::mem::replace(&mut self.mark, now))
    }

    fn theirs(&mut self) {
        let lap = self.lap();
        self.theirs += lap;
    }

    fn ours(&mut self) {
        let lap = self.lap();
        self.ours += lap;
    }

    fn steps(&mut self) {
        let lap = self.lap();
        self.steps += lap;
    }

    fn report(&self, args: &[&str]) {
        eprintln!(
            "{:>6.1} s  (theirs {:>5.1}, ours {:>4.1}, steps {:>5.1})  nova {}",
            self.start.elapsed().as_secs_f64(),
            self.theirs.as_secs_f64(),
            self.ours.as_secs_f64(),
            self.steps.as_secs_f64(),
            args.join(" ")
        );
    }
}

/// What is wrong with two clients' outputs for a scenario's expectation, if anything.
fn verdict(
    real: &RealNova,
    args: &[&str],
    expect: Expect,
    listed: &str,
    mut theirs: Out,
    mut ours: Out,
) -> Option<String> {
    if let Masked(pattern) = expect {
        let re = regex::Regex::new(pattern).expect("pattern");
        for out in [&mut theirs, &mut ours] {
            out.stdout = re
                .replace_all(&out.stdout, |c: &regex::Captures| "#".repeat(c[0].len()))
                .into_owned();
        }
    }
    let same = theirs == ours;
    let user = match real.var("OS_USERNAME") {
        "admin" => String::new(),
        other => format!(" (as {other})"),
    };
    match expect {
        Same | Masked(_) if !same => Some(format!(
            "nova {}{user}\n--- python-novaclient (exit {:?})\n{}{}--- ours (exit {:?})\n{}{}",
            args.join(" "),
            theirs.code,
            theirs.stdout,
            theirs.stderr,
            ours.code,
            ours.stdout,
            ours.stderr
        )),
        Deliberate(id) if same => Some(format!(
            "nova {}{user}: listed as deliberate difference {id}, but the outputs are the same",
            args.join(" ")
        )),
        Deliberate(id) if !listed.contains(&format!("## {id}:")) => {
            Some(format!("{id} is not an entry of DIFFERENCES.md"))
        }
        _ => None,
    }
}

fn listed_differences() -> String {
    std::fs::read_to_string(root().join("DIFFERENCES.md")).expect("DIFFERENCES.md")
}

/// Scenarios that only read (or that nova or the clients refuse), a few at a time, each with
/// both clients at once: what each does not meet. A scenario that nova answered with its
/// harness's cell race ([`harness_raced`]) is run again once, alone, after the others, and
/// judged on that run (said on stderr); a race on that run too is a failure.
fn differences_parallel(scenarios: &[(&RealNova, &[&str], Expect)]) -> Vec<String> {
    let listed = listed_differences();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let found = std::sync::Mutex::new(Vec::new());
    let raced = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some((real, args, expect)) = scenarios.get(i) else {
                    break;
                };
                let (theirs, ours) = run_reading(real, args);
                if harness_raced(&theirs) || harness_raced(&ours) {
                    raced.lock().unwrap_or_else(PoisonError::into_inner).push(i);
                } else if let Some(f) = verdict(real, args, *expect, &listed, theirs, ours) {
                    found
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push((i, f));
                }
            });
        }
    });
    let mut found = found.into_inner().unwrap_or_else(PoisonError::into_inner);
    let mut raced = raced.into_inner().unwrap_or_else(PoisonError::into_inner);
    raced.sort();
    for i in raced {
        let (real, args, expect) = scenarios[i];
        eprintln!(
            "again, alone (nova's harness raced between cells): nova {}",
            args.join(" ")
        );
        let (theirs, ours) = run_reading(real, args);
        if harness_raced(&theirs) || harness_raced(&ours) {
            let f = format!("nova {}: nova's harness raced twice", args.join(" "));
            found.push((i, f));
        } else if let Some(f) = verdict(real, args, expect, &listed, theirs, ours) {
            found.push((i, f));
        }
    }
    found.sort();
    found.into_iter().map(|(_, f)| f).collect()
}

/// Fail once with every scenario that does not meet its expectation.
fn assert_none(failures: &[String], total: usize) {
    assert!(
        failures.is_empty(),
        "{} of {} scenarios differ:\n\n{}",
        failures.len(),
        total,
        failures.join("\n\n")
    );
}

/// Run scenarios; report every one that does not meet its expectation, then fail once.
fn check(real: &RealNova, scenarios: &[(&[&str], Expect)]) {
    let listed = listed_differences();
    let failures: Vec<String> = scenarios
        .iter()
        .filter_map(|(args, expect)| compare(real, args, *expect, &listed, &|| {}))
        .collect();
    assert_none(&failures, scenarios.len());
}

/// Run scenarios that only read (or that nova or the clients refuse), a few at a time;
/// report every one that does not meet its expectation, then fail once.
fn check_reading(real: &RealNova, scenarios: &[(&[&str], Expect)]) {
    let scenarios: Vec<(&RealNova, &[&str], Expect)> =
        scenarios.iter().map(|(a, e)| (real, *a, *e)).collect();
    assert_none(&differences_parallel(&scenarios), scenarios.len());
}

const V1: &str = "--os-compute-api-version=2.1";
const V96: &str = "--os-compute-api-version=2.96";

fn read_only_commands_match_novaclient(real: RealNova) {
    let _state = reading();
    #[rustfmt::skip]
    let scenarios: &[(&[&str], Expect)] = &[
        (&[V96, "flavor-list"], Same),
        (&[V1, "flavor-list"], Same),
        (&[V96, "flavor-list", "--limit", "2"], Same),
        (&[V96, "flavor-list", "--min-ram", "1000"], Same),
        (&[V96, "flavor-show", "1"], Same),
        (&[V96, "flavor-show", "m1.small"], Same),
        (&[V96, "flavor-show", "m1.tiny.specs"], Same),
        (&[V1, "flavor-show", "m1.tiny.specs"], Same),
        (&["--os-compute-api-version=2.60", "flavor-show", "6"], Same),
        (&[V1, "flavor-list", "--extra-specs"], Same),
        (&["--os-compute-api-version=2.61", "flavor-list", "--extra-specs"], Same),
        (&[V96, "flavor-show", "no-such-flavor"], Same),
        (&[V96, "flavor-access-list", "--flavor", "1"], Same),
        (&[V96, "keypair-add", "k", "--pub-key", "/nonexistent"], Same),
        (&[V96, "keypair-list"], Same),
        (&[V1, "keypair-list"], Same),
        (&[V96, "list"], Same),
        (&[V1, "list"], Same),
        (&[V96, "list", "--minimal"], Same),
        (&[V96, "show", "no-such-server"], Same),
        (&[V96, "limits"], Same),
        (&[V1, "limits"], Same),
        (&[V96, "quota-defaults"], Same),
        (&[V96, "service-list"], Same),
        (&[V1, "service-list"], Same),
        (&[V96, "service-list", "--binary", "nova-compute"], Same),
        (&[V96, "hypervisor-list"], Same),
        (&[V1, "hypervisor-list"], Same),
        (&[V96, "hypervisor-servers", "fake"], Same),
        (&[V1, "hypervisor-servers", "fake"], Same),
        (&[V96, "quota-show"], Same),
        (&[V96, "quota-show", "--detail"], Same),
        (&[V96, "server-tag-list", "no-such-server"], Same),
        // Arguments novaclient checks on the client (nothing is created: every one fails).
        (&["--os-compute-api-version=2.36", "boot", "x", "--flavor", "m1.tiny", "--image", "fakeimage6", "--nic", "none"], Same),
        (&["--os-compute-api-version=2.31", "boot", "x", "--flavor", "m1.tiny", "--image", "fakeimage6", "--nic", "foo=bar"], Same),
        (&["--os-compute-api-version=2.41", "boot", "x", "--flavor", "m1.tiny", "--image", "fakeimage6", "--nic", "net-id=a,port-id=b"], Same),
        (&[V96, "boot", "x", "--flavor", "m1.tiny", "--image", "fakeimage6", "--nic", "none,net-id=a"], Same),
        (&[V96, "boot", "x", "--flavor", "m1.tiny", "--image", "fakeimage6", "--nic", "net-id=a", "--nic", "auto"], Same),
        (&[V96, "boot", "x", "--flavor", "m1.tiny", "--image", "fakeimage6", "--nic", "none", "--meta", "a=b", "--meta", "foo"], Same),
        (&[V96, "boot", "x", "--flavor", "m1.tiny", "--nic", "none"], Same),
        (&[V96, "boot", "x", "--flavor", "m1.nope", "--image", "fakeimage6", "--nic", "none"], Same),
        (&[V96, "boot", "x", "--flavor", "m1.tiny", "--image", "nope", "--nic", "none"], Same),
        (&[V96, "boot", "x", "--flavor", "m1.tiny", "--image", "fakeimage123456", "--nic", "none"], Same),
        (&[V96, "boot", "x", "--image", "fakeimage6", "--nic", "none"], Deliberate("D31")),
        (&[V96, "boot", "x", "--flavor", "m1.tiny", "--image", "fakeimage6", "--nic", "none", "--hint", "foo"], Deliberate("D31")),
        (&[V1, "keypair-delete", "no-such-key"], Same),
        (&["--os-compute-api-version=2.10", "keypair-delete", "no-such-key"], Same),
        (&[V96, "keypair-delete", "no-such-key", "--user", "nobody"], Same),
        (&[V1, "keypair-show", "no-such-key"], Same),
        (&[V96, "keypair-show", "no-such-key", "--user", "nobody"], Same),
    ];
    check_reading(&real, scenarios);
}

fn server_commands_match_novaclient(real: RealNova) {
    // Its servers show in the lists and limits the read-only scenarios compare.
    let _state = writing();
    // One server, booted by our client, read by both (a name of its own for this run).
    let name = format!("diffvm-{}", std::process::id());
    let name = name.as_str();
    let boot = real.ours_setting_up(&[
        V96,
        "boot",
        name,
        "--flavor",
        "m1.tiny",
        "--image",
        "fakeimage6",
        "--nic",
        "none",
        "--poll",
    ]);
    assert_eq!(boot.code, Some(0), "{}", boot.stderr);
    // Two servers of one name: a name that is ambiguous.
    let dup = format!("dup-{}", std::process::id());
    let dup = dup.as_str();
    for _ in 0..2 {
        real.step(&[
            V96,
            "boot",
            dup,
            "--flavor",
            "m1.tiny",
            "--image",
            "fakeimage6",
            "--nic",
            "none",
        ]);
    }
    // Both built, so that the lists do not show them building for one client only.
    real.step(&["wait", dup]);
    #[rustfmt::skip]
    let scenarios: &[(&[&str], Expect)] = &[
        (&[V96, "show", dup], Same),
        (&[V1, "get-vnc-console", dup, "novnc"], Same),
        (&[V96, "show", name], Same),
        (&["--os-compute-api-version=2.46", "show", name], Same),
        (&[V96, "list"], Same),
        (&[V96, "list", "--name", name], Same),
        (&[V96, "list", "--fields", "name,status"], Same),
        (&[V96, "list", "--minimal"], Same),
        (&[V96, "server-tag-list", name], Same),
        (&[V96, "get-vnc-console", name, "novnc"], Same),
        (&["--os-compute-api-version=2.5", "get-vnc-console", name, "novnc"], Same),
        (&[V96, "hypervisor-servers", "fake"], Same),
        (&[V96, "delete", "no-such-server"], Deliberate("D6")),
        (&[V1, "list", "--tags", "x"], Deliberate("D8")),
    ];
    check_reading(&real, scenarios);
    // What changes the server (a reboot of it, then nova's 404): one client after the other.
    #[rustfmt::skip]
    let scenarios: &[(&[&str], Expect)] = &[
        (&[V96, "reboot", dup], Same),
        (&[V96, "reboot", name, "no-such-server"], Same),
        // Every reboot asked for, then each server waited for in turn.
        (&[V96, "reboot", "--poll", dup, name], Same),
    ];
    check(&real, scenarios);
    let gone = real.ours(&[V96, "delete", name]);
    assert_eq!(gone.code, Some(0), "{}", gone.stderr);
    let ids = real.raw(
        bin("nova"),
        &[
            V96,
            "list",
            "--name",
            &format!("^{dup}$"),
            "--minimal",
            "--format",
            "value",
        ],
    );
    for line in String::from_utf8_lossy(&ids.stdout).lines() {
        if let Some(id) = line.split_whitespace().next() {
            real.step(&[V96, "delete", id]);
        }
    }
}

/// One changing scenario, run from the same state for each client: `before` (with our
/// client) sets the state up, `args` runs, `after` puts things back (`["wait", name]`: until
/// the server is settled; `["gone", name]`: until it is deleted).
fn change(
    real: &RealNova,
    failures: &mut Vec<String>,
    listed: &str,
    before: &[&[&str]],
    args: &[&str],
    after: &[&[&str]],
    expect: Expect,
) -> Out {
    change_then(real, failures, listed, (before, args, after, expect), true)
}

/// [`change`], with `after` after our client's run too only when `after_ours` (when nothing
/// comes next that needs the cloud put back). Our client's output.
fn change_then(
    real: &RealNova,
    failures: &mut Vec<String>,
    listed: &str,
    (before, args, after, expect): Changing,
    after_ours: bool,
) -> Out {
    let mut time = Timing::start();
    let mut outs = Vec::new();
    for theirs in [true, false] {
        for step in before {
            real.step(step);
        }
        time.steps();
        outs.push(if theirs {
            let out = real.theirs(args);
            time.theirs();
            out
        } else {
            let out = real.ours(args);
            time.ours();
            out
        });
        if theirs || after_ours {
            for step in after {
                real.step(step);
            }
        }
        time.steps();
    }
    time.report(args);
    let ours = outs.pop().expect("our run");
    let theirs = outs.pop().expect("their run");
    failures.extend(verdict(real, args, expect, listed, theirs, ours.clone()));
    ours
}

impl RealNova {
    /// A set-up or clean-up step with our client; it must succeed.
    fn step(&self, step: &[&str]) {
        match step {
            ["wait", name] => self.wait(name, false),
            ["gone", name] => self.wait(name, true),
            _ => {
                let out = self.ours_setting_up(step);
                assert_eq!(out.code, Some(0), "step {step:?}: {}", out.stderr);
            }
        }
    }

    /// Until the server is settled (no task, not building), or gone.
    fn wait(&self, name: &str, gone: bool) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(60) {
            let out = self.ours(&[
                V96,
                "list",
                "--name",
                &format!("^{name}$"),
                "--format",
                "json",
            ]);
            let rows: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_default();
            let rows = rows.as_array().cloned().unwrap_or_default();
            let settled = rows.iter().all(|r| {
                r["OS-EXT-STS:task_state"]
                    .as_str()
                    .is_none_or(|t| t == "-" || t.is_empty())
                    && r["status"] != "BUILD"
            });
            if (gone && rows.is_empty()) || (!gone && !rows.is_empty() && settled) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("server {name} did not settle");
    }
}

/// Steps before, the command, steps after, and what is expected.
type Changing<'a> = (
    &'a [&'a [&'a str]],
    &'a [&'a str],
    &'a [&'a [&'a str]],
    Expect,
);

/// A public key for keypair-add (only its shape matters).
const PUB_KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKYcmmh6Ym5PnSuL0pwSGJLagRrxSd+WBZm50bAJ3BJu diff@novagen\n";

fn changing_commands_match_novaclient(real: RealNova) {
    let _state = writing();
    let pid = std::process::id();
    let s = format!("chg-{pid}");
    let s = s.as_str();
    real.step(&[
        V96,
        "boot",
        s,
        "--flavor",
        "m1.tiny",
        "--image",
        "fakeimage6",
        "--nic",
        "none",
        "--poll",
    ]);
    let key_file = std::env::temp_dir().join(format!("diff-key-{pid}.pub"));
    std::fs::write(&key_file, PUB_KEY).expect("write key");
    let key_file = key_file.to_string_lossy().into_owned();
    let (b, e, q, k, f, fid, big) = (
        format!("new-{pid}"),
        format!("err-{pid}"),
        format!("quota-{pid}"),
        format!("key-{pid}"),
        format!("flv-{pid}"),
        format!("fid-{pid}"),
        format!("big-{pid}"),
    );
    let (b, e, q, k, f, fid, big) = (&*b, &*e, &*q, &*k, &*f, &*fid, &*big);
    // A flavor no fake host can hold (under the RAM quota): its servers end in ERROR.
    real.step(&[V96, "flavor-create", big, "auto", "40000", "1", "1"]);
    let wait: &[&[&str]] = &[&["wait", s]];
    let mut failures = Vec::new();
    let listed = listed_differences();
    #[rustfmt::skip]
    let scenarios: &[Changing] = &[
        // Server actions, each from a settled server.
        (&[], &[V96, "reboot", s], wait, Same),
        (&[], &[V1, "reboot", "--hard", s], wait, Same),
        (&[], &[V96, "reboot", "--poll", s], wait, Same),
        (&[], &[V96, "update", s, "--description", "described"], &[], Same),
        (&[], &[V1, "update", s, "--name", s], &[], Same),
        (&[], &[V96, "meta", s, "set", "k=v", "k2=v2"], &[&[V96, "meta", s, "delete", "k", "k2"]], Same),
        (&[&[V96, "meta", s, "set", "k=v"]], &[V96, "meta", s, "delete", "k"], &[], Same),
        (&[], &[V96, "server-tag-add", s, "t1", "t2"], &[&[V96, "server-tag-delete-all", s]], Same),
        (&[&[V96, "server-tag-add", s, "a", "b"]], &[V96, "server-tag-delete", s, "a"], &[&[V96, "server-tag-delete-all", s]], Same),
        (&[], &[V96, "server-tag-set", s, "x", "y"], &[&[V96, "server-tag-delete-all", s]], Same),
        (&[&[V96, "server-tag-add", s, "a"]], &[V96, "server-tag-delete-all", s], &[], Same),
        (&[], &[V96, "image-create", s, "snap", "--poll", "--show"], wait, Same),
        (&[], &[V1, "image-create", s, "snap1"], wait, Same),
        (&[], &[V96, "backup", s, "bk", "daily", "2"], wait, Same),
        (&[], &[V1, "backup", s, "bk1", "weekly", "1"], wait, Same),
        (&[], &[V96, "rebuild", s, "fakeimage7", "--poll"], wait, Same),
        (&[], &[V1, "rebuild", s, "fakeimage6"], wait, Same),
        (&[], &[V1, "show", s], &[], Same),
        // Boots: progress, a quota's 403, a build that fails, a 409 from a server in ERROR.
        (&[], &[V96, "boot", b, "--flavor", "m1.tiny", "--image", "fakeimage6", "--nic", "none", "--poll"], &[&[V96, "delete", b], &["gone", b]], Same),
        (&[], &[V96, "boot", q, "--flavor", "m1.xlarge", "--image", "fakeimage6", "--nic", "none", "--min-count", "4"], &[], Same),
        (&[], &[V96, "boot", e, "--flavor", big, "--image", "fakeimage6", "--nic", "none", "--poll"], &[&["wait", e], &[V96, "delete", e], &["gone", e]], Deliberate("D30")),
        (&[&[V96, "boot", b, "--flavor", "m1.tiny", "--image", "fakeimage6", "--nic", "none"], &["wait", b]], &[V96, "delete", "--all-tenants", b], &[&["gone", b]], Same),
        (&[&[V96, "boot", e, "--flavor", big, "--image", "fakeimage6", "--nic", "none"], &["wait", e]], &[V96, "reboot", e], &[&[V96, "delete", e], &["gone", e]], Deliberate("D6")),
        // Flavors.
        (&[], &[V96, "flavor-create", f, fid, "256", "1", "1", "--description", "d"], &[&[V96, "flavor-delete", fid]], Same),
        (&[], &[V1, "flavor-create", f, "auto", "256", "1", "1", "--is-public", "false"], &[&[V96, "flavor-delete", f]], Same),
        (&[&[V96, "flavor-create", f, fid, "256", "1", "1"]], &[V96, "flavor-key", f, "set", "a=b", "c=d"], &[&[V96, "flavor-delete", fid]], Same),
        (&[&[V96, "flavor-create", f, fid, "256", "1", "1"], &[V96, "flavor-key", fid, "set", "a=b"]], &[V1, "flavor-key", fid, "unset", "a"], &[&[V96, "flavor-delete", fid]], Same),
        (&[&[V96, "flavor-create", f, fid, "256", "1", "1"]], &[V96, "flavor-delete", f], &[], Same),
        // Key pairs.
        (&[], &[V96, "keypair-add", k, "--pub-key", &key_file], &[&[V96, "keypair-delete", k]], Same),
        (&[], &[V1, "keypair-add", k, "--pub-key", &key_file], &[&[V96, "keypair-delete", k]], Same),
        (&[&[V96, "keypair-add", k, "--pub-key", &key_file]], &[V1, "keypair-delete", k], &[], Same),
        (&[&[V96, "keypair-add", k, "--pub-key", &key_file]], &[V96, "keypair-delete", k], &[], Same),
        (&[&[V96, "keypair-add", k, "--pub-key", &key_file]], &[V96, "keypair-show", k], &[&[V96, "keypair-delete", k]], Same),
        (&[&[V96, "keypair-add", k, "--pub-key", &key_file]], &[V1, "keypair-show", k], &[&[V96, "keypair-delete", k]], Same),
        (&[], &[V96, "keypair-add", k], &[], Deliberate("D9")),
    ];
    let mut d30 = None;
    for (before, args, after, expect) in scenarios {
        let ours = change(&real, &mut failures, &listed, before, args, after, *expect);
        if matches!(expect, Deliberate("D30")) {
            d30 = Some(ours);
        }
    }
    // The last: the server itself, booted again only for our client's run.
    #[rustfmt::skip]
    let last: Changing = (&[], &[V96, "delete", s], &[&["gone", s], &[V96, "boot", s, "--flavor", "m1.tiny", "--image", "fakeimage6", "--nic", "none", "--poll"]], Same);
    change_then(&real, &mut failures, &listed, last, false);
    // D30 with our words (our run of its scenario): the server, its state and nova's fault, no
    // trailing space (D19).
    assert_eq!(
        d30.expect("the D30 scenario").stderr,
        format!(
            "ERROR (ResourceInErrorState): server {} is in error state: No valid host was found.\n",
            "#".repeat(36)
        )
    );
    for step in [&["gone", s][..], &[V96, "flavor-delete", big]] {
        real.step(step);
    }
    let _ = std::fs::remove_file(&key_file);
    assert!(
        failures.is_empty(),
        "{} of {} scenarios differ:\n\n{}",
        failures.len(),
        scenarios.len() + 1,
        failures.join("\n\n")
    );
}

/// A scenario that changes the cloud: its arguments, how to bring the cloud to the state it
/// starts from, and how to put the cloud back afterwards.
type Change<'a> = (&'a [&'a str], &'a dyn Fn(), &'a dyn Fn());

/// Puts back what the admin scenarios change, also when they fail: compute2's service enabled
/// and not forced down, the test's servers deleted.
struct Restore<'a> {
    api: &'a Api,
    service: String,
    servers: Vec<String>,
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        let path = format!("/os-services/{}", self.service);
        let _ = self
            .api
            .send("PUT", &path, Some(json!({"status": "enabled"})));
        let _ = self
            .api
            .send("PUT", &path, Some(json!({"forced_down": false})));
        for id in &self.servers {
            let _ = self.api.send("DELETE", &format!("/servers/{id}"), None);
        }
    }
}

/// The administrator's commands (services, hypervisors, quotas, limits, usage, zones), as admin
/// and as the demo user (403s), at the microversions where they change; the service commands
/// change compute2's service and put it back between the clients' runs; two servers of this
/// test on compute2 give hypervisor-servers and host-servers-migrate something to list and move.
fn admin_commands_match_novaclient(real: RealNova) {
    let _state = writing();
    let demo = real.as_user("demo");
    let api = real.login();
    let demo_api = demo.login();
    let (admin_project, demo_project, demo_user) = (
        api.project_id.as_str(),
        demo_api.project_id.as_str(),
        demo_api.user_id.as_str(),
    );
    // A nova just started has services that have not reported yet (updated_at null): the
    // zone list would print None for one client and a time for the other. Wait for them.
    let reported = || {
        let all = api.call("GET", "/os-services", None);
        all["services"]
            .as_array()
            .is_some_and(|s| !s.is_empty() && s.iter().all(|x| !x["updated_at"].is_null()))
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    while !reported() {
        assert!(
            std::time::Instant::now() < deadline,
            "nova's services did not report within 90 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    let services = api.call(
        "GET",
        "/os-services?host=compute2&binary=nova-compute",
        None,
    );
    let service = services["services"][0]["id"]
        .as_str()
        .expect("compute2's service")
        .to_string();
    let service = service.as_str();
    let hypervisors = api.call("GET", "/os-hypervisors", None);
    let hypervisor = hypervisors["hypervisors"][0]["id"]
        .as_str()
        .expect("a hypervisor")
        .to_string();
    let hypervisor = hypervisor.as_str();
    let (a, d) = (&real, &demo);
    let past = ["--start", "2020-01-01", "--end", "2020-02-01"];
    let mut failures = Vec::new();
    let mut total = 0;

    // What only reads, and what nova or the clients refuse.
    #[rustfmt::skip]
    let reads: Vec<(&RealNova, Vec<&str>, Expect)> = vec![
        (a, vec![V1, "availability-zone-list"], Same),
        // The detailed list is forbidden to the demo user: the zones without hosts.
        (d, vec![V96, "availability-zone-list"], Same),
        (a, vec!["--os-compute-api-version=2.33", "hypervisor-list", "--limit", "1"], Same),
        (a, vec![V96, "hypervisor-list", "--marker", hypervisor], Same),
        (a, vec![V96, "hypervisor-list", "--marker", "nosuch"], Same),
        // -1 means "all" for every paged list here, only for list and flavor-list in
        // novaclient (D27).
        (a, vec![V96, "hypervisor-list", "--limit", "-1"], Deliberate("D27")),
        (a, vec![V96, "hypervisor-servers", "-1"], Same),
        (a, vec![V96, "hypervisor-list", "--limit", "x"], Deliberate("D24")),
        (a, vec!["--os-compute-api-version=2.32", "hypervisor-list", "--limit", "1"], Deliberate("D25")),
        (a, vec!["--os-compute-api-version=2.52", "hypervisor-list", "--matching", "fake"], Same),
        (a, vec!["--os-compute-api-version=2.53", "hypervisor-list", "--matching", "nosuch"], Same),
        (d, vec![V96, "hypervisor-list"], Same),
        (a, vec![V96, "hypervisor-servers", "nosuch"], Same),
        (a, vec!["--os-compute-api-version=2.52", "hypervisor-servers", "nosuch"], Same),
        (a, vec![V1, "host-servers-migrate", "nosuch"], Same),
        (a, vec![V96, "host-servers-migrate", "nosuch"], Same),
        (d, vec![V96, "host-servers-migrate", "fake"], Same),
        (d, vec!["--os-compute-api-version=2.36", "limits"], Same),
        (d, vec!["--os-compute-api-version=2.57", "limits"], Same),
        (a, vec![V96, "limits", "--reserved"], Same),
        (a, vec![V96, "limits", "--tenant", demo_project], Same),
        (d, vec![V96, "limits", "--tenant", admin_project], Same),
        (d, vec![V1, "quota-show", "--detail"], Same),
        (a, vec!["--os-compute-api-version=2.36", "quota-show"], Same),
        (a, vec![V96, "quota-show", "--tenant", "demo"], Same),
        (a, vec![V96, "quota-show", "--tenant", demo_project, "--user", demo_user], Same),
        (d, vec![V96, "quota-show"], Same),
        (d, vec![V96, "quota-show", "--tenant", admin_project], Same),
        (a, vec![V1, "quota-defaults"], Same),
        (d, vec![V96, "quota-defaults", "--tenant", admin_project], Same),
        (a, vec!["--os-compute-api-version=2.11", "service-list"], Same),
        (a, vec!["--os-compute-api-version=2.52", "service-list"], Same),
        (a, vec![V1, "service-list", "--host", "compute2", "--binary", "nova-compute"], Same),
        (a, vec![V96, "service-list", "--host", "nosuch"], Same),
        (d, vec![V1, "service-list"], Same),
        (a, [&[V1, "usage-list"][..], &past].concat(), Same),
        (a, [&[V96, "usage-list"][..], &past].concat(), Same),
        (a, vec![V96, "usage-list", "--start", "2020-02-01", "--end", "2020-01-01"], Same),
        (a, vec![V96, "usage-list", "--end", "2020-13-01"], Same),
        (a, vec![V96, "usage-list", "--start", "2020-01-01T00:00:00"], Same),
        (d, [&[V96, "usage-list"][..], &past].concat(), Same),
        (a, vec![V96, "service-enable", "nosuch"], Same),
        (a, vec![V1, "service-enable", "nosuch"], Same),
        (a, vec![V1, "service-disable", "nosuch", "--reason", "x"], Same),
        (a, vec![V1, "service-force-down", "nosuch"], Deliberate("D25")),
        (a, vec!["--os-compute-api-version=2.11", "service-force-down", "nosuch", "--unset"], Same),
        (d, vec![V96, "service-enable", service], Same),
        (d, vec![V1, "service-disable", "compute2"], Same),
    ];
    let reads: Vec<(&RealNova, &[&str], Expect)> = reads
        .iter()
        .map(|(r, args, e)| (*r, args.as_slice(), *e))
        .collect();
    let started = Instant::now();
    failures.extend(differences_parallel(&reads));
    total += reads.len();
    eprintln!("{} reading scenarios: {:?}", reads.len(), started.elapsed());

    // Two servers of this test on compute2; host-servers-migrate moves all of a host's servers,
    // so this part runs only when no one else's server is there.
    let mut restore = Restore {
        api: &api,
        service: service.to_string(),
        servers: Vec::new(),
    };
    let listed = listed_differences();
    let started = Instant::now();
    if api.servers_on("compute2").is_empty() {
        servers_on_compute2(
            &real,
            &api,
            &mut restore,
            &listed,
            &mut failures,
            &mut total,
        );
        eprintln!("server scenarios: {:?}", started.elapsed());
    } else {
        eprintln!("note: compute2 holds other servers; skipping the scenarios with servers on it");
    }

    // compute2's service changed by each client in turn, put back after each run; first from
    // the state a command changes (enabled, not forced down), then from the other one.
    let started = Instant::now();
    let put = |body: Value| {
        api.call("PUT", &format!("/os-services/{service}"), Some(body));
    };
    let enable = || put(json!({"status": "enabled"}));
    let disable = || put(json!({"status": "disabled", "disabled_reason": "planned"}));
    let up = || put(json!({"forced_down": false}));
    let down = || put(json!({"forced_down": true}));
    #[rustfmt::skip]
    let changes: &[Change] = &[
        (&[V1, "service-disable", "compute2"], &enable, &enable),
        (&[V1, "service-disable", "compute2", "--reason", "maintenance window"], &enable, &enable),
        (&[V96, "service-disable", service], &enable, &enable),
        (&[V96, "service-disable", service, "--reason", "two words"], &enable, &enable),
        (&[V1, "service-enable", "compute2"], &disable, &enable),
        (&[V96, "service-enable", service], &disable, &enable),
        (&["--os-compute-api-version=2.11", "service-force-down", "compute2"], &up, &up),
        (&[V96, "service-force-down", service], &up, &up),
        (&["--os-compute-api-version=2.52", "service-force-down", "compute2", "--unset"], &down, &up),
        (&[V96, "service-force-down", service, "--unset"], &down, &up),
    ];
    for (args, from, back) in changes {
        from();
        let (from, back) = (*from, *back);
        // Between the runs the service goes back to where the command found it.
        let reset = || {
            back();
            from();
        };
        failures.extend(compare(&real, args, Same, &listed, &reset));
        back();
    }
    total += changes.len();
    // Reading a disabled, forced-down service.
    disable();
    down();
    #[rustfmt::skip]
    let reads: &[(&RealNova, &[&str], Expect)] = &[
        (a, &[V1, "service-list"], Same),
        (a, &[V96, "service-list", "--host", "compute2"], Same),
        (a, &[V96, "availability-zone-list"], Same),
        (a, &[V96, "hypervisor-list"], Same),
    ];
    failures.extend(differences_parallel(reads));
    total += reads.len();
    enable();
    up();
    eprintln!(
        "{} service scenarios: {:?}",
        changes.len() + reads.len(),
        started.elapsed()
    );

    drop(restore);

    assert_none(&failures, total);
}

/// A change: its arguments, what is expected, and how to put the cloud back after each run.
type Redo<'a> = (Vec<&'a str>, Expect, &'a dyn Fn());

/// Deletes the aggregates of the aggregate scenarios (their hosts removed first), also when
/// the test fails.
struct Aggregates<'a> {
    api: &'a Api,
    prefix: String,
}

impl Aggregates<'_> {
    /// The ID of this test's aggregate of that name, if it exists.
    fn id(&self, name: &str) -> Option<i64> {
        let all = self.api.send("GET", "/os-aggregates", None).ok()?;
        all["aggregates"]
            .as_array()?
            .iter()
            .find(|a| a["name"] == name)
            .and_then(|a| a["id"].as_i64())
    }

    fn create(&self, name: &str, zone: Option<&str>) -> i64 {
        let reply = self.api.call(
            "POST",
            "/os-aggregates",
            Some(json!({"aggregate": {"name": name, "availability_zone": zone}})),
        );
        reply["aggregate"]["id"].as_i64().expect("an aggregate ID")
    }

    fn act(&self, id: i64, body: Value) {
        self.api
            .call("POST", &format!("/os-aggregates/{id}/action"), Some(body));
    }

    fn update(&self, id: i64, body: Value) {
        self.api.call(
            "PUT",
            &format!("/os-aggregates/{id}"),
            Some(json!({ "aggregate": body })),
        );
    }

    /// Delete the aggregate of that name, if it exists (its hosts removed first).
    fn delete(&self, name: &str) {
        let Some(id) = self.id(name) else { return };
        let shown = self
            .api
            .send("GET", &format!("/os-aggregates/{id}"), None)
            .unwrap_or_default();
        for host in shown["aggregate"]["hosts"].as_array().into_iter().flatten() {
            let _ = self.api.send(
                "POST",
                &format!("/os-aggregates/{id}/action"),
                Some(json!({"remove_host": {"host": host}})),
            );
        }
        let _ = self
            .api
            .send("DELETE", &format!("/os-aggregates/{id}"), None);
    }
}

impl Drop for Aggregates<'_> {
    fn drop(&mut self) {
        let all = self
            .api
            .send("GET", "/os-aggregates", None)
            .unwrap_or_default();
        let mine: Vec<String> = all["aggregates"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["name"].as_str())
            .filter(|n| n.starts_with(&self.prefix))
            .map(str::to_string)
            .collect();
        for name in mine {
            self.delete(&name);
        }
    }
}

/// The aggregate commands, each from the same state for both clients: reads of aggregates with
/// and without a zone, hosts and metadata (a quote inside a value) at 2.1, 2.40 and 2.96 (UUID
/// column from 2.41); lookups by name, by ID, by a UUID (nova's 400) and of a missing one;
/// novaclient's client-side checks (update with nothing to change, set-metadata of a pair the
/// aggregate has or of a key it lacks); nova's refusals (a host twice, a host not there, a
/// name taken, the demo user's 403); and every change, put back between the clients' runs. The
/// IDs of aggregates created anew for each client are masked.
fn aggregate_commands_match_novaclient(real: RealNova) {
    // Adding a host to an aggregate can change what the others read (its zone).
    let _state = writing();
    let demo = real.as_user("demo");
    let api = real.login();
    let prefix = format!("agg-{}-", std::process::id());
    let aggs = Aggregates {
        api: &api,
        prefix: prefix.clone(),
    };
    let (a, b, c, d) = (
        format!("{prefix}a"),
        format!("{prefix}b"),
        format!("{prefix}c"),
        format!("{prefix}d"),
    );
    let zone = format!("{prefix}zone");
    // a: hosts compute, metadata k=v and a quote; b: a zone, no host.
    let a_id = aggs.create(&a, None);
    aggs.act(a_id, json!({"add_host": {"host": "compute"}}));
    aggs.act(
        a_id,
        json!({"set_metadata": {"metadata": {"k": "v", "quote": "it's"}}}),
    );
    let b_id = aggs.create(&b, Some(&zone));
    // e: nothing but a name.
    let e = format!("{prefix}e");
    aggs.create(&e, None);
    let (a_num, b_num) = (a_id.to_string(), b_id.to_string());
    let (a, b, c, d, e, zone) = (
        a.as_str(),
        b.as_str(),
        c.as_str(),
        d.as_str(),
        e.as_str(),
        zone.as_str(),
    );
    let (a_num, b_num) = (a_num.as_str(), b_num.as_str());
    let uuid = "01234567-89ab-cdef-0123-456789abcdef";
    let v40 = "--os-compute-api-version=2.40";
    let (r, dm) = (&real, &demo);
    let mut failures = Vec::new();
    let mut total = 0;

    #[rustfmt::skip]
    let reads: Vec<(&RealNova, Vec<&str>, Expect)> = vec![
        (r, vec![V1, "aggregate-list"], Same),
        (r, vec![v40, "aggregate-list"], Same),
        (r, vec![V96, "aggregate-list"], Same),
        (dm, vec![V96, "aggregate-list"], Same),
        (r, vec![V1, "aggregate-show", a], Same),
        (r, vec![V96, "aggregate-show", a], Same),
        (r, vec![V96, "aggregate-show", b_num], Same),
        (r, vec![v40, "aggregate-show", b], Same),
        (r, vec![V96, "aggregate-show", e], Same),
        (r, vec![V96, "aggregate-show", uuid], Same),
        (r, vec![V96, "aggregate-show", "nosuch"], Same),
        (r, vec![V96, "aggregate-show", "987654"], Same),
        (r, vec![V96, "aggregate-delete", "nosuch"], Same),
        (r, vec![V96, "aggregate-update", a], Same),
        (r, vec![V96, "aggregate-update", a, "--name", ""], Same),
        (r, vec![V96, "aggregate-update", "nosuch"], Same),
        (r, vec![V96, "aggregate-set-metadata", a, "k=v"], Same),
        (r, vec![V96, "aggregate-set-metadata", a, "new=1", "k=v"], Same),
        (r, vec![V96, "aggregate-set-metadata", a, "quote=it's"], Same),
        (r, vec![V96, "aggregate-set-metadata", a, "k=w", "nope"], Same),
        (r, vec![V96, "aggregate-set-metadata", b, "nope"], Same),
        (r, vec![V96, "aggregate-set-metadata", "nosuch", "k=v"], Same),
        (r, vec![V96, "aggregate-add-host", a, "compute"], Same),
        (r, vec![V96, "aggregate-add-host", a, "nosuch"], Same),
        (r, vec![V96, "aggregate-remove-host", a, "compute2"], Same),
        (r, vec![V96, "aggregate-remove-host", "nosuch", "compute"], Same),
        (r, vec![V96, "aggregate-create", a], Same),
        (r, vec![V96, "aggregate-create", c, "bad:zone"], Same),
        (dm, vec![V96, "aggregate-show", a], Same),
        (dm, vec![V96, "aggregate-create", c], Same),
    ];
    let reads: Vec<(&RealNova, &[&str], Expect)> = reads
        .iter()
        .map(|(r, args, e)| (*r, args.as_slice(), *e))
        .collect();
    let started = Instant::now();
    failures.extend(differences_parallel(&reads));
    total += reads.len();
    eprintln!("{} reading scenarios: {:?}", reads.len(), started.elapsed());

    // Changes, each put back between the runs. A new aggregate's ID differs between the two
    // clients' runs: masked in the table's Id cell and in the deletion message.
    let listed = listed_differences();
    let new_id = Masked(r"(?m)^\| \d+ +\||Aggregate \d+ has");
    let remove_c = || aggs.delete(c);
    let rename_a = || aggs.update(a_id, json!({"name": a}));
    let zone_b = || aggs.update(b_id, json!({"name": b, "availability_zone": zone}));
    let by = &aggs;
    let meta = |m: Value| move || by.act(a_id, json!({"set_metadata": {"metadata": m.clone()}}));
    let host = |action: &str, host: &str| {
        let mut body = serde_json::Map::new();
        body.insert(action.to_string(), json!({ "host": host }));
        move || by.act(a_id, Value::Object(body.clone()))
    };
    let drop_new = meta(json!({"new": null, "other": null}));
    let put_k = meta(json!({"k": "v"}));
    let remove_compute2 = host("remove_host", "compute2");
    let add_compute = host("add_host", "compute");
    let create_d = || {
        aggs.create(d, None);
    };
    create_d();
    #[rustfmt::skip]
    let changes: Vec<Redo> = vec![
        (vec![V96, "aggregate-create", c], new_id, &remove_c),
        (vec![V1, "aggregate-create", c, "other-zone"], new_id, &remove_c),
        (vec![V96, "aggregate-create", c, "zone-c"], new_id, &remove_c),
        (vec![V96, "aggregate-update", a, "--name", c], Same, &rename_a),
        (vec![V1, "aggregate-update", b_num, "--availability-zone", "zone-2"], Same, &zone_b),
        (vec![V96, "aggregate-update", b, "--name", c, "--availability-zone", ""], Same, &zone_b),
        (vec![V96, "aggregate-set-metadata", a, "new=1", "other=it's"], Same, &drop_new),
        (vec![V96, "aggregate-set-metadata", a_num, "k"], Same, &put_k),
        (vec![V96, "aggregate-set-metadata", a, "k=w", "k=x"], Same, &put_k),
        (vec![V96, "aggregate-update", b, "--name", c, "--availability-zone", "zone-3"], Same, &zone_b),
        (vec![V96, "aggregate-add-host", a, "compute2"], Same, &remove_compute2),
        (vec![V1, "aggregate-remove-host", a, "compute"], Same, &add_compute),
        (vec![V96, "aggregate-delete", d], new_id, &create_d),
    ];
    let started = Instant::now();
    for (args, expect, back) in &changes {
        failures.extend(compare(&real, args, *expect, &listed, *back));
    }
    total += changes.len();
    eprintln!(
        "{} changing scenarios: {:?}",
        changes.len(),
        started.elapsed()
    );

    drop(aggs);
    assert_none(&failures, total);
}

/// Wrapped and flattened details: hypervisor-show (novaclient's flatten_dict at --wrap, its
/// lookup by ID then hostname, nova's 400 for a name from 2.53), show --wrap and
/// instance-usage-audit-log (hosts_not_run as pprint.pformat), host-meta. A server of its own
/// for show and host-meta.
fn wrap_commands_match_novaclient(real: RealNova) {
    // Its server shows in the lists the read-only scenarios compare.
    let _state = writing();
    let api = real.login();
    let hypervisors = api.call("GET", "/os-hypervisors/detail", None);
    let first = &hypervisors["hypervisors"][0];
    let uuid = first["id"].as_str().expect("a hypervisor").to_string();
    let host = first["hypervisor_hostname"]
        .as_str()
        .expect("a hostname")
        .to_string();
    let name = format!("wrapvm-{}", std::process::id());
    let name = name.as_str();
    let boot = real.ours_setting_up(&[
        V96,
        "boot",
        name,
        "--flavor",
        "m1.tiny",
        "--image",
        "fakeimage6",
        "--nic",
        "none",
        "--poll",
    ]);
    assert_eq!(boot.code, Some(0), "{}", boot.stderr);
    let (uuid, host) = (uuid.as_str(), host.as_str());
    #[rustfmt::skip]
    let scenarios: &[(&[&str], Expect)] = &[
        (&[V96, "hypervisor-show", uuid], Same),
        (&[V96, "hypervisor-show", uuid, "--wrap", "12"], Same),
        (&[V96, "hypervisor-show", uuid, "--wrap", "0"], Same),
        (&[V96, "hypervisor-show", host], Same),
        (&[V1, "hypervisor-show", host], Same),
        (&["--os-compute-api-version=2.27", "hypervisor-show", host, "--wrap", "7"], Same),
        (&[V1, "hypervisor-show", "no-such-hypervisor"], Same),
        (&[V96, "show", name, "--wrap", "10"], Same),
        (&[V96, "show", name, "--wrap", "33"], Same),
        (&["--os-compute-api-version=2.46", "show", name, "--wrap", "20"], Same),
        (&[V96, "show", name, "--wrap", "0"], Same),
        (&[V96, "instance-usage-audit-log"], Same),
        (&[V1, "instance-usage-audit-log"], Same),
        (&[V96, "instance-usage-audit-log", "--before", "2015-08-27 09:49:58"], Same),
        (&[V96, "instance-usage-audit-log", "--before", "2015-08-27 09:49:58.123456"], Same),
        (&[V96, "instance-usage-audit-log", "--before", "not a time"], Same),
    ];
    check_reading(&real, scenarios);
    // host-meta: what each client leaves is the same (set is idempotent; a missing key and an
    // unknown host fail alike), one client after the other; the key removed at the end.
    #[rustfmt::skip]
    let scenarios: &[(&[&str], Expect)] = &[
        (&[V96, "host-meta", host, "set", "wrapk=v1", "wrapj=v2", "wrapk=v3"], Same),
        (&[V1, "host-meta", host, "set", "wrapk=v3"], Same),
        (&[V96, "show", name], Same),
        (&[V96, "host-meta", host, "delete", "no-such-key"], Same),
        (&[V96, "host-meta", "no-such-host", "set", "a=b"], Same),
        (&[V1, "host-meta", "no-such-host", "set", "a=b"], Same),
    ];
    check(&real, scenarios);
    let cleared = real.ours(&[V96, "host-meta", host, "delete", "wrapk", "wrapj"]);
    assert_eq!(cleared.code, Some(0), "{}", cleared.stderr);
    let gone = real.ours(&[V96, "delete", name]);
    assert_eq!(gone.code, Some(0), "{}", gone.stderr);
}

/// Deletes the host scenarios' servers, also when the test fails.
struct Booted<'a> {
    api: &'a Api,
    servers: Vec<String>,
}

impl Drop for Booted<'_> {
    fn drop(&mut self) {
        for id in &self.servers {
            let _ = self.api.send("DELETE", &format!("/servers/{id}"), None);
        }
        for id in &self.servers {
            self.api.gone(id);
        }
    }
}

/// host-evacuate, host-evacuate-live and `--strict` of the four host-* commands: patterns that
/// name no hypervisor exactly ("comp": NotFound after the search, at both searches) or none at
/// all; with two servers of this test on compute2 (only when no one else's server is there,
/// as these commands act on every server of a host): evacuations nova refuses (compute2's
/// service is up) at 2.1, 2.13, 2.14, 2.29, 2.68 and 2.96, live migrations to a host nova does
/// not know at 2.1, 2.24, 2.25, 2.30, 2.56 and 2.68 (each server's error in its row), with
/// --max-servers; one live migration accepted (--max-servers 1, at 2.96 and forced at 2.30)
/// and moved back between the clients' runs; host-meta --strict; host-servers-migrate
/// --strict of paused servers (nova's 409 in each row).
fn host_commands_match_novaclient(real: RealNova) {
    let _state = writing();
    let api = real.login();
    let a = &real;
    let mut failures = Vec::new();
    let mut total = 0;
    // Patterns: "comp" matches compute and compute2, neither exactly.
    #[rustfmt::skip]
    let reads: &[(&RealNova, &[&str], Expect)] = &[
        (a, &[V96, "host-servers-migrate", "comp", "--strict"], Same),
        (a, &["--os-compute-api-version=2.52", "host-servers-migrate", "comp", "--strict"], Same),
        (a, &[V96, "host-evacuate", "comp", "--strict"], Same),
        (a, &[V1, "host-evacuate", "comp", "--strict"], Same),
        (a, &[V96, "host-evacuate-live", "--strict", "comp"], Same),
        (a, &["--os-compute-api-version=2.52", "host-evacuate-live", "comp", "--strict", "--max-servers", "1"], Same),
        (a, &[V96, "host-meta", "comp", "set", "k=v", "--strict"], Same),
        (a, &[V1, "host-meta", "comp", "delete", "k", "--strict"], Same),
        (a, &[V96, "host-evacuate", "nosuch"], Same),
        (a, &[V96, "host-evacuate-live", "nosuch", "--strict"], Same),
        (a, &[V1, "host-evacuate-live", "nosuch"], Same),
    ];
    failures.extend(differences_parallel(reads));
    total += reads.len();

    if !api.servers_on("compute2").is_empty() {
        eprintln!("someone else's server is on compute2: only the scenarios without servers ran");
        assert_none(&failures, total);
        return;
    }
    let name = format!("hostdiff-{}", std::process::id());
    #[rustfmt::skip]
    let boot = real.ours_setting_up(&[V96, "boot", &name, "--flavor", "m1.tiny", "--image", "fakeimage6",
        "--nic", "none", "--availability-zone", "nova:compute2", "--min-count", "2", "--poll"]);
    let mine = api.call("GET", &format!("/servers?name=^{name}-"), None);
    let booted = Booted {
        api: &api,
        servers: mine["servers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["id"].as_str().map(str::to_string))
            .collect(),
    };
    assert_eq!(boot.code, Some(0), "{}", boot.stderr);
    assert_eq!(booted.servers.len(), 2, "{mine}");
    // The order nova lists compute2's servers in: the first is the one --max-servers 1 moves.
    let first = api.servers_on("compute2");
    assert_eq!(first.len(), 2, "{first:?}");
    let first = first[0].as_str();

    #[rustfmt::skip]
    let reads: &[(&RealNova, &[&str], Expect)] = &[
        (a, &[V96, "host-evacuate", "compute2"], Same),
        (a, &[V1, "host-evacuate", "compute2"], Same),
        (a, &["--os-compute-api-version=2.13", "host-evacuate", "compute2", "--on-shared-storage", "--target_host", "compute"], Same),
        (a, &["--os-compute-api-version=2.14", "host-evacuate", "compute2", "--target_host", "compute"], Same),
        (a, &["--os-compute-api-version=2.29", "host-evacuate", "compute2", "--force", "--target_host", "compute"], Same),
        (a, &["--os-compute-api-version=2.68", "host-evacuate", "compute2", "--strict"], Same),
        (a, &[V96, "host-evacuate", "compute2", "--target_host", "nosuch"], Same),
        (a, &[V1, "host-evacuate-live", "compute2", "--target-host", "nosuch"], Same),
        (a, &["--os-compute-api-version=2.24", "host-evacuate-live", "compute2", "--target-host", "nosuch", "--block-migrate", "--disk-over-commit"], Same),
        (a, &["--os-compute-api-version=2.25", "host-evacuate-live", "compute2", "--target-host", "nosuch"], Same),
        (a, &["--os-compute-api-version=2.30", "host-evacuate-live", "compute2", "--target-host", "nosuch", "--force"], Same),
        (a, &["--os-compute-api-version=2.56", "host-evacuate-live", "compute2", "--target-host", "nosuch", "--max-servers", "1"], Same),
        (a, &["--os-compute-api-version=2.68", "host-evacuate-live", "compute2", "--target-host", "nosuch", "--max-servers", "0"], Same),
        (a, &[V96, "host-evacuate-live", "compute2", "--target-host", "nosuch", "--strict", "--max-servers", "5"], Same),
    ];
    let started = Instant::now();
    failures.extend(differences_parallel(reads));
    total += reads.len();
    eprintln!("{} reading scenarios: {:?}", reads.len(), started.elapsed());

    // Changes, each put back between the clients' runs: host-meta --strict (the same metadata
    // left by each), and one live migration to compute, moved back to compute2.
    let listed = listed_differences();
    let unset = || {
        for id in &booted.servers {
            let _ = api.send("DELETE", &format!("/servers/{id}/metadata/hk"), None);
        }
    };
    let back = || {
        api.wait(first, "ACTIVE", "compute");
        api.action(
            first,
            json!({"os-migrateLive": {"host": "compute2", "block_migration": "auto"}}),
        );
        api.wait(first, "ACTIVE", "compute2");
    };
    #[rustfmt::skip]
    let changes: Vec<Redo> = vec![
        (vec![V96, "host-meta", "compute2", "set", "hk=1", "--strict"], Same, &unset),
        (vec![V96, "host-evacuate-live", "compute2", "--max-servers", "1"], Same, &back),
        (vec!["--os-compute-api-version=2.30", "host-evacuate-live", "compute2", "--max-servers", "1", "--force", "--target-host", "compute"], Same, &back),
    ];
    let started = Instant::now();
    for (args, expect, put_back) in &changes {
        failures.extend(compare(&real, args, *expect, &listed, *put_back));
    }
    total += changes.len();
    eprintln!(
        "{} changing scenarios: {:?}",
        changes.len(),
        started.elapsed()
    );

    // Paused servers cannot be cold-migrated: nova's 409 in each row, nothing moves.
    for id in &booted.servers {
        api.action(id, json!({"pause": null}));
    }
    for id in &booted.servers {
        api.wait(id, "PAUSED", "compute2");
    }
    #[rustfmt::skip]
    let reads: &[(&RealNova, &[&str], Expect)] = &[
        (a, &[V96, "host-servers-migrate", "compute2", "--strict"], Same),
        (a, &["--os-compute-api-version=2.52", "host-servers-migrate", "compute2", "--strict"], Same),
    ];
    failures.extend(differences_parallel(reads));
    total += reads.len();

    drop(booted);
    assert_none(&failures, total);
}

/// hypervisor-servers, host-servers-migrate, usage, limits and quotas with two servers of this
/// test on compute2 (one paused); deleted at the end.
fn servers_on_compute2(
    real: &RealNova,
    api: &Api,
    restore: &mut Restore,
    listed: &str,
    failures: &mut Vec<String>,
    total: &mut usize,
) {
    let a = real;
    let name = format!("admindiff-{}", std::process::id());
    #[rustfmt::skip]
    let boot = real.ours_setting_up(&[V96, "boot", &name, "--flavor", "m1.tiny", "--image", "fakeimage6",
        "--nic", "none", "--availability-zone", "nova:compute2", "--min-count", "2", "--poll"]);
    let mine = api.call("GET", &format!("/servers?name=^{name}-"), None);
    restore.servers = mine["servers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["id"].as_str().map(str::to_string))
        .collect();
    assert_eq!(boot.code, Some(0), "{}", boot.stderr);
    let servers = restore.servers.clone();
    assert_eq!(servers.len(), 2, "{mine}");
    #[rustfmt::skip]
    let reads: &[(&RealNova, &[&str], Expect)] = &[
        (a, &[V1, "hypervisor-servers", "compute2"], Same),
        (a, &["--os-compute-api-version=2.52", "hypervisor-servers", "compute2"], Same),
        (a, &[V96, "hypervisor-servers", "compute2"], Same),
        (a, &[V96, "hypervisor-servers", "o"], Same),
        // The hours of running servers grow between the two runs.
        (a, &[V96, "usage-list"], Masked(r"\d+\.\d\d")),
    ];
    failures.extend(differences_parallel(reads));
    *total += reads.len();

    // Paused servers cannot be migrated: a row with nova's 409 each, nothing moves.
    for id in &servers {
        api.action(id, json!({"pause": null}));
    }
    for id in &servers {
        api.wait(id, "PAUSED", "compute2");
    }
    let reads: &[(&RealNova, &[&str], Expect)] =
        &[(a, &[V1, "host-servers-migrate", "compute2"], Same)];
    failures.extend(differences_parallel(reads));
    *total += reads.len();

    // One of them running: it is migrated to compute, confirmed there and moved back before
    // our client's turn.
    let moving = servers[1].as_str();
    api.action(moving, json!({"unpause": null}));
    api.wait(moving, "ACTIVE", "compute2");
    let moved = std::cell::Cell::new(false);
    let back = || {
        if moved.replace(true) {
            return;
        }
        api.wait(moving, "VERIFY_RESIZE", "compute");
        api.action(moving, json!({"confirmResize": null}));
        api.wait(moving, "ACTIVE", "compute");
        api.action(moving, json!({"migrate": {"host": "compute2"}}));
        api.wait(moving, "VERIFY_RESIZE", "compute2");
        api.action(moving, json!({"confirmResize": null}));
        api.wait(moving, "ACTIVE", "compute2");
    };
    let args = [V96, "host-servers-migrate", "compute2"];
    failures.extend(compare(real, &args, Same, listed, &back));
    *total += 1;

    for id in &servers {
        api.call("DELETE", &format!("/servers/{id}"), None);
    }
    for id in &servers {
        api.gone(id);
    }
    restore.servers.clear();
    let reads: &[(&RealNova, &[&str], Expect)] =
        &[(a, &[V96, "host-servers-migrate", "compute2"], Same)];
    failures.extend(differences_parallel(reads));
    *total += reads.len();
}

/// Deletes the servers of a test when dropped (also when the test fails), and waits until
/// they are gone.
struct DeleteServers<'a> {
    api: &'a Api,
    ids: Vec<String>,
}

impl Drop for DeleteServers<'_> {
    fn drop(&mut self) {
        for id in &self.ids {
            let _ = self.api.send("DELETE", &format!("/servers/{id}"), None);
        }
        for id in &self.ids {
            self.api.gone(id);
        }
    }
}

/// usage and usage-list (from 2.40 both clients ask again after the last server until a page
/// without one, and merge the pages; real nova's page is 1000 servers, so here the pages are
/// the first and the empty one) with two servers of this test, by default and given dates,
/// of the admin's and the demo user's project, nova's 403 and the clients' date errors;
/// version-list (the endpoint's root) as both users; instance-action-list's time checks. The
/// hours of running servers grow between the two runs: masked.
fn usage_commands_match_novaclient(real: RealNova) {
    // Its servers show in the lists and the usage the other scenarios read.
    let _state = writing();
    let demo = real.as_user("demo");
    let api = real.login();
    let demo_api = demo.login();
    let name = format!("usagediff-{}", std::process::id());
    #[rustfmt::skip]
    let boot = real.ours_setting_up(&[V96, "boot", &name, "--flavor", "m1.tiny", "--image", "fakeimage6",
        "--nic", "none", "--min-count", "2", "--poll"]);
    let mine = api.call("GET", &format!("/servers?name=^{name}-"), None);
    let servers = DeleteServers {
        api: &api,
        ids: mine["servers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["id"].as_str().map(str::to_string))
            .collect(),
    };
    assert_eq!(boot.code, Some(0), "{}", boot.stderr);
    assert_eq!(servers.ids.len(), 2, "{mine}");
    // A server nova has just made ACTIVE can be missing from the usage report for a moment
    // (seen: usage-list right after `boot --poll` listed no tenant): wait until both are there.
    let start = Instant::now();
    loop {
        let usage = api.call(
            "GET",
            "/os-simple-tenant-usage?start=2020-01-01T00:00:00&end=2099-12-31T00:00:00&detailed=1",
            None,
        );
        let ids: Vec<&str> = usage["tenant_usages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["server_usages"].as_array())
            .flatten()
            .filter_map(|u| u["instance_id"].as_str())
            .collect();
        if servers.ids.iter().all(|id| ids.contains(&id.as_str())) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the servers are not in the usage report: {usage}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let first = servers.ids[0].clone();
    let server = first.as_str();
    let (admin_project, demo_project) = (api.project_id.as_str(), demo_api.project_id.as_str());
    let v40 = "--os-compute-api-version=2.40";
    let v66 = "--os-compute-api-version=2.66";
    let hours = Masked(r"\d+\.\d\d");
    let (a, d) = (&real, &demo);
    let dates = ["--start", "2020-01-01", "--end", "2099-12-31"];
    let past = ["--start", "2020-01-01", "--end", "2020-02-01"];
    #[rustfmt::skip]
    let reads: Vec<(&RealNova, Vec<&str>, Expect)> = vec![
        (a, vec![V1, "usage-list"], hours),
        (a, vec![v40, "usage-list"], hours),
        (a, vec![V96, "usage-list"], hours),
        (a, [&[V96, "usage-list"][..], &dates].concat(), hours),
        (a, [&[v40, "usage-list"][..], &past].concat(), Same),
        (a, vec![V1, "usage"], hours),
        (a, vec![v40, "usage"], hours),
        (a, vec![V96, "usage"], hours),
        (a, [&[V96, "usage"][..], &dates].concat(), hours),
        (a, [&[V96, "usage"][..], &past].concat(), Same),
        (a, vec![V96, "usage", "--tenant", admin_project], hours),
        (a, vec![V96, "usage", "--tenant", demo_project], Same),
        (a, vec![V1, "usage", "--tenant", "nosuch"], Same),
        (a, vec![V96, "usage", "--start", "2020-13-01"], Same),
        (a, vec![V96, "usage", "--end", "tomorrow"], Same),
        (a, vec![V96, "usage", "--start", "2020-01-01T00:00:00"], Same),
        (d, vec![V96, "usage"], Same),
        (d, vec![V96, "usage", "--tenant", admin_project], Same),
        (d, vec![v40, "usage-list"], Same),
        (a, vec![V1, "version-list"], Same),
        (a, vec![V96, "version-list"], Same),
        (d, vec![V96, "version-list"], Same),
        (a, vec![V96, "instance-action-list", server, "--changes-since", "not a time"], Same),
        (a, vec![V96, "instance-action-list", server, "--changes-since", "2016-13-01"], Same),
        (a, vec![V96, "instance-action-list", server, "--changes-since", "2016-03-04T06:27:59Z"], Same),
        (a, vec![V96, "instance-action-list", server, "--changes-since", "2016-03-04T06:27:59+05:30"], Same),
        (a, vec![V96, "instance-action-list", server, "--changes-since", "20160304T0627"], Same),
        (a, vec![V96, "instance-action-list", server, "--changes-since", ""], Same),
        (a, vec![V96, "instance-action-list", server, "--changes-before", "2016-03-04T24:00:00"], Same),
        (a, vec![v66, "instance-action-list", server, "--changes-before", "2099-01-01T00:00:00Z"], Same),
        (a, vec![v66, "instance-action-list", server, "--changes-since", "2099-01-01", "--changes-before", "x"], Same),
    ];
    let reads: Vec<(&RealNova, &[&str], Expect)> = reads
        .iter()
        .map(|(r, args, e)| (*r, args.as_slice(), *e))
        .collect();
    let started = Instant::now();
    let failures = differences_parallel(&reads);
    eprintln!("{} reading scenarios: {:?}", reads.len(), started.elapsed());
    drop(servers);
    assert_none(&failures, reads.len());
}

/// Real nova and zygotes of this test's own (whether or not the suite uses them: with
/// `NOVACLIENT_ZYGOTE=0` too), or why not.
fn realnova_and_a_zygote() -> Result<(RealNova, Zygotes), String> {
    let real = realnova()?;
    let zygotes = Zygotes::start(real.dir.join("venv/bin/python"), base_env())?;
    Ok((real, zygotes))
}

/// Stops zygotes when dropped (also when the test fails).
struct Stop<'a>(&'a Zygotes);

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        self.0.stop();
    }
}

/// A run of python-novaclient through the zygote is the run of a process of its own: the same
/// exit code, stdout and stderr (masked only where two runs differ: UUIDs, request IDs; the
/// deprecation notice kept), for a success, nova's 404 (exit 1), a usage error of argparse
/// (exit 2) and a variable missing from the run's environment (the zygote's own has none).
fn novaclient_runs_the_same_through_the_zygote((real, zygotes): (RealNova, Zygotes)) {
    let _state = reading();
    let mut no_password = real.clone();
    no_password.env.retain(|(k, _)| k != "OS_PASSWORD");
    // (who, arguments, whether it succeeds)
    let runs: &[(&RealNova, &[&str], bool)] = &[
        (&real, &[V96, "flavor-show", "1"], true),
        (&real, &[V96, "show", "no-such-server"], false),
        (&real, &[V96, "flavor-show"], false),
        (&real, &[V96, "no-such-command"], false),
        (&real, &[V96, "flavor-list", "--limit", "x"], false),
        (&no_password, &[V96, "flavor-list"], false),
    ];
    let whole = |out: std::process::Output| {
        (
            out.status.code(),
            mask(&String::from_utf8_lossy(&out.stdout)),
            mask(&String::from_utf8_lossy(&out.stderr)),
        )
    };
    let _stop = Stop(&zygotes);
    for (real, args, succeeds) in runs {
        let t = Instant::now();
        let direct = whole(real.direct(args));
        let (t_direct, t) = (t.elapsed(), Instant::now());
        let zygote = whole(
            zygotes
                .output(args, &real.client_env())
                .unwrap_or_else(|e| panic!("{e}")),
        );
        let t_zygote = t.elapsed();
        assert_eq!(
            zygote,
            direct,
            "nova {}: zygote, then direct",
            args.join(" ")
        );
        let fails = direct.0 != Some(0);
        assert_eq!(!fails, *succeeds, "nova {}: {direct:?}", args.join(" "));
        // A failure says why (besides the deprecation notice every run prints).
        let said = direct
            .2
            .lines()
            .any(|l| !l.contains("nova CLI is deprecated"));
        assert!(
            !fails || said,
            "nova {}: no error on stderr",
            args.join(" ")
        );
        eprintln!(
            "zygote = direct: nova {} (exit {:?}; direct {:.2} s, zygote {:.2} s)",
            args.join(" "),
            direct.0,
            t_direct.as_secs_f64(),
            t_zygote.as_secs_f64()
        );
    }
}

/// Deletes this test's server groups and server, also when the test fails.
struct Groups<'a> {
    api: &'a Api,
    prefix: String,
    server: std::cell::RefCell<Option<String>>,
}

impl Groups<'_> {
    /// A new group of this test: its ID.
    fn create(&self, name: &str, policy: &str) -> String {
        let reply = self.api.call(
            "POST",
            "/os-server-groups",
            Some(json!({"server_group": {"name": name, "policy": policy, "rules": {}}})),
        );
        reply["server_group"]["id"]
            .as_str()
            .expect("a group ID")
            .to_string()
    }

    /// Delete this test's groups of that name (all of them: none given).
    fn delete(&self, name: Option<&str>) {
        let all = self
            .api
            .send("GET", "/os-server-groups", None)
            .unwrap_or_default();
        for g in all["server_groups"].as_array().into_iter().flatten() {
            let n = g["name"].as_str().unwrap_or_default();
            if n.starts_with(&self.prefix) && name.is_none_or(|m| m == n) {
                if let Some(id) = g["id"].as_str() {
                    let _ = self
                        .api
                        .send("DELETE", &format!("/os-server-groups/{id}"), None);
                }
            }
        }
    }

    /// This test's server, booted and active (no network).
    fn boot(&self, name: &str) -> String {
        let reply = self.api.call(
            "POST",
            "/servers",
            Some(json!({"server": {"name": name, "flavorRef": "1",
                "imageRef": "a440c04b-79fa-479c-bed1-0b816eaec379", "networks": "none"}})),
        );
        let id = reply["server"]["id"]
            .as_str()
            .expect("a server ID")
            .to_string();
        *self.server.borrow_mut() = Some(id.clone());
        let start = Instant::now();
        loop {
            let s = self.api.call("GET", &format!("/servers/{id}"), None);
            if s["server"]["status"] == "ACTIVE" {
                return id;
            }
            assert!(start.elapsed() < Duration::from_secs(60), "{s}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Groups<'_> {
    fn drop(&mut self) {
        self.delete(None);
        if let Some(id) = self.server.borrow().as_deref() {
            let _ = self.api.send("DELETE", &format!("/servers/{id}"), None);
            self.api.gone(id);
        }
    }
}

/// Server groups (list, get, create, delete: a line per ID, failing only when all failed),
/// reset-state (a line per server, failing when any failed) and interface-attach: reads at
/// 2.1, 2.13 and 2.96, the demo user's view, nova's refusals, each change put back between the
/// clients' runs (a new group's or port's IDs are UUIDs, masked).
fn group_commands_match_novaclient(real: RealNova) {
    let _state = writing();
    let demo = real.as_user("demo");
    let api = real.login();
    let prefix = format!("grp-{}-", std::process::id());
    let groups = Groups {
        api: &api,
        prefix: prefix.clone(),
        server: std::cell::RefCell::new(None),
    };
    let (a, b, c) = (
        format!("{prefix}a"),
        format!("{prefix}b"),
        format!("{prefix}c"),
    );
    let a_id = groups.create(&a, "anti-affinity");
    let b_id = groups.create(&b, "affinity");
    let vm = format!("{prefix}vm");
    let vm_id = groups.boot(&vm);
    let (a_id, b_id, c, vm, vm_id) = (
        a_id.as_str(),
        b_id.as_str(),
        c.as_str(),
        vm.as_str(),
        vm_id.as_str(),
    );
    let (r, dm) = (&real, &demo);
    let v13 = "--os-compute-api-version=2.13";
    let v63 = "--os-compute-api-version=2.63";
    let v48 = "--os-compute-api-version=2.48";
    let mut failures = Vec::new();
    let mut total = 0;

    #[rustfmt::skip]
    let reads: Vec<(&RealNova, Vec<&str>, Expect)> = vec![
        (r, vec![V1, "server-group-list"], Same),
        (r, vec![v13, "server-group-list"], Same),
        (r, vec![v63, "server-group-list"], Same),
        (r, vec![V96, "server-group-list"], Same),
        (r, vec![V96, "server-group-list", "--limit", "1", "--offset", "1"], Same),
        (r, vec![V96, "server-group-list", "--limit", "0"], Same),
        (r, vec![V96, "server-group-list", "--all-projects"], Same),
        (dm, vec![V96, "server-group-list"], Same),
        (r, vec![V1, "server-group-get", a_id], Same),
        (r, vec![V96, "server-group-get", b_id], Same),
        (r, vec![V96, "server-group-get", "nosuch"], Same),
        (dm, vec![V96, "server-group-get", a_id], Same),
        (r, vec![V96, "server-group-create", c, "nosuch"], Same),
        (r, vec![V96, "server-group-create", c, "affinity", "--rule", "max_server_per_host=2"], Same),
        (r, vec![V96, "server-group-delete", "nosuch"], Same),
        (r, vec![V96, "server-group-delete", "nosuch", "other"], Same),
        (r, vec![V96, "reset-state", "nosuch"], Same),
        (dm, vec![V96, "reset-state", vm_id], Same),
        (r, vec![V96, "interface-attach", "nosuch"], Same),
        (r, vec![v48, "interface-attach", vm, "--tag", "t1"], Deliberate("D8")),
        (r, vec![V96, "interface-attach", vm, "--net-id", "nosuch"], Same),
        (r, vec![V96, "interface-attach", vm, "--port-id", "01234567-89ab-cdef-0123-456789abcdef"], Same),
    ];
    // The server's create action, by name, by ID and, from 2.21, by a UUID of no server.
    let create = api.call(
        "GET",
        &format!("/servers/{vm_id}/os-instance-actions"),
        None,
    );
    let create = create["instanceActions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["action"] == "create")
        .and_then(|a| a["request_id"].as_str())
        .expect("the create action")
        .to_string();
    let create = create.as_str();
    let v20 = "--os-compute-api-version=2.20";
    let v21 = "--os-compute-api-version=2.21";
    let v50 = "--os-compute-api-version=2.50";
    let v51 = "--os-compute-api-version=2.51";
    let v62 = "--os-compute-api-version=2.62";
    let gone = "01234567-89ab-cdef-0123-456789abcdef";
    #[rustfmt::skip]
    let more: Vec<(&RealNova, Vec<&str>, Expect)> = vec![
        (r, vec![V1, "instance-action", vm, create], Same),
        (r, vec![v50, "instance-action", vm_id, create], Same),
        (r, vec![v51, "instance-action", vm, create], Same),
        (r, vec![v62, "instance-action", vm, create], Same),
        (r, vec![V96, "instance-action", vm, create], Same),
        (r, vec![V96, "instance-action", vm, "req-nosuch"], Same),
        (r, vec![v20, "instance-action", gone, create], Same),
        (r, vec![v21, "instance-action", gone, create], Same),
        (r, vec![V96, "instance-action", "nosuch", create], Same),
        (dm, vec![V96, "instance-action", vm_id, create], Same),
        (r, vec![V1, "instance-action-list", vm], Same),
        (r, vec!["--os-compute-api-version=2.57", "instance-action-list", vm_id], Same),
        (r, vec!["--os-compute-api-version=2.58", "instance-action-list", vm], Same),
        (r, vec![V96, "instance-action-list", vm, "--limit", "1", "--changes-since", "2020-01-01T00:00:00Z"], Same),
        (r, vec![V96, "instance-action-list", vm, "--marker", create], Same),
        (r, vec![V96, "instance-action-list", vm, "--changes-before", "2020-01-01T00:00:00Z"], Same),
        (r, vec![v20, "instance-action-list", gone], Same),
        (r, vec![v21, "instance-action-list", gone], Same),
        (dm, vec![V96, "instance-action-list", vm_id], Same),
    ];
    let reads: Vec<(&RealNova, &[&str], Expect)> = reads
        .iter()
        .chain(&more)
        .map(|(r, args, e)| (*r, args.as_slice(), *e))
        .collect();
    let started = Instant::now();
    failures.extend(differences_parallel(&reads));
    total += reads.len();
    eprintln!("{} reading scenarios: {:?}", reads.len(), started.elapsed());

    let listed = listed_differences();
    let remove_c = || groups.delete(Some(c));
    let active = || api.action(vm_id, json!({"os-resetState": {"state": "active"}}));
    // A port's MAC address is new with each attachment.
    let mac = Masked(r"([0-9a-f]{2}:){5}[0-9a-f]{2}");
    let detach = || {
        let ports = api.call("GET", &format!("/servers/{vm_id}/os-interface"), None);
        for p in ports["interfaceAttachments"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let Some(port) = p["port_id"].as_str() {
                let _ = api.send(
                    "DELETE",
                    &format!("/servers/{vm_id}/os-interface/{port}"),
                    None,
                );
            }
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    #[rustfmt::skip]
    let changes: Vec<Redo> = vec![
        (vec![V96, "server-group-create", c, "anti-affinity", "--rule", "max_server_per_host=2"], Same, &remove_c),
        (vec![V96, "server-group-create", c, "affinity"], Same, &remove_c),
        (vec![V1, "server-group-create", c, "anti-affinity"], Same, &remove_c),
        (vec![v13, "server-group-create", c, "soft-affinity"], Same, &remove_c),
        (vec![V96, "reset-state", vm], Same, &active),
        (vec![V96, "reset-state", "--all-tenants", vm_id, "nosuch"], Same, &active),
        (vec![V1, "reset-state", "--active", vm], Same, &active),
        (vec![V96, "interface-attach", vm, "--net-id", "3cb9bc59-5699-4588-a4b1-b87f96708bc6"], mac, &detach),
        (vec![V96, "interface-attach", vm, "--net-id", "3cb9bc59-5699-4588-a4b1-b87f96708bc6", "--tag", "t1"], mac, &detach),
    ];
    let started = Instant::now();
    for (args, expect, back) in &changes {
        failures.extend(compare(&real, args, *expect, &listed, *back));
    }
    total += changes.len();

    // A delete of a group and a missing one: each client deletes a group of its own (their
    // IDs are masked alike), a line each, and succeeds.
    let d = format!("{prefix}d");
    let theirs_id = groups.create(&d, "affinity");
    let args = [V96, "server-group-delete", theirs_id.as_str(), "nosuch"];
    let theirs = real.theirs(&args);
    let ours_id = groups.create(&d, "affinity");
    let ours = real.ours(&[V96, "server-group-delete", ours_id.as_str(), "nosuch"]);
    failures.extend(verdict(&real, &args, Same, &listed, theirs, ours));
    // Both again: every one failed.
    let args = [
        V96,
        "server-group-delete",
        theirs_id.as_str(),
        ours_id.as_str(),
    ];
    failures.extend(compare(&real, &args, Same, &listed, &|| {}));
    total += 2;
    eprintln!(
        "{} changing scenarios: {:?}",
        changes.len() + 2,
        started.elapsed()
    );

    drop(groups);
    assert_none(&failures, total);
}

/// A bootable volume of nova's CinderFixture (which fakes any other volume ID too).
const BOOT_VOL: &str = "6ca404f3-d844-4169-bb96-bc792f37de98";
/// A snapshot ID (the fixture knows no snapshot).
const SNAP: &str = "9b5f2c4e-1d3a-4f6b-8c7d-0e1f2a3b4c5d";

/// The `server` of the POST /servers a `--debug` run logged (keystoneauth's `REQ: curl ... -d
/// '<body>'` line, after novaclient's `DEBUG (session:NNN) `; ours writes it the same way).
fn posted_server(stderr: &str) -> Option<Value> {
    stderr
        .lines()
        .filter_map(|l| l.find("REQ: curl").map(|at| &l[at..]))
        .filter(|l| l.contains("-X POST") && l.contains("/servers "))
        .find_map(|l| l.split_once(" -d '"))
        .and_then(|(_, b)| serde_json::from_str::<Value>(b.trim_end().trim_end_matches('\'')).ok())
        .map(|b| b["server"].clone())
}

/// One boot run by each client with `--debug`, the server (if any) deleted after each: the
/// same exit code, standard output (masked), error lines and POST /servers body.
fn boot_matches(real: &RealNova, name: &str, args: &[&str]) -> Option<String> {
    let mut time = Timing::start();
    let mut all = vec!["--debug"];
    all.extend(args);
    let mut seen = Vec::new();
    for theirs in [true, false] {
        let out = if theirs {
            real.direct(&all)
        } else {
            real.raw_with(bin("nova"), &all, &[])
        };
        if theirs {
            time.theirs();
        } else {
            time.ours();
        }
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        novagen_tests::assert_no_panic(&all, out.status.code().unwrap_or(-1), &stderr);
        let errors: String = stderr
            .lines()
            .filter(|l| l.starts_with("ERROR"))
            .map(|l| format!("{}\n", mask(l)))
            .collect();
        seen.push((
            out.status.code(),
            mask(&String::from_utf8_lossy(&out.stdout)),
            errors,
            posted_server(&stderr),
        ));
        let _ = real.ours_setting_up(&[V96, "delete", name]);
        real.wait(name, true);
        time.steps();
    }
    time.report(args);
    let ours = seen.pop()?;
    let theirs = seen.pop()?;
    if theirs.3.is_none() || ours.3.is_none() {
        return Some(format!(
            "nova --debug {}: no POST /servers body logged",
            args.join(" ")
        ));
    }
    (theirs != ours).then(|| {
        format!(
            "nova --debug {}\n--- python-novaclient (exit {:?})\n{}{}body: {}\n--- ours (exit {:?})\n{}{}body: {}",
            args.join(" "),
            theirs.0,
            theirs.1,
            theirs.2,
            theirs.3.unwrap_or_default(),
            ours.0,
            ours.1,
            ours.2,
            ours.3.unwrap_or_default()
        )
    })
}

/// boot's block devices (--boot-volume, --snapshot, --swap, --ephemeral, the image's mapping
/// prepended to --block-device's) and --nic net-name=, each boot compared by its output and
/// the body sent; novaclient's client-side refusals; show --minimal.
fn boot_commands_match_novaclient(real: RealNova) {
    // Its servers show in the lists the read-only scenarios compare.
    let _state = writing();
    let pid = std::process::id();
    let (vm, bfv, b, flv) = (
        format!("bootvm-{pid}"),
        format!("bootbfv-{pid}"),
        format!("bootnew-{pid}"),
        format!("bootflv-{pid}"),
    );
    let (vm, bfv, b, flv) = (vm.as_str(), bfv.as_str(), b.as_str(), flv.as_str());
    for (name, source) in [
        (vm, ["--image", "fakeimage6"]),
        (bfv, ["--boot-volume", BOOT_VOL]),
    ] {
        let boot = real.ours_setting_up(&[
            V96, "boot", name, "--flavor", "m1.tiny", source[0], source[1], "--nic", "none",
            "--poll",
        ]);
        assert_eq!(boot.code, Some(0), "{}", boot.stderr);
    }
    let made = real.ours_setting_up(&[
        V96,
        "flavor-create",
        flv,
        "auto",
        "128",
        "1",
        "1",
        "--swap",
        "64",
        "--ephemeral",
        "1",
    ]);
    assert_eq!(made.code, Some(0), "{}", made.stderr);
    let net_id = "3cb9bc59-5699-4588-a4b1-b87f96708bc6";
    let two = format!("net-name=private,net-id={net_id}");
    let port = format!("net-name=private,port-id={net_id}");
    let v46 = "--os-compute-api-version=2.46";
    #[rustfmt::skip]
    let reads: &[(&[&str], Expect)] = &[
        (&[V96, "show", vm, "--minimal"], Same),
        (&[V1, "show", vm, "--minimal"], Same),
        (&[v46, "show", vm, "--minimal"], Same),
        (&[V96, "show", vm, "--minimal", "--wrap", "30"], Same),
        (&[V96, "show", bfv, "--minimal"], Same),
        (&[V96, "show", bfv], Same),
        (&[V1, "show", bfv], Same),
        // novaclient's refusals: nothing to boot from, or more than one source.
        (&[V96, "boot", b, "--flavor", "m1.tiny", "--nic", "none"], Same),
        (&[V96, "boot", b, "--flavor", "m1.tiny", "--image", "fakeimage6", "--boot-volume", BOOT_VOL], Same),
        (&[V96, "boot", b, "--flavor", "m1.tiny", "--image", "fakeimage6", "--snapshot", SNAP], Same),
        (&[V96, "boot", b, "--flavor", "m1.tiny", "--boot-volume", BOOT_VOL, "--snapshot", SNAP, "--swap", "64"], Same),
        // A network name Neutron does not know; one of net-id, net-name and port-id.
        (&[V96, "boot", b, "--flavor", "m1.tiny", "--image", "fakeimage6", "--nic", "net-name=nosuch"], Same),
        (&[V96, "boot", b, "--flavor", "m1.tiny", "--image", "fakeimage6", "--nic", &two], Same),
        (&[V1, "boot", b, "--flavor", "m1.tiny", "--image", "fakeimage6", "--nic", &port], Same),
        // A malformed --ephemeral: both refuse it before booting, in their own words.
        (&[V96, "boot", b, "--flavor", "m1.tiny", "--image", "fakeimage6", "--nic", "none", "--ephemeral", "size"], Deliberate("D37")),
    ];
    let mut failures = Vec::new();
    let reads: Vec<(&RealNova, &[&str], Expect)> =
        reads.iter().map(|(a, e)| (&real, *a, *e)).collect();
    failures.extend(differences_parallel(&reads));
    // The fixture's volume is attached once at a time: the boots below use it again.
    for name in [vm, bfv] {
        real.step(&[V96, "delete", name]);
        real.step(&["gone", name]);
    }
    #[rustfmt::skip]
    let boots: &[&[&str]] = &[
        &[V96, "boot", b, "--flavor", "m1.tiny", "--boot-volume", BOOT_VOL, "--nic", "none", "--poll"],
        &[V96, "boot", b, "--flavor", "m1.tiny", "--snapshot", SNAP, "--nic", "none"],
        &[V96, "boot", b, "--flavor", "m1.tiny", "--image", "fakeimage6", "--block-device", &format!("id={BOOT_VOL},source=volume,dest=volume,bootindex=1"), "--nic", "none", "--poll"],
        &[V96, "boot", b, "--flavor", "m1.tiny", "--image", "fakeimage6", "--swap", "64", "--nic", "none"],
        &[V96, "boot", b, "--flavor", flv, "--image", "fakeimage6", "--swap", "64", "--ephemeral", "size=1,format=ext4", "--nic", "none", "--poll"],
        &[V1, "boot", b, "--flavor", flv, "--boot-volume", BOOT_VOL, "--ephemeral", "size=1", "--ephemeral", "size=1", "--poll"],
        &[V96, "boot", b, "--flavor", "m1.tiny", "--image", "fakeimage6", "--nic", "net-name=private", "--poll"],
        &[V1, "boot", b, "--flavor", "m1.tiny", "--image", "fakeimage6", "--nic", "net-name=private,v4-fixed-ip=10.0.0.9"],
    ];
    for args in boots {
        failures.extend(boot_matches(&real, b, args));
    }
    let total = reads.len() + boots.len();
    let gone = real.ours(&[V96, "flavor-delete", flv]);
    assert_eq!(gone.code, Some(0), "{}", gone.stderr);
    assert_none(&failures, total);
}

/// A client's run with `input` on its standard input (python-novaclient as a process of its
/// own: the zygote's children read /dev/null), masked as every run.
fn with_input(real: &RealNova, program: PathBuf, args: &[&str], input: &str) -> Out {
    use std::io::Write as _;
    let mut child = Command::new(program)
        .args(args)
        .env_clear()
        .envs(real.client_env())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run a client");
    let mut stdin = child.stdin.take().expect("piped");
    let _ = stdin.write_all(input.as_bytes());
    drop(stdin);
    let out = child.wait_with_output().expect("wait for a client");
    let stderr = String::from_utf8_lossy(&out.stderr);
    novagen_tests::assert_no_panic(args, out.status.code().unwrap_or(-1), &stderr);
    Out::of(out)
}

/// The commands whose last part is local, on a server booted with no network (real nova's
/// fake driver here has none to give): get-password (nova keeps no password for it: an empty
/// line, with a key file too, which is then never read), set-password with the answers on
/// standard input (novaclient has no terminal here: getpass reads stdin; D36's Python warning
/// lines set aside), and ssh's refusals for a server without addresses (a fake `ssh` first on
/// `PATH` for both clients, so that no real ssh could run).
fn local_commands_match_novaclient(real: RealNova) {
    // The server shows in the lists the read-only scenarios compare.
    let _state = writing();
    let name = format!("localvm-{}", std::process::id());
    let name = name.as_str();
    let boot = real.ours_setting_up(&[
        V96,
        "boot",
        name,
        "--flavor",
        "m1.tiny",
        "--image",
        "fakeimage6",
        "--nic",
        "none",
        "--poll",
    ]);
    assert_eq!(boot.code, Some(0), "{}", boot.stderr);
    let fake = novagen_tests::temp_dir("realnova-fake-ssh");
    let ssh = fake.join("ssh");
    std::fs::write(&ssh, "#!/bin/sh\necho \"fake ssh: $*\"\n").expect("write");
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&ssh, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut faked = real.clone();
    let path = format!(
        "{}:{}",
        fake.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    faked.env.push(("PATH".into(), path));
    let key = root().join("tests/fixtures/local/password-key.pem");
    let key = key.to_str().expect("a UTF-8 path");
    let f = &faked;
    let at_name = format!("cirros@{name}");
    #[rustfmt::skip]
    let reads: Vec<(&RealNova, Vec<&str>, Expect)> = vec![
        (f, vec![V96, "get-password", name], Same),
        (f, vec![V1, "get-password", name, key], Same),
        (f, vec![V96, "get-password", "no-such-server"], Same),
        (f, vec![V96, "get-password", name, "/no/such/key.pem"], Deliberate("D34")),
        (f, vec![V96, "ssh", name], Same),
        (f, vec![V96, "ssh", name, "--network", "private"], Same),
        (f, vec![V96, "ssh", name, "--network", "private", "--ipv6", "--address-type", "fixed"], Same),
        (f, vec![V96, "ssh", "no-such-server", "--login", "cirros", "-i", key], Same),
        (f, vec![V96, "ssh", &at_name, "--network", "private", "--port", "2222"], Same),
        (f, vec![V96, "ssh", name, "--private", "--address-type", "floating"], Same),
    ];
    let reads: Vec<(&RealNova, &[&str], Expect)> = reads
        .iter()
        .map(|(r, args, e)| (*r, args.as_slice(), *e))
        .collect();
    let mut failures = differences_parallel(&reads);
    let mut total = reads.len();
    // set-password, answers on standard input; the server settled again after each change.
    let listed = listed_differences();
    let python = |s: &str| -> String {
        s.lines()
            .filter(|l| !l.contains("GetPassWarning") && !l.contains("fallback_getpass"))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    let theirs_prog = real.dir.join("venv/bin/nova");
    for (args, input) in [
        (vec![V96, "set-password", name], "one\ntwo\n"),
        (vec![V96, "set-password", name], ""),
        (vec![V96, "set-password", "no-such-server"], "a\na\n"),
        (vec![V96, "set-password", name], "n3w pass\nn3w pass\n"),
    ] {
        let started = Instant::now();
        let mut theirs = with_input(&real, theirs_prog.clone(), &args, input);
        real.wait(name, false);
        let ours = with_input(&real, bin("nova"), &args, input);
        real.wait(name, false);
        eprintln!(
            "{:>6.1} s  nova {} (answers on stdin)",
            started.elapsed().as_secs_f64(),
            args.join(" ")
        );
        // D36: novaclient's stderr has Python's own warning lines first; the rest must match.
        let raw = theirs.stderr.clone();
        theirs.stderr = python(&raw);
        let asked = args[2] == name;
        if asked && raw == theirs.stderr {
            failures.push(format!(
                "nova {}: novaclient wrote no GetPassWarning: D36 no longer holds",
                args.join(" ")
            ));
        }
        failures.extend(verdict(&real, &args, Same, &listed, theirs, ours));
        total += 1;
    }
    let gone = real.ours(&[V96, "delete", name]);
    assert_eq!(gone.code, Some(0), "{}", gone.stderr);
    assert_none(&failures, total);
}
