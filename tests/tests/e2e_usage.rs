//! usage and usage-list (`spec/usage.yaml`), and version-list (`spec/versions.yaml`: the
//! compute endpoint's unversioned root, `root: true`), and the `type: datetime` arguments
//! (instance-action-list's `--changes-since`/`--changes-before`), as the built `nova` runs them against `nova-sim`:
//! from 2.40 nova pages the servers of a report (`--max-limit 1`: one server a page) and
//! novaclient asks again after the last server until a page without one, merging the pages per
//! tenant (servers joined, hours added); usage's tenant defaults to the session's project and
//! prints `None` when there is no CPU usage.

use novagen_tests::Cloud;

const V: &str = "--os-compute-api-version";

/// The `marker=` of each request a `--debug` run logged (`-` for none).
fn markers(debug: &str) -> Vec<String> {
    debug
        .lines()
        .filter_map(|l| l.strip_prefix("REQ: curl -g -i -X GET "))
        .filter(|l| l.contains("/os-simple-tenant-usage"))
        .map(|l| {
            let url = l.split_whitespace().next().unwrap_or_default();
            url.split(['?', '&'])
                .find_map(|p| p.strip_prefix("marker="))
                .unwrap_or("-")
                .to_string()
        })
        .collect()
}

/// The cells of a table's rows (not its titles), by `|`.
fn rows(out: &str) -> Vec<Vec<String>> {
    out.lines()
        .filter(|l| l.starts_with('|'))
        .skip(1)
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// A number of hours as novaclient prints it (`%.2f`).
fn is_hours(cell: &str) -> bool {
    cell.split_once('.').is_some_and(|(whole, decimals)| {
        whole.parse::<u64>().is_ok()
            && decimals.len() == 2
            && decimals.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Three servers of the one project, one server a page (nova-sim has one project: the merge of
/// several tenants' rows is `runtime::call`'s unit test `pages_merge_by_key`).
fn three_servers() -> (Cloud, Vec<String>, String) {
    let cloud = Cloud::with_args(&["--max-limit", "1"]);
    let ids: Vec<String> = ["usage-a", "usage-b", "usage-c"]
        .iter()
        .map(|n| cloud.compute().boot(n))
        .collect();
    let (s, b) = cloud.api(
        "GET",
        &format!("/compute/v2.1/servers/{}", ids[0]),
        "2.1",
        None,
    );
    assert_eq!(s, 200, "{b}");
    let tenant = b["server"]["tenant_id"]
        .as_str()
        .expect("tenant")
        .to_string();
    (cloud, ids, tenant)
}

#[test]
fn usage_list_merges_the_pages_per_tenant_from_2_40() {
    let (cloud, ids, tenant) = three_servers();
    let dates = ["--start", "2020-01-01", "--end", "2099-12-31"];
    let run = cloud.nova(&[&[V, "2.40", "--debug", "usage-list"][..], &dates].concat());
    // A page per server, then the page after the last one, which has none.
    let mut asked = vec!["-".to_string()];
    asked.extend(ids.iter().cloned());
    assert_eq!(markers(&run.stderr), asked, "{}", run.stderr);
    let out = run.ok();
    assert_eq!(
        out.lines().next(),
        Some("Usage from 2020-01-01 to 2099-12-31:")
    );
    let got = rows(out);
    assert_eq!(got.len(), 1, "one row per tenant:\n{out}");
    assert_eq!((&got[0][0], got[0][1].as_str()), (&tenant, "3"), "{out}");
    assert!(got[0][2..].iter().all(|c| is_hours(c)), "{out}");

    // Before 2.40 nova does not page: one request, the same rows.
    let run = cloud.nova(&[&[V, "2.39", "--debug", "usage-list"][..], &dates].concat());
    assert_eq!(markers(&run.stderr), ["-"], "{}", run.stderr);
    let servers: Vec<(String, String)> = rows(run.ok())
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    assert_eq!(servers, [(tenant, "3".to_string())]);
}

#[test]
fn usage_of_one_tenant_merges_its_pages_and_says_none_without_usage() {
    let (cloud, ids, admin) = three_servers();
    let dates = ["--start", "2020-01-01", "--end", "2099-12-31"];
    // The session's project by default; its servers a page each, then the empty page.
    let run = cloud.nova(&[&[V, "2.40", "--debug", "usage"][..], &dates].concat());
    assert!(
        run.stderr
            .contains(&format!("/os-simple-tenant-usage/{admin}?start=2020-01-01T00%3A00%3A00&end=2099-12-31T00%3A00%3A00 ")),
        "{}",
        run.stderr
    );
    assert_eq!(
        markers(&run.stderr),
        ["-", ids[0].as_str(), ids[1].as_str(), ids[2].as_str()],
        "{}",
        run.stderr
    );
    let out = run.ok();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6, "{out}");
    assert_eq!(lines[0], "Usage from 2020-01-01 to 2099-12-31:");
    let titles: Vec<&str> = lines[2]
        .trim_matches('|')
        .split('|')
        .map(str::trim)
        .collect();
    assert_eq!(
        titles,
        ["Servers", "RAM MiB-Hours", "CPU Hours", "Disk GiB-Hours"]
    );
    let row = &rows(out)[0];
    assert_eq!(row[0], "3", "{out}");
    assert!(row[1..].iter().all(|c| is_hours(c)), "{out}");

    let run = cloud.nova(&[&[V, "2.1", "usage", "--tenant", &admin][..], &dates].concat());
    assert_eq!(rows(run.ok())[0][0], "3");
    for v in ["2.1", "2.40"] {
        let run = cloud.nova(&[&[V, v, "usage", "--tenant", "nobody"][..], &dates].concat());
        assert_eq!(
            run.ok(),
            "Usage from 2020-01-01 to 2099-12-31:\nNone\n",
            "at {v}"
        );
    }
    // Dates as Python's strptime reads them, with its error.
    let bad = cloud.nova(&["usage", "--start", "2020-02-30"]);
    assert_eq!(
        (bad.code, bad.stderr.as_str()),
        (1, "ERROR (ValueError): day is out of range for month\n")
    );
}

#[test]
fn version_list_reads_the_root_of_the_compute_endpoint() {
    let cloud = Cloud::start();
    let run = cloud.nova(&["--debug", "version-list"]);
    // The catalog's endpoint is `<url>/compute/v2.1`: its root is `<url>/compute`, as asked by
    // novaclient (no slash added).
    let asked: Vec<&str> = run
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("REQ: curl -g -i -X GET "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        asked.last().copied(),
        Some(format!("{}/compute", cloud.url).as_str()),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.ok(),
        "Client supported API versions:
Minimum version 2.1
Maximum version 2.96

Server supported API versions:
+------+------------+----------------------+-------------+---------+
| Id   | Status     | Updated              | Min Version | Version |
+------+------------+----------------------+-------------+---------+
| v2.0 | DEPRECATED | 2025-07-04T12:00:00Z |             |         |
| v2.1 | CURRENT    | 2013-07-23T11:33:21Z | 2.1         | 2.104   |
+------+------------+----------------------+-------------+---------+
"
    );
}

/// `type: datetime`: novaclient's check (oslo's `parse_isotime`) before any request of the
/// listing, with its message; what it accepts is sent as typed; an empty value is not checked.
#[test]
fn instance_action_list_checks_its_times_as_novaclient() {
    let cloud = Cloud::start();
    let id = cloud.compute().boot("acted");
    for (option, value) in [
        ("--changes-since", "not a time"),
        ("--changes-since", "2016-13-01"),
        ("--changes-before", "2016-03-04T24:00:00"),
        ("--changes-before", "201603"),
    ] {
        let run = cloud.nova(&[
            V,
            "2.66",
            "--debug",
            "instance-action-list",
            &id,
            option,
            value,
        ]);
        assert_eq!(
            (run.code, run.stderr.lines().last().unwrap_or_default()),
            (
                1,
                format!(
                    "ERROR (CommandError): Invalid {} value: {value}",
                    &option[2..]
                )
                .as_str()
            ),
            "{}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("os-instance-actions"),
            "{}",
            run.stderr
        );
    }
    for value in ["2016-03-04T06:27:59Z", "2016-03-04T06:27:59+05:30", ""] {
        let run = cloud.nova(&[
            V,
            "2.66",
            "--debug",
            "instance-action-list",
            &id,
            "--changes-since",
            value,
        ]);
        run.ok();
        let sent = if value.is_empty() {
            String::new()
        } else {
            format!(
                "?changes-since={}",
                value.replace(':', "%3A").replace('+', "%2B")
            )
        };
        assert!(
            run.stderr.contains(&format!("/os-instance-actions{sent} ")),
            "{}",
            run.stderr
        );
    }
}
