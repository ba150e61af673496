//! The generator on its own: the code it emits for a fixture spec (pinned by a snapshot), and
//! a clear `file:line: sentence` for every kind of malformed spec.

use codegen::{generate, generate_sources, SpecSource};
use std::path::{Path, PathBuf};

fn fixture_dir() -> PathBuf {
    novagen_tests::root().join("tests/fixtures/spec")
}

#[test]
fn fixture_spec_generates_pinned_code() {
    let code = match generate(&fixture_dir()) {
        Ok(c) => c,
        Err(e) => panic!("the fixture spec is valid, but:\n{e}"),
    };
    insta::assert_snapshot!("fixture_generated", code);
}

#[test]
fn the_real_spec_generates() {
    let code = generate(&novagen_tests::root().join("spec")).unwrap_or_else(|e| panic!("{e}"));
    assert!(code.contains("pub fn backup_instance("));
    assert!(code.contains("name = \"backup-instance\""));
    assert!(code.contains("BackupInstance(BackupInstanceArgs)"));
}

/// Generate from the fixture with one file's text replaced; the first error (a mistake may
/// also make a follow-on one, such as an argument left unused).
fn error_for(file: &str, edit: impl Fn(&str) -> String) -> (PathBuf, usize, String) {
    let dir = fixture_dir();
    let mut sources = Vec::new();
    for name in ["api.yaml", "widgets.yaml"] {
        let path = Path::new("spec").join(name);
        let text = std::fs::read_to_string(dir.join(name)).expect("fixture file");
        let text = if name == file { edit(&text) } else { text };
        sources.push(SpecSource { path, text });
    }
    match generate_sources(&sources) {
        Ok(_) => panic!("the edited spec was accepted"),
        Err(errors) => {
            assert!(errors.0.len() <= 2, "one mistake, many errors:\n{errors}");
            let e = errors.0[0].clone();
            // The display form is what `cargo build` prints.
            let first = errors
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .to_string();
            assert_eq!(
                first,
                format!("{}:{}: {}", e.file.display(), e.line, e.message)
            );
            (e.file, e.line, e.message)
        }
    }
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .expect("needle in fixture")
}

fn fixture() -> String {
    std::fs::read_to_string(fixture_dir().join("widgets.yaml")).expect("fixture")
}

#[test]
fn unknown_field() {
    let edit = |t: &str| {
        t.replace(
            "    kind: delete\n",
            "    kind: delete\n    colour_of_sky: blue\n",
        )
    };
    let (file, line, msg) = error_for("widgets.yaml", edit);
    assert_eq!(file, Path::new("spec/widgets.yaml"));
    assert_eq!(line, line_of(&edit(&fixture()), "colour_of_sky"));
    assert!(
        msg.starts_with(
            "invalid spec: operations[3]: unknown field `colour_of_sky`, expected one of"
        ),
        "{msg}"
    );
}

#[test]
fn yaml_syntax_error() {
    let edit = |t: &str| t.replace("sort_by: Name\n", "sort_by: Name\n  bad indent: x\n");
    let (file, line, msg) = error_for("widgets.yaml", edit);
    assert_eq!(file, Path::new("spec/widgets.yaml"));
    assert_eq!(line, line_of(&edit(&fixture()), "bad indent"));
    assert_eq!(
        msg,
        "invalid spec: mapping values are not allowed in this context"
    );
}

#[test]
fn url_placeholder_without_argument() {
    let (_, line, msg) = error_for("widgets.yaml", |t| {
        t.replace(
            "http: DELETE /widgets/{widget}",
            "http: DELETE /widgets/{widget_id}",
        )
    });
    assert_eq!(line, line_of(&fixture(), "http: DELETE /widgets/{widget}"));
    assert_eq!(
        msg,
        "the URL placeholder {widget_id} has no argument of that name."
    );
}

#[test]
fn two_commands_with_one_name() {
    let (_, line, msg) = error_for("widgets.yaml", |t| {
        t.replace("command: widget-delete", "command: widget-list")
    });
    assert_eq!(line, line_of(&fixture(), "command: widget-delete"));
    let first = line_of(&fixture(), "command: widget-list");
    assert_eq!(msg, format!("two commands are named 'widget-list': it is already declared at spec/widgets.yaml:{first}."));
}

#[test]
fn argument_name_not_an_identifier() {
    let (_, line, msg) = error_for("widgets.yaml", |t| {
        t.replace(
            "{name: colour, min_version",
            "{name: Colour-Name, min_version",
        )
        .replace("\"{colour}\"", "\"{Colour-Name}\"")
    });
    assert_eq!(line, line_of(&fixture(), "{name: colour, min_version"));
    assert_eq!(msg, "argument name 'Colour-Name' is not a valid identifier: use lower-case letters, digits and '_', starting with a letter, and no Rust keyword.");
    let (_, _, kw) = error_for("widgets.yaml", |t| {
        t.replace("{name: colour, min_version", "{name: type, min_version")
            .replace("\"{colour}\"", "\"{type}\"")
    });
    assert!(
        kw.starts_with("argument name 'type' is not a valid identifier"),
        "{kw}"
    );
}

#[test]
fn column_naming_no_field() {
    let (_, line, msg) = error_for("widgets.yaml", |t| {
        t.replace(
            "{title: Colour, field: \"OS-EXT:colour\"",
            "{title: Colour, field: color",
        )
    });
    assert_eq!(line, line_of(&fixture(), "{title: Colour, field:"));
    assert_eq!(
        msg,
        "column 'Colour' names no field 'color' of resource 'widget'."
    );
}

#[test]
fn backwards_microversion_range() {
    let (_, line, msg) = error_for("widgets.yaml", |t| {
        t.replace(
            "{name: colour, min_version: \"2.5\"",
            "{name: colour, min_version: \"2.5\", max_version: \"2.4\"",
        )
    });
    assert_eq!(line, line_of(&fixture(), "{name: colour, min_version"));
    assert_eq!(
        msg,
        "the microversion range is backwards: min_version 2.5 is newer than max_version 2.4."
    );
    let (file, line, msg) = error_for("api.yaml", |t| {
        t.replace("max_version: \"2.10\"", "max_version: \"2.0\"")
    });
    assert_eq!((file, line), (PathBuf::from("spec/api.yaml"), 3));
    assert_eq!(
        msg,
        "the microversion range is backwards: min_version 2.1 is newer than max_version 2.0."
    );
}

#[test]
fn other_mistakes_are_caught_too() {
    let cases: [(&str, &str, &str); 5] = [
        ("\"{colour}\"", "\"{color}\"", "the body placeholder \"{color}\" has no argument of that name."),
        ("resource: widget, help: Name or ID of widget.}", "resource: gadget, help: Name or ID of widget.}", "'gadget' names no resource of the spec."),
        ("min_version: \"2.5\", help: Colour", "min_version: \"two.five\", help: Colour", "'two.five' is not a microversion: write it as MAJOR.MINOR, e.g. \"2.47\"."),
        ("    method: polish\n", "    method: list\n", "manager 'widgets' has two methods named 'list'."),
        ("      - {name: show, type: flag, help: Print the job ID.}\n", "      - {name: show, type: flag, help: Print the job ID.}\n      - {name: spare, help: Unused.}\n", "argument 'spare' is used nowhere: name it in the URL, the body, a query parameter, or output.when (flags only)."),
    ];
    for (from, to, want) in cases {
        let (_, line, msg) = error_for("widgets.yaml", |t| {
            assert!(t.contains(from), "{from}");
            t.replacen(from, to, 1)
        });
        assert_eq!(msg, want);
        assert!(line > 0, "{want}: no line");
    }
}

#[test]
fn missing_api_file() {
    let text = fixture();
    let sources = vec![SpecSource {
        path: PathBuf::from("spec/widgets.yaml"),
        text,
    }];
    let err = generate_sources(&sources).expect_err("refused");
    assert_eq!(
        err.to_string(),
        "spec/api.yaml: the spec has no api.yaml giving the client's min_version and max_version."
    );
}

#[test]
fn backup_instance_exists_only_in_the_spec() {
    // The hand-written client and generator; nova-sim is the server side, which has to serve
    // the route, and tests may name it.
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    for dir in ["codegen", "generated-client"] {
        walk(&novagen_tests::root().join(dir), &mut files);
    }
    assert!(files.len() >= 10, "found {} files", files.len());
    for f in files {
        let text = std::fs::read_to_string(&f).expect("source");
        assert!(
            !text.contains("backup_instance") && !text.contains("backup-instance"),
            "{} names backup-instance",
            f.display()
        );
    }
    let spec =
        std::fs::read_to_string(novagen_tests::root().join("spec/servers.yaml")).expect("spec");
    assert!(spec.contains("command: backup-instance"));
}
