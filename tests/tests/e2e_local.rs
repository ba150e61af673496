//! The commands whose last part is local (issue 18, step 5): `get-password` (the password
//! nova keeps, decrypted here with the user's RSA key: `rsa_decrypt`) and `ssh` (an address
//! chosen from the server's, then a local program run: `exec:`, a fake `ssh` on `PATH` that
//! prints its words) and `set-password` (the new password asked twice: `prompt:`, on the
//! terminal without echo, or from standard input without one, as Python's getpass), as the
//! built `nova` runs them against `nova-sim`, whole outputs in novaclient's format.

use novagen_tests::{nova, nova_command, root, temp_dir, Cloud, Pty, Run};
use serde_json::{json, Value};
use std::path::PathBuf;

#[path = "support/library.rs"]
mod support;

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/local").join(name)
}

/// Plant `password` (base64, encrypted) as the metadata service would (nova-sim's test-only
/// route).
fn plant(cloud: &Cloud, id: &str, password: &str) {
    let resp = reqwest::blocking::Client::new()
        .put(format!("{}/nova-sim/servers/{id}/password", cloud.url))
        .header("X-Auth-Token", cloud.token())
        .json(&serde_json::json!({ "password": password }))
        .send()
        .expect("cloud answers");
    assert_eq!(resp.status().as_u16(), 204);
}

#[test]
fn get_password_shows_decrypts_or_says_it_cannot() {
    let cloud = Cloud::start();
    let id = cloud.boot_polled("vm");
    let key = fixture("password-key.pem");
    let key = key.to_str().expect("a UTF-8 path");
    let other = fixture("other-key.pem");
    let other = other.to_str().expect("a UTF-8 path");
    // No password yet: an empty line, with a key or without (an empty one is not decrypted).
    assert_eq!(cloud.nova(&["get-password", "vm"]).ok(), "\n");
    assert_eq!(cloud.nova(&["get-password", "vm", key]).ok(), "\n");
    let cipher = std::fs::read_to_string(fixture("password.b64")).expect("fixture");
    plant(&cloud, &id, &cipher);
    // Without a key: the ciphered text as nova keeps it; by name or ID.
    assert_eq!(
        cloud.nova(&["get-password", "vm"]).ok(),
        format!("{cipher}\n")
    );
    assert_eq!(
        cloud.nova(&["get-password", &id]).ok(),
        format!("{cipher}\n")
    );
    // With the key (PKCS#1 PEM): the clear text.
    assert_eq!(
        cloud.nova(&["get-password", "vm", key]).ok(),
        "Sup3r s3cret!\n"
    );
    // Another key (PKCS#8 PEM), or a file that holds no key: novaclient's failure text, and
    // still success.
    let failed = format!("Failed to decrypt:\n{cipher}\n");
    assert_eq!(cloud.nova(&["get-password", "vm", other]).ok(), failed);
    let cert = fixture("password.b64");
    assert_eq!(
        cloud
            .nova(&["get-password", "vm", cert.to_str().expect("UTF-8")])
            .ok(),
        failed
    );
    // No such server: the lookup's error.
    cloud.nova(&["get-password", "nope"]).fails(
        1,
        "ERROR (CommandError): No server with a name or ID of 'nope' exists.",
    );
}

/// Give server `id` these addresses, as Neutron would (nova-sim's test-only route).
fn addresses(cloud: &Cloud, id: &str, addresses: Value) -> u16 {
    reqwest::blocking::Client::new()
        .put(format!("{}/nova-sim/servers/{id}/addresses", cloud.url))
        .header("X-Auth-Token", cloud.token())
        .json(&json!({ "addresses": addresses }))
        .send()
        .expect("cloud answers")
        .status()
        .as_u16()
}

/// A directory holding a fake `ssh` that prints each of its words on a line of its own.
fn fake_ssh() -> PathBuf {
    let dir = temp_dir("fake-ssh");
    let ssh = dir.join("ssh");
    std::fs::write(&ssh, "#!/bin/sh\nfor w in \"$@\"; do echo \"[$w]\"; done\n").expect("write");
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&ssh, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    dir
}

/// `nova ssh args` with the fake `ssh` first on `PATH`.
fn ssh(cloud: &Cloud, bin: &std::path::Path, args: &[&str]) -> Run {
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut env = cloud.env();
    env.push(("PATH".into(), path));
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut all = vec!["ssh"];
    all.extend_from_slice(args);
    nova(&all, &pairs)
}

/// The words the fake ssh printed.
fn words(w: &[&str]) -> String {
    w.iter().map(|w| format!("[{w}]\n")).collect()
}

#[test]
fn nova_sim_serves_planted_addresses() {
    let cloud = Cloud::start();
    let id = cloud.boot_polled("vm");
    let planted =
        json!({"net1": [{"addr": "172.24.4.10", "version": 4, "OS-EXT-IPS:type": "floating"}]});
    assert_eq!(addresses(&cloud, &id, planted.clone()), 204);
    let (status, body) = cloud.api("GET", &format!("/compute/v2.1/servers/{id}"), "2.1", None);
    assert_eq!(status, 200);
    assert_eq!(body["server"]["addresses"], planted);
    // Malformed, or no such server.
    assert_eq!(addresses(&cloud, &id, json!({"net1": "10.0.0.1"})), 400);
    assert_eq!(addresses(&cloud, &id, json!([])), 400);
    assert_eq!(
        addresses(&cloud, "3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f", json!({})),
        404
    );
}

#[test]
fn ssh_picks_the_address_and_runs_ssh_without_a_shell() {
    let cloud = Cloud::start();
    let bin = fake_ssh();
    // nova-sim's own server: one network, `private`, one fixed IPv4 address.
    let one = cloud.boot_polled("one");
    let (_, body) = cloud.api("GET", &format!("/compute/v2.1/servers/{one}"), "2.1", None);
    let ip = body["server"]["addresses"]["private"][0]["addr"]
        .as_str()
        .expect("an address")
        .to_string();
    assert_eq!(
        ssh(&cloud, &bin, &["one", "--address-type", "fixed"]).ok(),
        words(&["-4", "-p22", &format!("root@{ip}")])
    );
    // The hidden --private: the fixed address, over --address-type; not in the help.
    assert_eq!(
        ssh(
            &cloud,
            &bin,
            &["one", "--private", "--address-type", "floating"]
        )
        .ok(),
        words(&["-4", "-p22", &format!("root@{ip}")])
    );
    let help = cloud.nova(&["help", "ssh"]);
    assert!(help.ok().contains("--address-type"), "{}", help.stdout);
    assert!(!help.stdout.contains("--private"), "{}", help.stdout);
    ssh(&cloud, &bin, &["one"]).fails(
        1,
        "ERROR (ResourceNotFound): No address that would match network 'None' and type 'floating' of version IPv4 has been found for server 'one'.\n",
    );
    // Several networks, floating and IPv6 addresses, one without a type (floating).
    let multi = cloud.boot_polled("multi");
    let planted = json!({
        "net1": [
            {"addr": "10.0.0.5", "version": 4, "OS-EXT-IPS:type": "fixed"},
            {"addr": "172.24.4.10", "version": 4, "OS-EXT-IPS:type": "floating"},
            {"addr": "fd00::5", "version": 6, "OS-EXT-IPS:type": "fixed"}
        ],
        "net2": [
            {"addr": "10.1.0.7", "version": 4, "OS-EXT-IPS:type": "fixed"},
            {"addr": "10.1.0.8", "version": 4, "OS-EXT-IPS:type": "fixed"}
        ],
        "bare": [{"addr": "192.0.2.9", "version": 4}]
    });
    assert_eq!(addresses(&cloud, &multi, planted), 204);
    ssh(&cloud, &bin, &["multi"]).fails(
        1,
        "ERROR (CommandError): Server 'multi' is attached to more than one network. Please pick the network to use.\n",
    );
    ssh(&cloud, &bin, &["multi", "--network", "nope"]).fails(
        1,
        "ERROR (ResourceNotFound): Server 'multi' is not attached to network 'nope'\n",
    );
    assert_eq!(
        ssh(&cloud, &bin, &["multi", "--network", "net1"]).ok(),
        words(&["-4", "-p22", "root@172.24.4.10"])
    );
    // Every option; the extra options are words of their own, nothing expanded.
    assert_eq!(
        ssh(
            &cloud,
            &bin,
            &[
                "multi",
                "--network",
                "net1",
                "--address-type",
                "fixed",
                "--ipv6",
                "--port",
                "2222",
                "--login",
                "cirros",
                "-i",
                "/tmp/my key",
                "--extra-opts",
                "-o StrictHostKeyChecking=no  $HOME;true",
            ]
        )
        .ok(),
        words(&[
            "-6",
            "-p2222",
            "-i",
            "/tmp/my key",
            "cirros@fd00::5",
            "-o",
            "StrictHostKeyChecking=no",
            "$HOME;true"
        ])
    );
    assert_eq!(
        ssh(
            &cloud,
            &bin,
            &[&multi, "--network", "bare", "--identity", "k"]
        )
        .ok(),
        words(&["-4", "-p22", "-i", "k", "root@192.0.2.9"])
    );
    // `<login>@<server>`: the login before the first @ (over --login), the server after it,
    // in the messages too.
    assert_eq!(
        ssh(
            &cloud,
            &bin,
            &["ubuntu@multi", "--network", "net1", "--login", "x"]
        )
        .ok(),
        words(&["-4", "-p22", "ubuntu@172.24.4.10"])
    );
    ssh(&cloud, &bin, &["a@b@multi"]).fails(
        1,
        "ERROR (CommandError): No server with a name or ID of 'b@multi' exists.\n",
    );
    ssh(&cloud, &bin, &["ubuntu@multi", "--network", "nope"]).fails(
        1,
        "ERROR (ResourceNotFound): Server 'multi' is not attached to network 'nope'\n",
    );
    ssh(
        &cloud,
        &bin,
        &["multi", "--network", "net2", "--address-type", "fixed"],
    )
    .fails(
        1,
        "ERROR (CommandError): More than one IPv4 fixed address found.\n",
    );
    ssh(&cloud, &bin, &["multi", "--network", "net1", "--ipv6"]).fails(
        1,
        "ERROR (ResourceNotFound): No address that would match network 'net1' and type 'floating' of version IPv6 has been found for server 'multi'.\n",
    );
    // No network at all.
    let none = cloud.boot_polled("none");
    assert_eq!(addresses(&cloud, &none, json!({})), 204);
    ssh(&cloud, &bin, &["none"]).fails(
        1,
        "ERROR (CommandError): Server 'none' is not attached to any network.\n",
    );
    // No ssh to run: said, not a panic.
    let empty = temp_dir("no-ssh");
    let mut env = cloud.env();
    env.push(("PATH".into(), empty.display().to_string()));
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    nova(&["ssh", "multi", "--network", "net1"], &pairs)
        .fails(1, "ERROR (CommandError): Cannot run 'ssh': ");
}

/// `nova args` in a session of its own with no terminal (no `/dev/tty`), `input` on its
/// standard input.
fn without_terminal(cloud: &Cloud, args: &[&str], input: &str) -> Run {
    use std::io::Write as _;
    use std::os::unix::process::CommandExt as _;
    let env = cloud.env();
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut cmd = nova_command(args, &pairs);
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    // SAFETY: one system call between fork and exec: a new session, without a terminal.
    unsafe {
        cmd.pre_exec(|| {
            rustix::process::setsid()?;
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("start nova");
    let mut stdin = child.stdin.take().expect("piped");
    let _ = stdin.write_all(input.as_bytes());
    drop(stdin);
    Run::of(args, child.wait_with_output().expect("wait for nova"))
}

#[test]
fn set_password_asks_twice_without_a_terminal_from_standard_input() {
    let cloud = Cloud::start();
    let id = cloud.boot_polled("vm");
    let api = cloud.compute();
    let asked = "Warning: Password input may be echoed.\nNew password: \nWarning: Password input may be echoed.\nAgain: \n";
    // Different answers: novaclient's error, nothing sent.
    let run = without_terminal(&cloud, &["set-password", "vm"], "one\ntwo\n");
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!("{asked}ERROR (CommandError): Passwords do not match.\n")
    );
    assert_eq!(api.last_action(&id), "create");
    // No answer at all: Python's EOFError, after the first question.
    let run = without_terminal(&cloud, &["set-password", "vm"], "");
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "Warning: Password input may be echoed.\nNew password: ERROR (EOFError): \n"
    );
    // No such server: the lookup fails before anything is asked.
    let run = without_terminal(&cloud, &["set-password", "nope"], "a\na\n");
    assert_eq!(
        run.stderr,
        "ERROR (CommandError): No server with a name or ID of 'nope' exists.\n"
    );
    // The same twice: changePassword with it, nothing printed on standard output; the
    // password never shown (--debug hides adminPass).
    let run = without_terminal(
        &cloud,
        &["--debug", "set-password", "vm"],
        "n3w pass\nn3w pass\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("changePassword"), "{}", run.stderr);
    assert!(!run.stderr.contains("n3w pass"), "{}", run.stderr);
    assert_eq!(api.last_action(&id), "changePassword");
}

#[test]
fn set_password_reads_the_terminal_without_echo() {
    use std::io::{Read as _, Write as _};
    let cloud = Cloud::start();
    let id = cloud.boot_polled("vm");
    let env = cloud.env();
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (child, mut master) =
        Pty::open().controlling(nova_command(&["set-password", "vm"], &pairs));
    let mut reader = master.try_clone().expect("dup pty");
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 1024];
        while let Ok(n @ 1..) = reader.read(&mut buf) {
            if tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut seen = String::new();
    let wait_for = |what: &str, seen: &mut String| {
        while !seen.contains(what) {
            let chunk = rx
                .recv_timeout(std::time::Duration::from_secs(20))
                .unwrap_or_else(|_| panic!("the terminal shows no {what:?}: {seen:?}"));
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    };
    wait_for("New password: ", &mut seen);
    master.write_all(b"s3cret\n").expect("type");
    wait_for("Again: ", &mut seen);
    master.write_all(b"s3cret\n").expect("type");
    let out = child.wait_with_output().expect("wait for nova");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    // Never echoed.
    std::thread::sleep(std::time::Duration::from_millis(200));
    while let Ok(chunk) = rx.try_recv() {
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert_eq!(seen.replace("\r\n", "\n"), "New password: \nAgain: \n");
    assert_eq!(cloud.compute().last_action(&id), "changePassword");
}

#[test]
fn set_password_interrupted_puts_the_echo_back() {
    use std::io::{Read as _, Write as _};
    let cloud = Cloud::start();
    cloud.boot_polled("vm");
    let env = cloud.env();
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (child, mut master) =
        Pty::open().controlling(nova_command(&["set-password", "vm"], &pairs));
    let echo = |fd: &std::fs::File| {
        rustix::termios::tcgetattr(fd)
            .expect("the terminal's modes")
            .local_modes
            .contains(rustix::termios::LocalModes::ECHO)
    };
    let mut reader = master.try_clone().expect("dup pty");
    let mut seen = Vec::new();
    let mut buf = [0u8; 256];
    while !String::from_utf8_lossy(&seen).contains("New password: ") {
        let n = reader.read(&mut buf).expect("the terminal");
        assert!(
            n > 0,
            "the terminal closed: {:?}",
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&buf[..n]);
    }
    assert!(!echo(&master), "no echo while the password is read");
    master.write_all(b"\x03").expect("Ctrl-C");
    let out = child.wait_with_output().expect("wait for nova");
    assert_eq!(out.status.code(), Some(130));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "... terminating nova client\n"
    );
    assert!(echo(&master), "the echo is back on");
}

/// The library's ssh: an ID in, the argument vector out (nothing run), the refusals its
/// errors; the library alone never touches a terminal.
#[test]
fn the_library_builds_the_argument_vector() {
    let cloud = Cloud::start();
    let id = cloud.boot_polled("multi");
    let planted = json!({
        "net1": [{"addr": "172.24.4.10", "version": 4, "OS-EXT-IPS:type": "floating"}],
        "net2": [{"addr": "10.1.0.7", "version": 4, "OS-EXT-IPS:type": "fixed"}]
    });
    assert_eq!(addresses(&cloud, &id, planted), 204);
    let client = support::connect(&cloud);
    let argv = client
        .servers()
        .ssh(&id)
        .network("net2")
        .address_type("fixed")
        .send()
        .unwrap_or_else(|e| panic!("ssh: {e}"));
    assert_eq!(argv, json!(["ssh", "-4", "-p22", "root@10.1.0.7"]));
    let e = client.servers().ssh(&id).send().expect_err("two networks");
    assert_eq!(e.kind(), "CommandError");
    assert_eq!(
        e.to_string(),
        format!(
            "Server '{id}' is attached to more than one network. Please pick the network to use."
        )
    );
    // set-password's value is the builder's: no prompt.
    client
        .servers()
        .set_password(&id, "from the library")
        .send()
        .unwrap_or_else(|e| panic!("set-password: {e}"));
    assert_eq!(cloud.compute().last_action(&id), "changePassword");
}
