//! `rsa_decrypt(key)`: what nova encrypts an instance's password with (the guest encrypts it
//! with the key pair's public key, RSA PKCS#1 v1.5, and posts it base64-encoded), read back
//! with the private key. Feature `rsa` (the library's; the generator never decrypts).

use crate::EvalError;

/// `cipher` (base64 text) decrypted with `pem` (an RSA private key in PEM text, PKCS#1
/// `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY`), as UTF-8 text; `None` when the text is not
/// base64, the key not an RSA private key, the padding not PKCS#1 v1.5 for this key, or the
/// clear text not UTF-8 (novaclient then prints its `Failed to decrypt` text).
#[cfg(feature = "rsa")]
pub(crate) fn rsa_decrypt(cipher: &str, pem: &str) -> Result<Option<String>, EvalError> {
    use base64::Engine as _;
    use rsa::pkcs1::DecodeRsaPrivateKey as _;
    use rsa::pkcs8::DecodePrivateKey as _;
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(cipher.trim()) else {
        return Ok(None);
    };
    let key = rsa::RsaPrivateKey::from_pkcs1_pem(pem)
        .ok()
        .or_else(|| rsa::RsaPrivateKey::from_pkcs8_pem(pem).ok());
    Ok(key
        .and_then(|k| k.decrypt(rsa::Pkcs1v15Encrypt, &bytes).ok())
        .and_then(|clear| String::from_utf8(clear).ok()))
}

/// Without feature `rsa` nothing is decrypted: an error that says so.
#[cfg(not(feature = "rsa"))]
pub(crate) fn rsa_decrypt(_cipher: &str, _pem: &str) -> Result<Option<String>, EvalError> {
    Err(EvalError::Command(
        "rsa_decrypt needs novagen-spec's feature \"rsa\", which this build lacks.".into(),
    ))
}

#[cfg(all(test, feature = "rsa"))]
mod tests {
    use super::rsa_decrypt;
    use base64::Engine as _;
    use rsa::pkcs1::EncodeRsaPrivateKey as _;
    use rsa::pkcs8::{EncodePrivateKey as _, LineEnding};

    /// A password encrypted with the public key comes back with the private key in either
    /// PEM form; a wrong key, bad base64 or a non-key give None.
    #[test]
    fn decrypts_what_the_public_key_encrypted() {
        let mut rng = rand::thread_rng();
        let key = rsa::RsaPrivateKey::new(&mut rng, 1024).expect("a key");
        let other = rsa::RsaPrivateKey::new(&mut rng, 1024).expect("a key");
        let sealed = key
            .to_public_key()
            .encrypt(&mut rng, rsa::Pkcs1v15Encrypt, "s3cr3t pässword".as_bytes())
            .expect("encrypted");
        let b64 = base64::engine::general_purpose::STANDARD.encode(sealed);
        let pkcs1 = key.to_pkcs1_pem(LineEnding::LF).expect("pem");
        let pkcs8 = key.to_pkcs8_pem(LineEnding::LF).expect("pem");
        for pem in [pkcs1.as_str(), pkcs8.as_str()] {
            assert_eq!(
                rsa_decrypt(&b64, pem).expect("ran").as_deref(),
                Some("s3cr3t pässword")
            );
        }
        let wrong = other.to_pkcs1_pem(LineEnding::LF).expect("pem");
        assert_eq!(rsa_decrypt(&b64, &wrong).expect("ran"), None);
        assert_eq!(rsa_decrypt("not base64!", &pkcs1).expect("ran"), None);
        assert_eq!(rsa_decrypt(&b64, "no key").expect("ran"), None);
    }
}
