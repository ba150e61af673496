//! `nova`: the generated command-line client.
fn main() {
    std::process::exit(novaclient::runtime::shell::main());
}
