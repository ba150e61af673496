//! The control plane nova reports on: services (conductor, scheduler, two computes) and the
//! compute nodes (hypervisors) of the compute services, as real nova's fake driver names them.

use super::new_id;
use super::time::{iso_micro, now};

#[derive(Clone)]
pub struct Service {
    pub id: i64,
    pub uuid: String,
    pub binary: String,
    pub host: String,
    pub disabled: bool,
    pub disabled_reason: Option<String>,
    pub forced_down: bool,
    pub updated_at: String,
}

impl Service {
    /// Up unless forced down (heartbeats never stop here).
    pub fn up(&self) -> bool {
        !self.forced_down
    }
}

#[derive(Clone)]
pub struct Hypervisor {
    pub id: i64,
    pub uuid: String,
    pub hostname: String,
    /// The host of its compute service.
    pub host: String,
    pub vcpus: i64,
    pub memory_mb: i64,
    pub local_gb: i64,
}

pub fn seed() -> (Vec<Service>, Vec<Hypervisor>) {
    let t = now();
    let services = [
        ("nova-conductor", "conductor"),
        ("nova-scheduler", "scheduler"),
        ("nova-compute", "compute"),
        ("nova-compute", "compute2"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (binary, host))| Service {
        id: i as i64 + 1,
        uuid: new_id(),
        binary: binary.to_string(),
        host: host.to_string(),
        disabled: false,
        disabled_reason: None,
        forced_down: false,
        updated_at: iso_micro(t + i as f64 * 0.1),
    })
    .collect();
    let hypervisors = [("fake-mini", "compute"), ("compute2", "compute2")]
        .iter()
        .enumerate()
        .map(|(i, (name, host))| Hypervisor {
            id: i as i64 + 1,
            uuid: new_id(),
            hostname: name.to_string(),
            host: host.to_string(),
            vcpus: 2,
            memory_mb: 8192,
            local_gb: 1028,
        })
        .collect();
    (services, hypervisors)
}
