//! Marks the tests of the built-in harness that need nova's api-samples (`../shared` beside the
//! workspace) as ignored when they are absent, so that `cargo test` lists them as `ignored,
//! needs ../shared/...` and counts them in its summary instead of passing them. Under `CI`
//! nothing is marked: there the tests run and fail (their helper panics), as `../shared` ships
//! with CI. (The files whose prerequisites are facts of run time — a running real nova, a
//! virtualenv — have their own harness instead: `novagen_tests::gate`.)
//!
//! The check is made when this crate is built. A present `../shared` item is watched, so its
//! removal is seen on the next build; an absent one is not watched (Cargo would then rebuild
//! this crate on every run), so after adding `../shared` run `touch tests/build.rs`.

use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
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
}
