//! The differential suite: python-novaclient 18.13.1 and our `nova`, side by side against the
//! same real nova 34 (`../shared/realnova`, started by `.ci/run`, or by hand:
//! `../shared/realnova/setup.sh && ../shared/realnova/start.sh`). For every scenario: stdout
//! byte for byte, the stderr error line and the exit code, after masking what must differ
//! between two runs (UUIDs, request IDs, timestamps, passwords — keeping column widths).
//!
//! Deliberate differences are listed, with their reasons, in `DIFFERENCES.md`; a scenario that
//! shows one names it, and the test checks it still differs (so the list stays true).
//!
//! Without a running realnova the suite is skipped with a message, and fails when `CI` is set.

use novagen_tests::{bin, root, skip};
use std::path::PathBuf;
use std::process::Command;

struct RealNova {
    dir: PathBuf,
    env: Vec<(String, String)>,
}

/// The running realnova, or None (skipped) — a failure under CI.
fn realnova() -> Option<RealNova> {
    let shared = root().join("../shared/realnova");
    let dir = std::env::var_os("REALNOVA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("realnova"));
    let openrc = std::fs::read_to_string(dir.join("openrc")).ok();
    let env: Vec<(String, String)> = openrc
        .iter()
        .flat_map(|t| t.lines())
        .filter_map(|l| l.strip_prefix("export "))
        .flat_map(|l| l.split_whitespace())
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let novaclient = dir.join("venv/bin/nova");
    let answering = env
        .iter()
        .find(|(k, _)| k == "OS_AUTH_URL")
        .is_some_and(|(_, url)| {
            reqwest::blocking::Client::new()
                .get(url)
                .timeout(std::time::Duration::from_secs(5))
                .send()
                .is_ok()
        });
    if shared.exists() && novaclient.exists() && answering {
        return Some(RealNova { dir, env });
    }
    skip(&format!(
        "no running realnova (shared: {}, novaclient: {}, keystone answering: {answering}); \
         run ../shared/realnova/setup.sh and start.sh first",
        shared.exists(),
        novaclient.exists()
    ));
    None
}

/// One run of a client: exit code, stdout, stderr.
#[derive(Debug, PartialEq)]
struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl RealNova {
    fn run(&self, program: PathBuf, args: &[&str]) -> Out {
        let out = Command::new(program)
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", std::env::temp_dir())
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output()
            .expect("run a client");
        Out {
            code: out.status.code(),
            stdout: mask(&String::from_utf8_lossy(&out.stdout)),
            stderr: mask(&stderr_lines(&String::from_utf8_lossy(&out.stderr))),
        }
    }

    fn theirs(&self, args: &[&str]) -> Out {
        self.run(self.dir.join("venv/bin/nova"), args)
    }

    fn ours(&self, args: &[&str]) -> Out {
        self.run(bin("nova"), args)
    }
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
    /// A deliberate difference, by its entry in DIFFERENCES.md.
    Deliberate(&'static str),
}
use Expect::*;

/// Run scenarios; report every one that does not meet its expectation, then fail once.
fn check(real: &RealNova, scenarios: &[(&[&str], Expect)]) {
    let listed = std::fs::read_to_string(root().join("DIFFERENCES.md")).expect("DIFFERENCES.md");
    let mut failures = Vec::new();
    for (args, expect) in scenarios {
        let (theirs, ours) = (real.theirs(args), real.ours(args));
        let same = theirs == ours;
        match expect {
            Same if !same => failures.push(format!(
                "nova {}\n--- python-novaclient (exit {:?})\n{}{}--- ours (exit {:?})\n{}{}",
                args.join(" "),
                theirs.code,
                theirs.stdout,
                theirs.stderr,
                ours.code,
                ours.stdout,
                ours.stderr
            )),
            Deliberate(id) if same => failures.push(format!(
                "nova {}: listed as deliberate difference {id}, but the outputs are the same",
                args.join(" ")
            )),
            Deliberate(id) if !listed.contains(&format!("## {id}:")) => {
                failures.push(format!("{id} is not an entry of DIFFERENCES.md"))
            }
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios differ:\n\n{}",
        failures.len(),
        scenarios.len(),
        failures.join("\n\n")
    );
}

const V1: &str = "--os-compute-api-version=2.1";
const V96: &str = "--os-compute-api-version=2.96";

#[test]
#[cfg_attr(no_realnova, ignore = "needs ../shared/realnova")]
fn read_only_commands_match_novaclient() {
    let Some(real) = realnova() else { return };
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
    ];
    check(&real, scenarios);
}

#[test]
#[cfg_attr(no_realnova, ignore = "needs ../shared/realnova")]
fn server_commands_match_novaclient() {
    let Some(real) = realnova() else { return };
    // One server, booted by our client, read by both (a name of its own for this run).
    let name = format!("diffvm-{}", std::process::id());
    let name = name.as_str();
    let boot = real.ours(&[
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
    #[rustfmt::skip]
    let scenarios: &[(&[&str], Expect)] = &[
        (&[V96, "show", dup], Same),
        (&[V1, "get-vnc-console", dup, "novnc"], Same),
        (&[V96, "reboot", dup], Same),
        (&[V96, "reboot", name, "no-such-server"], Same),
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
    check(&real, scenarios);
    let gone = real.ours(&[V96, "delete", name]);
    assert_eq!(gone.code, Some(0), "{}", gone.stderr);
    let ids = real.ours(&[
        V96,
        "list",
        "--name",
        &format!("^{dup}$"),
        "--minimal",
        "--format",
        "value",
    ]);
    for line in ids.stdout.lines() {
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
    before: &[&[&str]],
    args: &[&str],
    after: &[&[&str]],
    expect: Expect,
) {
    let mut outs = Vec::new();
    for theirs in [true, false] {
        for step in before {
            real.step(step);
        }
        outs.push(if theirs {
            real.theirs(args)
        } else {
            real.ours(args)
        });
        for step in after {
            real.step(step);
        }
    }
    let (theirs, ours) = (&outs[0], &outs[1]);
    match expect {
        Same if theirs != ours => failures.push(format!(
            "nova {}\n--- python-novaclient (exit {:?})\n{}{}--- ours (exit {:?})\n{}{}",
            args.join(" "),
            theirs.code,
            theirs.stdout,
            theirs.stderr,
            ours.code,
            ours.stdout,
            ours.stderr
        )),
        Deliberate(id) if theirs == ours => failures.push(format!(
            "nova {}: listed as deliberate difference {id}, but the outputs are the same",
            args.join(" ")
        )),
        _ => {}
    }
}

impl RealNova {
    /// A set-up or clean-up step with our client; it must succeed.
    fn step(&self, step: &[&str]) {
        match step {
            ["wait", name] => self.wait(name, false),
            ["gone", name] => self.wait(name, true),
            _ => {
                let out = self.ours(step);
                assert_eq!(out.code, Some(0), "step {step:?}: {}", out.stderr);
            }
        }
    }

    /// Until the server is settled (no task, not building), or gone.
    fn wait(&self, name: &str, gone: bool) {
        for _ in 0..120 {
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
                r["Task State"]
                    .as_str()
                    .is_none_or(|t| t == "-" || t.is_empty())
                    && r["Status"] != "BUILD"
            });
            if (gone && rows.is_empty()) || (!gone && !rows.is_empty() && settled) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(250));
        }
        panic!("server {name} did not settle");
    }
}

/// Steps before, the command, steps after, and what is expected.
type Change<'a> = (
    &'a [&'a [&'a str]],
    &'a [&'a str],
    &'a [&'a [&'a str]],
    Expect,
);

/// A public key for keypair-add (only its shape matters).
const PUB_KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKYcmmh6Ym5PnSuL0pwSGJLagRrxSd+WBZm50bAJ3BJu diff@novagen\n";

#[test]
#[cfg_attr(no_realnova, ignore = "needs ../shared/realnova")]
fn changing_commands_match_novaclient() {
    let Some(real) = realnova() else { return };
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
    #[rustfmt::skip]
    let scenarios: &[Change] = &[
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
        (&[], &[V96, "keypair-add", k], &[], Deliberate("D9")),
        // The last: the server itself.
        (&[], &[V96, "delete", s], &[&["gone", s], &[V96, "boot", s, "--flavor", "m1.tiny", "--image", "fakeimage6", "--nic", "none", "--poll"]], Same),
    ];
    for (before, args, after, expect) in scenarios {
        let t = std::time::Instant::now();
        change(&real, &mut failures, before, args, after, *expect);
        eprintln!(
            "{:>6.1} s  nova {}",
            t.elapsed().as_secs_f64(),
            args.join(" ")
        );
    }
    // D30 with our words: the server, its state and nova's fault, no trailing space (D19).
    let ours = real.ours(&[
        V96,
        "boot",
        e,
        "--flavor",
        big,
        "--image",
        "fakeimage6",
        "--nic",
        "none",
        "--poll",
    ]);
    assert_eq!(
        ours.stderr,
        format!(
            "ERROR (ResourceInErrorState): server {} is in error state: No valid host was found.\n",
            "#".repeat(36)
        )
    );
    for step in [
        &[V96, "delete", e][..],
        &["gone", e],
        &[V96, "delete", s],
        &["gone", s],
        &[V96, "flavor-delete", big],
    ] {
        real.step(step);
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios differ:\n\n{}",
        failures.len(),
        scenarios.len(),
        failures.join("\n\n")
    );
}
