//! How a server looks on the wire at a microversion: the minimal list entry, the full record
//! of `GET /servers/{id}` and `/servers/detail`, and the reduced record that `PUT /servers/{id}`
//! and `rebuild` answer with below 2.75.

use super::time::{iso, iso_micro};
use super::{fingerprint, Server, State, View};
use serde_json::{json, Map, Value};

/// Which of nova's server views.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// An entry of `/servers/detail`.
    Detail,
    /// `GET /servers/{id}`: adds `server_groups` (2.71+).
    Show,
    /// The reply of update and rebuild: below 2.75 only the basic keys and a few versioned ones.
    Reduced,
}

/// The keys of nova's reduced view (update and rebuild replies below 2.75).
const REDUCED: &[&str] = &[
    "OS-DCF:diskConfig",
    "accessIPv4",
    "accessIPv6",
    "addresses",
    "created",
    "flavor",
    "hostId",
    "id",
    "image",
    "links",
    "metadata",
    "name",
    "progress",
    "status",
    "tenant_id",
    "updated",
    "user_id",
    "locked",
    "description",
    "tags",
    "trusted_image_certificates",
    "server_groups",
    "locked_reason",
];

impl View<'_> {
    pub fn server_summary(&self, s: &Server) -> Value {
        json!({"id": s.id, "name": s.name, "links": self.links("servers", &s.id)})
    }

    pub fn server(&self, s: &Server, st: &State, shape: Shape) -> Value {
        let phase = s.phase(self.build_time);
        let placed = phase.status != "BUILD";
        let mut m = Map::new();
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_string(), v);
        };
        put("id", json!(s.id));
        put("name", json!(s.name));
        put("links", self.links("servers", &s.id));
        put("status", json!(phase.status));
        put("tenant_id", json!(s.project_id));
        put("user_id", json!(s.user_id));
        put("created", json!(iso(s.created)));
        put("updated", json!(iso(s.updated)));
        let host_id = if placed {
            fingerprint(&format!("{}{}", s.project_id, s.host)).replace(':', "")[..32].repeat(2)
                [..56]
                .to_string()
        } else {
            String::new()
        };
        put("hostId", json!(host_id));
        // The boot address, then those of ports attached later (`os-interface`).
        let mut fixed: Vec<Value> = Vec::new();
        if placed {
            let entry = |ip: &str, mac: &str| {
                json!({"addr": ip, "version": 4,
                       "OS-EXT-IPS-MAC:mac_addr": mac, "OS-EXT-IPS:type": "fixed"})
            };
            if let Some(ip) = &s.address {
                fixed.push(entry(ip, super::BOOT_MAC));
            }
            for p in st.ports.iter().filter(|p| p.server_id == s.id) {
                if s.address.as_deref() != Some(p.ip.as_str()) {
                    fixed.push(entry(&p.ip, &p.mac));
                }
            }
        }
        let addresses = match st.addresses.get(&s.id) {
            Some(planted) if placed => planted.clone(),
            _ if fixed.is_empty() => json!({}),
            _ => json!({ "private": fixed }),
        };
        put("addresses", addresses);
        put("accessIPv4", json!(""));
        put("accessIPv6", json!(""));
        put("progress", json!(phase.progress));
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
        put("flavor", self.server_flavor(s, st));
        put("OS-DCF:diskConfig", json!("MANUAL"));
        put("OS-EXT-AZ:availability_zone", json!(s.availability_zone));
        put("OS-EXT-STS:power_state", json!(phase.power));
        put("OS-EXT-STS:task_state", json!(phase.task_state));
        put("OS-EXT-STS:vm_state", json!(phase.vm_state));
        let launched = self.build_time.as_secs_f64();
        put(
            "OS-SRV-USG:launched_at",
            json!(placed.then(|| iso_micro(s.created + launched))),
        );
        put("OS-SRV-USG:terminated_at", Value::Null);
        put("os-extended-volumes:volumes_attached", json!([]));
        let groups: Vec<Value> = s
            .security_groups
            .iter()
            .map(|g| json!({ "name": g }))
            .collect();
        put("security_groups", Value::Array(groups));
        // Admin-only attributes (the default account is admin).
        put("OS-EXT-SRV-ATTR:host", json!(placed.then_some(&s.host)));
        put(
            "OS-EXT-SRV-ATTR:hypervisor_hostname",
            json!(placed.then_some(&s.node)),
        );
        put(
            "OS-EXT-SRV-ATTR:instance_name",
            json!(format!("instance-{:08x}", s.instance_index + 1)),
        );
        if self.at((2, 3)) {
            put("OS-EXT-SRV-ATTR:reservation_id", json!(s.reservation_id));
            put("OS-EXT-SRV-ATTR:launch_index", json!(s.launch_index));
            put("OS-EXT-SRV-ATTR:kernel_id", json!(""));
            put("OS-EXT-SRV-ATTR:ramdisk_id", json!(""));
            put("OS-EXT-SRV-ATTR:hostname", json!(s.hostname));
            put("OS-EXT-SRV-ATTR:root_device_name", json!("/dev/vda"));
            put("OS-EXT-SRV-ATTR:user_data", json!(s.user_data));
        }
        if self.at((2, 9)) {
            put("locked", json!(s.locked));
        }
        if self.at((2, 16)) {
            let up = st
                .services
                .iter()
                .any(|x| x.host == s.host && x.binary == "nova-compute" && x.up());
            put(
                "host_status",
                json!(match (placed, up) {
                    (false, _) => "",
                    (true, true) => "UP",
                    (true, false) => "DOWN",
                }),
            );
        }
        if self.at((2, 19)) {
            put("description", json!(s.description));
        }
        if self.at((2, 26)) {
            put("tags", json!(s.tags));
        }
        if self.at((2, 63)) {
            put("trusted_image_certificates", Value::Null);
        }
        if self.at((2, 71)) && shape != Shape::Detail {
            let group = s.group();
            let groups: Vec<&str> = st
                .server_groups
                .iter()
                .filter(|g| Some(g.id.as_str()) == group)
                .map(|g| g.id.as_str())
                .collect();
            put("server_groups", json!(groups));
        }
        if self.at((2, 73)) {
            put("locked_reason", json!(s.locked_reason));
        }
        if self.at((2, 96)) {
            put("pinned_availability_zone", Value::Null);
        }
        if self.at((2, 100)) {
            put("scheduler_hints", Value::Object(s.scheduler_hints.clone()));
        }
        if shape == Shape::Reduced && !self.at((2, 75)) {
            // Addresses without the OS-EXT-IPS keys (nova's extend_address=False).
            if let Some(Value::Object(nets)) = m.get_mut("addresses") {
                for ips in nets.values_mut().filter_map(Value::as_array_mut) {
                    for ip in ips.iter_mut().filter_map(Value::as_object_mut) {
                        ip.retain(|k, _| k == "addr" || k == "version");
                    }
                }
            }
            let key_name = self.at((2, 54));
            m.retain(|k, _| REDUCED.contains(&k.as_str()) || (key_name && k == "key_name"));
        }
        Value::Object(m)
    }

    fn server_flavor(&self, s: &Server, st: &State) -> Value {
        if !self.at((2, 47)) {
            return json!({"id": s.flavor_id, "links": [{"href": format!("{}/compute/flavors/{}", self.base, s.flavor_id), "rel": "bookmark"}]});
        }
        match st.flavor(&s.flavor_id) {
            Some(f) => json!({"original_name": f.name, "ram": f.ram, "vcpus": f.vcpus,
                "disk": f.disk, "ephemeral": f.ephemeral, "swap": f.swap,
                "extra_specs": f.extra_specs}),
            None => json!({}),
        }
    }
}
