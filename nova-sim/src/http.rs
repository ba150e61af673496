//! Request and reply values of the simulator, independent of the HTTP library.

use serde_json::{json, Map, Value};
use std::collections::HashMap;

pub struct Req {
    pub method: String,
    /// Path without the query string, as sent (not decoded: routing splits it into segments
    /// first, then decodes each, so that `%2F` never separates segments).
    pub path: String,
    pub query: Vec<(String, String)>,
    headers: HashMap<String, String>,
    pub body: Vec<u8>,
    /// `req-<uuid>`, sent back as `x-openstack-request-id` and kept by instance actions.
    pub request_id: String,
}

impl Req {
    pub fn new(method: &str, url: &str, headers: Vec<(String, String)>, body: Vec<u8>) -> Req {
        let (path, q) = url.split_once('?').unwrap_or((url, ""));
        let query = q
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k, true), decode(v, true))
            })
            .collect();
        Req {
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            query,
            headers: headers
                .into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
            body,
            request_id: format!("req-{}", crate::state::new_id()),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The object under `key` of a JSON body (`{"server": {...}}`): `Err` is nova's reply to a
    /// body that is not JSON or lacks that object.
    pub fn object(&self, key: &str) -> Result<Map<String, Value>, Resp> {
        match self.json()?.get(key) {
            Some(Value::Object(m)) => Ok(m.clone()),
            _ => Err(Resp::nova_error(
                400,
                &format!("Invalid input for field/attribute {key}. Value: None. '{key}' is a required property"),
            )),
        }
    }

    /// The body as JSON: `Err` is the reply for a body that is not a JSON object.
    pub fn json(&self) -> Result<Value, Resp> {
        match serde_json::from_slice::<Value>(&self.body) {
            Ok(v @ Value::Object(_)) => Ok(v),
            _ => Err(Resp::nova_error(400, "Malformed request body")),
        }
    }
}

/// One path segment (or a path) with its `%XX` escapes decoded; `+` stays `+`.
pub fn decode_path(s: &str) -> String {
    decode(s, false)
}

/// `%XX` escapes decoded, and `+` as a space if `plus` (query strings).
fn decode(s: &str, plus: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' if plus => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub content_type: &'static str,
}

impl Resp {
    pub fn json(status: u16, body: Value) -> Resp {
        Resp {
            status,
            headers: Vec::new(),
            body: body.to_string().into_bytes(),
            content_type: "application/json",
        }
    }

    pub fn empty(status: u16) -> Resp {
        Resp {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            content_type: "text/plain",
        }
    }

    pub fn text(status: u16, text: &str) -> Resp {
        Resp {
            status,
            headers: Vec::new(),
            body: text.as_bytes().to_vec(),
            content_type: "text/plain; charset=UTF-8",
        }
    }

    pub fn with_header(mut self, k: &str, v: &str) -> Resp {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }

    /// nova's error body: `{"itemNotFound": {"code": 404, "message": ...}}`.
    pub fn nova_error(status: u16, message: &str) -> Resp {
        let key = match status {
            400 => "badRequest",
            401 => "unauthorized",
            403 => "forbidden",
            404 => "itemNotFound",
            405 => "badMethod",
            409 => "conflictingRequest",
            413 | 429 => "overLimit",
            415 => "badMediaType",
            501 => "notImplemented",
            503 => "serviceUnavailable",
            _ => "computeFault",
        };
        Resp::json(
            status,
            json!({ key: { "code": status, "message": message } }),
        )
    }

    /// Keystone's error body, also what keystonemiddleware sends for a bad token.
    pub fn keystone_error(status: u16, title: &str, message: &str) -> Resp {
        Resp::json(
            status,
            json!({"error": {"code": status, "title": title, "message": message}}),
        )
    }

    /// What nova's router (webob) answers for a path or method no route has: a 404 in the
    /// form the `Accept` header prefers (JSON, plain text, else HTML), not in nova's error shape.
    pub fn no_route(accept: Option<&str>) -> Resp {
        let accept = accept.unwrap_or("*/*");
        let message = "The resource could not be found.";
        if accept.contains("application/json") {
            return Resp::json(
                404,
                json!({"message": format!("{message}<br /><br />\n\n\n"), "code": "404 Not Found", "title": "Not Found"}),
            );
        }
        if accept.contains("text/plain") && !accept.contains("html") && !accept.contains("*/*") {
            return Resp::text(404, &format!("404 Not Found\n\n{message}\n\n   "));
        }
        Resp {
            status: 404,
            headers: Vec::new(),
            body: format!(
                "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  \
                 <h1>404 Not Found</h1>\n  {message}<br /><br />\n\n\n\n </body>\n</html>"
            )
            .into_bytes(),
            content_type: "text/html; charset=UTF-8",
        }
    }

    pub fn unauthorized() -> Resp {
        Resp::keystone_error(
            401,
            "Unauthorized",
            "The request you have made requires authentication.",
        )
        .with_header("WWW-Authenticate", "Keystone uri=\"/identity\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_query_and_path() {
        let r = Req::new("get", "/a/b%20c%2Fd+/?name=x%2By+z&limit=2", vec![], vec![]);
        assert_eq!(r.method, "GET");
        assert_eq!(r.path, "/a/b%20c%2Fd+/");
        assert_eq!(decode_path("b%20c%2Fd+"), "b c/d+");
        assert_eq!(r.param("name"), Some("x+y z"));
        assert_eq!(r.param("limit"), Some("2"));
    }
}
