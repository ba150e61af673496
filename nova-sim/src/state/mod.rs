//! The simulated cloud's state, and how each record looks on the wire at a given
//! microversion (key sets follow nova's api-samples, version by version).

mod hosts;
mod server;
mod server_view;
pub mod time;
mod view;

pub use hosts::{Hypervisor, Service};
pub use server::{Server, ServerAction, Task, VmState};
pub use server_view::Shape;
pub use time::now_iso;
pub use view::View;

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

pub type Mv = (u16, u16);

pub const PROJECT_ID: &str = "6f70656e737461636b20342065766572";
pub const USER_ID: &str = "9f0a4e8b2c1d4b6e8f7a6b5c4d3e2f10";
pub const BASE_IMAGE_ID: &str = "70a599e0-31e7-49b7-b260-868f441e862b";
/// The one network (`private`, whose addresses servers get) and its subnet, as the network
/// service (`/network/v2.0/networks`) and `os-interface` show them; the network ID is the
/// one the tests boot with (`--nic net-id=3cb4a1b4-...`), so that `net-name=private` finds it.
pub const PRIVATE_NET_ID: &str = "3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f";
pub const PRIVATE_SUBNET_ID: &str = "f8a6e8f8-c2ec-497c-9f23-da9616de54ef";
/// The MAC address server views show for a server's boot port.
pub const BOOT_MAC: &str = "fa:16:3e:4c:2c:30";

#[derive(Clone)]
pub struct Flavor {
    pub id: String,
    pub name: String,
    pub ram: i64,
    pub disk: i64,
    pub vcpus: i64,
    pub ephemeral: i64,
    pub swap: i64,
    pub rxtx_factor: f64,
    pub is_public: bool,
    pub description: Option<String>,
    pub extra_specs: Map<String, Value>,
    /// Projects given access to a private flavor.
    pub access: Vec<String>,
}

#[derive(Clone)]
pub struct Image {
    pub id: String,
    pub name: String,
    pub created: String,
    pub started: Instant,
    /// Time until a snapshot is `active`; zero for images that start active.
    pub save_time: Duration,
    pub size: i64,
    pub min_disk: i64,
    pub min_ram: i64,
    /// Extra properties: image_type, instance_uuid, backup_type, description...
    pub properties: Map<String, Value>,
}

#[derive(Clone)]
pub struct Keypair {
    pub id: i64,
    pub name: String,
    pub key_type: String,
    pub public_key: String,
    pub fingerprint: String,
    pub user_id: String,
    pub created_at: String,
}

/// A host aggregate (`os-aggregates`); its availability zone is its metadata's
/// `availability_zone`.
#[derive(Clone)]
pub struct Aggregate {
    pub id: i64,
    pub uuid: String,
    pub name: String,
    pub hosts: Vec<String>,
    pub metadata: Map<String, Value>,
    pub created: time::Secs,
    pub updated: Option<time::Secs>,
}

impl Aggregate {
    pub fn zone(&self) -> Option<&str> {
        self.metadata
            .get("availability_zone")
            .and_then(Value::as_str)
    }
}

/// A server group (`os-server-groups`).
#[derive(Clone)]
pub struct ServerGroup {
    pub id: String,
    pub name: String,
    pub policy: String,
    pub rules: Map<String, Value>,
    pub project_id: String,
    pub user_id: String,
}

/// A port of the one network bound to a server (`os-interface`).
#[derive(Clone)]
pub struct Port {
    pub id: String,
    pub server_id: String,
    pub mac: String,
    pub ip: String,
    pub tag: Option<String>,
}

/// Quota limits by resource name (nova's resource names: `instances`, `cores`, ...).
pub type Limits = BTreeMap<String, i64>;

pub struct State {
    pub flavors: Vec<Flavor>,
    pub servers: Vec<Server>,
    /// Deleted servers, kept for usage reports.
    pub deleted: Vec<Server>,
    pub images: Vec<Image>,
    pub keypairs: Vec<Keypair>,
    pub services: Vec<Service>,
    pub hypervisors: Vec<Hypervisor>,
    /// Quota classes (`default` and any a client sets).
    pub quota_classes: BTreeMap<String, Limits>,
    /// Per-project (and per project+user) overrides of the default class.
    pub quotas: BTreeMap<(String, Option<String>), Limits>,
    pub next_keypair_id: i64,
    pub next_address: u32,
    pub next_launch_index: i64,
    /// Per project, the (instances, cores, ram) of boots accepted but not yet all added to
    /// `servers` (a large boot adds its servers a chunk at a time): counted against quotas.
    pub booting: BTreeMap<String, (i64, i64, i64)>,
    pub aggregates: Vec<Aggregate>,
    pub next_aggregate_id: i64,
    pub server_groups: Vec<ServerGroup>,
    /// The encrypted admin password of a server (`os-server-password`), by server ID: set
    /// by a test through `PUT /nova-sim/servers/{id}/password` (real nova's comes from the
    /// metadata service, which is not simulated).
    pub passwords: BTreeMap<String, String>,
    /// Addresses of servers as Neutron would have them beyond nova-sim's one private network
    /// (more networks, floating and IPv6 addresses), set by a test through `PUT
    /// /nova-sim/servers/{id}/addresses`: shown instead of the ones nova-sim makes.
    pub addresses: BTreeMap<String, serde_json::Value>,
    /// Ports bound to servers: their boot ports once `os-interface` has seen them
    /// (`ports_seen`, so that a detached boot port stays detached) and those attached later.
    pub ports: Vec<Port>,
    pub ports_seen: std::collections::BTreeSet<String>,
}

impl State {
    pub fn seeded() -> State {
        let flavor = |id: &str, name: &str, ram, disk, vcpus| Flavor {
            id: id.into(),
            name: name.into(),
            ram,
            disk,
            vcpus,
            ephemeral: 0,
            swap: 0,
            rxtx_factor: 1.0,
            is_public: true,
            description: None,
            extra_specs: Map::new(),
            access: Vec::new(),
        };
        let (services, hypervisors) = hosts::seed();
        State {
            flavors: vec![
                flavor("1", "m1.tiny", 512, 1, 1),
                flavor("2", "m1.small", 2048, 20, 1),
                flavor("3", "m1.medium", 4096, 40, 2),
                flavor("4", "m1.large", 8192, 80, 4),
                flavor("5", "m1.xlarge", 16384, 160, 8),
            ],
            servers: Vec::new(),
            deleted: Vec::new(),
            images: vec![Image {
                id: BASE_IMAGE_ID.into(),
                name: "cirros-0.6.2-x86_64-disk".into(),
                created: now_iso(),
                started: Instant::now(),
                save_time: Duration::ZERO,
                size: 21430272,
                min_disk: 0,
                min_ram: 0,
                properties: Map::new(),
            }],
            keypairs: Vec::new(),
            services,
            hypervisors,
            quota_classes: BTreeMap::from([("default".to_string(), default_limits())]),
            quotas: BTreeMap::new(),
            next_keypair_id: 1,
            next_address: 1,
            next_launch_index: 0,
            booting: BTreeMap::new(),
            aggregates: Vec::new(),
            next_aggregate_id: 1,
            server_groups: Vec::new(),
            passwords: BTreeMap::new(),
            addresses: BTreeMap::new(),
            ports: Vec::new(),
            ports_seen: Default::default(),
        }
    }

    /// The next fixed address of the one network.
    pub fn new_address(&mut self) -> String {
        let a = self.next_address;
        self.next_address += 1;
        address(a)
    }

    /// Add `n` ACTIVE servers named `bulk-00001`, ... (m1.tiny, the base image, spread over
    /// the computes), created a millisecond apart, for measuring lists of many servers.
    /// The project's quota is raised by what they use, so that it can still boot as many
    /// servers as nova's defaults allow.
    pub fn add_bulk_servers(&mut self, n: usize, build_time: Duration) {
        if n > 0 {
            let defaults = default_limits();
            let raised = self
                .quotas
                .entry((PROJECT_ID.to_string(), None))
                .or_default();
            for (res, each) in [("instances", 1), ("cores", 1), ("ram", 512)] {
                let base = defaults.get(res).copied().unwrap_or(0);
                raised.insert(res.to_string(), base + each * n as i64);
            }
        }
        let now = time::now();
        // Already past BUILD (where the clock allows: just after boot, it may not).
        let started = Instant::now()
            .checked_sub(build_time)
            .unwrap_or_else(Instant::now);
        let reservation_id = format!("r-{}", &new_id()[..8]);
        for i in 0..n {
            let created = now - (n - i) as f64 * 0.001;
            let name = format!("bulk-{:05}", i + 1);
            let (host, node) = self
                .hypervisors
                .get(i % self.hypervisors.len().max(1))
                .map(|h| (h.host.clone(), h.hostname.clone()))
                .unwrap_or_default();
            let address = Some(self.new_address());
            let instance_index = self.next_launch_index;
            self.next_launch_index += 1;
            let id = new_id();
            let action = ServerAction {
                action: "create".into(),
                request_id: format!("req-{}", new_id()),
                user_id: USER_ID.into(),
                project_id: PROJECT_ID.into(),
                start: created,
                host: host.clone(),
            };
            self.servers.push(Server {
                id,
                hostname: name.clone(),
                name,
                project_id: PROJECT_ID.into(),
                user_id: USER_ID.into(),
                flavor_id: "1".into(),
                old_flavor: None,
                image_id: Some(BASE_IMAGE_ID.into()),
                key_name: None,
                metadata: Map::new(),
                description: None,
                availability_zone: "nova".into(),
                host,
                node,
                old_host: None,
                address,
                security_groups: vec!["default".into()],
                tags: Vec::new(),
                user_data: None,
                scheduler_hints: Map::new(),
                locked: false,
                locked_reason: None,
                created,
                updated: created,
                deleted_at: None,
                started,
                vm_state: VmState::Active,
                task: None,
                launch_index: i as i64,
                instance_index,
                reservation_id: reservation_id.clone(),
                actions: vec![action],
            });
        }
    }

    /// The availability zone of a service: `internal` but for computes, whose zone is that of
    /// the first aggregate of their host that has one, else nova's default, `nova`.
    pub fn zone_of(&self, s: &Service) -> String {
        if s.binary != "nova-compute" {
            return "internal".into();
        }
        self.aggregates
            .iter()
            .filter(|a| a.hosts.contains(&s.host))
            .find_map(Aggregate::zone)
            .unwrap_or("nova")
            .to_string()
    }

    pub fn flavor(&self, id: &str) -> Option<&Flavor> {
        self.flavors.iter().find(|f| f.id == id)
    }

    pub fn server(&self, id: &str) -> Option<&Server> {
        self.servers.iter().find(|s| s.id == id)
    }

    pub fn server_mut(&mut self, id: &str) -> Option<&mut Server> {
        self.servers.iter_mut().find(|s| s.id == id)
    }

    pub fn image(&self, id: &str) -> Option<&Image> {
        self.images.iter().find(|i| i.id == id)
    }

    /// The limits in force for a project (and user): the default class, then overrides.
    pub fn limits(&self, project: &str, user: Option<&str>) -> Limits {
        let mut l = self
            .quota_classes
            .get("default")
            .cloned()
            .unwrap_or_else(default_limits);
        for key in [
            (project.to_string(), None),
            (project.to_string(), user.map(str::to_string)),
        ] {
            if let Some(o) = self.quotas.get(&key) {
                l.extend(o.iter().map(|(k, v)| (k.clone(), *v)));
            }
        }
        l
    }

    /// (instances, cores, ram) used by a project's servers (and one user's, if given).
    pub fn usage(&self, project: &str, user: Option<&str>) -> (i64, i64, i64) {
        self.servers
            .iter()
            .filter(|s| s.project_id == project && user.is_none_or(|u| s.user_id == u))
            .fold((0, 0, 0), |(n, c, r), s| {
                let f = self.flavor(&s.flavor_id);
                (
                    n + 1,
                    c + f.map_or(0, |f| f.vcpus),
                    r + f.map_or(0, |f| f.ram),
                )
            })
    }
}

/// The `n`th fixed address of the one network.
pub fn address(n: u32) -> String {
    format!("10.0.{}.{}", n / 250, n % 250 + 2)
}

/// nova's default quota class.
pub fn default_limits() -> Limits {
    [
        ("instances", 10),
        ("cores", 20),
        ("ram", 51200),
        ("metadata_items", 128),
        ("injected_files", 5),
        ("injected_file_content_bytes", 10240),
        ("injected_file_path_bytes", 255),
        ("key_pairs", 100),
        ("server_groups", 10),
        ("server_group_members", 10),
        ("floating_ips", -1),
        ("fixed_ips", -1),
        ("security_groups", -1),
        ("security_group_rules", -1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// nova's default `OS-EXT-SRV-ATTR:hostname` for a display name.
pub fn hostname(name: &str) -> String {
    let h: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    h.trim_matches('-').to_string()
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A fingerprint-looking digest of a public key (not cryptographic; the simulator only needs
/// a stable value per key).
pub fn fingerprint(key: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut bytes = Vec::new();
    for salt in 0..2u8 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (salt, key).hash(&mut h);
        bytes.extend_from_slice(&h.finish().to_be_bytes());
    }
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}
