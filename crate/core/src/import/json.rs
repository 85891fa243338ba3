//! Small helpers over `serde_json::Value` for the JSON formats.

use serde_json::Value;

use super::ImportError;

/// A parsed JSON document whose strings (secrets among them) are zeroized when it is dropped.
pub(super) struct Wiped(Value);

impl core::ops::Deref for Wiped {
    type Target = Value;
    fn deref(&self) -> &Value {
        &self.0
    }
}

impl Drop for Wiped {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// Zeroizes every string in `value`, iteratively (the nesting can be 128 levels deep).
fn wipe(value: &mut Value) {
    let mut stack = vec![core::mem::take(value)];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(mut s) => zeroize::Zeroize::zeroize(&mut s),
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => {
                for (mut key, v) in map {
                    zeroize::Zeroize::zeroize(&mut key);
                    stack.push(v);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

/// Parses JSON text (serde_json refuses nesting deeper than 128 levels, so hostile input cannot
/// exhaust the stack).
pub(super) fn parse(text: &str) -> Result<Wiped, ImportError> {
    serde_json::from_str(text)
        .map(Wiped)
        .map_err(|_| ImportError::Malformed)
}

/// Parses JSON from bytes (decrypted plaintext).
pub(super) fn parse_bytes(bytes: &[u8]) -> Result<Wiped, ImportError> {
    serde_json::from_slice(bytes)
        .map(Wiped)
        .map_err(|_| ImportError::Malformed)
}

/// The string at `key`, or `None` when absent, null or not a string.
pub(super) fn str_at<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// The string at `key`, or `""`.
pub(super) fn text_at<'a>(value: &'a Value, key: &str) -> &'a str {
    str_at(value, key).unwrap_or("")
}

/// A non-negative whole number at `key`: a JSON number, or a string of decimal digits (some apps
/// write numbers as strings). `Err(())` when present but not such a number.
pub(super) fn number_at(value: &Value, key: &str) -> Result<Option<u64>, ()> {
    match value.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_u64().map(Some).ok_or(()),
        Some(Value::String(s)) => {
            let s = s.trim();
            if s.is_empty() {
                Ok(None)
            } else if s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse().map(Some).map_err(|_| ())
            } else {
                Err(())
            }
        }
        Some(_) => Err(()),
    }
}
