//! Errors of the client, displayed the way python-novaclient prints them.

use std::fmt;

impl From<novagen_spec::Mismatch> for Error {
    fn from(m: novagen_spec::Mismatch) -> Error {
        Error::Shape {
            what: m.what,
            detail: m.detail,
        }
    }
}

#[derive(Debug)]
pub enum Error {
    /// The API answered with an error status.
    Http {
        status: u16,
        message: String,
        request_id: Option<String>,
    },
    /// The command cannot be carried out as asked (bad argument, wrong microversion).
    Command(String),
    /// No resource has the name or ID given.
    NoMatch(String),
    /// No connection could be made.
    Connect { url: String, detail: String },
    /// The server did not answer in time.
    Timeout { url: String },
    /// The reply could not be understood.
    Decode { url: String, detail: String },
    /// A reply decoded as JSON but does not have the shape the spec declares.
    Shape { what: String, detail: String },
    /// The session cannot be set up (missing credentials, no endpoint).
    Config(String),
    /// A polled resource went to an error or deleted state.
    State(String),
    /// A value is not in the form its argument takes (`key=value`).
    ArgumentType(String),
    /// A value novaclient cannot convert (Python's ValueError: a date not of the form asked).
    Value(String),
    /// Standard output cannot be written (a closed pipe, a full disk).
    Output(std::io::Error),
    /// A client-side check of the spec (`refuse:`) refused the command, as novaclient's
    /// exception class `kind`.
    Refused { kind: &'static str, message: String },
}

impl Error {
    /// novaclient's exception class name for this error.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Http { status, .. } => novagen_spec::defs::ERROR_KINDS
                .iter()
                .find(|(s, _)| s == status)
                .map_or("ClientException", |(_, kind)| kind),
            Error::Command(_) | Error::NoMatch(_) => "CommandError",
            Error::Connect { .. } => "ConnectFailure",
            Error::Timeout { .. } => "ConnectTimeout",
            Error::Decode { .. } | Error::Shape { .. } => "ClientException",
            Error::Config(_) => "CommandError",
            Error::State(_) => "ResourceInErrorState",
            Error::ArgumentType(_) => "ArgumentTypeError",
            Error::Value(_) => "ValueError",
            Error::Output(_) => "OSError",
            Error::Refused { kind, .. } => kind,
        }
    }

    pub fn command(msg: impl Into<String>) -> Error {
        Error::Command(msg.into())
    }

    /// The HTTP status of an error reply from the API.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// True when standard output is a pipe whose reader has gone (`nova list | head -1`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }

    /// True when the client refused the command itself, before any request (a check of the
    /// spec's `refuse:`, whatever its kind, or another client-side check).
    pub fn is_refusal(&self) -> bool {
        matches!(self, Error::Command(_) | Error::Refused { .. })
    }

    /// True for a 404 from the API.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::Http { status: 404, .. })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Http {
                status,
                message,
                request_id,
            } => {
                write!(f, "{message} (HTTP {status})")?;
                if let Some(id) = request_id {
                    write!(f, " (Request-ID: {id})")?;
                }
                Ok(())
            }
            Error::Command(m)
            | Error::NoMatch(m)
            | Error::Config(m)
            | Error::State(m)
            | Error::ArgumentType(m)
            | Error::Value(m)
            | Error::Refused { message: m, .. } => f.write_str(m),
            Error::Connect { url, detail } => {
                let url = shorten(url);
                write!(f, "Unable to establish connection to {url}: {detail}")
            }
            Error::Timeout { url } => write!(f, "Request to {} timed out", shorten(url)),
            Error::Shape { what, detail } => {
                write!(
                    f,
                    "The server sent a {what} this client cannot read: {detail}"
                )
            }
            Error::Decode { url, detail } => {
                let url = shorten(url);
                write!(f, "The reply from {url} could not be understood: {detail}")
            }
            Error::Output(e) => write!(f, "Cannot write to standard output: {e}"),
        }
    }
}

impl std::error::Error for Error {}

/// The most of a URL (or a link) an error shows: its start, enough to know it by.
const SHOWN_URL_CHARS: usize = 200;

/// `text` as an error shows it: whole when short, else its first [`SHOWN_URL_CHARS`]
/// characters and how long it is (a 131 KB URL is not echoed back).
pub fn shorten(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(SHOWN_URL_CHARS) {
        None => text.into(),
        Some((end, _)) => format!("{}... ({} bytes)", &text[..end], text.len()).into(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_urls_are_shown_shortened() {
        assert_eq!(super::shorten("http://h/x"), "http://h/x");
        let long = format!("http://h/{}", "é".repeat(70_000));
        let shown = super::shorten(&long);
        assert!(shown.starts_with("http://h/éé") && shown.ends_with("... (140009 bytes)"));
        assert_eq!(shown.chars().count(), 200 + " ... (140009 bytes)".len() - 1);
    }
}
