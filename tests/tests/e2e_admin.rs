//! The administrator's commands (flavor management, services, quotas, hypervisors) as the built
//! `nova` runs them against `nova-sim`, comparing whole outputs with what python-novaclient
//! prints; plus nova's api-samples decoded by the types these spec entries generate.

use novaclient::types::{Hypervisor, QuotaSet, Service};
use novaclient::Record;
use novagen_tests::{samples, Cloud};
use serde_json::Value;

const V: &str = "--os-compute-api-version";

/// One field of every item of a list the cloud returns, at a microversion.
fn listed(cloud: &Cloud, path: &str, key: &str, field: &str, version: &str) -> Vec<String> {
    let (status, body) = cloud.api("GET", &format!("/compute/v2.1{path}"), version, None);
    assert_eq!(status, 200, "{body}");
    body[key]
        .as_array()
        .expect("a list")
        .iter()
        .map(|item| match &item[field] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

const FLAVOR_HEADER_2_96: &str = "\
| ID | Name      | Memory_MiB | Disk | Ephemeral | Swap | VCPUs | RXTX_Factor | Is_Public | Description |";

#[test]
fn flavor_create_key_access_delete() {
    let cloud = Cloud::start();
    // Every option, is_public false sent as false.
    let private = cloud.nova(&[
        "flavor-create",
        "private",
        "10",
        "256",
        "2",
        "1",
        "--ephemeral",
        "3",
        "--swap",
        "64",
        "--rxtx-factor",
        "2",
        "--is-public",
        "false",
        "--description",
        "for one project",
    ]);
    assert_eq!(
        private.ok(),
        "\
+----+---------+------------+------+-----------+------+-------+-------------+-----------+-----------------+
| ID | Name    | Memory_MiB | Disk | Ephemeral | Swap | VCPUs | RXTX_Factor | Is_Public | Description     |
+----+---------+------------+------+-----------+------+-------+-------------+-----------+-----------------+
| 10 | private | 256        | 2    | 3         | 64   | 1     | 2.0         | False     | for one project |
+----+---------+------------+------+-----------+------+-------+-------------+-----------+-----------------+
"
    );
    let (_, shown) = cloud.api("GET", "/compute/v2.1/flavors/10", "2.96", None);
    assert_eq!(shown["flavor"]["os-flavor-access:is_public"], false);
    assert_eq!(shown["flavor"]["rxtx_factor"], 2.0);

    // 'auto': nova picks a UUID. Before 2.55 no Description, before 2.75 swap 0 is "".
    let auto = cloud.nova(&["flavor-create", "small", "auto", "128", "1", "1"]);
    let id = listed(&cloud, "/flavors/detail", "flavors", "id", "2.96")
        .into_iter()
        .find(|i| i.len() == 36)
        .expect("a UUID flavor ID");
    assert_eq!(
        auto.ok(),
        format!(
            "\
+--------------------------------------+-------+------------+------+-----------+------+-------+-------------+-----------+-------------+
| ID                                   | Name  | Memory_MiB | Disk | Ephemeral | Swap | VCPUs | RXTX_Factor | Is_Public | Description |
+--------------------------------------+-------+------------+------+-----------+------+-------+-------------+-----------+-------------+
| {id} | small | 128        | 1    | 0         | 0    | 1     | 1.0         | True      | -           |
+--------------------------------------+-------+------------+------+-----------+------+-------+-------------+-----------+-------------+
"
        )
    );
    assert_eq!(
        cloud
            .nova(&[V, "2.1", "flavor-create", "old", "11", "64", "1", "1"])
            .ok(),
        "\
+----+------+------------+------+-----------+------+-------+-------------+-----------+
| ID | Name | Memory_MiB | Disk | Ephemeral | Swap | VCPUs | RXTX_Factor | Is_Public |
+----+------+------------+------+-----------+------+-------+-------------+-----------+
| 11 | old  | 64         | 1    | 0         |      | 1     | 1.0         | True      |
+----+------+------------+------+-----------+------+-------+-------------+-----------+
"
    );
    let early = cloud.nova(&[
        V,
        "2.54",
        "flavor-create",
        "d",
        "12",
        "64",
        "1",
        "1",
        "--description",
        "x",
    ]);
    assert_eq!(early.code, 1);
    assert_eq!(
        early.stderr,
        "ERROR (CommandError): '--description' is only supported by API versions 2.55 - 2.latest (this session uses 2.54).\n"
    );
    let dup = cloud.nova(&["flavor-create", "private", "13", "64", "1", "1"]);
    assert_eq!(
        novagen_tests::mask_request_ids(&dup.stderr),
        "ERROR (Conflict): Flavor with name private already exists. (HTTP 409) (Request-ID: req-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx)\n"
    );

    // Extra specs: set prints nothing; the private flavor is found by name.
    assert_eq!(
        cloud
            .nova(&[
                "flavor-key",
                "private",
                "set",
                "hw:cpu_policy=dedicated",
                "a=1"
            ])
            .ok(),
        ""
    );
    // The value of the extra_specs row of flavor-show.
    let extra = |cloud: &Cloud| -> String {
        let show = cloud.nova(&["flavor-show", "private"]);
        show.ok()
            .lines()
            .find_map(|l| l.strip_prefix("| extra_specs "))
            .unwrap_or_default()
            .trim_matches(|c| c == ' ' || c == '|')
            .to_string()
    };
    assert_eq!(
        extra(&cloud),
        "{\"hw:cpu_policy\": \"dedicated\", \"a\": \"1\"}"
    );
    assert_eq!(
        cloud
            .nova(&["flavor-key", "private", "unset", "hw:cpu_policy"])
            .ok(),
        ""
    );
    assert_eq!(extra(&cloud), "{\"a\": \"1\"}");
    let bad_action = cloud.nova(&["flavor-key", "private", "drop", "a"]);
    assert_eq!(bad_action.code, 2, "{}", bad_action.stderr);

    // Access lists: a private flavor's (empty), none for a public one.
    assert_eq!(
        cloud
            .nova(&["flavor-access-list", "--flavor", "private"])
            .ok(),
        "\
+-----------+-----------+
| Flavor_ID | Tenant_ID |
+-----------+-----------+
+-----------+-----------+
"
    );
    // Refused on the client, before any request, as novaclient does.
    let public = cloud.nova(&["--debug", "flavor-access-list", "--flavor", "m1.tiny"]);
    assert_eq!(
        public.stderr.lines().last(),
        Some("ERROR (CommandError): Access list not available for public flavors.")
    );
    assert!(
        !public.stderr.contains("/os-flavor-access"),
        "{}",
        public.stderr
    );

    for f in ["private", "small", "11"] {
        assert_eq!(cloud.nova(&["flavor-delete", f]).ok(), "");
    }
    let gone = cloud.nova(&["flavor-delete", "private"]);
    assert_eq!(
        gone.stderr,
        "ERROR (CommandError): No flavor with a name or ID of 'private' exists.\n"
    );
    let list = cloud.nova(&["flavor-list"]);
    assert_eq!(list.ok().lines().nth(1), Some(FLAVOR_HEADER_2_96));
    assert_eq!(
        list.ok().lines().count(),
        9,
        "the five default flavors are left"
    );
}

/// `Id, Binary, Host, Zone, Status, State, Updated_at, Disabled Reason` (+`Forced down`) rows.
struct ServiceRow {
    id: String,
    updated: String,
}

fn services(cloud: &Cloud, version: &str) -> Vec<ServiceRow> {
    let ids = listed(cloud, "/os-services", "services", "id", version);
    let updated = listed(cloud, "/os-services", "services", "updated_at", version);
    ids.into_iter()
        .zip(updated)
        .map(|(id, updated)| ServiceRow { id, updated })
        .collect()
}

#[test]
fn services_list_enable_disable_force_down() {
    let cloud = Cloud::start();
    let s = services(&cloud, "2.96");
    let (c, s1, s2, s3) = (&s[0], &s[1], &s[2], &s[3]);
    assert_eq!(
        cloud.nova(&["service-list"]).ok(),
        format!(
            "\
+--------------------------------------+----------------+-----------+----------+---------+-------+----------------------------+-----------------+-------------+
| Id                                   | Binary         | Host      | Zone     | Status  | State | Updated_at                 | Disabled Reason | Forced down |
+--------------------------------------+----------------+-----------+----------+---------+-------+----------------------------+-----------------+-------------+
| {} | nova-conductor | conductor | internal | enabled | up    | {} | -               | False       |
| {} | nova-scheduler | scheduler | internal | enabled | up    | {} | -               | False       |
| {} | nova-compute   | compute   | nova     | enabled | up    | {} | -               | False       |
| {} | nova-compute   | compute2  | nova     | enabled | up    | {} | -               | False       |
+--------------------------------------+----------------+-----------+----------+---------+-------+----------------------------+-----------------+-------------+
",
            c.id, c.updated, s1.id, s1.updated, s2.id, s2.updated, s3.id, s3.updated
        )
    );

    // Until 2.52 a service is its host (binary nova-compute); integer IDs, no Forced down
    // before 2.11.
    let old = |args: &[&str]| {
        let mut a = vec![V, "2.52"];
        a.extend_from_slice(args);
        cloud.nova(&a).ok().to_string()
    };
    assert_eq!(
        old(&["service-disable", "compute"]),
        "\
+---------+--------------+----------+
| Host    | Binary       | Status   |
+---------+--------------+----------+
| compute | nova-compute | disabled |
+---------+--------------+----------+
"
    );
    assert_eq!(
        old(&["service-disable", "compute", "--reason", "too hot"]),
        "\
+---------+--------------+----------+-----------------+
| Host    | Binary       | Status   | Disabled Reason |
+---------+--------------+----------+-----------------+
| compute | nova-compute | disabled | too hot         |
+---------+--------------+----------+-----------------+
"
    );
    let at_2_10 = cloud.nova(&[V, "2.10", "service-list", "--host", "compute"]);
    let updated = &services(&cloud, "2.10")[2].updated;
    assert_eq!(
        at_2_10.ok(),
        format!(
            "\
+----+--------------+---------+------+----------+-------+----------------------------+-----------------+
| Id | Binary       | Host    | Zone | Status   | State | Updated_at                 | Disabled Reason |
+----+--------------+---------+------+----------+-------+----------------------------+-----------------+
| 3  | nova-compute | compute | nova | disabled | up    | {updated} | too hot         |
+----+--------------+---------+------+----------+-------+----------------------------+-----------------+
"
        )
    );
    assert_eq!(
        old(&["service-enable", "compute"]),
        "\
+---------+--------------+---------+
| Host    | Binary       | Status  |
+---------+--------------+---------+
| compute | nova-compute | enabled |
+---------+--------------+---------+
"
    );
    assert_eq!(
        old(&["service-force-down", "compute2"]),
        "\
+----------+--------------+-------------+
| Host     | Binary       | Forced down |
+----------+--------------+-------------+
| compute2 | nova-compute | True        |
+----------+--------------+-------------+
"
    );
    assert_eq!(
        old(&["service-force-down", "--unset", "compute2"]),
        "\
+----------+--------------+-------------+
| Host     | Binary       | Forced down |
+----------+--------------+-------------+
| compute2 | nova-compute | False       |
+----------+--------------+-------------+
"
    );
    let too_early = cloud.nova(&[V, "2.10", "service-force-down", "compute"]);
    assert_eq!(
        too_early.stderr,
        "ERROR (CommandError): 'service-force-down' is only supported by API versions 2.11 - 2.latest (this session uses 2.10).\n"
    );

    // From 2.53 by UUID, with an ID column.
    let id = &s2.id;
    let table =
        |cols: &str, rule: &str, row: &str| format!("{rule}\n{cols}\n{rule}\n{row}\n{rule}\n");
    assert_eq!(
        cloud.nova(&["service-disable", id]).ok(),
        table(
            "| ID                                   | Host    | Binary       | Status   |",
            "+--------------------------------------+---------+--------------+----------+",
            &format!("| {id} | compute | nova-compute | disabled |")
        )
    );
    assert_eq!(
        cloud
            .nova(&["service-disable", id, "--reason", "maintenance"])
            .ok(),
        table(
            "| ID                                   | Host    | Binary       | Status   | Disabled Reason |",
            "+--------------------------------------+---------+--------------+----------+-----------------+",
            &format!("| {id} | compute | nova-compute | disabled | maintenance     |")
        )
    );
    assert_eq!(
        cloud.nova(&["service-enable", id]).ok(),
        table(
            "| ID                                   | Host    | Binary       | Status  |",
            "+--------------------------------------+---------+--------------+---------+",
            &format!("| {id} | compute | nova-compute | enabled |")
        )
    );
    assert_eq!(
        cloud.nova(&["service-force-down", id]).ok(),
        table(
            "| ID                                   | Host    | Binary       | Forced down |",
            "+--------------------------------------+---------+--------------+-------------+",
            &format!("| {id} | compute | nova-compute | True        |")
        )
    );
    assert_eq!(
        cloud.nova(&["service-force-down", "--unset", id]).ok(),
        table(
            "| ID                                   | Host    | Binary       | Forced down |",
            "+--------------------------------------+---------+--------------+-------------+",
            &format!("| {id} | compute | nova-compute | False       |")
        )
    );
    // A host name is no ID from 2.53: nova says so.
    let by_host = cloud.nova(&["service-enable", "compute"]);
    assert_eq!(
        novagen_tests::mask_request_ids(&by_host.stderr),
        "ERROR (BadRequest): Invalid uuid compute (HTTP 400) (Request-ID: req-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx)\n"
    );
    let by_binary = cloud.nova(&["service-list", "--binary", "nova-scheduler"]);
    let u = &services(&cloud, "2.96")[1].updated;
    let sid = &s1.id;
    assert_eq!(
        by_binary.ok(),
        format!(
            "\
+--------------------------------------+----------------+-----------+----------+---------+-------+----------------------------+-----------------+-------------+
| Id                                   | Binary         | Host      | Zone     | Status  | State | Updated_at                 | Disabled Reason | Forced down |
+--------------------------------------+----------------+-----------+----------+---------+-------+----------------------------+-----------------+-------------+
| {sid} | nova-scheduler | scheduler | internal | enabled | up    | {u} | -               | False       |
+--------------------------------------+----------------+-----------+----------+---------+-------+----------------------------+-----------------+-------------+
"
        )
    );
}

const QUOTAS_2_96: &str = "\
+----------------------+-------+
| Quota                | Limit |
+----------------------+-------+
| instances            | 10    |
| cores                | 20    |
| ram                  | 51200 |
| metadata_items       | 128   |
| key_pairs            | 100   |
| server_groups        | 10    |
| server_group_members | 10    |
+----------------------+-------+
";

/// The project of the default account, from Keystone.
fn project_id(cloud: &Cloud) -> String {
    let body = serde_json::json!({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "admin", "domain": {"name": "Default"}, "password": "secret"}}},
        "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}});
    let reply: Value = reqwest::blocking::Client::new()
        .post(format!("{}/v3/auth/tokens", cloud.auth_url()))
        .json(&body)
        .send()
        .and_then(|r| r.json())
        .expect("keystone answers");
    reply["token"]["project"]["id"]
        .as_str()
        .expect("a project id")
        .to_string()
}

#[test]
fn quotas_in_novaclient_order() {
    let cloud = Cloud::start();
    cloud.boot_polled("counted");
    assert_eq!(cloud.nova(&["quota-show"]).ok(), QUOTAS_2_96);
    assert_eq!(cloud.nova(&["quota-defaults"]).ok(), QUOTAS_2_96);
    // The session's project unless --tenant; --user narrows.
    let project = project_id(&cloud);
    let debug = cloud.nova(&["--debug", "quota-show", "--user", "u1"]);
    assert_eq!(debug.ok(), QUOTAS_2_96);
    assert!(
        debug.stderr.contains(&format!(
            "-X GET {}/compute/v2.1/os-quota-sets/{project}?user_id=u1 ",
            cloud.url
        )),
        "{}",
        debug.stderr
    );
    let other = cloud.nova(&["--debug", "quota-defaults", "--tenant", "p2"]);
    assert_eq!(other.ok(), QUOTAS_2_96);
    assert!(
        other
            .stderr
            .contains("/compute/v2.1/os-quota-sets/p2/defaults "),
        "{}",
        other.stderr
    );
    // Before 2.36 the network quotas are there too; --detail prints Python dicts.
    assert_eq!(
        cloud.nova(&[V, "2.1", "quota-show", "--detail"]).ok(),
        "\
+-----------------------------+------------------------------------------------+
| Quota                       | Limit                                          |
+-----------------------------+------------------------------------------------+
| instances                   | {'in_use': 1, 'limit': 10, 'reserved': 0}      |
| cores                       | {'in_use': 1, 'limit': 20, 'reserved': 0}      |
| ram                         | {'in_use': 512, 'limit': 51200, 'reserved': 0} |
| floating_ips                | {'in_use': 0, 'limit': -1, 'reserved': 0}      |
| fixed_ips                   | {'in_use': 0, 'limit': -1, 'reserved': 0}      |
| metadata_items              | {'in_use': 0, 'limit': 128, 'reserved': 0}     |
| injected_files              | {'in_use': 0, 'limit': 5, 'reserved': 0}       |
| injected_file_content_bytes | {'in_use': 0, 'limit': 10240, 'reserved': 0}   |
| injected_file_path_bytes    | {'in_use': 0, 'limit': 255, 'reserved': 0}     |
| key_pairs                   | {'in_use': 0, 'limit': 100, 'reserved': 0}     |
| security_groups             | {'in_use': 0, 'limit': -1, 'reserved': 0}      |
| security_group_rules        | {'in_use': 0, 'limit': -1, 'reserved': 0}      |
| server_groups               | {'in_use': 0, 'limit': 10, 'reserved': 0}      |
| server_group_members        | {'in_use': 0, 'limit': 10, 'reserved': 0}      |
+-----------------------------+------------------------------------------------+
"
    );
    let json = cloud.nova(&["quota-show", "--format", "json"]);
    let parsed: Value = serde_json::from_str(json.ok()).expect("json");
    // The show rules print Python's str() of each limit, in every format.
    assert_eq!(parsed["ram"], "51200");
    assert!(parsed.get("id").is_none(), "{parsed}");
}

#[test]
fn hypervisors_their_servers_and_migrating_them_off() {
    let cloud = Cloud::start();
    // nova-sim places each server on the least loaded compute: a and c on fake-mini.
    let a = cloud.boot_polled("a");
    let b = cloud.boot_polled("b");
    let c = cloud.boot_polled("c");
    let (status, _) = cloud.api(
        "POST",
        &format!("/compute/v2.1/servers/{c}/action"),
        "2.96",
        Some(serde_json::json!({"pause": null})),
    );
    assert_eq!(status, 202);
    while listed(&cloud, "/servers/detail", "servers", "status", "2.96")
        .iter()
        .all(|st| st != "PAUSED")
    {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let h = listed(&cloud, "/os-hypervisors", "hypervisors", "id", "2.96");
    let (h1, h2) = (&h[0], &h[1]);

    assert_eq!(
        cloud.nova(&[V, "2.52", "hypervisor-list"]).ok(),
        "\
+----+---------------------+-------+---------+
| ID | Hypervisor hostname | State | Status  |
+----+---------------------+-------+---------+
| 1  | fake-mini           | up    | enabled |
| 2  | compute2            | up    | enabled |
+----+---------------------+-------+---------+
"
    );
    let one = format!(
        "\
+--------------------------------------+---------------------+-------+---------+
| ID                                   | Hypervisor hostname | State | Status  |
+--------------------------------------+---------------------+-------+---------+
| {h2} | compute2            | up    | enabled |
+--------------------------------------+---------------------+-------+---------+
"
    );
    assert_eq!(
        cloud.nova(&["hypervisor-list", "--matching", "comp"]).ok(),
        one
    );
    assert_eq!(
        cloud
            .nova(&["hypervisor-list", "--marker", h1, "--limit", "1"])
            .ok(),
        one
    );
    assert_eq!(
        cloud
            .nova(&[V, "2.52", "hypervisor-list", "--matching", "comp"])
            .ok(),
        "\
+----+---------------------+-------+---------+
| ID | Hypervisor hostname | State | Status  |
+----+---------------------+-------+---------+
| 2  | compute2            | up    | enabled |
+----+---------------------+-------+---------+
"
    );
    // A negative number is a value (as argparse reads it), here a pattern nova finds nothing for.
    let negative = cloud.nova(&["hypervisor-servers", "-1"]);
    assert_eq!(
        novagen_tests::mask_request_ids(&negative.stderr),
        "ERROR (NotFound): No hypervisor matching '-1' could be found. (HTTP 404) (Request-ID: req-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx)\n"
    );
    let limit_early = cloud.nova(&[V, "2.32", "hypervisor-list", "--limit", "1"]);
    assert_eq!(
        limit_early.stderr,
        "ERROR (CommandError): '--limit' is only supported by API versions 2.33 - 2.latest (this session uses 2.32).\n"
    );

    // One row per server; the pattern matches both hypervisors.
    assert_eq!(
        cloud.nova(&["hypervisor-servers", "m"]).ok(),
        format!(
            "\
+--------------------------------------+------+--------------------------------------+---------------------+
| ID                                   | Name | Hypervisor ID                        | Hypervisor Hostname |
+--------------------------------------+------+--------------------------------------+---------------------+
| {a} | a    | {h1} | fake-mini           |
| {c} | c    | {h1} | fake-mini           |
| {b} | b    | {h2} | compute2            |
+--------------------------------------+------+--------------------------------------+---------------------+
"
        )
    );
    assert_eq!(
        cloud
            .nova(&[V, "2.52", "hypervisor-servers", "compute"])
            .ok(),
        format!(
            "\
+--------------------------------------+------+---------------+---------------------+
| ID                                   | Name | Hypervisor ID | Hypervisor Hostname |
+--------------------------------------+------+---------------+---------------------+
| {b} | b    | 2             | compute2            |
+--------------------------------------+------+---------------+---------------------+
"
        )
    );
    let none = cloud.nova(&["hypervisor-servers", "nosuch"]);
    assert_eq!(none.code, 1);
    assert_eq!(
        novagen_tests::mask_request_ids(&none.stderr),
        "ERROR (NotFound): No hypervisor matching 'nosuch' could be found. (HTTP 404) (Request-ID: req-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx)\n"
    );

    // Every server of fake-mini is asked to migrate; the paused one refuses, in its row.
    let run = cloud.nova(&["host-servers-migrate", "fake"]);
    let error = format!("Error while migrating instance: Cannot 'migrate' instance {c} while it is in vm_state paused (HTTP 409) (Request-ID: req-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx)");
    let (w, rule) = (error.len(), "-".repeat(error.len() + 2));
    assert_eq!(
        novagen_tests::mask_request_ids(run.ok()),
        format!(
            "\
+--------------------------------------+--------------------+{rule}+
| Server UUID                          | Migration Accepted | {:w$} |
+--------------------------------------+--------------------+{rule}+
| {a} | True               | {:w$} |
| {c} | False              | {error} |
+--------------------------------------+--------------------+{rule}+
",
            "Error Message", ""
        )
    );
    let (_, moved) = cloud.api("GET", &format!("/compute/v2.1/servers/{a}"), "2.96", None);
    assert_eq!(moved["server"]["OS-EXT-SRV-ATTR:host"], "compute2");
    // Until 2.52 through /os-hypervisors/{pattern}/servers; nothing left to move on compute2
    // but b (a is still resizing there).
    let old = cloud.nova(&[V, "2.52", "host-servers-migrate", "compute2"]);
    let out = novagen_tests::mask_request_ids(old.ok());
    assert!(
        out.contains(&format!("| {b} | True               |")),
        "{out}"
    );
    assert!(out.starts_with("+--------------------------------------+--------------------+"));
    assert_eq!(
        cloud
            .nova(&["host-servers-migrate", "nosuch"])
            .stderr
            .lines()
            .count(),
        1
    );
}

/// Decode every object under `one` / in the list `many` of the samples of `folder` as `T`.
fn decode_samples<T: serde::de::DeserializeOwned>(
    dir: &std::path::Path,
    folder: &str,
    one: &str,
    many: &str,
) -> usize {
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).expect("INDEX.tsv");
    let mut decoded = 0;
    for line in index.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols[1] != folder || cols[3] != "response" || cols[6] != "yes" {
            continue;
        }
        let text = std::fs::read_to_string(dir.join(cols[0])).expect("sample");
        let body: Value = serde_json::from_str(&text).expect("sample JSON");
        let mut objects: Vec<Value> = body
            .get(one)
            .filter(|o| o.is_object())
            .cloned()
            .into_iter()
            .collect();
        objects.extend(
            body.get(many)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
        );
        for o in objects {
            if let Err(e) = Record::<T>::decode(o) {
                panic!("{}: {e}", cols[0]);
            }
            decoded += 1;
        }
    }
    decoded
}

#[test]
#[cfg_attr(no_samples, ignore = "needs ../shared/nova-api-samples")]
fn generated_types_decode_the_admin_samples() {
    let Some(dir) = samples() else { return };
    let services = decode_samples::<Service>(&dir, "os-services", "service", "services");
    let hypervisors =
        decode_samples::<Hypervisor>(&dir, "os-hypervisors", "hypervisor", "hypervisors");
    let quotas = decode_samples::<QuotaSet>(&dir, "os-quota-sets", "quota_set", "quota_sets");
    assert!(services >= 10, "services: {services}");
    assert!(hypervisors >= 10, "hypervisors: {hypervisors}");
    assert!(quotas >= 10, "quotas: {quotas}");
}
