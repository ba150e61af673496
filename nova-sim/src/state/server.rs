//! A server record and its lifecycle: BUILD for the build time after boot, then a settled
//! vm_state, with a transitional task (REBOOT, REBUILD, ...) lasting as long after an action.

use super::time::Secs;
use serde_json::{Map, Value};
use std::time::{Duration, Instant};

/// Settled vm_states the simulator models.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum VmState {
    Active,
    Stopped,
    Paused,
    /// After a cold migration or resize, waiting for confirmResize / revertResize.
    Resized,
    Error,
}

impl VmState {
    pub fn name(self) -> &'static str {
        match self {
            VmState::Active => "active",
            VmState::Stopped => "stopped",
            VmState::Paused => "paused",
            VmState::Resized => "resized",
            VmState::Error => "error",
        }
    }

    pub fn status(self) -> &'static str {
        match self {
            VmState::Active => "ACTIVE",
            VmState::Stopped => "SHUTOFF",
            VmState::Paused => "PAUSED",
            VmState::Resized => "VERIFY_RESIZE",
            VmState::Error => "ERROR",
        }
    }

    /// nova's power_state numbers: RUNNING 1, PAUSED 3, SHUTDOWN 4, NOSTATE 0.
    pub fn power(self) -> i64 {
        match self {
            VmState::Active | VmState::Resized => 1,
            VmState::Paused => 3,
            VmState::Stopped => 4,
            VmState::Error => 0,
        }
    }
}

/// An action in progress: the status and task_state shown until it ends, and the vm_state
/// it ends in.
#[derive(Clone)]
pub struct Task {
    pub status: &'static str,
    pub task_state: &'static str,
    pub began: Instant,
    pub then: VmState,
}

/// A server's state as shown at one instant.
pub struct Phase {
    pub status: &'static str,
    pub vm_state: &'static str,
    pub task_state: Option<&'static str>,
    pub power: i64,
    pub progress: i64,
}

/// One entry of `os-instance-actions`.
#[derive(Clone)]
pub struct ServerAction {
    pub action: String,
    pub request_id: String,
    pub user_id: String,
    pub project_id: String,
    pub start: Secs,
    pub host: String,
}

#[derive(Clone)]
pub struct Server {
    pub id: String,
    pub name: String,
    pub project_id: String,
    pub user_id: String,
    pub flavor_id: String,
    /// The flavor before a resize that awaits confirmation.
    pub old_flavor: Option<String>,
    pub image_id: Option<String>,
    pub key_name: Option<String>,
    pub metadata: Map<String, Value>,
    pub description: Option<String>,
    pub hostname: String,
    pub availability_zone: String,
    pub host: String,
    pub node: String,
    /// Host and node before a migration that awaits confirmation.
    pub old_host: Option<(String, String)>,
    /// Fixed address, or None when booted with `networks: none`.
    pub address: Option<String>,
    pub security_groups: Vec<String>,
    pub tags: Vec<String>,
    pub user_data: Option<String>,
    pub scheduler_hints: Map<String, Value>,
    pub locked: bool,
    pub locked_reason: Option<String>,
    pub created: Secs,
    pub updated: Secs,
    pub deleted_at: Option<Secs>,
    /// When BUILD began (boot), for the build time.
    pub started: Instant,
    pub vm_state: VmState,
    pub task: Option<Task>,
    pub launch_index: i64,
    pub instance_index: i64,
    pub reservation_id: String,
    pub actions: Vec<ServerAction>,
}

impl Server {
    /// The server group it was booted into: its `group` hint (a string, or a list's first).
    pub fn group(&self) -> Option<&str> {
        match self.scheduler_hints.get("group")? {
            Value::String(g) => Some(g),
            Value::Array(list) => list.first()?.as_str(),
            _ => None,
        }
    }

    pub fn building(&self, build_time: Duration) -> bool {
        self.started.elapsed() < build_time
    }

    /// The vm_state once any finished task is taken into account.
    pub fn settled(&self, build_time: Duration) -> VmState {
        match &self.task {
            Some(t) if t.began.elapsed() >= build_time => t.then,
            _ => self.vm_state,
        }
    }

    /// The task still running, if any.
    pub fn running_task(&self, build_time: Duration) -> Option<&Task> {
        self.task
            .as_ref()
            .filter(|t| t.began.elapsed() < build_time)
    }

    pub fn phase(&self, build_time: Duration) -> Phase {
        if self.building(build_time) {
            let pct =
                (self.started.elapsed().as_millis() * 100 / build_time.as_millis().max(1)) as i64;
            return Phase {
                status: "BUILD",
                vm_state: "building",
                task_state: Some("spawning"),
                power: 0,
                progress: pct.min(99),
            };
        }
        if let Some(t) = self.running_task(build_time) {
            return Phase {
                status: t.status,
                vm_state: self.vm_state.name(),
                task_state: Some(t.task_state),
                power: self.vm_state.power(),
                progress: 0,
            };
        }
        let v = self.settled(build_time);
        Phase {
            status: v.status(),
            vm_state: v.name(),
            task_state: None,
            power: v.power(),
            progress: if v == VmState::Error { 0 } else { 100 },
        }
    }

    /// Fold a finished task into the vm_state, then start `task` (if any).
    pub fn begin(&mut self, build_time: Duration, task: Option<Task>, now: Secs) {
        self.vm_state = self.settled(build_time);
        self.task = task;
        self.updated = now;
    }

    /// What nova's 409 names when an action is refused: the running task, else the vm_state.
    pub fn busy_with(&self, build_time: Duration) -> Option<String> {
        if self.building(build_time) {
            Some("vm_state building".into())
        } else {
            self.running_task(build_time)
                .map(|t| format!("task_state {}", t.task_state))
        }
    }
}
