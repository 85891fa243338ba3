//! FreeOTP+ JSON backups: `{"tokens":[{algo, counter, digits, issuerExt, label, period, secret,
//! type}], "tokenOrder":[…]}` with the secret as an array of signed bytes.

use serde_json::Value;

use super::json::{number_at, str_at, text_at};
use super::{reason, Collector, Entry, ImportError, Kind, Skip};
use crate::account::Account;
use crate::secret::{Secret, MAX_SECRET_BYTES};

pub(super) fn detect(value: &Value) -> bool {
    value.get("tokens").is_some_and(Value::is_array)
}

pub(super) fn import(value: &Value, out: &mut Collector) -> Result<(), ImportError> {
    let tokens = value
        .get("tokens")
        .and_then(Value::as_array)
        .ok_or(ImportError::Malformed)?;
    for token in tokens {
        out.push(entry(token));
    }
    Ok(())
}

/// The secret from an array of bytes written as signed (Java) or unsigned numbers.
fn secret(value: Option<&Value>) -> Result<Secret, &'static str> {
    let items = value
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty() && a.len() <= MAX_SECRET_BYTES)
        .ok_or(reason::INVALID_SECRET)?;
    let mut bytes = zeroize::Zeroizing::new(Vec::with_capacity(items.len()));
    for item in items {
        let byte = item
            .as_i64()
            .filter(|b| (-128..=255).contains(b))
            .ok_or(reason::INVALID_SECRET)?;
        bytes.push(byte as u8);
    }
    Secret::from_bytes(bytes.to_vec()).map_err(|_| reason::INVALID_SECRET)
}

fn entry(token: &Value) -> Result<Account, Skip> {
    let issuer = match text_at(token, "issuerExt") {
        "" => text_at(token, "issuerInt"),
        issuer => issuer,
    };
    let name = text_at(token, "label");
    let skip = |reason| Skip {
        issuer: issuer.to_owned(),
        name: name.to_owned(),
        reason,
    };
    let kind = Kind::from_name(text_at(token, "type")).filter(|k| *k != Kind::Battle);
    let mut e = Entry::new(kind, issuer, name, secret(token.get("secret")));
    e.algorithm = str_at(token, "algo");
    e.digits = number_at(token, "digits").map_err(|()| skip(reason::INVALID_DIGITS))?;
    e.period = number_at(token, "period").map_err(|()| skip(reason::INVALID_PERIOD))?;
    e.counter = number_at(token, "counter").map_err(|()| skip(reason::INVALID_COUNTER))?;
    e.build()
}
