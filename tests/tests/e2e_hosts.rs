//! host-evacuate, host-evacuate-live and `--strict` of the four host-* commands
//! (`spec/hypervisors.yaml`) as the built `nova` runs them against `nova-sim`: the servers of
//! every hypervisor the pattern matches (with `--strict`, of the one named exactly, else
//! novaclient's NotFound and nothing sent), one action per server, each server's outcome a row.

use novagen_tests::{requested, Cloud};
use serde_json::{json, Value};

const V: &str = "--os-compute-api-version";

/// The bodies of the server actions a `--debug` run sent, in order.
fn action_bodies(debug: &str) -> Vec<Value> {
    debug
        .lines()
        .filter(|l| l.starts_with("REQ: curl -g -i -X POST") && l.contains("/action "))
        .filter_map(|l| {
            let body = l.split_once(" -d '")?.1.strip_suffix('\'')?;
            serde_json::from_str(body).ok()
        })
        .collect()
}

/// A table of `(uuid, accepted, error)` rows under novaclient's three titles.
fn table(accepted: &str, rows: &[(&str, &str, &str)]) -> String {
    let w = rows
        .iter()
        .map(|r| r.2.len())
        .chain(["Error Message".len()])
        .max()
        .unwrap_or_default();
    let a = rows
        .iter()
        .map(|r| r.1.len())
        .chain([accepted.len()])
        .max()
        .unwrap_or_default();
    let rule = format!(
        "+{}+{}+{}+\n",
        "-".repeat(38),
        "-".repeat(a + 2),
        "-".repeat(w + 2)
    );
    let mut out = rule.clone();
    out.push_str(&format!(
        "| {:36} | {accepted:a$} | {:w$} |\n",
        "Server UUID", "Error Message"
    ));
    out.push_str(&rule);
    for (id, ok, error) in rows {
        out.push_str(&format!("| {id:36} | {ok:a$} | {error:w$} |\n"));
    }
    out.push_str(&rule);
    out
}

fn host_of(cloud: &Cloud, id: &str) -> Value {
    let (status, body) = cloud.api("GET", &format!("/compute/v2.1/servers/{id}"), "2.96", None);
    assert_eq!(status, 200, "{body}");
    body["server"]["OS-EXT-SRV-ATTR:host"].clone()
}

#[test]
fn host_evacuate_reports_each_server_in_its_row() {
    let cloud = Cloud::start();
    // nova-sim places each server on the least loaded compute: a and c on fake-mini (host
    // compute), b on compute2.
    let a = cloud.boot_polled("a");
    let _b = cloud.boot_polled("b");
    let c = cloud.boot_polled("c");

    // The compute service of fake-mini is up: nova refuses each evacuation, in its row.
    let run = cloud.nova(&["host-evacuate", "fake-mini"]);
    let error = "Error while evacuating instance: Compute service of compute is still in use. (HTTP 400) (Request-ID: req-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx)";
    assert_eq!(
        novagen_tests::mask_request_ids(run.ok()),
        table(
            "Evacuate Accepted",
            &[(&a, "False", error), (&c, "False", error)]
        )
    );

    // The body by microversion: onSharedStorage always until 2.13, force only when given
    // (2.29-2.67), the host only when given, as --target_host (novaclient's spelling).
    for (args, body) in [
        (
            &["2.1", "host-evacuate", "fake-mini"][..],
            json!({"evacuate": {"onSharedStorage": false}}),
        ),
        (
            &[
                "2.13",
                "host-evacuate",
                "fake-mini",
                "--on-shared-storage",
                "--target_host",
                "compute2",
            ],
            json!({"evacuate": {"onSharedStorage": true, "host": "compute2"}}),
        ),
        (
            &["2.14", "host-evacuate", "fake-mini"],
            json!({"evacuate": {}}),
        ),
        (
            &[
                "2.29",
                "host-evacuate",
                "fake-mini",
                "--force",
                "--target_host",
                "compute2",
            ],
            json!({"evacuate": {"host": "compute2", "force": true}}),
        ),
        (
            &[
                "2.67",
                "host-evacuate",
                "fake-mini",
                "--target_host",
                "compute2",
            ],
            json!({"evacuate": {"host": "compute2"}}),
        ),
        (
            &["2.96", "host-evacuate", "fake-mini"],
            json!({"evacuate": {}}),
        ),
    ] {
        let mut line = vec!["--debug", V];
        line.extend(args);
        let run = cloud.nova(&line);
        run.ok();
        assert_eq!(action_bodies(&run.stderr), [body.clone(), body], "{args:?}");
    }
    // Options outside their range, and --target-host, which novaclient's host-evacuate lacks.
    let run = cloud.nova(&[
        V,
        "2.14",
        "host-evacuate",
        "fake-mini",
        "--on-shared-storage",
    ]);
    run.fails(
        1,
        "'--on-shared-storage' is only supported by API versions 2.1 - 2.13",
    );
    let run = cloud.nova(&[V, "2.68", "host-evacuate", "fake-mini", "--force"]);
    run.fails(1, "'--force' is only supported by API versions 2.29 - 2.67");
    let run = cloud.nova(&["host-evacuate", "fake-mini", "--target-host", "compute2"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    // Nothing moved.
    assert_eq!(host_of(&cloud, &a), "compute");
}

#[test]
fn host_evacuate_live_migrates_the_first_n_servers() {
    let cloud = Cloud::start();
    let a = cloud.boot_polled("a");
    let _b = cloud.boot_polled("b");
    let c = cloud.boot_polled("c");

    // A target nova does not know: each server's refusal in its row, nothing moves; the body
    // by microversion (block_migration false until 2.24, auto from 2.25, unless given;
    // disk_over_commit until 2.24; force only when given, 2.30-2.67).
    let no_host = "Error while live migrating instance: Compute host nosuch could not be found. (HTTP 400) (Request-ID: req-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx)";
    let run = cloud.nova(&["host-evacuate-live", "fake-mini", "--target-host", "nosuch"]);
    assert_eq!(
        novagen_tests::mask_request_ids(run.ok()),
        table(
            "Live Migration Accepted",
            &[(&a, "False", no_host), (&c, "False", no_host)]
        )
    );
    let live = |host: Value, block: Value, more: Value| {
        let mut b = json!({"host": host, "block_migration": block});
        if let (Some(m), Some(extra)) = (b.as_object_mut(), more.as_object()) {
            m.extend(extra.clone());
        }
        json!({ "os-migrateLive": b })
    };
    let nosuch = || json!("nosuch");
    for (args, body) in [
        (
            &["2.1"][..],
            live(nosuch(), json!(false), json!({"disk_over_commit": false})),
        ),
        (
            &["2.24", "--block-migrate", "--disk-over-commit"],
            live(nosuch(), json!(true), json!({"disk_over_commit": true})),
        ),
        (&["2.25"], live(nosuch(), json!("auto"), json!({}))),
        (
            &["2.30", "--force", "--block-migrate"],
            live(nosuch(), json!(true), json!({"force": true})),
        ),
        (&["2.67"], live(nosuch(), json!("auto"), json!({}))),
        (&["2.96"], live(nosuch(), json!("auto"), json!({}))),
    ] {
        let mut line = vec!["--debug", V, args[0], "host-evacuate-live", "fake-mini"];
        line.extend(["--target-host", "nosuch"]);
        line.extend(&args[1..]);
        let run = cloud.nova(&line);
        run.ok();
        assert_eq!(action_bodies(&run.stderr), [body.clone(), body], "{args:?}");
    }

    // --max-servers N: the first N servers; novaclient migrates one before it counts, so 0
    // and -1 are one too.
    for n in ["1", "0", "-1"] {
        let run = cloud.nova(&[
            "host-evacuate-live",
            "fake-mini",
            "--target-host",
            "nosuch",
            "--max-servers",
            n,
        ]);
        assert_eq!(
            novagen_tests::mask_request_ids(run.ok()),
            table("Live Migration Accepted", &[(&a, "False", no_host)]),
            "--max-servers {n}"
        );
    }
    let run = cloud.nova(&[
        "host-evacuate-live",
        "fake-mini",
        "--target-host",
        "nosuch",
        "--max-servers",
        "5",
    ]);
    assert_eq!(run.ok().matches("| False ").count(), 2, "{}", run.stdout);
    let run = cloud.nova(&["host-evacuate-live", "fake-mini", "--max-servers", "x"]);
    assert_eq!(run.code, 2, "{}", run.stderr);

    // Accepted: the scheduler's pick (host null); only the first server moves.
    let run = cloud.nova(&[
        "--debug",
        "host-evacuate-live",
        "fake-mini",
        "--max-servers",
        "1",
    ]);
    assert_eq!(
        run.ok(),
        table("Live Migration Accepted", &[(&a, "True", "")])
    );
    assert_eq!(
        action_bodies(&run.stderr),
        [live(Value::Null, json!("auto"), json!({}))]
    );
    assert_eq!(host_of(&cloud, &a), "compute2");
    assert_eq!(host_of(&cloud, &c), "compute");
}

#[test]
fn strict_takes_only_the_hypervisor_named_exactly() {
    let cloud = Cloud::start();
    let a = cloud.boot_polled("a");
    let b = cloud.boot_polled("b");
    let c = cloud.boot_polled("c");

    // "fake" matches fake-mini as a pattern but names no hypervisor exactly: novaclient's
    // NotFound after the search, nothing printed and no server touched.
    let not_found = "ERROR (NotFound): No hypervisor matching 'fake' could be found. (HTTP 404)\n";
    for (version, line) in [
        ("2.96", &["host-servers-migrate", "fake", "--strict"][..]),
        ("2.52", &["host-servers-migrate", "fake", "--strict"]),
        ("2.96", &["host-evacuate", "fake", "--strict"]),
        ("2.96", &["host-evacuate-live", "--strict", "fake"]),
        ("2.1", &["host-evacuate-live", "fake", "--strict"]),
        ("2.96", &["host-meta", "fake", "set", "k=v", "--strict"]),
        ("2.96", &["host-meta", "--strict", "fake", "delete", "k"]),
    ] {
        let mut args = vec!["--debug", V, version];
        args.extend(line);
        let run = cloud.nova(&args);
        assert_eq!(run.code, 1, "{line:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{line:?}");
        assert!(run.stderr.ends_with(not_found), "{line:?}: {}", run.stderr);
        // The search alone (the token is cached).
        let sent = requested(&run.stderr);
        assert_eq!(sent.len(), 1, "{line:?}: {sent:?}");
        assert!(
            sent[0].starts_with("GET /compute/v2.1/os-hypervisors"),
            "{sent:?}"
        );
    }
    // Without --strict the pattern's servers are all taken.
    let run = cloud.nova(&["host-meta", "fake", "set", "k=v"]);
    assert_eq!(run.ok(), "");
    // With it, only the exact hypervisor's, at either search.
    let run = cloud.nova(&["host-meta", "compute2", "set", "s=1", "--strict"]);
    assert_eq!(run.ok(), "");
    let run = cloud.nova(&[
        V,
        "2.52",
        "host-meta",
        "compute2",
        "delete",
        "k",
        "--strict",
    ]);
    run.fails(
        1,
        "ERROR (NotFound): Metadata item was not found (HTTP 404)",
    );
    for (id, want) in [
        (&a, json!({"k": "v"})),
        (&b, json!({"s": "1"})),
        (&c, json!({"k": "v"})),
    ] {
        let (status, body) = cloud.api(
            "GET",
            &format!("/compute/v2.1/servers/{id}/metadata"),
            "2.96",
            None,
        );
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["metadata"], want);
    }
    let run = cloud.nova(&["host-evacuate", "fake-mini", "--strict"]);
    assert_eq!(run.ok().matches("| False ").count(), 2, "{}", run.stdout);
    // The search by path (until 2.52) with --strict: compute2's one server.
    let run = cloud.nova(&[V, "2.52", "host-servers-migrate", "compute2", "--strict"]);
    assert!(
        run.ok().contains(&format!("| {b} | True ")),
        "{}",
        run.stdout
    );
    // novaclient's migrate body: null until 2.55, an object from 2.56 (one per server of
    // fake-mini, whatever nova-sim answers each).
    for (version, body) in [
        ("2.55", json!({"migrate": null})),
        ("2.56", json!({"migrate": {}})),
    ] {
        let run = cloud.nova(&["--debug", V, version, "host-servers-migrate", "fake-mini"]);
        run.ok();
        let sent = action_bodies(&run.stderr);
        assert!(!sent.is_empty(), "{version}: {}", run.stderr);
        assert!(sent.iter().all(|b| *b == body), "{version}: {sent:?}");
    }
    // A pattern nothing matches: nova's own 404, with or without --strict.
    let run = cloud.nova(&["host-servers-migrate", "nosuch", "--strict"]);
    run.fails(
        1,
        "No hypervisor matching 'nosuch' could be found. (HTTP 404)",
    );
}
