//! JSON for bfdd.sock, read and written the way FRR's json-c does. Reading
//! uses serde_json's tokenizer (untrusted input, strict RFC 8259) into an
//! ordered value, because FRR walks object keys in insertion order and a
//! repeated key keeps its first position with the last value (json-c's
//! table). The `as_*` helpers mirror json-c's `json_object_get_*` coercions.
//! Writing is by hand so the bytes equal json-c's plain format (flags 0):
//! no spaces, `/` escaped as `\/`, control characters as `\u00xx`.

use std::fmt;

/// json-c's default nesting limit; deeper input fails to parse there.
pub const MAX_DEPTH: usize = 32;

/// A parsed JSON value; objects keep key order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Int(i64),
    /// Only for integers above `i64::MAX`.
    UInt(u64),
    Float(f64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// The payload is not JSON (or is nested deeper than json-c accepts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError(pub String);

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid JSON: {}", self.0)
    }
}

impl std::error::Error for JsonError {}

/// Parse a request payload. FRR hands json-c a NUL-terminated copy, so
/// anything after the first NUL is not part of the text.
pub fn parse(payload: &[u8]) -> Result<Json, JsonError> {
    let text = match payload.iter().position(|b| *b == 0) {
        Some(n) => &payload[..n],
        None => payload,
    };
    // json-c stops at the end of the first value and ignores what follows
    // (FRR 8.4 answers `{} x` with "ok"), so only the first value is read.
    let v: Json = match serde_json::Deserializer::from_slice(text)
        .into_iter::<Json>()
        .next()
    {
        Some(Ok(v)) => v,
        Some(Err(e)) => return Err(JsonError(e.to_string())),
        None => return Err(JsonError("empty".to_string())),
    };
    if v.depth() > MAX_DEPTH {
        return Err(JsonError(format!("nested deeper than {MAX_DEPTH}")));
    }
    Ok(v)
}

impl Json {
    fn depth(&self) -> usize {
        match self {
            Json::Array(a) => 1 + a.iter().map(Json::depth).max().unwrap_or(0),
            Json::Object(o) => 1 + o.iter().map(|(_, v)| v.depth()).max().unwrap_or(0),
            _ => 0,
        }
    }

    /// The members of an object, in order; None for other values.
    pub fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Object(o) => Some(o),
            _ => None,
        }
    }

    /// Member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.as_object()?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// json-c `json_object_get_boolean`.
    pub fn as_bool(&self) -> bool {
        match self {
            Json::Bool(b) => *b,
            Json::Int(i) => *i != 0,
            Json::UInt(u) => *u != 0,
            Json::Float(f) => *f != 0.0,
            Json::Str(s) => !s.is_empty(),
            Json::Null | Json::Array(_) | Json::Object(_) => false,
        }
    }

    /// json-c `json_object_get_int64`: clamps, reads numeric strings, 0
    /// for anything else.
    pub fn as_i64(&self) -> i64 {
        match self {
            Json::Int(i) => *i,
            Json::UInt(u) => i64::try_from(*u).unwrap_or(i64::MAX),
            // `as` saturates and maps NaN to 0, as json-c's range checks do.
            Json::Float(f) => *f as i64,
            Json::Bool(b) => i64::from(*b),
            Json::Str(s) => s.trim_start().parse::<i64>().unwrap_or(0),
            Json::Null | Json::Array(_) | Json::Object(_) => 0,
        }
    }

    /// json-c `json_object_get_string`: the string itself, or the JSON text
    /// of any other value; None for null (FRR would crash on it).
    pub fn as_string(&self) -> Option<String> {
        match self {
            Json::Str(s) => Some(s.clone()),
            Json::Null => None,
            other => Some(other.to_json()),
        }
    }

    /// Plain (compact) json-c text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Int(i) => out.push_str(&i.to_string()),
            Json::UInt(u) => out.push_str(&u.to_string()),
            Json::Float(f) => out.push_str(&f.to_string()),
            Json::Str(s) => write_str(out, s),
            Json::Array(a) => {
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Json::Object(o) => {
                out.push('{');
                for (i, (k, v)) in o.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(out, k);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// A string in json-c's escaping.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Builds one plain json-c object, members in the order added.
#[derive(Debug, Default)]
pub struct ObjectWriter {
    buf: String,
}

impl ObjectWriter {
    pub fn new() -> ObjectWriter {
        ObjectWriter::default()
    }

    fn key(&mut self, k: &str) {
        self.buf.push(if self.buf.is_empty() { '{' } else { ',' });
        write_str(&mut self.buf, k);
        self.buf.push(':');
    }

    pub fn str(&mut self, k: &str, v: &str) -> &mut Self {
        self.key(k);
        write_str(&mut self.buf, v);
        self
    }

    pub fn int(&mut self, k: &str, v: i64) -> &mut Self {
        self.key(k);
        self.buf.push_str(&v.to_string());
        self
    }

    pub fn bool(&mut self, k: &str, v: bool) -> &mut Self {
        self.key(k);
        self.buf.push_str(if v { "true" } else { "false" });
        self
    }

    pub fn finish(&self) -> String {
        if self.buf.is_empty() {
            "{}".to_string()
        } else {
            format!("{}}}", self.buf)
        }
    }
}

// serde glue: an ordered value straight from serde_json's tokenizer.
struct JsonVisitor;

impl<'de> serde::de::Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Int(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(match i64::try_from(v) {
            Ok(i) => Json::Int(i),
            Err(_) => Json::UInt(v),
        })
    }

    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::Str(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::Str(v))
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut v = Vec::new();
        while let Some(item) = seq.next_element::<Json>()? {
            v.push(item);
        }
        Ok(Json::Array(v))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members: Vec<(String, Json)> = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Json>()? {
            // json-c replaces a repeated key's value in place.
            match members.iter_mut().find(|(old, _)| *old == k) {
                Some(slot) => slot.1 = v,
                None => members.push((k, v)),
            }
        }
        Ok(Json::Object(members))
    }
}

impl<'de> serde::Deserialize<'de> for Json {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_replaces_repeats_in_place() {
        let v = parse(br#"{"b":1,"a":2,"b":3}"#).expect("valid");
        let keys: Vec<_> = v
            .as_object()
            .expect("object")
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_i64()))
            .collect();
        assert_eq!(keys, [("b", 3), ("a", 2)]);
    }

    #[test]
    fn stops_at_nul_like_a_c_string() {
        let v = parse(b"{\"ipv4\":[]}\0garbage").expect("valid up to the NUL");
        assert!(v.get("ipv4").is_some());
        assert!(parse(b"\0{}").is_err());
    }

    #[test]
    fn trailing_text_after_the_first_value_is_ignored() {
        assert!(parse(b"{} x").is_ok());
        assert!(parse(b"  {\"ipv4\":[]}{").is_ok());
        assert!(parse(b"   ").is_err());
        assert!(parse(b"").is_err());
    }

    #[test]
    fn rejects_bad_text_and_deep_nesting() {
        assert!(parse(b"{\"ipv4\":").is_err());
        assert!(parse(b"{'a':1}").is_err());
        let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
        assert!(parse(deep.as_bytes()).is_err());
        let ok = format!("{}{}", "[".repeat(32), "]".repeat(32));
        assert!(parse(ok.as_bytes()).is_ok());
    }

    #[test]
    fn json_c_coercions() {
        assert!(Json::Int(5).as_bool());
        assert!(!Json::Str(String::new()).as_bool());
        assert!(Json::Str("false".into()).as_bool());
        assert_eq!(Json::Str("300".into()).as_i64(), 300);
        assert_eq!(Json::Str("x".into()).as_i64(), 0);
        assert_eq!(Json::Float(2.9).as_i64(), 2);
        assert_eq!(Json::UInt(u64::MAX).as_i64(), i64::MAX);
        assert_eq!(Json::Bool(true).as_i64(), 1);
        assert_eq!(Json::Int(7).as_string().as_deref(), Some("7"));
        assert_eq!(Json::Null.as_string(), None);
    }

    #[test]
    fn writer_matches_json_c_plain() {
        let mut w = ObjectWriter::new();
        w.str("status", "ok");
        assert_eq!(w.finish(), r#"{"status":"ok"}"#);
        let mut w = ObjectWriter::new();
        w.str("a/b", "q\"\\\n\u{1}é").int("n", -3).bool("t", true);
        assert_eq!(w.finish(), r#"{"a\/b":"q\"\\\n\u0001é","n":-3,"t":true}"#);
        assert_eq!(ObjectWriter::new().finish(), "{}");
    }
}
