//! What a command does on the user's own machine, outside the library: run a local program
//! (`exec:`, ssh) and read a value typed on the terminal (`prompt:`, set-password). The
//! library builds the argument vector and asks for the value; the program that embeds it
//! (the `nova` binary, `src/main.rs`) says how, once, with [`set`]. Without it, such a
//! command is an error that says so (the library alone never touches the terminal).

use super::error::Error;
use std::sync::OnceLock;

/// The program's side of the local actions.
pub trait Local: Sync {
    /// Run `argv[0]` with the other words as its arguments (never through a shell), and wait
    /// for it.
    fn run(&self, argv: &[String]) -> Result<(), Error>;
    /// Read one value after showing `text` (without echo on a terminal).
    fn prompt(&self, text: &str) -> Result<String, Error>;
}

static LOCAL: OnceLock<&'static dyn Local> = OnceLock::new();

/// Give the library the program's local side (once; a second call is ignored).
pub fn set(local: &'static dyn Local) {
    let _ = LOCAL.set(local);
}

/// The program's local side, or the error that there is none.
pub fn get() -> Result<&'static dyn Local, Error> {
    LOCAL.get().copied().ok_or_else(|| {
        Error::command("this program runs no local programs and reads no terminal input.")
    })
}
