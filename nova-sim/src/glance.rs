//! A minimal Glance v2 under `/image`: list (filters `name`, `status`; `limit`/`marker` with a
//! `next` link) and show.

use crate::http::{Req, Resp};
use crate::Sim;
use serde_json::{json, Value};

pub fn handle(sim: &Sim, req: &Req, rest: &str) -> Resp {
    if rest.is_empty() || rest == "/versions" {
        return Resp::json(
            300,
            json!({"versions": [{"id": "v2.16", "status": "CURRENT",
                   "links": [{"rel": "self", "href": format!("{}/image/v2/", sim.base)}]}]}),
        );
    }
    if !req
        .header("x-auth-token")
        .is_some_and(|t| sim.token_valid(t))
    {
        return Resp::unauthorized();
    }
    let view = sim.view((2, 1));
    let st = sim.lock();
    match (req.method.as_str(), rest) {
        ("GET", "/v2/images") => {
            let images: Vec<Value> = st
                .images
                .iter()
                .map(|i| view.glance_image(i))
                .filter(|i| req.param("name").is_none_or(|n| i["name"] == n))
                .filter(|i| req.param("status").is_none_or(|s| i["status"] == s))
                .collect();
            let start = match req.param("marker") {
                Some(m) => match images.iter().position(|i| i["id"] == m) {
                    Some(p) => p + 1,
                    None => return Resp::text(400, "400 Bad Request\n\nmarker not found\n"),
                },
                None => 0,
            };
            let limit = req
                .param("limit")
                .and_then(|l| l.parse::<usize>().ok())
                .unwrap_or(25)
                .min(sim.config.max_limit);
            let page: Vec<Value> = images.iter().skip(start).take(limit).cloned().collect();
            let mut body =
                json!({"images": page, "first": "/v2/images", "schema": "/v2/schemas/images"});
            if start + limit < images.len() {
                if let Some(last) = page.last() {
                    let mut q = form_urlencoded::Serializer::new(String::new());
                    q.append_pair("marker", last["id"].as_str().unwrap_or(""));
                    q.append_pair("limit", &limit.to_string());
                    if let Some(n) = req.param("name") {
                        q.append_pair("name", n);
                    }
                    body["next"] = json!(format!("/v2/images?{}", q.finish()));
                }
            }
            Resp::json(200, body)
        }
        ("GET", path) if path.starts_with("/v2/images/") => {
            let id = &path["/v2/images/".len()..];
            match st.image(id) {
                Some(i) => Resp::json(200, view.glance_image(i)),
                None => Resp::text(
                    404,
                    &format!("404 Not Found\n\nNo image found with ID {id}\n\n"),
                ),
            }
        }
        _ => Resp::text(404, "404 Not Found\n\nThe resource could not be found.\n\n"),
    }
}
