//! A tiny JSON value and writer that reproduces json-c's output with
//! `JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE`, the flags FRR's
//! `vty_json` uses: two-space indentation, `"key":value` with no space after
//! the colon, keys in insertion order, empty containers as `{`/`[` newline,
//! then the closing bracket at the container's own indentation.

/// A JSON value; objects keep insertion order as json-c does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    Bool(bool),
    Int(i64),
    UInt(u64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    pub fn object() -> Json {
        Json::Object(Vec::new())
    }

    /// Appends a key (no duplicate check: callers build fixed layouts).
    pub fn push(&mut self, key: &str, value: Json) {
        if let Json::Object(members) = self {
            members.push((key.to_string(), value));
        }
    }

    /// json-c's pretty text without the trailing newline `vty_json` adds.
    pub fn to_pretty(&self) -> String {
        let mut out = String::new();
        write_value(&mut out, self, 0);
        out
    }
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn write_value(out: &mut String, value: &Json, level: usize) {
    match value {
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Int(i) => out.push_str(&i.to_string()),
        Json::UInt(u) => out.push_str(&u.to_string()),
        Json::Str(s) => {
            out.push('"');
            escape_into(out, s);
            out.push('"');
        }
        Json::Array(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                }
                indent(out, level + 1);
                write_value(out, item, level + 1);
            }
            if !items.is_empty() {
                out.push('\n');
            }
            indent(out, level);
            out.push(']');
        }
        Json::Object(members) => {
            out.push_str("{\n");
            for (i, (key, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                }
                indent(out, level + 1);
                out.push('"');
                escape_into(out, key);
                out.push_str("\":");
                write_value(out, item, level + 1);
            }
            if !members.is_empty() {
                out.push('\n');
            }
            indent(out, level);
            out.push('}');
        }
    }
}

/// json-c's escaping: the short escapes for \b \n \r \t \f " \, `/` left
/// alone (NOSLASHESCAPE), other bytes below 0x20 as `\u00xx` in lowercase
/// hex, everything else (0x7f and UTF-8 included) copied as is.
pub fn escape_into(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for c in s.chars() {
        match c {
            '\u{8}' => out.push_str("\\b"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{c}' => out.push_str("\\f"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let b = c as u32 as usize;
                out.push_str("\\u00");
                out.push(HEX[b >> 4] as char);
                out.push(HEX[b & 0xf] as char);
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_array_and_object() {
        assert_eq!(Json::Array(vec![]).to_pretty(), "[\n]");
        assert_eq!(Json::object().to_pretty(), "{\n}");
        let nested = Json::Array(vec![Json::object()]);
        assert_eq!(nested.to_pretty(), "[\n  {\n  }\n]");
    }

    #[test]
    fn nested_layout_and_scalars() {
        let mut o = Json::object();
        o.push("multihop", Json::Bool(false));
        o.push("peer", Json::Str("192.0.2.2".into()));
        o.push("id", Json::UInt(3735928559));
        o.push("neg", Json::Int(-3));
        o.push("list", Json::Array(vec![Json::UInt(1), Json::Bool(true)]));
        let text = Json::Array(vec![o]).to_pretty();
        assert_eq!(
            text,
            "[\n  {\n    \"multihop\":false,\n    \"peer\":\"192.0.2.2\",\n    \"id\":3735928559,\n    \"neg\":-3,\n    \"list\":[\n      1,\n      true\n    ]\n  }\n]"
        );
    }

    #[test]
    fn escaping_like_json_c() {
        let mut out = String::new();
        escape_into(&mut out, "a/b\"c\\d\n\t\r\u{8}\u{c}\u{1}\u{1f}\u{7f}é");
        assert_eq!(out, "a/b\\\"c\\\\d\\n\\t\\r\\b\\f\\u0001\\u001f\u{7f}é");
    }
}
