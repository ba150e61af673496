//! The aggregate commands (`spec/aggregates.yaml`) as the built `nova` runs them against
//! `nova-sim`: whole outputs in novaclient's format (its details table: hosts and metadata
//! `quoted`, the UUID column from 2.41; the message lines before it, with their trailing
//! spaces), the bodies sent (null zone, only the fields given, null for a key to delete), the
//! lookup by name, by ID and by a UUID, and every error: an unknown aggregate, novaclient's
//! client-side checks (made after the lookup, before any change is sent) and nova's refusals.

use novagen_tests::{requested, Cloud};

#[path = "support/library.rs"]
mod support;

const V: &str = "--os-compute-api-version";

/// The UUID nova-sim gave an aggregate.
fn uuid_of(cloud: &Cloud, id: u32) -> String {
    let (status, body) = cloud.api(
        "GET",
        &format!("/compute/v2.1/os-aggregates/{id}"),
        "2.41",
        None,
    );
    assert_eq!(status, 200, "{body}");
    body["aggregate"]["uuid"]
        .as_str()
        .expect("a UUID from 2.41")
        .to_string()
}

/// The details table of one aggregate, as novaclient's `_print_aggregate_details` draws it.
fn details(cells: &[&str]) -> String {
    let titles = [
        "Id",
        "Name",
        "Availability Zone",
        "Hosts",
        "Metadata",
        "UUID",
    ];
    let titles = &titles[..cells.len()];
    let widths: Vec<usize> = titles
        .iter()
        .zip(cells)
        .map(|(t, c)| t.chars().count().max(c.chars().count()))
        .collect();
    let rule: String = widths
        .iter()
        .map(|w| format!("+{}", "-".repeat(w + 2)))
        .collect::<String>()
        + "+\n";
    let row = |items: &[&str]| -> String {
        items
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("| {c}{} ", " ".repeat(w - c.chars().count())))
            .collect::<String>()
            + "|\n"
    };
    format!("{rule}{}{rule}{}{rule}", row(titles), row(cells))
}

/// The request bodies a `--debug` run sent, in order.
fn bodies(debug: &str) -> Vec<String> {
    debug
        .lines()
        .filter(|l| l.starts_with("REQ: ") && !l.contains("/auth/tokens"))
        .filter_map(|l| {
            l.split_once(" -d '")
                .map(|(_, b)| b.trim_end_matches('\'').to_string())
        })
        .collect()
}

#[test]
fn aggregate_commands_print_novaclients_details() {
    let cloud = Cloud::start();
    // Created without a zone: null sent, '-' shown. Create's reply has no hosts nor metadata:
    // the aggregate is fetched, as novaclient's printing does (a zone is in its metadata).
    let one = cloud.nova(&["aggregate-create", "rack-1"]);
    let u1 = uuid_of(&cloud, 1);
    assert_eq!(one.ok(), details(&["1", "rack-1", "-", "", "", &u1]));
    // Before 2.41 no UUID column.
    let two = cloud.nova(&[V, "2.40", "aggregate-create", "rack-2", "zone-b"]);
    assert_eq!(
        two.ok(),
        details(&["2", "rack-2", "zone-b", "", "'availability_zone=zone-b'"])
    );
    let u2 = uuid_of(&cloud, 2);

    // The list: nova's order, no Hosts nor Metadata.
    assert_eq!(
        cloud.nova(&["aggregate-list"]).ok(),
        format!(
            "\
+----+--------+-------------------+--------------------------------------+
| Id | Name   | Availability Zone | UUID                                 |
+----+--------+-------------------+--------------------------------------+
| 1  | rack-1 | -                 | {u1} |
| 2  | rack-2 | zone-b            | {u2} |
+----+--------+-------------------+--------------------------------------+
"
        )
    );
    assert_eq!(
        cloud.nova(&[V, "2.1", "aggregate-list"]).ok(),
        "\
+----+--------+-------------------+
| Id | Name   | Availability Zone |
+----+--------+-------------------+
| 1  | rack-1 | -                 |
| 2  | rack-2 | zone-b            |
+----+--------+-------------------+
"
    );

    // Hosts: a message with novaclient's trailing space, then the details, hosts quoted.
    let added = cloud.nova(&["aggregate-add-host", "rack-1", "compute"]);
    assert_eq!(
        added.ok(),
        format!(
            "Host compute has been successfully added for aggregate 1 \n{}",
            details(&["1", "rack-1", "-", "'compute'", "", &u1])
        )
    );
    let added = cloud.nova(&["aggregate-add-host", "1", "compute2"]);
    assert_eq!(
        added.ok(),
        format!(
            "Host compute2 has been successfully added for aggregate 1 \n{}",
            details(&["1", "rack-1", "-", "'compute', 'compute2'", "", &u1])
        )
    );

    // Metadata: keys sorted, quotes inside left as they are; a key alone deletes.
    let set = cloud.nova(&[
        "aggregate-set-metadata",
        "rack-1",
        "zeta=1",
        "alpha=it's",
        "Beta=x=y",
    ]);
    assert_eq!(
        set.ok(),
        format!(
            "Metadata has been successfully updated for aggregate 1.\n{}",
            details(&[
                "1",
                "rack-1",
                "-",
                "'compute', 'compute2'",
                "'Beta=x=y', 'alpha=it's', 'zeta=1'",
                &u1
            ])
        )
    );
    let unset = cloud.nova(&[
        V,
        "2.1",
        "aggregate-set-metadata",
        "rack-1",
        "zeta",
        "alpha=2",
    ]);
    assert_eq!(
        unset.ok(),
        format!(
            "Metadata has been successfully updated for aggregate 1.\n{}",
            details(&[
                "1",
                "rack-1",
                "-",
                "'compute', 'compute2'",
                "'Beta=x=y', 'alpha=2'"
            ])
        )
    );

    // Show: by name, by ID, at 2.1; the lookup is the whole command (no request after it).
    let meta = "'Beta=x=y', 'alpha=2'";
    let shown = details(&["1", "rack-1", "-", "'compute', 'compute2'", meta, &u1]);
    assert_eq!(cloud.nova(&["aggregate-show", "rack-1"]).ok(), shown);
    assert_eq!(cloud.nova(&["aggregate-show", "1"]).ok(), shown);
    assert_eq!(
        cloud.nova(&[V, "2.1", "aggregate-show", "rack-1"]).ok(),
        details(&["1", "rack-1", "-", "'compute', 'compute2'", meta])
    );
    let debug = cloud.nova(&["--debug", "aggregate-show", "rack-1"]);
    let calls: Vec<String> = requested(&debug.stderr)
        .into_iter()
        .filter(|r| r.contains("os-aggregates"))
        .collect();
    assert_eq!(calls, ["GET /compute/v2.1/os-aggregates"]);

    // Update: the message, then the details of nova's reply.
    let renamed = cloud.nova(&["aggregate-update", "rack-2", "--name", "rack-two"]);
    assert_eq!(
        renamed.ok(),
        format!(
            "Aggregate 2 has been successfully updated.\n{}",
            details(&[
                "2",
                "rack-two",
                "zone-b",
                "",
                "'availability_zone=zone-b'",
                &u2
            ])
        )
    );
    let moved = cloud.nova(&["aggregate-update", "2", "--availability-zone", "zone-c"]);
    assert_eq!(
        moved.ok(),
        format!(
            "Aggregate 2 has been successfully updated.\n{}",
            details(&[
                "2",
                "rack-two",
                "zone-c",
                "",
                "'availability_zone=zone-c'",
                &u2
            ])
        )
    );

    // Remove a host, then delete: the ID of the aggregate looked up.
    let removed = cloud.nova(&["aggregate-remove-host", "rack-1", "compute"]);
    assert_eq!(
        removed.ok(),
        format!(
            "Host compute has been successfully removed from aggregate 1 \n{}",
            details(&["1", "rack-1", "-", "'compute2'", meta, &u1])
        )
    );
    assert_eq!(
        cloud.nova(&["aggregate-delete", "rack-two"]).ok(),
        "Aggregate 2 has been successfully deleted.\n"
    );
    let (status, _) = cloud.api("GET", "/compute/v2.1/os-aggregates/2", "2.96", None);
    assert_eq!(status, 404);

    // json: the data alone (as nova gives it, not quoted), no message line.
    let json = cloud.nova(&[
        "--format",
        "json",
        "aggregate-remove-host",
        "rack-1",
        "compute2",
    ]);
    let doc: serde_json::Value = serde_json::from_str(json.ok()).expect("one JSON document");
    assert_eq!(doc[0]["hosts"], serde_json::json!([]));
    assert_eq!(
        doc[0]["metadata"],
        serde_json::json!({"Beta": "x=y", "alpha": "2"})
    );
}

#[test]
fn aggregate_requests_are_novaclients() {
    let cloud = Cloud::start();
    // No zone: null; a zone: the text.
    let run = cloud.nova(&["--debug", "aggregate-create", "a"]);
    assert_eq!(
        bodies(&run.stderr),
        [r#"{"aggregate":{"name":"a","availability_zone":null}}"#]
    );
    let run = cloud.nova(&["--debug", "aggregate-create", "b", "zone"]);
    assert_eq!(
        bodies(&run.stderr),
        [r#"{"aggregate":{"name":"b","availability_zone":"zone"}}"#]
    );
    // Then the aggregate is read, for its hosts and metadata.
    let calls: Vec<String> = requested(&run.stderr)
        .into_iter()
        .filter(|r| r.contains("os-aggregates"))
        .collect();
    assert_eq!(
        calls,
        [
            "POST /compute/v2.1/os-aggregates",
            "GET /compute/v2.1/os-aggregates/2"
        ]
    );
    // Update sends only what is given and not empty.
    let run = cloud.nova(&[
        "--debug",
        "aggregate-update",
        "a",
        "--name",
        "a2",
        "--availability-zone",
        "",
    ]);
    assert_eq!(bodies(&run.stderr), [r#"{"aggregate":{"name":"a2"}}"#]);
    let run = cloud.nova(&[
        "--debug",
        "aggregate-update",
        "a2",
        "--availability-zone",
        "z",
    ]);
    assert_eq!(
        bodies(&run.stderr),
        [r#"{"aggregate":{"availability_zone":"z"}}"#]
    );
    // set-metadata: a key alone is null (delete), `=` inside a value kept.
    cloud.nova(&["aggregate-set-metadata", "a2", "old=1"]).ok();
    let run = cloud.nova(&["--debug", "aggregate-set-metadata", "a2", "k=v=w", "old"]);
    assert_eq!(
        bodies(&run.stderr),
        [r#"{"set_metadata":{"metadata":{"k":"v=w","old":null}}}"#]
    );
    let run = cloud.nova(&["--debug", "aggregate-add-host", "a2", "compute"]);
    assert_eq!(bodies(&run.stderr), [r#"{"add_host":{"host":"compute"}}"#]);
    let run = cloud.nova(&["--debug", "aggregate-remove-host", "a2", "compute"]);
    assert_eq!(
        bodies(&run.stderr),
        [r#"{"remove_host":{"host":"compute"}}"#]
    );
    let run = cloud.nova(&["--debug", "aggregate-delete", "b"]);
    let calls: Vec<String> = requested(&run.stderr)
        .into_iter()
        .filter(|r| r.contains("os-aggregates"))
        .collect();
    assert_eq!(
        calls,
        [
            "GET /compute/v2.1/os-aggregates",
            "DELETE /compute/v2.1/os-aggregates/2"
        ]
    );
}

#[test]
fn aggregate_errors_are_novaclients() {
    let cloud = Cloud::start();
    cloud.nova(&["aggregate-create", "a"]).ok();
    cloud.nova(&["aggregate-add-host", "a", "compute"]).ok();
    cloud
        .nova(&["aggregate-set-metadata", "a", "k=v", "x=1"])
        .ok();

    // An unknown aggregate, by name or number, in every command that looks one up.
    let missing = "ERROR (CommandError): No aggregate with a name or ID of 'nosuch' exists.\n";
    for args in [
        &["aggregate-show", "nosuch"][..],
        &["aggregate-delete", "nosuch"],
        &["aggregate-update", "nosuch", "--name", "b"],
        &["aggregate-set-metadata", "nosuch", "k=v"],
        &["aggregate-add-host", "nosuch", "compute"],
        &["aggregate-remove-host", "nosuch", "compute"],
    ] {
        let run = cloud.nova(args);
        assert_eq!((run.code, run.stderr.as_str()), (1, missing), "{args:?}");
        assert_eq!(run.stdout, "", "{args:?}");
    }
    cloud.nova(&["aggregate-show", "42"]).fails(
        1,
        "ERROR (CommandError): No aggregate with a name or ID of '42' exists.",
    );
    // A UUID is tried as an ID first: nova's 400, as novaclient shows it.
    cloud
        .nova(&["aggregate-show", "01234567-89ab-cdef-0123-456789abcdef"])
        .fails(
            1,
            "ERROR (BadRequest): Invalid input received: id must be an integer (HTTP 400)",
        );

    // The lookup comes first, then novaclient's checks, and nothing is sent after them.
    let nothing = "ERROR (CommandError): Either '--name <name>' or '--availability-zone <availability-zone>' must be specified.\n";
    for args in [
        &["aggregate-update", "a"][..],
        &[
            "aggregate-update",
            "a",
            "--name",
            "",
            "--availability-zone",
            "",
        ],
    ] {
        let run = cloud.nova(args);
        assert_eq!((run.code, run.stderr.as_str()), (1, nothing), "{args:?}");
    }
    let run = cloud.nova(&["aggregate-update", "nosuch"]);
    assert_eq!(run.stderr, missing);
    let checks = [
        (&["a", "k=v"][..], "metadata already exists"),
        (&["a", "new=1", "x=1"], "metadata already exists"),
        (
            &["a", "k=w", "gone", "other"],
            "metadata key gone does not exist hence can not be deleted",
        ),
        (
            &["a", "k", "other", "gone"],
            "metadata key other does not exist hence can not be deleted",
        ),
    ];
    for (rest, message) in checks {
        let args = [&["--debug", "aggregate-set-metadata"][..], rest].concat();
        let run = cloud.nova(&args);
        assert_eq!(run.code, 1, "{args:?}");
        assert!(
            run.stderr
                .ends_with(&format!("ERROR (CommandError): {message}\n")),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            !requested(&run.stderr)
                .iter()
                .any(|r| r.starts_with("POST /compute")),
            "{args:?}: a check sends nothing"
        );
    }
    // Not changed by any of it.
    let (_, shown) = cloud.api("GET", "/compute/v2.1/os-aggregates/1", "2.96", None);
    assert_eq!(
        shown["aggregate"]["metadata"],
        serde_json::json!({"k": "v", "x": "1"})
    );
    assert_eq!(shown["aggregate"]["name"], "a");

    // nova's refusals: a host twice, a host not there, a name taken.
    cloud.nova(&["aggregate-add-host", "a", "compute"]).fails(
        1,
        "ERROR (Conflict): Aggregate 1 already has host compute. (HTTP 409)",
    );
    cloud
        .nova(&["aggregate-remove-host", "a", "compute2"])
        .fails(
            1,
            "ERROR (NotFound): Cannot remove host compute2 in aggregate 1 (HTTP 404)",
        );
    cloud.nova(&["aggregate-add-host", "a", "nosuch"]).fails(
        1,
        "ERROR (NotFound): Compute host nosuch could not be found. (HTTP 404)",
    );
    cloud.nova(&["aggregate-create", "a"]).fails(
        1,
        "ERROR (Conflict): Aggregate a already exists. (HTTP 409)",
    );
    // argparse's: set-metadata needs at least one pair.
    let run = cloud.nova(&["aggregate-set-metadata", "a"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

/// The library's builders take IDs and look nothing up: novaclient's checks are its shell's,
/// against the aggregate it looked up, so a key is deleted without them (its manager makes none).
#[test]
fn the_library_sets_metadata_without_the_shells_checks() {
    let cloud = Cloud::start();
    let client = support::connect(&cloud);
    let created = client
        .aggregates()
        .create("lib")
        .send()
        .unwrap_or_else(|e| panic!("create: {e}"));
    let id = created.id.to_string();
    let set = client
        .aggregates()
        .set_metadata(&id, ["k=v", "gone"])
        .send()
        .unwrap_or_else(|e| panic!("set_metadata: {e}"));
    assert_eq!(set.raw["metadata"], serde_json::json!({"k": "v"}));
    let found = client.aggregates().find("lib").expect("find by name");
    assert_eq!(found.id, created.id);
}
