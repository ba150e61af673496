//! `nova` against what a user's shell, a server or a config file can throw at it: standard
//! output that is a closed pipe or a full disk, absurd durations, path values that a URL
//! library would rewrite, server text meant to drive a terminal, clouds.yaml and secure.yaml
//! as openstacksdk reads them, and Ctrl-C during `--poll`. The real binary runs against
//! nova-sim each time.

use novagen_tests::{interrupt_after, nova_command, Cloud, Pty, Run};
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
    Run::of(args, child.wait_with_output().expect("wait for nova"))
}

const IMAGE: &str = "cirros-0.6.2-x86_64-disk";

/// A new server of nova-sim, `name`.
fn boot(cloud: &Cloud, name: &str) {
    cloud
        .nova(&["boot", "--flavor", "1", "--image", IMAGE, name])
        .ok();
}

/// Standard output is a pipe whose reader has gone before `nova` writes (`nova list | head
/// -1` once head has its line, `nova flavor-list | true`): `nova` ends quietly, exit 0.
#[test]
fn a_closed_pipe_on_stdout_ends_nova_quietly() {
    let cloud = Cloud::start();
    boot(&cloud, "vm1");
    for args in [
        &["flavor-list"][..],
        &["list"],
        &["--format", "json", "flavor-list"],
        &["show", "vm1"],
        // Each failure of a many-valued command is printed on stdout.
        &["delete", "no-such-1", "no-such-2"],
        &["boot", "--flavor", "1", "--image", IMAGE, "--poll", "vm2"],
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
    boot(&cloud, "vm");
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

/// Server text printed to a terminal shows its control characters as visible symbols, one
/// column each: tables stay aligned and a server cannot drive the terminal. Piped, the bytes
/// are the server's, as novaclient prints them.
#[test]
fn server_text_cannot_drive_a_terminal() {
    let cloud = Cloud::start();
    boot(&cloud, "vm");
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

/// `nova --os-cloud NAME args` run in `dir`, which is also its home: the clouds.yaml and
/// secure.yaml there are the only ones it can find.
fn with_cloud_files(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let home = dir.to_string_lossy().to_string();
    let mut all = vec![("HOME", home.as_str())];
    all.extend_from_slice(env);
    let mut cmd = nova_command(args, &all);
    cmd.current_dir(dir).stdin(Stdio::null());
    Run::of(args, cmd.output().expect("run nova"))
}

/// The body of the token request `--debug` showed (secrets as `***`).
fn auth_body(stderr: &str) -> serde_json::Value {
    let line = requests(stderr)
        .into_iter()
        .find(|l| l.contains("/v3/auth/tokens"))
        .unwrap_or_else(|| panic!("no token request in:\n{stderr}"));
    let body = line
        .split_once(" -d '")
        .and_then(|(_, b)| b.strip_suffix('\''))
        .expect("a body");
    serde_json::from_str(body).expect("JSON body")
}

/// clouds.yaml and secure.yaml as openstacksdk reads them: domain IDs, secure.yaml merged over
/// clouds.yaml, `auth_type`, `regions`; and every value of the wrong type, unreadable file or
/// unusable CA bundle is a clear error naming the file and the key.
#[test]
fn clouds_yaml_and_secure_yaml_as_openstacksdk_reads_them() {
    let cloud = Cloud::start();
    let auth = cloud.auth_url();
    let dir = novagen_tests::temp_dir("hardening-clouds");
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).expect("write");
    let clouds = dir.join("clouds.yaml").display().to_string();
    let secure = dir.join("secure.yaml").display().to_string();
    write(
        "clouds.yaml",
        &format!(
            "clouds:\n  local:\n    auth_type: password\n    auth:\n      auth_url: {auth}\n      \
             username: admin\n      project_name: admin\n      user_domain_id: default\n      \
             project-domain-id: default\n    regions:\n      - name: RegionOne\n        \
             values:\n          interface: internal\n      - RegionTwo\n"
        ),
    );
    // No password anywhere yet.
    let run = with_cloud_files(&dir, &["--os-cloud", "local", "flavor-list"], &[]);
    run.fails(1, "You must provide a password");
    // secure.yaml beside it brings the password.
    write(
        "secure.yaml",
        "clouds:\n  local:\n    auth:\n      password: secret\n",
    );
    let run = with_cloud_files(
        &dir,
        &["--debug", "--os-cloud", "local", "flavor-show", "1"],
        &[],
    );
    run.ok();
    let body = auth_body(&run.stderr);
    assert_eq!(
        body.pointer("/auth/identity/password/user/domain"),
        Some(&serde_json::json!({"id": "default"})),
        "{body}"
    );
    assert_eq!(
        body.pointer("/auth/scope/project/domain"),
        Some(&serde_json::json!({"id": "default"})),
        "{body}"
    );
    // The first region was chosen, with its values: nova-sim's internal endpoints.
    assert!(
        requests(&run.stderr)
            .iter()
            .any(|l| l.contains("/internal/compute/v2.1/flavors/1 ")),
        "{}",
        run.stderr
    );
    // A region outside the cloud's list; one in it without a compute endpoint.
    let run = with_cloud_files(
        &dir,
        &[
            "--os-cloud",
            "local",
            "--os-region-name",
            "Nowhere",
            "flavor-list",
        ],
        &[],
    );
    assert_eq!(
        run.stderr,
        "ERROR (CommandError): Region Nowhere is not a valid region name for cloud local. \
         Valid choices are RegionOne,RegionTwo. Please note that region names are case \
         sensitive.\n"
    );
    let run = with_cloud_files(
        &dir,
        &["flavor-list"],
        &[("OS_CLOUD", "local"), ("OS_REGION_NAME", "RegionTwo")],
    );
    assert!(
        run.stderr.contains("has no compute endpoint"),
        "{}",
        run.stderr
    );

    // auth_type token: the token of auth.token, no password sent.
    let token = cloud.token();
    write(
        "clouds.yaml",
        &format!(
            "clouds:\n  tok:\n    auth_type: v3token\n    auth:\n      auth_url: {auth}\n      \
             token: {token}\n      password: ignored\n      project_name: admin\n      \
             domain_name: Default\n"
        ),
    );
    std::fs::remove_file(dir.join("secure.yaml")).expect("remove secure.yaml");
    let run = with_cloud_files(
        &dir,
        &["--debug", "--os-cloud", "tok", "flavor-show", "1"],
        &[],
    );
    run.ok();
    let body = auth_body(&run.stderr);
    assert_eq!(
        body.pointer("/auth/identity"),
        Some(&serde_json::json!({"methods": ["token"], "token": {"id": "***"}})),
        "{body}"
    );
    assert_eq!(
        body.pointer("/auth/scope/project/domain"),
        Some(&serde_json::json!({"name": "Default"})),
        "{body}"
    );
    assert!(!run.stderr.contains(&token), "the token was shown");

    // An application credential, its secret in secure.yaml.
    write(
        "clouds.yaml",
        &format!(
            "clouds:\n  app:\n    auth_type: v3applicationcredential\n    auth:\n      \
             auth_url: {auth}\n      application_credential_id: {}\n",
            nova_sim::APP_CRED_ID
        ),
    );
    write(
        "secure.yaml",
        &format!(
            "clouds:\n  app:\n    auth:\n      application_credential_secret: {}\n",
            nova_sim::APP_CRED_SECRET
        ),
    );
    let run = with_cloud_files(
        &dir,
        &["--debug", "--os-cloud", "app", "flavor-show", "1"],
        &[],
    );
    run.ok();
    assert_eq!(
        auth_body(&run.stderr).pointer("/auth/identity/methods"),
        Some(&serde_json::json!(["application_credential"]))
    );

    // Errors, each naming the file and the key.
    let fails = |files: &[(&str, &[u8])], args: &[&str], said: &str| {
        for (name, text) in files {
            std::fs::write(dir.join(name), text).expect("write");
        }
        let run = with_cloud_files(&dir, args, &[]);
        assert_eq!(run.code, 1, "{run:?}");
        assert_eq!(run.stderr, format!("ERROR (CommandError): {said}\n"));
        assert_eq!(run.stdout, "");
    };
    let cloud_args = ["--os-cloud", "app", "flavor-list"];
    fails(
        &[(
            "secure.yaml",
            b"clouds:\n  app:\n    auth:\n      application_credential_secret: [x]\n",
        )],
        &cloud_args,
        &format!("{secure}: clouds.app.auth.application_credential_secret: expected a string"),
    );
    fails(
        &[
            ("secure.yaml", b"clouds: {}\n"),
            (
                "clouds.yaml",
                b"clouds:\n  app:\n    auth:\n      auth_url: {a: 1}\n",
            ),
        ],
        &cloud_args,
        &format!("{clouds}: clouds.app.auth.auth_url: expected a string"),
    );
    fails(
        &[("clouds.yaml", b"clouds:\n  app:\n    verify: no\n")],
        &cloud_args,
        &format!("{clouds}: clouds.app.verify: expected true or false"),
    );
    fails(
        &[("clouds.yaml", b"clouds:\n  app:\n    regions: RegionOne\n")],
        &cloud_args,
        &format!("{clouds}: clouds.app.regions: expected a list"),
    );
    fails(
        &[(
            "clouds.yaml",
            b"clouds:\n  app:\n    auth_type: v3oidcpassword\n",
        )],
        &cloud_args,
        &format!(
            "{clouds}: clouds.app.auth_type: 'v3oidcpassword' is not supported; nova supports \
             password, v3password, token, v3token, v3applicationcredential, \
             applicationcredential, token_endpoint, admin_token."
        ),
    );
    fails(
        &[(
            "clouds.yaml",
            b"clouds:\n  app:\n    auth:\n      username: caf\xe9\n",
        )],
        &cloud_args,
        &format!(
            "{clouds}: cannot be read: it is not UTF-8 text (invalid utf-8 sequence of 1 bytes \
             from index 44)"
        ),
    );
    // A CA bundle that holds no certificate, from the flag or from the cloud.
    let pem = dir.join("ca.pem");
    std::fs::write(&pem, "not a certificate\n").expect("write");
    let pem = pem.display().to_string();
    std::fs::write(
        dir.join("clouds.yaml"),
        format!("clouds:\n  app:\n    cacert: {pem}\n"),
    )
    .expect("write");
    let said =
        format!("ERROR (CommandError): '{pem}' is not a PEM CA bundle: it holds no certificate.\n");
    let run = with_cloud_files(&dir, &cloud_args, &[]);
    assert_eq!(run.stderr, said);
    let env = cloud.env();
    let run = novagen_tests::nova(&["--os-cacert", &pem, "flavor-list"], &env_pairs(&env));
    assert_eq!((run.code, run.stderr.as_str()), (1, said.as_str()));
}

/// Ctrl-C during `--poll` ends the progress line and exits 130, with nothing else printed.
#[test]
fn ctrl_c_during_poll_ends_the_line_and_exits_130() {
    use std::io::Read;
    let cloud = Cloud::with_args(&["--build-time", "60"]);
    let args = ["boot", "--flavor", "1", "--image", IMAGE, "--poll", "slow"];
    let mut child = command(&cloud, &args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start nova");
    let mut stdout = child.stdout.take().expect("stdout");
    // Interrupt once the progress line has shown twice (the poll is well under way).
    let mut seen = interrupt_after(&mut stdout, &child, "Server building...", 2);
    stdout.read_to_end(&mut seen).expect("read the rest");
    let run = finish(&args, child);
    let seen = String::from_utf8_lossy(&seen);
    assert_eq!(run.code, 130, "{run:?}\n{seen}");
    assert!(seen.ends_with("% complete\n"), "{seen:?}");
    assert_eq!(run.stderr, "");
}

/// `nova args` with `env`, under an address-space limit of 2 GiB (a read without a bound
/// fails there instead of taking the machine's memory), killed if it runs 20 s: None then.
fn bounded_run(args: &[&str], env: &[(&str, &str)]) -> Option<Run> {
    let nova = nova_command(args, env);
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -v 2097152 && exec \"$0\" \"$@\"")
        .arg(nova.get_program())
        .args(nova.get_args())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in nova.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let child = cmd.spawn().expect("start nova");
    let pid = rustix::process::Pid::from_child(&child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(std::time::Duration::from_secs(20)) {
        Ok(out) => Some(Run::of(args, out.expect("wait for nova"))),
        Err(_) => {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
            None
        }
    }
}

/// A device or a FIFO where a file is expected: every local file `nova` reads (the CA
/// bundle, clouds.yaml, secure.yaml, a file argument) is read up to a bound, and a FIFO
/// nobody writes to does not hang it. Each refusal is one error line naming the file.
#[test]
fn local_files_are_read_with_a_bound() {
    let cloud =
        novagen_tests::fault::FaultCloud::start(|_, _| novagen_tests::fault::Answer::Default);
    let dir = novagen_tests::temp_dir("bounded-files");
    let fifo = dir.join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let fifo = fifo.to_string_lossy().to_string();
    let clouds = dir.join("clouds.yaml");
    std::fs::write(
        &clouds,
        format!(
            "clouds:\n  x:\n    auth:\n      auth_url: {}/identity\n      username: admin\n      project_name: admin\n",
            cloud.url
        ),
    )
    .expect("write clouds.yaml");
    let clouds = clouds.to_string_lossy().to_string();
    let env = cloud.env();
    let auth = env_pairs(&env);
    // The arguments, the environment, and the file the error must name.
    type Case<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec!["--os-cacert", "/dev/zero", "flavor-list"],
            auth.clone(),
            "/dev/zero",
        ),
        (
            vec!["--os-cacert", &fifo, "flavor-list"],
            auth.clone(),
            &fifo,
        ),
        (
            vec!["--os-cloud", "x", "flavor-list"],
            vec![("OS_CLIENT_CONFIG_FILE", "/dev/zero")],
            "/dev/zero",
        ),
        (
            vec!["--os-cloud", "x", "flavor-list"],
            vec![("OS_CLIENT_CONFIG_FILE", &fifo)],
            &fifo,
        ),
        (
            vec!["--os-cloud", "x", "flavor-list"],
            vec![
                ("OS_CLIENT_CONFIG_FILE", &clouds),
                ("OS_CLIENT_SECURE_FILE", "/dev/zero"),
            ],
            "/dev/zero",
        ),
        (
            vec![
                "boot",
                "--flavor",
                "1",
                "--image",
                "i",
                "--user-data",
                "/dev/zero",
                "vm",
            ],
            auth.clone(),
            "/dev/zero",
        ),
    ];
    let mut said = Vec::new();
    for (args, env, file) in &cases {
        let line = match bounded_run(args, env) {
            None => format!("{args:?}: still running after 20 s"),
            Some(run) => format!("{args:?}: exit {}: {}", run.code, run.stderr.trim_end()),
        };
        // A device read until the bound is said to be too large, a FIFO with no writer holds
        // nothing (and is refused for that), both named.
        let ok = line.contains(": exit 1: ERROR (")
            && line.contains(*file)
            && (*file != "/dev/zero" || line.contains("larger than"))
            && line.lines().count() == 1;
        said.push((ok, line));
    }
    assert!(said.iter().all(|(ok, _)| *ok), "{said:#?}");
}

/// A variable of nova's that is not UTF-8 is named in one error line (not clap's usage
/// error, which names no variable).
#[test]
fn an_os_variable_that_is_not_utf8_is_named() {
    use std::os::unix::ffi::OsStrExt;
    let args = ["flavor-list"];
    let mut cmd = nova_command(
        &args,
        &[
            ("OS_AUTH_URL", "http://127.0.0.1:9/identity"),
            ("OS_PASSWORD", "x"),
        ],
    );
    cmd.env("OS_USERNAME", std::ffi::OsStr::from_bytes(b"ad\xffmin"))
        .stdin(Stdio::null());
    let run = Run::of(&args, cmd.output().expect("run nova"));
    let err = run.fails(1, "ERROR (CommandError): ");
    assert!(err.contains("OS_USERNAME"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}
