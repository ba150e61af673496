//! nova-sim: a small local OpenStack cloud speaking Keystone v3 (`/identity`), Compute v2.1
//! (`/compute`), Glance v2 (`/image`) and a minimal Neutron (`/network`) on one address, devstack's layout. State is in
//! memory behind one lock; requests are answered by hyper on a tokio runtime of a few worker threads.
//!
//! It shares no code with novagen's client or generator: it is an independent reading of
//! nova's protocol, checked against nova's own api-samples.

mod compute;
mod glance;
mod http;
mod identity;
mod network;
mod state;

pub use identity::{APP_CRED_ID, APP_CRED_SECRET, DOMAIN, PASSWORD, PROJECT, REGION, USERNAME};
pub use state::BASE_IMAGE_ID;

use bytes::Bytes;
use http::{Req, Resp};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use state::{Mv, State, View};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::oneshot;

/// Largest request body read; anything longer is refused.
const MAX_BODY: usize = 1 << 20;

/// [`Config::idle_timeout`] unless set.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How long the accept loop waits after failing for want of resources (out of file
/// descriptors, of memory), as hyper's and tokio's servers do: retrying at once spins a core
/// while no connection can be served.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

#[derive(Debug, Clone)]
pub struct Config {
    /// Newest compute microversion served.
    pub max_version: Mv,
    /// Time a new server spends in BUILD (and half of it a snapshot in `saving`).
    pub build_time: Duration,
    /// Largest page a list returns (nova's `max_limit`).
    pub max_limit: usize,
    pub workers: usize,
    /// ACTIVE servers (`bulk-00001`, ...) the cloud starts with.
    pub servers: usize,
    /// How long a token is valid; None: it never expires (its `expires_at` is in 2099).
    pub token_lifetime: Option<Duration>,
    /// The URL clients reach this cloud at, when it is not the listening address (behind a
    /// TLS proxy, as devstack's tls-proxy): used in the catalog and in links.
    pub public_url: Option<String>,
    /// How long a connection may wait for a request's headers (a new connection, or one kept
    /// alive after a reply) before the cloud closes it.
    pub idle_timeout: Duration,
    /// List the network service (`/network`, type `network`) in the catalog. It is served
    /// either way; off by default while the catalog's other readers expect three services.
    pub network_in_catalog: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_version: (2, 104),
            build_time: compute::default_build_time(),
            max_limit: 1000,
            workers: 8,
            servers: 0,
            token_lifetime: None,
            public_url: None,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            network_in_catalog: false,
        }
    }
}

pub struct Sim {
    pub config: Config,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    state: Mutex<State>,
    tokens: identity::Tokens,
}

impl Sim {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A worker that panicked mid-request must not take the whole cloud down with it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn view(&self, mv: Mv) -> View<'_> {
        View {
            base: &self.base,
            mv,
            build_time: self.config.build_time,
        }
    }

    /// Whether `t` is a token this cloud issued that is neither revoked nor expired.
    fn token_valid(&self, t: &str) -> bool {
        self.tokens.valid(t)
    }

    fn handle(&self, req: &Req) -> Resp {
        let p = service_path(&req.path);
        let split = |prefix: &str| {
            p.strip_prefix(prefix)
                .filter(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        // Compute routes on the raw path's segments; Keystone and Glance on the decoded path.
        let decoded = |rest: &str| http::decode_path(rest.trim_end_matches('/'));
        if let Some(rest) = split("/identity") {
            identity::handle(self, req, &decoded(rest))
        } else if let Some(rest) = split("/compute") {
            compute::handle(self, req, rest)
        } else if let Some(rest) = split("/network") {
            network::handle(self, req, &decoded(rest))
        } else if let Some(rest) = split("/nova-sim") {
            compute::test_only(self, req, rest)
        } else if let Some(rest) = split("/image") {
            glance::handle(self, req, &decoded(rest))
        } else {
            Resp::text(404, "404 Not Found\n\nThe resource could not be found.\n")
        }
    }
}

/// The path below the catalog's internal (`/internal`) or admin (`/admin`) endpoints, which
/// serve the same services as the public ones at the root.
fn service_path(path: &str) -> &str {
    ["/internal", "/admin"]
        .iter()
        .find_map(|i| path.strip_prefix(i).filter(|rest| rest.starts_with('/')))
        .unwrap_or(path)
}

/// A running simulator; dropping it (or [`Handle::stop`]) shuts it down.
pub struct Handle {
    pub addr: SocketAddr,
    pub sim: Arc<Sim>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<std::thread::JoinHandle<()>>,
}

impl Handle {
    pub fn url(&self) -> String {
        self.sim.base.clone()
    }

    /// The `export OS_...` lines that point a client at this cloud.
    pub fn exports(&self) -> String {
        format!(
            "export OS_AUTH_URL={}/identity\nexport OS_USERNAME={USERNAME}\nexport OS_PASSWORD={PASSWORD}\n\
             export OS_PROJECT_NAME={PROJECT}\nexport OS_USER_DOMAIN_NAME={DOMAIN}\n\
             export OS_PROJECT_DOMAIN_NAME={DOMAIN}\nexport OS_REGION_NAME={REGION}\n",
            self.sim.base
        )
    }

    pub fn stop(mut self) {
        self.shutdown();
    }

    /// Block until the server stops (it never does on its own).
    pub fn wait(mut self) {
        if let Some(s) = self.server.take() {
            let _ = s.join();
        }
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(s) = self.server.take() {
            let _ = s.join();
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Start serving on `listen` (`127.0.0.1:0` picks a free port): HTTP/1.1 (hyper) on a tokio
/// runtime of `config.workers` threads, in a thread of its own.
pub fn start(listen: &str, config: Config) -> Result<Handle, String> {
    let cannot = |e: std::io::Error| format!("cannot listen on {listen}: {e}");
    let listener = std::net::TcpListener::bind(listen).map_err(cannot)?;
    listener.set_nonblocking(true).map_err(cannot)?;
    let addr = listener.local_addr().map_err(cannot)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.workers.max(1))
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| format!("cannot start the server's runtime: {e}"))?;
    let listener = {
        let _in_runtime = runtime.enter();
        tokio::net::TcpListener::from_std(listener).map_err(cannot)?
    };
    let mut state = State::seeded();
    state.add_bulk_servers(config.servers, config.build_time);
    let base = match &config.public_url {
        Some(u) => u.trim_end_matches('/').to_string(),
        None => format!("http://{addr}"),
    };
    let sim = Arc::new(Sim {
        base,
        config,
        state: Mutex::new(state),
        tokens: identity::Tokens::default(),
    });
    let (stop, stopped) = oneshot::channel();
    let accepting = sim.clone();
    let server = std::thread::spawn(move || {
        runtime.block_on(async move {
            let accept = tokio::spawn(accept_loop(listener, accepting));
            // Stopped, or the handle is gone: either way, stop serving.
            let _ = stopped.await;
            accept.abort();
        });
        // Dropping the runtime ends the connections still open.
    });
    Ok(Handle {
        addr,
        sim,
        stop: Some(stop),
        server: Some(server),
    })
}

async fn accept_loop(listener: tokio::net::TcpListener, sim: Arc<Sim>) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors (or memory): nothing can be accepted until some close;
            // wait a little instead of retrying in a hot loop.
            Err(e) if out_of_resources(&e) => {
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
            // A connection reset before it was accepted and the like: the listener is fine.
            Err(_) => continue,
        };
        // A reply goes out as soon as it is written, not after the client's delayed ACK.
        let _ = stream.set_nodelay(true);
        let sim = sim.clone();
        tokio::spawn(async move {
            let idle = sim.config.idle_timeout;
            let service = service_fn(move |req| {
                let sim = sim.clone();
                async move { Ok::<_, Infallible>(serve_one(&sim, req).await) }
            });
            // A connection that sends no (further) request headers within the idle timeout is
            // closed: it holds a descriptor the cloud may need for others.
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(idle)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// An accept error that says the process or system is out of a resource (not that one
/// connection failed).
fn out_of_resources(e: &std::io::Error) -> bool {
    use libc::{EMFILE, ENFILE, ENOBUFS, ENOMEM};
    e.kind() == std::io::ErrorKind::OutOfMemory
        || matches!(e.raw_os_error(), Some(EMFILE | ENFILE | ENOMEM | ENOBUFS))
}

async fn serve_one(sim: &Sim, raw: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = raw.into_parts();
    let read = Limited::new(body, MAX_BODY).collect().await;
    let headers = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let url = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let (body, resp) = match read {
        Ok(b) => (b.to_bytes().to_vec(), None),
        Err(e) if e.is::<LengthLimitError>() => (
            Vec::new(),
            Some(Resp::nova_error(413, "Request is too large.")),
        ),
        Err(_) => (
            Vec::new(),
            Some(Resp::nova_error(400, "The request body could not be read.")),
        ),
    };
    let req = Req::new(parts.method.as_str(), &url, headers, body);
    // A handler runs to its end on this thread, under the state lock at times (a large boot
    // for a while): the runtime is told, so that the connections waiting on this worker are
    // served by another meanwhile, not after it.
    let resp = resp.unwrap_or_else(|| tokio::task::block_in_place(|| sim.handle(&req)));
    let request_id = req.request_id.clone();
    let mut headers = resp.headers;
    headers.push(("Content-Type".into(), resp.content_type.into()));
    headers.push(("x-openstack-request-id".into(), request_id.clone()));
    if service_path(&req.path).starts_with("/compute") {
        headers.push(("x-compute-request-id".into(), request_id));
    }
    let mut out = Response::new(Full::new(Bytes::from(resp.body)));
    *out.status_mut() =
        StatusCode::from_u16(resp.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in headers {
        if let (Ok(k), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            out.headers_mut().append(k, v);
        }
    }
    out
}
