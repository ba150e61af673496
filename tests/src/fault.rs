//! A fault-injection cloud for tests: a small HTTP server on 127.0.0.1 whose replies a test
//! scripts (redirects, foreign links, loops, huge, cut-off or trickled replies, 401s, 503s), with a
//! Keystone and a version document behind it so that `nova` can log in. It records every
//! request it saw. One request per connection; stopped when dropped.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// The request target as sent (path and query, not decoded).
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }
}

/// What the server does with a request.
pub enum Answer {
    /// A reply with a status, extra headers and a body (Content-Length set).
    Reply(u16, Vec<(String, String)>, Vec<u8>),
    /// A body with no Content-Length, ended by closing the connection.
    Unsized(u16, Vec<u8>),
    /// A reply whose Content-Length promises more than the body sent before the close.
    Short(u16, Vec<u8>, usize),
    /// A body with no Content-Length, sent one byte at a time with this pause before each
    /// (a server that trickles its reply), ended by closing the connection.
    Trickle(u16, Vec<u8>, Duration),
    /// Close the connection without answering.
    Hang,
    /// Not scripted: Keystone and the version document answer, anything else is a 404.
    Default,
}

impl Answer {
    pub fn json(status: u16, body: Value) -> Answer {
        Answer::Reply(status, Vec::new(), body.to_string().into_bytes())
    }

    pub fn redirect(status: u16, location: &str) -> Answer {
        Answer::Reply(
            status,
            vec![("Location".into(), location.into())],
            Vec::new(),
        )
    }
}

type Script = dyn Fn(&Seen, &[Seen]) -> Answer + Send + Sync;

/// The server; `url` is `http://127.0.0.1:PORT`.
pub struct FaultCloud {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
}

impl FaultCloud {
    /// Start with `script`, asked first for every request (with the requests seen before it).
    pub fn start(script: impl Fn(&Seen, &[Seen]) -> Answer + Send + Sync + 'static) -> FaultCloud {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!(
            "http://127.0.0.1:{}",
            listener.local_addr().expect("addr").port()
        );
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let script: Arc<Script> = Arc::new(script);
        {
            let (seen, stop, url) = (seen.clone(), stop.clone(), url.clone());
            std::thread::spawn(move || {
                // A blocking accept (no polling pause per request: a test may send
                // thousands); `drop` wakes it with a connection of its own.
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let (seen, script, url) = (seen.clone(), script.clone(), url.clone());
                            std::thread::spawn(move || serve(stream, &url, &seen, &*script));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(1)),
                    }
                }
            });
        }
        FaultCloud { url, seen, stop }
    }

    /// The `OS_*` environment for this cloud, with the token cache off.
    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("OS_AUTH_URL", format!("{}/identity", self.url)),
            ("OS_USERNAME", "admin".into()),
            ("OS_PASSWORD", "fault-secret".into()),
            ("OS_PROJECT_NAME", "admin".into()),
            ("OS_NO_CACHE", "1".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// Run `nova` against this cloud.
    pub fn nova(&self, args: &[&str]) -> crate::Run {
        let env = self.env();
        let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        crate::nova(args, &pairs)
    }

    /// Every request seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// `METHOD path` of every request seen so far.
    pub fn lines(&self) -> Vec<String> {
        self.seen()
            .iter()
            .map(|s| format!("{} {}", s.method, s.path()))
            .collect()
    }
}

impl Drop for FaultCloud {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wake the accepting thread, which then sees `stop`.
        if let Some(addr) = self.url.strip_prefix("http://") {
            let _ = TcpStream::connect(addr);
        }
    }
}

fn serve(stream: TcpStream, base: &str, seen: &Mutex<Vec<Seen>>, script: &Script) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let Some(req) = read_request(&mut reader) else {
        return;
    };
    // The script is asked with the history locked (not copied: a test may send thousands
    // of requests); it only chooses an answer, which is sent after the lock is released.
    let answer = match seen.lock() {
        Ok(mut s) => {
            let answer = script(&req, &s);
            s.push(req.clone());
            answer
        }
        Err(_) => return,
    };
    let answer = match answer {
        Answer::Default => default_answer(base, &req),
        a => a,
    };
    let mut out = write_half;
    let _ = match answer {
        Answer::Reply(status, headers, body) => {
            let mut head = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\nX-Openstack-Request-Id: req-fault\r\n",
                body.len()
            );
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            out.write_all(head.as_bytes())
                .and_then(|_| out.write_all(&body))
        }
        Answer::Unsized(status, body) => out
            .write_all(
                format!("HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            )
            .and_then(|_| out.write_all(&body)),
        Answer::Short(status, body, promised) => out
            .write_all(
                format!("HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {promised}\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            )
            .and_then(|_| out.write_all(&body)),
        Answer::Trickle(status, body, pause) => out
            .write_all(
                format!("HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            )
            .and_then(|_| {
                // Until the client hangs up (a write fails) or the body is all sent.
                for b in body {
                    std::thread::sleep(pause);
                    out.write_all(&[b])?;
                    out.flush()?;
                }
                Ok(())
            }),
        Answer::Hang | Answer::Default => Ok(()),
    };
    let _ = out.flush();
    let _ = out.shutdown(std::net::Shutdown::Both);
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Seen> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(1 << 20);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Seen {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// Keystone's token and the compute version document (2.1 to 2.96); anything else 404.
fn default_answer(base: &str, req: &Seen) -> Answer {
    match (req.method.as_str(), req.path()) {
        ("POST", "/identity/v3/auth/tokens") => {
            let n = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            let endpoint = |ty: &str, path: &str| {
                json!({"type": ty, "name": ty, "endpoints": [
                    {"interface": "public", "region_id": "RegionOne", "region": "RegionOne",
                     "url": format!("{base}{path}")}]})
            };
            let body = json!({"token": {
                "expires_at": "2999-01-01T00:00:00.000000Z",
                "user": {"id": "u1", "name": "admin"},
                "project": {"id": "p1", "name": "admin"},
                "catalog": [endpoint("compute", "/compute/v2.1"), endpoint("image", "/image"),
                            endpoint("network", "/network")]}});
            Answer::Reply(
                201,
                vec![("X-Subject-Token".into(), format!("fault-token-{n}"))],
                body.to_string().into_bytes(),
            )
        }
        ("GET", "/compute/v2.1") | ("GET", "/compute/v2.1/") => Answer::json(
            200,
            json!({"version": {"id": "v2.1", "status": "CURRENT",
                    "version": "2.96", "min_version": "2.1"}}),
        ),
        _ => Answer::json(
            404,
            json!({"itemNotFound": {"code": 404, "message": "Not scripted."}}),
        ),
    }
}
