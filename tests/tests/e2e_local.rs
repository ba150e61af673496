//! The commands whose last part is local (issue 18, step 5): `get-password` (the password
//! nova keeps, decrypted here with the user's RSA key: `rsa_decrypt`), as the built `nova`
//! runs them against `nova-sim`, whole outputs in novaclient's format.

use novagen_tests::{root, Cloud};
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/local").join(name)
}

/// Plant `password` (base64, encrypted) as the metadata service would (nova-sim's test-only
/// route).
fn plant(cloud: &Cloud, id: &str, password: &str) {
    let resp = reqwest::blocking::Client::new()
        .put(format!("{}/nova-sim/servers/{id}/password", cloud.url))
        .header("X-Auth-Token", cloud.token())
        .json(&serde_json::json!({ "password": password }))
        .send()
        .expect("cloud answers");
    assert_eq!(resp.status().as_u16(), 204);
}

#[test]
fn get_password_shows_decrypts_or_says_it_cannot() {
    let cloud = Cloud::start();
    let id = cloud.boot_polled("vm");
    let key = fixture("password-key.pem");
    let key = key.to_str().expect("a UTF-8 path");
    let other = fixture("other-key.pem");
    let other = other.to_str().expect("a UTF-8 path");
    // No password yet: an empty line, with a key or without (an empty one is not decrypted).
    assert_eq!(cloud.nova(&["get-password", "vm"]).ok(), "\n");
    assert_eq!(cloud.nova(&["get-password", "vm", key]).ok(), "\n");
    let cipher = std::fs::read_to_string(fixture("password.b64")).expect("fixture");
    plant(&cloud, &id, &cipher);
    // Without a key: the ciphered text as nova keeps it; by name or ID.
    assert_eq!(
        cloud.nova(&["get-password", "vm"]).ok(),
        format!("{cipher}\n")
    );
    assert_eq!(
        cloud.nova(&["get-password", &id]).ok(),
        format!("{cipher}\n")
    );
    // With the key (PKCS#1 PEM): the clear text.
    assert_eq!(
        cloud.nova(&["get-password", "vm", key]).ok(),
        "Sup3r s3cret!\n"
    );
    // Another key (PKCS#8 PEM), or a file that holds no key: novaclient's failure text, and
    // still success.
    let failed = format!("Failed to decrypt:\n{cipher}\n");
    assert_eq!(cloud.nova(&["get-password", "vm", other]).ok(), failed);
    let cert = fixture("password.b64");
    assert_eq!(
        cloud
            .nova(&["get-password", "vm", cert.to_str().expect("UTF-8")])
            .ok(),
        failed
    );
    // No such server: the lookup's error.
    cloud.nova(&["get-password", "nope"]).fails(
        1,
        "ERROR (CommandError): No server with a name or ID of 'nope' exists.",
    );
}
