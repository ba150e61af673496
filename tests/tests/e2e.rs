//! The built `nova` binary against `nova-sim` over HTTP on 127.0.0.1, one fresh cloud per
//! test, comparing whole outputs.

use novagen_tests::{nova, requested, temp_dir, Cloud};

const FLAVORS_2_96: &str = "\
+----+-----------+------------+------+-----------+------+-------+-------------+-----------+-------------+
| ID | Name      | Memory_MiB | Disk | Ephemeral | Swap | VCPUs | RXTX_Factor | Is_Public | Description |
+----+-----------+------------+------+-----------+------+-------+-------------+-----------+-------------+
| 1  | m1.tiny   | 512        | 1    | 0         | 0    | 1     | 1.0         | True      | -           |
| 2  | m1.small  | 2048       | 20   | 0         | 0    | 1     | 1.0         | True      | -           |
| 3  | m1.medium | 4096       | 40   | 0         | 0    | 2     | 1.0         | True      | -           |
| 4  | m1.large  | 8192       | 80   | 0         | 0    | 4     | 1.0         | True      | -           |
| 5  | m1.xlarge | 16384      | 160  | 0         | 0    | 8     | 1.0         | True      | -           |
+----+-----------+------------+------+-----------+------+-------+-------------+-----------+-------------+
";

// Before 2.55 there is no Description column; before 2.75 nova sends swap 0 as "".
const FLAVORS_2_1: &str = "\
+----+-----------+------------+------+-----------+------+-------+-------------+-----------+
| ID | Name      | Memory_MiB | Disk | Ephemeral | Swap | VCPUs | RXTX_Factor | Is_Public |
+----+-----------+------------+------+-----------+------+-------+-------------+-----------+
| 1  | m1.tiny   | 512        | 1    | 0         |      | 1     | 1.0         | True      |
| 2  | m1.small  | 2048       | 20   | 0         |      | 1     | 1.0         | True      |
| 3  | m1.medium | 4096       | 40   | 0         |      | 2     | 1.0         | True      |
| 4  | m1.large  | 8192       | 80   | 0         |      | 4     | 1.0         | True      |
| 5  | m1.xlarge | 16384      | 160  | 0         |      | 8     | 1.0         | True      |
+----+-----------+------------+------+-----------+------+-------+-------------+-----------+
";

#[test]
fn flavor_list_follows_pages_and_microversions() {
    // Pages of two flavors: the client must follow flavors_links to the end.
    let cloud = Cloud::with_args(&["--max-limit", "2"]);
    assert_eq!(cloud.nova(&["flavor-list"]).ok(), FLAVORS_2_96);
    assert_eq!(
        cloud
            .nova(&["--os-compute-api-version", "2.1", "flavor-list"])
            .ok(),
        FLAVORS_2_1
    );
    let limited = cloud.nova(&["flavor-list", "--limit", "3", "--format", "value"]);
    assert_eq!(
        limited.ok(),
        "1 m1.tiny 512 1 0 0 1 1.0 True -\n2 m1.small 2048 20 0 0 1 1.0 True -\n3 m1.medium 4096 40 0 0 2 1.0 True -\n"
    );
}

#[test]
fn flavor_show_by_name_and_id() {
    let cloud = Cloud::start();
    let expected = "\
+----------------------------+----------+
| Property                   | Value    |
+----------------------------+----------+
| OS-FLV-DISABLED:disabled   | False    |
| OS-FLV-EXT-DATA:ephemeral  | 0        |
| description                | -        |
| disk                       | 20       |
| extra_specs                | {}       |
| id                         | 2        |
| name                       | m1.small |
| os-flavor-access:is_public | True     |
| ram                        | 2048     |
| rxtx_factor                | 1.0      |
| swap                       | 0        |
| vcpus                      | 1        |
+----------------------------+----------+
";
    assert_eq!(cloud.nova(&["flavor-show", "m1.small"]).ok(), expected);
    assert_eq!(cloud.nova(&["flavor-show", "2"]).ok(), expected);
    let yaml = cloud.nova(&["flavor-show", "m1.tiny", "--format", "yaml"]);
    assert!(
        yaml.ok()
            .contains("\nname: m1.tiny\nos-flavor-access:is_public: true\nram: 512\n"),
        "{}",
        yaml.stdout
    );
    let missing = cloud.nova(&["flavor-show", "m9.huge"]);
    assert_eq!(missing.code, 1);
    assert_eq!(
        missing.stderr,
        "ERROR (CommandError): No flavor with a name or ID of 'm9.huge' exists.\n"
    );
}

/// Before 2.61 a flavor carries no extra specs: novaclient fetches them (`os-extra_specs`) for
/// flavor-show and for each flavor of `flavor-list --extra-specs` (D3).
#[test]
fn extra_specs_before_2_61_are_fetched() {
    let cloud = Cloud::start();
    let set = cloud.nova(&["flavor-key", "m1.tiny", "set", "hw:numa_nodes=1"]);
    assert_eq!(set.code, 0, "{}", set.stderr);
    for v in ["2.1", "2.60", "2.61"] {
        let show = cloud.nova(&["--os-compute-api-version", v, "flavor-show", "m1.tiny"]);
        assert!(
            show.ok()
                .contains("\n| extra_specs                | {\"hw:numa_nodes\": \"1\"} |\n"),
            "{v}: {}",
            show.stdout
        );
        let list = cloud.nova(&[
            "--os-compute-api-version",
            v,
            "flavor-list",
            "--extra-specs",
            "--format",
            "value",
        ]);
        let lines: Vec<&str> = list.ok().lines().collect();
        assert_eq!(lines.len(), 5, "{v}: {}", list.stdout);
        assert!(
            lines[0].starts_with("1 m1.tiny 512 1 0 ")
                && lines[0].contains(" True {'hw:numa_nodes': '1'}"),
            "{v}: {}",
            list.stdout
        );
        assert!(lines[1].contains(" True {}"), "{v}: {}", list.stdout);
    }
    // Without --extra-specs there is no such column (and no GET per flavor).
    let plain = cloud.nova(&["--os-compute-api-version", "2.1", "flavor-list"]);
    assert!(!plain.ok().contains("extra_specs"), "{}", plain.stdout);
}

#[test]
fn boot_poll_list_show_delete() {
    let cloud = Cloud::start();
    let run = cloud.nova(&[
        "boot",
        "vm1",
        "--flavor",
        "m1.tiny",
        "--image",
        "cirros-0.6.2-x86_64-disk",
        "--poll",
    ]);
    let out = run.ok();
    // The property table of the new server first (with its admin password), then progress.
    assert!(
        out.starts_with("+--------------------------------------+"),
        "{out}"
    );
    for row in ["| adminPass ", "| name                                 | vm1 ", "| status                               | BUILD ",
                "| flavor:original_name                 | m1.tiny ",
                "| image                                | cirros-0.6.2-x86_64-disk (70a599e0-31e7-49b7-b260-868f441e862b) |"] {
        assert!(out.contains(row), "missing {row:?} in\n{out}");
    }
    assert!(out.contains("\n\rServer building... "), "{out}");
    assert!(
        out.ends_with("\rServer building... 100% complete\nFinished\n"),
        "{out}"
    );
    let id = out
        .lines()
        .find_map(|l| {
            l.strip_prefix("| id ")
                .map(|r| r.trim_matches(|c| c == ' ' || c == '|').to_string())
        })
        .expect("id row");
    let b = cloud.boot_polled("avm");

    // Sorted by name, as novaclient does.
    let expected = format!(
        "\
+--------------------------------------+------+--------+------------+-------------+------------------+
| ID                                   | Name | Status | Task State | Power State | Networks         |
+--------------------------------------+------+--------+------------+-------------+------------------+
| {b} | avm  | ACTIVE | -          | Running     | private=10.0.0.4 |
| {id} | vm1  | ACTIVE | -          | Running     | private=10.0.0.3 |
+--------------------------------------+------+--------+------------+-------------+------------------+
"
    );
    assert_eq!(cloud.nova(&["list"]).ok(), expected);

    let show = cloud.nova(&["show", "vm1"]);
    let show = show.ok();
    for row in [
        format!("| id                                   | {id} "),
        "| private network                      | 10.0.0.3 ".to_string(),
        "| security_groups                      | default ".to_string(),
        "| status                               | ACTIVE ".to_string(),
    ] {
        assert!(show.contains(&row), "missing {row:?} in\n{show}");
    }
    assert!(!show.contains("| links"), "links are not shown:\n{show}");
    assert!(!show.contains("adminPass"), "{show}");
    // By ID gives the same table.
    assert_eq!(cloud.nova(&["show", &id]).ok(), show);

    let del = cloud.nova(&["delete", "vm1", "nosuch", &b]);
    assert_eq!(del.code, 1);
    assert_eq!(
        del.stdout,
        format!("Request to delete server vm1 has been accepted.\nNo server with a name or ID of 'nosuch' exists.\nRequest to delete server {b} has been accepted.\n")
    );
    assert_eq!(
        del.stderr,
        "ERROR (CommandError): Unable to delete the specified server(s).\n"
    );
    assert_eq!(
        cloud.nova(&["list"]).ok(),
        // As python-novaclient: an empty table still has its closing rule.
        "+----+------+--------+------------+-------------+----------+\n| ID | Name | Status | Task State | Power State | Networks |\n+----+------+--------+------------+-------------+----------+\n+----+------+--------+------------+-------------+----------+\n"
    );
}

/// `delete --all-tenants`: the name search asks for every project's servers (novaclient's
/// `find_args`), and the server found is deleted by ID.
#[test]
fn delete_all_tenants_searches_every_project() {
    let cloud = Cloud::start();
    let id = cloud.boot_polled("vm-a");
    let run = cloud.nova(&["--debug", "delete", "--all-tenants", "vm-a"]);
    assert_eq!(
        run.ok(),
        "Request to delete server vm-a has been accepted.\n"
    );
    let sent: Vec<&str> = run
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("REQ: curl -g -i -X "))
        .filter(|l| !l.contains("/auth/tokens"))
        .collect();
    assert!(
        sent.iter().any(|l| l.starts_with("GET ")
            && l.contains("/servers/detail?")
            && l.contains("all_tenants=1")),
        "{}",
        run.stderr
    );
    assert!(
        sent.iter()
            .any(|l| l.starts_with("DELETE ") && l.contains(&format!("/servers/{id} "))),
        "{}",
        run.stderr
    );
    // Without the flag the search is the project's own (no all_tenants in any request).
    let id = cloud.boot_polled("vm-b");
    let run = cloud.nova(&["--debug", "delete", "vm-b"]);
    run.ok();
    assert!(!run.stderr.contains("all_tenants"), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("/servers/{id} ")),
        "{}",
        run.stderr
    );
}

#[test]
fn name_lookup_ambiguity_and_uuid_lookup() {
    let cloud = Cloud::start();
    let a = cloud.boot_polled("twin");
    cloud.boot_polled("twin");
    // A name that is a substring of another must still match exactly.
    cloud.boot_polled("twin-2");
    let run = cloud.nova(&["show", "twin"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "ERROR (CommandError): Multiple server matches found for 'twin', use an ID to be more specific.\n"
    );
    assert!(cloud.nova(&["show", &a]).ok().contains(&a));
    assert!(cloud
        .nova(&["show", "twin-2"])
        .ok()
        .contains("| name                                 | twin-2 "));
    let gone = cloud.nova(&["show", "3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f"]);
    assert_eq!(
        gone.stderr,
        "ERROR (CommandError): No server with a name or ID of '3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f' exists.\n"
    );
}

#[test]
fn backup_instance_prints_the_new_backup_id() {
    let cloud = Cloud::start();
    let id = cloud.boot_polled("db1");
    let out = cloud.nova(&[
        "backup-instance",
        "db1",
        "db1-nightly",
        "before the upgrade",
    ]);
    let backup = out.ok().trim().to_string();
    assert_eq!(backup.len(), 36, "a UUID: {backup}");
    // The backup is an image record in Glance, made from that server.
    let token = cloud.token();
    let img: serde_json::Value = reqwest::blocking::Client::new()
        .get(format!("{}/image/v2/images/{backup}", cloud.url))
        .header("X-Auth-Token", token)
        .send()
        .and_then(|r| r.json())
        .expect("glance answers");
    assert_eq!(img["name"], "db1-nightly");
    assert_eq!(img["description"], "before the upgrade");
    assert_eq!(img["instance_uuid"], id.as_str());
    let json = cloud.nova(&["backup-instance", "db1", "again", "x", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(json.ok()).expect("json");
    assert_eq!(
        doc.as_object()
            .map(|o| o.keys().map(String::as_str).collect::<Vec<_>>()),
        Some(vec!["id"]),
        "{doc}"
    );
    assert_eq!(doc["id"].as_str().map(str::len), Some(36), "{doc}");
}

#[test]
fn image_create_and_backup_by_microversion() {
    let cloud = Cloud::start();
    cloud.boot_polled("web");
    // From 2.45 the image ID comes in the body; before, in the Location header.
    for version in ["2.96", "2.44"] {
        let name = format!("snap-{version}");
        let out = cloud.nova(&[
            "--os-compute-api-version",
            version,
            "image-create",
            "web",
            &name,
            "--show",
            "--poll",
            "--metadata",
            "k=v",
        ]);
        let out = out.ok();
        assert!(
            out.contains(&format!("| name             | {name} ")),
            "{out}"
        );
        assert!(out.contains("| k                | v "), "{out}");
        // Polled first, then the finished image printed, as novaclient does (D20).
        assert!(
            out.starts_with("\n\rServer snapshotting... ")
                && out.contains("\rServer snapshotting... 100% complete\nFinished\n+----"),
            "{out}"
        );
        assert!(out.contains("| status           | active "), "{out}");
    }
    assert_eq!(cloud.nova(&["image-create", "web", "quiet"]).ok(), "");
    // backup prints the image from 2.45, nothing before.
    let b = cloud.nova(&["backup", "web", "weekly-1", "weekly", "2"]);
    assert!(
        b.ok().contains("| backup_type      | weekly "),
        "{}",
        b.stdout
    );
    assert_eq!(
        cloud
            .nova(&[
                "--os-compute-api-version",
                "2.44",
                "backup",
                "web",
                "w2",
                "weekly",
                "2"
            ])
            .ok(),
        ""
    );
    let bad = cloud.nova(&["backup", "web", "w3", "weekly", "two"]);
    assert_eq!(
        bad.code, 2,
        "clap refuses a non-integer rotation: {}",
        bad.stderr
    );
}

#[test]
fn keypairs() {
    let cloud = Cloud::start();
    let dir = temp_dir("keypairs");
    let key = dir.join("id.pub");
    std::fs::write(
        &key,
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIexample me@host\n",
    )
    .expect("write key");
    let key = key.to_string_lossy().to_string();
    assert_eq!(
        cloud.nova(&["keypair-add", "mine", "--pub-key", &key]).ok(),
        ""
    );
    // Before 2.92 nova generates the key pair and the private key is printed once.
    let generated = cloud.nova(&["--os-compute-api-version", "2.91", "keypair-add", "gen"]);
    assert!(
        generated
            .ok()
            .starts_with("-----BEGIN RSA PRIVATE KEY-----\n"),
        "{}",
        generated.stdout
    );
    let refused = cloud.nova(&["keypair-add", "gen2"]);
    assert_eq!(refused.code, 1);
    assert_eq!(
        refused.stderr,
        "ERROR (CommandError): --pub-key is required from API version 2.92 (this session uses 2.96).\n"
    );
    let dup = cloud.nova(&["keypair-add", "mine", "--pub-key", &key]);
    assert_eq!(dup.code, 1);
    assert!(
        dup.stderr.starts_with(
            "ERROR (Conflict): Key pair 'mine' already exists. (HTTP 409) (Request-ID: req-"
        ),
        "{}",
        dup.stderr
    );

    let (_, listed) = cloud.api("GET", "/compute/v2.1/os-keypairs", "2.96", None);
    let fp = |name: &str| -> String {
        listed["keypairs"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|k| k["keypair"]["name"] == name)
            .and_then(|k| k["keypair"]["fingerprint"].as_str())
            .expect("fingerprint")
            .to_string()
    };
    let (g, m) = (fp("gen"), fp("mine"));
    assert_eq!(
        cloud.nova(&["keypair-list"]).ok(),
        format!("+------+------+-------------------------------------------------+\n| Name | Type | Fingerprint                                     |\n+------+------+-------------------------------------------------+\n| mine | ssh  | {m} |\n| gen  | ssh  | {g} |\n+------+------+-------------------------------------------------+\n")
    );
    // Before 2.2 keypairs have no type, and novaclient prints no Type column.
    assert!(cloud
        .nova(&["--os-compute-api-version", "2.1", "keypair-list"])
        .ok()
        .contains(&format!("| mine | {m} |")));
    let typed = cloud.nova(&[
        "--os-compute-api-version",
        "2.1",
        "keypair-add",
        "x",
        "--key-type",
        "x509",
    ]);
    assert_eq!(
        typed.stderr,
        "ERROR (CommandError): '--key-type' is only supported by API versions 2.2 - 2.latest (this session uses 2.1).\n"
    );
    assert_eq!(cloud.nova(&["keypair-delete", "gen"]).ok(), "");
    assert!(!cloud.nova(&["keypair-list"]).ok().contains("| gen "));
    // Before 2.10 novaclient looks the key pair up first (D5); from 2.10 nova's 404 speaks.
    let old = cloud.nova(&["--os-compute-api-version", "2.9", "keypair-delete", "gen"]);
    assert_eq!(
        (old.code, old.stderr.as_str()),
        (
            1,
            "ERROR (CommandError): No keypair with a name or ID of 'gen' exists.\n"
        )
    );
    let new = cloud.nova(&["--os-compute-api-version", "2.10", "keypair-delete", "gen"]);
    assert!(
        new.stderr
            .starts_with("ERROR (NotFound): Keypair gen not found"),
        "{}",
        new.stderr
    );
    // keypair-show: every key but the public one as properties, then the public key.
    let public = std::fs::read_to_string(&key).expect("the public key written above");
    let show = cloud.nova(&["--debug", "keypair-show", "mine"]);
    let out = show.ok();
    assert!(
        out.starts_with("+-------------+---") && out.contains("| name        | mine "),
        "{out}"
    );
    assert!(!out.contains("| public_key"), "{out}");
    assert!(out.contains("| type        | ssh "), "{out}");
    assert!(
        out.ends_with(&format!("+\nPublic key: {public}\n")),
        "{out}"
    );
    assert_eq!(
        requested(&show.stderr),
        ["GET /compute/v2.1/os-keypairs/mine"]
    );
    // --user (2.10+) asks for that user's key pair: nova's 404 names the user.
    let other = cloud.nova(&["keypair-show", "mine", "--user", "u2"]);
    assert_eq!(other.code, 1);
    assert!(
        other
            .stderr
            .starts_with("ERROR (NotFound): Keypair mine not found for user u2 (HTTP 404)"),
        "{}",
        other.stderr
    );
    let deleted = cloud.nova(&["keypair-delete", "mine", "--user", "u2"]);
    assert_eq!(deleted.code, 1, "{}", deleted.stderr);
    let old = cloud.nova(&[
        "--os-compute-api-version",
        "2.9",
        "keypair-show",
        "mine",
        "--user",
        "u2",
    ]);
    assert_eq!(
        old.stderr,
        "ERROR (CommandError): '--user' is only supported by API versions 2.10 - 2.latest (this session uses 2.9).\n"
    );
    // Before 2.10 the name is looked up (a GET by name first, as an ID), then shown.
    let v1 = cloud.nova(&["--os-compute-api-version", "2.1", "keypair-show", "mine"]);
    assert!(!v1.ok().contains("| type "), "{}", v1.stdout);
    let by_name = cloud.nova(&["--os-compute-api-version", "2.1", "keypair-delete", "mine"]);
    assert_eq!(by_name.ok(), "");
    let gone = cloud.nova(&["keypair-show", "mine"]);
    assert!(
        gone.stderr
            .starts_with("ERROR (NotFound): Keypair mine not found for user "),
        "{}",
        gone.stderr
    );
}

#[test]
fn nics_and_microversion_rules() {
    let cloud = Cloud::start();
    // From 2.37 `networks` is required: the default is auto, so the server gets an address.
    cloud.boot_polled("auto-net");
    cloud.boot_polled_with("no-net", &["--nic", "none"]);
    // At 2.1 no networks key is sent at all, and nova attaches the default network.
    let old = cloud.nova(&[
        "--os-compute-api-version",
        "2.1",
        "boot",
        "old",
        "--flavor",
        "1",
        "--image",
        "70a599e0-31e7-49b7-b260-868f441e862b",
    ]);
    old.ok();
    std::thread::sleep(std::time::Duration::from_millis(600));
    // json keeps the API's names and values: `addresses` as nova sent it.
    let list = cloud.nova(&["list", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(list.ok()).expect("json list");
    let nets: Vec<(String, String)> = rows
        .as_array()
        .expect("array")
        .iter()
        .map(|r| {
            let addresses = r["addresses"].as_object().expect("addresses");
            let nets: Vec<String> = addresses
                .iter()
                .map(|(net, ips)| format!("{net}={}", ips[0]["addr"].as_str().unwrap_or("")))
                .collect();
            (
                r["name"].as_str().unwrap_or("").to_string(),
                nets.join(", "),
            )
        })
        .collect();
    assert_eq!(
        nets,
        vec![
            ("auto-net".to_string(), "private=10.0.0.3".to_string()),
            ("no-net".to_string(), String::new()),
            ("old".to_string(), "private=10.0.0.4".to_string())
        ]
    );
    // Explicit networks: a list of {"uuid": ...} goes out, and the server gets an address.
    cloud.boot_polled_with(
        "net-id",
        &["--nic", "net-id=3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f"],
    );
    assert!(cloud
        .nova(&["show", "net-id"])
        .ok()
        .contains("| private network                      | 10.0.0.5 "));
    let bad_nic = cloud.nova(&[
        "boot",
        "b",
        "--flavor",
        "1",
        "--image",
        "cirros-0.6.2-x86_64-disk",
        "--nic",
        "net=x",
    ]);
    assert!(
        bad_nic
            .stderr
            .starts_with("ERROR (CommandError): Invalid nic argument 'net=x'."),
        "{}",
        bad_nic.stderr
    );
    let desc = cloud.nova(&[
        "--os-compute-api-version",
        "2.18",
        "boot",
        "d",
        "--flavor",
        "1",
        "--image",
        "cirros-0.6.2-x86_64-disk",
        "--description",
        "x",
    ]);
    assert_eq!(desc.code, 1);
    assert_eq!(
        desc.stderr,
        "ERROR (CommandError): '--description' is only supported by API versions 2.19 - 2.latest (this session uses 2.18).\n"
    );
    let mixed = cloud.nova(&[
        "boot",
        "m",
        "--flavor",
        "1",
        "--image",
        "cirros-0.6.2-x86_64-disk",
        "--nic",
        "auto",
        "--nic",
        "none",
    ]);
    assert_eq!(
        mixed.stderr,
        "ERROR (CommandError): 'auto' or 'none' cannot be used with any other nic arguments\n"
    );
    // novaclient's checks and words (D11, D15): auto/none only from 2.37, exactly one of
    // net-id, net-name and port-id, no key twice; the form names tag only where nova takes it.
    let nic = |v: &str, value: &str| {
        let run = cloud.nova(&[
            "--os-compute-api-version",
            v,
            "boot",
            "n",
            "--flavor",
            "1",
            "--image",
            "cirros-0.6.2-x86_64-disk",
            "--nic",
            value,
        ]);
        assert_eq!(run.code, 1, "{}", run.stdout);
        run.stderr
    };
    let form = "net-id=net-uuid,net-name=network-name,v4-fixed-ip=ip-addr,v6-fixed-ip=ip-addr,port-id=port-uuid";
    let only = "with only one of net-id, net-name or port-id specified.";
    assert_eq!(
        nic("2.36", "none"),
        format!("ERROR (CommandError): Invalid nic argument 'none'. Nic arguments must be of the form --nic <{form},tag=tag>, {only}\n")
    );
    assert_eq!(
        nic("2.31", "auto"),
        format!("ERROR (CommandError): Invalid nic argument 'auto'. Nic arguments must be of the form --nic <{form}>, {only}\n")
    );
    let since = " Specifying a --nic of auto or none cannot be used with any other --nic value.";
    assert_eq!(
        nic("2.41", "net-id=a,port-id=b"),
        format!("ERROR (CommandError): Invalid nic argument 'net-id=a,port-id=b'. Nic arguments must be of the form --nic <auto,none,{form}>, {only}{since}\n")
    );
    assert_eq!(
        nic("2.96", "net-id=a,net-id=b"),
        format!("ERROR (CommandError): Invalid nic argument 'net-id=a,net-id=b'. Nic arguments must be of the form --nic <auto,none,{form},tag=tag>, {only}{since}\n")
    );
    assert_eq!(
        nic("2.96", "none,net-id=a"),
        "ERROR (CommandError): 'auto' or 'none' cannot be used with any other nic arguments\n"
    );
    // key=value options: novaclient's words, which show the whole list (D14).
    let meta = cloud.nova(&[
        "boot",
        "x",
        "--flavor",
        "1",
        "--image",
        "cirros-0.6.2-x86_64-disk",
        "--meta",
        "a=b",
        "--meta",
        "it's",
    ]);
    assert_eq!(
        (meta.code, meta.stderr.as_str()),
        (
            1,
            "ERROR (ArgumentTypeError): '['a=b', \"it's\"]' is not in the format of 'key=value'\n"
        )
    );
    // An image no name matches: novaclient's words for Glance (D12).
    let no_such = cloud.nova(&["boot", "x", "--flavor", "1", "--image", "nope"]);
    assert_eq!(
        (no_such.code, no_such.stderr.as_str()),
        (
            1,
            "ERROR (CommandError): No Image matching nope. (HTTP 404)\n"
        )
    );
    // Nothing to boot from: refused before sending, in novaclient's words (D17).
    let no_image = cloud.nova(&["boot", "x", "--flavor", "1"]);
    assert_eq!(
        (no_image.code, no_image.stderr.as_str()),
        (1, "ERROR (CommandError): you need to specify at least one source ID (Image, Snapshot, or Volume), a block device mapping or provide a set of properties to match against an image\n")
    );
    // A usage error's usage line names the command's own arguments, not the global options
    // the environment gives (D16).
    let no_flavor = cloud.nova(&["boot", "x", "--image", "cirros-0.6.2-x86_64-disk"]);
    assert_eq!(no_flavor.code, 2);
    assert_eq!(
        no_flavor.stderr,
        "error: the following required arguments were not provided:\n  --flavor <flavor>\n\n\
         Usage: nova boot [OPTIONS] --flavor <flavor> <name>\n\n\
         For more information, try '--help'.\n"
    );
    let unknown = cloud.nova(&["--os-compute-api-version", "3.0", "list"]);
    assert_eq!(
        unknown.stderr,
        "ERROR (CommandError): The specified version isn't supported by the client. The valid version range is '2.1' to '2.96'.\n"
    );
    let help = novagen_tests::nova(&["boot", "--help"], &[]);
    assert!(
        help.ok().contains(
            "Description for the server. (Supported by API versions '2.19' - '2.latest')"
        ),
        "{}",
        help.stdout
    );
}

#[test]
fn auto_negotiates_with_an_older_server() {
    let cloud = Cloud::with_args(&["--max-version", "2.60"]);
    let run = cloud.nova(&["--debug", "flavor-list"]);
    run.ok();
    assert!(
        run.stderr
            .contains("-H \"x-openstack-nova-api-version: 2.60\""),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("-H \"openstack-api-version: compute 2.60\""),
        "{}",
        run.stderr
    );
    let pinned = cloud.nova(&["--os-compute-api-version", "2.70", "flavor-list"]);
    assert_eq!(pinned.code, 1);
    assert!(pinned.stderr.starts_with("ERROR (NotAcceptable): Version 2.70 is not supported by the API. Minimum is 2.1 and maximum is 2.60. (HTTP 406) (Request-ID: req-"), "{}", pinned.stderr);
}

#[test]
fn debug_never_shows_secrets() {
    let cloud = Cloud::start();
    let run = cloud.nova(&["--debug", "flavor-list"]);
    run.ok();
    let err = &run.stderr;
    assert!(err.contains("REQ: curl -g -i -X POST"), "{err}");
    assert!(err.contains("RESP: [201]"), "{err}");
    assert!(err.contains("-H \"x-auth-token: ***\""), "{err}");
    assert!(err.contains("-H \"x-subject-token: ***\""), "{err}");
    assert!(err.contains("\"password\":\"***\""), "{err}");
    assert!(!err.contains("secret"), "the password leaked:\n{err}");
    assert!(!err.contains("gAAAAA"), "a token leaked:\n{err}");
}

#[test]
fn http_errors_in_novaclient_form() {
    let cloud = Cloud::start();
    let mut env = cloud.env();
    for (k, v) in env.iter_mut() {
        if k == "OS_PASSWORD" {
            *v = "wrong".into();
        }
    }
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let run = nova(&["list"], &pairs);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    let line = run.stderr.trim_end();
    assert!(!line.contains('\n'), "one line: {line}");
    assert!(
        line.starts_with("ERROR (Unauthorized): The request you have made requires authentication. (HTTP 401) (Request-ID: req-"),
        "{line}"
    );
    cloud.boot_polled("busy");
    let missing = cloud.nova(&["flavor-create", "x", "auto", "0", "1", "1"]);
    assert!(
        missing.stderr.starts_with(
            "ERROR (BadRequest): Invalid input for field/attribute ram. Value: 0. 0 is less than the minimum of 1 (HTTP 400) (Request-ID: req-"
        ),
        "{}",
        missing.stderr
    );
}

/// A listener that accepts and then answers with `reply` (or never, when None).
fn fake_server(reply: Option<String>) -> (String, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let handle = std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            use std::io::{Read, Write};
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            match reply {
                Some(r) => {
                    let _ = stream.write_all(r.as_bytes());
                }
                None => std::thread::sleep(std::time::Duration::from_secs(3)),
            }
        }
    });
    (url, handle)
}

#[test]
fn transport_failures_are_one_line_and_exit_1() {
    // Connection refused: a port that was free a moment ago.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let url = format!("http://127.0.0.1:{port}/identity");
    let env = [
        ("OS_AUTH_URL", url.as_str()),
        ("OS_USERNAME", "admin"),
        ("OS_PASSWORD", "secret"),
        ("OS_PROJECT_NAME", "admin"),
    ];
    let refused = nova(&["list"], &env);
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.starts_with(&format!("ERROR (ConnectFailure): Unable to establish connection to http://127.0.0.1:{port}/identity/v3/auth/tokens: ")), "{}", refused.stderr);
    assert_eq!(refused.stderr.lines().count(), 1, "{}", refused.stderr);

    // A server that never answers.
    let (url, h) = fake_server(None);
    let auth = format!("{url}/identity");
    let env = [
        ("OS_AUTH_URL", auth.as_str()),
        ("OS_USERNAME", "admin"),
        ("OS_PASSWORD", "secret"),
    ];
    let slow = nova(&["--timeout", "0.5", "list"], &env);
    assert_eq!(slow.code, 1);
    assert_eq!(
        slow.stderr,
        format!("ERROR (ConnectTimeout): Request to {url}/identity/v3/auth/tokens timed out\n")
    );
    let _ = h.join();

    // A reply that is not JSON.
    let (url, h) = fake_server(Some(
        "HTTP/1.1 201 Created\r\nContent-Length: 9\r\nX-Subject-Token: t\r\n\r\nnot json!"
            .to_string(),
    ));
    let auth = format!("{url}/identity");
    let env = [
        ("OS_AUTH_URL", auth.as_str()),
        ("OS_USERNAME", "admin"),
        ("OS_PASSWORD", "secret"),
    ];
    let garbled = nova(&["list"], &env);
    assert_eq!(garbled.code, 1);
    assert!(garbled.stderr.starts_with(&format!("ERROR (ClientException): The reply from {url}/identity/v3/auth/tokens could not be understood: not JSON")), "{}", garbled.stderr);
    assert_eq!(garbled.stderr.lines().count(), 1);
    let _ = h.join();
    // JSON of the wrong shape: a flavor whose id is a number.
    let body = r#"{"flavors": [{"id": 1, "name": "odd"}]}"#;
    let reply = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let (url, h) = fake_server(Some(reply));
    let compute = format!("{url}/compute/v2.1");
    let odd = nova(
        &[
            "--os-token",
            "t",
            "--os-endpoint-override",
            &compute,
            "--os-compute-api-version",
            "2.1",
            "flavor-list",
        ],
        &[],
    );
    assert_eq!(odd.code, 1);
    assert_eq!(
        odd.stderr,
        "ERROR (ClientException): The server sent a flavor this client cannot read: invalid type: integer `1`, expected a string\n"
    );
    let _ = h.join();
    for run in [&refused, &slow, &garbled, &odd] {
        assert!(
            !run.stderr.contains("panicked") && !run.stderr.contains("backtrace"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn other_ways_to_authenticate() {
    let cloud = Cloud::start();
    let compute = format!("{}/compute/v2.1", cloud.url);
    // A token already held, with the endpoint given: no Keystone call.
    let token = cloud.token();
    let run = nova(
        &[
            "--os-token",
            &token,
            "--os-endpoint-override",
            &compute,
            "flavor-list",
        ],
        &[],
    );
    assert_eq!(run.ok(), FLAVORS_2_96);
    // Application credential.
    let auth = cloud.auth_url();
    let env = [
        ("OS_AUTH_URL", auth.as_str()),
        ("OS_APPLICATION_CREDENTIAL_ID", nova_sim::APP_CRED_ID),
        (
            "OS_APPLICATION_CREDENTIAL_SECRET",
            nova_sim::APP_CRED_SECRET,
        ),
    ];
    assert_eq!(nova(&["flavor-list"], &env).ok(), FLAVORS_2_96);
    // clouds.yaml, with the auth URL ending in /v3.
    let dir = temp_dir("clouds");
    let file = dir.join("clouds.yaml");
    std::fs::write(&file, format!(
        "clouds:\n  local:\n    auth:\n      auth_url: {auth}/v3\n      username: admin\n      password: secret\n      project_name: admin\n      user_domain_name: Default\n      project_domain_name: Default\n    region_name: RegionOne\n    interface: internal\n"
    )).expect("write clouds.yaml");
    let f = file.to_string_lossy().to_string();
    let from_cloud = nova(
        &["--debug", "--os-cloud", "local", "flavor-list"],
        &[("OS_CLIENT_CONFIG_FILE", f.as_str())],
    );
    assert!(from_cloud.ok().ends_with(FLAVORS_2_96));
    // The cloud's interface was used: nova-sim's internal endpoints are under /internal.
    assert_eq!(
        requested(&from_cloud.stderr),
        [
            "POST /identity/v3/auth/tokens".to_string(),
            "GET /internal/compute/v2.1".into(),
            "GET /internal/compute/v2.1/flavors/detail".into()
        ]
    );
    let none = nova(
        &["--os-cloud", "other", "flavor-list"],
        &[("OS_CLIENT_CONFIG_FILE", f.as_str())],
    );
    assert_eq!(
        none.stderr,
        format!("ERROR (CommandError): Cloud other was not found in {f}.\n")
    );
    // No endpoint in another region.
    let mut env = cloud.env();
    env.push(("OS_REGION_NAME".into(), "RegionTwo".into()));
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let other = nova(&["flavor-list"], &pairs);
    other.fails(1, "has no compute endpoint");
}

#[test]
fn os_interface_picks_the_catalog_endpoint() {
    // nova-sim's catalog gives each interface its own URL (internal and admin under a prefix).
    let cloud = Cloud::start();
    for (interface, prefix) in [
        (None, ""),
        (Some("public"), ""),
        (Some("internal"), "/internal"),
        (Some("adminURL"), "/admin"),
    ] {
        // No token cache: each run shows its token request.
        let mut args = vec![
            "--debug",
            "--no-cache",
            "list",
            "--image",
            "cirros-0.6.2-x86_64-disk",
        ];
        if let Some(i) = interface {
            args.extend(["--os-interface", i]);
        }
        let run = cloud.nova(&args);
        run.ok();
        let paths = requested(&run.stderr);
        assert_eq!(paths[0], "POST /identity/v3/auth/tokens", "{interface:?}");
        assert!(paths.len() > 2, "{paths:?}");
        for p in &paths[1..] {
            let service = p.split(' ').nth(1).unwrap_or_default();
            assert!(
                service.starts_with(&format!("{prefix}/compute/"))
                    || service.starts_with(&format!("{prefix}/image/")),
                "--os-interface {interface:?}: {p} ({paths:?})"
            );
        }
        assert!(
            paths.iter().any(|p| p.contains("/image/v2/images")),
            "{paths:?}"
        );
    }
    // An interface the catalog does not have: no endpoint.
    let none = cloud.nova(&["--os-interface", "private", "flavor-list"]);
    none.fails(1, "has no compute endpoint");
}

#[test]
fn show_before_2_47_and_structured_formats() {
    let cloud = Cloud::start();
    cloud.boot_polled_with("vmx", &["--flavor", "2"]);
    let old = cloud.nova(&["--os-compute-api-version", "2.46", "show", "vmx"]);
    let old = old.ok();
    assert!(
        old.contains("| flavor                               | m1.small (2) "),
        "{old}"
    );
    assert!(!old.contains("flavor:original_name"), "{old}");
    // YAML quotes what YAML 1.1 readers would take for a date (or a boolean, a number).
    let shown = cloud.nova(&["show", "vmx", "--format", "yaml"]);
    let created = shown.ok().lines().find(|l| l.starts_with("created: "));
    assert!(
        created.is_some_and(|l| l.starts_with("created: '20") && l.ends_with('\'')),
        "{}",
        shown.stdout
    );
    // Structured formats keep the column order (the keys of the one item, not the nested
    // ones of its addresses).
    let yaml = cloud.nova(&["list", "--format", "yaml"]);
    let keys: Vec<&str> = yaml
        .ok()
        .lines()
        .filter_map(|l| {
            l.strip_prefix("- ")
                .or_else(|| l.strip_prefix("  ").filter(|r| !r.starts_with([' ', '-'])))
                .map(|r| {
                    r.split_once(": ")
                        .map_or(r.trim_end_matches(':'), |(k, _)| k)
                })
        })
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "name",
            "status",
            "OS-EXT-STS:task_state",
            "OS-EXT-STS:power_state",
            "addresses"
        ]
    );
    let json: serde_json::Value =
        serde_json::from_str(cloud.nova(&["show", "vmx", "--format", "json"]).ok()).expect("json");
    assert_eq!(json["status"], "ACTIVE");
    assert_eq!(json["flavor:original_name"], "m1.small");
    assert_eq!(json["OS-EXT-STS:power_state"], 1);
}
