//! The HTTP session: Keystone v3 authentication, service catalog lookup, microversion
//! negotiation, and one `send` that every request goes through (auth and version headers,
//! `--debug` logging with secrets redacted, error replies turned into [`Error`]).

use super::cache::{CacheDir, Entry, TokenCache};
use super::defs::{Service, Version};
use super::error::Error;
use crate::spec;
use reqwest::blocking::{Client as Http, Response};
use reqwest::header::HeaderMap;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

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
    /// Where tokens are cached (see [`TokenCache`]); None: no cache (the library's default;
    /// the `nova` command caches unless told `--no-cache`).
    pub cache_dir: Option<PathBuf>,
    /// The largest reply read; None: [`DEFAULT_MAX_REPLY`].
    pub max_reply_bytes: Option<u64>,
    /// The lowest microversion the command to run needs (the low end of its range): when it
    /// lies above `api.yaml`'s `negotiate`, `auto` negotiates up to it instead, if the server
    /// has it. None: the ceiling is `negotiate`.
    pub needs: Option<Version>,
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
            .field("cache_dir", &self.cache_dir)
            .field("max_reply_bytes", &self.max_reply_bytes)
            .field("needs", &self.needs)
            .finish_non_exhaustive()
    }
}

/// An authenticated session with the cloud; the generated managers hang off it.
/// `Debug` never shows the token.
pub struct Client {
    http: Http,
    /// Renewed in place when the cloud answers 401 to a token it issued.
    token: RwLock<String>,
    /// Replaced by the new token's catalog when the token is renewed.
    endpoints: RwLock<HashMap<&'static str, String>>,
    /// The compute microversion ([`Client::version`]); negotiated again when the cached
    /// version document proves out of date.
    version: AtomicU32,
    /// How `auto` chose the version (None: a version was asked for, or not negotiated yet).
    negotiated: Mutex<Option<Negotiated>>,
    /// A compute request of this session has been answered (not with a 406).
    answered: AtomicBool,
    /// The version was negotiated again after a 406: what failed may be run again, once.
    renegotiated: AtomicBool,
    /// What the session was opened with: the credentials to authenticate again with, and the
    /// project and user when no token of this session names them.
    opts: ConnectOptions,
    /// How to authenticate again, and where the token is cached; None for a client that
    /// was given a token and an endpoint (nothing to renew it with).
    auth: Option<Auth>,
}

/// What a client keeps to authenticate again after a 401 (with its `opts`).
struct Auth {
    cache: Option<(CacheDir, String)>,
    /// The cached entry of this session (its token's project and user), updated with version
    /// documents as they are fetched and replaced when the token is renewed.
    entry: Mutex<Option<Entry>>,
}

/// The version document `auto` negotiated from.
struct Negotiated {
    /// The compute endpoint it describes.
    url: String,
    /// It came from the token cache (fetched by an earlier run).
    cached: bool,
    /// It was fetched again in this run after a 406.
    refreshed: bool,
    /// The server's range, as the document says.
    range: (Version, Version),
}

fn pack(v: Version) -> u32 {
    (u32::from(v.0) << 16) | u32::from(v.1)
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("token", &"***")
            .field("endpoints", &self.endpoints)
            .field("version", &self.version())
            .field("project_id", &self.project_id())
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

/// Redirects followed at most for one request (same origin, no body only).
const MAX_REDIRECTS: usize = 5;
/// Waits before each retry of a request that failed to connect or got a 503.
const RETRY_DELAYS: [Duration; 2] = [Duration::from_millis(250), Duration::from_millis(750)];
/// The largest reply read by default (`ConnectOptions::max_reply_bytes`).
pub const DEFAULT_MAX_REPLY: u64 = 64 << 20;
/// How long one request may take by default (`ConnectOptions::timeout`).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

impl Client {
    /// Authenticate (or take a cached token) and pick the compute microversion.
    pub fn connect(opts: &ConnectOptions) -> Result<Client, Error> {
        let http = http_client(opts)?;
        let mut client = Client::new(http, spec::API.min, opts.clone());
        match (&opts.token, &opts.endpoint_override) {
            // A token already held, and the endpoint to use it on: no Keystone round trip.
            (Some(token), Some(_)) if opts.auth_url.is_none() => client.set_token(token.clone()),
            _ => client.log_in(opts)?,
        }
        if let Some(url) = &opts.endpoint_override {
            if let Ok(mut e) = client.endpoints.write() {
                e.insert("compute", url.trim_end_matches('/').to_string());
            }
        }
        if client.endpoint(Service::Compute).is_err() {
            return Err(Error::Config(
                "The service catalog has no compute endpoint for this interface and region; \
                 give one with --os-endpoint-override."
                    .into(),
            ));
        }
        let version = client.negotiate(opts.api_version.as_deref())?;
        client.set_version(version);
        Ok(client)
    }

    fn new(http: Http, version: Version, opts: ConnectOptions) -> Client {
        Client {
            http,
            token: RwLock::new(String::new()),
            endpoints: RwLock::new(HashMap::new()),
            version: AtomicU32::new(pack(version)),
            negotiated: Mutex::new(None),
            answered: AtomicBool::new(false),
            renegotiated: AtomicBool::new(false),
            opts,
            auth: None,
        }
    }

    /// A client that sends nothing (every request fails with a configuration error): for
    /// building and previewing requests at a microversion without a cloud.
    pub fn offline(version: Version) -> Result<Client, Error> {
        let http = Http::builder()
            .build()
            .map_err(|e| Error::Config(format!("cannot set up HTTP: {e}")))?;
        Ok(Client::new(http, version, ConnectOptions::default()))
    }

    /// The compute microversion of this session.
    pub fn version(&self) -> Version {
        let v = self.version.load(Ordering::Relaxed);
        Version((v >> 16) as u16, (v & 0xffff) as u16)
    }

    fn set_version(&self, v: Version) {
        self.version.store(pack(v), Ordering::Relaxed);
    }

    /// Whether the session's microversion was negotiated again, after a 406 showed the cached
    /// version document out of date, since the last [`Client::take_renegotiated`]: the request
    /// that failed (built for the old version) may be planned and sent again, once.
    pub fn renegotiated(&self) -> bool {
        self.renegotiated.load(Ordering::Relaxed)
    }

    /// [`Client::renegotiated`], cleared.
    pub fn take_renegotiated(&self) -> bool {
        self.renegotiated.swap(false, Ordering::Relaxed)
    }

    /// `--debug`: requests and replies logged to standard error, secrets redacted.
    fn debug(&self) -> bool {
        self.opts.debug
    }

    /// How long `--poll` waits between two looks at a resource.
    pub(crate) fn poll_interval(&self) -> Duration {
        self.opts.poll_interval.unwrap_or(Duration::from_secs(5))
    }

    /// The project the token is scoped to (else the one the session was opened with).
    pub fn project_id(&self) -> Option<String> {
        self.of_token(|e| e.project_id.clone())
            .or_else(|| self.opts.project_id.clone())
    }

    /// The user the token belongs to (else the one the session was opened with).
    pub fn user_id(&self) -> Option<String> {
        self.of_token(|e| e.user_id.clone())
            .or_else(|| self.opts.user_id.clone())
    }

    /// What Keystone said of the session's current token, when it issued it to this session.
    fn of_token<T>(&self, read: impl FnOnce(&Entry) -> Option<T>) -> Option<T> {
        let auth = self.auth.as_ref()?;
        let entry = auth.entry.lock().ok()?;
        entry.as_ref().and_then(read)
    }

    /// The endpoint of a service, from the catalog or `--os-endpoint-override`.
    pub fn endpoint(&self, service: Service) -> Result<String, Error> {
        self.endpoints
            .read()
            .ok()
            .and_then(|e| e.get(service.catalog_type()).cloned())
            .ok_or_else(|| {
                Error::Config(format!(
                    "No '{}' service is known to this session (a token used with \
                     --os-endpoint-override has no catalog).",
                    service.catalog_type()
                ))
            })
    }

    fn token(&self) -> String {
        self.token.read().map(|t| t.clone()).unwrap_or_default()
    }

    fn set_token(&self, token: String) {
        if let Ok(mut t) = self.token.write() {
            *t = token;
        }
    }

    /// A cached token when there is a fresh one, else a new one from Keystone (then cached).
    fn log_in(&mut self, opts: &ConnectOptions) -> Result<(), Error> {
        let (url, body, identity) = auth_request(opts)?;
        let cache = opts
            .cache_dir
            .as_ref()
            .and_then(|d| self.open_cache(d, &identity));
        let cached = cache.as_ref().and_then(|(c, key)| {
            c.load(key).unwrap_or_else(|why| {
                self.note(&format!("Not using the token cache file {why}."));
                None
            })
        });
        let entry = match cached {
            Some(e) if e.fresh() => {
                self.note(&format!(
                    "Using the cached token for {url} (expires at {}).",
                    e.expires_at
                ));
                e
            }
            other => {
                if cache.is_some() {
                    self.note(match other {
                        Some(_) => "The cached token expires soon: authenticating again.",
                        None => "No cached token: authenticating.",
                    });
                }
                let e = self.authenticate(&url, &body)?;
                if let Some((c, key)) = &cache {
                    self.save(c, key, &e);
                }
                e
            }
        };
        self.adopt(&entry);
        self.auth = Some(Auth {
            cache,
            entry: Mutex::new(Some(entry)),
        });
        Ok(())
    }

    /// The cache directory and this identity's key in it; None (said under `--debug`) when
    /// the directory is not one to trust (see `cache.rs`) or cannot be used.
    fn open_cache(&self, dir: &std::path::Path, identity: &Value) -> Option<(CacheDir, String)> {
        let refused = |why: &dyn std::fmt::Display| {
            self.note(&format!("Not using the token cache: {why}."));
            None
        };
        match TokenCache::new(dir).open(true) {
            Ok(Some(cache)) => match cache.key(identity) {
                Ok(key) => Some((cache, key)),
                Err(e) => refused(&format!("{}: {e}", dir.display())),
            },
            Ok(None) => refused(&format!("{} cannot be made", dir.display())),
            Err(why) => refused(&why),
        }
    }

    /// After a 401: authenticate again (never from the cache), take the new token's catalog
    /// (the cached one may be what sent the request astray) and cache the new token.
    fn renew(&self) -> Result<(), Error> {
        let Some(auth) = &self.auth else {
            return Err(Error::Config(
                "no credentials to authenticate again with".into(),
            ));
        };
        let (url, body, _) = auth_request(&self.opts)?;
        if let Some((c, key)) = &auth.cache {
            c.remove(key);
        }
        let mut entry = self.authenticate(&url, &body)?;
        self.adopt(&entry);
        // Version documents belong to the endpoints, not the token: those of endpoints still
        // in the catalog carry over.
        let endpoints: Vec<String> = self
            .endpoints
            .read()
            .map(|e| e.values().cloned().collect())
            .unwrap_or_default();
        if let Ok(old) = auth.entry.lock() {
            if let Some(old) = old.as_ref() {
                entry.discovery = old
                    .discovery
                    .iter()
                    .filter(|(url, _)| endpoints.contains(url))
                    .map(|(url, doc)| (url.clone(), doc.clone()))
                    .collect();
            }
        }
        if let Some((c, key)) = &auth.cache {
            self.save(c, key, &entry);
        }
        if let Ok(mut slot) = auth.entry.lock() {
            *slot = Some(entry);
        }
        Ok(())
    }

    fn save(&self, cache: &CacheDir, key: &str, entry: &Entry) {
        if let Err(e) = cache.store(key, entry) {
            self.note(&format!(
                "Cannot write the token cache in {}: {e}",
                cache.dir().display()
            ));
        }
    }

    fn note(&self, line: &str) {
        if self.debug() {
            let _ = writeln!(std::io::stderr(), "{line}");
        }
    }

    /// POST the auth request; the token, its expiry and catalog.
    fn authenticate(&self, url: &str, body: &Value) -> Result<Entry, Error> {
        let reply = self
            .send_raw(None, None, "POST", url, &[], Some(body))?
            .decode()?;
        let token = reply
            .headers
            .get("x-subject-token")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| Error::Decode {
                url: url.to_string(),
                detail: "the reply has no X-Subject-Token header".into(),
            })?
            .to_string();
        let doc = reply.body.as_ref().and_then(|b| b.get("token"));
        let text_at = |p: &str| {
            doc.and_then(|t| t.pointer(p))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        Ok(Entry {
            token,
            expires_at: text_at("/expires_at").unwrap_or_default(),
            user_id: text_at("/user/id"),
            project_id: text_at("/project/id"),
            catalog: doc
                .and_then(|t| t.get("catalog"))
                .cloned()
                .unwrap_or(Value::Array(Vec::new())),
            discovery: Default::default(),
        })
    }

    /// Take a token and its catalog as this session's (the endpoints of another catalog,
    /// but `--os-endpoint-override`, are dropped).
    fn adopt(&self, entry: &Entry) {
        let opts = &self.opts;
        self.set_token(entry.token.clone());
        let catalog = entry.catalog.as_array().map(Vec::as_slice).unwrap_or(&[]);
        let interface = opts.interface.as_deref().unwrap_or("public");
        let interface = interface.strip_suffix("URL").unwrap_or(interface);
        let mut endpoints = HashMap::new();
        if let Some(url) = &opts.endpoint_override {
            endpoints.insert("compute", url.trim_end_matches('/').to_string());
        }
        for service in [
            Service::Compute,
            Service::Image,
            Service::Network,
            Service::Volume,
        ] {
            if let Some(url) = find_endpoint(
                catalog,
                service.catalog_type(),
                interface,
                opts.region_name.as_deref(),
            ) {
                endpoints.entry(service.catalog_type()).or_insert(url);
            }
        }
        if let Ok(mut e) = self.endpoints.write() {
            *e = endpoints;
        }
    }

    /// `auto`: the newest version in both the spec's and the server's range, up to the
    /// ceiling (`api.yaml`'s `negotiate`, or the version the command needs above it).
    fn negotiate(&self, wanted: Option<&str>) -> Result<Version, Error> {
        let (lo, hi) = (spec::API.min, spec::API.max);
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
        let url = self.endpoint(Service::Compute)?;
        let (doc, cached) = match self.cached_discovery(&url) {
            Some(doc) => {
                self.note(&format!("Using the cached version document of {url}."));
                (doc, true)
            }
            None => {
                let reply = self.send(Service::Compute, "GET", "", &[], None)?;
                let doc = version_document(&url, reply.body)?;
                self.cache_discovery(&url, &doc);
                (doc, false)
            }
        };
        let (v, range) = Self::version_of(&url, &doc, self.opts.needs)?;
        if v > spec::API.negotiate {
            self.note(&format!(
                "Negotiated {v}, above the default ceiling {}: the command needs it.",
                spec::API.negotiate
            ));
        }
        if let Ok(mut n) = self.negotiated.lock() {
            *n = Some(Negotiated {
                url,
                cached,
                refreshed: false,
                range,
            });
        }
        Ok(v)
    }

    /// The newest version both the spec and the version document `doc` of `url` allow, up to
    /// the ceiling (`negotiate`; raised to `needs` when that lies above it, within the spec's
    /// range, and the server has it), and the document's range.
    fn version_of(
        url: &str,
        doc: &Value,
        needs: Option<Version>,
    ) -> Result<(Version, (Version, Version)), Error> {
        let (lo, hi) = (spec::API.min, spec::API.max);
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
        let ceiling = match needs {
            Some(n) if n > spec::API.negotiate && n <= hi && n <= smax => n,
            _ => spec::API.negotiate,
        };
        let v = ceiling.min(smax);
        if v < lo.max(smin) {
            return Err(Error::command(format!(
                "The server supports versions {smin} to {smax}, and this client {lo} to {hi}: there is no version both support."
            )));
        }
        Ok((v, (smin, smax)))
    }

    /// After nova's 406 (version not acceptable) to a compute request at the version `auto`
    /// chose: when that choice came from a version document cached by an earlier run (or of
    /// another endpoint than the current one, the catalog having changed), fetch the document
    /// again, once, and negotiate again; the error then says what was found, and, when the
    /// version changed and nothing of this session's was answered yet, [`Client::renegotiated`]
    /// tells the caller it may run the request again. Any other error is returned as it is.
    fn after_406(&self, err: Error) -> Error {
        let Error::Http {
            status: 406,
            message,
            request_id,
        } = err
        else {
            return err;
        };
        let said = |more: String| Error::Http {
            status: 406,
            message: format!("{message} ({more})"),
            request_id: request_id.clone(),
        };
        let Ok(url) = self.endpoint(Service::Compute) else {
            return said("no compute endpoint to ask for its version document".into());
        };
        let (stale, refreshed) = match self.negotiated.lock().ok().as_deref() {
            Some(Some(n)) => (n.cached || n.url != url, n.refreshed.then_some(n.range)),
            // A version asked for, not negotiated: nothing of the cache's to doubt.
            _ => return said_nothing(message, request_id),
        };
        if !stale {
            return match refreshed {
                Some((lo, hi)) => said(format!(
                    "the version document of {url} was fetched again in this run: it allows {lo} to {hi}, and {} was asked",
                    self.version()
                )),
                None => said_nothing(message, request_id),
            };
        }
        self.note(&format!(
            "HTTP 406 at {}: fetching the version document of {url} again (the cached one may be out of date).",
            self.version()
        ));
        let token = self.token();
        let fresh = self
            .send_raw(None, Some(&token), "GET", &url, &[], None)
            .and_then(RawReply::decode)
            .and_then(|r| version_document(&url, r.body))
            .and_then(|doc| Ok((Self::version_of(&url, &doc, self.opts.needs)?, doc)));
        let ((v, range), doc) = match fresh {
            Ok(found) => found,
            Err(e) => {
                return said(format!(
                    "the cached version document of {url} may be out of date; fetching it again failed: {e}"
                ))
            }
        };
        self.drop_discovery();
        self.cache_discovery(&url, &doc);
        let old = self.version();
        if let Ok(mut n) = self.negotiated.lock() {
            *n = Some(Negotiated {
                url: url.clone(),
                cached: false,
                refreshed: true,
                range,
            });
        }
        let (lo, hi) = range;
        if v == old {
            return said(format!(
                "the version document of {url} was fetched again: it allows {lo} to {hi}, and {old} was asked"
            ));
        }
        self.set_version(v);
        if !self.answered.load(Ordering::Relaxed) {
            self.renegotiated.store(true, Ordering::Relaxed);
            self.note(&format!(
                "The cached version document was out of date: the cloud allows {lo} to {hi}; version {v} negotiated instead of {old}."
            ));
        }
        said(format!(
            "the cached version document of {url} was out of date and was fetched again: it allows {lo} to {hi}; {v} is negotiated from now on"
        ))
    }

    /// Forget the cached version documents (one proved out of date).
    fn drop_discovery(&self) {
        if let Some(auth) = &self.auth {
            if let Ok(mut slot) = auth.entry.lock() {
                if let Some(entry) = slot.as_mut() {
                    entry.discovery.clear();
                }
            }
        }
    }

    fn cached_discovery(&self, url: &str) -> Option<Value> {
        let auth = self.auth.as_ref()?;
        auth.cache.as_ref()?;
        let entry = auth.entry.lock().ok()?;
        entry.as_ref()?.discovery.get(url).cloned()
    }

    fn cache_discovery(&self, url: &str, doc: &Value) {
        let Some(auth) = &self.auth else { return };
        let Some((cache, key)) = &auth.cache else {
            return;
        };
        let Ok(mut slot) = auth.entry.lock() else {
            return;
        };
        if let Some(entry) = slot.as_mut() {
            entry.discovery.insert(url.to_string(), doc.clone());
            self.save(cache, key, entry);
        }
    }

    /// Send an authenticated request to a service. `path` is relative to the service endpoint.
    /// A 401 is answered by authenticating again, once, when the session has credentials.
    pub fn send(
        &self,
        service: Service,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<HttpReply, Error> {
        self.send_bytes(service, method, path, query, body)?
            .decode()
    }

    /// [`Client::send`], with the reply's body left as bytes (big lists decode it themselves).
    pub fn send_bytes(
        &self,
        service: Service,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<RawReply, Error> {
        self.send_bytes_at(service, false, method, path, query, body)
    }

    /// The unversioned root of a service's endpoint: its URL cut before the last path segment
    /// that names a version (`v2`, `v2.1`: `http://h:8774/v2.1/<project>` → `http://h:8774`,
    /// `http://h/compute/v2.1` → `http://h/compute`), as novaclient's version-list cuts it; an
    /// endpoint naming no version is its own root. `path` is below it; `/` is the root itself.
    pub fn root_url(&self, service: Service, path: &str) -> Result<String, Error> {
        Ok(unversioned_root(&self.endpoint(service)?, path))
    }

    /// [`Client::send_bytes`] below the endpoint, or with `root` below its unversioned root
    /// ([`Client::root_url`]).
    pub fn send_bytes_at(
        &self,
        service: Service,
        root: bool,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<RawReply, Error> {
        let url_of = |c: &Self| -> Result<String, Error> {
            if root {
                c.root_url(service, path)
            } else {
                Ok(format!("{}{}", c.endpoint(service)?, path))
            }
        };
        let url = url_of(self)?;
        let token = self.token();
        let reply = match self.send_raw(Some(service), Some(&token), method, &url, query, body) {
            Err(Error::Http { status: 401, .. }) if self.auth.is_some() => {
                self.note("The cloud refused the token (HTTP 401): authenticating again.");
                self.renew()?;
                let token = self.token();
                // At the endpoint of the new token's catalog, not of the refused one's.
                let url = url_of(self)?;
                self.send_raw(Some(service), Some(&token), method, &url, query, body)
            }
            other => other,
        };
        match reply {
            Err(e) if service == Service::Compute => Err(self.after_406(e)),
            Ok(r) => {
                if service == Service::Compute {
                    self.answered.store(true, Ordering::Relaxed);
                }
                Ok(r)
            }
            Err(e) => Err(e),
        }
    }

    /// One request with its retries (connection refused: any method; a reset connection or
    /// 503: idempotent methods only) and same-origin redirects of requests without a body,
    /// all of it (connecting, each reply's headers and its whole body) within `--timeout`:
    /// a deadline, not a longest pause between two reads.
    fn send_raw(
        &self,
        service: Option<Service>,
        token: Option<&str>,
        method: &str,
        url: &str,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<RawReply, Error> {
        let m = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|e| Error::command(format!("bad HTTP method {method}: {e}")))?;
        let idempotent = matches!(method, "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS");
        let mut url = reqwest::Url::parse(url).map_err(|e| Error::Connect {
            url: url.to_string(),
            detail: format!("not a URL: {e}"),
        })?;
        let mut redirects = 0;
        let mut attempt = 0;
        let deadline = Instant::now() + self.opts.timeout.unwrap_or(DEFAULT_TIMEOUT);
        loop {
            let mut req = self.build(service, token, m.clone(), url.clone(), query, body)?;
            let shown = req.url().to_string();
            // What is left of the deadline bounds this attempt, its body included (reqwest's
            // per-request timeout is total: connect, headers and body).
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Error::Timeout { url: shown });
            }
            *req.timeout_mut() = Some(left);
            if self.debug() {
                log_request(&req, body);
            }
            let retry = match self.http.execute(req) {
                Err(e) => {
                    let retry = match io_kind(&e) {
                        Some(std::io::ErrorKind::ConnectionRefused) => e.is_connect(),
                        Some(
                            std::io::ErrorKind::ConnectionReset
                            | std::io::ErrorKind::ConnectionAborted
                            | std::io::ErrorKind::UnexpectedEof,
                        ) => idempotent,
                        // Cut off on an open connection (no reply, or half of one).
                        _ => idempotent && e.is_request() && !e.is_connect() && !e.is_timeout(),
                    };
                    if !retry || attempt >= RETRY_DELAYS.len() {
                        return Err(transport_error(&shown, &e));
                    }
                    root_cause(&e)
                }
                Ok(resp) if resp.status().as_u16() == 503 && idempotent => {
                    if attempt >= RETRY_DELAYS.len() {
                        return self.read(&shown, resp);
                    }
                    "HTTP 503".to_string()
                }
                Ok(resp) if is_redirect(resp.status().as_u16()) => {
                    url = self.redirect(&url, &resp, method, body.is_some(), redirects)?;
                    redirects += 1;
                    continue;
                }
                Ok(resp) => return self.read(&shown, resp),
            };
            let wait = RETRY_DELAYS[attempt];
            if Instant::now() + wait >= deadline {
                return Err(Error::Timeout { url: shown });
            }
            attempt += 1;
            self.note(&format!(
                "{method} {shown} failed ({retry}): retry {attempt} of {} in {:.2} s.",
                RETRY_DELAYS.len(),
                wait.as_secs_f64()
            ));
            std::thread::sleep(wait);
        }
    }

    fn build(
        &self,
        service: Option<Service>,
        token: Option<&str>,
        method: reqwest::Method,
        url: reqwest::Url,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<reqwest::blocking::Request, Error> {
        let shown = url.to_string();
        let mut req = self
            .http
            .request(method, url)
            .header("Accept", "application/json")
            .header("User-Agent", concat!("novagen/", env!("CARGO_PKG_VERSION")));
        if !query.is_empty() {
            req = req.query(query);
        }
        if let Some(t) = token {
            req = req.header("X-Auth-Token", t);
        }
        // Microversion headers go with compute requests, whatever their URL looks like.
        if service == Some(Service::Compute) {
            let v = self.version().to_string();
            req = req
                .header("X-OpenStack-Nova-API-Version", v.clone())
                .header("OpenStack-API-Version", format!("compute {v}"));
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let req = req.build().map_err(|e| Error::Connect {
            url: shown,
            detail: root_cause(&e),
        })?;
        // A URL that HTTP cannot carry (longer than its 65,534 bytes) is said to be that, not
        // a failure to connect.
        let sent = req.url().as_str();
        if let Err(e) = http::Uri::try_from(sent) {
            return Err(Error::command(format!(
                "The request cannot be sent: its URL is {} bytes long and HTTP refuses it ({e}): {}",
                sent.len(),
                super::error::shorten(sent)
            )));
        }
        Ok(req)
    }

    /// Where a redirect may be followed: to the same origin (scheme, host, port), for a request
    /// without a body, a few times. Anything else is an error: the credentials stay home.
    fn redirect(
        &self,
        from: &reqwest::Url,
        resp: &Response,
        method: &str,
        has_body: bool,
        hops: usize,
    ) -> Result<reqwest::Url, Error> {
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let to = from.join(location).map_err(|e| Error::Connect {
            url: from.to_string(),
            detail: format!("redirect (HTTP {status}) to an unreadable location: {e}"),
        })?;
        self.note(&format!("REDIRECT: [{status}] {method} {from} -> {to}"));
        let refuse = |why: &str| {
            Err(Error::Connect {
                url: from.to_string(),
                detail: format!(
                    "the server redirected (HTTP {status}) to {to}; not followed: {why}."
                ),
            })
        };
        if to.origin() != from.origin() {
            return refuse("another host, port or scheme would receive the credentials");
        }
        if has_body || !matches!(method, "GET" | "HEAD") {
            return refuse("only requests without a body are redirected");
        }
        if hops >= MAX_REDIRECTS {
            return refuse("too many redirects");
        }
        Ok(to)
    }

    /// The reply's bytes; an error status becomes an [`Error::Http`] with the reply's message.
    fn read(&self, url: &str, resp: Response) -> Result<RawReply, Error> {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let max = self.opts.max_reply_bytes.unwrap_or(DEFAULT_MAX_REPLY);
        let bytes = read_capped(url, resp, max)?;
        if self.debug() {
            log_response(status, &headers, &String::from_utf8_lossy(&bytes));
        }
        if status >= 400 {
            let body = serde_json::from_slice::<Value>(&bytes).ok();
            let request_id = ["x-openstack-request-id", "x-compute-request-id"]
                .iter()
                .find_map(|h| headers.get(*h).and_then(|v| v.to_str().ok()))
                .map(str::to_string);
            return Err(Error::Http {
                status,
                message: error_message(body.as_ref(), &String::from_utf8_lossy(&bytes), status),
                request_id,
            });
        }
        Ok(RawReply {
            url: url.to_string(),
            status,
            headers,
            bytes,
        })
    }
}

/// A successful reply whose body has not been decoded.
#[derive(Debug)]
pub struct RawReply {
    pub url: String,
    pub status: u16,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl RawReply {
    /// Whether the body is empty (or only white space).
    pub fn is_blank(&self) -> bool {
        self.bytes.iter().all(u8::is_ascii_whitespace)
    }

    /// The body as JSON (None when empty).
    pub fn decode(self) -> Result<HttpReply, Error> {
        let body = if self.is_blank() {
            None
        } else {
            Some(
                serde_json::from_slice::<Value>(&self.bytes).map_err(|e| Error::Decode {
                    url: self.url.clone(),
                    detail: too_deep(&self.bytes, &e).unwrap_or_else(|| format!("not JSON ({e})")),
                })?,
            )
        };
        Ok(HttpReply {
            url: self.url,
            status: self.status,
            headers: self.headers,
            body,
        })
    }
}

/// How deep a reply may nest: serde_json's own limit (its recursion limit).
const MAX_DEPTH: usize = 128;

/// When a reply could not be read (`e`) because it nests deeper than JSON is read here, what
/// to say of it: whatever else serde_json met first (a list where an object was expected,
/// its recursion limit), the reply is malformed, not missing a key. Looked at only on error.
pub(crate) fn too_deep(bytes: &[u8], e: &serde_json::Error) -> Option<String> {
    let said = e.to_string().starts_with("recursion limit exceeded");
    let (mut depth, mut in_text, mut escaped) = (0usize, false, false);
    let deeper = bytes.iter().any(|&b| {
        match (in_text, escaped, b) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_text = false,
            (true, false, _) => {}
            (false, _, b'"') => in_text = true,
            (false, _, b'[' | b'{') => depth += 1,
            (false, _, b']' | b'}') => depth = depth.saturating_sub(1),
            (false, _, _) => {}
        }
        depth > MAX_DEPTH
    });
    (said || deeper).then(|| {
        format!("the reply is malformed: it is nested too deep (more than {MAX_DEPTH} levels)")
    })
}

/// The 406 of a version asked for, as the cloud said it.
fn said_nothing(message: String, request_id: Option<String>) -> Error {
    Error::Http {
        status: 406,
        message,
        request_id,
    }
}

/// The `version` object of a compute endpoint's version document.
fn version_document(url: &str, body: Option<Value>) -> Result<Value, Error> {
    body.and_then(|mut b| b.get_mut("version").map(Value::take))
        .ok_or_else(|| Error::Decode {
            url: url.to_string(),
            detail: "the compute endpoint sent no version document".into(),
        })
}

/// The auth request of `opts`: its URL, body, and the identity the token cache keys it by
/// (the URL and the body, its password or secret included: the key is a keyed digest, see
/// `CacheDir::key`, and is never written with the secret).
fn auth_request(opts: &ConnectOptions) -> Result<(String, Value, Value), Error> {
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
                "You must provide a password via either --os-password or env[OS_PASSWORD].".into(),
            )
        })?;
        let mut user = serde_json::Map::new();
        match (&opts.user_id, &opts.username) {
            (Some(id), _) => {
                user.insert("id".into(), json!(id));
            }
            (None, Some(name)) => {
                user.insert("name".into(), json!(name));
                user.insert(
                    "domain".into(),
                    domain(&opts.user_domain_id, &opts.user_domain_name),
                );
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
    let identity = json!({"url": url, "auth": body});
    Ok((url, body, identity))
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// The `std::io::ErrorKind` under a transport error, if there is one.
fn io_kind(e: &reqwest::Error) -> Option<std::io::ErrorKind> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        cur = err.source();
    }
    None
}

/// Whether an error is, or was caused by, a timeout (reqwest's, or an I/O one).
fn timed_out(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(r) = err.downcast_ref::<reqwest::Error>() {
            if r.is_timeout() {
                return true;
            }
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::TimedOut {
                return true;
            }
            // An I/O error wrapping another error: its `source` skips the wrapped one.
            if let Some(inner) = io.get_ref() {
                if timed_out(inner) {
                    return true;
                }
            }
        }
        cur = err.source();
    }
    false
}

/// The reply body, refused when it is larger than `cap` bytes.
fn read_capped(url: &str, resp: Response, cap: u64) -> Result<Vec<u8>, Error> {
    let too_big = || Error::Decode {
        url: url.to_string(),
        detail: format!(
            "the reply is larger than {} MiB (--max-reply-mb sets the limit)",
            cap >> 20
        ),
    };
    // A body that stops coming until the deadline passes timed out; one that ends early was
    // cut off.
    let cut_off = |e: &(dyn std::error::Error + 'static)| match timed_out(e) {
        true => Error::Timeout {
            url: url.to_string(),
        },
        false => Error::Connect {
            url: url.to_string(),
            detail: format!("the reply was cut off: {e}"),
        },
    };
    match resp.content_length() {
        Some(n) if n > cap => return Err(too_big()),
        // Its length known and allowed, the body is gathered in one piece (not zeroed first
        // and copied out chunk by chunk).
        Some(_) => return resp.bytes().map(Vec::from).map_err(|e| cut_off(&e)),
        None => {}
    }
    let mut bytes = Vec::new();
    resp.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| cut_off(&e))?;
    if bytes.len() as u64 > cap {
        return Err(too_big());
    }
    Ok(bytes)
}

fn domain(id: &Option<String>, name: &Option<String>) -> Value {
    match (id, name) {
        (Some(id), _) => json!({ "id": id }),
        (None, Some(n)) => json!({ "name": n }),
        (None, None) => json!({ "name": "Default" }),
    }
}

/// TLS trusts the system store, the bundled roots and `--os-cacert`'s bundle (`tls`), or no
/// one at all with `--insecure` (the bundle is still read: a bad path is an error either way).
fn http_client(opts: &ConnectOptions) -> Result<Http, Error> {
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let mut b = Http::builder()
        .timeout(opts.timeout.unwrap_or(DEFAULT_TIMEOUT))
        .connect_timeout(Duration::from_secs(10))
        // Redirects are followed by `send_raw`, which knows where credentials may go.
        .redirect(reqwest::redirect::Policy::none());
    let mut extra = Vec::new();
    if let Some(path) = &opts.cacert {
        let pem = super::files::read_bounded(path.as_ref())
            .map_err(|e| Error::Config(format!("Cannot read the CA bundle '{path}': {e}")))?;
        extra = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Error::Config(format!("'{path}' is not a PEM CA bundle: {e}")))?;
        // Text with no `-----BEGIN CERTIFICATE-----` block holds no certificate.
        if extra.is_empty() {
            return Err(Error::Config(format!(
                "'{path}' is not a PEM CA bundle: it holds no certificate."
            )));
        }
    }
    b = match opts.insecure {
        true => b.danger_accept_invalid_certs(true),
        false => {
            let tls = super::tls::client_config(extra, opts.debug)
                .map_err(|e| Error::Config(format!("Cannot set up TLS: {e}")))?;
            b.use_preconfigured_tls(tls)
        }
    };
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
    if timed_out(e) {
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
/// Keystone's secrets; the compute API's are `api.yaml`'s `secrets:`.
const SECRET_KEYS: &[&str] = &["password", "secret", "token"];

/// A copy of `v` with every secret value replaced.
pub fn redact(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| {
                    let hidden = (SECRET_KEYS.contains(&k.as_str())
                        || spec::API.secrets.contains(&k.as_str()))
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
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn log_response(status: u16, headers: &HeaderMap, text: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "RESP: [{status}]{}",
        log_headers(headers)
    );
    let mut err = std::io::stderr();
    let shown = match serde_json::from_str::<Value>(text) {
        Ok(v) => redact(&v).to_string(),
        // Text as the server sent it: on a terminal, as the error line shows it (its control
        // characters made visible), so that it cannot drive the terminal.
        Err(_) => {
            let text: String = text.chars().take(2000).collect();
            match err.is_terminal() {
                true => super::output::for_terminal(&text).into_owned(),
                false => text,
            }
        }
    };
    let _ = writeln!(err, "RESP BODY: {shown}");
}

/// [`Client::root_url`] of an endpoint URL.
pub fn unversioned_root(endpoint: &str, path: &str) -> String {
    let start = endpoint.find("://").map(|i| i + 3).unwrap_or(0);
    let path_at = endpoint[start..]
        .find('/')
        .map(|i| i + start)
        .unwrap_or(endpoint.len());
    let is_version = |seg: &str| {
        seg.strip_prefix('v').is_some_and(|v| {
            let mut parts = v.splitn(2, '.');
            let digits = |p: Option<&str>| {
                p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            };
            digits(parts.next()) && parts.next().is_none_or(|minor| digits(Some(minor)))
        })
    };
    let mut cut = endpoint.len();
    let mut at = path_at;
    while at < endpoint.len() {
        let end = endpoint[at + 1..]
            .find('/')
            .map(|i| i + at + 1)
            .unwrap_or(endpoint.len());
        if is_version(&endpoint[at + 1..end]) {
            cut = at;
        }
        at = end;
    }
    let root = endpoint[..cut].trim_end_matches('/');
    if path == "/" && root.len() > path_at {
        return root.to_string();
    }
    format!("{root}{path}")
}

#[cfg(test)]
mod tests {
    use super::unversioned_root;

    /// The endpoint forms novaclient's version-list knows, and one naming no version.
    #[test]
    fn the_unversioned_root_of_an_endpoint() {
        let root = |e: &str| unversioned_root(e, "/");
        assert_eq!(root("http://h:8774/v2.1"), "http://h:8774/");
        assert_eq!(root("http://h:8774/v2.1/"), "http://h:8774/");
        assert_eq!(root("http://h:8774/v2/6f70656e"), "http://h:8774/");
        assert_eq!(root("https://h/compute/v2.1"), "https://h/compute");
        assert_eq!(root("https://h/compute/v2.1/6f70656e"), "https://h/compute");
        assert_eq!(root("https://h/compute"), "https://h/compute");
        assert_eq!(root("https://h/"), "https://h/");
        assert_eq!(root("https://h/v2x/v3.a"), "https://h/v2x/v3.a");
        assert_eq!(
            unversioned_root("http://h/compute/v2.1", "/versions"),
            "http://h/compute/versions"
        );
    }
}
