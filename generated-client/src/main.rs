//! `nova`: the generated command-line client.

/// mimalloc, not the system allocator: a list of 10,000 servers makes and frees some
/// 400,000 small values, and glibc's malloc spends a quarter of the run on them (BENCHMARKS.md).
/// `no_thp`: without transparent huge pages, so its arenas count in RSS only as they are used.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(novaclient::runtime::shell::main());
}
