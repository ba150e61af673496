//! TLS: `nova` verifies certificates by default, trusts a CA given with `--os-cacert`, and
//! skips verification with `--insecure`. The local cloud sits behind a small TLS proxy on
//! 127.0.0.1 (as devstack's tls-proxy does), advertising https URLs with `--public-url`.

use novagen_tests::{nova, temp_dir, Cloud};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;

/// Terminate TLS on `listener` and pass each request to `backend` over plain HTTP.
fn tls_front(listener: TcpListener, backend: SocketAddr, config: Arc<rustls::ServerConfig>) {
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let config = config.clone();
            std::thread::spawn(move || {
                let _ = relay(tcp, backend, config);
            });
        }
    });
}

/// One request per connection: read it, forward it with `Connection: close`, return the reply.
fn relay(
    tcp: TcpStream,
    backend: SocketAddr,
    config: Arc<rustls::ServerConfig>,
) -> std::io::Result<()> {
    let conn = rustls::ServerConnection::new(config).map_err(std::io::Error::other)?;
    let mut reader = BufReader::new(rustls::StreamOwned::new(conn, tcp));
    let mut head = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if !lower.starts_with("connection:") {
            head.push_str(&line);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let mut up = TcpStream::connect(backend)?;
    up.write_all(head.as_bytes())?;
    up.write_all(b"Connection: close\r\n\r\n")?;
    up.write_all(&body)?;
    let mut reply = Vec::new();
    up.read_to_end(&mut reply)?;
    let tls = reader.get_mut();
    tls.write_all(&reply)?;
    tls.conn.send_close_notify();
    tls.flush()
}

struct Secure {
    cloud: Cloud,
    url: String,
    ca_file: String,
}

fn secure_cloud(name: &str) -> Secure {
    let cert =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .expect("certificate");
    let dir = temp_dir(name);
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, cert.cert.pem()).expect("write CA");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.signing_key.serialize_der()));
    let chain: Vec<CertificateDer<'static>> = vec![cert.cert.der().clone()];
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .expect("server config");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("https://{}", listener.local_addr().expect("addr"));
    let cloud = Cloud::with_args(&["--build-time", "0.2", "--public-url", &url]);
    let backend: SocketAddr = cloud
        .url
        .trim_start_matches("http://")
        .parse()
        .expect("backend address");
    tls_front(listener, backend, Arc::new(config));
    Secure {
        cloud,
        url,
        ca_file: ca_file.to_string_lossy().into_owned(),
    }
}

fn env(s: &Secure) -> Vec<(String, String)> {
    let mut env = s.cloud.env();
    for (k, v) in env.iter_mut() {
        if k == "OS_AUTH_URL" {
            *v = format!("{}/identity", s.url);
        }
    }
    env
}

fn run(s: &Secure, args: &[&str]) -> novagen_tests::Run {
    let env = env(s);
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    nova(args, &pairs)
}

#[test]
fn certificates_are_verified_by_default() {
    let s = secure_cloud("tls-verify");
    let refused = run(&s, &["flavor-list"]);
    assert_eq!(refused.code, 1);
    assert_eq!(refused.stderr.lines().count(), 1, "{}", refused.stderr);
    assert!(
        refused.stderr.starts_with(&format!("ERROR (ConnectFailure): Unable to establish connection to {}/identity/v3/auth/tokens: invalid peer certificate", s.url)),
        "{}",
        refused.stderr
    );
}

#[test]
fn a_ca_bundle_makes_the_cloud_trusted_all_the_way() {
    let s = secure_cloud("tls-cacert");
    let ok = run(&s, &["--os-cacert", &s.ca_file, "--debug", "flavor-list"]);
    assert!(
        ok.ok().contains("| 1  | m1.tiny   | 512        |"),
        "{}",
        ok.stdout
    );
    // Keystone's catalog sent nova to the https compute endpoint too.
    assert!(
        ok.stderr.contains(&format!(
            "REQ: curl -g -i -X GET {}/compute/v2.1/flavors/detail",
            s.url
        )),
        "{}",
        ok.stderr
    );
    let plain = ok
        .stderr
        .lines()
        .filter(|l| l.starts_with("REQ: ") && l.contains(" http://"))
        .count();
    assert_eq!(plain, 0, "no plain-HTTP request:\n{}", ok.stderr);
    let mut with_env = env(&s);
    with_env.push(("OS_CACERT".into(), s.ca_file.clone()));
    let pairs: Vec<(&str, &str)> = with_env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    nova(
        &[
            "boot",
            "tls-vm",
            "--flavor",
            "1",
            "--image",
            "cirros-0.6.2-x86_64-disk",
            "--poll",
        ],
        &pairs,
    )
    .ok();
    assert!(nova(&["list"], &pairs).ok().contains("| tls-vm |"));
    let missing = run(&s, &["--os-cacert", "/nonexistent/ca.pem", "flavor-list"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing
            .stderr
            .starts_with("ERROR (CommandError): Cannot read the CA bundle '/nonexistent/ca.pem': "),
        "{}",
        missing.stderr
    );
}

#[test]
fn insecure_skips_verification() {
    let s = secure_cloud("tls-insecure");
    assert!(run(&s, &["--insecure", "flavor-list"])
        .ok()
        .contains("| 5  | m1.xlarge |"));
}
