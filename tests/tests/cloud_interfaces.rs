//! nova-sim's `/servers/{id}/os-interface` (the api-samples of `os-attach-interfaces` and its
//! v2.49 and v2.70) and its minimal network service (`GET /network/v2.0/networks`, Neutron's
//! shape, in the catalog as type `network`), against nova 34 and Neutron: shapes, status
//! codes and messages.

use novagen_tests::{err, keys, Cloud};
use serde_json::{json, Value};

/// The private network: the ID the boot tests already give `--nic net-id=`.
const NET: &str = "3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f";

#[test]
fn interfaces_list_attach_show_detach() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let id = api.boot_active("a");
    let path = format!("/servers/{id}/os-interface");
    // The boot port: the server's address on the private network.
    let (s, b) = api.call("2.1", "GET", &path, None);
    assert_eq!(s, 200, "{b}");
    let ports = b["interfaceAttachments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(ports.len(), 1, "{b}");
    assert_eq!(
        keys(&ports[0]),
        ["fixed_ips", "mac_addr", "net_id", "port_id", "port_state"]
    );
    assert_eq!(ports[0]["net_id"], NET);
    assert_eq!(ports[0]["port_state"], "ACTIVE");
    let (_, server) = api.call("2.1", "GET", &format!("/servers/{id}"), None);
    let addr = server["server"]["addresses"]["private"][0]["addr"].clone();
    assert_eq!(ports[0]["fixed_ips"][0]["ip_address"], addr);
    let boot_port = ports[0]["port_id"].as_str().expect("port").to_string();
    // The same port ID next time.
    let (_, again) = api.call("2.1", "GET", &path, None);
    assert_eq!(
        again["interfaceAttachments"][0]["port_id"],
        json!(boot_port)
    );

    // Attach by network with an address and a tag (2.49), shown from 2.70: 200.
    let (s, b) = api.call(
        "2.70",
        "POST",
        &path,
        Some(json!({"interfaceAttachment": {"net_id": NET, "fixed_ips": [{"ip_address": "10.0.9.9"}], "tag": "public"}})),
    );
    assert_eq!(s, 200, "{b}");
    let new = &b["interfaceAttachment"];
    assert_eq!(
        keys(new),
        [
            "fixed_ips",
            "mac_addr",
            "net_id",
            "port_id",
            "port_state",
            "tag"
        ]
    );
    assert_eq!(new["tag"], "public");
    assert_eq!(new["fixed_ips"][0]["ip_address"], "10.0.9.9");
    let port = new["port_id"].as_str().expect("port").to_string();
    let (s, b) = api.call("2.1", "GET", &format!("{path}/{port}"), None);
    assert_eq!(s, 200);
    assert!(b["interfaceAttachment"].get("tag").is_none());
    let (_, b) = api.call(
        "2.1",
        "GET",
        &format!("/servers/{id}/os-instance-actions"),
        None,
    );
    assert_eq!(b["instanceActions"][0]["action"], "attach_interface");
    // The server shows the new address beside its boot one.
    let (_, server) = api.call("2.1", "GET", &format!("/servers/{id}"), None);
    let addrs: Vec<&str> = server["server"]["addresses"]["private"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["addr"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(addrs, [addr.as_str().unwrap_or_default(), "10.0.9.9"]);

    // Detach: 202, recorded; the port is gone.
    assert_eq!(
        api.call("2.1", "DELETE", &format!("{path}/{port}"), None),
        (202, Value::Null)
    );
    let (_, b) = api.call(
        "2.1",
        "GET",
        &format!("/servers/{id}/os-instance-actions"),
        None,
    );
    assert_eq!(b["instanceActions"][0]["action"], "detach_interface");
    assert_eq!(
        api.call("2.1", "GET", &format!("{path}/{port}"), None),
        (
            404,
            err(
                "itemNotFound",
                404,
                &format!("Port id {port} could not be found.")
            )
        )
    );
    // Detaching the boot port takes the server's address away.
    assert_eq!(
        api.call("2.1", "DELETE", &format!("{path}/{boot_port}"), None)
            .0,
        202
    );
    let (_, server) = api.call("2.1", "GET", &format!("/servers/{id}"), None);
    assert_eq!(server["server"]["addresses"], json!({}));
    let (_, b) = api.call("2.1", "GET", &path, None);
    assert_eq!(b["interfaceAttachments"], json!([]));
}

#[test]
fn interface_refusals() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let id = api.boot_active("a");
    let other = api.boot_active("a");
    let path = format!("/servers/{id}/os-interface");
    let (_, b) = api.call(
        "2.1",
        "GET",
        &format!("/servers/{other}/os-interface"),
        None,
    );
    let theirs = b["interfaceAttachments"][0]["port_id"]
        .as_str()
        .expect("port")
        .to_string();
    let (_, b) = api.call("2.1", "GET", &format!("/servers/{other}"), None);
    let their_ip = b["server"]["addresses"]["private"][0]["addr"]
        .as_str()
        .expect("addr")
        .to_string();
    let nope = "8a0c3e5b-2f4d-4b6a-9c8e-1d2f3a4b5c6d";
    let post = |v: &str, body: Value| api.call(v, "POST", &path, Some(body));
    let cases = [
        ("2.1", json!({"interfaceAttachment": {"net_id": NET, "port_id": nope}}), 400, "badRequest",
         "Must not input both network_id and port_id".to_string()),
        ("2.1", json!({"interfaceAttachment": {"fixed_ips": [{"ip_address": "10.0.0.9"}]}}), 400, "badRequest",
         "Must input network_id when request IP address".to_string()),
        ("2.1", json!({"interfaceAttachment": {"net_id": "x"}}), 400, "badRequest",
         "Invalid input for field/attribute net_id. Value: x. 'x' is not a 'uuid'".to_string()),
        ("2.1", json!({"interfaceAttachment": {"net_id": NET, "tag": "t"}}), 400, "badRequest",
         format!("Invalid input for field/attribute interfaceAttachment. Value: {{'net_id': '{NET}', 'tag': 't'}}. Additional properties are not allowed ('tag' was unexpected)")),
        ("2.1", json!({"interfaceAttachment": {"net_id": nope}}), 404, "itemNotFound",
         format!("Network {nope} could not be found.")),
        ("2.1", json!({"interfaceAttachment": {"port_id": nope}}), 404, "itemNotFound",
         format!("Port id {nope} could not be found.")),
        ("2.1", json!({"interfaceAttachment": {"port_id": theirs}}), 409, "conflictingRequest",
         format!("Port {theirs} is still in use.")),
        ("2.1", json!({"interfaceAttachment": {"net_id": NET, "fixed_ips": [{"ip_address": their_ip}]}}), 409, "conflictingRequest",
         format!("Fixed IP address {their_ip} is already in use on instance {other}.")),
    ];
    for (v, body, status, kind, message) in cases {
        assert_eq!(
            post(v, body.clone()),
            (status, err(kind, status, &message)),
            "{body}"
        );
    }
    assert_eq!(
        api.call("2.1", "GET", &format!("{path}/{theirs}"), None),
        (
            404,
            err(
                "itemNotFound",
                404,
                &format!("Instance {id} does not have a port with id {theirs}")
            )
        )
    );
    assert_eq!(
        api.call("2.1", "DELETE", &format!("{path}/{theirs}"), None),
        (
            404,
            err(
                "itemNotFound",
                404,
                &format!("Port id {theirs} could not be found.")
            )
        )
    );
    assert_eq!(
        api.call("2.1", "GET", &format!("/servers/{nope}/os-interface"), None),
        (
            404,
            err(
                "itemNotFound",
                404,
                &format!("Instance {nope} could not be found.")
            )
        )
    );
    // Not while a task runs.
    assert_eq!(
        api.call(
            "2.1",
            "POST",
            &format!("/servers/{id}/action"),
            Some(json!({"pause": null}))
        )
        .0,
        202
    );
    assert_eq!(
        post("2.1", json!({"interfaceAttachment": {"net_id": NET}})),
        (
            409,
            err(
                "conflictingRequest",
                409,
                &format!(
                    "Cannot 'attach_interface' instance {id} while it is in task_state pausing"
                )
            )
        )
    );
}

#[test]
fn the_network_service_finds_private_by_name() {
    let cloud = Cloud::with_args(&["--build-time", "0.4", "--network"]);
    let api = cloud.compute();
    let base = format!("{}/network/v2.0", api.cloud.url);
    let get = |url: &str, token: bool| {
        let mut r = reqwest::blocking::Client::new().get(url);
        if token {
            r = r.header("X-Auth-Token", &api.token);
        }
        let resp = r.send().expect("cloud answers");
        (
            resp.status().as_u16(),
            resp.json::<Value>().unwrap_or(Value::Null),
        )
    };
    let (s, b) = get(&format!("{base}/networks?name=private"), true);
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["networks"].as_array().map(Vec::len), Some(1));
    assert_eq!(b["networks"][0]["id"], NET);
    assert_eq!(
        b["networks"][0]["subnets"],
        json!(["f8a6e8f8-c2ec-497c-9f23-da9616de54ef"])
    );
    assert_eq!(
        get(&format!("{base}/networks?id={NET}"), true).1["networks"][0]["name"],
        "private"
    );
    assert_eq!(
        get(&format!("{base}/networks?name=public"), true),
        (200, json!({"networks": []}))
    );
    assert_eq!(
        get(&format!("{base}/networks"), true).1["networks"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(
        get(&format!("{base}/networks/{NET}"), true).1["network"]["name"],
        "private"
    );
    let nope = "8a0c3e5b-2f4d-4b6a-9c8e-1d2f3a4b5c6d";
    assert_eq!(
        get(&format!("{base}/networks/{nope}"), true),
        (
            404,
            json!({"NeutronError": {"type": "NetworkNotFound", "message": format!("Network {nope} could not be found."), "detail": ""}})
        )
    );
    assert_eq!(get(&format!("{base}/networks"), false).0, 401);
    // The catalog names it (with --network).
    let resp = reqwest::blocking::Client::new()
        .get(format!("{}/identity/v3/auth/tokens", api.cloud.url))
        .header("X-Auth-Token", &api.token)
        .header("X-Subject-Token", &api.token)
        .send()
        .expect("keystone answers");
    let token: Value = resp.json().expect("json");
    let network = token["token"]["catalog"]
        .as_array()
        .and_then(|c| c.iter().find(|e| e["type"] == "network"))
        .cloned()
        .expect("a network entry");
    assert!(network["endpoints"].as_array().is_some_and(|e| e
        .iter()
        .any(|x| x["interface"] == "public" && x["url"] == format!("{}/network", api.cloud.url))));
    // A boot on it by ID gets its address.
    let (s, b) = api.call(
        "2.1",
        "POST",
        "/servers",
        Some(json!({"server": {"name": "n", "flavorRef": "1", "imageRef": nova_sim::BASE_IMAGE_ID, "networks": [{"uuid": NET}]}})),
    );
    assert_eq!(s, 202, "{b}");
}
