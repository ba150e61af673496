//! Wrapped and flattened details (`wrap:` as an argument, `format: flatten` / `pformat`):
//! hypervisor-show, show --wrap and instance-usage-audit-log as the built `nova` runs them
//! against `nova-sim`, in novaclient 18.13.1's words: its `flatten_dict` (JSON texts
//! decoded, nested keys joined with `_`), `textwrap.fill` at the width given (`None` for a
//! null then), `pprint.pformat` of the hosts not run, and the lookups and errors.

use novagen_tests::Cloud;

const V: &str = "--os-compute-api-version";

/// A hypervisor before 2.28 (cpu_info a JSON text), found by name, wrapped at 12.
const HYPERVISOR_AT_12: &str = "+---------------------------+------------+\n| Property                  | Value      |\n+---------------------------+------------+\n| cpu_info_arch             | x86_64     |\n| cpu_info_features         | [\"pge\",    |\n|                           | \"clflush\"] |\n| cpu_info_model            | Nehalem    |\n| cpu_info_topology_cores   | 1          |\n| cpu_info_topology_sockets | 4          |\n| cpu_info_topology_threads | 1          |\n| cpu_info_vendor           | Intel      |\n| current_workload          | 0          |\n| disk_available_least      | 0          |\n| free_disk_gb              | 1028       |\n| free_ram_mb               | 7680       |\n| host_ip                   | 192.0.2.2  |\n| hypervisor_hostname       | fake-mini  |\n| hypervisor_type           | fake       |\n| hypervisor_version        | 1000       |\n| id                        | 1          |\n| local_gb                  | 1028       |\n| local_gb_used             | 0          |\n| memory_mb                 | 8192       |\n| memory_mb_used            | 512        |\n| running_vms               | 0          |\n| service_disabled_reason   | None       |\n| service_host              | compute    |\n| service_id                | 3          |\n| state                     | up         |\n| status                    | enabled    |\n| vcpus                     | 2          |\n| vcpus_used                | 0          |\n+---------------------------+------------+\n";

#[test]
fn hypervisor_show_flattens_and_wraps() {
    let cloud = Cloud::start();
    assert_eq!(
        cloud
            .nova(&[V, "2.27", "hypervisor-show", "fake-mini", "--wrap", "12"])
            .ok(),
        HYPERVISOR_AT_12
    );
    // By ID, the default width (40): a null is wrapped as Python's str() writes it.
    let by_id = cloud.nova(&[V, "2.52", "hypervisor-show", "1"]);
    assert!(
        by_id
            .ok()
            .contains("| service_disabled_reason   | None               |\n"),
        "{}",
        by_id.ok()
    );
    assert!(
        by_id.ok().contains("| cpu_info_topology_cores   | 1 "),
        "{}",
        by_id.ok()
    );
    // --wrap 0: no wrapping, a null is `-`.
    let plain = cloud.nova(&[V, "2.52", "hypervisor-show", "1", "--wrap", "0"]);
    assert!(
        plain
            .ok()
            .contains("| service_disabled_reason   | -                  |\n"),
        "{}",
        plain.ok()
    );
    assert!(
        plain
            .ok()
            .contains("| cpu_info_features         | [\"pge\", \"clflush\"] |\n"),
        "{}",
        plain.ok()
    );
    // No hypervisor of that name: novaclient's words.
    let missing = cloud.nova(&[V, "2.52", "hypervisor-show", "nope"]);
    assert_eq!(missing.code, 1);
    assert_eq!(
        missing.stderr,
        "ERROR (CommandError): No hypervisor with a name or ID of 'nope' exists.\n"
    );
    // From 2.53 the ID is a UUID: a name is sent as an ID first and nova's 400 ends it.
    let by_name = cloud.nova(&["hypervisor-show", "fake-mini"]);
    assert_eq!(by_name.code, 1);
    assert!(
        by_name
            .stderr
            .starts_with("ERROR (BadRequest): Invalid uuid fake-mini (HTTP 400)"),
        "{}",
        by_name.stderr
    );
}

/// The lines of a details table's value for `key`, first and continued.
fn value_lines(table: &str, key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in table.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let [_, k, v, _] = cells.as_slice() else {
            continue;
        };
        if *k == key {
            inside = true;
        } else if !k.is_empty() {
            inside = false;
        }
        if inside {
            out.push(v.to_string());
        }
    }
    out
}

#[test]
fn show_wraps_at_the_width_given() {
    let cloud = Cloud::start();
    let boot = cloud.nova(&[
        "boot",
        "wrapped-server",
        "--flavor",
        "m1.tiny",
        "--image",
        "cirros-0.6.2-x86_64-disk",
        "--poll",
    ]);
    let id = value_lines(boot.ok(), "id").concat();
    assert_eq!(id.len(), 36, "{}", boot.ok());
    // Default 0: one line per value.
    let plain = cloud.nova(&["show", "wrapped-server"]);
    assert_eq!(value_lines(plain.ok(), "id"), std::slice::from_ref(&id));
    assert_eq!(value_lines(plain.ok(), "name"), ["wrapped-server"]);
    // --wrap 10: no value line is longer, and the pieces are the value.
    let wrapped = cloud.nova(&["show", "wrapped-server", "--wrap", "10"]);
    let lines = value_lines(wrapped.ok(), "id");
    assert!(lines.len() >= 4, "{}", wrapped.ok());
    assert!(lines.iter().all(|l| l.chars().count() <= 10), "{lines:?}");
    assert_eq!(lines.concat(), id);
    // A hyphen between letters is a place to break (textwrap's break_on_hyphens).
    assert_eq!(value_lines(wrapped.ok(), "name"), ["wrapped-", "server"]);
    // A text that is no number is refused, as argparse's type=int does.
    let bad = cloud.nova(&["show", "wrapped-server", "--wrap", "wide"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

/// nova-sim's audit log of the period before 2015-08-27 09:49:58.
const AUDIT_BEFORE: &str = "\
+-------------------+------------------------------+
| Property          | Value                        |
+-------------------+------------------------------+
| hosts_not_run     | ['compute', 'compute2']      |
| log               | {}                           |
| num_hosts         | 2                            |
| num_hosts_done    | 0                            |
| num_hosts_not_run | 2                            |
| num_hosts_running | 0                            |
| overall_status    | 0 of 2 hosts done. 0 errors. |
| period_beginning  | 2015-07-01 00:00:00          |
| period_ending     | 2015-08-01 00:00:00          |
| total_errors      | 0                            |
| total_instances   | 0                            |
+-------------------+------------------------------+
";

#[test]
fn instance_usage_audit_log_before_a_time_and_now() {
    let cloud = Cloud::start();
    let before = cloud.nova(&[
        "--debug",
        "instance-usage-audit-log",
        "--before",
        "2015-08-27 09:49:58",
    ]);
    assert_eq!(before.ok(), AUDIT_BEFORE);
    // The time is one path segment, %-quoted as novaclient's parse.quote(safe='').
    assert!(
        before
            .stderr
            .contains("/os-instance_usage_audit_log/2015-08-27%2009%3A49%3A58 "),
        "{}",
        before.stderr
    );
    // Without --before: the current period (the list key), hosts_not_run as pformat.
    let now = cloud.nova(&["instance-usage-audit-log"]);
    assert!(
        now.ok()
            .contains("| hosts_not_run     | ['compute', 'compute2']      |\n"),
        "{}",
        now.ok()
    );
    // json: the show rule holds there too (as every show rule does).
    let json = cloud.nova(&["instance-usage-audit-log", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(json.ok()).expect("json");
    assert_eq!(v["hosts_not_run"], "['compute', 'compute2']");
}
