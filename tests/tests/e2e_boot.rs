//! boot's block devices and network names, and show --minimal, as the built `nova` runs them
//! against `nova-sim`: the bodies sent as python-novaclient 18.13.1 builds them
//! (`_parse_block_device_mapping_v2`: --boot-volume, --snapshot, each --block-device, each
//! --ephemeral, --swap, in that order, the image's own mapping first when an image is booted
//! with any of them; `imageRef` '' without an image), its client-side refusals (no request
//! sent), `--nic net-name=` looked up in the network service (by name only) and its messages,
//! and show --minimal (IDs, no flavor or image lookup).

use novagen_tests::fault::{Answer, FaultCloud};
use novagen_tests::{requested, Cloud};
use serde_json::{json, Value};

const V: &str = "--os-compute-api-version";
const IMAGE: &str = "cirros-0.6.2-x86_64-disk";
const IMAGE_ID: &str = "70a599e0-31e7-49b7-b260-868f441e862b";
const VOL: &str = "6ca404f3-d844-4169-bb96-bc792f37de98";
const SNAP: &str = "9b5f2c4e-1d3a-4f6b-8c7d-0e1f2a3b4c5d";
const NET_ID: &str = "3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f";
const NO_SOURCE: &str = "ERROR (CommandError): you need to specify at least one source ID (Image, Snapshot, or Volume), a block device mapping or provide a set of properties to match against an image\n";

/// The `server` of the POST /servers a `--debug` run sent.
fn posted(debug: &str) -> Value {
    let body = debug
        .lines()
        .filter(|l| l.starts_with("REQ: ") && l.contains("-X POST") && l.contains("/servers "))
        .find_map(|l| l.split_once(" -d '").map(|(_, b)| b.trim_end_matches('\'')))
        .unwrap_or_else(|| panic!("no POST /servers in:\n{debug}"));
    let body: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    body["server"].clone()
}

/// `nova --debug boot NAME --flavor m1.tiny ARGS...`: the server sent.
fn boot_body(cloud: &Cloud, name: &str, args: &[&str]) -> Value {
    let mut all = vec![
        "--debug", "boot", name, "--flavor", "m1.tiny", "--nic", "none",
    ];
    all.extend(args);
    let run = cloud.nova(&all);
    run.ok();
    posted(&run.stderr)
}

fn image_mapping() -> Value {
    json!({"uuid": IMAGE_ID, "source_type": "image", "destination_type": "local", "boot_index": 0, "delete_on_termination": true})
}

fn swap(size: &str) -> Value {
    json!({"source_type": "blank", "destination_type": "local", "boot_index": -1, "delete_on_termination": true, "guest_format": "swap", "volume_size": size})
}

#[test]
fn boot_sends_novaclients_block_device_mappings() {
    let cloud = Cloud::start();
    // --boot-volume: the volume at boot index 0, kept on delete; imageRef '' as novaclient.
    let s = boot_body(&cloud, "bfv", &["--boot-volume", VOL]);
    assert_eq!(s["imageRef"], "");
    assert_eq!(
        s["block_device_mapping_v2"],
        json!([{"uuid": VOL, "source_type": "volume", "destination_type": "volume", "boot_index": 0, "delete_on_termination": false}])
    );
    // --snapshot, then each --ephemeral (sizes as typed), then --swap (MiB, as typed).
    let s = boot_body(
        &cloud,
        "snap",
        &[
            "--snapshot",
            SNAP,
            "--swap",
            "64",
            "--ephemeral",
            "size=1,format=ext4",
            "--ephemeral",
            "size=2",
        ],
    );
    assert_eq!(s["imageRef"], "");
    assert_eq!(
        s["block_device_mapping_v2"],
        json!([
            {"uuid": SNAP, "source_type": "snapshot", "destination_type": "volume", "boot_index": 0, "delete_on_termination": false},
            {"source_type": "blank", "destination_type": "local", "boot_index": -1, "delete_on_termination": true, "volume_size": "1", "guest_format": "ext4"},
            {"source_type": "blank", "destination_type": "local", "boot_index": -1, "delete_on_termination": true, "volume_size": "2"},
            swap("64"),
        ])
    );
    // An image with a --block-device: the image's own mapping first (bug 1433609's rule).
    let s = boot_body(
        &cloud,
        "img-bd",
        &["--image", IMAGE, "--block-device", "source=blank,size=1"],
    );
    assert_eq!(s["imageRef"], IMAGE_ID);
    assert_eq!(
        s["block_device_mapping_v2"],
        json!([image_mapping(), {"source_type": "blank", "volume_size": "1", "destination_type": "local", "delete_on_termination": true}])
    );
    // ... and with only a --swap.
    let s = boot_body(&cloud, "img-swap", &["--image", IMAGE, "--swap", "512"]);
    assert_eq!(
        s["block_device_mapping_v2"],
        json!([image_mapping(), swap("512")])
    );
    // An image alone: no mappings at all.
    let s = boot_body(&cloud, "img", &["--image", IMAGE]);
    assert_eq!(s["imageRef"], IMAGE_ID);
    assert!(s.get("block_device_mapping_v2").is_none(), "{s}");
    // A swap alone is a mapping: novaclient lets it through, nova decides.
    let s = boot_body(&cloud, "swap-only", &["--swap", "64"]);
    assert_eq!(s["imageRef"], "");
    assert_eq!(s["block_device_mapping_v2"], json!([swap("64")]));
}

#[test]
fn boot_refuses_as_novaclient_before_any_request() {
    let cloud = Cloud::start();
    let cases: &[&[&str]] = &[
        &[],
        &["--image", IMAGE, "--boot-volume", VOL],
        &["--image", IMAGE, "--snapshot", SNAP],
        &["--boot-volume", VOL, "--snapshot", SNAP],
        &["--image", IMAGE, "--boot-volume", VOL, "--swap", "64"],
    ];
    for args in cases {
        let mut all = vec!["--debug", "boot", "vm", "--flavor", "m1.tiny"];
        all.extend(*args);
        let run = cloud.nova(&all);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.ends_with(NO_SOURCE), "{args:?}: {}", run.stderr);
        assert!(
            !requested(&run.stderr)
                .iter()
                .any(|r| r.starts_with("POST /compute")),
            "{args:?}: a server was asked for"
        );
    }
    assert!(
        !cloud.nova(&["list"]).ok().contains(" vm "),
        "a server was booted"
    );
}

#[test]
fn boot_looks_a_network_name_up_in_the_network_service() {
    let cloud = Cloud::with_args(&["--build-time", "0.4", "--network"]);
    let run = cloud.nova(&[
        "--debug",
        "boot",
        "vm",
        "--flavor",
        "m1.tiny",
        "--image",
        IMAGE,
        "--nic",
        "net-name=private,v4-fixed-ip=10.0.0.9",
    ]);
    run.ok();
    assert_eq!(
        posted(&run.stderr)["networks"],
        json!([{"uuid": NET_ID, "fixed_ip": "10.0.0.9"}])
    );
    assert!(
        run.stderr.contains("-X GET http://127.0.0.1:")
            && run.stderr.contains("/network/v2.0/networks?name=private "),
        "{}",
        run.stderr
    );
    // A network's ID given as its name is still a name (novaclient's find_network): not found,
    // and never fetched by ID.
    let run = cloud.nova(&[
        "--debug",
        "boot",
        "vm2",
        "--flavor",
        "m1.tiny",
        "--image",
        IMAGE,
        "--nic",
        &format!("net-name={NET_ID}"),
    ]);
    run.fails(
        1,
        &format!("ERROR (CommandError): No Network matching {NET_ID}. (HTTP 404)\n"),
    );
    assert!(!requested(&run.stderr).contains(&format!("GET /network/v2.0/networks/{NET_ID}")));
    assert!(!requested(&run.stderr)
        .iter()
        .any(|r| r == "POST /compute/v2.1/servers"));
    let run = cloud.nova(&[
        "boot",
        "vm2",
        "--flavor",
        "m1.tiny",
        "--image",
        IMAGE,
        "--nic",
        "net-name=public",
    ]);
    assert_eq!(
        run.stderr,
        "ERROR (CommandError): No Network matching public. (HTTP 404)\n"
    );
    // Only one of net-id, net-name and port-id.
    let run = cloud.nova(&[
        V,
        "2.1",
        "boot",
        "vm2",
        "--flavor",
        "m1.tiny",
        "--image",
        IMAGE,
        "--nic",
        &format!("net-name=private,net-id={NET_ID}"),
    ]);
    assert_eq!(
        run.stderr,
        format!("ERROR (CommandError): Invalid nic argument 'net-name=private,net-id={NET_ID}'. Nic arguments must be of the form --nic <net-id=net-uuid,net-name=network-name,v4-fixed-ip=ip-addr,v6-fixed-ip=ip-addr,port-id=port-uuid>, with only one of net-id, net-name or port-id specified.\n")
    );
}

/// The value of a `Property | Value` row.
fn row<'a>(table: &'a str, key: &str) -> Option<&'a str> {
    table.lines().find_map(|l| {
        let rest = l.strip_prefix("| ")?;
        let (k, v) = rest.split_once(" | ")?;
        (k.trim_end() == key).then(|| v.trim_end_matches('|').trim_end())
    })
}

#[test]
fn show_minimal_shows_ids_without_lookups() {
    let cloud = Cloud::start();
    let id = cloud.boot_polled("web");
    // From 2.47 the flavor's original name, not its flavor:* rows.
    let run = cloud.nova(&["--debug", "show", "web", "--minimal"]);
    let out = run.ok();
    assert_eq!(row(out, "flavor"), Some("m1.tiny"));
    assert_eq!(row(out, "flavor:ram"), None);
    assert_eq!(row(out, "image"), Some(IMAGE_ID));
    let asked = requested(&run.stderr);
    assert!(
        !asked
            .iter()
            .any(|r| r.contains("/images/") || r.contains("/flavors/")),
        "{asked:?}"
    );
    // Before 2.47 the flavor's ID.
    let out = cloud.nova(&[V, "2.1", "show", &id, "--minimal"]);
    assert_eq!(row(out.ok(), "flavor"), Some("1"));
    assert_eq!(row(out.ok(), "image"), Some(IMAGE_ID));
    // Without --minimal, as before: looked up.
    let out = cloud.nova(&[V, "2.1", "show", &id]);
    assert_eq!(row(out.ok(), "flavor"), Some("m1.tiny (1)"));
    assert_eq!(
        row(out.ok(), "image"),
        Some(&*format!("{IMAGE} ({IMAGE_ID})"))
    );
    // A server booted from a volume has no image, either way.
    cloud
        .nova(&[
            "boot",
            "bfv",
            "--flavor",
            "m1.tiny",
            "--boot-volume",
            VOL,
            "--poll",
        ])
        .ok();
    for minimal in [true, false] {
        let mut args = vec!["show", "bfv"];
        if minimal {
            args.push("--minimal");
        }
        let out = cloud.nova(&args);
        assert_eq!(
            row(out.ok(), "image"),
            Some("Attempt to boot from volume - no image supplied"),
            "minimal: {minimal}"
        );
    }
}

#[test]
fn a_network_name_that_several_networks_have_is_refused() {
    // nova-sim has one network: a scripted cloud has two of the same name.
    let cloud = FaultCloud::start(|req, _| match (req.method.as_str(), req.path()) {
        ("GET", "/compute/v2.1/flavors/1") => {
            Answer::json(200, json!({"flavor": {"id": "1", "name": "m1.tiny"}}))
        }
        ("GET", "/network/v2.0/networks") if req.target.ends_with("?name=twin") => Answer::json(
            200,
            json!({"networks": [{"id": "n1", "name": "twin"}, {"id": "n2", "name": "twin"}]}),
        ),
        _ => Answer::Default,
    });
    let run = cloud.nova(&[
        "boot",
        "vm",
        "--flavor",
        "1",
        "--boot-volume",
        VOL,
        "--nic",
        "net-name=twin",
    ]);
    assert_eq!(
        run.stderr,
        "ERROR (CommandError): Multiple network matches found for 'twin', use an ID to be more specific.\n"
    );
    assert!(!cloud
        .seen()
        .iter()
        .any(|r| r.method == "POST" && r.path() == "/compute/v2.1/servers"));
}
