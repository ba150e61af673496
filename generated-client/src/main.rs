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

    /// As Python's `getpass` (novaclient's): on the terminal (`/dev/tty`), echo turned off,
    /// `text`, a line read, echo restored; with no terminal, a warning and `text` on standard
    /// error and a line of standard input. Then a new line; no line at all is EOFError.
    fn prompt(&self, text: &str) -> Result<String, Error> {
        use std::io::{BufRead as _, Write as _};
        let unreadable = |e: std::io::Error| Error::command(format!("Cannot read the answer: {e}"));
        #[cfg(unix)]
        if let Ok(tty) = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
        {
            use rustix::termios::{tcgetattr, tcsetattr, LocalModes, OptionalActions};
            let old = tcgetattr(&tty).map_err(|e| unreadable(e.into()))?;
            let mut quiet = old.clone();
            quiet.local_modes.remove(LocalModes::ECHO);
            // Ctrl-C while reading: the echo back on, then novaclient's KeyboardInterrupt end.
            let signals = signal_hook::iterator::Signals::new([signal_hook::consts::SIGINT])
                .map_err(unreadable)?;
            let handle = signals.handle();
            let restore = (tty.try_clone().map_err(unreadable)?, old.clone());
            let watcher = std::thread::spawn(move || {
                let mut signals = signals;
                if signals.forever().next().is_some() {
                    let _ = tcsetattr(&restore.0, OptionalActions::Flush, &restore.1);
                    eprintln!("... terminating nova client");
                    std::process::exit(130);
                }
            });
            tcsetattr(&tty, OptionalActions::Flush, &quiet).map_err(|e| unreadable(e.into()))?;
            let mut line = String::new();
            let read = (&tty)
                .write_all(text.as_bytes())
                .and_then(|()| std::io::BufReader::new(&tty).read_line(&mut line));
            let _ = tcsetattr(&tty, OptionalActions::Flush, &old);
            handle.close();
            let _ = watcher.join();
            return match read.map_err(unreadable)? {
                0 => Err(eof()),
                _ => {
                    let _ = (&tty).write_all(b"\n");
                    Ok(line.strip_suffix('\n').unwrap_or(&line).to_string())
                }
            };
        }
        let mut stderr = std::io::stderr();
        let _ = write!(stderr, "Warning: Password input may be echoed.\n{text}");
        let _ = stderr.flush();
        let mut line = String::new();
        match std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(unreadable)?
        {
            0 => Err(eof()),
            _ => {
                let _ = writeln!(stderr);
                Ok(line.strip_suffix('\n').unwrap_or(&line).to_string())
            }
        }
    }
}

/// Python's EOFError (no answer at all), as novaclient reports it: `ERROR (EOFError): `.
fn eof() -> Error {
    Error::Refused {
        kind: "EOFError",
        message: String::new(),
    }
}

fn main() {
    local::set(&Terminal);
    std::process::exit(novaclient::runtime::shell::main());
}
