//! The server commands of `spec/servers.yaml` beyond boot/list/show/delete, run with the built
//! `nova` against `nova-sim`, comparing whole outputs with python-novaclient's (IDs, tokens and
//! times normalised).

use novagen_tests::{temp_dir, Cloud};
use serde_json::Value;

const IMAGE: &str = "cirros-0.6.2-x86_64-disk";
const IMAGE_ID: &str = "70a599e0-31e7-49b7-b260-868f441e862b";
/// Every UUID becomes this (same width, so tables keep their shape).
const UUID: &str = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

/// The value of one row of a `Property | Value` table.
fn prop(out: &str, key: &str) -> Option<String> {
    props(out)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// The rows of a `Property | Value` table, in order.
fn props(out: &str) -> Vec<(String, String)> {
    out.lines()
        .filter(|l| l.starts_with("| ") && l.ends_with(" |"))
        .filter_map(|l| {
            let inner = &l[2..l.len() - 2];
            inner
                .split_once(" | ")
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .skip(1) // the heading
        .collect()
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// Replace every UUID in `text` by [`UUID`].
fn norm_uuids(text: &str) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < text.len() {
        if text.get(i..i + 36).is_some_and(is_uuid) {
            out.push_str(UUID);
            i += 36;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// The server as the API shows it at a microversion.
fn server(cloud: &Cloud, id: &str, version: &str) -> Value {
    let (status, body) = cloud.api("GET", &format!("/compute/v2.1/servers/{id}"), version, None);
    assert_eq!(status, 200, "{body}");
    body["server"].clone()
}

/// Wait until the server is ACTIVE with no task.
fn settle(cloud: &Cloud, id: &str) {
    for _ in 0..100 {
        let s = server(cloud, id, "2.96");
        if s["status"] == "ACTIVE" && s["OS-EXT-STS:task_state"].is_null() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("server {id} did not settle");
}

#[test]
fn reboot_many_hard_and_poll() {
    let cloud = Cloud::start();
    let a = cloud.boot_polled("web 1");
    let b = cloud.boot_polled("db");
    // novaclient names each server by its slug and ID.
    let run = cloud.nova(&["reboot", "web 1", &b]);
    assert_eq!(
        run.ok(),
        format!(
            "Request to reboot server web-1 ({a}) has been accepted.\n\
             Request to reboot server db ({b}) has been accepted.\n"
        )
    );
    let (_, actions) = cloud.api(
        "GET",
        &format!("/compute/v2.1/servers/{a}/os-instance-actions"),
        "2.96",
        None,
    );
    assert_eq!(actions["instanceActions"][0]["action"], "reboot");
    settle(&cloud, &a);
    settle(&cloud, &b);

    // --poll: no percentage, then novaclient's line per server.
    let run = cloud.nova(&["reboot", "--hard", "--poll", "db"]);
    let out = run.ok();
    let head = format!("Request to reboot server db ({b}) has been accepted.\n\n");
    let tail = format!("\rServer rebooting...\nFinished\nWait for server db ({b}) reboot.\n");
    assert!(out.starts_with(&head) && out.ends_with(&tail), "{out:?}");
    let middle = &out[head.len()..out.len() - tail.len()];
    assert!(
        middle
            .split_inclusive("...")
            .all(|p| p == "\rServer rebooting..."),
        "{out:?}"
    );

    // As novaclient, every server is found before any is rebooted: one that is missing
    // stops the command and none is rebooted.
    settle(&cloud, &b);
    let run = cloud.nova(&["reboot", "db", "nosuch"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "ERROR (CommandError): No server with a name or ID of 'nosuch' exists.\n"
    );
    let (_, actions) = cloud.api(
        "GET",
        &format!("/compute/v2.1/servers/{b}/os-instance-actions"),
        "2.96",
        None,
    );
    let reboots = actions["instanceActions"]
        .as_array()
        .map_or(0, |a| a.iter().filter(|x| x["action"] == "reboot").count());
    assert_eq!(reboots, 2, "the two reboots above only: {actions}");
    // Several servers with --poll: as novaclient, every reboot is asked for first, then each
    // server is waited for in turn, its line after its wait.
    settle(&cloud, &a);
    settle(&cloud, &b);
    let run = cloud.nova(&["reboot", "--poll", "web 1", "db"]);
    let out = run.ok();
    let head = format!(
        "Request to reboot server web-1 ({a}) has been accepted.\n\
         Request to reboot server db ({b}) has been accepted.\n\n"
    );
    assert!(out.starts_with(&head), "{out:?}");
    let first = out
        .find(&format!(
            "\nFinished\nWait for server web-1 ({a}) reboot.\n\n"
        ))
        .expect("web-1's wait, then db's");
    assert!(first > head.len(), "{out:?}");
    assert!(
        out.ends_with(&format!("\nFinished\nWait for server db ({b}) reboot.\n")),
        "{out:?}"
    );
}

#[test]
fn vnc_console_by_microversion() {
    let cloud = Cloud::start();
    cloud.boot_polled("vm");
    let table = |kind: &str, pad: &str| {
        let head = " ".repeat(pad.len());
        let rule = format!("+-------{pad}+------------------------------------------------------------------------------------------+");
        format!(
            "{rule}\n| Type  {head}| Url                                                                                      |\n{rule}\n| {kind} | http://127.0.0.1:6080/vnc_auto.html?path=%3Ftoken%3D{UUID} |\n{rule}\n"
        )
    };
    // From 2.6 POST /servers/{id}/remote-consoles; before, the os-getVNCConsole action.
    for version in ["2.96", "2.6", "2.5", "2.1"] {
        let run = cloud.nova(&[
            "--os-compute-api-version",
            version,
            "get-vnc-console",
            "vm",
            "novnc",
        ]);
        assert_eq!(norm_uuids(run.ok()), table("novnc", ""), "{version}");
    }
    let run = cloud.nova(&[
        "--os-compute-api-version",
        "2.5",
        "get-vnc-console",
        "vm",
        "xvpvnc",
    ]);
    assert_eq!(norm_uuids(run.ok()), table("xvpvnc", "-"));
    let bad = cloud.nova(&[
        "--os-compute-api-version",
        "2.5",
        "get-vnc-console",
        "vm",
        "spice-html5",
    ]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.starts_with("ERROR (BadRequest): Invalid input for field/attribute type. Value: spice-html5. 'spice-html5' is not one of ['novnc', 'xvpvnc'] (HTTP 400)"),
        "{}",
        bad.stderr
    );
}

#[test]
fn meta_set_and_delete() {
    let cloud = Cloud::start();
    let id = cloud.boot_polled_with("vm", &["--meta", "keep=1"]);
    let meta = |cloud: &Cloud| {
        let (_, body) = cloud.api(
            "GET",
            &format!("/compute/v2.1/servers/{id}/metadata"),
            "2.96",
            None,
        );
        body["metadata"].clone()
    };
    assert_eq!(cloud.nova(&["meta", "vm", "set", "a=1", "b=x=y"]).ok(), "");
    assert_eq!(
        meta(&cloud),
        serde_json::json!({"keep": "1", "a": "1", "b": "x=y"})
    );
    // Only the key is needed on delete; a value is ignored.
    assert_eq!(
        cloud
            .nova(&["meta", "vm", "delete", "a", "b=whatever"])
            .ok(),
        ""
    );
    assert_eq!(meta(&cloud), serde_json::json!({"keep": "1"}));
    let bad = cloud.nova(&["meta", "vm", "unset", "a"]);
    assert_eq!(bad.code, 2, "clap refuses the action: {}", bad.stderr);
    assert!(
        bad.stderr.contains("[possible values: set, delete]"),
        "{}",
        bad.stderr
    );
}

#[test]
fn server_tags() {
    let cloud = Cloud::start();
    let id = cloud.boot_polled("vm");
    assert_eq!(cloud.nova(&["server-tag-set", "vm", "t2", "t1"]).ok(), "");
    let list = |cloud: &Cloud| cloud.nova(&["server-tag-list", "vm"]).ok().to_string();
    // Sorted by tag, as novaclient's print_list does.
    assert_eq!(
        list(&cloud),
        "+-----+\n| Tag |\n+-----+\n| t1  |\n| t2  |\n+-----+\n"
    );
    assert_eq!(
        cloud.nova(&["server-tag-add", "vm", "t3", "t0"]).ok(),
        "Request to add tag t3 to specified server has been accepted.\n\
         Request to add tag t0 to specified server has been accepted.\n"
    );
    assert_eq!(
        cloud.nova(&["server-tag-delete", "vm", "t3"]).ok(),
        "Request to delete tag t3 from specified server has been accepted.\n"
    );
    assert_eq!(
        list(&cloud),
        "+-----+\n| Tag |\n+-----+\n| t0  |\n| t1  |\n| t2  |\n+-----+\n"
    );
    let missing = cloud.nova(&["server-tag-delete", "vm", "nope", "t0"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing
            .stdout
            .starts_with("Tag nope could not be found. (HTTP 404) (Request-ID: req-")
            && missing
                .stdout
                .ends_with("\nRequest to delete tag t0 from specified server has been accepted.\n"),
        "{}",
        missing.stdout
    );
    assert_eq!(
        missing.stderr,
        "ERROR (CommandError): Unable to delete the specified tag from the server.\n"
    );
    assert_eq!(
        server(&cloud, &id, "2.96")["tags"],
        serde_json::json!(["t2", "t1"])
    );
    assert_eq!(cloud.nova(&["server-tag-delete-all", "vm"]).ok(), "");
    assert_eq!(list(&cloud), "+-----+\n| Tag |\n+-----+\n+-----+\n");
    let old = cloud.nova(&["--os-compute-api-version", "2.25", "server-tag-list", "vm"]);
    assert_eq!(
        old.stderr,
        "ERROR (CommandError): 'server-tag-list' is only supported by API versions 2.26 - 2.latest (this session uses 2.25).\n"
    );
}

#[test]
fn update_name_and_description() {
    let cloud = Cloud::start();
    let id = cloud.boot_polled_with("old", &["--description", "first"]);
    assert_eq!(
        cloud
            .nova(&["update", "old", "--name", "new", "--description", "second"])
            .ok(),
        ""
    );
    let s = server(&cloud, &id, "2.96");
    assert_eq!(
        (&s["name"], &s["description"]),
        (&"new".into(), &"second".into())
    );
    // An empty description removes it (sent as null).
    assert_eq!(cloud.nova(&["update", "new", "--description", ""]).ok(), "");
    assert_eq!(server(&cloud, &id, "2.96")["description"], Value::Null);
    let old = cloud.nova(&[
        "--os-compute-api-version",
        "2.18",
        "update",
        "new",
        "--description",
        "x",
    ]);
    assert_eq!(
        old.stderr,
        "ERROR (CommandError): '--description' is only supported by API versions 2.19 - 2.latest (this session uses 2.18).\n"
    );
    assert_eq!(
        cloud
            .nova(&[
                "--os-compute-api-version",
                "2.18",
                "update",
                "new",
                "--name",
                "n2"
            ])
            .ok(),
        ""
    );
    assert_eq!(server(&cloud, &id, "2.96")["name"], "n2");
    // Nothing to change (no option, or only an empty name): no PUT is sent, as novaclient.
    for args in [&["update", "n2"][..], &["update", "n2", "--name", ""]] {
        let run = cloud.nova(&[&["--debug"], args].concat());
        assert_eq!(run.stdout, "");
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stderr.contains("GET "), "{}", run.stderr);
        assert!(!run.stderr.contains("PUT "), "{}", run.stderr);
    }
    assert_eq!(server(&cloud, &id, "2.96")["name"], "n2");
}

/// The rows of a rebuilt or evacuated server's table that vary from run to run, normalised.
fn stable(rows: Vec<(String, String)>) -> Vec<(String, String)> {
    rows.into_iter()
        .map(|(k, v)| {
            let varies = matches!(
                k.as_str(),
                "created"
                    | "updated"
                    | "OS-SRV-USG:launched_at"
                    | "hostId"
                    | "tenant_id"
                    | "user_id"
                    | "OS-EXT-SRV-ATTR:reservation_id"
                    | "OS-EXT-SRV-ATTR:host"
                    | "OS-EXT-SRV-ATTR:hypervisor_hostname"
            );
            (
                k,
                if varies {
                    "*".to_string()
                } else {
                    norm_uuids(&v)
                },
            )
        })
        .collect()
}

#[test]
fn rebuild_prints_the_server_and_polls() {
    let cloud = Cloud::start();
    cloud.boot_polled("vm");
    let run = cloud.nova(&[
        "rebuild",
        "vm",
        IMAGE,
        "--name",
        "vm2",
        "--description",
        "rebuilt",
        "--rebuild-password",
        "pw",
        "--meta",
        "k=v",
        "--poll",
    ]);
    let out = run.ok();
    let rows: Vec<(String, String)> = [
        ("OS-DCF:diskConfig", "MANUAL"),
        ("OS-EXT-AZ:availability_zone", "nova"),
        ("OS-EXT-SRV-ATTR:host", "*"),
        ("OS-EXT-SRV-ATTR:hostname", "vm"),
        ("OS-EXT-SRV-ATTR:hypervisor_hostname", "*"),
        ("OS-EXT-SRV-ATTR:instance_name", "instance-00000001"),
        ("OS-EXT-SRV-ATTR:kernel_id", ""),
        ("OS-EXT-SRV-ATTR:launch_index", "0"),
        ("OS-EXT-SRV-ATTR:ramdisk_id", ""),
        ("OS-EXT-SRV-ATTR:reservation_id", "*"),
        ("OS-EXT-SRV-ATTR:root_device_name", "/dev/vda"),
        ("OS-EXT-STS:power_state", "1"),
        ("OS-EXT-STS:task_state", "rebuilding"),
        ("OS-EXT-STS:vm_state", "active"),
        ("OS-SRV-USG:launched_at", "*"),
        ("OS-SRV-USG:terminated_at", "-"),
        ("accessIPv4", ""),
        ("accessIPv6", ""),
        ("adminPass", "pw"),
        ("config_drive", ""),
        ("created", "*"),
        ("description", "rebuilt"),
        ("flavor:disk", "1"),
        ("flavor:ephemeral", "0"),
        ("flavor:extra_specs", "{}"),
        ("flavor:original_name", "m1.tiny"),
        ("flavor:ram", "512"),
        ("flavor:swap", "0"),
        ("flavor:vcpus", "1"),
        ("hostId", "*"),
        ("host_status", "UP"),
        ("id", UUID),
        ("image", &format!("{IMAGE} ({UUID})")),
        ("key_name", "-"),
        ("locked", "False"),
        ("locked_reason", "-"),
        ("metadata", "{\"k\": \"v\"}"),
        ("name", "vm2"),
        ("os-extended-volumes:volumes_attached", "[]"),
        ("pinned_availability_zone", "-"),
        ("private network", "10.0.0.3"),
        ("progress", "0"),
        ("security_groups", "default"),
        ("server_groups", "[]"),
        ("status", "REBUILD"),
        ("tags", "[]"),
        ("tenant_id", "*"),
        ("trusted_image_certificates", "-"),
        ("updated", "*"),
        ("user_data", "-"),
        ("user_id", "*"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(stable(props(out)), rows, "{out}");
    assert!(
        out.starts_with("+--------------------------------------+"),
        "{out}"
    );
    assert!(
        out.contains("+\n\n\rServer rebuilding... ")
            && out.ends_with("\rServer rebuilding... 100% complete\nFinished\n"),
        "{out}"
    );
    // Before 2.19 there is no description; 2.54 brings --key-name / --key-unset.
    let old = cloud.nova(&[
        "--os-compute-api-version",
        "2.18",
        "rebuild",
        "vm2",
        IMAGE_ID,
    ]);
    assert_eq!(prop(old.ok(), "name").as_deref(), Some("vm2"));
    assert_eq!(prop(&old.stdout, "description"), None);
    let key = cloud.nova(&[
        "--os-compute-api-version",
        "2.53",
        "rebuild",
        "vm2",
        IMAGE,
        "--key-unset",
    ]);
    assert_eq!(
        key.stderr,
        "ERROR (CommandError): '--key-unset' is only supported by API versions 2.54 - 2.latest (this session uses 2.53).\n"
    );
}

#[test]
fn rebuild_keys_and_user_data() {
    let cloud = Cloud::start();
    let dir = temp_dir("rebuild-keys");
    let pubkey = dir.join("id.pub");
    std::fs::write(
        &pubkey,
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIexample me@host\n",
    )
    .expect("write key");
    let p = pubkey.to_string_lossy().to_string();
    cloud.nova(&["keypair-add", "k1", "--pub-key", &p]).ok();
    let id = cloud.boot_polled_with("vm", &["--key-name", "k1", "--description", "d"]);
    let data = dir.join("user-data");
    std::fs::write(&data, "#cloud-config\n").expect("write user data");
    let d = data.to_string_lossy().to_string();
    settle(&cloud, &id);
    let out = cloud.nova(&["rebuild", "vm", IMAGE, "--key-unset", "--user-data", &d]);
    assert_eq!(prop(out.ok(), "key_name").as_deref(), Some("-"));
    // novaclient sends the description (null when not given) from 2.19.
    assert_eq!(prop(&out.stdout, "description").as_deref(), Some("-"));
    settle(&cloud, &id);
    let s = server(&cloud, &id, "2.96");
    assert_eq!(s["key_name"], Value::Null);
    assert_eq!(s["OS-EXT-SRV-ATTR:user_data"], "I2Nsb3VkLWNvbmZpZwo=");
    let out = cloud.nova(&[
        "rebuild",
        "vm",
        IMAGE,
        "--key-name",
        "k1",
        "--preserve-ephemeral",
    ]);
    assert_eq!(prop(out.ok(), "key_name").as_deref(), Some("k1"));
}

/// Force the compute service of a server's host down, so it can be evacuated.
fn host_down(cloud: &Cloud, id: &str) -> String {
    let host = server(cloud, id, "2.96")["OS-EXT-SRV-ATTR:host"]
        .as_str()
        .expect("host")
        .to_string();
    let (status, body) = cloud.api(
        "PUT",
        "/compute/v2.1/os-services/force-down",
        "2.11",
        Some(serde_json::json!({"host": host, "binary": "nova-compute", "forced_down": true})),
    );
    assert_eq!(status, 200, "{body}");
    host
}

#[test]
fn evacuate_by_microversion() {
    let cloud = Cloud::start();
    let id = cloud.boot_polled("vm");
    let from = host_down(&cloud, &id);
    // Before 2.14 onSharedStorage is always sent and the reply's admin password is printed.
    let run = cloud.nova(&[
        "--os-compute-api-version",
        "2.13",
        "evacuate",
        "vm",
        "--password",
        "sekrit",
    ]);
    assert_eq!(
        run.ok(),
        "+-----------+--------+\n| Property  | Value  |\n+-----------+--------+\n| adminPass | sekrit |\n+-----------+--------+\n"
    );
    settle(&cloud, &id);
    let now = server(&cloud, &id, "2.96")["OS-EXT-SRV-ATTR:host"].clone();
    assert_ne!(now, from.as_str());
    // On shared storage there is no password to set.
    let shared = cloud.nova(&[
        "--os-compute-api-version",
        "2.13",
        "evacuate",
        "vm",
        "--on-shared-storage",
        "--password",
        "x",
    ]);
    assert!(
        shared.stderr.starts_with(
            "ERROR (BadRequest): admin password can't be changed on existing disk (HTTP 400)"
        ),
        "{}",
        shared.stderr
    );
    let refused = cloud.nova(&["evacuate", "vm", "--on-shared-storage"]);
    assert_eq!(
        refused.stderr,
        "ERROR (CommandError): '--on-shared-storage' is only supported by API versions 2.1 - 2.13 (this session uses 2.96).\n"
    );
    // From 2.14 nothing is printed; --force (2.29 - 2.67) needs a host.
    let back = now.as_str().expect("host").to_string();
    host_down(&cloud, &id);
    let target = from;
    let run = cloud.nova(&[
        "--os-compute-api-version",
        "2.29",
        "evacuate",
        "vm",
        &target,
        "--force",
    ]);
    assert_eq!(run.ok(), "");
    settle(&cloud, &id);
    assert_eq!(
        server(&cloud, &id, "2.96")["OS-EXT-SRV-ATTR:host"],
        target.as_str()
    );
    let force = cloud.nova(&["evacuate", "vm", &back, "--force"]);
    assert_eq!(
        force.stderr,
        "ERROR (CommandError): '--force' is only supported by API versions 2.29 - 2.67 (this session uses 2.96).\n"
    );
}

#[test]
fn list_options() {
    let cloud = Cloud::start();
    let a = cloud.boot_polled_with("alpha", &["--tags", "red,big"]);
    let b = cloud.boot_polled_with("beta", &["--tags", "red"]);
    let c = cloud.boot_polled("gamma");
    let (_, me) = cloud.api("GET", &format!("/compute/v2.1/servers/{a}"), "2.96", None);
    let tenant = me["server"]["tenant_id"]
        .as_str()
        .expect("tenant")
        .to_string();

    assert_eq!(
        cloud.nova(&["list", "--minimal"]).ok(),
        format!(
            "+--------------------------------------+-------+\n\
             | ID                                   | Name  |\n\
             +--------------------------------------+-------+\n\
             | {a} | alpha |\n| {b} | beta  |\n| {c} | gamma |\n\
             +--------------------------------------+-------+\n"
        )
    );
    let rule = "+--------------------------------------+-------+----------------------------------+--------+------------+-------------+------------------+";
    assert_eq!(
        cloud.nova(&["list", "--all-tenants"]).ok(),
        format!(
            "{rule}\n| ID                                   | Name  | Tenant ID                        | Status | Task State | Power State | Networks         |\n{rule}\n\
             | {a} | alpha | {tenant} | ACTIVE | -          | Running     | private=10.0.0.3 |\n\
             | {b} | beta  | {tenant} | ACTIVE | -          | Running     | private=10.0.0.4 |\n\
             | {c} | gamma | {tenant} | ACTIVE | -          | Running     | private=10.0.0.5 |\n{rule}\n"
        )
    );
    // --fields keeps ID and titles the fields as novaclient does.
    assert_eq!(
        cloud.nova(&["list", "--fields", "name,tenant_id"]).ok(),
        format!(
            "+--------------------------------------+-------+----------------------------------+\n\
             | ID                                   | Name  | Tenant Id                        |\n\
             +--------------------------------------+-------+----------------------------------+\n\
             | {a} | alpha | {tenant} |\n| {b} | beta  | {tenant} |\n| {c} | gamma | {tenant} |\n\
             +--------------------------------------+-------+----------------------------------+\n"
        )
    );
    // The server's order is kept when sorting on the server (descending by default).
    let sorted = cloud.nova(&["list", "--minimal", "--sort", "display_name"]);
    let names: Vec<&str> = sorted
        .ok()
        .lines()
        .filter_map(|l| l.split(" | ").nth(1))
        .map(|n| n.trim_end_matches(" |").trim())
        .collect();
    assert_eq!(names, ["Name", "gamma", "beta", "alpha"]);
    // Each key is paired with its direction (descending when none is given).
    let names_sorted_by = |sort: &str| -> Vec<String> {
        let run = cloud.nova(&["list", "--minimal", "--sort", sort]);
        run.ok()
            .lines()
            .filter_map(|l| l.split(" | ").nth(1))
            .map(|n| n.trim_end_matches(" |").trim().to_string())
            .collect()
    };
    assert_eq!(
        names_sorted_by("display_name:asc"),
        ["Name", "alpha", "beta", "gamma"]
    );
    let both = cloud.nova(&["--debug", "list", "--sort", "display_name:asc,created_at"]);
    assert!(
        both.stderr
            .contains("?sort_key=display_name&sort_key=created_at&sort_dir=asc&sort_dir=desc"),
        "{}",
        both.stderr
    );
    let tagged = |flag: &str, value: &str| -> Vec<String> {
        let run = cloud.nova(&["list", flag, value, "--format", "json"]);
        let rows: Value = serde_json::from_str(run.ok()).expect("json");
        rows.as_array()
            .expect("rows")
            .iter()
            .map(|r| r["name"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(tagged("--tags", "red,big"), ["alpha"]);
    assert_eq!(tagged("--tags-any", "big,red"), ["alpha", "beta"]);
    assert_eq!(tagged("--not-tags", "red,big"), ["beta", "gamma"]);
    assert_eq!(tagged("--not-tags-any", "big,red"), ["gamma"]);
    let old = cloud.nova(&["--os-compute-api-version", "2.25", "list", "--tags", "red"]);
    assert_eq!(
        old.stderr,
        "ERROR (CommandError): '--tags' is only supported by API versions 2.26 - 2.latest (this session uses 2.25).\n"
    );
}

#[test]
fn boot_extras_reach_the_server() {
    let cloud = Cloud::start();
    let dir = temp_dir("boot-extras");
    let data = dir.join("user-data");
    std::fs::write(&data, "#!/bin/sh\necho hi\n").expect("write user data");
    let d = data.to_string_lossy().to_string();
    let run = cloud.nova(&[
        "--debug",
        "boot",
        "many",
        "--flavor",
        "m1.tiny",
        "--image",
        IMAGE,
        "--min-count",
        "2",
        "--user-data",
        &d,
        "--security-groups",
        "default,web",
        "--block-device",
        "source=blank,dest=local,size=1,bootindex=1",
        "--hint",
        "site_hint=abc",
        "--hint",
        "same_host=x",
        "--tags",
        "a,b",
    ]);
    run.ok();
    assert!(
        run.stderr.contains(r#"-d '{"server":{"name":"many","flavorRef":"1","imageRef":"70a599e0-31e7-49b7-b260-868f441e862b","networks":"auto","min_count":2,"max_count":2,"user_data":"IyEvYmluL3NoCmVjaG8gaGkK","security_groups":[{"name":"default"},{"name":"web"}],"block_device_mapping_v2":[{"uuid":"70a599e0-31e7-49b7-b260-868f441e862b","source_type":"image","destination_type":"local","boot_index":0,"delete_on_termination":true},{"source_type":"blank","destination_type":"local","volume_size":"1","boot_index":"1","delete_on_termination":true}],"tags":["a","b"]},"os:scheduler_hints":{"site_hint":"abc","same_host":"x"}}'"#),
        "{}",
        run.stderr
    );
    let id = prop(&run.stdout, "id").expect("id");
    // min_count 2: two servers, named as nova names them.
    let (_, list) = cloud.api("GET", "/compute/v2.1/servers", "2.96", None);
    let mut names: Vec<&str> = list["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    names.sort();
    assert_eq!(names, ["many-1", "many-2"]);
    let s = server(&cloud, &id, "2.100");
    assert_eq!(s["tags"], serde_json::json!(["a", "b"]));
    assert_eq!(
        s["security_groups"],
        serde_json::json!([{"name": "default"}, {"name": "web"}])
    );
    assert_eq!(s["OS-EXT-SRV-ATTR:user_data"], "IyEvYmluL3NoCmVjaG8gaGkK");
    assert_eq!(
        s["scheduler_hints"],
        serde_json::json!({"site_hint": "abc", "same_host": "x"})
    );
    // Without counts novaclient sends 1 and 1; --max-count alone keeps min_count 1.
    let one = cloud.nova(&[
        "--debug",
        "boot",
        "one",
        "--flavor",
        "1",
        "--image",
        IMAGE,
        "--max-count",
        "3",
    ]);
    one.ok();
    assert!(
        one.stderr.contains(r#""min_count":1,"max_count":3"#),
        "{}",
        one.stderr
    );
    let tags = cloud.nova(&[
        "--os-compute-api-version",
        "2.51",
        "boot",
        "t",
        "--flavor",
        "1",
        "--image",
        IMAGE,
        "--tags",
        "a",
    ]);
    assert_eq!(
        tags.stderr,
        "ERROR (CommandError): '--tags' is only supported by API versions 2.52 - 2.latest (this session uses 2.51).\n"
    );
}
