//! The generated `nova` command line agrees with the spec it was built from. (Also makes
//! `cargo test --workspace` build the binary, which the workspace tests run.)

use std::process::Command;

fn nova(args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nova"));
    for (k, _) in std::env::vars() {
        if k.starts_with("OS_") {
            cmd.env_remove(k);
        }
    }
    cmd.args(args).output().expect("run nova")
}

#[test]
fn help_lists_every_spec_operation() {
    let out = nova(&["--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for op in novaclient::spec::OPERATIONS {
        assert!(
            help.lines()
                .any(|l| l.trim_start().starts_with(&format!("{} ", op.command))),
            "`nova --help` does not list {}:\n{help}",
            op.command
        );
    }
}

#[test]
fn missing_credentials_are_a_clear_error() {
    let out = nova(&["list"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "ERROR (CommandError): You must provide an auth url via either --os-auth-url or env[OS_AUTH_URL].\n"
    );
}
