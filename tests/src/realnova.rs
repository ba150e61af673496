//! Real keystone and nova 34 from `../shared/realnova` (its README), for the suites that compare
//! against them. When the scripts are there but real nova is not answering, the first test that
//! needs it starts it (`setup.sh` first when the virtualenvs are missing, which needs PyPI;
//! then `start.sh`), and the suite stops at its end what it started, and only that: an instance
//! that was already running (the lead's, CI's) is left alone. What cannot be had is the reason
//! the tests show as ignored (a failure under `CI`, see [`crate::gate`]).
//!
//! The scripts' settings (`REALNOVA_DIR`, `REALNOVA_*_PORT`, see `env.sh`) are read from the
//! environment, by the scripts and here alike, so a run can use an instance of its own;
//! `REALNOVA_SCRIPTS` names another folder of scripts (the gating tests use stand-ins).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

/// A real nova answering, with the `OS_*` variables of its admin (`$REALNOVA_DIR/openrc`).
#[derive(Clone, Debug)]
pub struct Ready {
    pub dir: PathBuf,
    pub env: Vec<(String, String)>,
}

/// The scripts: `$REALNOVA_SCRIPTS`, else `../shared/realnova` beside the workspace.
pub fn scripts() -> PathBuf {
    std::env::var_os("REALNOVA_SCRIPTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::root().join("../shared/realnova"))
}

/// Its state and virtualenvs, where `env.sh` puts them: `$REALNOVA_DIR`, else
/// `${TMPDIR:-/tmp}/realnova`.
pub fn dir() -> PathBuf {
    std::env::var_os("REALNOVA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("realnova"))
}

fn nova_port() -> String {
    std::env::var("REALNOVA_NOVA_PORT").unwrap_or_else(|_| "8774".into())
}

static READY: OnceLock<Result<Ready, String>> = OnceLock::new();

/// The processes this test process started: (name, pid).
static STARTED: Mutex<Vec<(&str, i32)>> = Mutex::new(Vec::new());

/// Real nova, answering (started here if need be, once per test process), or why not.
pub fn running() -> Result<Ready, String> {
    READY.get_or_init(bring_up).clone()
}

/// The `export K=V` lines of `$REALNOVA_DIR/openrc`.
fn openrc(dir: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(dir.join("openrc"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.strip_prefix("export "))
        .flat_map(|l| l.split_whitespace())
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Both services answer: keystone at the openrc's `OS_AUTH_URL`, nova on its port.
fn answering(env: &[(String, String)]) -> Result<(), String> {
    let Some((_, keystone)) = env.iter().find(|(k, _)| k == "OS_AUTH_URL") else {
        return Err("no openrc (start.sh writes it)".into());
    };
    let nova = format!("http://127.0.0.1:{}/", nova_port());
    let client = reqwest::blocking::Client::new();
    for url in [keystone.as_str(), nova.as_str()] {
        client
            .get(url)
            .timeout(Duration::from_secs(5))
            .send()
            .map_err(|e| format!("{url} is not answering: {e}"))?;
    }
    Ok(())
}

/// The pid in `$REALNOVA_DIR/<name>.pid`, when that process is alive and is realnova's.
fn alive(dir: &Path, name: &str) -> Option<i32> {
    let pid: i32 = std::fs::read_to_string(dir.join(format!("{name}.pid")))
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    let cmdline = String::from_utf8_lossy(&cmdline);
    (cmdline.contains("server.py") || cmdline.contains("keystone_server.py")).then_some(pid)
}

/// Run one of the scripts; Err: its exit and the end of what it printed.
fn script(name: &str) -> Result<(), String> {
    let path = scripts().join(name);
    let out = Command::new("bash")
        .arg(&path)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", path.display()))?;
    if out.status.success() {
        return Ok(());
    }
    let mut said = String::from_utf8_lossy(&out.stdout).into_owned();
    said.push_str(&String::from_utf8_lossy(&out.stderr));
    let tail: Vec<&str> = said.lines().rev().take(5).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    Err(format!(
        "{} failed ({}): {}",
        path.display(),
        out.status,
        tail.join(" | ")
    ))
}

fn bring_up() -> Result<Ready, String> {
    let scripts = scripts();
    if !scripts.join("start.sh").exists() {
        return Err(format!(
            "needs {} (absent: it ships beside the project in CI and developer sessions only)",
            scripts.display()
        ));
    }
    let dir = dir();
    let why = match answering(&openrc(&dir)) {
        Ok(()) => {
            return Ok(Ready {
                env: openrc(&dir),
                dir,
            })
        }
        Err(why) => why,
    };
    eprintln!(
        "realnova: {why}; starting it ({}, REALNOVA_DIR={})",
        scripts.join("start.sh").display(),
        dir.display()
    );
    let venvs = dir.join("venv/bin/nova").exists()
        && dir.join("venv-keystone/bin/keystone-manage").exists();
    if !venvs {
        let started = Instant::now();
        eprintln!("realnova: no virtualenvs in {}: setup.sh", dir.display());
        script("setup.sh").map_err(|e| format!("no running realnova: {e} (it needs PyPI)"))?;
        eprintln!("realnova: setup.sh took {:?}", started.elapsed());
    }
    let names = ["nova", "keystone"];
    let before: Vec<Option<i32>> = names.iter().map(|n| alive(&dir, n)).collect();
    let started = Instant::now();
    let result = script("start.sh");
    // What start.sh started is stopped at the end, even when it failed half-way.
    for (name, was) in names.iter().zip(before) {
        if let Some(pid) = alive(&dir, name).filter(|pid| was != Some(*pid)) {
            STARTED
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((name, pid));
        }
    }
    result.map_err(|e| format!("no running realnova: {e}"))?;
    let env = openrc(&dir);
    answering(&env).map_err(|e| format!("realnova started but {e}"))?;
    eprintln!("realnova: started in {:?}", started.elapsed());
    Ok(Ready { dir, env })
}

/// Stop what [`running`] started (nothing when real nova was already running): SIGTERM, then
/// SIGKILL after 10 s; each pid file that still names it is removed, as `stop.sh` does.
pub fn stop_started() {
    use rustix::process::{kill_process, test_kill_process, Pid, Signal};
    let started = std::mem::take(&mut *STARTED.lock().unwrap_or_else(PoisonError::into_inner));
    let dir = dir();
    for (name, pid) in started {
        // Only while the pid file still names it (so it is that process, not a reused pid).
        if alive(&dir, name) != Some(pid) {
            continue;
        }
        let Some(p) = Pid::from_raw(pid) else {
            continue;
        };
        let _ = kill_process(p, Signal::TERM);
        let deadline = Instant::now() + Duration::from_secs(10);
        while test_kill_process(p).is_ok() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        if test_kill_process(p).is_ok() {
            let _ = kill_process(p, Signal::KILL);
        }
        let _ = std::fs::remove_file(dir.join(format!("{name}.pid")));
        eprintln!("realnova: stopped {name} ({pid}), which this suite started");
    }
}

/// python-novaclient without its start-up per command: long-lived processes of the realnova
/// venv's python (`tests/novaclient_zygote.py`) that have imported novaclient's shell once and,
/// for each run, fork a child that runs the console script's own lines with that run's argv and
/// environment (stdin on /dev/null, stdout and stderr in files read back here), so a run is what
/// a new `nova` process does, without the imports. One request at a time per zygote; a pool
/// grows to as many as run at once.
pub struct Zygotes {
    python: PathBuf,
    env: Vec<(String, String)>,
    idle: Mutex<Vec<Zygote>>,
    runs: std::sync::atomic::AtomicUsize,
}

struct Zygote {
    child: std::process::Child,
    requests: std::process::ChildStdin,
    replies: std::io::BufReader<std::process::ChildStdout>,
}

impl Zygotes {
    /// Zygotes of `python` (the venv's), started with `env` as their whole environment (what a
    /// direct run gets besides a request's own variables); Err when the first cannot start.
    pub fn start(python: PathBuf, env: Vec<(String, String)>) -> Result<Zygotes, String> {
        let zygotes = Zygotes {
            python,
            env,
            idle: Mutex::new(Vec::new()),
            runs: std::sync::atomic::AtomicUsize::new(0),
        };
        let first = zygotes.spawn()?;
        zygotes.put(first);
        Ok(zygotes)
    }

    fn spawn(&self) -> Result<Zygote, String> {
        use std::io::BufRead;
        let script = crate::root().join("tests/novaclient_zygote.py");
        let mut child = Command::new(&self.python)
            .arg(&script)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", self.python.display()))?;
        let requests = child.stdin.take().expect("piped stdin");
        let mut replies = std::io::BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut ready = String::new();
        let read = replies.read_line(&mut ready);
        let ready: serde_json::Value = serde_json::from_str(&ready).unwrap_or_default();
        if ready.get("ready").is_none() {
            let _ = child.kill();
            let status = child.wait();
            return Err(format!(
                "the novaclient zygote ({} {}) did not start: {read:?}, {status:?}",
                self.python.display(),
                script.display()
            ));
        }
        Ok(Zygote {
            child,
            requests,
            replies,
        })
    }

    fn put(&self, zygote: Zygote) {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(zygote);
    }

    /// One run of novaclient's `nova` with these arguments and this whole environment, as
    /// `Command::output` would give it.
    pub fn output(
        &self,
        args: &[&str],
        env: &[(String, String)],
    ) -> Result<std::process::Output, String> {
        use std::io::{BufRead, Write};
        use std::os::unix::process::ExitStatusExt;
        let taken = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let mut zygote = match taken {
            Some(z) => z,
            None => self.spawn()?,
        };
        let n = self.runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let base =
            std::env::temp_dir().join(format!("novaclient-zygote-{}-{n}", std::process::id()));
        let (out_path, err_path) = (base.with_extension("out"), base.with_extension("err"));
        let env: serde_json::Map<String, serde_json::Value> = env
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str())))
            .collect();
        let request = serde_json::json!({
            "argv": args, "env": env,
            "stdout": out_path, "stderr": err_path,
        });
        let mut reply = String::new();
        let sent = writeln!(zygote.requests, "{request}")
            .and_then(|()| zygote.requests.flush())
            .and_then(|()| zygote.replies.read_line(&mut reply));
        let status = serde_json::from_str::<serde_json::Value>(&reply)
            .ok()
            .and_then(|r| r["status"].as_i64());
        let read = |p: &Path| {
            let bytes = std::fs::read(p);
            let _ = std::fs::remove_file(p);
            bytes
        };
        let (stdout, stderr) = (read(&out_path), read(&err_path));
        let (Some(status), Ok(stdout), Ok(stderr)) = (status, stdout, stderr) else {
            let _ = zygote.child.kill();
            let _ = zygote.child.wait();
            return Err(format!(
                "the novaclient zygote failed: {sent:?}, reply {reply:?}"
            ));
        };
        self.put(zygote);
        Ok(std::process::Output {
            status: std::process::ExitStatus::from_raw(status as i32),
            stdout,
            stderr,
        })
    }

    /// End the zygotes (each ends when its requests close).
    pub fn stop(&self) {
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(PoisonError::into_inner));
        for Zygote {
            mut child,
            requests,
            replies,
        } in idle
        {
            drop(requests);
            drop(replies);
            let _ = child.wait();
        }
    }
}
