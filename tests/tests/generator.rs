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
    assert!(code.contains("command: \"backup-instance\""));
    assert!(code.contains("pub struct ServersBackupInstance<'a>"));
}

/// Generate from the fixture with one file's text replaced; the first error (a mistake may
/// also make a follow-on one, such as an argument left unused).
fn error_for(file: &str, edit: impl Fn(&str) -> String) -> (PathBuf, usize, String) {
    let dir = fixture_dir();
    let mut sources = Vec::new();
    for name in [
        "api.yaml",
        "gizmos.yaml",
        "widget-extras.yaml",
        "widgets.yaml",
    ] {
        let path = Path::new("spec").join(name);
        let text = std::fs::read_to_string(dir.join(name)).expect("fixture file");
        let text = if name == file { edit(&text) } else { text };
        sources.push(SpecSource { path, text });
    }
    match generate_sources(&sources) {
        Ok(_) => panic!("the edited spec was accepted"),
        Err(errors) => {
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
            "    method: delete\n",
            "    method: delete\n    colour_of_sky: blue\n",
        )
    };
    let (file, line, msg) = error_for("widgets.yaml", edit);
    assert_eq!(file, Path::new("spec/widgets.yaml"));
    assert_eq!(line, line_of(&edit(&fixture()), "colour_of_sky"));
    assert!(
        msg.starts_with(
            "invalid spec: operations[6]: unknown field `colour_of_sky`, expected one of"
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
fn two_commands_with_one_name() {
    let (_, line, msg) = error_for("widgets.yaml", |t| {
        t.replace("command: widget-delete", "command: widget-list")
    });
    assert_eq!(line, line_of(&fixture(), "command: widget-delete"));
    let first = line_of(&fixture(), "command: widget-list");
    assert_eq!(
        msg,
        format!("a command named 'widget-list' is already declared at spec/widgets.yaml:{first}.")
    );
}

#[test]
fn backwards_microversion_range() {
    let (file, line, msg) = error_for("api.yaml", |t| {
        t.replace("versions: \"2.1-2.10\"", "versions: \"2.10-2.1\"")
    });
    assert_eq!((file, line), (PathBuf::from("spec/api.yaml"), 2));
    assert_eq!(
        msg,
        "the range '2.10-2.1' is backwards: 2.10 is newer than 2.1; write the older version first (\"2.1-2.10\")."
    );
}

/// Every refusal of `api.yaml`'s settings: the edit, the line it lands on, the sentence.
#[test]
fn every_api_refusal_has_its_file_line_and_sentence() {
    #[rustfmt::skip]
    let cases: &[(&str, &str, &str, &str)] = &[
        // One range spelling; both ends for the client's own.
        ("versions: \"2.1-2.10\"", "versions: \"2.1\"", "versions:",
         "'2.1' is not a range: write \"2.1-\" (from 2.1 on), \"-2.1\" (up to 2.1) or \"LO-HI\"."),
        ("versions: \"2.1-2.10\"", "versions: \"2.1-\"", "versions:",
         "api.versions '2.1-' must give both ends: the oldest and the newest microversion the spec may name (\"2.1-2.96\")."),
        ("versions: \"2.1-2.10\"", "versions: \"2.1-2.x\"", "versions:",
         "in the range '2.1-2.x', '2.x' is not a microversion: write MAJOR.MINOR, e.g. \"2.47\"."),
        // `auto`'s ceiling lies in the range.
        ("negotiate: \"2.8\"", "negotiate: \"2.11\"", "negotiate:",
         "api.negotiate 2.11 lies outside api.versions 2.1 - 2.10: `auto` negotiates up to it, so it must be one of those versions."),
        ("negotiate: \"2.8\"", "negotiate: latest", "negotiate:",
         "'latest' is not a microversion: write it as MAJOR.MINOR, e.g. \"2.47\"."),
        // Poll's rules read the polled resource, `reply`, only.
        ("fault: reply.fault.message", "fault: server.fault.message", "fault:",
         "\"server.fault.message\" names 'server', which is no argument or value known here (known: reply, version, now)."),
        ("fault: reply.fault.message", "fault: it.fault", "fault:",
         "\"it.fault\" uses 'it', which is known only inside a loop (map, where, for)."),
        ("failed: {error: Error, broken: Broken}", "failed: {ERROR: Error}", "failed:",
         "api.poll.failed's status 'ERROR' is compared with the lower-cased status: write it in lower case."),
        ("failed: {error: Error, broken: Broken}", "failed: {}", "failed:",
         "api.poll.failed needs at least one status that ends a poll as a failure (error: Error)."),
        // What a poll says reads the action (and the failed status's word) only.
        ("line: \"Widget {action}\"", "line: \"Widget {word} {action}\"", "line:",
         "\"Widget {word} {action}\" names 'word', which is no argument or value known here (known: action, version, now)."),
        ("failure: \"{word} {action} widget\"", "failure: \"{word} {action} {reply.name}\"", "failure:",
         "\"{word} {action} {reply.name}\" uses 'reply', which is known only after a request."),
        ("cap: 500", "cap: 0", "cap:",
         "api.page.cap is the most pages one list may have: at least 1."),
        ("size_query: limit", "size_query: \"page size\"", "size_query:",
         "'page size' is not a query parameter name: letters, digits, '_' and '-'."),
    ];
    let api = std::fs::read_to_string(fixture_dir().join("api.yaml")).expect("fixture api.yaml");
    for (from, to, at, want) in cases {
        assert!(api.contains(from), "not in the fixture: {from}");
        let edited = api.replacen(from, to, 1);
        let (file, line, msg) = error_for("api.yaml", |_| edited.clone());
        assert_eq!(file, Path::new("spec/api.yaml"), "{want}");
        assert_eq!(msg, *want);
        assert_eq!(line, line_of(&edited, at), "{want}");
    }
    // A poll's own progress reads the polled resource too.
    let widgets = fixture();
    let edited = widgets.replacen("progress: reply.percent", "progress: percent", 1);
    let (_, line, msg) = error_for("widgets.yaml", |_| edited.clone());
    assert_eq!(
        msg,
        "\"percent\" names 'percent', which is no argument or value known here (known: reply, version, now)."
    );
    assert_eq!(line, line_of(&edited, "progress: percent"));
}

/// Every refusal of the generator: the edit to the fixture, the line it lands on (the text
/// of that line in the edited file) and the exact sentence. None of these reaches rustc.
#[test]
fn every_refusal_has_its_file_line_and_sentence() {
    #[rustfmt::skip]
    let cases: &[(&str, &str, &str, &str)] = &[
        // A stand-in is a request on the request it stands in for.
        ("      - http: GET /widgets\n", "      - on_error: [403]\n        http: GET /widgets\n", "on_error: [403]",
         "`on_error: [403]` is the first edition's: write on_error: {403: <the request sent instead>} on the request it stands in for"),
        // Steps have no names: a step reads the one before as `reply`.
        ("      - http: GET /widgets\n", "      - name: found\n        http: GET /widgets\n", "name: found",
         "invalid spec: operations[4].steps[0]: unknown field `name`, expected one of `on_error`, `merge`, `refuse`, `when`, `versions`, `http`, `query`, `body`, `result`, `for`, `collect`, `page`, `root`"),
        ("          403: {http: GET /widgets/mine,", "          403: {name: mine, http: GET /widgets/mine,", "403: {name: mine",
         "invalid spec: operations[4].steps[0].on_error.403: unknown field `name`, expected one of `http`, `query`, `body`, `result`, `for`, `collect`, `page`, `root`"),
        // `env:` left the language (no entry used it: spec_keys).
        ("default: \"{session.project_id}\",", "default: \"{session.project_id}\", env: WIDGET_PROJECT,", "env: WIDGET_PROJECT",
         "invalid spec: operations[1].args[6]: unknown field `env`, expected one of `name`, `type`, `positional`, `required`, `many`, `default`, `choices`, `help`, `resource`, `keys`, `defaults`, `one_of`, `invalid`, `metavar`, `option`, `split`, `prompt`, `versions`"),
        // A variant is a request: what is printed is the operation's print, its items' when: choosing.
        ("      - result: reply.job_id\n", "      - result: reply.job_id\n        print: [{value: \"{reply}\"}]\n", "        print: [{value",
         "invalid spec: operations[2].variants[1]: unknown field `print`, expected one of `versions`, `when`, `on_error`, `steps`, `http`, `query`, `body`, `result`, `for`, `collect`, `page`, `root`"),
        // A step's checks after its request: novaclient's exceptions only, over its result.
        ("error: \"No widget named '{pattern}'.\", kind: NotFound}", "error: \"No widget named '{pattern}'.\", kind: Missing}", "kind: Missing",
         "kind 'Missing' is no exception of novaclient's: CommandError (the default) or one of ResourceNotFound, BadRequest, Unauthorized, Forbidden, NotFound, MethodNotAllowed, NotAcceptable, Conflict, OverLimit, RateLimit, HTTPNotImplemented."),
        ("{when: \"exact and not (reply | where(it.name == pattern))\"", "{when: \"exact and not (parts | where(it.name == pattern))\"", "exact and not (parts",
         "\"exact and not (parts | where(it.name == pattern))\" names 'parts', which is no argument or value known here (known: detail, exact, pattern, session, reply, typed, found, version, now)."),
        // An option typed otherwise than its name says.
        ("option: --exact_name,", "option: exact_name,", "option: exact_name",
         "option 'exact_name' is not an option as typed: `--` and lower-case letters, digits, `-` or `_` (option: --target_host), or one letter (option: [-i, --identity])."),
        ("      - {name: pattern, positional: true, help: Widget name pattern.}", "      - {name: pattern, positional: true, option: --pattern, help: Widget name pattern.}", "option: --pattern",
         "option: spells an option as typed; a positional is typed as its value alone."),
        ("          403: {http: GET /widgets/mine,", "          200: {http: GET /widgets/mine,", "200: {http",
         "200 is no HTTP error status (400-599)."),
        // each: the loop over a many-valued positional, its words closed.
        ("many: true, resource: widget, help: Name or ID of widget(s).}", "many: true, help: Name or ID of widget(s).}", "each: {over: widget",
         "resolve: first looks the values of each.over up before the first run: it needs an argument with a resource."),
        ("each: {over: widget,", "each: {over: reason,", "each: {over: reason",
         "each.over 'reason' names no positional argument of this operation that takes several values."),
        ("error: Unable to delete the specified widget(s).}", "error: \"Unable to delete {widgets}.\"}", "Unable to delete {widgets}",
         "\"Unable to delete {widgets}.\" names 'widgets', which is no argument or value known here (known: reason, widget, version, now)."),
        ("resolve: first, error: Unable", "resolve: later, error: Unable", "resolve: later",
         "invalid spec: operations[6].each.resolve: unknown variant `later`, expected `each` or `first`"),
        ("resolve: first, error: Unable", "resolve: first, fail: most, error: Unable", "fail: most",
         "invalid spec: operations[6].each.fail: unknown variant `most`, expected `any` or `all`"),
        // each.failed: a failed value's line sees the arguments, typed and the error, `it`.
        ("resolve: first, error: Unable", "resolve: first, failed: \"{widget} failed: {reply}\", error: Unable", "failed: \"{widget} failed: {reply}\"",
         "\"{widget} failed: {reply}\" uses 'reply', which is known only after a request."),
        // rsa_decrypt takes the key's text: an argument of type file, not a path or a literal.
        ("error: \"Widget {typed.widget} is broken.\"", "error: \"Widget {typed.widget | rsa_decrypt(hard)} is broken.\"", "rsa_decrypt(hard)",
         "\"Widget {typed.widget | rsa_decrypt(hard)} is broken.\": rsa_decrypt(key) takes the private key's text: name an argument of type file (the user's key file), e.g. rsa_decrypt(private_key)."),
        ("error: \"Widget {typed.widget} is broken.\"", "error: \"Widget {typed.widget | rsa_decrypt('key.pem')} is broken.\"", "rsa_decrypt('key.pem')",
         "\"Widget {typed.widget | rsa_decrypt('key.pem')} is broken.\": rsa_decrypt(key) takes the private key's text: name an argument of type file (the user's key file), e.g. rsa_decrypt(private_key)."),
        // An operation's refusal is made before any request: it reads no reply (a step's does).
        ("{when: found.widget.broken, error:", "{when: reply.broken, error:", "when: reply.broken",
         "\"reply.broken\" uses 'reply', which is known only after a request."),
        // A refusal's kind is one of novaclient's exception classes for client checks.
        ("error: \"Widget {typed.widget} is broken.\"}", "error: \"Widget {typed.widget} is broken.\", kind: Broken}", "kind: Broken",
         "kind 'Broken' is no exception of novaclient's: CommandError (the default) or one of ResourceNotFound, BadRequest, Unauthorized, Forbidden, NotFound, MethodNotAllowed, NotAcceptable, Conflict, OverLimit, RateLimit, HTTPNotImplemented."),
        // exec: a program run instead of printing.
        ("    print: [{value: \"{reply}\", when: show}]\n", "    print: [{value: \"{reply}\", when: show}]\n    exec: [polish, \"{widget}\"]\n", "exec: [polish",
         "exec runs a program instead of printing: an operation with exec has no print and no poll."),
        ("    print: [{value: \"{reply}\", when: show}]\n", "    exec: [polish, \"{widgets}\"]\n", "exec: [polish",
         "\"{widgets}\" names 'widgets', which is no argument or value known here (known: all, hard, show, widget, session, reply, typed, found, version, now)."),
        // option: one free letter of an option besides its long form.
        ("      - {name: hard, type: flag, help: Polish hard.}", "      - {name: hard, type: flag, option: [-h, --hard], help: Polish hard.}", "option: [-h",
         "-h is no free one-letter option: one letter per option, not h (help), c (--column) nor another option's."),
        // prompt: a plain text option read from the user; several questions need invalid:.
        ("      - {name: reason, help: Why.}", "      - {name: reason, positional: true, prompt: \"Why? \", help: Why.}", "prompt: \"Why",
         "a prompted argument is a plain text option read from the user: no type but string, positional, many, default, choices, resource, option or required."),
        ("      - {name: reason, help: Why.}", "      - {name: reason, prompt: [], help: Why.}", "prompt: []",
         "prompt is what the user is asked: a text, or a list of texts asked in turn (prompt: [\"New password: \", \"Again: \"]), not an empty list."),
        ("      - {name: reason, help: Why.}", "      - {name: reason, prompt: [\"Why? \", \"Sure? \"], help: Why.}", "prompt: [\"Why",
         "the answers to several prompts must be equal: give invalid:, the error when they are not (invalid: Passwords do not match.)."),
        ("      - {name: reason, help: Why.}", "      - {name: reason, prompt: \"Why? \", invalid: Not the same., help: Why.}", "prompt: \"Why",
         "invalid is the error when the answers to a prompt differ: with one question there is none; ask again (prompt: [\"New password: \", \"Again: \"]) or leave invalid out."),
        // split: one entry, the text before the separator going to another text option.
        ("      - {name: reason, help: Why.}", "      - {name: reason, split: {\"@\": nosuch}, help: Why.}", "split: {\"@\"",
         "split gives the text before '@' to another argument: 'nosuch' names a single-valued text option of this operation, and the argument split is a single-valued text."),
        ("      - {name: reason, help: Why.}", "      - {name: reason, split: {\"@\": reason, \":\": reason}, help: Why.}", "split: {\"@\"",
         "split is one entry: the separator and the text option given the text before it (split: {\"@\": login})."),
        ("      - {name: reason, help: Why.}", "      - {name: reason, split: {\"\": reason}, help: Why.}", "split: {\"\"",
         "split's separator is empty: write the text the value is split at (split: {\"@\": login})."),
        // help: false (not shown): an option that may be left out.
        ("      - {name: reason, help: Why.}", "      - {name: reason, required: true, help: false}", "help: false",
         "only an option that may be left out can be hidden (`help: false`): not a positional, not required."),
        ("      - {name: reason, help: Why.}", "      - {name: reason, help: true}", "help: true",
         "`help:` is the argument's text, or `false` for an option not shown; write the text."),
        // A show rule's title names its one row.
        ("  - {field: parts, flatten: \"{it.^.key}:{it.key}\", format: pyrepr}", "  - {field: parts, flatten: \"{it.^.key}:{it.key}\", title: parts_all, format: pyrepr}", "title: parts_all",
         "a show rule's title names its field's one row: it cannot go with drop (no row) nor flatten (a row per key)."),
        // pformat is a display format: where something is printed, never a value filter.
        ("  - {field: parts, flatten: \"{it.^.key}:{it.key}\", format: pyrepr}", "  - {field: parts, flatten: \"{it.^.key}:{it.key}\", value: \"it | pformat\"}", "value: \"it | pformat\"",
         "the expression \"it | pformat\" cannot be read: at character 5: that is a display format now, not a filter: write `format: ...` on the column, property row or value."),
        // concat: a body key's only key, a list of parts; a part with when: has its item.
        ("parts: {concat: [{when: \"size == 0\", item: {id: spare}}, \"{part}\"]}", "parts: {concat: [\"{part}\"], extra: \"{part}\"}", "parts: {concat",
         "concat is a body key's only key, a list of parts: each a body (a list gives its items) or {when: <condition>, item: <body>} (concat: [{when: swap, item: {volume_size: \"{swap}\"}}, \"{block_device}\"])."),
        ("{when: \"size == 0\", item: {id: spare}}", "{when: \"size == 0\", items: {id: spare}}", "parts: {concat",
         "concat is a body key's only key, a list of parts: each a body (a list gives its items) or {when: <condition>, item: <body>} (concat: [{when: swap, item: {volume_size: \"{swap}\"}}, \"{block_device}\"])."),
        ("{when: \"size == 0\", item: {id: spare}}", "{when: \"reply.size == 0\", item: {id: spare}}", "parts: {concat",
         "\"reply.size == 0\" uses 'reply', which is known only after a request."),
        // A record key that looks a resource up: its sent key and the resource, which has a lookup.
        ("twin: {send: twin_id, resource: widget}", "twin: {send: twin_id}", "twin: {send: twin_id}",
         "a record key is its sent key, or {send: <sent key>, resource: <resource>} (net-name: {send: uuid, resource: network}: the typed name looked up, its ID sent)."),
        ("twin: {send: twin_id, resource: widget}", "twin: {send: twin_id, resource: gadget}", "resource: gadget",
         "'gadget' names no resource of the spec."),
        // A show rule's condition reads the printing operation's arguments, not a reply.
        ("drop: true, when: \"public == false\"}", "drop: true, when: \"reply.public\"}", "when: \"reply.public\"",
         "\"reply.public\" uses 'reply', which is known only after a request."),
        // Record checks name the record's own keys.
        ("        one_of: [part-id]\n", "        one_of: [part-number]\n", "one_of: [part-number]",
         "one_of names 'part-number', which is not one of the record's keys."),
        // The lookup's message sees the text given, as `it`.
        ("  otherwise: \"There is no widget called {it}.\"\n", "  otherwise: \"There is no widget called {name}.\"\n", "There is no widget called {name}",
         "\"There is no widget called {name}.\" names 'name', which is no argument or value known here (known: it, version, now)."),
        ("  otherwise: \"There is no widget called {it}.\"\n", "  otherwise: as_typed\n", "otherwise: as_typed",
         "otherwise: as_typed is an argument's choice (resource: {name: ..., otherwise: as_typed}); a resource's otherwise is the message when nothing matches."),
        // The lookup's reads are request objects: a GET, the ID in get's path, the list's path in the reply.
        ("  get: {http: \"GET /widgets/{id}\"", "  get: {http: \"POST /widgets/{id}\"", "get: {http: \"POST",
         "lookup.get reads: its http is GET and a path."),
        ("  get: {http: \"GET /widgets/{id}\"", "  get: {http: \"GET /widgets/{uuid}\"", "get: {http: \"GET /widgets/{uuid}",
         "\"/widgets/{uuid}\" names 'uuid', which is no argument or value known here (known: id, version, now)."),
        ("  get: {http: \"GET /widgets/{id}\"", "  get: {http: \"GET /widgets\"", "get: {http: \"GET /widgets\"",
         "lookup.get must have exactly one placeholder in its path, {id}."),
        (", result: reply.widgets}", "}", "list: {http: GET /widgets/detail",
         "lookup.list needs its result: the path of the list in the reply, e.g. reply.servers."),
        (", result: reply.widgets}", ", result: \"reply.widgets[0]\"}", "result: \"reply.widgets[0]\"",
         "lookup.list's result is reply.KEY, or reply.KEY[].ITEM when each item is wrapped: the name search reads the list page by page."),
        ("query: {is_public: None}", "query: {is_public: \"{version}\"}", "is_public: \"{version}\"",
         "lookup.list's query 'is_public' is fixed text: an argument adds computed ones (resource: {name: ..., query: ...})."),
        // An argument's resource: what it adds to the lookup.
        ("otherwise: {value: as_typed, versions: \"2.9-\"}", "otherwise: always", "otherwise: always",
         "otherwise is as_typed, or {value: as_typed, versions: \"2.21-\"} (a text no resource matches is used as it is, in that range)."),
        ("versions: \"2.9-\"}}", "versions: \"2.9\"}}", "versions: \"2.9\"}}",
         "'2.9' is not a range: write \"2.9-\" (from 2.9 on), \"-2.9\" (up to 2.9) or \"LO-HI\"."),
        ("versions: \"2.9-\"}}", "versions: \"2.9-2.5\"}}", "versions: \"2.9-2.5\"}}",
         "the range '2.9-2.5' is backwards: 2.9 is newer than 2.5; write the older version first (\"2.5-2.9\")."),
        ("resource: {name: widget, query:", "resource: {name: widget, fallback: true, query:", "fallback: true",
         "invalid spec: operations[2].args[0]: unknown field `fallback`, expected one of `name`, `query`, `otherwise`, `versions`"),
        // A lookup sends a field of the resource as its ID.
        ("  ids: any\n", "  ids: any\n  id: serial\n", "id: serial",
         "lookup.id names no field 'serial' of resource 'widget'."),
        // Names the generated code or nova already uses.
        ("      - {name: hard, type: flag, help: Polish hard.}", "      - {name: poll, type: flag, help: Polish hard.}", "{name: poll,",
         "argument name 'poll' is reserved: nova's global options, the template roots and the request builders use it; choose another name."),
        ("      - {name: data, type: file, help: File with user data.}", "      - {name: client, type: file, help: File with user data.}", "{name: client,",
         "argument name 'client' is reserved: nova's global options, the template roots and the request builders use it; choose another name."),
        ("      - {name: fields, help: Comma-separated fields to show.}", "      - {name: format, help: Comma-separated fields to show.}", "{name: format,",
         "argument name 'format' is reserved: nova's global options, the template roots and the request builders use it; choose another name."),
        ("      - {name: reason, help: Why.}", "      - {name: os_token, help: Why.}", "{name: os_token,",
         "argument name 'os_token' is reserved: nova's global options, the template roots and the request builders use it; choose another name."),
        ("command: widget-delete", "command: help", "command: help",
         "command 'help' is reserved: nova's own 'help' would hide it."),
        ("manager: widgets", "manager: version", "manager: version",
         "manager name 'version' is reserved: Client already has a method of that name; choose another name."),
        ("resource: widget\n", "resource: operations\n", "resource: operations",
         "resource name 'operations' is reserved: the generated code already uses 'OPERATIONS' or 'Operations'; choose another name."),
        ("resource: widget\n", "resource: string\n", "resource: string",
         "resource name 'string' is reserved: the generated code already uses 'STRING' or 'String'; choose another name."),
        ("    method: delete\n", "    method: fn\n", "method: fn",
         "method name 'fn' is not a valid identifier: use lower-case letters, digits and '_', starting with a letter, and no Rust keyword."),
        ("    method: delete\n", "    method: list  # again\n", "# again",
         "a method named 'widgets.list' is already declared at spec/widgets.yaml:38."),
        // Types and values.
        ("      - {name: labels, positional: true, many: true,", "      - {name: labels, positional: true, type: key_value,", "{name: labels, positional: true, type: key_value,",
         "a positional argument of type keyvalue must take several values (many: true)."),
        ("{name: size, type: integer, default: \"1\",", "{name: size, type: integer, choices: [\"1\"], default: \"1\",", "choices: [\"1\"]",
         "choices apply to string arguments (their values) and record arguments (their words that stand alone) only."),
        ("{name: size, type: integer, default: \"1\",", "{name: size, type: integer, default: \"lots\",", "default: \"lots\"",
         "the default 'lots' is not a valid integer value."),
        ("versions: \"2.5-\", choices", "versions: \"2.11-\", choices", "versions: \"2.11-\", choices",
         "microversion 2.11 is outside the client's range 2.1 - 2.10 (api.yaml)."),
        ("versions: \"2.5-\", choices", "versions: \"two.five-\", choices", "two.five",
         "in the range 'two.five-', 'two.five' is not a microversion: write MAJOR.MINOR, e.g. \"2.47\"."),
        ("versions: \"2.5-\", choices", "versions: \"2.5-2.4\", choices", "versions: \"2.5-2.4\"",
         "the range '2.5-2.4' is backwards: 2.5 is newer than 2.4; write the older version first (\"2.4-2.5\")."),
        ("versions: \"2.5-\", choices", "versions: \"2.5\", choices", "versions: \"2.5\"",
         "'2.5' is not a range: write \"2.5-\" (from 2.5 on), \"-2.5\" (up to 2.5) or \"LO-HI\"."),
        ("versions: \"2.5-\", choices", "min_version: \"2.5\", choices", "min_version",
         "`min_version` is the first edition's: write versions: \"2.26-\" (from 2.26 on)"),
        ("choices: {value: [none], versions: \"2.3-\"}", "choices: [none]\n        alone_since: \"2.3\"", "alone_since",
         "`alone_since` is the first edition's: write choices: {value: [auto, none], versions: \"2.37-\"} (a record's words that stand alone)"),
        // choices: a range only for a record's words that stand alone; a string or a record only.
        ("      - {name: action, positional: true, choices: [set, unset], help: \"'set' or 'unset'.\"}", "      - {name: action, positional: true, choices: {value: [set, unset], versions: \"2.3-\"}, help: \"'set' or 'unset'.\"}", "choices: {value: [set",
         "a string's choices hold in every version (they are checked before one is negotiated): write the list; a range is for a record's words that stand alone."),
        ("      - {name: labels, positional: true, many: true,", "      - {name: labels, positional: true, required: \"2.3-\", many: true,", "required: \"2.3-\"",
         "a positional argument is always given or optional (true or false); a range of versions where it is required applies to options."),
        ("  get: {http: \"GET /widgets/{id}\"", "  get: {http: \"GET widgets/{id}\"", "get: {http: \"GET widgets/{id}\"",
         "http 'GET widgets/{id}' must be a method and a path, e.g. \"POST /servers/{server}/action\"."),
        ("until: [ready]", "until: []", "until: []",
         "poll.until needs at least one status to wait for."),
        // The polled ID is derived: the one argument naming the polled resource, else the result.
        ("      - {name: labels, positional: true, many: true, help: \"Labels: key=value to set, key to unset.\"}\n    variants:",
         "      - {name: labels, positional: true, many: true, help: \"Labels: key=value to set, key to unset.\"}\n      - {name: twin, resource: widget, help: Another widget.}\n    print: [{poll: {action: labelling, until: [ready]}}, {text: \"{twin}\"}]\n    variants:",
         "poll: {action: labelling",
         "poll cannot tell which widget to wait for: arguments 'widget' and 'twin' both name one (resource: widget); the polled ID is that of the one argument naming a widget, else the result's."),
        ("      - {name: data, type: file, help: File with user data.}\n",
         "      - {name: data, type: file, help: File with user data.}\n      - {name: twins, many: true, resource: widget, help: Other widgets.}\n",
         "{poll: {action: building",
         "poll cannot tell which widget to wait for: argument 'twins' names several (many: true) and is not run once per value (each.over); the polled ID is that of the one argument naming a widget, else the result's."),
        // What a poll says is api.poll's (line, failure), and its ID derived: no label or id of its own.
        ("poll: {action: building, until: [ready],", "poll: {action: building, label: Widget, until: [ready],", "label: Widget",
         "invalid spec: operations[1].print[1].poll: unknown field `label`, expected one of `resource`, `until`, `action`, `progress`"),
        ("poll: {action: building, until: [ready],", "poll: {action: building, id: \"{reply.id}\", until: [ready],", "id: \"{reply.id}\"",
         "invalid spec: operations[1].print[1].poll: unknown field `id`, expected one of `resource`, `until`, `action`, `progress`"),
        // The wait is a print item: its place says what is printed before and after it.
        ("      - {poll: {action: building, until: [ready], progress: reply.percent}}\n      - {text: \"Widget {reply.name} is ready.\", when: poll}\n",
         "    poll: {action: building, until: [ready]}\n", "    poll: {action: building",
         "`poll:` is a print item now: write it in the operation's print list, print: [..., {poll: {...}}] (the wait happens at that item's place, with --poll)"),
        ("until: [ready], progress: reply.percent}}", "until: [ready], first: true, progress: reply.percent}}", "first: true",
         "a poll item's `first:` is its place: put the poll item before the items printed after the wait, print: [{poll: {...}}, ...]"),
        ("until: [ready], progress: reply.percent}}", "until: [ready], done: Done., progress: reply.percent}}", "done: Done.",
         "a poll item's `done:` is the items after it: write print: [..., {poll: {...}}, {text: \"...\", when: poll}] (`poll`: --poll was given)"),
        ("until: [ready], progress: reply.percent}}", "until: [ready], progress: reply.percent}, when: poll}", "{poll: {action: building",
         "a poll item is the wait alone: {poll: {...}} takes no when, versions, of or other print key (it waits only with --poll; a condition or range goes on the items around it)."),
        ("until: [ready], progress: reply.percent}}", "until: [ready], progress: reply.percent}, text: Waiting.}", "{poll: {action: building",
         "a poll item is the wait alone: {poll: {...}} takes no when, versions, of or other print key (it waits only with --poll; a condition or range goes on the items around it)."),
        ("      - {text: \"Widget {reply.name} is ready.\", when: poll}\n", "      - {poll: {action: finishing, until: [ready]}}\n", "{poll: {action: finishing",
         "an operation waits once: its print list holds one poll item (--poll's wait), not two."),
        ("  counters:\n", "  counters:\n    - {poll: {action: counting, until: [ready]}}\n", "{poll: {action: counting",
         "a view holds what is printed, not a wait: write the poll item in the print list of the operation that waits, beside {view: ...}."),
        // `poll` (whether --poll was given) is known only where an operation waits.
        ("wrap: 20}, when: detail}", "wrap: 20}, when: poll}", "20}, when: poll}",
         "\"poll\" names 'poll', which is no argument or value known here (known: detail, exact, pattern, session, reply, reply, typed, found, version, now)."),
        // Templates, conditions and references.
        ("http: DELETE /widgets/{widget}\n", "http: DELETE /widgets/{widget_id}\n", "http: DELETE /widgets/{widget_id}",
         "\"/widgets/{widget_id}\" names 'widget_id', which is no argument or value known here (known: reason, widget, session, version, now)."),
        ("query: {limit: \"{limit | case(-1, null)}\"", "query: {limit: \"{limt}\"", "{limt}",
         "\"{limt}\" names 'limt', which is no argument or value known here (known: all, fields, limit, sort, session, version, now)."),
        ("\"{1 if all}\", sort_key", "\"{all | blank}\", sort_key", "{all | blank}",
         "the template \"{all | blank}\" cannot be read: at character 7: there is no filter `blank` (filters: default, absent_if_empty, split, join, map, where, first, at, get, take, keys, entries, pairs, objects, sort, unique, count, base64, int, slug, date, isoformat, days, basename, case, rsa_decrypt, flatten)."),
        ("\"{limit | case(-1, null)}\"", "\"{limit | case(-1)}\"", "{limit | case(-1)}",
         "the template \"{limit | case(-1)}\" cannot be read: at character 9: the filter `case` takes 2 arguments, not 1: write `case(from, to)`."),
        ("    body: {polish: {type:", "    body: {<<: {}, polish: {type:", "body: {<<",
         "YAML merge keys (<<: *anchor) are not supported here: write the keys out."),
        // A variant inheriting the operation's body: the mistake is at the operation's line.
        ("\"{'HARD' if hard else 'SOFT'}\"", "\"{hard|then:HARD|or:SOFT}\"", "{hard|then:HARD|or:SOFT}",
         "the template \"{hard|then:HARD|or:SOFT}\" cannot be read: at character 6: `then` is the first edition's: write `X if <cond>` instead (`'HARD' if hard else 'SOFT'`)."),
        ("resource: widget, help: Name or ID of widget.}", "resource: gadget, help: Name or ID of widget.}", "resource: gadget",
         "'gadget' names no resource of the spec."),
        ("      - when: \"action == 'unset'\"", "      - when: \"verb == 'unset'\"", "when: \"verb == 'unset'\"",
         "\"verb == 'unset'\" names 'verb', which is no argument or value known here (known: action, labels, widget, session, found, typed, version, now)."),
        // The first edition's conditions and filters say what to write instead.
        ("      - when: \"action == 'unset'\"", "      - when: action=unset", "when: action=unset",
         "the condition \"action=unset\" cannot be read: at character 6: write `==` to compare (`=` alone means nothing here)."),
        ("      - when: \"action == 'unset'\"", "      - when: \"action|then:true\"", "when: \"action|then:true\"",
         "the condition \"action|then:true\" cannot be read: at character 7: `then` is the first edition's: write `X if <cond>` instead (`'HARD' if hard else 'SOFT'`)."),
        // Roots: each only where it has a value.
        ("      - when: \"action == 'unset'\"", "      - when: \"it.name\"", "when: \"it.name\"",
         "\"it.name\" uses 'it', which is known only inside a loop (map, where, for)."),
        ("      - {when: found.widget.broken,", "      - {when: found.reason,", "when: found.reason",
         "\"found.reason\" names 'found.reason', but 'reason' is no argument looked up as a resource (resource:)."),
        ("      - when: \"action == 'unset'\"", "      - when: \"reply.name\"", "when: \"reply.name\"",
         "\"reply.name\" uses 'reply', which is known only after a request."),
        ("      - {name: show, type: flag, help: Print the job ID.}\n", "      - {name: show, type: flag, help: Print the job ID.}\n      - {name: spare, help: Unused.}\n", "{name: spare,",
         "argument 'spare' is used nowhere: name it in a template ({spare}) of the URL, query, body, a condition, or what is printed."),
        // rows: levels of entries, outer first; cells: on the last.
        ("              maxWidgets: [Widgets, Max]", "              maxWidgets: [Widgets]", "maxWidgets: [Widgets]",
         "each cells key names its row and column: key: [Row, Column]."),
        ("              maxWidgets: [Widgets, Max]", "              maxWidgets: [Widgets, Most]", "maxWidgets: [Widgets, Most]",
         "cells column 'Most' is not the title of a column of the table."),
        ("            row: {name: \"{it.key}\", other: \"{it.value}\"}", "            row: {other: \"{it.value}\"}", "row: {other:",
         "beside cells:, row: names its row as the cells do, in the first column's field: give it name."),
        ("            - for: it.value.members\n              sort: true\n              row: {name: \"|- {it.key}\", state: \"{it.value}\"}\n", "            - for: it.value.members\n              sort: true\n", "- for: it.value.members",
         "a rows level makes rows: row: (each entry's row), cells: (a key's row and column), or both."),
        ("            - for: it.groups\n", "            - for: it.groups\n              cells: {x: [Widgets, Name]}\n", "cells: {x:",
         "cells: merges entries into named rows, which no level can follow: cells is on the last level of rows:."),
        // columns: an expression: the fields of columns a user names at run time.
        ("          columns: [Name, State]\n", "          columns: since\n", "columns: since",
         "a table with rows: prints the rows it builds under its columns, listed (columns: [Name, State]); columns: as an expression names fields of the items of of: (write one or the other)."),
        ("print: [{table: {columns: fields}}]", "print: [{table: {columns: feilds}}]", "columns: feilds",
         "\"feilds\" names 'feilds', which is no argument or value known here (known: all, fields, limit, sort, session, reply, typed, found, version, now)."),
        ("print: [{table: {columns: fields}}]", "print: [{table: {columns: fields, sort_by: Name}}]", "fields, sort_by: Name",
         "sort_by 'Name' cannot be checked: the columns are named at run time (columns: fields); write sort_by: none (the server's order) or leave it out (the resource's sort_by, when a column has its title)."),
        ("print: [{table: {columns: fields}}]", "print: [{table: {columns_from: fields}}]", "columns_from: fields",
         "a table's `columns_from:` is folded into columns: write columns: ARG (an expression giving the fields a user names: a list, or comma-separated text; the table shows the key column, then one column per field)"),
        ("          rows:\n            - for: it.groups\n", "          tree:\n            - for: it.groups\n", "tree:",
         "a table's `tree:` is folded into rows: write rows: [{for: it, row: {...}}, {for: it.value.KEY, row: {...}}] (one level per entry, outer first)"),
        ("        rows:\n          - for: it\n", "        pivot:\n          - for: it\n", "pivot:",
         "a table's `pivot:` is folded into rows: write rows: [{for: it, sort: true, cells: {KEY: [Row, Column]}, row: {...}}] (row: makes the rows of keys not listed)"),
        ("              row: {name: \"|- {it.key}\", state: \"{it.value}\"}", "              row: {name: \"|- {it.key}\", state: \"{it.^.key}\"}", "state: \"{it.^.key}\"",
         "\"{it.^.key}\" uses 'it.^', but there are not that many loops around it."),
        ("http: DELETE /widgets/{widget}\n", "http: DELETE /widgets/{it.id}\n", "http: DELETE /widgets/{it.id}",
         "\"/widgets/{it.id}\" uses 'it', which is known only inside a loop (map, where, for)."),
        // The traps of issue 18: each was built and sent before.
        ("        http: DELETE /widgets/{widget}/labels/{it}", "        http: DELETE /widgets/{widget}/labels/{labels}", "labels/{labels}",
         "'{labels}' holds several values (or an object), and a URL path segment one: loop over them (for: labels, with {it} in the path) or make one text of them ({labels | join(',')})."),
        ("body: {labels: \"{labels|pairs}\"}", "body: {\"{widget}\": \"{labels|pairs}\"}", "body: {\"{widget}\"",
         "the body key '{widget}' would be sent as written, braces and all: a body's keys are fixed names (an object built from the arguments is a value: {labels | pairs})."),
        ("        for: \"labels | keys\"\n        http: DELETE /widgets/{widget}/labels/{it}", "        steps: []", "steps: []",
         "steps: [] lists no request: a variant that sends nothing says http: none."),
        // Views: named print blocks, one way to reuse.
        ("{view: counters, of: reply.counters}", "{view: countrs, of: reply.counters}", "view: countrs",
         "'countrs' names no view (views: counters)."),
        ("{view: counters, of: reply.counters}", "{view: counters, of: reply.counters, when: since}", "{view: counters, of: reply.counters, when",
         "{view: counters} stands alone: give a condition or range to the view's items, or write the items here."),
        ("      - {view: counters, of: reply.counters}\n", "", "  counters:",
         "view 'counters' is printed by no operation: use it (print: [{view: counters}]) or remove it."),
        ("  counters:\n", "  counters:\n    - view: counters\n", "    - view: counters",
         "a view holds print items, not views: write the other view's items here or use both views side by side."),
        ("      - {text: \"Since {since|date}:\"}", "      - {text: \"Since {since|date}:\", of: reply}", "of: reply}",
         "of: says what a table or properties item prints; a text or value item is a template of its own."),
        ("      - {text: \"Since {since|date}:\"}", "      - &since {text: \"Since {since|date}:\"}\n      - *since", "- *since",
         "a YAML alias (*name) of what is printed: a print block several operations share is a view (views: {NAME: [...]} and print: [{view: NAME}])."),
        // A value filter is no display format.
        ("  - {title: Tags, field: tags, value: \"it | join(', ')\"}", "  - {title: Tags, field: tags, format: \"join:, \"}", "format: \"join:, \"",
         "'join:,' is no display format (formats: pyrepr, pformat, quoted, fixed(n), and api.yaml's: ); a value filter goes in value: (value: \"it | join(', ')\")."),
        // A loop is a list expression, or nested loops outer first.
        ("- for: \"reply[].parts_list[]\"", "- for: []", "- for: []",
         "for: is a list expression, or nested loops outer first: for: [\"reply[].servers[]\", \"metadata | pairs | keys\"]."),
        // A properties table's width: a number or an integer argument.
        ("wrap: 20}", "wrap: \"'wide'\"}", "wrap: \"'wide'\"",
         "wrap is a width: a whole number (wrap: 40) or an argument of type: integer (wrap: wrap), not \"'wide'\"."),
        ("wrap: 20}", "wrap: pattern}", "wrap: pattern",
         "wrap is a width: a whole number (wrap: 40) or an argument of type: integer (wrap: wrap), not \"pattern\"."),
        ("  - {title: Tags, field: tags, value: \"it | join(', ')\"}", "  - {title: Tags, field: tagz}", "field: tagz",
         "column 'Tags' names no field 'tagz' of the resource."),
        // A column and a show rule are one struct: a column needs its title, and takes none of a
        // show rule's own keys; a show rule needs its field.
        ("  - {title: Tags, field: tags, value: \"it | join(', ')\"}", "  - {field: tags, value: \"it | join(', ')\"}", "{field: tags, value: \"it | join",
         "a column needs its title, the table's header: {title: Name, field: name} (or Name alone: the field is the title in lower case with '_' for ' ')."),
        ("{title: Checked, field: ok}", "{field: ok}", "{field: ok}",
         "a column needs its title, the table's header: {title: Name, field: name} (or Name alone: the field is the title in lower case with '_' for ' ')."),
        ("  - {title: Tags, field: tags, value: \"it | join(', ')\"}", "  - {title: Tags, field: tags, drop: true}", "{title: Tags, field: tags, drop: true}",
         "only a show rule drops a field (show: [{field: links, drop: true}]); a table shows the columns it lists: leave this column out."),
        ("  - {title: Tags, field: tags, value: \"it | join(', ')\"}", "  - {title: Tags, field: tags, flatten: \"{it.key}\"}", "flatten: \"{it.key}\"",
         "only a show rule flattens an object into rows (show: [{field: flavor, flatten: \"{it.^.key}:{it.key}\"}]); a column is one cell per row: write value: (an expression over it) or format: instead."),
        ("{title: Checked, field: ok}", "{title: Checked, field: ok, expand: widget}", "expand: widget",
         "only a show rule expands an ID into the resource it names (show: [{field: image, expand: image}]); a column fetches nothing per row: show the ID, or a field of the row (field: image.id)."),
        ("  - {field: tags, value: \"it | sort | join\"}", "  - {title: Tags, value: \"it | sort | join\"}", "{title: Tags, value: \"it | sort",
         "a show rule needs field: the field it shows (show: [{field: links, drop: true}])."),
        // A column's (or show rule's) value is over the field's value, `it`, alone: the runtime
        // evaluates it so.
        ("  - {title: Owner, field: owner, when: all}", "  - {title: Owner, field: owner, value: \"it if all\"}", "value: \"it if all\"",
         "\"it if all\" names 'all', which is no argument or value known here (known: it, version, now)."),
        // page: a GET sent once, asked again with a query; its merge names what it merges.
        ("    http: GET /widget-usage\n", "    http: POST /widget-usage\n", "    page:",
         "page: asks a GET again for its next pages: the request must be a GET."),
        ("    http: GET /widget-usage\n", "    for: \"[1, 2]\"\n    http: GET /widget-usage\n", "    page:",
         "page: and for: do not go together: page a request sent once."),
        ("query: {marker: \"{reply[-1].parts[-1].id}\"}", "query: {}", "query: {}",
         "page.query gives the query that asks for the next page (a marker over the last page's result, reply)."),
        ("merge: {by: owner, concat: [parts], sum: [hours]}", "merge: {by: owner}", "merge: {by: owner}",
         "page.merge names the fields merged: concat (lists joined) and sum (numbers added)."),
        ("merge: {by: owner, concat: [parts], sum: [hours]}", "merge: {concat: [hours], sum: [hours]}", "merge: {concat",
         "'hours' is both in concat and in sum."),
        ("query: {marker: \"{reply[-1].parts[-1].id}\"}", "query: {marker: \"{it.id}\"}", "query: {marker: \"{it.id}\"}",
         "\"{it.id}\" uses 'it', which is known only inside a loop (map, where, for)."),
        // invalid: the message for a malformed record or datetime argument.
        ("{name: since, type: datetime, invalid:", "{name: since, invalid:", "{name: since, invalid:",
         "invalid is the message for a malformed record or datetime argument: give it type: record or type: datetime."),
        // http: none sends nothing: not paged, not at the root.
        ("    http: GET /widget-usage\n", "    http: none\n", "    http: none",
         "http: none sends nothing: it takes no query, body, result, for, on_error, page or root."),
        ("    http: GET /\n    root: true\n    result: reply.versions\n", "    http: none\n    root: true\n", "    http: none",
         "http: none sends nothing: it takes no query, body, result, for, on_error, page or root."),
    ];
    for (from, to, at, want) in cases {
        let fixture = fixture();
        assert!(fixture.contains(from), "not in the fixture: {from}");
        let edited = fixture.replacen(from, to, 1);
        let (file, line, msg) = error_for("widgets.yaml", |_| edited.clone());
        assert_eq!(file, Path::new("spec/widgets.yaml"), "{want}");
        assert_eq!(msg, *want);
        assert_eq!(line, line_of(&edited, at), "{want}");
    }
}

#[test]
fn names_that_clash_across_files() {
    // A second file with the same manager, or a method whose Rust names another one's.
    let dir = fixture_dir();
    let read = |n: &str| std::fs::read_to_string(dir.join(n)).expect("fixture file");
    let gadgets = "resource: gadget\nmanager: widgets\nfields:\n  - {name: id, type: string}\n";
    let grouped = "resource: gadget\nmanager: widgets_report\nfields:\n  - {name: id, type: string}\noperations:\n  - command: gadget-x\n    method: x\n    help: X.\n    http: GET /x\n";
    for (text, want) in [
        (gadgets, "spec/gadgets.yaml:2: a manager named 'widgets' is already declared at spec/widgets.yaml:4."),
        (&grouped.replace("method: x", "method: report").replace("manager: widgets_report", "manager: widgets"),
         "spec/gadgets.yaml:2: a manager named 'widgets' is already declared at spec/widgets.yaml:4."),
    ] {
        let sources = vec![
            SpecSource { path: "spec/api.yaml".into(), text: read("api.yaml") },
            SpecSource { path: "spec/widgets.yaml".into(), text: read("widgets.yaml") },
            SpecSource { path: "spec/gadgets.yaml".into(), text: text.to_string() },
        ];
        let err = generate_sources(&sources).expect_err("refused").to_string();
        assert_eq!(err.lines().next(), Some(want), "{err}");
    }
    // `widgets.report_x` and `widgets_report.x` both make the static WIDGETS_REPORT_X.
    let clash = grouped.to_string();
    let mut widgets = read("widgets.yaml");
    widgets = widgets.replace("    method: report\n", "    method: report_x\n");
    let sources = vec![
        SpecSource {
            path: "spec/api.yaml".into(),
            text: read("api.yaml"),
        },
        SpecSource {
            path: "spec/gadgets.yaml".into(),
            text: clash,
        },
        SpecSource {
            path: "spec/widgets.yaml".into(),
            text: widgets,
        },
    ];
    let err = generate_sources(&sources).expect_err("refused").to_string();
    assert!(
        err.lines().any(|l| l.starts_with("spec/widgets.yaml:") && l.ends_with("the static named 'WIDGETS_REPORT_X' is already declared at spec/gadgets.yaml:7.")),
        "{err}"
    );
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let dir = fixture_dir();
    let read = |n: &str| std::fs::read_to_string(dir.join(n)).expect("fixture file");
    let sources = vec![
        SpecSource {
            path: "spec/api.yaml".into(),
            text: format!("\u{feff}{}", read("api.yaml")),
        },
        SpecSource {
            path: "spec/widgets.yaml".into(),
            text: format!("\u{feff}{}", read("widgets.yaml")),
        },
    ];
    assert!(generate_sources(&sources).is_ok());
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
        "spec/api.yaml: the spec has no api.yaml giving the client's settings (api: {versions: ...})."
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
    let spec = std::fs::read_to_string(novagen_tests::root().join("spec/backup-instance.yaml"))
        .expect("spec");
    assert!(spec.contains("command: backup-instance"));
}

/// The string literals of Rust source, each with its byte offset, leaving out comments and
/// the `#[cfg(test)] mod ... { }` blocks (a unit test may name what it sets up).
fn string_literals(src: &str) -> Vec<(usize, String)> {
    let b = src.as_bytes();
    let mut lits = Vec::new();
    // The code with comments, strings and char literals blanked: for finding test modules.
    let mut code = b.to_vec();
    let blank = |code: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut code[from..to.min(b.len())] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        // `r"..."`, `br#"..."#`: a raw string's `r` starts a token (after a `b` at most).
        let prev_ident = match i {
            0 => false,
            1 => b[0] != b'b' && ident(b[0]),
            _ if b[i - 1] == b'b' => ident(b[i - 2]),
            _ => ident(b[i - 1]),
        };
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = src[i..].find('\n').map_or(b.len(), |n| i + n);
                blank(&mut code, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let (mut depth, mut j) = (1, i + 2);
                while j < b.len() && depth > 0 {
                    if b[j..].starts_with(b"/*") {
                        depth += 1;
                        j += 2;
                    } else if b[j..].starts_with(b"*/") {
                        depth -= 1;
                        j += 2;
                    } else {
                        j += 1;
                    }
                }
                blank(&mut code, i, j);
                i = j;
            }
            b'r' if !prev_ident && {
                let j = i + 1 + b[i + 1..].iter().take_while(|c| **c == b'#').count();
                b.get(j) == Some(&b'"')
            } =>
            {
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                let start = i + 2 + hashes;
                let close = format!("\"{}", "#".repeat(hashes));
                let end = src[start..].find(&close).map_or(b.len(), |n| start + n);
                lits.push((i, src[start..end].to_string()));
                blank(&mut code, start, end);
                i = end + close.len();
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                lits.push((i, src[i + 1..j.min(b.len())].to_string()));
                blank(&mut code, i + 1, j);
                i = j + 1;
            }
            b'\'' => {
                // A char literal ('x', '\n', '\''), else a lifetime or label.
                let rest = &src[i + 1..];
                let len = if rest.starts_with('\\') {
                    rest[2..].find('\'').map(|n| n + 3)
                } else {
                    let c = rest.chars().next().map_or(0, char::len_utf8);
                    (rest[c..].starts_with('\'')).then_some(c + 1)
                };
                match len {
                    Some(n) => {
                        blank(&mut code, i + 1, i + n);
                        i += n + 1;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    // `#[cfg(test)]` then `mod NAME {`: that block's literals are left out.
    let code = String::from_utf8_lossy(&code).into_owned();
    let mut tests: Vec<(usize, usize)> = Vec::new();
    let mut from = 0;
    while let Some(n) = code[from..].find("#[cfg(test)]") {
        let at = from + n;
        from = at + 1;
        let after = code[at + 12..].trim_start();
        if !after.starts_with("mod ") {
            continue;
        }
        let Some(open) = code[at..].find('{').map(|k| at + k) else {
            continue;
        };
        let mut depth = 0;
        let mut end = code.len();
        for (k, c) in code[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + k;
                        break;
                    }
                }
                _ => {}
            }
        }
        tests.push((at, end));
    }
    lits.retain(|(at, _)| !tests.iter().any(|(a, e)| a <= at && at <= e));
    lits
}

#[test]
fn string_literals_are_read_as_rust_writes_them() {
    let src = r###"
        // "comment"
        /* "block /* nested */ comment" */
        fn f<'a>(x: &'a str) -> char { let _ = "one"; let _ = r#"two "quoted""#; '"' }
        const C: char = '\''; const D: &str = "esc\"aped"; const E: &[u8] = br#"{"b"}"#;
        #[cfg(test)]
        mod tests { const T: &str = "in a test {"; }
        const AFTER: &str = "three";
    "###;
    let got: Vec<String> = string_literals(src).into_iter().map(|(_, s)| s).collect();
    assert_eq!(
        got,
        ["one", "two \"quoted\"", "esc\\\"aped", "{\"b\"}", "three"]
    );
}

/// Every name of the spec's YAML: resource, command, field and argument names, and what
/// `api.yaml`'s settings name (the page size query, the key column, the polled keys, the
/// failed states). The runtime may know none of them: it reads them from the definitions.
fn spec_names() -> std::collections::BTreeMap<String, String> {
    use yaml_rust2::{Yaml, YamlLoader};
    let mut names = std::collections::BTreeMap::new();
    let dir = novagen_tests::root().join("spec");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("spec dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    let text = |y: &Yaml| y.as_str().map(str::to_string);
    for path in files {
        let src = std::fs::read_to_string(&path).expect("spec file");
        let docs = YamlLoader::load_from_str(&src).expect("spec YAML");
        let file = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let mut add = |name: Option<String>, what: &str| {
            if let Some(n) = name.filter(|n| !n.is_empty()) {
                names
                    .entry(n)
                    .or_insert_with(|| format!("{what} in spec/{file}"));
            }
        };
        for doc in &docs {
            add(text(&doc["resource"]), "resource");
            for f in doc["fields"].as_vec().into_iter().flatten() {
                add(text(&f["name"]), "field");
            }
            for op in doc["operations"].as_vec().into_iter().flatten() {
                add(text(&op["command"]), "command");
                for a in op["args"].as_vec().into_iter().flatten() {
                    add(text(&a["name"]), "argument");
                }
            }
            let api = &doc["api"];
            add(text(&api["page"]["size_query"]), "api.page.size_query");
            add(text(&api["key_column"]), "api.key_column");
            for key in ["progress", "fault"] {
                // The keys an expression over `reply` reads: `reply.fault.message`.
                for word in text(&api["poll"][key])
                    .unwrap_or_default()
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                {
                    if word != "reply" {
                        add(Some(word.to_string()), &format!("api.poll.{key}"));
                    }
                }
            }
            for (k, v) in api["poll"]["failed"].as_hash().into_iter().flatten() {
                add(text(k), "api.poll.failed");
                add(text(v), "api.poll.failed");
            }
        }
    }
    names
}

/// Generic words that are also names of the spec, each with why the runtime may write it.
const ALLOWED: &[(&str, &str)] = &[
    (
        "id",
        "an OpenStack resource's identity in every service: Keystone's user, project and \
      token IDs, clouds.yaml's `*_id`, and the language's own: `expand:` shows an object's `id` \
      (spec/README.md, show rules)",
    ),
    (
        "name",
        "Keystone's user, project and domain names, clouds.yaml's keys, and the language's \
      own: `expand:` shows `name (id)` (spec/README.md)",
    ),
    (
        "password",
        "Keystone's password method and clouds.yaml's `auth.password`; redacted by \
      `--debug` as Keystone's secret",
    ),
    ("user", "Keystone's auth request (`identity.password.user`)"),
    (
        "identity",
        "Keystone's auth request (`auth.identity`); ssh's `-i/--identity` is another",
    ),
    (
        "user_id",
        "Keystone's user ID (clouds.yaml, the token's user) and the language's root \
      `session.user_id`",
    ),
    ("tenant_id", "clouds.yaml's old name of `auth.project_id`"),
    (
        "project_id",
        "Keystone's project ID (clouds.yaml's `auth.project_id`, the token's project) and the \
      language's root `session.project_id`",
    ),
    ("type", "the Keystone catalog's service `type`"),
    (
        "min_version",
        "the compute version document's `min_version` (the negotiation reads it; version-list \
      shows the same documents)",
    ),
    (
        "version",
        "the compute version document's `version` (the negotiation reads it; version-list \
      shows the same documents) and `Client`'s Debug field",
    ),
    (
        "message",
        "the error reply of every OpenStack service: nova's `{\"itemNotFound\": \
      {\"message\": ..}}`, Keystone's `{\"error\": {\"message\": ..}}`",
    ),
    (
        "error",
        "the language's outcome of a `for_each` item, `reply.error` (spec/README.md, \
      for_each `rows:`), and Keystone's error reply",
    ),
];

#[test]
fn the_runtime_knows_no_name_of_the_spec() {
    let names = spec_names();
    assert!(
        names.len() > 100,
        "read only {} names of spec/",
        names.len()
    );
    for key in [
        "server", "boot", "limit", "progress", "fault", "ID", "deleted",
    ] {
        assert!(names.contains_key(key), "spec/ names no '{key}'");
    }
    for (word, why) in ALLOWED {
        assert!(
            names.contains_key(*word),
            "'{word}' is allowed but names nothing of spec/ ({why})"
        );
    }
    let dir = novagen_tests::root().join("generated-client/src/runtime");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("runtime dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "found {} files", files.len());
    let mut found = Vec::new();
    for f in files {
        let src = std::fs::read_to_string(&f).expect("source");
        for (at, lit) in string_literals(&src) {
            if let Some(what) = names.get(&lit) {
                if !ALLOWED.iter().any(|(w, _)| *w == lit) {
                    let line = src[..at].matches('\n').count() + 1;
                    let file = f.file_name().expect("name").to_string_lossy().into_owned();
                    found.push(format!("runtime/{file}:{line}: \"{lit}\" ({what})"));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "the runtime names what the spec names (read it from the definitions instead):\n{}",
        found.join("\n")
    );
}

/// View names are global: a second declaration, in another file, is refused at its own line.
#[test]
fn a_view_name_is_declared_once_across_files() {
    let (file, line, msg) = error_for("gizmos.yaml", |text| {
        format!("{text}\nviews:\n  counters:\n    - {{text: counted}}\n")
    });
    assert_eq!(file, Path::new("spec/widgets.yaml"));
    assert_eq!(line, line_of(&fixture(), "  counters:"));
    assert_eq!(
        msg,
        "view 'counters' is also declared in spec/gizmos.yaml: view names are global, rename one."
    );
}

/// `columns:` as an expression keeps the resource's key column and shows its columns when no
/// names are given: a resource without columns is refused at the table.
#[test]
fn named_columns_need_the_resources_columns() {
    let edit = |text: &str| {
        text.replacen(
            "    returns: nothing\n",
            "    returns: nothing\n    print: [{table: {columns: name}}]\n",
            1,
        )
    };
    let (file, line, msg) = error_for("gizmos.yaml", edit);
    assert_eq!(file, Path::new("spec/gizmos.yaml"));
    let text = std::fs::read_to_string(fixture_dir().join("gizmos.yaml")).expect("fixture file");
    assert_eq!(line, line_of(&edit(&text), "columns: name"));
    assert_eq!(
        msg,
        "columns: named at run time keep the key column and show, when none are named, the default columns: give columns on resource 'gizmo'."
    );
}

/// A file of `resource:` and `operations:` alone adds to a resource another file declares: one
/// naming no declared resource is refused at `resource:`, and the folded `extends:` says what
/// to write.
#[test]
fn an_extension_names_a_declared_resource() {
    let (file, line, msg) = error_for("widget-extras.yaml", |text| {
        text.replacen("resource: widget\n", "resource: gadget\n", 1)
    });
    assert_eq!(file, Path::new("spec/widget-extras.yaml"));
    assert_eq!(line, 2);
    assert_eq!(
        msg,
        "'gadget' names no resource of the spec: a file of resource: and operations: alone adds operations to a resource another file declares (with manager: and fields:)."
    );
    let (file, line, msg) = error_for("widget-extras.yaml", |text| {
        text.replacen("resource: widget\n", "extends: widget\n", 1)
    });
    assert_eq!(file, Path::new("spec/widget-extras.yaml"));
    assert_eq!(line, 2);
    assert_eq!(
        msg,
        "`extends:` is folded into resource: write resource: NAME (a file of resource: and operations: alone adds operations to the resource another file declares)"
    );
}

/// An extension's reply is not known to be the extended resource: `returns: list` would type it
/// so and fail only when a reply is read.
#[test]
fn an_extension_returns_a_value() {
    let (file, line, msg) = error_for("widget-extras.yaml", |text| {
        text.replacen("    returns: value\n", "    returns: list\n", 1)
    });
    assert_eq!(file, Path::new("spec/widget-extras.yaml"));
    let text = std::fs::read_to_string(fixture_dir().join("widget-extras.yaml")).expect("fixture");
    assert_eq!(line, line_of(&text, "    returns: value"));
    assert_eq!(
        msg,
        "returns: list types the reply as widgets, read where its lookup reads them (result: reply.widgets); any other reply is returns: value (the JSON as nova sent it)."
    );
}
