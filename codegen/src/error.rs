//! Spec errors: every one names the spec file and line and says what is wrong in a plain sentence.

use std::fmt;
use std::path::PathBuf;

/// One problem found in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file the problem is in (as given to the generator).
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the file as a whole.
    pub line: usize,
    /// A plain sentence.
    pub message: String,
}

impl SpecError {
    /// Line breaks in the message (a spec value quoted in it, such as `"a\nb"`) are written as
    /// `\n`, so that each error stays one `file:line: sentence` line.
    pub fn new(file: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        SpecError {
            file: file.into(),
            line,
            message: message.into().replace('\r', "\\r").replace('\n', "\\n"),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
        } else {
            write!(f, "{}: {}", self.file.display(), self.message)
        }
    }
}

impl std::error::Error for SpecError {}
