//! One page of a list reply, read without building a JSON tree of the whole page: the items
//! stay slices of the reply's text until each is decoded, and a list that is printed as a table
//! keeps of each item only the fields its columns read ([`Lean`]), so 10,000 servers cost
//! their table rows, not their JSON trees.

use super::error::Error;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// A page: its items and the next link, if any.
pub struct Page {
    pub items: Vec<Value>,
    /// `<key>_links` rel=next href, or Glance's `next`.
    pub next: Option<String>,
}

impl Page {
    /// Read the list under `key` of a reply body in one pass: each item unwrapped from
    /// `item_key` when it is wrapped, and with `keep`, only those fields of it read.
    pub fn read(
        url: &str,
        bytes: &[u8],
        key: &str,
        item_key: Option<&str>,
        keep: Option<&[String]>,
    ) -> Result<Page, Error> {
        let bad = |detail: String| Error::Decode {
            url: url.to_string(),
            detail,
        };
        let seed = PageSeed {
            key,
            item: ItemSeed { item_key, keep },
        };
        // The text is checked to be UTF-8 once, as a whole: read from a `str`, serde_json then
        // checks no string again (from bytes, it checks every key it lends out).
        let text = std::str::from_utf8(bytes)
            .map_err(|e| bad(format!("not JSON (the reply is not UTF-8: {e})")))?;
        let mut de = serde_json::Deserializer::from_str(text);
        let parts = match seed.deserialize(&mut de).and_then(|p| de.end().map(|_| p)) {
            Ok(p) => p,
            Err(e) if e.is_data() => return Err(bad(format!("the reply has no '{key}' key"))),
            Err(e) => return Err(bad(format!("not JSON ({e})"))),
        };
        let Some(items) = parts.items else {
            return Err(bad(format!("the reply has no '{key}' key")));
        };
        let next = parts
            .links
            .as_ref()
            .and_then(Value::as_array)
            .and_then(|links| {
                links
                    .iter()
                    .find(|l| l.get("rel").and_then(Value::as_str) == Some("next"))
                    .and_then(|l| l.get("href").and_then(Value::as_str))
            })
            .map(str::to_string)
            .or(parts.next);
        Ok(Page { items, next })
    }
}

struct PageParts {
    items: Option<Vec<Value>>,
    links: Option<Value>,
    next: Option<String>,
}

struct PageSeed<'a> {
    key: &'a str,
    item: ItemSeed<'a>,
}

impl<'de> DeserializeSeed<'de> for PageSeed<'_> {
    type Value = PageParts;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<PageParts, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PageSeed<'_> {
    type Value = PageParts;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "an object with '{}'", self.key)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PageParts, A::Error> {
        let mut parts = PageParts {
            items: None,
            links: None,
            next: None,
        };
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            if k == self.key {
                parts.items = Some(map.next_value_seed(Items(self.item))?);
            } else if k.strip_suffix("_links") == Some(self.key) {
                parts.links = Some(map.next_value()?);
            } else if k == "next" {
                parts.next = map.next_value::<Option<String>>()?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(parts)
    }
}

struct Items<'a>(ItemSeed<'a>);

impl<'de> DeserializeSeed<'de> for Items<'_> {
    type Value = Vec<Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Value>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Items<'_> {
    type Value = Vec<Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Value>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(v) = seq.next_element_seed(self.0)? {
            out.push(v);
        }
        Ok(out)
    }
}

/// One item: unwrapped from `item_key` when wrapped in it, and with `keep`, only those fields.
#[derive(Clone, Copy)]
struct ItemSeed<'a> {
    item_key: Option<&'a str>,
    keep: Option<&'a [String]>,
}

impl<'de> DeserializeSeed<'de> for ItemSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        match (self.item_key, self.keep) {
            (None, None) => Value::deserialize(d),
            (None, Some(keep)) => d.deserialize_any(Keep(keep)).map(Value::Object),
            (Some(_), _) => d.deserialize_any(self),
        }
    }
}

impl<'de> Visitor<'de> for ItemSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let inner = ItemSeed {
            item_key: None,
            keep: self.keep,
        };
        let mut other = Map::new();
        while let Some(k) = map.next_key::<String>()? {
            if Some(k.as_str()) == self.item_key {
                let v = map.next_value_seed(inner)?;
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                return Ok(v);
            }
            other.insert(k, map.next_value()?);
        }
        Ok(Value::Object(other))
    }
}

/// How the items of a list that is only printed are decoded: only the top-level fields in
/// `keep` are read (the others are skipped unparsed), and what is kept is checked against the
/// resource's type — every field printed, and the fields the type requires, are checked.
pub struct Lean {
    /// The resource whose type each item is checked against.
    pub resource: &'static super::defs::ResourceDef,
    pub keep: Vec<String>,
}

/// Deserializes an object keeping only some of its keys; the others are skipped unread.
#[derive(Clone, Copy)]
struct Keep<'k>(&'k [String]);

impl<'de> DeserializeSeed<'de> for Keep<'_> {
    type Value = Map<String, Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Keep<'_> {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Map::with_capacity(self.0.len());
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            if self.0.iter().any(|x| *x == *k) {
                out.insert(k.into_owned(), map.next_value::<Value>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(out)
    }
}

/// An object key, borrowed from the reply's text when it has no escapes (serde's own
/// `Cow<str>` always copies: one allocation per key of every item otherwise).
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_string())))
    }

    fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_and_its_next_link() {
        let body = br#"{"servers": [{"id": "a", "name": "x"}, {"id": "b"}],
            "servers_links": [{"rel": "next", "href": "http://h/servers?marker=b"}]}"#;
        let page = Page::read("u", body, "servers", None, None).expect("page");
        assert_eq!(
            Value::Array(page.items).to_string(),
            r#"[{"id":"a","name":"x"},{"id":"b"}]"#
        );
        assert_eq!(page.next.as_deref(), Some("http://h/servers?marker=b"));
        let glance = br#"{"images": [], "next": "/v2/images?marker=z"}"#;
        let page = Page::read("u", glance, "images", None, None).expect("page");
        assert_eq!(page.next.as_deref(), Some("/v2/images?marker=z"));
        let err = |b: &[u8]| {
            Page::read("u", b, "servers", None, None)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert!(
            err(b"[1]").ends_with("the reply has no 'servers' key"),
            "{}",
            err(b"[1]")
        );
        assert!(err(br#"{"servers": 1}"#).ends_with("has no 'servers' key"));
        assert!(err(br#"{"flavors": []}"#).ends_with("has no 'servers' key"));
        assert!(err(br#"{"servers": [}"#).contains("not JSON"));
        assert!(err(br#"{"servers": []} x"#).contains("not JSON"));
        assert!(err(b"{\"servers\": [], \"x\": \"\xff\"}").contains("not UTF-8"));
    }

    #[test]
    fn kept_items_have_only_the_fields_asked_for_in_their_order() {
        let keep = vec!["name".to_string(), "id".into(), "a\"b".into()];
        let body =
            br#"{"s": [{"id": "1", "big": {"x": [1, 2, {"y": null}]}, "name": "n", "a\"b": 2}]}"#;
        let page = Page::read("u", body, "s", None, Some(&keep)).expect("page");
        assert_eq!(
            page.items[0].to_string(),
            r#"{"id":"1","name":"n","a\"b":2}"#
        );
        assert!(Page::read("u", br#"{"s": [1]}"#, "s", None, Some(&keep)).is_err());
    }

    #[test]
    fn wrapped_items_are_unwrapped_when_wrapped() {
        let keep = vec!["name".to_string()];
        let body = br#"{"keypairs": [{"keypair": {"name": "k", "x": 1}}, {"name": "bare"}]}"#;
        let page = Page::read("u", body, "keypairs", Some("keypair"), None).expect("page");
        assert_eq!(
            Value::Array(page.items).to_string(),
            r#"[{"name":"k","x":1},{"name":"bare"}]"#
        );
        let page = Page::read("u", body, "keypairs", Some("keypair"), Some(&keep)).expect("page");
        assert_eq!(page.items[0].to_string(), r#"{"name":"k"}"#);
    }
}
