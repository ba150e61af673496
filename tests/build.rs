//! Marks the tests of the built-in harness that need nova's api-samples (`../shared` beside the
//! workspace) as ignored when they are absent, so that `cargo test` lists them as `ignored,
//! needs ../shared/...` and counts them in its summary instead of passing them. Under `CI`
//! nothing is marked: there the tests run and fail (their helper panics), as `../shared` ships
//! with CI. (The files whose prerequisites are facts of run time — a running real nova, a
//! virtualenv — have their own harness instead: `novagen_tests::gate`.)
//!
//! The same goes for tests that need root (playing another local user) or groff: marked
//! ignored when this crate is built as another user or without groff on `PATH`.
//!
//! The check is made when this crate is built. A present `../shared` item is watched, so its
//! removal is seen on the next build; an absent one is not watched (Cargo would then rebuild
//! this crate on every run), so after adding `../shared` run `touch tests/build.rs`.

use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed=CI");
    let ci = std::env::var_os("CI").is_some();
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    println!("cargo::rustc-check-cfg=cfg(no_samples)");
    let path = shared.join("nova-api-samples/INDEX.tsv");
    if path.exists() {
        println!("cargo::rerun-if-changed={}", path.display());
    } else if !ci {
        println!("cargo::rustc-cfg=no_samples");
    }
    // Facts of the machine the tests are built on, as stable as `../shared`: whether they run
    // as root (playing another local user with setpriv, mknod), whether groff is there.
    println!("cargo::rustc-check-cfg=cfg(not_root)");
    println!("cargo::rustc-check-cfg=cfg(no_groff)");
    if !ci && !is_root() {
        println!("cargo::rustc-cfg=not_root");
    }
    if !ci && !on_path("groff") {
        println!("cargo::rustc-cfg=no_groff");
    }
}

/// Whether this process runs as root (the effective uid of /proc/self/status; elsewhere `id -u`).
fn is_root() -> bool {
    let from_proc = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().nth(1).map(|e| e == "0"))
        });
    from_proc.unwrap_or_else(|| {
        std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
    })
}

/// Whether `program` is a file in one of `PATH`'s directories.
fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}
