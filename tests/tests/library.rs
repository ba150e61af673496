//! The library on its own: request builders against nova-sim, requests built without a cloud,
//! and `Debug` that never shows a secret.

use novaclient::runtime::call::Planned;
use novaclient::runtime::defs::Service;
use novaclient::runtime::ArgValue;
use novaclient::{Client, ConnectOptions, Version};
use novagen_tests::Cloud;
use serde_json::json;

#[path = "support/library.rs"]
mod support;
use support::connect;

#[test]
fn builders_list_find_create_and_delete() {
    let cloud = Cloud::start();
    let client = connect(&cloud);

    let flavors = client.flavors().list().send().expect("flavors");
    assert_eq!(flavors.len(), 5);
    assert_eq!(flavors[0].name, "m1.tiny");
    let two = client
        .flavors()
        .list()
        .limit(2)
        .send()
        .expect("two flavors");
    assert_eq!(two.len(), 2);
    let small = client.flavors().find("m1.small").expect("find by name");
    assert_eq!(small.id, "2");

    let image = client
        .images()
        .find("cirros-0.6.2-x86_64-disk")
        .expect("image");
    let server = client
        .servers()
        .create("web", &small.id)
        .image(&image.id)
        .meta([("role", "frontend")])
        .send()
        .expect("boot");
    assert_eq!(server.name.as_deref(), Some("web"));
    assert!(
        server.raw.get("adminPass").is_some(),
        "the create reply is kept"
    );
    let found = client.servers().find("web").expect("find the server");
    assert_eq!(found.id, server.id);
    let listed = client
        .servers()
        .list()
        .name("web")
        .send()
        .expect("list by name");
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].metadata.as_ref().map(|m| m["role"].clone()),
        Some(json!("frontend"))
    );

    client.servers().delete(&server.id).send().expect("delete");
    let err = client.servers().find("web").expect_err("gone");
    assert_eq!(
        err.to_string(),
        "No server with a name or ID of 'web' exists."
    );
}

#[test]
fn library_calls_take_ids_and_do_not_look_names_up() {
    let cloud = Cloud::start();
    let client = connect(&cloud);
    // `nova show web` would look the name up; the library sends what it is given.
    let err = client.servers().show("web").send().expect_err("no such ID");
    assert!(err.is_not_found(), "{err}");
}

#[test]
fn requests_are_built_without_a_cloud() {
    let client = Client::offline(Version(2, 47)).expect("offline client");
    let planned = client
        .flavors()
        .list()
        .limit(5)
        .min_ram(512)
        .request()
        .preview()
        .expect("plan");
    assert_eq!(
        planned,
        Planned {
            service: Service::Compute,
            method: "GET",
            path: "/flavors/detail".into(),
            root: false,
            query: vec![
                ("minRam".into(), "512".into()),
                ("limit".into(), "5".into())
            ],
            body: None,
        }
    );
    // version-list's GET is below the endpoint's unversioned root (`root: true`).
    let versions = client.versions().list().request().preview().expect("plan");
    assert_eq!(
        (versions.method, versions.path.as_str(), versions.root),
        ("GET", "/", true)
    );
    let boot = client
        .servers()
        .create("vm", "1")
        .image("70a599e0-31e7-49b7-b260-868f441e862b")
        .nic(["net-id=n1,v4-fixed-ip=10.0.0.9"])
        .description("")
        .request()
        .preview()
        .expect("plan boot");
    assert_eq!(boot.method, "POST");
    assert_eq!(
        boot.body,
        Some(
            json!({"server": {"name": "vm", "imageRef": "70a599e0-31e7-49b7-b260-868f441e862b",
            "flavorRef": "1", "networks": [{"uuid": "n1", "fixed_ip": "10.0.0.9"}],
            "description": "", "min_count": 1, "max_count": 1}})
        )
    );
    // The client's own checks hold for a preview as for a run: no image, no volume, nothing.
    let err = client
        .servers()
        .create("vm", "1")
        .request()
        .preview()
        .expect_err("a boot from nothing is refused");
    assert!(
        err.to_string()
            .starts_with("you need to specify at least one source ID"),
        "{err}"
    );
    // An argument outside the session's microversion is refused while building.
    let old = Client::offline(Version(2, 1)).expect("offline client");
    let err = old
        .servers()
        .create("vm", "1")
        .description("x")
        .request()
        .preview()
        .expect_err("description is 2.19+");
    assert_eq!(
        err.to_string(),
        "'--description' is only supported by API versions 2.19 - 2.latest (this session uses 2.1)."
    );
    // Sending needs a cloud.
    assert!(client.flavors().list().send().is_err());
}

#[test]
fn every_request_is_planned_with_stand_in_replies() {
    // host-servers-migrate: a search, then one migrate per server the search found.
    let op = novaclient::spec::OPERATIONS
        .iter()
        .find(|o| o.command == "host-servers-migrate")
        .expect("the spec has host-servers-migrate");
    let client = Client::offline(Version(2, 53)).expect("offline client");
    let mut asked = Vec::new();
    let planned = client
        .plan_all(op, &[ArgValue::Str("fake".into())], |p| {
            asked.push(p.path.clone());
            Some(json!({"hypervisors": [{"id": "h1", "servers": [
                {"uuid": "s1", "name": "a"}, {"uuid": "s2", "name": "b"}]}]}))
        })
        .expect("plan");
    let shown: Vec<(&str, &str, Option<serde_json::Value>)> = planned
        .iter()
        .map(|p| (p.method, p.path.as_str(), p.body.clone()))
        .collect();
    assert_eq!(
        shown,
        vec![
            ("GET", "/os-hypervisors", None),
            ("POST", "/servers/s1/action", Some(json!({"migrate": null}))),
        ]
    );
    assert_eq!(asked, ["/os-hypervisors", "/servers/s1/action"]);
    assert_eq!(
        planned[0].query,
        [
            (
                "hypervisor_hostname_pattern".to_string(),
                "fake".to_string()
            ),
            ("with_servers".to_string(), "True".to_string())
        ]
    );
}

#[test]
fn debug_never_shows_secrets() {
    let options = ConnectOptions {
        password: Some("hunter2-password".into()),
        application_credential_secret: Some("hunter2-secret".into()),
        token: Some("hunter2-token".into()),
        username: Some("admin".into()),
        ..Default::default()
    };
    let text = format!("{options:?}");
    assert!(text.contains("admin"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");

    let cloud = Cloud::start();
    let client = connect(&cloud);
    let token = cloud.token();
    let shown = format!("{client:?}");
    assert!(shown.contains("***"), "{shown}");
    assert!(
        !shown.contains(&token) && !shown.contains("secret"),
        "{shown}"
    );
}
