//! nova-sim's `/os-simple-tenant-usage` paging from 2.40 against nova 34 (the api-samples of
//! `os-simple-tenant-usage/v2.40`): `limit` / `marker` over the servers of the period, the
//! marker the last server's ID, `tenant_usages_links` / `tenant_usage_links` built as nova's
//! `_get_next_link` (the query sorted, a new marker last), and nova's refusals.

use novagen_tests::{err, Cloud};
use serde_json::{json, Value};

const PERIOD: &str = "start=2000-01-01T00:00:00&end=2999-01-01T00:00:00";
const SORTED: &str = "end=2999-01-01T00%3A00%3A00";

fn ids(usage: &Value) -> Vec<String> {
    usage["server_usages"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|u| u["instance_id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn usage_pages_by_server_with_novas_links() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let servers: Vec<String> = ["a", "b", "c"].iter().map(|n| api.boot(n)).collect();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let project = "6f70656e737461636b20342065766572";
    let base = &api.cloud.url;
    // Page by page, one server each, following the links.
    let mut seen = Vec::new();
    let mut query = format!("{PERIOD}&detailed=1&limit=1");
    for i in 0..3 {
        let (s, b) = api.call(
            "2.40",
            "GET",
            &format!("/os-simple-tenant-usage?{query}"),
            None,
        );
        assert_eq!(s, 200, "{b}");
        let page = ids(&b["tenant_usages"][0]);
        assert_eq!(page.len(), 1, "{b}");
        // A marker asked for keeps its sorted place; a new one goes last.
        let want = if i == 0 {
            format!(
                "{base}/compute/v2.1/os-simple-tenant-usage?detailed=1&{SORTED}&limit=1&start=2000-01-01T00%3A00%3A00&marker={}",
                page[0]
            )
        } else {
            format!(
                "{base}/compute/v2.1/os-simple-tenant-usage?detailed=1&{SORTED}&limit=1&marker={}&start=2000-01-01T00%3A00%3A00",
                page[0]
            )
        };
        assert_eq!(
            b["tenant_usages_links"],
            json!([{"href": want, "rel": "next"}]),
            "page {i}"
        );
        seen.extend(page.clone());
        query = format!("{PERIOD}&detailed=1&limit=1&marker={}", page[0]);
    }
    // Past the last server: an empty page and no link.
    let (_, b) = api.call(
        "2.40",
        "GET",
        &format!("/os-simple-tenant-usage?{query}"),
        None,
    );
    assert_eq!(b, json!({"tenant_usages": []}));
    assert_eq!(seen, servers, "oldest first");

    // One project's report: tenant_usage_links under its own path.
    let (s, b) = api.call(
        "2.40",
        "GET",
        &format!("/os-simple-tenant-usage/{project}?{PERIOD}&limit=2"),
        None,
    );
    assert_eq!(s, 200, "{b}");
    assert_eq!(ids(&b["tenant_usage"]), servers[..2]);
    assert_eq!(
        b["tenant_usage_links"][0]["href"],
        json!(format!("{base}/compute/v2.1/os-simple-tenant-usage/{project}?{SORTED}&limit=2&start=2000-01-01T00%3A00%3A00&marker={}", servers[1]))
    );
    // Before 2.40: no paging, no links.
    let (_, b) = api.call(
        "2.39",
        "GET",
        &format!("/os-simple-tenant-usage?{PERIOD}&detailed=1&limit=1"),
        None,
    );
    assert_eq!(ids(&b["tenant_usages"][0]).len(), 3);
    assert!(b.get("tenant_usages_links").is_none());
}

#[test]
fn usage_paging_refusals() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    api.boot("a");
    let nope = "3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f";
    assert_eq!(
        api.call(
            "2.40",
            "GET",
            &format!("/os-simple-tenant-usage?{PERIOD}&marker={nope}"),
            None
        ),
        (
            400,
            err(
                "badRequest",
                400,
                &format!("Marker {nope} could not be found.")
            )
        )
    );
    assert_eq!(
        api.call(
            "2.40",
            "GET",
            &format!(
                "/os-simple-tenant-usage/6f70656e737461636b20342065766572?{PERIOD}&marker={nope}"
            ),
            None
        ),
        (
            400,
            err(
                "badRequest",
                400,
                &format!("Marker {nope} could not be found.")
            )
        )
    );
    assert_eq!(
        api.call("2.40", "GET", &format!("/os-simple-tenant-usage?{PERIOD}&limit=-1"), None),
        (400, err("badRequest", 400, "Invalid input for query parameters limit. Value: -1. '-1' does not match '^[0-9]*$'"))
    );
}

/// Without `start` and `end` both bounds are "now", read one after the other as nova does:
/// the second read is later, so the period is never refused as starting after its end, however
/// quickly the two reads follow each other.
#[test]
fn usage_of_now_is_never_refused() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let project = "6f70656e737461636b20342065766572";
    for i in 0..200 {
        for path in [
            "/os-simple-tenant-usage".to_string(),
            format!("/os-simple-tenant-usage/{project}"),
        ] {
            let (s, b) = api.call("2.1", "GET", &path, None);
            assert_eq!(s, 200, "request {i}, {path}: {b}");
        }
    }
}
