//! One page of a list reply, read without building a JSON tree of the whole page: the items
//! stay slices of the reply's text until each is decoded, and a list that is printed as a table
//! keeps of each item only the fields its columns read ([`Lean`]), or only those fields' values
//! by position until its row is made ([`Slots`]), so 10,000 servers cost their table rows, not
//! their JSON trees.

use super::defs::{FieldDef, ResourceDef, Shape};
use super::error::Error;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// A page: its items and the next link, if any.
pub struct Page<T = Value> {
    pub items: Vec<T>,
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
        let item = match keep {
            Some(keep) => ItemSeed::Keep(keep),
            None => ItemSeed::Whole,
        };
        Page::read_with(url, bytes, key, Unwrap { item_key, item })
    }
}

impl Page<Slots> {
    /// [`Page::read`] of a list whose items are made into rows as they come: of each item,
    /// the values of `fields` by position, and its type's required fields that are not among
    /// them checked in place (not kept).
    pub fn read_slots(
        url: &str,
        bytes: &[u8],
        key: &str,
        item_key: Option<&str>,
        plan: &SlotPlan,
    ) -> Result<Page<Slots>, Error> {
        Page::read_with(
            url,
            bytes,
            key,
            Unwrap {
                item_key,
                item: plan,
            },
        )
    }
}

impl<T> Page<T> {
    fn read_with<S>(url: &str, bytes: &[u8], key: &str, item: Unwrap<S>) -> Result<Page<T>, Error>
    where
        S: for<'de> DeserializeSeed<'de, Value = T> + Copy,
    {
        let bad = |detail: String| Error::Decode {
            url: url.to_string(),
            detail,
        };
        let seed = PageSeed { key, item };
        // The text is checked to be UTF-8 once, as a whole: read from a `str`, serde_json then
        // checks no string again (from bytes, it checks every key it lends out).
        let text = std::str::from_utf8(bytes)
            .map_err(|e| bad(format!("not JSON (the reply is not UTF-8: {e})")))?;
        let mut de = serde_json::Deserializer::from_str(text);
        let parts = match seed.deserialize(&mut de).and_then(|p| de.end().map(|_| p)) {
            Ok(p) => p,
            Err(e) => {
                return Err(bad(match super::session::too_deep(bytes, &e) {
                    Some(detail) => detail,
                    None if e.is_data() => format!("the reply has no '{key}' key"),
                    None => format!("not JSON ({e})"),
                }))
            }
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

struct PageParts<T> {
    items: Option<Vec<T>>,
    links: Option<Value>,
    next: Option<String>,
}

struct PageSeed<'a, S> {
    key: &'a str,
    item: Unwrap<'a, S>,
}

impl<'de, S> DeserializeSeed<'de> for PageSeed<'_, S>
where
    S: DeserializeSeed<'de> + Copy,
{
    type Value = PageParts<S::Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, S> Visitor<'de> for PageSeed<'_, S>
where
    S: DeserializeSeed<'de> + Copy,
{
    type Value = PageParts<S::Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "an object with '{}'", self.key)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
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

struct Items<'a, S>(Unwrap<'a, S>);

impl<'de, S> DeserializeSeed<'de> for Items<'_, S>
where
    S: DeserializeSeed<'de> + Copy,
{
    type Value = Vec<S::Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, S> Visitor<'de> for Items<'_, S>
where
    S: DeserializeSeed<'de> + Copy,
{
    type Value = Vec<S::Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(v) = seq.next_element_seed(self.0)? {
            out.push(v);
        }
        Ok(out)
    }
}

/// One item, unwrapped from `item_key` when it is wrapped in it, then read by `item`.
#[derive(Clone, Copy)]
struct Unwrap<'a, S> {
    item_key: Option<&'a str>,
    item: S,
}

impl<'de, S> DeserializeSeed<'de> for Unwrap<'_, S>
where
    S: DeserializeSeed<'de> + Copy,
{
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        match self.item_key {
            None => self.item.deserialize(d),
            Some(_) => d.deserialize_any(self),
        }
    }
}

impl<'de, S> Visitor<'de> for Unwrap<'_, S>
where
    S: DeserializeSeed<'de> + Copy,
{
    type Value = S::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<S::Value, A::Error> {
        let mut other = Map::new();
        while let Some(k) = map.next_key::<String>()? {
            if Some(k.as_str()) == self.item_key {
                let v = map.next_value_seed(self.item)?;
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                return Ok(v);
            }
            other.insert(k, map.next_value()?);
        }
        // Not wrapped after all: the object is the item.
        self.item
            .deserialize(Value::Object(other))
            .map_err(serde::de::Error::custom)
    }
}

/// An item as a JSON value: whole, or only the top-level fields in the list.
#[derive(Clone, Copy)]
enum ItemSeed<'a> {
    Whole,
    Keep(&'a [String]),
}

impl<'de> DeserializeSeed<'de> for ItemSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        match self {
            ItemSeed::Whole => Value::deserialize(d),
            ItemSeed::Keep(keep) => d.deserialize_any(Keep(keep)).map(Value::Object),
        }
    }
}

/// How the items of a list that is only printed are decoded: only the top-level fields in
/// `keep` are read (the others are skipped unparsed), and what is kept is checked against the
/// resource's type — every field printed, and the fields the type requires, are checked.
pub struct Lean {
    /// The resource whose type each item is checked against.
    pub resource: &'static ResourceDef,
    pub keep: Vec<String>,
}

/// An item read for its row: the values of the fields asked for, by position (None: absent),
/// and whether what the lean reading would keep of it (those fields and its type's required
/// ones) fits its type as [`ResourceDef::conforms`] asks (with a field given twice, it does
/// not).
pub struct Slots {
    pub values: Vec<Option<Value>>,
    pub fits: bool,
}

/// What [`Page::read_slots`] reads of each item: the values of `fields` (each checked against
/// its field of the type, if it is one); and, checked in place without being kept, the type's
/// required fields not among them (at most 64).
pub struct SlotPlan<'a> {
    fields: &'a [String],
    typed: Vec<Option<&'static FieldDef>>,
    check: Vec<&'static FieldDef>,
    /// Bit `n % 64` set for each length `n` of those keys: most of an item's keys are
    /// skipped without being compared with any.
    lengths: u64,
}

impl<'a> SlotPlan<'a> {
    /// `None` when the type requires more than 64 fields not in `fields`.
    pub fn new(fields: &'a [String], resource: &'static ResourceDef) -> Option<SlotPlan<'a>> {
        let typed = fields
            .iter()
            .map(|k| resource.fields.iter().find(|f| f.json == k))
            .collect();
        let check: Vec<&'static FieldDef> = resource
            .fields
            .iter()
            .filter(|f| !f.optional && !fields.iter().any(|k| k == f.json))
            .collect();
        let keys = fields.iter().map(String::as_str);
        let lengths = keys
            .chain(check.iter().map(|f| f.json))
            .fold(0, |bits, k| bits | length_bit(k));
        (check.len() <= 64).then_some(SlotPlan {
            fields,
            typed,
            check,
            lengths,
        })
    }
}

impl<'de> DeserializeSeed<'de> for &SlotPlan<'_> {
    type Value = Slots;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Slots, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for &SlotPlan<'_> {
    type Value = Slots;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slots, A::Error> {
        let mut values: Vec<Option<Value>> = vec![None; self.fields.len()];
        let mut fits = true;
        let mut checked: u64 = 0;
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            if self.lengths & length_bit(&k) == 0 {
                map.next_value::<IgnoredAny>()?;
            } else if let Some(i) = self.fields.iter().position(|f| *f == *k) {
                fits &= values[i].is_none();
                values[i] = Some(map.next_value_seed(RowValue)?);
            } else if let Some(j) = self.check.iter().position(|f| f.json == k) {
                fits &= map.next_value_seed(Fits(self.check[j]))?;
                fits &= checked & (1 << j) == 0;
                checked |= 1 << j;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        fits &= checked.count_ones() as usize == self.check.len();
        // Each value kept that is a field of the type holds its shape, null or absent only
        // where optional.
        fits &= self.typed.iter().zip(&values).all(|(f, v)| match (f, v) {
            (None, _) => true,
            (Some(f), None) => f.optional,
            (Some(f), Some(v)) => f.admits(v),
        });
        Ok(Slots { values, fits })
    }
}

/// A field's value read for a row: the `Value` that `Value::deserialize` makes, but each
/// object made with room for a few entries at once (serde_json's starts empty: an object of
/// four entries is grown, and its hash table rebuilt, twice on the way).
#[derive(Clone, Copy)]
struct RowValue;

/// The entries an object read by [`RowValue`] has room for before it grows.
const OBJECT_ROOM: usize = 4;

/// The key by which serde_json (feature `raw_value`) reads an object as a value written in a
/// text: `Value::deserialize` reads `{"<TOKEN>": "[1]"}` as `[1]`, and so does [`RowValue`].
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

impl<'de> DeserializeSeed<'de> for RowValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RowValue {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(x) = seq.next_element_seed(RowValue)? {
            out.push(x);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let Some(Key(first)) = map.next_key::<Key<'de>>()? else {
            return Ok(Value::Object(Map::new()));
        };
        if first == RAW_VALUE_TOKEN {
            let text = map.next_value_seed(RawText)?;
            return serde_json::from_str(&text).map_err(serde::de::Error::custom);
        }
        let mut out = Map::with_capacity(OBJECT_ROOM);
        out.insert(first.into_owned(), map.next_value_seed(RowValue)?);
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            out.insert(k.into_owned(), map.next_value_seed(RowValue)?);
        }
        Ok(Value::Object(out))
    }
}

/// The text of a [`RAW_VALUE_TOKEN`] entry, read as serde_json reads it (same messages).
struct RawText;

impl<'de> DeserializeSeed<'de> for RawText {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for RawText {
    type Value = String;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("raw value")
    }

    fn visit_str<E>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_string<E>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
}

fn length_bit(key: &str) -> u64 {
    1 << (key.len() % 64)
}

/// [`FieldDef::admits`] of a field's value read in place, not kept.
#[derive(Clone, Copy)]
struct Fits(&'static FieldDef);

impl<'de> DeserializeSeed<'de> for Fits {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Fits {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a value")
    }

    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(self.0.optional)
    }

    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(matches!(self.0.shape, Shape::Boolean | Shape::Any))
    }

    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(matches!(
            self.0.shape,
            Shape::Integer | Shape::Number | Shape::StringOrInteger | Shape::Any
        ))
    }

    fn visit_u64<E>(self, v: u64) -> Result<bool, E> {
        let integer = i64::try_from(v).is_ok();
        Ok(match self.0.shape {
            Shape::Integer | Shape::StringOrInteger => integer,
            shape => matches!(shape, Shape::Number | Shape::Any),
        })
    }

    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(matches!(self.0.shape, Shape::Number | Shape::Any))
    }

    fn visit_str<E>(self, _: &str) -> Result<bool, E> {
        Ok(matches!(
            self.0.shape,
            Shape::String | Shape::StringOrInteger | Shape::Any
        ))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(matches!(self.0.shape, Shape::Object | Shape::Any))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(matches!(self.0.shape, Shape::Array | Shape::Any))
    }
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
    use proptest::prelude::*;

    /// Any JSON text a reply may hold in a field, including serde_json's raw-value key.
    fn json_text() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("null".to_string()),
            Just("true".to_string()),
            any::<i64>().prop_map(|n| n.to_string()),
            any::<u64>().prop_map(|n| n.to_string()),
            Just("1.5e300".to_string()),
            Just("-0.0".to_string()),
            Just("1e999".to_string()),
            "\\PC{0,6}".prop_map(|t| Value::String(t).to_string()),
            Just(r#""a\"b\u00e9""#.to_string()),
        ];
        leaf.prop_recursive(4, 40, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8)
                    .prop_map(|x| format!("[{}]", x.join(","))),
                prop::collection::vec(
                    (
                        prop_oneof![
                            Just("a"),
                            Just("addr"),
                            Just("a\\u0062"),
                            Just(RAW_VALUE_TOKEN)
                        ],
                        inner
                    ),
                    0..8,
                )
                .prop_map(|kv| {
                    let kv: Vec<String> = kv.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
                    format!("{{{}}}", kv.join(", "))
                }),
                Just(format!("{{\"{RAW_VALUE_TOKEN}\": \"[1, 2]\"}}")),
                Just(format!("{{\"{RAW_VALUE_TOKEN}\": \"[1, \"}}")),
                Just(format!("{{\"{RAW_VALUE_TOKEN}\": 5}}")),
            ]
        })
    }

    proptest! {
        #[test]
        fn a_row_value_is_what_value_deserialize_makes(t in json_text()) {
            let general = serde_json::from_str::<Value>(&t).map_err(|e| e.to_string());
            let mut de = serde_json::Deserializer::from_str(&t);
            let row = RowValue
                .deserialize(&mut de)
                .and_then(|v| de.end().map(|()| v))
                .map_err(|e| e.to_string());
            prop_assert_eq!(row, general);
        }
    }

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
    fn a_field_checked_in_place_fits_as_its_kept_value_would() {
        use serde::de::DeserializeSeed;
        let shapes = [
            Shape::String,
            Shape::Integer,
            Shape::Number,
            Shape::Boolean,
            Shape::Object,
            Shape::Array,
            Shape::Any,
            Shape::StringOrInteger,
        ];
        let texts = [
            "null",
            "true",
            "0",
            "-3",
            "18446744073709551615",
            "9223372036854775807",
            "1.0",
            "2.5e3",
            "\"\"",
            "\"a\\u0041\"",
            "{}",
            "{\"a\": [1, {}]}",
            "[]",
            "[null, [2]]",
        ];
        for shape in shapes {
            for optional in [false, true] {
                let field: &'static FieldDef = Box::leak(Box::new(FieldDef {
                    json: "f",
                    shape,
                    optional,
                }));
                for text in texts {
                    let value: Value = serde_json::from_str(text).expect("json");
                    let kept = field.admits(&value);
                    let mut de = serde_json::Deserializer::from_str(text);
                    let fits = Fits(field).deserialize(&mut de).expect("read");
                    assert_eq!(fits, kept, "{shape:?} (optional: {optional}) of {text}");
                }
            }
        }
    }

    #[test]
    fn items_read_for_rows_keep_their_fields_by_position() {
        let res: &'static ResourceDef = Box::leak(Box::new(ResourceDef {
            name: "thing",
            service: crate::runtime::defs::Service::Compute,
            lookup: None,
            columns: &[],
            sort_by: None,
            show: &[],
            check: |_| Ok(()),
            fields: &[
                FieldDef {
                    json: "id",
                    shape: Shape::String,
                    optional: false,
                },
                FieldDef {
                    json: "size",
                    shape: Shape::Integer,
                    optional: false,
                },
            ],
        }));
        let names = vec!["name".to_string(), "id".into()];
        let plan = SlotPlan::new(&names, res).expect("plan");
        let body = br#"{"things": [
            {"thing": {"id": "1", "size": 2, "name": "a", "x": [1]}},
            {"id": "2", "size": 2},
            {"id": "3", "size": "big"},
            {"id": "4"},
            {"id": "5", "size": 1, "size": 2}]}"#;
        let page = Page::read_slots("u", body, "things", Some("thing"), &plan).expect("page");
        let got: Vec<(String, bool)> = page
            .items
            .iter()
            .map(|s| {
                (
                    Value::Array(
                        s.values
                            .iter()
                            .map(|v| v.clone().unwrap_or_default())
                            .collect(),
                    )
                    .to_string(),
                    s.fits,
                )
            })
            .collect();
        let want = [
            (r#"["a","1"]"#, true),
            (r#"[null,"2"]"#, true),
            (r#"[null,"3"]"#, false),
            (r#"[null,"4"]"#, false),
            // Not wrapped after all: read from the object its keys made (the last one stays).
            (r#"[null,"5"]"#, true),
        ];
        let want: Vec<(String, bool)> = want.iter().map(|(t, f)| (t.to_string(), *f)).collect();
        assert_eq!(got, want);
        // Read from the text, a field given twice does not fit.
        let body = br#"{"things": [{"id": "5", "size": 1, "size": 2}, {"id": "6", "size": 1},
            {"id": "7", "id": "8", "size": 1}, {"id": 9, "size": 1}, {"size": 1}]}"#;
        let page = Page::read_slots("u", body, "things", None, &plan).expect("page");
        let fits: Vec<bool> = page.items.iter().map(|s| s.fits).collect();
        // A printed field of the type is checked too: of its shape, there when required.
        assert_eq!(fits, [false, true, false, false, false]);
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
