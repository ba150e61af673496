//! nova's image proxy `/images` (up to 2.35).

use super::{no_such_version, not_found, paginate, Call};
use crate::http::Resp;
use crate::state::Image;
use serde_json::json;

pub fn route(c: &Call, m: &str, parts: &[&str]) -> Option<Resp> {
    Some(match (m, parts) {
        ("GET", [] | [_]) if c.at((2, 36)) => no_such_version(),
        ("GET", []) | ("GET", ["detail"]) => {
            let detail = !parts.is_empty();
            let st = c.lock();
            let view = c.view();
            let all: Vec<&Image> = st.images.iter().collect();
            paginate(
                c,
                all,
                "images",
                |i| &i.id,
                |i| view.nova_image(i, detail, false),
            )
        }
        ("GET", [id]) => {
            let st = c.lock();
            match st.image(id) {
                Some(i) => Resp::json(200, json!({"image": c.view().nova_image(i, true, true)})),
                None => not_found("Image not found."),
            }
        }
        _ => return None,
    })
}
