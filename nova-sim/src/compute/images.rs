//! nova's image proxy `/images` (up to 2.35).

use super::{bad_method, no_such_version, not_found, paginate, Call};
use crate::http::Resp;
use serde_json::{json, Value};

pub fn route(c: &Call, m: &str, parts: &[&str]) -> Option<Resp> {
    if c.at((2, 36)) {
        return Some(no_such_version());
    }
    Some(match (m, parts) {
        ("GET", []) | ("GET", ["detail"]) => {
            let detail = !parts.is_empty();
            let st = c.lock();
            let view = c.view();
            let all: Vec<Value> = st
                .images
                .iter()
                .map(|i| view.nova_image(i, detail, false))
                .collect();
            paginate(c, all, "images", |v| {
                v["id"].as_str().unwrap_or("").to_string()
            })
        }
        ("GET", [id]) => {
            let st = c.lock();
            match st.image(id) {
                Some(i) => Resp::json(200, json!({"image": c.view().nova_image(i, true, true)})),
                None => not_found("Image not found."),
            }
        }
        (_, [] | [_]) => return bad_method(),
        _ => return None,
    })
}
