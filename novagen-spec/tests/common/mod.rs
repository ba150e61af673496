//! A scope for tests: one JSON object holds the arguments by name, and `reply`, `typed`,
//! `found`, `steps`, `session` under those keys; `it` is a stack of items.
#![allow(dead_code)]

use novagen_spec::{Root, Scope};
use serde_json::Value;

#[derive(Debug)]
pub struct Json {
    pub vals: Value,
    pub version: Option<(u16, u16)>,
    pub items: Vec<Value>,
}

impl Json {
    pub fn new(vals: Value) -> Json {
        Json {
            vals,
            version: Some((2, 37)),
            items: Vec::new(),
        }
    }
}

impl Scope for Json {
    fn value(&self, root: &Root) -> Option<&Value> {
        let v = &self.vals;
        match root {
            Root::Arg(n) => v.get(*n),
            Root::Typed(n) => v.get("typed")?.get(*n),
            Root::Found(n) => v.get("found")?.get(*n),
            Root::Session(n) => v.get("session")?.get(*n),
            Root::Reply => v.get("reply"),
            _ => None,
        }
    }

    fn item(&self, up: usize) -> Option<&Value> {
        self.items.get(up)
    }

    fn version(&self) -> Option<(u16, u16)> {
        self.version
    }

    fn now(&self) -> Option<Value> {
        Some(Value::String("2026-12-03T10:30:00.250000".into()))
    }
}
