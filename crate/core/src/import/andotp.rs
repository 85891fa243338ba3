//! andOTP backups: plain JSON, and encrypted (`.json.aes`).
//!
//! Plain: a JSON array of `{secret (base32), issuer, label, digits, type (TOTP, HOTP, STEAM, MOTP),
//! algorithm, period, counter, …}`. Encrypted, current format: iterations (int32 big-endian) ‖
//! salt (12 B) ‖ nonce (12 B) ‖ ciphertext ‖ tag (16 B), key = PBKDF2-HMAC-SHA1(password, salt,
//! iterations, 32 B), AES-256-GCM. Old format: nonce (12 B) ‖ ciphertext ‖ tag, key =
//! SHA-256(password). The plaintext is the plain JSON.

use serde_json::Value;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::json::{number_at, parse_bytes, str_at, text_at};
use super::{base32_secret, crypto, reason};
use super::{Collector, Entry, ImportError, Kind, Skip};
use crate::account::Account;

const SALT_BYTES: usize = 12;
const NONCE_BYTES: usize = 12;
const TAG_BYTES: usize = 16;

/// Whether binary content is long enough to be an encrypted andOTP backup (old format).
pub(super) fn looks_encrypted(bytes: &[u8]) -> bool {
    bytes.len() >= NONCE_BYTES + TAG_BYTES
}

/// File signatures of binary files that are not andOTP backups (images, archives, databases),
/// so that dropping a QR screenshot does not ask for a password.
const OTHER_SIGNATURES: &[&[u8]] = &[
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"RIFF",
    b"PK\x03\x04",
    b"SQLite format 3\0",
    b"%PDF",
    b"\x1f\x8b",
];

/// Whether binary content should be detected as an encrypted andOTP backup: long enough, and
/// not starting with the signature of another kind of file.
pub(super) fn detect_encrypted(bytes: &[u8]) -> bool {
    looks_encrypted(bytes) && !OTHER_SIGNATURES.iter().any(|sig| bytes.starts_with(sig))
}

pub(super) fn detect(value: &Value) -> bool {
    value.as_array().is_some_and(|entries| {
        entries.first().is_some_and(|e| {
            e.get("secret").is_some()
                && e.get("type").is_some()
                && (e.get("label").is_some() || e.get("issuer").is_some())
        })
    })
}

pub(super) fn import_plain(value: &Value, out: &mut Collector) -> Result<(), ImportError> {
    for e in value.as_array().ok_or(ImportError::Malformed)? {
        out.push(entry(e));
    }
    Ok(())
}

pub(super) fn import_encrypted(
    bytes: &[u8],
    password: Option<&[u8]>,
    out: &mut Collector,
) -> Result<(), ImportError> {
    if !looks_encrypted(bytes) {
        return Err(ImportError::Malformed);
    }
    let password = password.ok_or(ImportError::PasswordRequired)?;
    // Old format first: it costs one SHA-256, and GCM's tag makes a false match impossible in
    // practice.
    let key = Zeroizing::new(<[u8; 32]>::from(Sha256::digest(password)));
    let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
    let plain = match crypto::aes_gcm_open(key.as_ref(), nonce, sealed) {
        Ok(plain) => plain,
        Err(_) => {
            let header = 4 + SALT_BYTES + NONCE_BYTES;
            if bytes.len() < header + TAG_BYTES {
                return Err(ImportError::Decrypt);
            }
            let (iterations, rest) = bytes.split_at(4);
            let iterations =
                u32::from_be_bytes([iterations[0], iterations[1], iterations[2], iterations[3]]);
            let (salt, rest) = rest.split_at(SALT_BYTES);
            let (nonce, sealed) = rest.split_at(NONCE_BYTES);
            // An old-format file read as the current format has random bytes for its iteration
            // count, nearly always above the ceiling: a count that cannot be used is reported as a
            // wrong password (without any work), since the two cannot be told apart.
            let key = crypto::pbkdf2_sha1(password, salt, iterations)
                .map_err(|_| ImportError::Decrypt)?;
            crypto::aes_gcm_open(key.as_ref(), nonce, sealed)?
        }
    };
    let value = parse_bytes(&plain)?;
    import_plain(&value, out)
}

/// One entry as an account. Old andOTP versions had no `issuer` field and wrote the label as
/// `Issuer - Issuer:name`; it is split at the first ` - `. A label that repeats the issuer
/// (`Issuer:name`) loses that prefix.
fn entry(e: &Value) -> Result<Account, Skip> {
    let (issuer, label) = match str_at(e, "issuer") {
        Some(issuer) => (issuer, text_at(e, "label")),
        None => text_at(e, "label")
            .split_once(" - ")
            .unwrap_or(("", text_at(e, "label"))),
    };
    let name = if issuer.is_empty() {
        label
    } else {
        label
            .strip_prefix(issuer)
            .and_then(|rest| rest.strip_prefix(':'))
            .map_or(label, str::trim_start)
    };
    let skip = |reason| Skip {
        issuer: issuer.to_owned(),
        name: name.to_owned(),
        reason,
    };
    let kind = Kind::from_name(text_at(e, "type")).filter(|k| *k != Kind::Battle);
    let mut entry = Entry::new(kind, issuer, name, base32_secret(str_at(e, "secret")));
    entry.algorithm = str_at(e, "algorithm");
    entry.digits = number_at(e, "digits").map_err(|()| skip(reason::INVALID_DIGITS))?;
    entry.period = number_at(e, "period").map_err(|()| skip(reason::INVALID_PERIOD))?;
    entry.counter = number_at(e, "counter").map_err(|()| skip(reason::INVALID_COUNTER))?;
    entry.build()
}
