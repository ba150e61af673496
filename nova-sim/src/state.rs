//! The simulated cloud's state, and how each record looks on the wire at a given
//! microversion (key sets follow nova's api-samples, version by version).

use serde_json::{json, Map, Value};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub type Mv = (u16, u16);

pub const PROJECT_ID: &str = "6f70656e737461636b20342065766572";
pub const USER_ID: &str = "9f0a4e8b2c1d4b6e8f7a6b5c4d3e2f10";
pub const BASE_IMAGE_ID: &str = "70a599e0-31e7-49b7-b260-868f441e862b";

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
}

#[derive(Clone)]
pub struct Server {
    pub id: String,
    pub name: String,
    pub flavor_id: String,
    pub image_id: Option<String>,
    pub key_name: Option<String>,
    pub metadata: Map<String, Value>,
    pub description: Option<String>,
    pub availability_zone: String,
    /// Fixed address, or None when booted with `networks: none`.
    pub address: Option<String>,
    pub created: String,
    pub started: Instant,
    pub launch_index: i64,
    pub reservation_id: String,
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

pub struct State {
    pub flavors: Vec<Flavor>,
    pub servers: Vec<Server>,
    pub images: Vec<Image>,
    pub keypairs: Vec<Keypair>,
    pub next_keypair_id: i64,
    pub next_address: u32,
    pub next_flavor_id: u32,
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
        };
        State {
            flavors: vec![
                flavor("1", "m1.tiny", 512, 1, 1),
                flavor("2", "m1.small", 2048, 20, 1),
                flavor("3", "m1.medium", 4096, 40, 2),
                flavor("4", "m1.large", 8192, 80, 4),
                flavor("5", "m1.xlarge", 16384, 160, 8),
            ],
            servers: Vec::new(),
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
            next_keypair_id: 1,
            next_address: 1,
            next_flavor_id: 6,
        }
    }

    pub fn flavor(&self, id: &str) -> Option<&Flavor> {
        self.flavors.iter().find(|f| f.id == id)
    }

    pub fn server(&self, id: &str) -> Option<&Server> {
        self.servers.iter().find(|s| s.id == id)
    }

    pub fn image(&self, id: &str) -> Option<&Image> {
        self.images.iter().find(|i| i.id == id)
    }
}

/// Render context: where links point and which microversion is asked for.
pub struct View<'a> {
    pub base: &'a str,
    pub mv: Mv,
    pub build_time: Duration,
}

impl View<'_> {
    fn at(&self, v: Mv) -> bool {
        self.mv >= v
    }

    pub fn links(&self, collection: &str, id: &str) -> Value {
        json!([
            {"href": format!("{}/compute/v2.1/{collection}/{id}", self.base), "rel": "self"},
            {"href": format!("{}/compute/{collection}/{id}", self.base), "rel": "bookmark"},
        ])
    }

    pub fn flavor_summary(&self, f: &Flavor) -> Value {
        let mut o = json!({"id": f.id, "name": f.name, "links": self.links("flavors", &f.id)});
        if self.at((2, 55)) {
            o["description"] = json!(f.description);
        }
        o
    }

    pub fn flavor(&self, f: &Flavor) -> Value {
        let mut o = self.flavor_summary(f);
        o["ram"] = json!(f.ram);
        o["disk"] = json!(f.disk);
        o["vcpus"] = json!(f.vcpus);
        o["OS-FLV-EXT-DATA:ephemeral"] = json!(f.ephemeral);
        o["os-flavor-access:is_public"] = json!(f.is_public);
        if !self.at((2, 102)) {
            o["OS-FLV-DISABLED:disabled"] = json!(false);
            o["rxtx_factor"] = json!(f.rxtx_factor);
        }
        o["swap"] = if self.at((2, 75)) || f.swap != 0 {
            json!(f.swap)
        } else {
            json!("")
        };
        if self.at((2, 61)) {
            o["extra_specs"] = Value::Object(f.extra_specs.clone());
        }
        o
    }

    /// Build progress of a server: (status, vm_state, task_state, power_state, progress).
    fn server_status(&self, s: &Server) -> (&'static str, &'static str, Value, i64, i64) {
        let elapsed = s.started.elapsed();
        if elapsed >= self.build_time {
            ("ACTIVE", "active", Value::Null, 1, 100)
        } else {
            let pct = (elapsed.as_millis() * 100 / self.build_time.as_millis().max(1)) as i64;
            ("BUILD", "building", json!("spawning"), 0, pct.min(99))
        }
    }

    pub fn server_summary(&self, s: &Server) -> Value {
        json!({"id": s.id, "name": s.name, "links": self.links("servers", &s.id)})
    }

    /// A server's full record; `single` for `GET /servers/{id}`, which alone carries
    /// `server_groups` (from 2.71).
    pub fn server(&self, s: &Server, st: &State, single: bool) -> Value {
        let (status, vm_state, task_state, power_state, progress) = self.server_status(s);
        let active = status == "ACTIVE";
        let mut o = self.server_summary(s);
        let m = o.as_object_mut().expect("server summary is an object");
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_string(), v);
        };
        put("status", json!(status));
        put("tenant_id", json!(PROJECT_ID));
        put("user_id", json!(USER_ID));
        put("created", json!(s.created));
        put("updated", json!(s.created));
        put(
            "hostId",
            json!(if active {
                "c3a5e8e0b1e3b4c8d7a6f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4"
            } else {
                ""
            }),
        );
        let addresses = match (&s.address, active) {
            (Some(ip), true) => json!({"private": [{
                "addr": ip, "version": 4,
                "OS-EXT-IPS-MAC:mac_addr": "fa:16:3e:4c:2c:30", "OS-EXT-IPS:type": "fixed"}]}),
            _ => json!({}),
        };
        put("addresses", addresses);
        put("accessIPv4", json!(""));
        put("accessIPv6", json!(""));
        put("progress", json!(progress));
        put("metadata", Value::Object(s.metadata.clone()));
        put("key_name", json!(s.key_name));
        put("config_drive", json!(""));
        put(
            "image",
            match &s.image_id {
                Some(id) => {
                    let mut img = json!({"id": id, "links": [{"href": format!("{}/compute/images/{id}", self.base), "rel": "bookmark"}]});
                    if self.at((2, 98)) {
                        img["properties"] = json!({});
                    }
                    img
                }
                None => json!(""),
            },
        );
        let flavor = st.flavor(&s.flavor_id);
        put(
            "flavor",
            if self.at((2, 47)) {
                match flavor {
                    Some(f) => {
                        json!({"original_name": f.name, "ram": f.ram, "vcpus": f.vcpus, "disk": f.disk,
                    "ephemeral": f.ephemeral, "swap": f.swap, "extra_specs": f.extra_specs})
                    }
                    None => json!({}),
                }
            } else {
                json!({"id": s.flavor_id, "links": [{"href": format!("{}/compute/flavors/{}", self.base, s.flavor_id), "rel": "bookmark"}]})
            },
        );
        put("OS-DCF:diskConfig", json!("MANUAL"));
        put("OS-EXT-AZ:availability_zone", json!(s.availability_zone));
        put("OS-EXT-STS:power_state", json!(power_state));
        put("OS-EXT-STS:task_state", task_state);
        put("OS-EXT-STS:vm_state", json!(vm_state));
        put(
            "OS-SRV-USG:launched_at",
            if active {
                json!(s.created.trim_end_matches('Z').to_string() + ".000000")
            } else {
                Value::Null
            },
        );
        put("OS-SRV-USG:terminated_at", Value::Null);
        put("os-extended-volumes:volumes_attached", json!([]));
        put("security_groups", json!([{"name": "default"}]));
        // Admin-only attributes (the default account is admin).
        put(
            "OS-EXT-SRV-ATTR:host",
            json!(if active { Some("compute-0") } else { None }),
        );
        put(
            "OS-EXT-SRV-ATTR:hypervisor_hostname",
            json!(if active {
                Some("compute-0.local")
            } else {
                None
            }),
        );
        put(
            "OS-EXT-SRV-ATTR:instance_name",
            json!(format!("instance-{:08x}", s.launch_index + 1)),
        );
        if self.at((2, 3)) {
            put("OS-EXT-SRV-ATTR:reservation_id", json!(s.reservation_id));
            put("OS-EXT-SRV-ATTR:launch_index", json!(0));
            put("OS-EXT-SRV-ATTR:kernel_id", json!(""));
            put("OS-EXT-SRV-ATTR:ramdisk_id", json!(""));
            put("OS-EXT-SRV-ATTR:hostname", json!(hostname(&s.name)));
            put("OS-EXT-SRV-ATTR:root_device_name", json!("/dev/vda"));
            put("OS-EXT-SRV-ATTR:user_data", Value::Null);
        }
        if self.at((2, 9)) {
            put("locked", json!(false));
        }
        if self.at((2, 16)) {
            put("host_status", json!(if active { "UP" } else { "" }));
        }
        if self.at((2, 19)) {
            put("description", json!(s.description));
        }
        if self.at((2, 26)) {
            put("tags", json!([]));
        }
        if self.at((2, 63)) {
            put("trusted_image_certificates", Value::Null);
        }
        if self.at((2, 71)) && single {
            put("server_groups", json!([]));
        }
        if self.at((2, 73)) {
            put("locked_reason", Value::Null);
        }
        if self.at((2, 96)) {
            put("pinned_availability_zone", Value::Null);
        }
        if self.at((2, 100)) {
            put("scheduler_hints", json!({}));
        }
        o
    }

    /// (Glance status, progress) of an image.
    fn image_status(&self, i: &Image) -> (&'static str, i64) {
        if i.started.elapsed() >= i.save_time {
            ("active", 100)
        } else {
            ("saving", 25)
        }
    }

    /// Glance v2's image shape; extra properties sit at the top level.
    pub fn glance_image(&self, i: &Image) -> Value {
        let (status, _) = self.image_status(i);
        let mut o = json!({
            "id": i.id, "name": i.name, "status": status, "visibility": "public",
            "protected": false, "os_hidden": false, "checksum": null, "owner": PROJECT_ID,
            "size": if status == "active" { json!(i.size) } else { Value::Null },
            "min_disk": i.min_disk, "min_ram": i.min_ram,
            "disk_format": "qcow2", "container_format": "bare",
            "created_at": i.created, "updated_at": i.created, "tags": [],
            "self": format!("/v2/images/{}", i.id), "file": format!("/v2/images/{}/file", i.id),
            "schema": "/v2/schemas/image",
        });
        if let Value::Object(m) = &mut o {
            for (k, v) in &i.properties {
                m.insert(k.clone(), v.clone());
            }
        }
        o
    }

    /// nova's `/images` proxy shape (up to 2.35); `single` for `GET /images/{id}`, where the
    /// seeded image shows its disk config (nova shows it for images with auto_disk_config).
    pub fn nova_image(&self, i: &Image, detail: bool, single: bool) -> Value {
        let mut o = json!({"id": i.id, "name": i.name, "links": self.links("images", &i.id)});
        if detail {
            let (status, progress) = self.image_status(i);
            o["status"] = json!(status.to_uppercase());
            o["progress"] = json!(progress);
            o["minDisk"] = json!(i.min_disk);
            o["minRam"] = json!(i.min_ram);
            o["created"] = json!(i.created);
            o["updated"] = json!(i.created);
            o["metadata"] = Value::Object(i.properties.clone());
            o["OS-EXT-IMG-SIZE:size"] = json!(i.size);
            if single {
                o["OS-DCF:diskConfig"] = json!("AUTO");
            }
            if let Some(server) = i.properties.get("instance_uuid").and_then(Value::as_str) {
                o["server"] = json!({"id": server, "links": self.links("servers", server)});
            }
        }
        o
    }

    pub fn keypair_summary(&self, k: &Keypair) -> Value {
        let mut o =
            json!({"name": k.name, "public_key": k.public_key, "fingerprint": k.fingerprint});
        if self.at((2, 2)) {
            o["type"] = json!(k.key_type);
        }
        o
    }

    pub fn keypair(&self, k: &Keypair) -> Value {
        let mut o = self.keypair_summary(k);
        o["user_id"] = json!(k.user_id);
        o["deleted"] = json!(false);
        o["created_at"] = json!(k.created_at);
        o["updated_at"] = Value::Null;
        o["deleted_at"] = Value::Null;
        o["id"] = json!(k.id);
        o
    }
}

fn hostname(name: &str) -> String {
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

/// UTC now as `2026-11-25T14:03:27Z`.
pub fn now_iso() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
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
