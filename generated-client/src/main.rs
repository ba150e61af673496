//! `nova`: the generated command-line client.

use novaclient::runtime::{error::Error, local};

/// mimalloc, not the system allocator: a list of 10,000 servers makes and frees some
/// 400,000 small values, and glibc's malloc spends a quarter of the run on them (BENCHMARKS.md).
/// `no_thp`: without transparent huge pages, so its arenas count in RSS only as they are used.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `nova`'s side of the local actions: programs it runs, values it reads from the terminal.
struct Terminal;

impl local::Local for Terminal {
    /// The program with its words as they are (no shell: nothing is expanded or split); its
    /// exit status is not `nova`'s (novaclient's `os.system` result is ignored too).
    fn run(&self, argv: &[String]) -> Result<(), Error> {
        use std::io::Write as _;
        let (program, args) = argv
            .split_first()
            .ok_or_else(|| Error::command("no program to run."))?;
        let _ = std::io::stdout().flush();
        std::process::Command::new(program)
            .args(args)
            .status()
            .map(drop)
            .map_err(|e| Error::command(format!("Cannot run '{program}': {e}")))
    }

    fn prompt(&self, text: &str) -> Result<String, Error> {
        Err(Error::command(format!("cannot read '{text}' here.")))
    }
}

fn main() {
    local::set(&Terminal);
    std::process::exit(novaclient::runtime::shell::main());
}
