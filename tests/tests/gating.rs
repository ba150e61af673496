//! No test reports `ok` without having run: the suites whose prerequisites are facts of run
//! time (`realnova.rs` and `samples.rs`' Glance test: real nova answering; `schemas.rs`: the
//! realnova venv; `yaml.rs`' PyYAML tests: python3 with PyYAML) are run here, as built,
//! without them. Each of their tests must show as `ignored (<why>)` and count as
//! ignored in the summary, and fail under `CI`. The differential suite starts real nova itself
//! when its scripts are there (stand-ins here: a `start.sh` that runs nova-sim under the name
//! `server.py`, which answers on both addresses) and stops at its end what it started, and only
//! that.

use novagen_tests::{bin, newer_input, temp_dir};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The newest build of the test executable `name` (another file of this crate), built from the
/// current sources.
fn suite(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let deps = exe.parent().expect("target/<profile>/deps");
    let found = std::fs::read_dir(deps)
        .expect("read target/<profile>/deps")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_prefix(name))
                .and_then(|n| n.strip_prefix('-'))
                .is_some_and(|hash| hash.chars().all(|c| c.is_ascii_hexdigit()))
        })
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    let Some(path) = found else {
        panic!(
            "the test executable {name} is not built: run `cargo test --workspace` (or `cargo \
             test -p novagen-tests --no-run` first)"
        );
    };
    if let Some(newer) = newer_input(&path, &path.with_extension("d"), false) {
        panic!(
            "{} is older than {}: run `cargo test -p novagen-tests --no-run` first",
            path.display(),
            newer.display()
        );
    }
    path
}

/// What a run of a suite printed (both streams) and whether it passed.
struct Ran {
    passed: bool,
    out: String,
}

/// Run the suite `name` (only its tests whose names contain `filter`, when it is not empty) with
/// `env` over this process's environment, less `CI` unless `ci`.
fn run_suite(name: &str, filter: &str, env: &[(&str, &Path)], ci: bool) -> Ran {
    let mut cmd = Command::new(suite(name));
    cmd.args(["--test-threads", "2"]).env_remove("CI");
    if !filter.is_empty() {
        cmd.arg(filter);
    }
    for var in ["REALNOVA_DIR", "REALNOVA_SCRIPTS", "REALNOVA_NOVA_PORT"] {
        cmd.env_remove(var);
    }
    if ci {
        cmd.env("CI", "true");
    }
    cmd.envs(env.iter().map(|(k, v)| (k, v.as_os_str())));
    let out = cmd.output().expect("run the suite");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    Ran {
        passed: out.status.success(),
        out: text,
    }
}

/// The suite's output shows the test `t` as ignored with a reason saying `why`.
fn ignored(out: &str, t: &str, why: &str) {
    let line = out
        .lines()
        .find(|l| l.starts_with(&format!("test {t} ")))
        .unwrap_or_else(|| panic!("no line for {t}:\n{out}"));
    assert!(
        line.contains("... ignored (") && line.contains(why),
        "{t} is not ignored with {why:?}: {line}\n{out}"
    );
}

/// Every one of the suite's `tests` (those whose names contain `filter`) shows as ignored,
/// with a reason saying `why`, and the summary counts them so; under `CI` every one fails.
fn all_ignored(name: &str, filter: &str, tests: &[&str], env: &[(&str, &Path)], why: &str) -> Ran {
    let ran = run_suite(name, filter, env, false);
    assert!(ran.passed, "{name}:\n{}", ran.out);
    for t in tests {
        ignored(&ran.out, t, why);
    }
    let summary = format!("0 passed; 0 failed; {} ignored;", tests.len());
    assert!(ran.out.contains(&summary), "{name}:\n{}", ran.out);
    let under_ci = run_suite(name, filter, env, true);
    assert!(!under_ci.passed, "{name} under CI:\n{}", under_ci.out);
    let summary = format!("0 passed; {} failed; 0 ignored;", tests.len());
    assert!(
        under_ci.out.contains(&summary),
        "{name} under CI:\n{}",
        under_ci.out
    );
    ran
}

const REALNOVA: &[&str] = &[
    "read_only_commands_match_novaclient",
    "server_commands_match_novaclient",
    "changing_commands_match_novaclient",
    "admin_commands_match_novaclient",
    "aggregate_commands_match_novaclient",
    "group_commands_match_novaclient",
    "wrap_commands_match_novaclient",
    "boot_commands_match_novaclient",
    "host_commands_match_novaclient",
    "usage_commands_match_novaclient",
    "local_commands_match_novaclient",
    "novaclient_runs_the_same_through_the_zygote",
];

const SCHEMAS: &[&str] = &[
    "request_bodies",
    "query_parameters",
    "resource_fields",
    "nova_sim_replies",
];

#[test]
fn schemas_without_the_venv_are_ignored() {
    let dir = temp_dir("gating-novenv");
    all_ignored(
        "schemas",
        "",
        SCHEMAS,
        &[("REALNOVA_DIR", &dir)],
        "venv/bin/python (the realnova venv",
    );
}

/// samples.rs's comparison with real nova's Glance (its other tests need no real nova).
#[test]
fn samples_without_realnova_are_ignored() {
    let dir = temp_dir("gating-samples");
    let none = dir.join("no-such-folder");
    all_ignored(
        "samples",
        "realnovas_glance",
        &["the_image_type_and_local_glance_match_realnovas_glance"],
        &[("REALNOVA_DIR", &dir), ("REALNOVA_SCRIPTS", &none)],
        "needs ",
    );
}

/// yaml.rs's PyYAML tests without a python that has PyYAML (none on the PATH, no venv).
#[test]
fn yaml_without_pyyaml_is_ignored() {
    let dir = temp_dir("gating-nopython");
    all_ignored(
        "yaml",
        "pyyaml",
        &[
            "known_scalars_read_back_in_pyyaml",
            "arbitrary_values_read_back_in_pyyaml",
            "server_metadata_reads_back_in_pyyaml",
        ],
        &[("REALNOVA_DIR", &dir), ("PATH", &dir)],
        "needs python3 with PyYAML",
    );
}

#[test]
fn realnova_without_its_scripts_is_ignored() {
    let dir = temp_dir("gating-noscripts");
    let none = dir.join("no-such-folder");
    all_ignored(
        "realnova",
        "",
        REALNOVA,
        &[("REALNOVA_DIR", &dir), ("REALNOVA_SCRIPTS", &none)],
        "needs ",
    );
}

/// Stand-in scripts in `dir/scripts`: `setup.sh` runs `setup` (and notes that it ran),
/// `start.sh` runs nova-sim named `server.py` on `port` and writes the openrc.
fn stand_ins(dir: &Path, setup: &str, port: u16) -> PathBuf {
    let scripts = dir.join("scripts");
    std::fs::create_dir_all(&scripts).expect("scripts folder");
    let write = |name: &str, body: String| {
        std::fs::write(scripts.join(name), format!("#!/usr/bin/env bash\n{body}"))
            .expect("write a stand-in script");
    };
    write(
        "setup.sh",
        format!("touch \"$REALNOVA_DIR/setup-ran\"\n{setup}\n"),
    );
    write(
        "start.sh",
        format!(
            "set -eu\nR=$REALNOVA_DIR\n\
             (exec -a server.py {sim} --listen 127.0.0.1:{port} < /dev/null > \"$R/nova.log\" 2>&1) &\n\
             echo $! > \"$R/nova.pid\"\n\
             for _ in $(seq 1 100); do (echo > /dev/tcp/127.0.0.1/{port}) 2>/dev/null && break; sleep 0.1; done\n\
             echo 'export OS_AUTH_URL=http://127.0.0.1:{port}/identity/v3 OS_USERNAME=admin' > \"$R/openrc\"\n",
            sim = bin("nova-sim").display()
        ),
    );
    scripts
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn alive(pid: &str) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Stops the stand-in of a test that failed half-way.
struct Stop(PathBuf);

impl Drop for Stop {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.0.join("nova.pid")) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
    }
}

#[test]
fn realnova_that_cannot_be_set_up_is_ignored() {
    let dir = temp_dir("gating-nosetup");
    let scripts = stand_ins(&dir, "echo 'no registry' >&2; exit 1", free_port());
    all_ignored(
        "realnova",
        "",
        REALNOVA,
        &[("REALNOVA_DIR", &dir), ("REALNOVA_SCRIPTS", &scripts)],
        "setup.sh failed",
    );
    assert!(dir.join("setup-ran").exists());
    assert!(!dir.join("nova.pid").exists(), "start.sh ran");
}

/// Not answering: the suite sets it up, starts it and stops it at its end. (The stand-in has
/// no python-novaclient, so the tests themselves are then ignored for that.)
#[test]
fn realnova_not_running_is_started_and_stopped() {
    let dir = temp_dir("gating-start");
    let port = free_port().to_string();
    let scripts = stand_ins(&dir, "exit 0", port.parse().expect("port"));
    let _stop = Stop(dir.clone());
    let env: [(&str, &Path); 3] = [
        ("REALNOVA_DIR", &dir),
        ("REALNOVA_SCRIPTS", &scripts),
        ("REALNOVA_NOVA_PORT", Path::new(&port)),
    ];
    let ran = run_suite("realnova", "", &env, false);
    assert!(ran.passed, "{}", ran.out);
    assert!(dir.join("setup-ran").exists(), "setup.sh did not run");
    assert!(ran.out.contains("realnova: started in"), "{}", ran.out);
    let stopped = regex::Regex::new(r"realnova: stopped nova \((\d+)\)")
        .expect("regex")
        .captures(&ran.out)
        .map(|c| c[1].to_string())
        .unwrap_or_else(|| panic!("not stopped:\n{}", ran.out));
    assert!(!alive(&stopped), "{stopped} still runs");
    assert!(!dir.join("nova.pid").exists());
    for t in REALNOVA {
        ignored(&ran.out, t, "venv/bin/nova is absent");
    }
}

/// Already answering: the suite uses it and leaves it running.
#[test]
fn realnova_already_running_is_left_running() {
    let dir = temp_dir("gating-running");
    let port = free_port().to_string();
    let scripts = stand_ins(&dir, "exit 0", port.parse().expect("port"));
    let _stop = Stop(dir.clone());
    let started = Command::new("bash")
        .arg(scripts.join("start.sh"))
        .env("REALNOVA_DIR", &dir)
        .status()
        .expect("run the stand-in start.sh");
    assert!(started.success());
    let pid = std::fs::read_to_string(dir.join("nova.pid")).expect("nova.pid");
    let pid = pid.trim();
    let env: [(&str, &Path); 3] = [
        ("REALNOVA_DIR", &dir),
        ("REALNOVA_SCRIPTS", &scripts),
        ("REALNOVA_NOVA_PORT", Path::new(&port)),
    ];
    let ran = run_suite("realnova", "", &env, false);
    assert!(ran.passed, "{}", ran.out);
    assert!(!ran.out.contains("realnova: started"), "{}", ran.out);
    assert!(!ran.out.contains("realnova: stopped"), "{}", ran.out);
    assert!(!dir.join("setup-ran").exists(), "setup.sh ran");
    assert!(alive(pid), "the running instance was stopped:\n{}", ran.out);
}
