//! nova's image proxy `/images` (up to 2.35).

use super::{bad_method, no_such_version, not_found, paginate, Call};
use crate::http::Resp;
use crate::state::Image;
use serde_json::json;

pub fn route(c: &Call, m: &str, parts: &[&str]) -> Option<Resp> {
    if c.at((2, 36)) {
        return Some(no_such_version());
    }
    Some(match (m, parts) {
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
        (_, [] | [_]) => return bad_method(),
        _ => return None,
    })
}
