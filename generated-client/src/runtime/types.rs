//! Value types shared by the generated resource structs.

use serde::{Deserialize, Serialize};

/// A value that is a string in some microversions and an integer in others (flavor `swap`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum StringOrInteger {
    String(String),
    Integer(i64),
}
