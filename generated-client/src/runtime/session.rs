//! The HTTP session: Keystone v3 authentication, service catalog lookup, microversion
//! negotiation, and one `send` that every request goes through (auth and version headers,
//! `--debug` logging with secrets redacted, error replies turned into [`Error`]).

use super::defs::{Service, Version};
use super::error::Error;
use crate::spec;
use reqwest::blocking::{Client as Http, Response};
use reqwest::header::HeaderMap;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;

/// Everything needed to open a session; the `nova` command fills it from flags, `OS_*`
/// variables and clouds.yaml. `Debug` shows the password, secret and token as `***`.
#[derive(Clone, Default)]
pub struct ConnectOptions {
    pub auth_url: Option<String>,
    pub username: Option<String>,
    pub user_id: Option<String>,
    pub password: Option<String>,
    pub project_name: Option<String>,
    pub project_id: Option<String>,
    pub user_domain_name: Option<String>,
    pub user_domain_id: Option<String>,
    pub project_domain_name: Option<String>,
    pub project_domain_id: Option<String>,
    pub application_credential_id: Option<String>,
    pub application_credential_secret: Option<String>,
    pub token: Option<String>,
    pub region_name: Option<String>,
    /// `public` (default), `internal` or `admin`.
    pub interface: Option<String>,
    pub endpoint_override: Option<String>,
    pub cacert: Option<String>,
    pub insecure: bool,
    pub timeout: Option<Duration>,
    /// `X.Y`, or `auto` / None for the newest version both sides support.
    pub api_version: Option<String>,
    pub debug: bool,
    pub poll_interval: Option<Duration>,
}

impl std::fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hide = |s: &Option<String>| s.as_ref().map(|_| "***");
        f.debug_struct("ConnectOptions")
            .field("auth_url", &self.auth_url)
            .field("username", &self.username)
            .field("user_id", &self.user_id)
            .field("password", &hide(&self.password))
            .field("project_name", &self.project_name)
            .field("project_id", &self.project_id)
            .field("user_domain_name", &self.user_domain_name)
            .field("user_domain_id", &self.user_domain_id)
            .field("project_domain_name", &self.project_domain_name)
            .field("project_domain_id", &self.project_domain_id)
            .field("application_credential_id", &self.application_credential_id)
            .field(
                "application_credential_secret",
                &hide(&self.application_credential_secret),
            )
            .field("token", &hide(&self.token))
            .field("region_name", &self.region_name)
            .field("interface", &self.interface)
            .field("endpoint_override", &self.endpoint_override)
            .field("cacert", &self.cacert)
            .field("insecure", &self.insecure)
            .field("timeout", &self.timeout)
            .field("api_version", &self.api_version)
            .field("debug", &self.debug)
            .finish_non_exhaustive()
    }
}

/// An authenticated session with the cloud; the generated managers hang off it.
/// `Debug` never shows the token.
pub struct Client {
    http: Http,
    token: String,
    endpoints: HashMap<&'static str, String>,
    version: Version,
    project_id: Option<String>,
    user_id: Option<String>,
    debug: bool,
    pub(crate) poll_interval: Duration,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("token", &"***")
            .field("endpoints", &self.endpoints)
            .field("version", &self.version)
            .field("project_id", &self.project_id)
            .finish_non_exhaustive()
    }
}

/// A decoded reply.
#[derive(Debug)]
pub struct HttpReply {
    pub url: String,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Option<Value>,
}

impl Client {
    /// Authenticate and pick the compute microversion.
    pub fn connect(opts: &ConnectOptions) -> Result<Client, Error> {
        let http = http_client(opts)?;
        let mut client = Client {
            http,
            token: String::new(),
            endpoints: HashMap::new(),
            version: spec::MIN_VERSION,
            project_id: opts.project_id.clone(),
            user_id: opts.user_id.clone(),
            debug: opts.debug,
            poll_interval: opts.poll_interval.unwrap_or(Duration::from_secs(5)),
        };
        match (&opts.token, &opts.endpoint_override) {
            // A token already held, and the endpoint to use it on: no Keystone round trip.
            (Some(token), Some(_)) if opts.auth_url.is_none() => client.token = token.clone(),
            _ => client.authenticate(opts)?,
        }
        if let Some(url) = &opts.endpoint_override {
            client
                .endpoints
                .insert("compute", url.trim_end_matches('/').to_string());
        }
        if !client.endpoints.contains_key("compute") {
            return Err(Error::Config(
                "The service catalog has no compute endpoint for this interface and region; \
                 give one with --os-endpoint-override."
                    .into(),
            ));
        }
        client.version = client.negotiate(opts.api_version.as_deref())?;
        Ok(client)
    }

    /// A client that sends nothing (every request fails with a configuration error): for
    /// building and previewing requests at a microversion without a cloud.
    pub fn offline(version: Version) -> Result<Client, Error> {
        let http = Http::builder()
            .build()
            .map_err(|e| Error::Config(format!("cannot set up HTTP: {e}")))?;
        Ok(Client {
            http,
            token: String::new(),
            endpoints: HashMap::new(),
            version,
            project_id: None,
            user_id: None,
            debug: false,
            poll_interval: Duration::from_secs(5),
        })
    }

    /// The compute microversion of this session.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The project the token is scoped to.
    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }

    /// The user the token belongs to.
    pub fn user_id(&self) -> Option<&str> {
        self.user_id.as_deref()
    }

    /// The endpoint of a service, from the catalog or `--os-endpoint-override`.
    pub fn endpoint(&self, service: Service) -> Result<&str, Error> {
        self.endpoints
            .get(service.catalog_type())
            .map(String::as_str)
            .ok_or_else(|| {
                Error::Config(format!(
                    "No '{}' service is known to this session (a token used with \
                     --os-endpoint-override has no catalog).",
                    service.catalog_type()
                ))
            })
    }

    fn authenticate(&mut self, opts: &ConnectOptions) -> Result<(), Error> {
        let auth_url = opts.auth_url.as_deref().ok_or_else(|| {
            Error::Config(
                "You must provide an auth url via either --os-auth-url or env[OS_AUTH_URL].".into(),
            )
        })?;
        let base = auth_url.trim_end_matches('/');
        let base = base.strip_suffix("/v3").unwrap_or(base);
        let url = format!("{base}/v3/auth/tokens");

        let identity = if let Some(token) = &opts.token {
            json!({"methods": ["token"], "token": {"id": token}})
        } else if let Some(id) = &opts.application_credential_id {
            let secret = opts.application_credential_secret.as_deref().ok_or_else(|| {
                Error::Config("An application credential needs its secret (--os-application-credential-secret or env[OS_APPLICATION_CREDENTIAL_SECRET]).".into())
            })?;
            json!({"methods": ["application_credential"],
                   "application_credential": {"id": id, "secret": secret}})
        } else {
            let password = opts.password.as_deref().ok_or_else(|| {
                Error::Config(
                    "You must provide a password via either --os-password or env[OS_PASSWORD]."
                        .into(),
                )
            })?;
            let mut user = serde_json::Map::new();
            match (&opts.user_id, &opts.username) {
                (Some(id), _) => {
                    user.insert("id".into(), json!(id));
                }
                (None, Some(name)) => {
                    user.insert("name".into(), json!(name));
                    user.insert("domain".into(), domain(&opts.user_domain_id, &opts.user_domain_name));
                }
                (None, None) => {
                    return Err(Error::Config("You must provide a user name or user ID via --os-username, env[OS_USERNAME] or --os-user-id.".into()))
                }
            }
            user.insert("password".into(), json!(password));
            json!({"methods": ["password"], "password": {"user": user}})
        };
        let mut auth = json!({ "identity": identity });
        if opts.application_credential_id.is_none() {
            if let Some(id) = &opts.project_id {
                auth["scope"] = json!({"project": {"id": id}});
            } else if let Some(name) = &opts.project_name {
                auth["scope"] = json!({"project": {
                    "name": name,
                    "domain": domain(&opts.project_domain_id, &opts.project_domain_name)}});
            }
        }
        let body = json!({ "auth": auth });
        let reply = self.send_raw(None, "POST", &url, &[], Some(&body))?;
        self.token = reply
            .headers
            .get("x-subject-token")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| Error::Decode {
                url: url.clone(),
                detail: "the reply has no X-Subject-Token header".into(),
            })?
            .to_string();
        let token_doc = reply.body.as_ref().and_then(|b| b.get("token"));
        let id_at = |p: &str| {
            token_doc
                .and_then(|t| t.pointer(p))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        self.project_id = id_at("/project/id").or(self.project_id.take());
        self.user_id = id_at("/user/id").or(self.user_id.take());
        let catalog = reply
            .body
            .as_ref()
            .and_then(|b| b.pointer("/token/catalog"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let interface = opts.interface.as_deref().unwrap_or("public");
        let interface = interface.strip_suffix("URL").unwrap_or(interface);
        for service in [
            Service::Compute,
            Service::Image,
            Service::Network,
            Service::Volume,
        ] {
            if let Some(url) = find_endpoint(
                &catalog,
                service.catalog_type(),
                interface,
                opts.region_name.as_deref(),
            ) {
                self.endpoints.insert(service.catalog_type(), url);
            }
        }
        Ok(())
    }

    /// `auto`: the newest version in both the spec's and the server's range.
    fn negotiate(&self, wanted: Option<&str>) -> Result<Version, Error> {
        let (lo, hi) = (spec::MIN_VERSION, spec::MAX_VERSION);
        match wanted.map(str::trim) {
            None | Some("auto") | Some("") | Some("2.latest") => {}
            Some(text) => {
                let v = Version::parse(text).ok_or_else(|| {
                    Error::command(format!(
                        "Invalid compute API version '{text}': use MAJOR.MINOR (e.g. 2.47) or 'auto'."
                    ))
                })?;
                if v < lo || v > hi {
                    return Err(Error::command(format!(
                        "The specified version isn't supported by the client. The valid version range is '{lo}' to '{hi}'."
                    )));
                }
                return Ok(v);
            }
        }
        let url = self.endpoint(Service::Compute)?.to_string();
        let reply = self.send_raw(Some(&self.token), "GET", &url, &[], None)?;
        let doc = reply
            .body
            .as_ref()
            .and_then(|b| b.get("version"))
            .ok_or_else(|| Error::Decode {
                url: url.clone(),
                detail: "the compute endpoint sent no version document".into(),
            })?;
        let server_max = doc
            .get("version")
            .and_then(Value::as_str)
            .and_then(Version::parse);
        let server_min = doc
            .get("min_version")
            .and_then(Value::as_str)
            .and_then(Version::parse);
        let (Some(smax), Some(smin)) = (server_max, server_min) else {
            // A server without microversions speaks only 2.0-like behaviour.
            return Err(Error::command(format!(
                "The server at {url} does not support compute microversions; this client needs at least {lo}."
            )));
        };
        let v = hi.min(smax);
        if v < lo.max(smin) {
            return Err(Error::command(format!(
                "The server supports versions {smin} to {smax}, and this client {lo} to {hi}: there is no version both support."
            )));
        }
        Ok(v)
    }

    /// Send an authenticated request to a service. `path` is relative to the service endpoint,
    /// or a full URL (pagination links).
    pub fn send(
        &self,
        service: Service,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<HttpReply, Error> {
        let url = if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}{}", self.endpoint(service)?, path)
        };
        self.send_raw(Some(&self.token), method, &url, query, body)
    }

    fn send_raw(
        &self,
        token: Option<&str>,
        method: &str,
        url: &str,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<HttpReply, Error> {
        let m = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|e| Error::command(format!("bad HTTP method {method}: {e}")))?;
        let mut req = self
            .http
            .request(m, url)
            .header("Accept", "application/json")
            .header("User-Agent", concat!("novagen/", env!("CARGO_PKG_VERSION")));
        if !query.is_empty() {
            req = req.query(query);
        }
        if let Some(t) = token {
            req = req.header("X-Auth-Token", t);
        }
        let is_compute = self
            .endpoints
            .get("compute")
            .is_some_and(|c| url.starts_with(c.as_str()));
        if is_compute {
            let v = self.version.to_string();
            req = req
                .header("X-OpenStack-Nova-API-Version", v.clone())
                .header("OpenStack-API-Version", format!("compute {v}"));
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let req = req.build().map_err(|e| Error::Connect {
            url: url.to_string(),
            detail: root_cause(&e),
        })?;
        if self.debug {
            log_request(&req, body);
        }
        let resp = self
            .http
            .execute(req)
            .map_err(|e| transport_error(url, &e))?;
        self.read(url, resp)
    }

    fn read(&self, url: &str, resp: Response) -> Result<HttpReply, Error> {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().map_err(|e| transport_error(url, &e))?;
        if self.debug {
            log_response(status, &headers, &text);
        }
        let body = if text.trim().is_empty() {
            None
        } else {
            match serde_json::from_str::<Value>(&text) {
                Ok(v) => Some(v),
                Err(e) if status < 400 => {
                    return Err(Error::Decode {
                        url: url.to_string(),
                        detail: format!("not JSON ({e})"),
                    })
                }
                Err(_) => None,
            }
        };
        if status >= 400 {
            let request_id = ["x-openstack-request-id", "x-compute-request-id"]
                .iter()
                .find_map(|h| headers.get(*h).and_then(|v| v.to_str().ok()))
                .map(str::to_string);
            return Err(Error::Http {
                status,
                message: error_message(body.as_ref(), &text, status),
                request_id,
            });
        }
        Ok(HttpReply {
            url: url.to_string(),
            status,
            headers,
            body,
        })
    }
}

fn domain(id: &Option<String>, name: &Option<String>) -> Value {
    match (id, name) {
        (Some(id), _) => json!({ "id": id }),
        (None, Some(n)) => json!({ "name": n }),
        (None, None) => json!({ "name": "Default" }),
    }
}

fn http_client(opts: &ConnectOptions) -> Result<Http, Error> {
    let mut b = Http::builder()
        .timeout(opts.timeout.unwrap_or(Duration::from_secs(60)))
        .connect_timeout(Duration::from_secs(10));
    if opts.insecure {
        b = b.danger_accept_invalid_certs(true);
    }
    if let Some(path) = &opts.cacert {
        let pem = std::fs::read(path)
            .map_err(|e| Error::Config(format!("Cannot read the CA bundle '{path}': {e}")))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| Error::Config(format!("'{path}' is not a PEM CA bundle: {e}")))?;
        // Text with no `-----BEGIN CERTIFICATE-----` block is an empty bundle to reqwest.
        if certs.is_empty() {
            return Err(Error::Config(format!(
                "'{path}' is not a PEM CA bundle: it holds no certificate."
            )));
        }
        for c in certs {
            b = b.add_root_certificate(c);
        }
    }
    b.build()
        .map_err(|e| Error::Config(format!("Cannot set up HTTP: {}", root_cause(&e))))
}

/// Pick `type`'s endpoint for `interface` (and `region`, when given) from a v3 catalog.
fn find_endpoint(
    catalog: &[Value],
    ty: &str,
    interface: &str,
    region: Option<&str>,
) -> Option<String> {
    catalog
        .iter()
        .filter(|s| s.get("type").and_then(Value::as_str) == Some(ty))
        .flat_map(|s| {
            s.get("endpoints")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .find(|e| {
            e.get("interface").and_then(Value::as_str) == Some(interface)
                && region.is_none_or(|r| {
                    e.get("region_id").and_then(Value::as_str) == Some(r)
                        || e.get("region").and_then(Value::as_str) == Some(r)
                })
        })
        .and_then(|e| e.get("url").and_then(Value::as_str))
        .map(|u| u.trim_end_matches('/').to_string())
}

/// The message of an error reply: nova's `{"itemNotFound": {"message": ..}}`, Keystone's
/// `{"error": {"message": ..}}`, or the text itself.
fn error_message(body: Option<&Value>, text: &str, status: u16) -> String {
    if let Some(Value::Object(map)) = body {
        for v in map.values() {
            if let Some(m) = v.get("message").and_then(Value::as_str) {
                return m.to_string();
            }
        }
        if let Some(m) = map.get("message").and_then(Value::as_str) {
            return m.to_string();
        }
    }
    let t = text.trim();
    if t.is_empty() || t.len() > 300 || t.starts_with('<') {
        reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Unknown error")
            .to_string()
    } else {
        t.to_string()
    }
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

fn transport_error(url: &str, e: &reqwest::Error) -> Error {
    if e.is_timeout() {
        Error::Timeout {
            url: url.to_string(),
        }
    } else {
        Error::Connect {
            url: url.to_string(),
            detail: root_cause(e),
        }
    }
}

const SECRET_HEADERS: &[&str] = &["x-auth-token", "x-subject-token", "authorization"];
const SECRET_KEYS: &[&str] = &["password", "secret", "adminPass", "token", "private_key"];

/// A copy of `v` with every secret value replaced.
pub fn redact(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| {
                    let hidden = SECRET_KEYS.contains(&k.as_str())
                        && !matches!(x, Value::Object(_) | Value::Array(_));
                    if hidden {
                        (k.clone(), Value::String("***".into()))
                    } else if k == "token" {
                        // {"token": {"id": ...}} in a token-method request
                        let mut inner = redact(x);
                        if let Some(id) = inner.get_mut("id") {
                            *id = Value::String("***".into());
                        }
                        (k.clone(), inner)
                    } else {
                        (k.clone(), redact(x))
                    }
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(redact).collect()),
        other => other.clone(),
    }
}

fn log_headers(headers: &HeaderMap) -> String {
    let mut out = String::new();
    for (k, v) in headers {
        let shown = if SECRET_HEADERS.contains(&k.as_str()) {
            "***".to_string()
        } else {
            v.to_str().unwrap_or("<binary>").to_string()
        };
        out.push_str(&format!(" -H \"{}: {}\"", k.as_str(), shown));
    }
    out
}

fn log_request(req: &reqwest::blocking::Request, body: Option<&Value>) {
    let mut line = format!(
        "REQ: curl -g -i -X {} {}{}",
        req.method(),
        req.url(),
        log_headers(req.headers())
    );
    if let Some(b) = body {
        line.push_str(&format!(" -d '{}'", redact(b)));
    }
    eprintln!("{line}");
}

fn log_response(status: u16, headers: &HeaderMap, text: &str) {
    eprintln!("RESP: [{status}]{}", log_headers(headers));
    let shown = match serde_json::from_str::<Value>(text) {
        Ok(v) => redact(&v).to_string(),
        Err(_) => text.chars().take(2000).collect(),
    };
    eprintln!("RESP BODY: {shown}");
}
