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
    ];
    let mut out = s.to_string();
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
    #[rustfmt::skip]
    let scenarios: &[(&[&str], Expect)] = &[
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
}
