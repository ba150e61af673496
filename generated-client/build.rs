//! Generates the managers and `nova` subcommands from the YAML spec.
//! `NOVAGEN_SPEC_DIR` points at another spec directory (tests build edited copies).

fn main() {
    println!("cargo:rerun-if-env-changed=NOVAGEN_SPEC_DIR");
    let dir = match std::env::var_os("NOVAGEN_SPEC_DIR") {
        Some(d) => std::path::PathBuf::from(d),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec"),
    };
    codegen::build(&dir, "generated.rs");
}
