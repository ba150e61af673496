//! nova-sim's admin server actions `os-resetState` (the sample
//! `os-admin-actions/admin-actions-reset-server-state.json`) and `os-migrateLive` (the samples
//! `os-migrate-server/live-migrate-server.json` and its v2.25, v2.30 and v2.68), against nova
//! 34: bodies by microversion, status codes, the action recorded, and nova's refusals.

use novagen_tests::{err, Cloud, Compute};
use serde_json::{json, Value};

fn show(api: &Compute, id: &str) -> Value {
    api.call("2.1", "GET", &format!("/servers/{id}"), None).1["server"].clone()
}

#[test]
fn reset_state() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let id = api.boot_active("a");
    let act = |body: Value| api.call("2.1", "POST", &format!("/servers/{id}/action"), Some(body));
    assert_eq!(
        act(json!({"os-resetState": {"state": "error"}})),
        (202, Value::Null)
    );
    let s = show(&api, &id);
    assert_eq!(
        (s["status"].as_str(), s["OS-EXT-STS:vm_state"].as_str()),
        (Some("ERROR"), Some("error"))
    );
    assert_eq!(api.last_action(&id), "resetState");
    // From the middle of a task too: the task is dropped.
    assert_eq!(act(json!({"reboot": {"type": "HARD"}})).0, 202);
    assert_eq!(act(json!({"os-resetState": {"state": "active"}})).0, 202);
    let s = show(&api, &id);
    assert_eq!(
        (s["status"].as_str(), s["OS-EXT-STS:task_state"].as_str()),
        (Some("ACTIVE"), None)
    );
    assert_eq!(
        act(json!({"os-resetState": {"state": "stopped"}})),
        (400, err("badRequest", 400, "Invalid input for field/attribute state. Value: stopped. 'stopped' is not one of ['active', 'error']"))
    );
    assert_eq!(
        act(json!({"os-resetState": {}})),
        (400, err("badRequest", 400, "Invalid input for field/attribute os-resetState. Value: {}. 'state' is a required property"))
    );
}

#[test]
fn live_migration_by_microversion() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let id = api.boot_active("a");
    let act =
        |v: &str, body: Value| api.call(v, "POST", &format!("/servers/{id}/action"), Some(body));
    let here = show(&api, &id)["OS-EXT-SRV-ATTR:host"]
        .as_str()
        .expect("host")
        .to_string();
    let there = if here == "compute" {
        "compute2"
    } else {
        "compute"
    };
    // 2.1: block_migration and disk_over_commit, both required.
    assert_eq!(
        act("2.1", json!({"os-migrateLive": {"host": null, "block_migration": false}})),
        (400, err("badRequest", 400, "Invalid input for field/attribute os-migrateLive. Value: {'host': None, 'block_migration': False}. 'disk_over_commit' is a required property"))
    );
    assert_eq!(
        act(
            "2.1",
            json!({"os-migrateLive": {"host": "nowhere", "block_migration": false, "disk_over_commit": false}})
        ),
        (
            400,
            err(
                "badRequest",
                400,
                "Compute host nowhere could not be found."
            )
        )
    );
    assert_eq!(
        act(
            "2.1",
            json!({"os-migrateLive": {"host": here, "block_migration": false, "disk_over_commit": false}})
        ),
        (
            400,
            err(
                "badRequest",
                400,
                &format!("Unable to migrate instance ({id}) to current host ({here}).")
            )
        )
    );
    // 2.25: no disk_over_commit; block_migration may be auto.
    assert_eq!(
        act("2.25", json!({"os-migrateLive": {"host": null, "block_migration": "auto", "disk_over_commit": false}})),
        (400, err("badRequest", 400, "Invalid input for field/attribute os-migrateLive. Value: {'host': None, 'block_migration': 'auto', 'disk_over_commit': False}. Additional properties are not allowed ('disk_over_commit' was unexpected)"))
    );
    let (s, b) = act(
        "2.25",
        json!({"os-migrateLive": {"host": "x", "block_migration": "maybe"}}),
    );
    assert_eq!(s, 400);
    assert!(b["badRequest"]["message"].as_str().is_some_and(|m| m.starts_with(
        "Invalid input for field/attribute block_migration. Value: maybe. 'maybe' is not one of [True, 'True',"
    ) && m.ends_with("'no', 'auto']")), "{b}");
    // 2.30: force needs a host; it is gone again at 2.68.
    assert_eq!(
        act(
            "2.30",
            json!({"os-migrateLive": {"host": null, "block_migration": "auto", "force": true}})
        ),
        (
            400,
            err(
                "badRequest",
                400,
                "Can't force to a non-provided destination"
            )
        )
    );
    assert_eq!(
        act("2.68", json!({"os-migrateLive": {"host": null, "block_migration": "auto", "force": false}})),
        (400, err("badRequest", 400, "Invalid input for field/attribute os-migrateLive. Value: {'host': None, 'block_migration': 'auto', 'force': False}. Additional properties are not allowed ('force' was unexpected)"))
    );
    // Accepted: 202, MIGRATING, then ACTIVE on the other host; recorded as live-migration.
    assert_eq!(
        act(
            "2.30",
            json!({"os-migrateLive": {"host": there, "block_migration": "auto", "force": false}})
        ),
        (202, Value::Null)
    );
    let s = show(&api, &id);
    assert_eq!(
        (s["status"].as_str(), s["OS-EXT-STS:task_state"].as_str()),
        (Some("MIGRATING"), Some("migrating"))
    );
    assert_eq!(api.last_action(&id), "live-migration");
    assert_eq!(
        act(
            "2.68",
            json!({"os-migrateLive": {"host": null, "block_migration": "auto"}})
        ),
        (
            409,
            err(
                "conflictingRequest",
                409,
                &format!(
                    "Cannot 'os-migrateLive' instance {id} while it is in task_state migrating"
                )
            )
        )
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    let s = show(&api, &id);
    assert_eq!(
        (s["status"].as_str(), s["OS-EXT-SRV-ATTR:host"].as_str()),
        (Some("ACTIVE"), Some(there))
    );
    // Not a stopped server.
    assert_eq!(act("2.1", json!({"os-stop": null})).0, 202);
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(
        act(
            "2.68",
            json!({"os-migrateLive": {"host": null, "block_migration": false}})
        ),
        (
            409,
            err(
                "conflictingRequest",
                409,
                &format!("Cannot 'os-migrateLive' instance {id} while it is in vm_state stopped")
            )
        )
    );
}
