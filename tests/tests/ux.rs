//! What a command-line user expects besides the commands: shell completions (clap's scripts,
//! loaded by bash, and novaclient's `bash-completion`), `nova help [<subcommand>]`, help that
//! shows a subcommand's own arguments, a man page (none of these talks to a cloud),
//! `--poll`'s progress bar on a terminal, and the output formats for scripts (`--format
//! json|yaml|value`, `-c/--column`) against nova-sim.

use novagen_tests::{interrupt_after, nova, nova_command, skip, temp_dir, Cloud, Pty, Run};
use serde_json::{json, Value};
use std::process::{Command, Stdio};

const IMAGE: &str = "cirros-0.6.2-x86_64-disk";

fn local(args: &[&str]) -> Run {
    nova(args, &[])
}

/// The commands `nova --help` lists, in order.
fn commands() -> Vec<String> {
    let help = local(&["--help"]);
    help.ok()
        .split("\nCommands:\n")
        .nth(1)
        .expect("a Commands section")
        .lines()
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// `script` (a file holding `nova completion bash`) sourced, and its function driven as bash
/// drives it for `words`, the cursor at the end of the last one: the completions offered.
fn bash_completes(script: &std::path::Path, words: &[&str]) -> Vec<String> {
    let line = words.join(" ");
    let cword = words.len() - 1;
    let program = format!(
        "source '{}' && complete -p nova && COMP_WORDS=({}) && COMP_CWORD={cword} && \
         COMP_LINE='{line}' && COMP_POINT=${{#COMP_LINE}} && _nova nova '{}' '{}' && \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" "),
        words[cword],
        words[cword - 1],
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .expect("run bash");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("complete -o bashdefault -o default -o nosort -F _nova nova"),
        "{text}"
    );
    lines.map(str::to_string).collect()
}

#[test]
fn the_bash_completion_script_completes_commands_and_options() {
    let run = local(&["completion", "bash"]);
    let script = temp_dir("ux-completion").join("nova.bash");
    std::fs::write(&script, run.ok()).expect("write the script");
    let flavor: Vec<String> = commands()
        .into_iter()
        .filter(|c| c.starts_with("flav"))
        .collect();
    assert!(flavor.len() >= 6, "{flavor:?}");
    assert_eq!(bash_completes(&script, &["nova", "flav"]), flavor);
    // A subcommand's options, and the global options it also takes.
    assert_eq!(
        bash_completes(&script, &["nova", "flavor-list", "--m"]),
        ["--marker", "--min-disk", "--min-ram", "--max-reply-mb"]
    );
    assert_eq!(
        bash_completes(&script, &["nova", "--os-comp"]),
        ["--os-compute-api-version"]
    );
}

#[test]
fn every_shell_gets_a_script_naming_every_command() {
    let commands = commands();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = local(&["completion", shell]);
        let script = run.ok();
        for c in &commands {
            assert!(script.contains(c.as_str()), "{shell}: no {c}");
        }
        assert!(script.contains("os-auth-url"), "{shell}");
    }
    let bad = local(&["completion", "tcsh"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .starts_with("error: invalid value 'tcsh' for '<shell>'\n"),
        "{}",
        bad.stderr
    );
}

/// novaclient's `bash-completion`: every command but itself and every subcommand option
/// (with `-h` and `--help`), not the program's own options, on one line.
#[test]
fn bash_completion_prints_commands_and_subcommand_options() {
    let run = local(&["bash-completion"]);
    let out = run.ok();
    assert_eq!(out.lines().count(), 1, "{out}");
    let words: Vec<&str> = out.split_whitespace().collect();
    let mut expected = commands();
    expected.retain(|c| c != "bash-completion");
    assert_eq!(words[..expected.len()], expected);
    let options = &words[expected.len()..];
    for o in [
        "-h",
        "--help",
        "--flavor",
        "--poll",
        "--marker",
        "--all-tenants",
    ] {
        assert!(options.contains(&o), "{o} missing: {out}");
    }
    assert!(options.iter().all(|o| o.starts_with('-')), "{out}");
    assert!(!options.contains(&"--os-auth-url"), "{out}");
    let mut sorted = options.to_vec();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, options);
}

#[test]
fn help_as_novaclient_has_it() {
    let root = local(&["--help"]);
    assert_eq!(local(&["help"]).ok(), root.ok());
    // The global options once, under their heading, in the program's help.
    assert_eq!(root.stdout.matches("--os-auth-url").count(), 1, "{root:?}");
    assert!(root.stdout.contains("\nGlobal options:\n"), "{root:?}");

    let show = local(&["flavor-show", "--help"]);
    assert_eq!(local(&["help", "flavor-show"]).ok(), show.ok());
    assert_eq!(
        show.stdout,
        "Show details about the given flavor.\n\nUsage: nova flavor-show <flavor>\n\n\
         Arguments:\n  <flavor>  Name or ID of flavor.\n\nOptions:\n  -h, --help  Print help\n\n\
         Global options (--os-cloud, --os-*, --format, --debug, ...): see `nova --help`.\n"
    );
    // The command's own options with their microversion ranges; no global option.
    let list = local(&["help", "list"]);
    assert!(
        list.ok()
            .contains("(Supported by API versions '2.26' - '2.latest')"),
        "{}",
        list.stdout
    );
    assert!(!list.stdout.contains("--os-auth-url"), "{}", list.stdout);

    let nope = local(&["help", "nope"]);
    assert_eq!(
        (nope.code, nope.stdout.as_str(), nope.stderr.as_str()),
        (
            1,
            "",
            "ERROR (CommandError): 'nope' is not a valid subcommand\n"
        )
    );
}

/// Hiding the global options in a subcommand's help leaves them working after it.
#[test]
fn global_options_still_parse_after_a_subcommand() {
    let bad = local(&["flavor-list", "--timeout", "0"]);
    assert_eq!(
        (bad.code, bad.stderr.as_str()),
        (
            1,
            "ERROR (CommandError): --timeout must be a number of seconds more than 0 and at \
             most 86400 (a day), not 0.\n"
        )
    );
    let usage = local(&["flavor-list", "--bogus"]);
    usage.fails(2, "Usage: nova flavor-list [OPTIONS]\n");
}

/// The man page, rendered by `man`'s formatter: the program's, listing the subcommands, and
/// one subcommand's.
#[test]
#[cfg_attr(no_groff, ignore = "needs groff on PATH")]
fn the_man_page_renders() {
    if Command::new("groff").arg("-v").output().is_err() {
        skip("groff is not installed");
        return;
    }
    let render = |roff: &str| -> String {
        let dir = temp_dir("ux-man");
        let file = dir.join("nova.1");
        std::fs::write(&file, roff).expect("write the page");
        // Every warning but "can't break line" (a long option name overruns the line).
        let out = Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-Wbreak", "-P", "-cbou"])
            .arg(&file)
            .output()
            .expect("run groff");
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "groff warned");
        // Justified text: words with one space between them.
        let text = String::from_utf8_lossy(&out.stdout);
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let page = render(local(&["man"]).ok());
    assert!(
        page.contains("NAME nova - Command-line interface to the OpenStack Compute API"),
        "{page}"
    );
    assert!(page.contains("GLOBAL OPTIONS"), "{page}");
    for c in commands() {
        assert!(page.contains(&format!("nova-{c}(1)")), "{c}: {page}");
    }
    let page = render(local(&["man", "boot"]).ok());
    assert!(page.contains("nova boot [OPTIONS] --flavor"), "{page}");
    assert!(page.contains("--poll"), "{page}");
    assert!(!page.contains("--os-auth-url"), "{page}");
    let nope = local(&["man", "nope"]);
    assert_eq!(
        nope.stderr,
        "ERROR (CommandError): 'nope' is not a valid subcommand\n"
    );
}

/// On a terminal `--poll` draws a bar with the action, the percentage and the time elapsed
/// (a spinner for a poll without a percentage); piped, novaclient's text, byte for byte.
#[test]
fn poll_draws_a_bar_on_a_terminal_and_novaclient_text_elsewhere() {
    let cloud = Cloud::start();
    let boot = ["boot", "--flavor", "1", "--image", IMAGE, "--poll", "vm"];
    let (text, run) = Pty::open().run(&cloud, &boot, false);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{text}");
    let (_, tail) = text.split_once("\n+-").expect("the server's table first");
    assert!(!tail.contains("% complete"), "{text:?}");
    assert!(tail.contains("Server building... ["), "{text:?}");
    assert!(
        regex::Regex::new(r"Server building\.\.\. \[=+\] 100% 00:00:0\d +Finished\n$")
            .expect("regex")
            .is_match(tail),
        "{text:?}"
    );

    let (text, run) = Pty::open().run(&cloud, &["reboot", "--poll", "vm"], false);
    assert_eq!(run.code, 0, "{text}");
    assert!(
        regex::Regex::new(
            r"^Request to reboot server vm \(.*\) has been accepted\.\n\n?(.|\n)*Server rebooting\.\.\. . 00:00:0\d +Finished\nWait for server vm \(.*\) reboot\.\n$"
        )
        .expect("regex")
        .is_match(&text),
        "{text:?}"
    );

    let piped = cloud.nova(&["reboot", "--poll", "vm"]);
    let out = piped.ok();
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(
        regex::Regex::new(
            r"^Request to reboot server vm \(.*\) has been accepted\.\n\n(\rServer rebooting\.\.\.)+\nFinished\nWait for server vm \(.*\) reboot\.\n$"
        )
        .expect("regex")
        .is_match(out),
        "{out:?}"
    );
}

/// Ctrl-C while the bar is drawn ends its line and exits 130, as on the text path.
#[test]
fn ctrl_c_during_the_bar_ends_the_line_and_exits_130() {
    use std::io::Read;
    let cloud = Cloud::with_args(&["--build-time", "60"]);
    let args = ["boot", "--flavor", "1", "--image", IMAGE, "--poll", "slow"];
    let env = cloud.env();
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut cmd = nova_command(&args, &pairs);
    cmd.stdin(Stdio::null());
    let (child, mut terminal) = Pty::open().spawn(cmd, false);
    // The bar redrawn a few times: the poll is well under way.
    let mut seen = interrupt_after(&mut terminal, &child, "Server building... [", 3);
    let run = Run::of(&args, child.wait_with_output().expect("wait for nova"));
    let mut buf = [0u8; 1024];
    while let Ok(n @ 1..) = terminal.read(&mut buf) {
        seen.extend_from_slice(&buf[..n]);
    }
    let seen = String::from_utf8_lossy(&seen);
    assert_eq!((run.code, run.stderr.as_str()), (130, ""), "{seen:?}");
    assert!(seen.ends_with("\r\n"), "{seen:?}");
    assert!(!seen.contains("Finished"), "{seen:?}");
}

/// `nova args` in json: one document on stdout, nothing on stderr.
fn json_of(cloud: &Cloud, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = cloud.nova(&all);
    let doc = serde_json::from_str(run.ok()).unwrap_or_else(|e| {
        panic!(
            "nova {args:?}: not one JSON document ({e}):\n{}",
            run.stdout
        )
    });
    assert_eq!(run.stderr, "", "nova {args:?}");
    doc
}

/// Every kind of command prints one document in json: a list keyed by the API's field names
/// (values as the API sent them) for a list, an object for one resource, `{"<field>": value}`
/// for a value, `{}` for a command that only says it did something (or a value that is not
/// there), `[]` for an empty list; a command printing several tables prints a list of them.
#[test]
fn json_for_every_kind_of_command() {
    let cloud = Cloud::start();
    // A list: every row is the API's flavor, restricted to the table's columns.
    let flavors = json_of(&cloud, &["flavor-list"]);
    let (status, api) = cloud.api("GET", "/compute/v2.1/flavors/detail", "2.96", None);
    assert_eq!(status, 200);
    let rows = flavors.as_array().expect("a list");
    assert_eq!(rows.len(), 5, "{flavors}");
    for row in rows {
        let row = row.as_object().expect("an object");
        let theirs = api["flavors"]
            .as_array()
            .and_then(|fs| fs.iter().find(|f| f["id"] == row["id"]))
            .expect("the API's flavor");
        assert!(row.len() >= 9, "{row:?}");
        for (k, v) in row {
            assert_eq!(&theirs[k], v, "{k}");
        }
    }
    assert_eq!(json_of(&cloud, &["list"]), json!([]));

    // One resource: an object, as the API's (the show rules' keys).
    let flavor = json_of(&cloud, &["flavor-show", "m1.tiny"]);
    assert_eq!(flavor["name"], "m1.tiny");
    assert_eq!(flavor["os-flavor-access:is_public"], true);
    assert_eq!(flavor["ram"], 512);

    // A value, under its field's name.
    let boot = json_of(&cloud, &["boot", "--flavor", "1", "--image", IMAGE, "vm"]);
    assert_eq!(boot["name"], "vm");
    let backup = json_of(&cloud, &["backup-instance", "vm", "b", "before"]);
    let id = backup["id"].as_str().expect("an id");
    assert_eq!(
        (backup.as_object().map(|o| o.len()), id.len()),
        (Some(1), 36)
    );
    let generated = json_of(
        &cloud,
        &["--os-compute-api-version", "2.91", "keypair-add", "gen"],
    );
    assert!(
        generated["private_key"]
            .as_str()
            .is_some_and(|k| k.contains("PRIVATE KEY")),
        "{generated}"
    );
    let dir = temp_dir("ux-json");
    let key = dir.join("id.pub");
    std::fs::write(
        &key,
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIexample me@host\n",
    )
    .expect("write key");
    let key = key.to_string_lossy().into_owned();
    assert_eq!(
        json_of(&cloud, &["keypair-add", "mine", "--pub-key", &key]),
        json!({})
    );

    // Text only: the message is for a person; the document is empty, once for many values.
    assert_eq!(
        json_of(&cloud, &["server-tag-add", "vm", "a", "b"]),
        json!({})
    );
    assert_eq!(
        json_of(&cloud, &["server-tag-list", "vm"]),
        json!([{"tag": "a"}, {"tag": "b"}])
    );
    let yaml = cloud.nova(&["--format", "yaml", "server-tag-delete-all", "vm"]);
    assert_eq!(yaml.ok(), "{}\n");

    // Two tables: a list of both.
    let limits = json_of(&cloud, &["limits"]);
    let both = limits.as_array().expect("a list");
    assert_eq!(both.len(), 2, "{limits}");
    assert!(
        both[1]
            .as_array()
            .expect("the absolute limits")
            .contains(&json!({"name": "Instances", "used": 1, "max": 10})),
        "{limits}"
    );

    // --poll reports on stderr (novaclient's text, stderr being a pipe), stdout stays one
    // document; the reboot's closing line too.
    let args = [
        "--format", "json", "boot", "--flavor", "1", "--image", IMAGE, "--poll", "vm2",
    ];
    let polled = cloud.nova(&args);
    let doc: Value = serde_json::from_str(polled.ok()).expect("one document");
    assert_eq!(doc["name"], "vm2");
    assert!(
        polled.stderr.starts_with("\n\rServer building... ")
            && polled
                .stderr
                .ends_with("\rServer building... 100% complete\nFinished\n"),
        "{:?}",
        polled.stderr
    );
    let reboot = cloud.nova(&["--format", "json", "reboot", "--poll", "vm2"]);
    assert_eq!(reboot.ok(), "{}\n");
    assert!(
        reboot.stderr.starts_with("\n\rServer rebooting...")
            && reboot.stderr.contains("\nFinished\nWait for server vm2 (")
            && reboot.stderr.ends_with(") reboot.\n"),
        "{:?}",
        reboot.stderr
    );
}

/// `--format value` as OSC's: a list's rows, values space-separated, one per line; one
/// resource's values one per line; nothing for a message.
#[test]
fn value_format_as_osc_has_it() {
    let cloud = Cloud::start();
    let value = |args: &[&str]| -> String {
        let mut all = vec!["--format", "value"];
        all.extend_from_slice(args);
        cloud.nova(&all).ok().to_string()
    };
    assert_eq!(
        value(&["flavor-list", "-c", "ID", "-c", "Name"]),
        "1 m1.tiny\n2 m1.small\n3 m1.medium\n4 m1.large\n5 m1.xlarge\n"
    );
    assert_eq!(
        value(&["flavor-show", "2", "-c", "ram", "-c", "vcpus"]),
        "2048\n1\n"
    );
    value(&["boot", "--flavor", "1", "--image", IMAGE, "vm"]);
    assert_eq!(value(&["delete", "vm"]), "");
}

/// `-c/--column` chooses columns by title or by the API's name, in the table's order, for
/// every format; properties by name; naming none of them is an error, as in OSC.
#[test]
fn columns_are_chosen_in_every_format() {
    let cloud = Cloud::start();
    let table = cloud.nova(&[
        "flavor-list",
        "-c",
        "RXTX_Factor",
        "-c",
        "ID",
        "--column",
        "ram",
    ]);
    assert_eq!(
        table.ok(),
        "+----+------------+-------------+\n\
         | ID | Memory_MiB | RXTX_Factor |\n\
         +----+------------+-------------+\n\
         | 1  | 512        | 1.0         |\n\
         | 2  | 2048       | 1.0         |\n\
         | 3  | 4096       | 1.0         |\n\
         | 4  | 8192       | 1.0         |\n\
         | 5  | 16384      | 1.0         |\n\
         +----+------------+-------------+\n"
    );
    let show = cloud.nova(&["flavor-show", "m1.tiny", "-c", "name", "-c", "vcpus"]);
    assert_eq!(
        show.ok(),
        "+----------+---------+\n| Property | Value   |\n+----------+---------+\n\
         | name     | m1.tiny |\n| vcpus    | 1       |\n+----------+---------+\n"
    );
    assert_eq!(
        json_of(&cloud, &["flavor-list", "-c", "Name", "--limit", "1"]),
        json!([{"name": "m1.tiny"}])
    );
    let yaml = cloud.nova(&["--format", "yaml", "flavor-show", "1", "-c", "disk"]);
    assert_eq!(yaml.ok(), "disk: 1\n");

    let none = cloud.nova(&["flavor-list", "-c", "Nope"]);
    assert_eq!(
        (none.code, none.stdout.as_str(), none.stderr.as_str()),
        (
            1,
            "",
            "ERROR (CommandError): No recognized column names in ['Nope']. Recognized columns \
             are ('ID', 'Name', 'Memory_MiB', 'Disk', 'Ephemeral', 'Swap', 'VCPUs', \
             'RXTX_Factor', 'Is_Public', 'Description').\n"
        )
    );
}
