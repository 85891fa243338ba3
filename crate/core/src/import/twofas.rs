//! 2FAS backups (`.2fas`, schema versions 1–4), plain or encrypted.
//!
//! `{"services":[…],"schemaVersion":N,…}`; each service has `secret` (base32), `name` and
//! `otp {account, issuer, digits, period, algorithm, counter, tokenType}` (no `tokenType` before
//! schema 3: TOTP). An encrypted backup has `servicesEncrypted` = base64(ciphertext ‖ tag) `:`
//! base64(salt) `:` base64(IV); key = PBKDF2-HMAC-SHA256(password, salt, 10,000, 32 bytes);
//! AES-256-GCM; the plaintext is the JSON array of services.

use serde_json::Value;

use super::json::{number_at, parse_bytes, str_at, text_at};
use super::{base32_secret, base64_decode, crypto, reason};
use super::{Collector, Entry, ImportError, Kind, Skip};
use crate::account::Account;

/// PBKDF2 iterations of 2FAS's backup key (fixed in its code).
const PBKDF2_ITERATIONS: u32 = 10_000;

pub(super) fn detect(value: &Value) -> bool {
    value.get("services").is_some_and(Value::is_array)
        && (value.get("schemaVersion").is_some() || value.get("servicesEncrypted").is_some())
}

pub(super) fn import(
    value: &Value,
    password: Option<&[u8]>,
    out: &mut Collector,
) -> Result<(), ImportError> {
    let decrypted;
    let services: &Value = match str_at(value, "servicesEncrypted") {
        Some(sealed) if !sealed.is_empty() => {
            decrypted = decrypt(sealed, password.ok_or(ImportError::PasswordRequired)?)?;
            &decrypted
        }
        _ => value.get("services").ok_or(ImportError::Malformed)?,
    };
    for service in services.as_array().ok_or(ImportError::Malformed)? {
        out.push(entry(service));
    }
    Ok(())
}

fn decrypt(sealed: &str, password: &[u8]) -> Result<super::json::Wiped, ImportError> {
    let mut parts = sealed.split(':');
    let (Some(body), Some(salt), Some(iv), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ImportError::Malformed);
    };
    let body = base64_decode(body).ok_or(ImportError::Malformed)?;
    let salt = base64_decode(salt).ok_or(ImportError::Malformed)?;
    let iv = base64_decode(iv).ok_or(ImportError::Malformed)?;
    if iv.len() != 12 || body.len() < 16 {
        return Err(ImportError::Malformed);
    }
    let key = crypto::pbkdf2_sha256(password, &salt, PBKDF2_ITERATIONS)?;
    let plain = crypto::aes_gcm_open(key.as_ref(), &iv, &body)?;
    parse_bytes(&plain).map_err(|_| ImportError::Malformed)
}

/// One service as an account.
fn entry(service: &Value) -> Result<Account, Skip> {
    let otp = service.get("otp").unwrap_or(&Value::Null);
    let issuer = match text_at(otp, "issuer") {
        "" => text_at(service, "name"),
        issuer => issuer,
    };
    let name = text_at(otp, "account");
    let skip = |reason| Skip {
        issuer: issuer.to_owned(),
        name: name.to_owned(),
        reason,
    };
    let kind = match str_at(otp, "tokenType") {
        None => Some(Kind::Totp),
        Some(t) => Kind::from_name(t).filter(|k| *k != Kind::Battle),
    };
    let mut e = Entry::new(kind, issuer, name, base32_secret(str_at(service, "secret")));
    e.algorithm = str_at(otp, "algorithm");
    e.digits = number_at(otp, "digits").map_err(|()| skip(reason::INVALID_DIGITS))?;
    e.period = number_at(otp, "period").map_err(|()| skip(reason::INVALID_PERIOD))?;
    e.counter = number_at(otp, "counter").map_err(|()| skip(reason::INVALID_COUNTER))?;
    e.build()
}
