//! nova-sim's `GET /compute/v2.1/versions/{id}` against nova 34 (the samples
//! `versions/v21-version-get-resp.json` and `versions/v2-version-get-resp.json`): nova's
//! `VersionsController.show`, whose self link is the endpoint asked at, and its 404.

use novagen_tests::{Cloud, Compute};
use serde_json::json;

#[test]
fn version_documents_by_id() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    // At 2.1, the default (as without the header).
    let get = |path: &str| api.call("2.1", "GET", path, None);
    let (s, b) = get("/versions/v2.1");
    assert_eq!(s, 200, "{b}");
    let v = &b["version"];
    assert_eq!(
        (v["id"].as_str(), v["status"].as_str()),
        (Some("v2.1"), Some("CURRENT"))
    );
    assert_eq!(
        (v["version"].as_str(), v["min_version"].as_str()),
        (Some("2.104"), Some("2.1"))
    );
    assert_eq!(
        v["links"],
        json!([{"href": format!("{}/compute/v2.1/", cloud.url), "rel": "self"},
               {"href": "http://docs.openstack.org/", "rel": "describedby", "type": "text/html"}])
    );
    assert_eq!(
        v["media-types"][0]["type"],
        "application/vnd.openstack.compute+json;version=2.1"
    );
    let (s, b) = get("/versions/v2.0");
    assert_eq!(s, 200, "{b}");
    let v = &b["version"];
    assert_eq!(
        (
            v["id"].as_str(),
            v["status"].as_str(),
            v["version"].as_str()
        ),
        (Some("v2.0"), Some("DEPRECATED"), Some(""))
    );
    assert_eq!(
        v["links"][0]["href"],
        json!(format!("{}/compute/v2.1/", cloud.url))
    );
    assert_eq!(
        v["media-types"][0]["type"],
        "application/vnd.openstack.compute+json;version=2"
    );
    assert_eq!(
        get("/versions/v3"),
        (
            404,
            json!({"itemNotFound": {"code": 404, "message": "The resource could not be found."}})
        )
    );
    let stranger = Compute {
        cloud: &cloud,
        token: "nope".into(),
    };
    assert_eq!(stranger.call("2.1", "GET", "/versions/v2.1", None).0, 401);
}
