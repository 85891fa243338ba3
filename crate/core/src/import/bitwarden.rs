//! Bitwarden's unencrypted exports, JSON and CSV. Only login items with a `totp` field are read;
//! the field holds an `otpauth://` URI, a `steam://` URI or a bare base32 secret. When the field
//! names no issuer the item's name is used, and when it names no account the login's user name.
//!
//! Password-protected JSON exports (`"encrypted":true,"passwordProtected":true`) are read: the
//! key is PBKDF2-HMAC-SHA256 (`kdfType` 0; the `salt` text as UTF-8, not decoded) or Argon2id
//! (`kdfType` 1; `kdfMemory` MiB, `kdfIterations` passes, `kdfParallelism` lanes, salt =
//! SHA-256 of the `salt` text), stretched with HKDF-Expand-SHA256 into an encryption key (`enc`)
//! and a MAC key (`mac`); `data` is a type-2 EncString `2.iv|ciphertext|mac` (base64 each):
//! HMAC-SHA256(mac key, iv ‖ ciphertext), then AES-256-CBC with PKCS#7 padding. The plaintext is
//! the unencrypted JSON export. Exports encrypted with the account's own key (no
//! `passwordProtected`) cannot be opened with a password: [`ImportError::Unsupported`].

use serde_json::Value;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::json::{number_at, str_at, text_at};
use super::{base64_decode, crypto, reason, Collector, ImportError, Skip};
use crate::account::Account;
use crate::uri;

/// Bitwarden's item type for logins.
const LOGIN_ITEM: u64 = 1;

pub(super) fn detect_json(value: &Value) -> bool {
    value.get("items").is_some_and(Value::is_array)
        || (value.get("encrypted").is_some_and(Value::is_boolean)
            && value.get("passwordProtected").is_some())
}

pub(super) fn detect_csv(text: &str) -> bool {
    text.lines()
        .next()
        .is_some_and(|header| header.split(',').any(|c| c.trim() == "login_totp"))
}

pub(super) fn import_json(
    value: &Value,
    password: Option<&[u8]>,
    out: &mut Collector,
) -> Result<(), ImportError> {
    if value.get("encrypted").and_then(Value::as_bool) == Some(true) {
        if value.get("passwordProtected").and_then(Value::as_bool) != Some(true) {
            return Err(ImportError::Unsupported);
        }
        let plaintext = decrypt(value, password)?;
        let text = core::str::from_utf8(&plaintext).map_err(|_| ImportError::Malformed)?;
        let inner = super::json::parse(text)?;
        if inner.get("encrypted").and_then(Value::as_bool) == Some(true) {
            return Err(ImportError::Malformed);
        }
        return import_json(&inner, None, out);
    }
    let items = value
        .get("items")
        .and_then(Value::as_array)
        .ok_or(ImportError::Malformed)?;
    for item in items {
        if item.get("type").and_then(Value::as_u64) != Some(LOGIN_ITEM) {
            continue;
        }
        let login = item.get("login").unwrap_or(&Value::Null);
        let Some(totp) = str_at(login, "totp").filter(|t| !t.trim().is_empty()) else {
            continue;
        };
        out.push(account(
            totp,
            text_at(item, "name"),
            text_at(login, "username"),
        ));
    }
    Ok(())
}

pub(super) fn import_csv(text: &str, out: &mut Collector) -> Result<(), ImportError> {
    let mut rows = csv_rows(text);
    let header = rows.next().ok_or(ImportError::Malformed)?;
    let column = |name: &str| header.iter().position(|c| c.trim() == name);
    let totp = column("login_totp").ok_or(ImportError::Malformed)?;
    let name = column("name");
    let username = column("login_username");
    for row in rows {
        let field = |i: Option<usize>| i.and_then(|i| row.get(i)).map(String::as_str).unwrap_or("");
        let value = field(Some(totp));
        if value.trim().is_empty() {
            continue;
        }
        out.push(account(value, field(name), field(username)));
    }
    Ok(())
}

/// Bitwarden's KDF types.
const KDF_PBKDF2: u64 = 0;
const KDF_ARGON2ID: u64 = 1;

/// The plaintext of a password-protected export (see the module docs).
fn decrypt(value: &Value, password: Option<&[u8]>) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let salt = str_at(value, "salt").ok_or(ImportError::Malformed)?;
    let data = str_at(value, "data").ok_or(ImportError::Malformed)?;
    let number = |key| number_at(value, key).map_err(|_| ImportError::Malformed);
    let iterations = number("kdfIterations")?.ok_or(ImportError::Malformed)?;
    let kind = number("kdfType")?.ok_or(ImportError::Malformed)?;
    let mut key = Zeroizing::new([0u8; 32]);
    match kind {
        KDF_PBKDF2 => {
            let iterations =
                u32::try_from(iterations).map_err(|_| ImportError::WorkFactorTooHigh)?;
            // The ceiling is checked before the password is asked for.
            if iterations > crypto::MAX_PBKDF2_ITERATIONS {
                return Err(ImportError::WorkFactorTooHigh);
            }
            let password = password.ok_or(ImportError::PasswordRequired)?;
            key = crypto::pbkdf2_sha256(password, salt.as_bytes(), iterations)?;
        }
        KDF_ARGON2ID => {
            let memory_mib = number("kdfMemory")?.ok_or(ImportError::Malformed)?;
            let lanes = number("kdfParallelism")?.ok_or(ImportError::Malformed)?;
            let memory_kib = memory_mib.saturating_mul(1024);
            crypto::check_argon2(memory_kib, iterations, lanes)?;
            let password = password.ok_or(ImportError::PasswordRequired)?;
            let narrow = |n: u64| u32::try_from(n).map_err(|_| ImportError::Malformed);
            let salt = Sha256::digest(salt.as_bytes());
            crypto::argon2id(
                password,
                &salt,
                narrow(memory_kib)?,
                narrow(iterations)?,
                narrow(lanes)?,
                key.as_mut(),
            )?;
        }
        _ => return Err(ImportError::Unsupported),
    }
    let enc_key = hkdf_expand(key.as_ref(), b"enc");
    let mac_key = hkdf_expand(key.as_ref(), b"mac");
    open_enc_string(data, &enc_key, &mac_key)
}

/// HKDF-Expand-SHA256 of `prk` with `info` into 32 bytes (one block: HMAC(prk, info ‖ 0x01)).
fn hkdf_expand(prk: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    // HMAC takes keys of any length.
    if let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(prk) {
        mac.update(info);
        mac.update(&[1]);
        out.copy_from_slice(&mac.finalize().into_bytes());
    }
    out
}

/// Opens a type-2 EncString `2.iv|ciphertext|mac`: the MAC is checked (in constant time) before
/// anything is decrypted. A wrong MAC or padding is [`ImportError::Decrypt`].
fn open_enc_string(
    text: &str,
    enc_key: &[u8; 32],
    mac_key: &[u8; 32],
) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let body = text
        .trim()
        .strip_prefix("2.")
        .ok_or(ImportError::Unsupported)?;
    let mut parts = body.split('|');
    let (Some(iv), Some(ciphertext), Some(tag), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ImportError::Malformed);
    };
    let decode = |t: &str| base64_decode(t).ok_or(ImportError::Malformed);
    let (iv, ciphertext, tag) = (decode(iv)?, decode(ciphertext)?, decode(tag)?);
    if iv.len() != 16 || tag.len() != 32 || ciphertext.is_empty() || ciphertext.len() % 16 != 0 {
        return Err(ImportError::Malformed);
    }
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(mac_key).map_err(|_| ImportError::Decrypt)?;
    mac.update(&iv);
    mac.update(&ciphertext);
    mac.verify_slice(&tag).map_err(|_| ImportError::Decrypt)?;
    crypto::aes_cbc_open(enc_key, &iv, &ciphertext)
}

/// The account of one `totp` field, labelled from the item when the field has no labels.
fn account(totp: &str, item_name: &str, username: &str) -> Result<Account, Skip> {
    let totp = totp.trim();
    let skip = |reason| Skip {
        issuer: item_name.to_owned(),
        name: username.to_owned(),
        reason,
    };
    let parsed = if totp.contains("://") {
        super::parse_uri_lenient(totp)
    } else {
        super::base32_secret(Some(totp))
            .map(|secret| Account::totp("", "", secret))
            .map_err(|_| uri::UriError::MissingSecret)
    };
    let mut account = parsed.map_err(|e| {
        skip(match e {
            uri::UriError::InvalidSecret(_) | uri::UriError::MissingSecret => {
                reason::INVALID_SECRET
            }
            uri::UriError::UnknownType => reason::UNSUPPORTED_TYPE,
            _ => reason::INVALID_URI,
        })
    })?;
    if account.issuer.is_empty() {
        account.issuer = item_name.to_owned();
    }
    if account.name.is_empty() {
        account.name = username.to_owned();
    }
    if account.issuer.len() > uri::MAX_NAME_BYTES || account.name.len() > uri::MAX_NAME_BYTES {
        return Err(skip(reason::NAME_TOO_LONG));
    }
    Ok(account)
}

/// RFC 4180 rows: comma-separated fields, `"quoted"` fields with `""` for a quote and line
/// breaks inside quotes, lines ending in LF or CRLF. Blank lines are left out.
fn csv_rows(text: &str) -> impl Iterator<Item = Vec<String>> + '_ {
    let mut chars = text.chars().peekable();
    core::iter::from_fn(move || loop {
        chars.peek()?;
        let mut row = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') if field.is_empty() => quoted = true,
                (false, ',') => row.push(core::mem::take(&mut field)),
                (false, '\n') => break,
                (false, '\r') if chars.peek() == Some(&'\n') => {}
                (false, c) => field.push(c),
            }
        }
        row.push(field);
        if row.len() > 1 || !row[0].is_empty() {
            return Some(row);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_line_breaks() {
        let rows: Vec<_> = csv_rows("a,\"b,\"\"c\"\"\"\r\n\r\n\"x\ny\",z\n,\n").collect();
        assert_eq!(
            rows,
            vec![
                vec!["a".to_owned(), "b,\"c\"".to_owned()],
                vec!["x\ny".to_owned(), "z".to_owned()],
                vec![String::new(), String::new()],
            ]
        );
    }
}
