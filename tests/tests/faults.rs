//! The session against a cloud that misbehaves (`novagen_tests::fault`): redirects, next links
//! to other hosts or to themselves, replies too large or cut off, 503s, refused tokens. Each
//! case is one `nova` run; what the cloud saw is asserted as well as what `nova` printed.

use novagen_tests::fault::{Answer, FaultCloud, Seen};
use serde_json::json;

fn flavor(id: &str) -> serde_json::Value {
    json!({"id": id, "name": format!("f{id}"), "ram": 512, "disk": 1, "vcpus": 1,
           "OS-FLV-EXT-DATA:ephemeral": 0, "swap": "", "rxtx_factor": 1.0,
           "os-flavor-access:is_public": true, "links": []})
}

/// A flavor page with a next link.
fn page(ids: &[&str], next: Option<String>) -> Answer {
    let mut body = json!({"flavors": ids.iter().map(|i| flavor(i)).collect::<Vec<_>>()});
    if let Some(href) = next {
        body["flavors_links"] = json!([{"rel": "next", "href": href}]);
    }
    Answer::json(200, body)
}

const FLAVORS: &str = "/compute/v2.1/flavors/detail";

fn is(req: &Seen, method: &str, path: &str) -> bool {
    req.method == method && req.path() == path
}

#[test]
fn a_redirect_to_another_host_is_not_followed_with_the_token() {
    let other = FaultCloud::start(|_, _| Answer::json(200, json!({"flavors": []})));
    let to = format!("{}{FLAVORS}", other.url);
    let cloud = FaultCloud::start(move |req, _| {
        if is(req, "GET", FLAVORS) {
            Answer::redirect(302, &to)
        } else {
            Answer::Default
        }
    });
    let run = cloud.nova(&["--debug", "flavor-list"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        other.seen().is_empty(),
        "the other host was asked: {:?}",
        other.lines()
    );
    assert!(
        run.stderr.contains("REDIRECT: [302] GET "),
        "{}",
        run.stderr
    );
    let last = run.stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("ERROR (ConnectFailure): ")
            && last.contains(
                "not followed: another host, port or scheme would receive the credentials"
            ),
        "{last}"
    );
}

#[test]
fn a_redirected_token_request_keeps_the_password_home() {
    let other = FaultCloud::start(|_, _| Answer::Default);
    let to = format!("{}/identity/v3/auth/tokens", other.url);
    let cloud = FaultCloud::start(move |req, _| {
        if is(req, "POST", "/identity/v3/auth/tokens") {
            Answer::redirect(307, &to)
        } else {
            Answer::Default
        }
    });
    let run = cloud.nova(&["flavor-list"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(other.seen().is_empty(), "{:?}", other.lines());
    // Same origin, but a body: not re-sent either.
    let same = FaultCloud::start(|req, _| {
        if is(req, "POST", "/identity/v3/auth/tokens") {
            Answer::redirect(307, "/identity/v3/auth/tokens2")
        } else {
            Answer::Default
        }
    });
    let run = same.nova(&["flavor-list"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("only requests without a body are redirected"),
        "{}",
        run.stderr
    );
    assert_eq!(same.lines(), ["POST /identity/v3/auth/tokens"]);
}

#[test]
fn a_same_origin_redirect_of_a_get_is_followed_and_logged() {
    let cloud = FaultCloud::start(|req, _| {
        if is(req, "GET", FLAVORS) {
            Answer::redirect(301, "/compute/v2.1/flavors/moved")
        } else if is(req, "GET", "/compute/v2.1/flavors/moved") {
            page(&["1"], None)
        } else {
            Answer::Default
        }
    });
    let run = cloud.nova(&["--debug", "flavor-list"]);
    assert!(run.ok().contains("| 1  | f1   |"), "{}", run.stdout);
    assert!(
        run.stderr.contains("REDIRECT: [301] GET "),
        "{}",
        run.stderr
    );
    let moved = cloud.seen();
    let moved = moved
        .iter()
        .find(|s| s.path() == "/compute/v2.1/flavors/moved");
    assert_eq!(
        moved
            .and_then(|s| s.header("x-auth-token"))
            .map(|t| t.starts_with("fault-token")),
        Some(true)
    );
}

#[test]
fn next_links_are_asked_of_the_catalog_endpoint_at_the_session_microversion() {
    let other = FaultCloud::start(|_, _| page(&["9"], None));
    let foreign = format!("{}{FLAVORS}?marker=1", other.url);
    let cloud = FaultCloud::start(move |req, _| {
        if is(req, "GET", FLAVORS) {
            match req.target.split_once('?').map(|(_, q)| q) {
                None => page(&["1"], Some(foreign.clone())),
                Some("marker=1") => page(&["2"], None),
                Some(_) => page(&[], None),
            }
        } else {
            Answer::Default
        }
    });
    let run = cloud.nova(&["--os-compute-api-version", "2.60", "flavor-list"]);
    let out = run.ok();
    assert!(
        out.contains("| 1  |") && out.contains("| 2  |") && !out.contains("| 9  |"),
        "{out}"
    );
    assert!(other.seen().is_empty(), "{:?}", other.lines());
    let pages: Vec<Seen> = cloud
        .seen()
        .into_iter()
        .filter(|s| s.path() == FLAVORS)
        .collect();
    assert_eq!(pages.len(), 2);
    for p in &pages {
        assert_eq!(
            p.header("openstack-api-version"),
            Some("compute 2.60"),
            "{p:?}"
        );
    }
}

#[test]
fn a_next_link_to_a_page_already_read_ends_the_listing() {
    let cloud = FaultCloud::start(|req, _| {
        if is(req, "GET", FLAVORS) {
            page(
                &["1"],
                Some("http://127.0.0.1:1/compute/v2.1/flavors/detail".into()),
            )
        } else {
            Answer::Default
        }
    });
    let run = cloud.nova(&["flavor-list"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("the next link repeats a page already read"),
        "{}",
        run.stderr
    );
    assert_eq!(
        cloud.seen().iter().filter(|s| s.path() == FLAVORS).count(),
        1
    );
}

#[test]
fn a_reply_larger_than_the_cap_is_refused() {
    let big = format!("{{\"flavors\": [], \"pad\": \"{}\"}}", "x".repeat(3 << 20));
    let cloud = FaultCloud::start(move |req, _| {
        if is(req, "GET", FLAVORS) {
            if req.target.contains("limit=1") {
                Answer::Unsized(200, big.clone().into_bytes())
            } else {
                Answer::Reply(200, Vec::new(), big.clone().into_bytes())
            }
        } else {
            Answer::Default
        }
    });
    for args in [
        vec!["--max-reply-mb", "2", "flavor-list"],
        vec!["--max-reply-mb", "2", "flavor-list", "--limit", "1"],
    ] {
        let run = cloud.nova(&args);
        assert_eq!(run.code, 1, "{run:?}");
        assert!(
            run.stderr.contains("the reply is larger than 2 MiB"),
            "{}",
            run.stderr
        );
    }
    // Under the default cap (64 MiB) the same reply is read.
    cloud.nova(&["flavor-list"]).ok();
}

#[test]
fn a_reply_cut_short_of_its_length_is_an_error() {
    let cloud = FaultCloud::start(|req, _| {
        if is(req, "GET", FLAVORS) {
            Answer::Short(200, br#"{"flavors": [{"id": "1", "#.to_vec(), 4000)
        } else {
            Answer::Default
        }
    });
    let run = cloud.nova(&["flavor-list"]);
    run.fails(1, "the reply was cut off");
}

#[test]
fn a_503_or_a_dropped_connection_is_retried_for_a_get_only() {
    let cloud = FaultCloud::start(|req, before| {
        let tries = before.iter().filter(|s| s.path() == req.path()).count();
        if is(req, "GET", FLAVORS) {
            match tries {
                0 => Answer::json(503, json!({"message": "busy"})),
                1 => Answer::Hang,
                _ => page(&["1"], None),
            }
        } else if is(req, "DELETE", "/compute/v2.1/flavors/1") {
            Answer::Hang
        } else {
            Answer::Default
        }
    });
    let run = cloud.nova(&["--debug", "flavor-list"]);
    assert!(run.ok().contains("| 1  |"));
    assert_eq!(run.stderr.matches("retry ").count(), 2, "{}", run.stderr);
    // A POST that got a 503 is not sent twice.
    let post = FaultCloud::start(|req, _| {
        if req.method == "POST" && req.path() == "/compute/v2.1/flavors" {
            Answer::json(503, json!({"message": "busy"}))
        } else {
            Answer::Default
        }
    });
    let run = post.nova(&[
        "--os-compute-api-version",
        "2.1",
        "flavor-create",
        "x",
        "auto",
        "1",
        "1",
        "1",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        post.lines()
            .iter()
            .filter(|l| *l == "POST /compute/v2.1/flavors")
            .count(),
        1
    );
}

#[test]
fn a_token_refused_mid_session_is_renewed_once_without_a_cache() {
    let cloud = FaultCloud::start(|req, before| {
        let gets = before.iter().filter(|s| s.path() == FLAVORS).count();
        if is(req, "GET", FLAVORS) {
            if gets == 0 {
                Answer::json(401, json!({"error": {"code": 401, "message": "expired"}}))
            } else {
                page(&["1"], None)
            }
        } else {
            Answer::Default
        }
    });
    cloud.nova(&["flavor-list"]).ok();
    let lines = cloud.lines();
    assert_eq!(
        lines,
        [
            "POST /identity/v3/auth/tokens",
            "GET /compute/v2.1",
            "GET /compute/v2.1/flavors/detail",
            "POST /identity/v3/auth/tokens",
            "GET /compute/v2.1/flavors/detail"
        ]
    );
    let seen = cloud.seen();
    assert_ne!(
        seen[2].header("x-auth-token"),
        seen[4].header("x-auth-token")
    );
    // Always refused: one renewal, then the error.
    let never = FaultCloud::start(|req, _| {
        if is(req, "GET", FLAVORS) {
            Answer::json(401, json!({"error": {"code": 401, "message": "expired"}}))
        } else {
            Answer::Default
        }
    });
    let run = never.nova(&["flavor-list"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("ERROR (Unauthorized): expired (HTTP 401)"),
        "{}",
        run.stderr
    );
    assert_eq!(
        never
            .lines()
            .iter()
            .filter(|l| l.starts_with("POST"))
            .count(),
        2
    );
}

#[test]
fn a_listed_item_is_checked_for_what_is_printed() {
    // A list printed as a table reads only its columns' fields of each item: an unprinted
    // field of the wrong type does not matter, a printed one is an error.
    let cloud = FaultCloud::start(|req, _| {
        if is(req, "GET", FLAVORS) {
            let mut odd = flavor("1");
            odd["links"] = json!(5);
            let mut bad = flavor("2");
            if req.target.contains("marker=bad") {
                bad["ram"] = json!("lots");
            }
            Answer::json(200, json!({"flavors": [odd, bad]}))
        } else {
            Answer::Default
        }
    });
    assert!(cloud
        .nova(&["flavor-list"])
        .ok()
        .contains("| 2  | f2   | 512 "));
    let run = cloud.nova(&["flavor-list", "--marker", "bad"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.starts_with("ERROR (ClientException): The server sent a flavor this client cannot read: invalid type: string \"lots\""),
        "{}",
        run.stderr
    );
    // Shown whole, the odd field is read and refused.
    let odd = FaultCloud::start(|req, _| {
        if is(req, "GET", "/compute/v2.1/flavors/1") {
            let mut f = flavor("1");
            f["links"] = json!(5);
            Answer::json(200, json!({"flavor": f}))
        } else {
            Answer::Default
        }
    });
    let run = odd.nova(&["--os-compute-api-version", "2.61", "flavor-show", "1"]);
    assert_eq!(run.code, 1, "{run:?}");
}

#[test]
fn a_listed_item_lacking_a_field_its_type_requires_is_refused() {
    // A server without an `id` (or with a number for one) is not a server this client reads:
    // found as the rows are made from each page, and in json (whose items are kept) the same.
    let cloud = FaultCloud::start(|req, _| {
        if is(req, "GET", "/compute/v2.1/servers/detail") {
            let mut odd = json!({"id": "b", "name": "sb", "status": "ACTIVE", "addresses": {}});
            if req.target.contains("marker=number") {
                odd["id"] = json!(5);
            } else if req.target.contains("marker=none") {
                odd.as_object_mut().map(|m| m.remove("id"));
            }
            Answer::json(200, json!({"servers": [{"id": "a"}, odd]}))
        } else {
            Answer::Default
        }
    });
    let listed = cloud.nova(&["list"]);
    assert!(listed.ok().contains("| b  | sb   | ACTIVE |"), "{listed:?}");
    for (name, detail) in [
        ("number", "invalid type: integer `5`"),
        ("none", "missing field `id`"),
    ] {
        for format in ["table", "json"] {
            let run = cloud.nova(&["--format", format, "list", "--marker", name]);
            run.fails(1, "The server sent a server this client cannot read");
            assert!(
                run.stderr.contains(detail),
                "{name} {format}: {}",
                run.stderr
            );
        }
    }
}
