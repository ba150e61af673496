//! The library's client, signed in to a test cloud as its admin (the seeded credentials), for
//! test files that call builders directly. Included with `#[path]` by each such file.

use novagen_tests::Cloud;

/// `novaclient::Client::connect` to `cloud` as `admin`/`secret` in project `admin`.
pub fn connect(cloud: &Cloud) -> novaclient::Client {
    let options = novaclient::ConnectOptions {
        auth_url: Some(cloud.auth_url()),
        username: Some("admin".into()),
        password: Some("secret".into()),
        project_name: Some("admin".into()),
        user_domain_name: Some("Default".into()),
        project_domain_name: Some("Default".into()),
        ..Default::default()
    };
    novaclient::Client::connect(&options).unwrap_or_else(|e| panic!("connect: {e}"))
}
