//! `--poll`'s progress: novaclient's carriage-return text (`\rServer building... 40%
//! complete`, byte for byte, when the stream is not a terminal), or on a terminal a bar with
//! the action, the percentage and the time elapsed (indicatif). On standard output, or on
//! standard error when standard output carries a document for a script. Ctrl-C during a poll
//! ends the open line and exits with 130.

use super::defs::{PollDef, PollRules};
use super::scope::{self as sc, Env};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use novagen_spec::Template;
use std::io::{self, Write};
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

/// What `Client::poll` reports, step by step.
pub trait Report {
    /// Before the first status check.
    fn start(&mut self, p: &PollDef) -> io::Result<()>;
    /// A status check found the resource still on its way, `pct` percent done.
    fn progress(&mut self, p: &PollDef, pct: i64) -> io::Result<()>;
    /// It reached one of the poll's `until` states.
    fn finished(&mut self, p: &PollDef) -> io::Result<()>;
    /// It went to ERROR (`word` is `Error`) or was deleted (`Deleted`).
    fn failed(&mut self, p: &PollDef, word: &str) -> io::Result<()>;
}

/// What a poll says, `api.poll`'s templates filled with the poll's `action` (and the failed
/// status's `word`): the progress line's words (`Server building`), or the failure's line
/// (`Error building server`).
fn says(t: &Template, p: &PollDef, word: Option<&str>) -> io::Result<String> {
    let mut values = serde_json::Map::new();
    values.insert(PollRules::ACTION.into(), p.action.into());
    if let Some(w) = word {
        values.insert(PollRules::WORD.into(), w.into());
    }
    let values = serde_json::Value::Object(values);
    sc::text_of(t, &Env::new(&values, None)).map_err(|e| io::Error::other(e.to_string()))
}

/// novaclient's text: an empty line, then `\r<line> ... <pct>% complete` for each check
/// (`api.poll.line`, without the percentage for `progress: false`), `Finished` or the
/// failure's line (`api.poll.failure`) on a line of its own.
pub struct Text<W: Write>(pub W);

impl<W: Write> Text<W> {
    fn line(&mut self, p: &PollDef, pct: i64) -> io::Result<()> {
        let words = says(&crate::spec::API.poll.line, p, None)?;
        if p.progress.is_some() {
            write!(self.0, "\r{words}... {pct}% complete")?;
        } else {
            write!(self.0, "\r{words}...")?;
        }
        self.0.flush()
    }
}

impl<W: Write> Report for Text<W> {
    fn start(&mut self, _: &PollDef) -> io::Result<()> {
        writeln!(self.0)
    }

    fn progress(&mut self, p: &PollDef, pct: i64) -> io::Result<()> {
        self.line(p, pct)
    }

    fn finished(&mut self, p: &PollDef) -> io::Result<()> {
        self.line(p, 100)?;
        writeln!(self.0, "\nFinished")
    }

    fn failed(&mut self, p: &PollDef, word: &str) -> io::Result<()> {
        let line = says(&crate::spec::API.poll.failure, p, Some(word))?;
        writeln!(self.0, "\n{line}")
    }
}

/// Where a progress line (text or bar) is open, if anywhere: Ctrl-C ends it first. 0: nowhere,
/// else a [`Stream`] (1 stdout, 2 stderr).
static LINE_OPEN: AtomicU8 = AtomicU8::new(0);

/// Standard output has had a whole line written (by the printer).
pub fn line_closed() {
    LINE_OPEN.store(0, Ordering::SeqCst);
}

/// Where `--poll` reports: standard output (novaclient's place), or standard error when
/// standard output carries a document for a script (`--format json|yaml|value`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout = 1,
    Stderr = 2,
}

impl Stream {
    fn fd(self) -> Box<dyn Write> {
        match self {
            Stream::Stdout => Box::new(io::stdout().lock()),
            Stream::Stderr => Box::new(io::stderr().lock()),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.fd().write(buf)?;
        if let Some(last) = buf[..n].last() {
            let open = if *last == b'\n' { 0 } else { *self as u8 };
            LINE_OPEN.store(open, Ordering::SeqCst);
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.fd().flush()
    }
}

/// On a terminal: `Server building... [=======>     ]  40% 00:00:12`, redrawn in place ten
/// times a second (the time moves between two status checks); a spinner instead of the bar
/// for a poll without a percentage. It stays on screen when the poll ends, `Finished` below.
pub struct Bar {
    stream: Stream,
    bar: Option<ProgressBar>,
}

impl Bar {
    pub fn new(stream: Stream) -> Bar {
        Bar { stream, bar: None }
    }

    /// The bar left as it is, then one line below it.
    fn end(&mut self, last: &str, done: bool) -> io::Result<()> {
        if let Some(bar) = self.bar.take() {
            if done {
                bar.finish();
            } else {
                bar.abandon();
            }
        }
        writeln!(self.stream, "{last}")?;
        self.stream.flush()
    }
}

impl Report for Bar {
    fn start(&mut self, p: &PollDef) -> io::Result<()> {
        let template = match p.progress.is_some() {
            true => "{msg}... [{bar:30}] {pos:>3}% {elapsed_precise}",
            false => "{msg}... {spinner} {elapsed_precise}",
        };
        let style = ProgressStyle::with_template(template)
            .map_err(io::Error::other)?
            .progress_chars("=> ");
        let target = match self.stream {
            Stream::Stdout => ProgressDrawTarget::stdout(),
            Stream::Stderr => ProgressDrawTarget::stderr(),
        };
        let bar = ProgressBar::with_draw_target(Some(100), target)
            .with_style(style)
            .with_message(says(&crate::spec::API.poll.line, p, None)?);
        LINE_OPEN.store(self.stream as u8, Ordering::SeqCst);
        bar.enable_steady_tick(Duration::from_millis(100));
        self.bar = Some(bar);
        Ok(())
    }

    fn progress(&mut self, _: &PollDef, pct: i64) -> io::Result<()> {
        if let Some(bar) = &self.bar {
            bar.set_position(pct.clamp(0, 100) as u64);
        }
        Ok(())
    }

    fn finished(&mut self, _: &PollDef) -> io::Result<()> {
        if let Some(bar) = &self.bar {
            bar.set_position(100);
        }
        self.end("Finished", true)
    }

    fn failed(&mut self, p: &PollDef, word: &str) -> io::Result<()> {
        let line = says(&crate::spec::API.poll.failure, p, Some(word))?;
        self.end(&line, false)
    }
}

/// From the first `--poll` on, Ctrl-C (SIGINT) ends `nova` with exit code 130, after ending
/// an open progress line so that the shell's prompt starts on a line of its own.
#[cfg(unix)]
pub fn end_on_interrupt() {
    use signal_hook::{consts::SIGINT, iterator::Signals};
    use std::os::fd::AsFd;
    use std::sync::Once;
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let Ok(mut signals) = Signals::new([SIGINT]) else {
            return;
        };
        std::thread::spawn(move || {
            if signals.forever().next().is_some() {
                // Straight to the file descriptor: the main thread may hold the stream's
                // lock, blocked on a full pipe.
                let fd = match LINE_OPEN.load(Ordering::SeqCst) {
                    1 => io::stdout().as_fd().try_clone_to_owned().ok(),
                    2 => io::stderr().as_fd().try_clone_to_owned().ok(),
                    _ => None,
                };
                if let Some(fd) = fd {
                    let _ = std::fs::File::from(fd).write_all(b"\n");
                }
                std::process::exit(130);
            }
        });
    });
}

#[cfg(not(unix))]
pub fn end_on_interrupt() {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::defs::ResourceDef;

    fn poll(progress: bool) -> PollDef {
        // Any resource: the text is api.poll's, whatever is polled.
        let resource: &'static ResourceDef = crate::spec::RESOURCES[0];
        PollDef {
            resource,
            id: novagen_spec::Template::Text(&[]),
            until: &["active"],
            action: "building",
            progress: progress.then_some(crate::spec::API.poll.progress),
            at: 0,
        }
    }

    #[test]
    fn novaclient_text_byte_for_byte() {
        let p = poll(true);
        let mut t = Text(Vec::new());
        t.start(&p).expect("vec");
        t.progress(&p, 0).expect("vec");
        t.progress(&p, 40).expect("vec");
        t.finished(&p).expect("vec");
        assert_eq!(
            String::from_utf8_lossy(&t.0),
            "\n\rServer building... 0% complete\rServer building... 40% complete\
             \rServer building... 100% complete\nFinished\n"
        );
        let p = poll(false);
        let mut t = Text(Vec::new());
        t.start(&p).expect("vec");
        t.progress(&p, 0).expect("vec");
        t.failed(&p, "Error").expect("vec");
        assert_eq!(
            String::from_utf8_lossy(&t.0),
            "\n\rServer building...\nError building server\n"
        );
    }
}
