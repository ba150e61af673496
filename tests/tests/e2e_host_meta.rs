//! host-meta (`spec/hypervisors.yaml`) as the built `nova` runs it against `nova-sim`: the
//! servers of every hypervisor matching, then per server one POST of the metadata (set) or one
//! DELETE per key in the order given (delete; a nested `for:`), nothing printed.

use novagen_tests::{requested, Cloud};

const V: &str = "--os-compute-api-version";

fn metadata(cloud: &Cloud, id: &str) -> serde_json::Value {
    let (status, body) = cloud.api(
        "GET",
        &format!("/compute/v2.1/servers/{id}/metadata"),
        "2.96",
        None,
    );
    assert_eq!(status, 200, "{body}");
    body["metadata"].clone()
}

#[test]
fn host_meta_sets_and_deletes_on_every_server_of_the_host() {
    let cloud = Cloud::start();
    // nova-sim places each server on the least loaded compute: a and c on fake-mini, b on compute2.
    let a = cloud.boot_polled("a");
    let b = cloud.boot_polled("b");
    let c = cloud.boot_polled("c");

    let set = cloud.nova(&[
        "--debug",
        "host-meta",
        "fake-mini",
        "set",
        "k1=v1",
        "k2=v2",
        "k1=v3",
    ]);
    assert_eq!(set.ok(), "");
    let sent = requested(&set.stderr);
    assert_eq!(sent[0], "GET /compute/v2.1/os-hypervisors");
    let posts: Vec<&String> = sent.iter().filter(|r| r.starts_with("POST")).collect();
    assert_eq!(posts.len(), 2, "{sent:?}");
    // A key given twice: its last value, as novaclient's dict.
    for id in [&a, &c] {
        assert_eq!(
            metadata(&cloud, id),
            serde_json::json!({"k1": "v3", "k2": "v2"})
        );
    }
    assert_eq!(metadata(&cloud, &b), serde_json::json!({}));

    // Delete: per server, one DELETE per key in the order given (a repeated key once).
    let delete = cloud.nova(&[
        "--debug",
        V,
        "2.52",
        "host-meta",
        "fake-mini",
        "delete",
        "k2",
        "k1=x",
        "k2",
    ]);
    assert_eq!(delete.ok(), "");
    let sent = requested(&delete.stderr);
    assert_eq!(
        sent[0],
        "GET /compute/v2.1/os-hypervisors/fake-mini/servers"
    );
    let deletes: Vec<String> = sent
        .iter()
        .filter(|r| r.starts_with("DELETE"))
        .map(|r| r.rsplit('/').next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(deletes, ["k2", "k1", "k2", "k1"], "{sent:?}");
    for id in [&a, &c] {
        assert_eq!(metadata(&cloud, id), serde_json::json!({}));
    }

    // A host with no hypervisor: nova's 404, in novaclient's words.
    let none = cloud.nova(&["host-meta", "nope", "set", "a=b"]);
    assert_eq!(none.code, 1);
    assert!(
        none.stderr.starts_with(
            "ERROR (NotFound): No hypervisor matching 'nope' could be found. (HTTP 404)"
        ),
        "{}",
        none.stderr
    );
    // A key that is not there: nova's 404 ends the command.
    let missing = cloud.nova(&["host-meta", "fake-mini", "delete", "nokey"]);
    assert_eq!(missing.code, 1, "{}", missing.stderr);
    // The action is set or delete.
    let bad = cloud.nova(&["host-meta", "fake-mini", "add", "a=b"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}
