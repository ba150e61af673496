//! `nova` against what a user's shell, a server or a config file can throw at it: standard
//! output that is a closed pipe or a full disk, absurd durations, path values that a URL
//! library would rewrite, server text meant to drive a terminal, clouds.yaml and secure.yaml
//! as openstacksdk reads them, and Ctrl-C during `--poll`. The real binary runs against
//! nova-sim each time.

use novagen_tests::{assert_no_panic, nova_command, Cloud, Run};
use std::process::{Command, Stdio};

fn env_pairs(env: &[(String, String)]) -> Vec<(&str, &str)> {
    env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// `nova args` against the cloud, with its standard output set up by the caller.
fn command(cloud: &Cloud, args: &[&str]) -> Command {
    let env = cloud.env();
    let mut cmd = nova_command(args, &env_pairs(&env));
    cmd.stdin(Stdio::null());
    cmd
}

/// Wait for a spawned `nova` and check it did not panic.
fn finish(args: &[&str], child: std::process::Child) -> Run {
    let out = child.wait_with_output().expect("wait for nova");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert_no_panic(args, run.code, &run.stderr);
    run
}

/// Standard output is a pipe whose reader has gone before `nova` writes (`nova list | head
/// -1` once head has its line, `nova flavor-list | true`): `nova` ends quietly, exit 0.
#[test]
fn a_closed_pipe_on_stdout_ends_nova_quietly() {
    let cloud = Cloud::start();
    let boot = cloud.nova(&[
        "boot",
        "--flavor",
        "1",
        "--image",
        "cirros-0.6.2-x86_64-disk",
        "vm1",
    ]);
    boot.ok();
    for args in [
        &["flavor-list"][..],
        &["list"],
        &["--format", "json", "flavor-list"],
        &["show", "vm1"],
        // Each failure of a many-valued command is printed on stdout.
        &["delete", "no-such-1", "no-such-2"],
        &[
            "boot",
            "--flavor",
            "1",
            "--image",
            "cirros-0.6.2-x86_64-disk",
            "--poll",
            "vm2",
        ],
    ] {
        let mut child = command(&cloud, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start nova");
        // The reader goes before nova has even authenticated.
        drop(child.stdout.take());
        let run = finish(args, child);
        assert_eq!(run.code, 0, "nova {}: {}", args.join(" "), run.stderr);
        assert_eq!(run.stderr, "", "nova {}", args.join(" "));
    }
}

/// Any other failure to write stdout is one `ERROR (OSError): ...` line and exit 1.
#[test]
fn a_full_disk_on_stdout_is_one_error_line() {
    let cloud = Cloud::start();
    for args in [
        &["flavor-list"][..],
        &["--format", "yaml", "flavor-show", "1"],
        &["delete", "no-such-1", "no-such-2"],
        &["boot", "--help"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let child = command(&cloud, args)
            .stdout(full)
            .stderr(Stdio::piped())
            .spawn()
            .expect("start nova");
        let run = finish(args, child);
        assert_eq!(run.code, 1, "nova {}: {}", args.join(" "), run.stderr);
        assert_eq!(
            run.stderr,
            "ERROR (OSError): Cannot write to standard output: No space left on device (os error 28)\n",
            "nova {}",
            args.join(" ")
        );
    }
}

/// `--timeout` and `--poll-interval` take more than 0 and at most a day of seconds; anything
/// else (NaN, infinities, 0, negative, a number that would overflow the clock) is one clear
/// error, exit 1.
#[test]
fn durations_out_of_range_are_refused() {
    let cloud = Cloud::start();
    for flag in ["--timeout", "--poll-interval"] {
        for value in ["1e19", "NaN", "inf", "-inf", "0", "-1", "86400.5"] {
            let arg = format!("{flag}={value}");
            let run = cloud.nova(&[&arg, "flavor-list"]);
            assert_eq!(run.code, 1, "{arg}: {run:?}");
            assert!(
                run.stderr.starts_with(&format!(
                    "ERROR (CommandError): {flag} must be a number of seconds more than 0 and \
                     at most 86400 (a day), not "
                )),
                "{arg}: {}",
                run.stderr
            );
            assert_eq!(run.stdout, "", "{arg}");
        }
        let arg = format!("{flag}=86400");
        cloud.nova(&[&arg, "flavor-show", "1"]).ok();
    }
    let env = cloud.env();
    let mut env = env_pairs(&env);
    env.retain(|(k, _)| *k != "NOVA_POLL_INTERVAL");
    env.push(("NOVA_POLL_INTERVAL", "nan"));
    let run = novagen_tests::nova(&["flavor-show", "1"], &env);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("--poll-interval must be"),
        "{}",
        run.stderr
    );
}

/// The request lines `--debug` printed.
fn requests(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with("REQ: ")).collect()
}

/// Every value put in a URL path stays one segment: `/`, `%`, `?`, `#` and spaces are
/// percent-encoded, and `.`/`..` (which every URL library turns into a step up the path,
/// encoded or not) are refused before anything is sent.
#[test]
fn path_values_stay_one_segment() {
    let cloud = Cloud::start();
    cloud
        .nova(&[
            "boot",
            "--flavor",
            "1",
            "--image",
            "cirros-0.6.2-x86_64-disk",
            "vm",
        ])
        .ok();
    for (tag, sent) in [
        ("x%2Fy", "/tags/x%252Fy "),
        ("q?h#s", "/tags/q%3Fh%23s "),
        ("sp ace", "/tags/sp%20ace "),
        ("a.b", "/tags/a.b "),
    ] {
        let run = cloud.nova(&["--debug", "server-tag-add", "vm", tag]);
        run.ok();
        let put: Vec<&str> = requests(&run.stderr)
            .into_iter()
            .filter(|l| l.contains("-X PUT"))
            .collect();
        assert_eq!(put.len(), 1, "{tag}: {}", run.stderr);
        assert!(put[0].contains(sent), "{tag}: {}", put[0]);
    }
    // What nova-sim stored is what was given.
    let tags = cloud.nova(&["--format", "value", "server-tag-list", "vm"]);
    assert_eq!(tags.ok(), "a.b\nq?h#s\nsp ace\nx%2Fy\n");

    let run = cloud.nova(&["--debug", "flavor-show", "a/b"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        requests(&run.stderr)
            .iter()
            .any(|l| l.contains("/compute/v2.1/flavors/a%2Fb ")),
        "{}",
        run.stderr
    );

    for (args, what) in [
        (&["keypair-delete", ".."][..], ".."),
        (&["keypair-delete", "."], "."),
        (&["server-tag-add", "vm", ".."], ".."),
        (&["server-tag-delete", "vm", ""], ""),
    ] {
        let mut all = vec!["--debug"];
        all.extend_from_slice(args);
        let run = cloud.nova(&all);
        assert_eq!(run.code, 1, "{run:?}");
        let said = format!(
            "'{what}' cannot be sent as a name or ID: a URL path segment cannot be '.', '..' or \
             empty."
        );
        assert!(
            run.stdout.contains(&said) || run.stderr.contains(&said),
            "{run:?}"
        );
        // Nothing but the session's own requests (token, version document, a name search).
        for line in requests(&run.stderr) {
            assert!(
                line.contains("/v3/auth/tokens")
                    || line.contains("/compute/v2.1 ")
                    || line.contains("-X GET"),
                "{line}"
            );
            assert!(!line.contains("/..") && !line.ends_with('/'), "{line}");
        }
    }
    // A name that cannot be sent is still found by name, and sent by its ID.
    cloud
        .nova(&["flavor-create", "..", "auto", "64", "1", "1"])
        .ok();
    let run = cloud.nova(&["--debug", "flavor-delete", ".."]);
    run.ok();
    let delete: Vec<&str> = requests(&run.stderr)
        .into_iter()
        .filter(|l| l.contains("-X DELETE"))
        .collect();
    assert_eq!(delete.len(), 1, "{}", run.stderr);
    assert!(
        !delete[0].contains("/flavors/.. ") && !delete[0].contains("/flavors "),
        "{}",
        delete[0]
    );
}

/// A pseudo-terminal: the side `nova` writes to (a terminal to it), and what it wrote.
struct Pty {
    master: std::fs::File,
    slave: std::fs::File,
}

impl Pty {
    fn open() -> Pty {
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

    /// Run `nova` with stdout (and stderr too, with `both`) on the terminal; what it wrote
    /// there (the terminal's `\r\n` line ends read as `\n`), and the run.
    fn run(self, cloud: &Cloud, args: &[&str], both: bool) -> (String, Run) {
        let mut cmd = command(cloud, args);
        cmd.stdout(self.slave.try_clone().expect("dup pty"));
        if both {
            cmd.stderr(self.slave.try_clone().expect("dup pty"));
        } else {
            cmd.stderr(Stdio::piped());
        }
        let child = cmd.spawn().expect("start nova");
        drop(cmd);
        drop(self.slave);
        // Read until every writer is gone (EIO on Linux) while nova runs.
        let mut master = self.master;
        let reader = std::thread::spawn(move || {
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = std::io::Read::read(&mut master, &mut buf) {
                seen.extend_from_slice(&buf[..n]);
            }
            seen
        });
        let run = finish(args, child);
        let seen = reader.join().expect("pty reader");
        let text = String::from_utf8_lossy(&seen).replace("\r\n", "\n");
        (text, run)
    }
}

/// Server text printed to a terminal shows its control characters as visible symbols, one
/// column each: tables stay aligned and a server cannot drive the terminal. Piped, the bytes
/// are the server's, as novaclient prints them.
#[test]
fn server_text_cannot_drive_a_terminal() {
    let cloud = Cloud::start();
    cloud
        .nova(&[
            "boot",
            "--flavor",
            "1",
            "--image",
            "cirros-0.6.2-x86_64-disk",
            "vm",
        ])
        .ok();
    // Nova's tags may hold anything but `,` and `/`.
    let tag = "\u{1b}[31mred\u{1b}]0;owned\u{7}\u{9b}2J\u{7f}";
    let shown = "␛[31mred␛]0;owned␇\u{fffd}2J␡";
    let (text, run) = Pty::open().run(&cloud, &["server-tag-add", "vm", tag], false);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        text,
        format!("Request to add tag {shown} to specified server has been accepted.\n")
    );

    let (text, run) = Pty::open().run(&cloud, &["server-tag-list", "vm"], false);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        !text.chars().any(|c| c != '\n' && c.is_control()),
        "{text:?}"
    );
    assert!(text.contains(&format!("| {shown} |")), "{text}");
    let widths: Vec<usize> = text.lines().map(|l| l.chars().count()).collect();
    assert!(widths.iter().all(|w| *w == widths[0]), "{text}");

    let (text, _) = Pty::open().run(
        &cloud,
        &["--format", "value", "server-tag-list", "vm"],
        false,
    );
    assert!(text.contains(&format!("{shown}\n")), "{text:?}");
    let piped = cloud.nova(&["--format", "value", "server-tag-list", "vm"]);
    assert!(piped.ok().contains(&format!("{tag}\n")), "{piped:?}");

    // The error line, when stderr is the terminal.
    let (text, run) = Pty::open().run(&cloud, &["show", "\u{1b}[2Jgone"], true);
    assert_eq!(run.code, 1);
    assert_eq!(
        text,
        "ERROR (CommandError): No server with a name or ID of '␛[2Jgone' exists.\n"
    );
}
