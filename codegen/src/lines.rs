//! Where each node of a YAML file starts, so that validation errors can name a line.
//!
//! serde_yaml reports lines for syntax and shape errors but keeps no positions once a value is
//! decoded. This walks the same text with yaml-rust2's event parser and records the line of
//! every node under a dotted path such as `operations[2].args[0].name`.

use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

#[derive(Debug, Default)]
pub struct LineIndex {
    lines: HashMap<String, usize>,
    /// One past the file's last line (a reader may point at the end of the text).
    last: usize,
    /// Each YAML alias (`*name`): the path it stands at, and its line.
    pub aliases: Vec<(String, usize)>,
}

enum Frame {
    /// A mapping: the key whose value comes next, if a key has been read.
    Map {
        path: String,
        key: Option<String>,
    },
    Seq {
        path: String,
        next: usize,
    },
}

#[derive(Default)]
struct Recorder {
    stack: Vec<Frame>,
    lines: HashMap<String, usize>,
    aliases: Vec<(String, usize)>,
}

impl Recorder {
    /// The path of the node that starts now, or None when the event is a mapping key.
    fn next_path(&mut self) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Seq { path, next }) => {
                let p = format!("{path}[{next}]");
                *next += 1;
                Some(p)
            }
            Some(Frame::Map { path, key }) => key.take().map(|k| {
                if path.is_empty() {
                    k
                } else {
                    format!("{path}.{k}")
                }
            }),
        }
    }
}

impl MarkedEventReceiver for Recorder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let line = mark.line();
        match ev {
            Event::Scalar(value, ..) => match self.next_path() {
                Some(p) => {
                    self.lines.entry(p).or_insert(line);
                }
                None => {
                    // A mapping key: remember it, and record the key's own line for its value.
                    if let Some(Frame::Map { path, key }) = self.stack.last_mut() {
                        let full = if path.is_empty() {
                            value.clone()
                        } else {
                            format!("{path}.{value}")
                        };
                        self.lines.entry(full).or_insert(line);
                        *key = Some(value);
                    }
                }
            },
            Event::Alias(_) => {
                let path = self.next_path().unwrap_or_default();
                self.aliases.push((path, line));
            }
            Event::MappingStart(..) => {
                let path = self.next_path().unwrap_or_default();
                self.lines.entry(path.clone()).or_insert(line);
                self.stack.push(Frame::Map { path, key: None });
            }
            Event::SequenceStart(..) => {
                let path = self.next_path().unwrap_or_default();
                self.lines.entry(path.clone()).or_insert(line);
                self.stack.push(Frame::Seq { path, next: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

impl LineIndex {
    /// Index `text`. Where the text stops parsing, the index stops: serde_yaml reports a syntax
    /// error itself, with its line, and when only yaml-rust2 refuses the text (the two readers
    /// differ on a few details, such as a comment right after a quoted scalar), the nodes
    /// before that point still have their lines.
    pub fn new(text: &str) -> LineIndex {
        let mut rec = Recorder::default();
        let mut parser = Parser::new_from_str(text);
        let _ = parser.load(&mut rec, false);
        LineIndex {
            lines: rec.lines,
            last: text.lines().count() + 1,
            aliases: rec.aliases,
        }
    }

    /// The line of `path`, or of its nearest recorded ancestor; 0 when nothing is known.
    pub fn line(&self, path: &str) -> usize {
        let mut p = path;
        loop {
            if let Some(l) = self.lines.get(p) {
                // yaml-rust2 also breaks lines at a lone `\r`: stay within the file.
                return (*l).min(self.last);
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return self.lines.get("").map_or(0, |l| (*l).min(self.last)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_nested_paths() {
        let text = "a: 1\nops:\n  - name: x\n    args:\n      - name: y\n        type: int\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line("a"), 1);
        assert_eq!(idx.line("ops[0].name"), 3);
        assert_eq!(idx.line("ops[0].args[0].type"), 6);
        assert_eq!(idx.line("ops[0].args[0].missing"), 5);
    }

    #[test]
    fn keeps_the_lines_before_a_point_only_yaml_rust2_refuses() {
        // serde_yaml reads `""# note` as an empty text; yaml-rust2 stops there.
        let text = "a: 1\nops:\n  - name: x\n    max: \"\"# note\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line("ops[0].name"), 3);
        assert_eq!(idx.line("ops[0].max"), 4);
    }
}
