//! `nova-sim --listen 127.0.0.1:PORT`: run the local cloud and print how to point `nova` at it.

use std::io::Write;
use std::time::Duration;

const USAGE: &str = "usage: nova-sim [--listen ADDR:PORT] [--build-time SECONDS] [--max-version 2.N] [--max-limit N] [--public-url URL] [--servers N] [--idle-timeout SECONDS] [--network]

  --listen       address to serve on (default 127.0.0.1:5000; port 0 picks a free port)
  --build-time   seconds a new server stays in BUILD (default 1.5)
  --max-version  newest compute microversion served (default 2.104)
  --max-limit    largest page of a list (default 1000)
  --public-url   URL clients reach the cloud at, for the catalog and links (default http://ADDR:PORT)
  --servers      start with N ACTIVE servers named bulk-00001, bulk-00002, ... (default 0)
  --idle-timeout seconds a connection may wait for a request before it is closed (default 60)
  --stop-on-eof  exit when standard input closes (tests: the cloud ends with its parent)
  --network      list the network service (/network, Neutron's GET /v2.0/networks) in the catalog

Test-only route (not nova's): PUT /nova-sim/servers/ID/password {\"password\": \"...\"} sets the
encrypted password GET /compute/v2.1/servers/ID/os-server-password shows.";

fn main() {
    match run() {
        Ok(()) => {}
        Err(e) => {
            eprintln!("nova-sim: {e}\n\n{USAGE}");
            std::process::exit(2);
        }
    }
}

/// Seconds as a duration, for `flag`.
fn seconds(flag: &str, value: &str) -> Result<Duration, String> {
    let secs: f64 = value
        .parse()
        .map_err(|_| format!("{flag} {value}: not a number"))?;
    Duration::try_from_secs_f64(secs).map_err(|_| format!("{flag} {value}: out of range"))
}

fn run() -> Result<(), String> {
    let mut listen = "127.0.0.1:5000".to_string();
    let mut config = nova_sim::Config::default();
    let mut args = std::env::args().skip(1);
    let mut stop_on_eof = false;
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            println!("{USAGE}");
            return Ok(());
        }
        if flag == "--stop-on-eof" {
            stop_on_eof = true;
            continue;
        }
        if flag == "--network" {
            config.network_in_catalog = true;
            continue;
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--listen" => listen = value,
            "--build-time" => config.build_time = seconds(&flag, &value)?,
            // Not in the usage (for tests of token expiry): tokens expire SECS after issue
            // (by default they never do).
            "--token-lifetime" => {
                let lifetime = seconds(&flag, &value)?;
                if lifetime.is_zero() {
                    return Err(format!("--token-lifetime {value}: must be more than 0"));
                }
                config.token_lifetime = Some(lifetime);
            }
            "--max-version" => {
                let (a, b) = value
                    .split_once('.')
                    .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
                    .ok_or_else(|| format!("--max-version {value}: use MAJOR.MINOR"))?;
                config.max_version = (a, b);
            }
            "--max-limit" => {
                config.max_limit = value
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("--max-limit {value}: not a positive number"))?;
            }
            "--public-url" => config.public_url = Some(value),
            "--idle-timeout" => {
                let idle = seconds(&flag, &value)?;
                if idle.is_zero() {
                    return Err(format!("--idle-timeout {value}: must be more than 0"));
                }
                config.idle_timeout = idle;
            }
            "--servers" => {
                config.servers = value
                    .parse()
                    .map_err(|_| format!("--servers {value}: not a number"))?;
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    let handle = nova_sim::start(&listen, config)?;
    let mut out = std::io::stdout();
    let _ = writeln!(out, "nova-sim listening on http://{}", handle.addr);
    if handle.url() != format!("http://{}", handle.addr) {
        let _ = writeln!(out, "# clients reach it at {}", handle.url());
    }
    let _ = write!(out, "{}", handle.exports());
    let _ = out.flush();
    if stop_on_eof {
        std::thread::spawn(|| {
            let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
            std::process::exit(0);
        });
    }
    handle.wait();
    Ok(())
}
