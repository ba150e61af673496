//! `cargo build` of the client from edited copies of the spec, in a target directory of its
//! own: a command exists by its spec entry alone, the fixture spec compiles, and a malformed
//! spec stops the build with the file, line and a sentence.

use novagen_tests::{root, temp_dir, Cloud};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

/// One build at a time in the shared target directory.
static BUILDS: Mutex<()> = Mutex::new(());

fn target_dir() -> PathBuf {
    root().join("target/spec-builds")
}

fn build(spec: &Path) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "-p",
            "generated-client",
            "--bin",
            "nova",
            "--locked",
            "--offline",
        ])
        .current_dir(root())
        .env("CARGO_TARGET_DIR", target_dir())
        .env("NOVAGEN_SPEC_DIR", spec)
        .output()
        .expect("run cargo")
}

fn built_nova(args: &[&str], env: &[(String, String)]) -> Output {
    let mut cmd = Command::new(target_dir().join("debug/nova"));
    for (k, _) in std::env::vars() {
        if k.starts_with("OS_") {
            cmd.env_remove(k);
        }
    }
    cmd.args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .expect("run the built nova")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A copy of the spec, with the path and text of its servers.yaml.
fn copy_servers_spec(name: &str) -> (PathBuf, PathBuf, String) {
    let dir = copy_spec(name);
    let servers = dir.join("servers.yaml");
    let yaml = std::fs::read_to_string(&servers).expect("servers.yaml");
    (dir, servers, yaml)
}

fn copy_spec(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    for entry in std::fs::read_dir(root().join("spec")).expect("spec dir") {
        let p = entry.expect("entry").path();
        if p.extension().is_some_and(|e| e == "yaml") {
            std::fs::copy(&p, dir.join(p.file_name().expect("name"))).expect("copy");
        }
    }
    dir
}

#[test]
fn a_spec_entry_alone_adds_a_command() {
    let _guard = BUILDS.lock().unwrap_or_else(|e| e.into_inner());
    let dir = copy_spec("headline");
    let servers = dir.join("backup-instance.yaml");
    let yaml = std::fs::read_to_string(&servers).expect("backup-instance.yaml");
    let start = yaml
        .find("  - command: backup-instance")
        .expect("the entry in the spec");
    let entry = yaml[start..].to_string();
    assert!(
        !entry[1..].contains("\n  - command:"),
        "backup-instance is the only entry of backup-instance.yaml"
    );

    // Without the entry there is no such command, and no trace of it in the generated code.
    let without = yaml[..start].replace("operations:\n", "operations: []\n");
    std::fs::write(&servers, without).expect("write");
    let code = codegen::generate(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert!(!code.contains("backup_instance") && !code.contains("backup-instance"));
    let out = build(&dir);
    assert!(out.status.success(), "build failed:\n{}", text(&out.stderr));
    let help = built_nova(&["--help"], &[]);
    assert!(!text(&help.stdout).contains("backup-instance"));
    let missing = built_nova(&["backup-instance", "vm", "n", "d"], &[]);
    assert_eq!(
        missing.status.code(),
        Some(2),
        "clap: unrecognized subcommand"
    );

    // Put the one entry back, build, and run it against the local cloud.
    std::fs::write(&servers, format!("{}{entry}", &yaml[..start])).expect("write");
    let out = build(&dir);
    assert!(out.status.success(), "build failed:\n{}", text(&out.stderr));
    let cloud = Cloud::start();
    let env = cloud.env();
    let boot = built_nova(
        &[
            "boot",
            "vm",
            "--flavor",
            "m1.tiny",
            "--image",
            "cirros-0.6.2-x86_64-disk",
            "--poll",
        ],
        &env,
    );
    assert!(boot.status.success(), "{}", text(&boot.stderr));
    let run = built_nova(
        &[
            "backup-instance",
            "vm",
            "vm-backup",
            "made by the new command",
        ],
        &env,
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    let id = text(&run.stdout).trim().to_string();
    assert_eq!(id.len(), 36, "{id}");
    let (status, image) = cloud.api("GET", &format!("/image/v2/images/{id}"), "2.1", None);
    assert_eq!(status, 200);
    assert_eq!(image["name"], "vm-backup");
    assert_eq!(image["description"], "made by the new command");
}

#[test]
fn the_fixture_spec_compiles_into_a_working_cli() {
    let _guard = BUILDS.lock().unwrap_or_else(|e| e.into_inner());
    let out = build(&root().join("tests/fixtures/spec"));
    assert!(
        out.status.success(),
        "the fixture's generated code does not compile:\n{}",
        text(&out.stderr)
    );
    let help = text(&built_nova(&["--help"], &[]).stdout);
    for cmd in [
        "widget-list",
        "widget-create",
        "widget-polish",
        "widget-set",
        "widget-report",
        "widget-delete",
        "widget-shine",
        "gizmo-delete",
    ] {
        assert!(help.contains(cmd), "{cmd} missing from:\n{help}");
    }
    let create = text(&built_nova(&["widget-create", "--help"], &[]).stdout);
    assert!(
        create.contains("Colour of the widget. (Supported by API versions '2.5' - '2.latest')"),
        "{create}"
    );
    // An operation outside the session's microversion is refused before any request is sent.
    let cloud = Cloud::start();
    let old = built_nova(
        &["--os-compute-api-version", "2.5", "widget-polish", "w1"],
        &cloud.env(),
    );
    assert_eq!(old.status.code(), Some(1));
    assert_eq!(
        text(&old.stderr),
        "ERROR (CommandError): 'widget-polish' is only supported by API versions 2.8 - 2.latest (this session uses 2.5).\n"
    );
    // In range, the request goes out (and this cloud has no widgets).
    let new = built_nova(
        &["--os-compute-api-version", "2.8", "widget-polish", "w1"],
        &cloud.env(),
    );
    // nova's router answers a route it does not have with webob's message, as real nova does.
    let err = text(&new.stderr);
    assert!(
        err.starts_with("ERROR (NotFound): The resource could not be found.")
            && err.contains(" (HTTP 404) (Request-ID: req-"),
        "{err}"
    );
}

/// `api.yaml`'s `negotiate:` is `auto`'s ceiling; a command whose own range lies wholly above
/// it raises it, for that run, to the command's lowest version when the server has it, and
/// `--os-compute-api-version` still wins. The spec has no such command yet: this one is added
/// to a copy whose `versions` reach 2.104 (nova-sim serves up to 2.104 by default).
#[test]
fn a_command_above_the_ceiling_raises_it_for_its_run() {
    let _guard = BUILDS.lock().unwrap_or_else(|e| e.into_inner());
    let dir = copy_spec("ceiling");
    let api = std::fs::read_to_string(dir.join("api.yaml")).expect("api.yaml");
    assert!(api.contains("versions: \"2.1-2.96\"") && api.contains("negotiate: \"2.96\""));
    // And `--fields` keeps the key column api.yaml names, not a column the runtime knows.
    assert!(api.contains("key_column: ID\n"));
    let api = api
        .replace("versions: \"2.1-2.96\"", "versions: \"2.1-2.104\"")
        .replace("key_column: ID\n", "key_column: Name\n");
    std::fs::write(dir.join("api.yaml"), api).expect("write");
    let ext = "resource: flavor\n\
               operations:\n\
               \x20 - command: flavor-list-newest\n\
               \x20   method: list_newest\n\
               \x20   help: List flavors at 2.100 or newer.\n\
               \x20   versions: \"2.100-\"\n\
               \x20   http: GET /flavors/detail\n\
               \x20   result: reply.flavors\n\
               \x20   returns: list\n\
               \x20   print: [{table: {}}]\n";
    std::fs::write(dir.join("newest.yaml"), ext).expect("write");
    let out = build(&dir);
    assert!(out.status.success(), "build failed:\n{}", text(&out.stderr));

    let cloud = Cloud::start();
    let env = cloud.env();
    let version = |o: &Output| {
        let err = text(&o.stderr);
        let at = err
            .rfind("x-openstack-nova-api-version: ")
            .unwrap_or_else(|| panic!("no version header in:\n{err}"));
        err[at + 30..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect::<String>()
    };
    let run = |args: &[&str], env: &[(String, String)]| {
        let mut all = vec!["--no-cache", "--debug"];
        all.extend(args);
        built_nova(&all, env)
    };
    // Any other command: `auto` stops at the ceiling.
    let plain = run(&["flavor-list"], &env);
    assert!(plain.status.success(), "{}", text(&plain.stderr));
    assert_eq!(version(&plain), "2.96");
    // The command above it: the lowest version it needs, not the server's newest.
    let newest = run(&["flavor-list-newest"], &env);
    assert!(newest.status.success(), "{}", text(&newest.stderr));
    assert_eq!(version(&newest), "2.100");
    assert!(
        text(&newest.stderr)
            .contains("Negotiated 2.100, above the default ceiling 2.96: the command needs it."),
        "{}",
        text(&newest.stderr)
    );
    assert!(
        text(&newest.stdout).contains("m1.tiny"),
        "{}",
        text(&newest.stdout)
    );
    // A version asked for wins, within `versions`.
    let asked = run(
        &["--os-compute-api-version", "2.104", "flavor-list-newest"],
        &env,
    );
    assert!(asked.status.success(), "{}", text(&asked.stderr));
    assert_eq!(version(&asked), "2.104");
    let asked = run(&["--os-compute-api-version", "2.97", "flavor-list"], &env);
    assert_eq!(version(&asked), "2.97");
    let servers = Cloud::with_args(&["--servers", "2"]);
    let fields = run(&["list", "--fields", "status"], &servers.env());
    let table = text(&fields.stdout);
    let header = table.lines().nth(1).unwrap_or_default();
    assert!(
        header.starts_with("| Name ") && header.contains(" | Status |") && !table.contains("| ID"),
        "{table}{}",
        text(&fields.stderr)
    );
    // A server without that version: the ceiling stays, and the command is refused.
    let older = Cloud::with_args(&["--max-version", "2.98"]);
    let refused = run(&["flavor-list-newest"], &older.env());
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(
        text(&refused.stderr).lines().last().unwrap_or_default(),
        "ERROR (CommandError): 'flavor-list-newest' is only supported by API versions 2.100 - 2.latest (this session uses 2.96)."
    );
}

#[test]
fn a_malformed_spec_fails_the_build_with_file_and_line() {
    let _guard = BUILDS.lock().unwrap_or_else(|e| e.into_inner());
    let (dir, servers, yaml) = copy_servers_spec("malformed");
    let edited = yaml.replacen(
        "    method: show\n",
        "    method: show\n    colour: blue\n",
        1,
    );
    let line = edited
        .lines()
        .position(|l| l == "    colour: blue")
        .expect("inserted")
        + 1;
    std::fs::write(&servers, edited).expect("write");
    let out = build(&dir);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    let want = format!(
        "{}:{line}: invalid spec: operations[1]: unknown field `colour`",
        servers.display()
    );
    assert!(err.contains(&want), "expected {want:?} in:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// The runtime evaluates the trees the generator parsed and cannot parse template text: the
/// library and `nova` build `novagen-spec` without its feature `parse` (only the generator, a
/// build dependency, has it).
#[test]
fn the_runtime_has_no_template_parser() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "-e",
            "normal,features",
            "-p",
            "generated-client",
            "-i",
            "novagen-spec",
            "--locked",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("run cargo tree");
    let tree = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(tree.contains("novagen-spec"), "{tree}");
    assert!(tree.contains("generated-client"), "{tree}");
    assert!(!tree.contains("feature \"parse\""), "{tree}");
    assert!(!tree.contains("feature \"bake\""), "{tree}");
}

/// `each: {fail: all}` (server-group-delete's policy): a run once per value fails only when
/// every value failed; each failure is printed either way. Shown on `delete`, whose spec entry
/// says `fail: any` (the default), switched in a copy of the spec.
#[test]
fn each_with_fail_all_fails_only_when_every_value_failed() {
    let _guard = BUILDS.lock().unwrap_or_else(|e| e.into_inner());
    let (dir, servers, yaml) = copy_servers_spec("fail-all");
    let any = "    each: {over: server, error: Unable to delete the specified server(s).}\n";
    assert!(yaml.contains(any), "delete's each in servers.yaml");
    let all = any.replace("(s).}", "(s)., fail: all}");
    std::fs::write(&servers, yaml.replace(any, &all)).expect("write");
    let out = build(&dir);
    assert!(out.status.success(), "build failed:\n{}", text(&out.stderr));

    let cloud = Cloud::start();
    let env = cloud.env();
    let boot = built_nova(
        &[
            "boot",
            "vm",
            "--flavor",
            "m1.tiny",
            "--image",
            "cirros-0.6.2-x86_64-disk",
        ],
        &env,
    );
    assert!(boot.status.success(), "{}", text(&boot.stderr));
    // One of two failed: printed, and the command succeeds.
    let some = built_nova(&["delete", "nosuch", "vm"], &env);
    assert_eq!(
        (some.status.code(), text(&some.stdout), text(&some.stderr)),
        (
            Some(0),
            "No server with a name or ID of 'nosuch' exists.\nRequest to delete server vm has been accepted.\n".to_string(),
            String::new()
        )
    );
    // Every one failed: the error ends the command.
    let every = built_nova(&["delete", "nosuch", "vm"], &env);
    assert_eq!(
        (every.status.code(), text(&every.stdout), text(&every.stderr)),
        (
            Some(1),
            "No server with a name or ID of 'nosuch' exists.\nNo server with a name or ID of 'vm' exists.\n".to_string(),
            "ERROR (CommandError): Unable to delete the specified server(s).\n".to_string()
        )
    );
}

/// An argument's `otherwise: {value: as_typed, versions: ...}`: in that range a text no
/// resource matches is sent as typed (nova's own answer speaks), outside it the lookup's error
/// stands, on both sides of a closed range. Shown on keypair-delete in a copy of the spec.
#[test]
fn as_typed_holds_only_in_its_range() {
    let _guard = BUILDS.lock().unwrap_or_else(|e| e.into_inner());
    let dir = copy_spec("as-typed");
    let keypairs = dir.join("keypairs.yaml");
    let yaml = std::fs::read_to_string(&keypairs).expect("keypairs.yaml");
    let from = "resource: {name: keypair, versions: \"-2.9\"}";
    assert!(
        yaml.contains(from),
        "keypair-delete's resource in keypairs.yaml"
    );
    let to = "resource: {name: keypair, otherwise: {value: as_typed, versions: \"2.3-2.5\"}}";
    std::fs::write(&keypairs, yaml.replace(from, to)).expect("write");
    let out = build(&dir);
    assert!(out.status.success(), "build failed:\n{}", text(&out.stderr));

    let cloud = Cloud::start();
    let env = cloud.env();
    let at = |v: &str| {
        built_nova(
            &["--os-compute-api-version", v, "keypair-delete", "gen"],
            &env,
        )
    };
    for v in ["2.2", "2.6"] {
        let run = at(v);
        assert_eq!(
            (run.status.code(), text(&run.stderr)),
            (
                Some(1),
                "ERROR (CommandError): No keypair with a name or ID of 'gen' exists.\n".to_string()
            ),
            "at {v}"
        );
    }
    for v in ["2.3", "2.5"] {
        let run = at(v);
        let err = text(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "at {v}");
        assert!(
            err.starts_with("ERROR (NotFound): Keypair gen not found"),
            "at {v}: {err}"
        );
    }
}
