//! novagen's OpenStack Compute client. The managers (`client.servers()`, `client.flavors()`, …)
//! and the `nova` subcommands are generated at build time from the YAML spec in `spec/`; the
//! hand-written [`runtime`] does the HTTP, auth, lookups and printing for all of them.

pub mod runtime;

include!(concat!(env!("OUT_DIR"), "/generated.rs"));

pub use runtime::{Client, ConnectOptions, Error, Record, Version};
