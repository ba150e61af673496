//! Whom `nova` trusts over TLS: the bundled web roots (webpki-roots), the CA bundle of
//! `--os-cacert`, and the system's trust store (rustls-native-certs: the platform's store, or
//! `SSL_CERT_FILE`/`SSL_CERT_DIR` when set), all at once. Reading the system store costs
//! milliseconds, so it is read only for a certificate the others do not verify, and its
//! bundle file before its directory (OpenSSL too looks a directory up only when it must): a
//! plain-HTTP run, or a cloud with a certificate of a public CA, never reads it. `--insecure`
//! does not come here (the session turns verification off).

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::io::Write;
use std::sync::{Arc, OnceLock};

/// A client configuration (HTTP/1.1) trusting the bundled roots, `extra` (the certificates of
/// `--os-cacert`) and the system store. `debug`: say on stderr when the store is read.
pub fn client_config(
    extra: Vec<CertificateDer<'static>>,
    debug: bool,
) -> Result<rustls::ClientConfig, rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = LazyRoots {
        provider: provider.clone(),
        extra,
        debug,
        tiers: Default::default(),
    };
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The roots, widest last: the bundled ones and `--os-cacert`'s; and the system store's
/// bundle file; and the whole system store.
const TIERS: usize = 3;

/// rustls's own verifier (webpki) over each tier of roots, each built when first needed.
#[derive(Debug)]
struct LazyRoots {
    provider: Arc<CryptoProvider>,
    extra: Vec<CertificateDer<'static>>,
    debug: bool,
    tiers: [OnceLock<Result<Arc<WebPkiServerVerifier>, String>>; TIERS],
}

impl LazyRoots {
    fn roots(&self, tier: usize) -> RootCertStore {
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        roots.add_parsable_certificates(self.extra.iter().cloned());
        let before = roots.len();
        // Unreadable or unparsable entries of the system store are skipped, as every TLS
        // client does: one bad file must not stop the others from being trusted.
        let (what, errors) = match tier {
            0 => return roots,
            1 => match system_file() {
                Some(file) => {
                    let found = rustls_native_certs::load_certs_from_paths(Some(&file), None);
                    roots.add_parsable_certificates(found.certs);
                    (format!("{}", file.display()), found.errors)
                }
                None => return roots,
            },
            _ => {
                let found = rustls_native_certs::load_native_certs();
                roots.add_parsable_certificates(found.certs);
                ("the system store".to_string(), found.errors)
            }
        };
        if self.debug {
            let mut err = std::io::stderr().lock();
            let added = roots.len() - before;
            let _ = writeln!(err, "TLS: trusting {added} certificates of {what} as well");
            for e in errors {
                let _ = writeln!(err, "TLS: {what}: {e}");
            }
        }
        roots
    }

    fn verifier(&self, tier: usize) -> Result<&WebPkiServerVerifier, rustls::Error> {
        let built = self.tiers[tier].get_or_init(|| {
            WebPkiServerVerifier::builder_with_provider(
                Arc::new(self.roots(tier)),
                self.provider.clone(),
            )
            .build()
            .map_err(|e| e.to_string())
        });
        match built {
            Ok(v) => Ok(v),
            Err(e) => Err(rustls::Error::General(e.clone())),
        }
    }
}

/// The system store's bundle file, where the platform keeps one (`SSL_CERT_FILE`, else
/// OpenSSL's usual places: `/etc/ssl/certs/ca-certificates.crt`, ...).
#[cfg(all(unix, not(target_vendor = "apple")))]
fn system_file() -> Option<std::path::PathBuf> {
    openssl_probe::probe().cert_file
}

#[cfg(not(all(unix, not(target_vendor = "apple"))))]
fn system_file() -> Option<std::path::PathBuf> {
    None
}

impl ServerCertVerifier for LazyRoots {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // A wider tier may hold the issuer (or the right one of two CAs of the same name):
        // every refusal but the widest tier's is tried again there.
        for tier in 0..TIERS - 1 {
            let verdict = self.verifier(tier)?.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp,
                now,
            );
            if verdict.is_ok() {
                return verdict;
            }
        }
        self.verifier(TIERS - 1)?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp,
            now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
