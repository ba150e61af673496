//! TLS: `nova` verifies certificates by default, trusts the system's store (here given
//! through `SSL_CERT_FILE`), the bundled roots and a CA given with `--os-cacert`, and skips
//! verification with `--insecure`. The local cloud sits behind a small TLS proxy on
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
    run_with(s, args, &[])
}

/// `nova args` with more variables set (the system trust store's).
fn run_with(s: &Secure, args: &[&str], more: &[(&str, &str)]) -> novagen_tests::Run {
    let mut env = env(s);
    env.extend(more.iter().map(|(k, v)| (k.to_string(), v.to_string())));
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

/// A CA in the system's trust store (`SSL_CERT_FILE`, as OpenSSL and rustls-native-certs read
/// it; `SSL_CERT_DIR` an empty directory) is trusted with no `--os-cacert`; `--os-cacert`
/// adds to the store rather than replacing it. The store is read only for a certificate that
/// the bundled roots and `--os-cacert` do not verify (`--debug` says when): a plain-HTTP run
/// never reads it.
#[test]
fn the_system_trust_store_is_trusted_and_cacert_adds_to_it() {
    let s = secure_cloud("tls-system");
    let empty = temp_dir("tls-system-dir");
    let dir = empty.to_string_lossy().into_owned();
    let store = [
        ("SSL_CERT_FILE", s.ca_file.as_str()),
        ("SSL_CERT_DIR", dir.as_str()),
    ];
    let read = |stderr: &str| -> Vec<String> {
        stderr
            .lines()
            .filter(|l| l.starts_with("TLS: "))
            .map(str::to_string)
            .collect()
    };
    let ok = run_with(&s, &["--debug", "flavor-list"], &store);
    assert!(
        ok.ok().contains("| 1  | m1.tiny   | 512        |"),
        "{ok:?}"
    );
    assert_eq!(
        read(&ok.stderr),
        [format!(
            "TLS: trusting 1 certificates of {} as well",
            s.ca_file
        )]
    );
    // Verified by --os-cacert's CA: the store is not read.
    let given = run_with(
        &s,
        &["--debug", "--os-cacert", &s.ca_file, "flavor-list"],
        &store,
    );
    given.ok();
    assert_eq!(read(&given.stderr), Vec::<String>::new());

    // Another CA given with --os-cacert: the system's is still trusted.
    let other = rcgen::generate_simple_self_signed(vec!["elsewhere.example".to_string()])
        .expect("certificate");
    let other_file = empty.join("other.pem");
    std::fs::write(&other_file, other.cert.pem()).expect("write CA");
    let other_file = other_file.to_string_lossy().into_owned();
    let both = run_with(&s, &["--os-cacert", &other_file, "flavor-list"], &store);
    assert!(both.ok().contains("| 5  | m1.xlarge |"), "{both:?}");
    // Without the store, that other CA alone does not make the cloud trusted.
    let elsewhere = [
        ("SSL_CERT_FILE", other_file.as_str()),
        ("SSL_CERT_DIR", dir.as_str()),
    ];
    let refused = run_with(
        &s,
        &["--debug", "--os-cacert", &other_file, "flavor-list"],
        &elsewhere,
    );
    assert_eq!(refused.code, 1, "{refused:?}");
    // (BadSignature: rcgen names every CA alike, so the other one is taken for the issuer.)
    assert!(
        refused.stderr.contains(": invalid peer certificate: "),
        "{}",
        refused.stderr
    );
    // The store's file, then the whole store (file and directory), were read.
    assert_eq!(
        read(&refused.stderr),
        [
            format!("TLS: trusting 1 certificates of {other_file} as well"),
            "TLS: trusting 1 certificates of the system store as well".to_string()
        ]
    );

    // (This cloud's catalog sends even a client that logged in over HTTP to https URLs.)
    let plain = novagen_tests::Cloud::start().nova(&["--debug", "flavor-list"]);
    plain.ok();
    assert!(!plain.stderr.contains("TLS: "), "{}", plain.stderr);
}
