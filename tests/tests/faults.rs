//! The session against a cloud that misbehaves (`novagen_tests::fault`): redirects, next links
//! to other hosts or to themselves, replies too large or cut off, 503s, refused tokens. Each
//! case is one `nova` run; what the cloud saw is asserted as well as what `nova` printed.

use novagen_tests::fault::{Answer, FaultCloud, Seen};
use novagen_tests::Pty;
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

/// `--debug` shows a reply body that is not JSON as text; on a terminal its control
/// characters are made visible as they are in the error line (a server cannot retitle or
/// clear the terminal through the log).
#[test]
fn a_debug_log_of_a_text_reply_cannot_drive_a_terminal() {
    let hostile = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[31mbroken";
    let cloud = FaultCloud::start(move |req, _| {
        if is(req, "GET", FLAVORS) {
            Answer::Reply(500, Vec::new(), hostile.as_bytes().to_vec())
        } else {
            Answer::Default
        }
    });
    let (text, run) = Pty::open().run_env(&cloud.env(), &["--debug", "flavor-list"], true);
    assert_eq!(run.code, 1, "{text}");
    assert!(
        !text.chars().any(|c| c != '\n' && c.is_control()),
        "control characters reached the terminal: {text:?}"
    );
    assert!(
        text.contains("RESP BODY: ␛]0;pwned␇␛[2J␛[31mbroken\n"),
        "{text}"
    );
}

/// A reply trickled one byte at a time (no Content-Length) never goes longer than a read
/// timeout without a byte: `--timeout` is the deadline of the whole request (connect,
/// headers and body), for compute and Keystone alike.
#[test]
fn timeout_is_a_deadline_for_a_trickled_reply() {
    // 60 bytes, one every 250 ms: 15 s in all, never a pause of 2 s.
    let slow = || {
        let mut body = vec![b' '; 45];
        body.extend_from_slice(br#"{"flavors": []}"#);
        Answer::Trickle(200, body, std::time::Duration::from_millis(250))
    };
    for (what, path) in [
        ("compute", FLAVORS),
        ("keystone", "/identity/v3/auth/tokens"),
    ] {
        let cloud = FaultCloud::start(move |req, _| match req.path() == path {
            true => slow(),
            false => Answer::Default,
        });
        let started = std::time::Instant::now();
        let run = cloud.nova(&["--timeout", "2", "flavor-list"]);
        let took = started.elapsed();
        let url = format!("{}{path}", cloud.url);
        run.fails(
            1,
            &format!("ERROR (ConnectTimeout): Request to {url} timed out"),
        );
        assert!(
            took < std::time::Duration::from_secs(6),
            "{what}: nova ran {took:?} under --timeout 2"
        );
    }
}

/// A reply whose body stalls after its headers is a timeout, not a failure to connect.
#[test]
fn a_reply_stalled_after_its_headers_is_a_timeout() {
    let cloud = FaultCloud::start(|req, _| {
        if is(req, "GET", FLAVORS) {
            Answer::Trickle(200, b"{}".to_vec(), std::time::Duration::from_secs(4))
        } else {
            Answer::Default
        }
    });
    let run = cloud.nova(&["--timeout", "1", "flavor-list"]);
    let err = run.fails(1, "ERROR (ConnectTimeout): ");
    assert!(!err.contains("Unable to establish connection"), "{err}");
    assert!(err.contains("timed out"), "{err}");
}

/// Pages that never end: a list (and a name lookup, which lists) stops at the page cap with
/// an error saying so, not with the rows read so far and exit 0.
#[test]
fn a_list_cut_off_by_the_page_cap_is_an_error() {
    let endless = || {
        FaultCloud::start(|req, _| {
            let listing =
                req.method == "GET" && matches!(req.path(), FLAVORS | "/compute/v2.1/flavors");
            if !listing {
                return Answer::Default;
            }
            // Each page one new flavor, and a link to the next.
            let marker = req
                .target
                .split_once("marker=")
                .and_then(|(_, m)| m.split('&').next())
                .and_then(|m| m.parse::<u64>().ok())
                .unwrap_or(0);
            let id = (marker + 1).to_string();
            page(&[&id], Some(format!("{FLAVORS}?marker={id}")))
        })
    };
    let (list, lookup) = (endless(), endless());
    // The two runs side by side (10,000 pages each).
    let (listed, looked_up) = std::thread::scope(|s| {
        let listed = s.spawn(|| list.nova(&["flavor-list"]));
        let looked_up = s.spawn(|| lookup.nova(&["flavor-show", "no-such-flavor"]));
        (listed.join(), looked_up.join())
    });
    let (listed, looked_up) = (
        listed.expect("flavor-list"),
        looked_up.expect("flavor-show"),
    );
    for run in [&listed, &looked_up] {
        let err = run.fails(1, "ERROR (ClientException): ");
        assert!(
            err.contains("the list has more than 10000 pages (a safety cap)")
                && err.trim_end().lines().count() == 1,
            "{err}"
        );
        assert!(run.stdout.is_empty(), "printed: {} bytes", run.stdout.len());
    }
    let pages = list.seen().iter().filter(|s| s.path() == FLAVORS).count();
    assert_eq!(pages, 10_000);
}

/// A next link that is not an HTTP(S) link, or not a link at all, is said to be one; it is
/// not reported as a repeated page.
#[test]
fn a_next_link_that_is_not_a_web_link_is_refused_as_such() {
    for link in [
        "file:///etc/passwd?marker=1",
        "http://[::1?marker=1",
        "file:///etc/passwd",
    ] {
        let cloud = FaultCloud::start(move |req, _| {
            if is(req, "GET", FLAVORS) {
                page(&["1"], Some(link.into()))
            } else {
                Answer::Default
            }
        });
        let run = cloud.nova(&["flavor-list"]);
        let err = run.fails(1, "ERROR (ClientException): ");
        assert!(!err.contains("repeats a page"), "{link}: {err}");
        assert!(
            err.contains(&format!("the next link '{link}' is not")),
            "{link}: {err}"
        );
        assert_eq!(
            cloud.seen().iter().filter(|s| s.path() == FLAVORS).count(),
            1
        );
    }
}

/// JSON nested deeper than the decoder goes is a malformed reply, whatever part of the
/// session reads it (a resource, a list, Keystone's token).
#[test]
fn a_reply_nested_too_deep_is_malformed_not_missing_a_key() {
    let deep = |key: &str| {
        let n = 10_000;
        format!("{{\"{key}\": {}{}}}", "[".repeat(n), "]".repeat(n)).into_bytes()
    };
    let cloud = FaultCloud::start(move |req, _| match (req.method.as_str(), req.path()) {
        ("GET", "/compute/v2.1/flavors/1") => Answer::Reply(200, Vec::new(), deep("flavor")),
        ("GET", FLAVORS) => Answer::Reply(200, Vec::new(), deep("flavors")),
        _ => Answer::Default,
    });
    let said: Vec<String> = [
        &["flavor-show", "1"][..],
        &["flavor-list"],
        &["--format", "json", "flavor-list"],
    ]
    .iter()
    .map(|args| {
        let run = cloud.nova(args);
        assert_eq!(run.code, 1, "{args:?}: {run:?}");
        format!("{args:?}: {}", run.stderr.trim_end())
    })
    .collect();
    for err in &said {
        assert!(
            err.contains("ERROR (ClientException): ") && err.contains("nested too deep"),
            "{said:#?}"
        );
    }
}

/// A URL longer than HTTP can carry is said to be so, and the error line shows only the
/// start of it.
#[test]
fn a_url_too_long_to_send_is_said_so_and_not_echoed_whole() {
    let cloud = FaultCloud::start(|_, _| Answer::Default);
    let name = "a".repeat(131_000);
    let run = cloud.nova(&["--os-compute-api-version", "2.61", "flavor-show", &name]);
    let err = run.fails(1, "ERROR (");
    assert!(
        !err.contains("Unable to establish connection"),
        "{}",
        &err[..300.min(err.len())]
    );
    assert!(err.contains("too long"), "{}", &err[..300.min(err.len())]);
    assert!(err.len() < 1000, "{} bytes of error", err.len());
    assert_eq!(err.trim_end().lines().count(), 1);
}

/// `--poll` reads the polled resource as `api.yaml`'s `poll:` rules say (the runtime knows no
/// status, fault or progress key): a status of `api.poll.failed` ends the poll with its word and
/// `api.poll.fault`'s reason, trimmed (or "no fault recorded"); the percentage is
/// `api.poll.progress` (not a number: 0).
#[test]
fn poll_fails_and_reports_progress_as_api_yaml_says() {
    const ID: &str = "6f1e3a57-5b5e-4c1c-9b1e-2f1a5e0c9d11";
    const IMAGE: &str = "0e1c7a52-3f4b-4d6a-8c55-1e2d3c4b5a69";
    let server = format!("/compute/v2.1/servers/{ID}");
    // The server as the n-th poll finds it (the GETs after the action; before it, ACTIVE).
    let cloud_for = |polls: Vec<serde_json::Value>| {
        let server = server.clone();
        FaultCloud::start(move |req, seen| {
            let action = format!("{server}/action");
            let after = seen.iter().position(|s| is(s, "POST", &action));
            let n = after.map(|a| seen[a..].iter().filter(|s| is(s, "GET", &server)).count());
            if is(req, "GET", &server) {
                let mut s = json!({"id": ID, "name": "vm", "status": "ACTIVE"});
                if let Some(n) = n {
                    let extra = polls.get(n).or(polls.last()).cloned().unwrap_or_default();
                    if let (Some(s), Some(e)) = (s.as_object_mut(), extra.as_object()) {
                        s.extend(e.clone());
                    }
                }
                Answer::json(200, json!({ "server": s }))
            } else if is(req, "GET", &format!("/image/v2/images/{IMAGE}")) {
                Answer::json(200, json!({"id": IMAGE, "name": "img", "status": "active"}))
            } else if is(req, "POST", &action) {
                Answer::json(
                    202,
                    json!({"server": {"id": ID, "name": "vm", "status": "REBUILD"}}),
                )
            } else {
                Answer::Default
            }
        })
    };
    let reboot = ["--poll-interval", "0.05", "reboot", "--poll", ID];
    let last = |t: &str| t.lines().last().unwrap_or_default().to_string();

    let cloud = cloud_for(vec![
        json!({"status": "REBOOT"}),
        json!({"status": "ERROR", "fault": {"message": "  No valid host.  "}}),
    ]);
    let run = cloud.nova(&reboot);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.ends_with(&format!(
            "\rServer rebooting...\nError rebooting server\n\
             server {ID} is in error state: No valid host.\n"
        )),
        "{:?}",
        run.stdout
    );

    let cloud = cloud_for(vec![json!({"status": "DELETED"})]);
    let run = cloud.nova(&reboot);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.ends_with(&format!(
            "\nDeleted rebooting server\nserver {ID} is in deleted state: no fault recorded\n"
        )),
        "{:?}",
        run.stdout
    );
    assert_eq!(
        last(&run.stderr),
        "ERROR (CommandError): Unable to reboot the specified server(s)."
    );

    // The percentage: rebuild polls with `api.poll.progress` (reboot leaves it out).
    let cloud = cloud_for(vec![
        json!({"status": "REBUILD", "progress": 40}),
        json!({"status": "REBUILD", "progress": "most"}),
        json!({"status": "ACTIVE", "progress": 100}),
    ]);
    let run = cloud.nova(&["--poll-interval", "0.05", "rebuild", "--poll", ID, IMAGE]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.ends_with(
            "\rServer rebuilding... 40% complete\rServer rebuilding... 0% complete\
             \rServer rebuilding... 100% complete\nFinished\n"
        ),
        "{:?}",
        run.stdout
    );
}

/// `page:` (usage from 2.40): a cloud whose every usage page names the same last server would
/// be asked for ever; the second time a query is asked, the command ends with an error.
#[test]
fn a_marker_page_asked_twice_ends_the_paging() {
    const USAGE: &str = "/compute/v2.1/os-simple-tenant-usage/p1";
    let cloud = FaultCloud::start(|req, _| {
        if is(req, "GET", USAGE) {
            Answer::json(
                200,
                json!({"tenant_usage": {"tenant_id": "p1", "total_hours": 1.0,
                    "total_memory_mb_usage": 1.0, "total_vcpus_usage": 1.0,
                    "total_local_gb_usage": 1.0,
                    "server_usages": [{"instance_id": "s1"}]}}),
            )
        } else {
            Answer::Default
        }
    });
    let run = cloud.nova(&[
        "--os-compute-api-version",
        "2.40",
        "usage",
        "--tenant",
        "p1",
        "--start",
        "2020-01-01",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("the pages do not end: the next page's query repeats one already asked"),
        "{}",
        run.stderr
    );
    let asked: Vec<String> = cloud
        .seen()
        .iter()
        .filter(|s| s.path() == USAGE)
        .map(|s| s.target.clone())
        .collect();
    assert_eq!(asked.len(), 2, "{asked:?}");
    assert!(asked[1].ends_with("&marker=s1"), "{asked:?}");
}
