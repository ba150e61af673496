//! Server groups (`spec/server-groups.yaml`), reset-state and interface-attach as the built
//! `nova` runs them against `nova-sim`: whole outputs in novaclient's format (the group table's
//! columns by microversion, lists and objects as Python's `str()`; a line per value of a
//! many-valued command, succeeded or failed, and when the command fails), the bodies sent.

use novagen_tests::Cloud;
use serde_json::{json, Value};

const V: &str = "--os-compute-api-version";

/// A prettytable as novaclient prints it (left-aligned, one space of padding).
fn table(titles: &[&str], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = titles
        .iter()
        .enumerate()
        .map(|(i, t)| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([t.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let rule: String = widths
        .iter()
        .map(|w| format!("+{}", "-".repeat(w + 2)))
        .collect::<String>()
        + "+\n";
    let row = |items: Vec<String>| -> String {
        items
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("| {c}{} ", " ".repeat(w - c.chars().count())))
            .collect::<String>()
            + "|\n"
    };
    let titles = titles.iter().map(|t| t.to_string()).collect();
    let body: String = rows.iter().cloned().map(row).collect();
    format!("{rule}{}{rule}{body}{rule}", row(titles))
}

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// The URLs a `--debug` run asked for, with their queries.
fn urls(debug: &str) -> Vec<String> {
    debug
        .lines()
        .filter_map(|l| l.strip_prefix("REQ: curl -g -i -X "))
        .filter_map(|l| l.split_whitespace().nth(1).map(str::to_string))
        .collect()
}

/// The request bodies a `--debug` run sent, in order.
fn bodies(debug: &str) -> Vec<Value> {
    debug
        .lines()
        .filter(|l| l.starts_with("REQ: ") && !l.contains("/auth/tokens"))
        .filter_map(|l| l.split_once(" -d '"))
        .filter_map(|(_, b)| serde_json::from_str(b.trim_end_matches('\'')).ok())
        .collect()
}

#[test]
fn server_group_commands_print_novaclients_tables() {
    let cloud = Cloud::start();
    // From 2.64: policy and rules, max_server_per_host sent as an integer.
    let run = cloud.nova(&[
        "--debug",
        "server-group-create",
        "g1",
        "anti-affinity",
        "--rule",
        "max_server_per_host=2",
    ]);
    assert_eq!(
        bodies(&run.stderr),
        [
            json!({"server_group": {"name": "g1", "policy": "anti-affinity", "rules": {"max_server_per_host": 2}}})
        ]
    );
    let (_, b) = cloud.api("GET", "/compute/v2.1/os-server-groups", "2.64", None);
    let g1 = &b["server_groups"][0];
    let id1 = g1["id"].as_str().expect("an ID").to_string();
    let project = g1["project_id"].as_str().expect("a project").to_string();
    let user = g1["user_id"].as_str().expect("a user").to_string();
    let new_titles = [
        "Id",
        "Name",
        "Project Id",
        "User Id",
        "Policy",
        "Rules",
        "Members",
    ];
    let row1 = strings(&[
        &id1,
        "g1",
        &project,
        &user,
        "anti-affinity",
        "{'max_server_per_host': 2}",
        "[]",
    ]);
    assert_eq!(run.ok(), table(&new_titles, std::slice::from_ref(&row1)));
    // Before 2.64: policies, a list of one, and an empty metadata; no rules sent.
    let run = cloud.nova(&[V, "2.1", "--debug", "server-group-create", "g2", "affinity"]);
    assert_eq!(
        bodies(&run.stderr),
        [json!({"server_group": {"name": "g2", "policies": ["affinity"]}})]
    );
    let out = run.ok().to_string();
    let id2 = out
        .lines()
        .nth(3)
        .and_then(|l| l.split_whitespace().nth(1))
        .expect("the new group's row")
        .to_string();
    let old_titles = ["Id", "Name", "Policies", "Members", "Metadata"];
    let row2 = strings(&[&id2, "g2", "['affinity']", "[]", "{}"]);
    assert_eq!(out, table(&old_titles, std::slice::from_ref(&row2)));
    // From 2.64 without a rule: none sent.
    let run = cloud.nova(&["--debug", "server-group-create", "g3", "affinity"]);
    assert_eq!(
        bodies(&run.stderr),
        [json!({"server_group": {"name": "g3", "policy": "affinity"}})]
    );
    let id3 = run
        .ok()
        .lines()
        .nth(3)
        .and_then(|l| l.split_whitespace().nth(1))
        .expect("the new group's row")
        .to_string();
    // The list in nova's order, by microversion; 2.13 adds the owner.
    let row3 = strings(&[&id3, "g3", &project, &user, "affinity", "{}", "[]"]);
    assert_eq!(
        cloud.nova(&["server-group-list"]).ok(),
        table(
            &new_titles,
            &[
                row1.clone(),
                strings(&[&id2, "g2", &project, &user, "affinity", "{}", "[]"]),
                row3.clone()
            ]
        )
    );
    assert_eq!(
        cloud
            .nova(&[
                V,
                "2.13",
                "server-group-list",
                "--limit",
                "1",
                "--offset",
                "2"
            ])
            .ok(),
        table(
            &[
                "Id",
                "Name",
                "Project Id",
                "User Id",
                "Policies",
                "Members",
                "Metadata"
            ],
            &[strings(&[
                &id3,
                "g3",
                &project,
                &user,
                "['affinity']",
                "[]",
                "{}"
            ])]
        )
    );
    // novaclient leaves out a limit or an offset of 0, and says all_projects=True.
    let run = cloud.nova(&[
        "--debug",
        "server-group-list",
        "--limit",
        "0",
        "--all-projects",
    ]);
    assert!(
        urls(&run.stderr)
            .iter()
            .any(|r| r.ends_with("/os-server-groups?all_projects=True")),
        "{}",
        run.stderr
    );
    assert_eq!(
        cloud.nova(&["server-group-get", &id1]).ok(),
        table(&new_titles, &[row1])
    );
    assert_eq!(
        cloud.nova(&[V, "2.1", "server-group-get", &id2]).ok(),
        table(&old_titles, &[row2])
    );
    let missing = cloud.nova(&["server-group-get", "nosuch"]);
    missing.fails(
        1,
        "ERROR (NotFound): Instance group nosuch could not be found. (HTTP 404)",
    );
}

#[test]
fn server_group_delete_says_each_and_fails_only_when_all_failed() {
    let cloud = Cloud::start();
    let id_of = |name: &str| {
        let out = cloud.nova(&[
            "--format",
            "value",
            "-c",
            "Id",
            "server-group-create",
            name,
            "affinity",
        ]);
        out.ok().trim().to_string()
    };
    let (a, b) = (id_of("a"), id_of("b"));
    // One gone, one missing: a line each, success.
    let run = cloud.nova(&["server-group-delete", &a, "nosuch"]);
    let out = run.ok();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(
        lines[0],
        format!("Server group {a} has been successfully deleted.")
    );
    assert!(
        lines[1].starts_with(
            "Delete for server group nosuch failed: Instance group nosuch could not be found. (HTTP 404) (Request-ID: req-"
        ),
        "{out}"
    );
    // Every one failed: the lines, then the error.
    let run = cloud.nova(&["server-group-delete", &a, "nosuch"]);
    run.fails(
        1,
        "ERROR (CommandError): Unable to delete any of the specified server groups.",
    );
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
    assert!(run.stdout.starts_with(&format!(
        "Delete for server group {a} failed: Instance group {a} could not be found. (HTTP 404)"
    )));
    // Scripts: nothing on standard output, the failed line on standard error.
    let run = cloud.nova(&["--format", "json", "server-group-delete", &b, "nosuch"]);
    assert_eq!(run.ok(), "{}\n");
    assert!(
        run.stderr
            .contains("Delete for server group nosuch failed: "),
        "{}",
        run.stderr
    );
}

#[test]
fn reset_state_says_each_and_fails_when_any_failed() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let id = api.boot_active("vm");
    let run = cloud.nova(&["--debug", "reset-state", "vm"]);
    assert_eq!(
        bodies(&run.stderr),
        [json!({"os-resetState": {"state": "error"}})]
    );
    assert_eq!(
        run.ok(),
        "Reset state for server vm succeeded; new state is error\n"
    );
    let (_, b) = api.call("2.1", "GET", &format!("/servers/{id}"), None);
    assert_eq!(b["server"]["status"], "ERROR");
    // A missing server: its line, the others still run, and the command fails.
    let run = cloud.nova(&["reset-state", "--active", "nosuch", &id]);
    run.fails(
        1,
        "ERROR (CommandError): Unable to reset the state for the specified server(s).",
    );
    assert_eq!(
        run.stdout,
        format!("Reset state for server nosuch failed: No server with a name or ID of 'nosuch' exists.\nReset state for server {id} succeeded; new state is active\n")
    );
    let (_, b) = api.call("2.1", "GET", &format!("/servers/{id}"), None);
    assert_eq!(b["server"]["status"], "ACTIVE");
    // --all-tenants: the name search asks for every project's servers.
    let run = cloud.nova(&["--debug", "reset-state", "--all-tenants", "vm"]);
    run.ok();
    assert!(
        urls(&run.stderr)
            .iter()
            .any(|r| r.contains("/servers/detail?") && r.contains("all_tenants=1")),
        "{}",
        run.stderr
    );
}

#[test]
fn interface_attach_shows_the_fixed_ips_as_ip_address() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let id = api.boot_active("vm");
    let net = "3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f";
    let run = cloud.nova(&[
        "--debug",
        "interface-attach",
        "vm",
        "--net-id",
        net,
        "--fixed-ip",
        "10.0.0.77",
    ]);
    assert_eq!(
        bodies(&run.stderr),
        [
            json!({"interfaceAttachment": {"net_id": net, "fixed_ips": [{"ip_address": "10.0.0.77"}]}})
        ]
    );
    let (_, b) = api.call("2.70", "GET", &format!("/servers/{id}/os-interface"), None);
    let port = b["interfaceAttachments"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["fixed_ips"][0]["ip_address"] == "10.0.0.77")
        .expect("the new port")
        .clone();
    let cell = |k: &str| port[k].as_str().unwrap_or_default().to_string();
    let props = |tag: &str| {
        table(
            &["Property", "Value"],
            &[
                strings(&["ip_address", "10.0.0.77"]),
                strings(&["mac_addr", &cell("mac_addr")]),
                strings(&["net_id", net]),
                strings(&["port_id", &cell("port_id")]),
                strings(&["port_state", "ACTIVE"]),
                strings(&["tag", tag]),
            ],
        )
    };
    assert_eq!(run.ok(), props("-"));
    // Nothing given: an empty attachment, as novaclient sends it; --tag from 2.49.
    let run = cloud.nova(&["--debug", "interface-attach", "vm", "--tag", "t1"]);
    assert_eq!(
        bodies(&run.stderr),
        [json!({"interfaceAttachment": {"tag": "t1"}})]
    );
    run.ok();
    let run = cloud.nova(&[V, "2.48", "interface-attach", "vm", "--tag", "t1"]);
    assert_ne!(run.code, 0);
    let run = cloud.nova(&["--debug", V, "2.1", "interface-attach", "vm"]);
    assert_eq!(bodies(&run.stderr), [json!({"interfaceAttachment": {}})]);
    run.ok();
}

/// Python's repr of a JSON scalar (a text in single quotes, null as None).
fn py(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    }
}

/// The cells of a `Property | Value` table, one (property, value) per line.
fn cells(out: &str) -> Vec<(String, String)> {
    out.lines()
        .filter(|l| l.starts_with("| "))
        .skip(1)
        .filter_map(|l| {
            let mut it = l.split(" | ");
            let k = it.next()?.trim_start_matches("| ").trim_end().to_string();
            let v = it.next()?.trim_end_matches('|').trim_end().to_string();
            Some((k, v))
        })
        .collect()
}

#[test]
fn instance_action_shows_the_events_as_pythons_pprint() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let id = api.boot_active("vm");
    let (_, b) = api.call(
        "2.1",
        "GET",
        &format!("/servers/{id}/os-instance-actions"),
        None,
    );
    let req = b["instanceActions"][0]["request_id"]
        .as_str()
        .expect("the create action")
        .to_string();
    // 2.51: an event's keys (event, finish_time, result, start_time, traceback) one a line,
    // sorted, as pprint.pformat lays out a list of dicts longer than 80 characters.
    let (_, b) = api.call(
        "2.51",
        "GET",
        &format!("/servers/{id}/os-instance-actions/{req}"),
        None,
    );
    let action = &b["instanceAction"];
    let events = action["events"].as_array().cloned().unwrap_or_default();
    assert!(!events.is_empty(), "{b}");
    let keys = ["event", "finish_time", "result", "start_time", "traceback"];
    let mut want = Vec::new();
    for (j, event) in events.iter().enumerate() {
        for (i, k) in keys.iter().enumerate() {
            let open = match (j, i) {
                (0, 0) => "[{",
                (_, 0) => " {",
                _ => "  ",
            };
            let close = match (j + 1 == events.len(), i + 1 == keys.len()) {
                (true, true) => "}]",
                (false, true) => "},",
                _ => ",",
            };
            want.push(format!("{open}'{k}': {}{close}", py(&event[*k])));
        }
    }
    let run = cloud.nova(&[V, "2.51", "instance-action", "vm", &req]);
    let got = cells(run.ok());
    let events: Vec<String> = got
        .iter()
        .skip_while(|(k, _)| k != "events")
        .take_while(|(k, _)| k == "events" || k.is_empty())
        .map(|(_, v)| v.clone())
        .collect();
    assert_eq!(events, want, "{}", run.stdout);
    assert!(got.contains(&("action".into(), "create".into())), "{got:?}");
    assert!(got.contains(&("request_id".into(), req.clone())), "{got:?}");
    // From 2.62 the host and hostId too, sorted among the others (details from 2.84).
    let run = cloud.nova(&[V, "2.62", "instance-action", &id, &req]);
    let events: Vec<String> = cells(run.ok())
        .into_iter()
        .skip_while(|(k, _)| k != "events")
        .take_while(|(k, _)| k == "events" || k.is_empty())
        .map(|(_, v)| v)
        .collect();
    assert!(
        events.first().is_some_and(|l| l.starts_with("[{'event': ")),
        "{events:?}"
    );
    assert!(
        events.iter().any(|l| l.starts_with("  'host': ")),
        "{events:?}"
    );
    assert!(
        events.iter().any(|l| l.starts_with("  'hostId': ")),
        "{events:?}"
    );
    // A UUID of no server: from 2.21 used as the ID (nova's 404 for the instance), before the
    // lookup's error.
    let gone = "01234567-89ab-cdef-0123-456789abcdef";
    cloud
        .nova(&[V, "2.21", "instance-action", gone, &req])
        .fails(
            1,
            &format!("ERROR (NotFound): Instance {gone} could not be found. (HTTP 404)"),
        );
    cloud
        .nova(&[V, "2.20", "instance-action", gone, &req])
        .fails(
            1,
            &format!("ERROR (CommandError): No server with a name or ID of '{gone}' exists."),
        );
}

#[test]
fn instance_action_list_is_sorted_by_start_time() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let id = api.boot_active("vm");
    let (s, _) = api.call(
        "2.1",
        "POST",
        &format!("/servers/{id}/action"),
        Some(json!({"reboot": {"type": "SOFT"}})),
    );
    assert_eq!(s, 202);
    let (_, b) = api.call(
        "2.58",
        "GET",
        &format!("/servers/{id}/os-instance-actions"),
        None,
    );
    let mut actions = b["instanceActions"].as_array().cloned().unwrap_or_default();
    assert_eq!(actions.len(), 2, "{b}");
    // nova lists the newest first; novaclient sorts by Start_Time.
    actions.sort_by_key(|a| a["start_time"].as_str().unwrap_or_default().to_string());
    let cell = |a: &Value, k: &str| a[k].as_str().unwrap_or("-").to_string();
    let rows = |updated: bool| -> Vec<Vec<String>> {
        actions
            .iter()
            .map(|a| {
                let mut r = vec![
                    cell(a, "action"),
                    cell(a, "request_id"),
                    cell(a, "message"),
                    cell(a, "start_time"),
                ];
                if updated {
                    r.push(cell(a, "updated_at"));
                }
                r
            })
            .collect()
    };
    let titles = [
        "Action",
        "Request_ID",
        "Message",
        "Start_Time",
        "Updated_At",
    ];
    assert_eq!(
        cloud.nova(&["instance-action-list", "vm"]).ok(),
        table(&titles, &rows(true))
    );
    assert_eq!(
        cloud.nova(&[V, "2.57", "instance-action-list", &id]).ok(),
        table(&titles[..4], &rows(false))
    );
    // The query: only what is given, as novaclient sends it.
    let run = cloud.nova(&[
        "--debug",
        "instance-action-list",
        "vm",
        "--limit",
        "1",
        "--changes-since",
        "2020-01-01T00:00:00Z",
    ]);
    run.ok();
    assert!(
        urls(&run.stderr)
            .iter()
            .any(|u| u
                .ends_with("/os-instance-actions?limit=1&changes-since=2020-01-01T00%3A00%3A00Z")),
        "{}",
        run.stderr
    );
    // --limit from 2.58, --changes-before from 2.66.
    assert_ne!(
        cloud
            .nova(&[V, "2.57", "instance-action-list", "vm", "--limit", "1"])
            .code,
        0
    );
    assert_ne!(
        cloud
            .nova(&[
                V,
                "2.65",
                "instance-action-list",
                "vm",
                "--changes-before",
                "2020-01-01"
            ])
            .code,
        0
    );
}
