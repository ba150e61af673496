//! nova-sim: a small local OpenStack cloud speaking Keystone v3 (`/identity`), Compute v2.1
//! (`/compute`) and Glance v2 (`/image`) on one address, devstack's layout. State is in
//! memory behind one lock; every request is answered by one of a few worker threads.
//!
//! It shares no code with novagen's client or generator: it is an independent reading of
//! nova's protocol, checked against nova's own api-samples.

mod compute;
mod glance;
mod http;
mod identity;
mod state;

pub use identity::{APP_CRED_ID, APP_CRED_SECRET, DOMAIN, PASSWORD, PROJECT, REGION, USERNAME};
pub use state::BASE_IMAGE_ID;

use http::{Req, Resp};
use state::{Mv, State, View};
use std::collections::HashSet;
use std::io::Read;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// Largest request body read; anything longer is refused.
const MAX_BODY: u64 = 1 << 20;

#[derive(Debug, Clone)]
pub struct Config {
    /// Newest compute microversion served.
    pub max_version: Mv,
    /// Time a new server spends in BUILD (and half of it a snapshot in `saving`).
    pub build_time: Duration,
    /// Largest page a list returns (nova's `max_limit`).
    pub max_limit: usize,
    pub workers: usize,
    /// The URL clients reach this cloud at, when it is not the listening address (behind a
    /// TLS proxy, as devstack's tls-proxy): used in the catalog and in links.
    pub public_url: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_version: (2, 104),
            build_time: compute::default_build_time(),
            max_limit: 1000,
            workers: 8,
            public_url: None,
        }
    }
}

pub struct Sim {
    pub config: Config,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    state: Mutex<State>,
    tokens: Mutex<HashSet<String>>,
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

    fn new_token(&self) -> String {
        let t = format!("gAAAAA{}", state::new_id().replace('-', ""));
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(t.clone());
        t
    }

    fn token_valid(&self, t: &str) -> bool {
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(t)
    }

    fn handle(&self, req: &Req) -> Resp {
        let p = service_path(&req.path);
        let split = |prefix: &str| {
            p.strip_prefix(prefix)
                .filter(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if let Some(rest) = split("/identity") {
            identity::handle(self, req, rest)
        } else if let Some(rest) = split("/compute") {
            compute::handle(self, req, rest)
        } else if let Some(rest) = split("/image") {
            glance::handle(self, req, rest)
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
    server: Arc<tiny_http::Server>,
    workers: Vec<std::thread::JoinHandle<()>>,
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
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }

    fn shutdown(&mut self) {
        for _ in &self.workers {
            self.server.unblock();
        }
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Start serving on `listen` (`127.0.0.1:0` picks a free port).
pub fn start(listen: &str, config: Config) -> Result<Handle, String> {
    let server =
        tiny_http::Server::http(listen).map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| format!("{listen} is not an IP address"))?;
    let base = match &config.public_url {
        Some(u) => u.trim_end_matches('/').to_string(),
        None => format!("http://{addr}"),
    };
    let sim = Arc::new(Sim {
        base,
        config,
        state: Mutex::new(State::seeded()),
        tokens: Mutex::new(HashSet::new()),
    });
    let server = Arc::new(server);
    let workers = (0..sim.config.workers.max(1))
        .map(|_| {
            let (server, sim) = (server.clone(), sim.clone());
            std::thread::spawn(move || {
                while let Ok(req) = server.recv() {
                    serve_one(&sim, req);
                }
            })
        })
        .collect();
    Ok(Handle {
        addr,
        sim,
        server,
        workers,
    })
}

fn serve_one(sim: &Sim, mut raw: tiny_http::Request) {
    let mut body = Vec::new();
    let read = raw.as_reader().take(MAX_BODY + 1).read_to_end(&mut body);
    let headers = raw
        .headers()
        .iter()
        .map(|h| {
            (
                h.field.as_str().as_str().to_string(),
                h.value.as_str().to_string(),
            )
        })
        .collect();
    let req = Req::new(raw.method().as_str(), raw.url(), headers, body);
    let resp = match read {
        Err(_) => Resp::nova_error(400, "The request body could not be read."),
        Ok(n) if n as u64 > MAX_BODY => Resp::nova_error(413, "Request is too large."),
        Ok(_) => sim.handle(&req),
    };
    let request_id = req.request_id.clone();
    let mut out = tiny_http::Response::from_data(resp.body).with_status_code(resp.status);
    let mut headers = resp.headers;
    headers.push(("Content-Type".into(), resp.content_type.into()));
    headers.push(("x-openstack-request-id".into(), request_id.clone()));
    if service_path(&req.path).starts_with("/compute") {
        headers.push(("x-compute-request-id".into(), request_id));
    }
    for (k, v) in headers {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            out.add_header(h);
        }
    }
    let _ = raw.respond(out);
}
