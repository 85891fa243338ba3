//! Aegis vault JSON (Aegis `docs/vault.md`): plain, or encrypted with password slots.
//!
//! `{"version":1,"header":{"slots":[…]|null,"params":{"nonce","tag"}|null},"db":object|base64}`.
//! A password slot (`type` 1) holds the 32-byte master key sealed with AES-256-GCM (`key`, with
//! `key_params.nonce`/`tag`, all hex) under scrypt(password, `salt`, `n`, `r`, `p`). The master key
//! opens `db` (base64 ciphertext, nonce and tag in `header.params`). The content holds `entries`
//! of `type` `totp`, `hotp`, `steam`, `motp`, `yandex` with `info` `{secret, algo, digits,
//! period|counter}`.

use serde_json::Value;
use zeroize::Zeroizing;

use super::json::{number_at, parse_bytes, str_at, text_at};
use super::{base32_secret, base64_decode, crypto, hex_decode, reason};
use super::{Collector, Entry, ImportError, Kind, Skip};
use crate::account::Account;

/// Aegis's slot type for a password slot.
const PASSWORD_SLOT: u64 = 1;
/// Most password slots tried (each costs one scrypt run; Aegis allows several passwords).
const MAX_PASSWORD_SLOTS: usize = 4;

pub(super) fn detect(value: &Value) -> bool {
    value.get("header").is_some_and(Value::is_object) && value.get("db").is_some()
}

pub(super) fn import(
    value: &Value,
    password: Option<&[u8]>,
    out: &mut Collector,
) -> Result<(), ImportError> {
    let header = value.get("header").ok_or(ImportError::Malformed)?;
    let db = value.get("db").ok_or(ImportError::Malformed)?;
    let content;
    let db: &Value = match db {
        Value::Object(_) => db,
        Value::String(sealed) => {
            content = open(header, sealed, password)?;
            &content
        }
        _ => return Err(ImportError::Malformed),
    };
    let entries = db
        .get("entries")
        .and_then(Value::as_array)
        .ok_or(ImportError::Malformed)?;
    for e in entries {
        out.push(entry(e));
    }
    Ok(())
}

/// Decrypts the `db` string with the first password slot the password opens.
fn open(
    header: &Value,
    sealed: &str,
    password: Option<&[u8]>,
) -> Result<super::json::Wiped, ImportError> {
    let slots = header
        .get("slots")
        .and_then(Value::as_array)
        .ok_or(ImportError::Malformed)?;
    let params = header.get("params").ok_or(ImportError::Malformed)?;
    let nonce = hex_field(params, "nonce")?;
    let tag = hex_field(params, "tag")?;
    let password_slots: Vec<&Value> = slots
        .iter()
        .filter(|s| number_at(s, "type") == Ok(Some(PASSWORD_SLOT)))
        .take(MAX_PASSWORD_SLOTS)
        .collect();
    if password_slots.is_empty() {
        return Err(ImportError::Unsupported);
    }
    // Read every slot and check its work factor before deriving any key.
    let mut parsed = Vec::with_capacity(password_slots.len());
    for slot in password_slots {
        let n = number_at(slot, "n")
            .ok()
            .flatten()
            .ok_or(ImportError::Malformed)?;
        let r = number_at(slot, "r")
            .ok()
            .flatten()
            .ok_or(ImportError::Malformed)?;
        let p = number_at(slot, "p")
            .ok()
            .flatten()
            .ok_or(ImportError::Malformed)?;
        crypto::check_scrypt(n, r, p)?;
        parsed.push(slot);
    }
    let password = password.ok_or(ImportError::PasswordRequired)?;
    let mut body = base64_decode(sealed).ok_or(ImportError::Malformed)?;
    body.extend_from_slice(&tag);
    for slot in parsed {
        let master = match unseal_slot(slot, password) {
            Ok(key) => key,
            Err(ImportError::Decrypt) => continue,
            Err(e) => return Err(e),
        };
        let plain = crypto::aes_gcm_open(&master, &nonce, &body)?;
        return parse_bytes(&plain).map_err(|_| ImportError::Malformed);
    }
    Err(ImportError::Decrypt)
}

/// The master key sealed in one password slot.
fn unseal_slot(slot: &Value, password: &[u8]) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let salt = hex_field(slot, "salt")?;
    let mut sealed = hex_field(slot, "key")?;
    let key_params = slot.get("key_params").ok_or(ImportError::Malformed)?;
    let nonce = hex_field(key_params, "nonce")?;
    sealed.extend_from_slice(&hex_field(key_params, "tag")?);
    let field = |k| {
        number_at(slot, k)
            .ok()
            .flatten()
            .ok_or(ImportError::Malformed)
    };
    let key = crypto::scrypt32(password, &salt, field("n")?, field("r")?, field("p")?)?;
    let master = crypto::aes_gcm_open(key.as_ref(), &nonce, &sealed)?;
    if master.len() != 32 {
        return Err(ImportError::Decrypt);
    }
    Ok(master)
}

fn hex_field(value: &Value, key: &str) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    str_at(value, key)
        .and_then(hex_decode)
        .ok_or(ImportError::Malformed)
}

/// One vault entry as an account.
fn entry(e: &Value) -> Result<Account, Skip> {
    let issuer = text_at(e, "issuer");
    let name = text_at(e, "name");
    let skip = |reason| Skip {
        issuer: issuer.to_owned(),
        name: name.to_owned(),
        reason,
    };
    let Some(info) = e.get("info").filter(|i| i.is_object()) else {
        return Err(skip(reason::INVALID_ENTRY));
    };
    let kind = Kind::from_name(text_at(e, "type")).filter(|k| *k != Kind::Battle);
    let mut entry = Entry::new(kind, issuer, name, base32_secret(str_at(info, "secret")));
    entry.algorithm = str_at(info, "algo");
    entry.digits = number_at(info, "digits").map_err(|()| skip(reason::INVALID_DIGITS))?;
    entry.period = number_at(info, "period").map_err(|()| skip(reason::INVALID_PERIOD))?;
    entry.counter = number_at(info, "counter").map_err(|()| skip(reason::INVALID_COUNTER))?;
    if kind == Some(Kind::Steam)
        && entry
            .algorithm
            .is_some_and(|a| !a.eq_ignore_ascii_case("SHA1"))
    {
        return Err(skip(reason::UNSUPPORTED_ALGORITHM));
    }
    entry.build()
}
