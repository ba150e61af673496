//! The `nova-sim` command line. (Also makes `cargo test --workspace` build the binary, which
//! the workspace tests run.)

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn prints_address_and_exports_then_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nova-sim"))
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    let url = first.rsplit(' ').next().unwrap_or_default().to_string();
    assert!(
        first.starts_with("nova-sim listening on http://127.0.0.1:"),
        "{first}"
    );
    let exports: Vec<String> = lines.by_ref().take(7).map_while(Result::ok).collect();
    assert_eq!(exports[0], format!("export OS_AUTH_URL={url}/identity"));
    assert!(exports.contains(&"export OS_PASSWORD=secret".to_string()));
    let body = reqwest_free_get(&url, "/compute/v2.1");
    assert!(body.contains("\"min_version\":\"2.1\""), "{body}");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn bad_options_exit_2_with_usage() {
    let out = Command::new(env!("CARGO_BIN_EXE_nova-sim"))
        .args(["--max-version", "two"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("nova-sim: --max-version two: use MAJOR.MINOR"),
        "{err}"
    );
    assert!(err.contains("usage: nova-sim"), "{err}");
}

/// A plain HTTP/1.0 GET over a TCP socket.
fn reqwest_free_get(base: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let addr = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").expect("send");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    out
}
