//! Print the code generated from a spec directory: `cargo run -p codegen --example dump -- spec`.
fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "spec".into());
    match codegen::generate(std::path::Path::new(&dir)) {
        Ok(code) => print!("{code}"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
