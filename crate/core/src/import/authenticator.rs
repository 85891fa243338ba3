//! The Authenticator browser extension's JSON backup (format as its version 8 writes it; see
//! `shared/corpora/importers/authenticator-extension/SOURCE.txt`).
//!
//! The file is an object keyed by entry UUID. Plain records (`dataType` `"OTPStorage"`) hold
//! `type` (`totp`, `hotp`, `steam`, `battle`, `hex`, `hhex`), `secret` (base32, or hex for the
//! `hex` types), `issuer`, `account`, and `digits`, `period`, `algorithm`, `counter` when not
//! default. A password-protected backup holds one `"Key"` record `{id, salt, hash}` and
//! `"EncOTPStorage"` records `{keyId, data}`:
//!
//! 1. passphrase = unpadded standard base64 of Argon2id(password, UTF-8 of `salt` as written,
//!    m = 19,456 KiB, t = 2, p = 1, 32 bytes);
//! 2. `hash` is an Argon2id PHC string of the passphrase, checked before anything is decrypted (its
//!    parameters are read from the file, so they are checked against the ceilings first);
//! 3. `data` = base64 of an OpenSSL `Salted__` message under the passphrase (EVP_BytesToKey with
//!    MD5, AES-256-CBC), whose plaintext is a plain record.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::json::{number_at, parse_bytes, str_at, text_at};
use super::{base32_secret, base64_decode, crypto, hex_secret, reason};
use super::{Collector, Entry, ImportError, Kind, Skip};
use crate::account::Account;

/// Argon2id memory of the extension's key derivation, in KiB (fixed in its code, not in the file).
const ARGON2_MEMORY_KIB: u32 = 19_456;
/// Argon2id passes of the extension's key derivation.
const ARGON2_ITERATIONS: u32 = 2;
/// Argon2id lanes of the extension's key derivation.
const ARGON2_LANES: u32 = 1;

/// The record types of the backup.
const DATA_TYPES: [&str; 3] = ["OTPStorage", "EncOTPStorage", "Key"];

/// Whether `value` is an extension backup: an object whose values are all records, at least one.
pub(super) fn detect(value: &Value) -> bool {
    let Some(map) = value.as_object() else {
        return false;
    };
    !map.is_empty()
        && map.values().all(|record| {
            str_at(record, "dataType").is_some_and(|t| DATA_TYPES.contains(&t))
                || (record.get("secret").is_some() && record.get("encrypted").is_some())
        })
}

pub(super) fn import(
    value: &Value,
    password: Option<&[u8]>,
    out: &mut Collector,
) -> Result<(), ImportError> {
    let map = value.as_object().ok_or(ImportError::Malformed)?;
    let keys = Keys::read(map)?;
    let mut records: Vec<&Value> = map
        .values()
        .filter(|r| str_at(r, "dataType") != Some("Key"))
        .collect();
    // The extension lists entries by `index` (which can repeat); keep the file order for ties.
    records.sort_by_key(|r| number_at(r, "index").ok().flatten().unwrap_or(u64::MAX));
    let encrypted = records
        .iter()
        .any(|r| str_at(r, "dataType") == Some("EncOTPStorage"));
    let mut passphrases = BTreeMap::new();
    if encrypted {
        let password = password.ok_or(ImportError::PasswordRequired)?;
        for (id, key) in &keys.0 {
            passphrases.insert(id.as_str(), key.unlock(password)?);
        }
    }
    for record in records {
        if str_at(record, "dataType") == Some("EncOTPStorage") {
            let passphrase = str_at(record, "keyId")
                .and_then(|id| passphrases.get(id))
                .ok_or(ImportError::Malformed)?;
            let data = str_at(record, "data")
                .and_then(base64_decode)
                .ok_or(ImportError::Malformed)?;
            let plain = crypto::openssl_open(passphrase.as_bytes(), &data)?;
            let inner = parse_bytes(&plain).map_err(|_| ImportError::Decrypt)?;
            out.push(entry(&inner, true));
        } else {
            out.push(entry(record, false));
        }
    }
    Ok(())
}

/// One plain record as an account. A record decrypted from an `EncOTPStorage` says
/// `"encrypted": true` although its secret is plain: `decrypted` says to ignore that.
fn entry(record: &Value, decrypted: bool) -> Result<Account, Skip> {
    let issuer = text_at(record, "issuer");
    let name = text_at(record, "account");
    let skip = |reason| Skip {
        issuer: issuer.to_owned(),
        name: name.to_owned(),
        reason,
    };
    if !decrypted && record.get("encrypted").and_then(Value::as_bool) == Some(true) {
        // Entries encrypted one by one (backups of extension versions before 7).
        return Err(skip(reason::ENCRYPTED_ENTRY));
    }
    let type_name = text_at(record, "type");
    let (kind, secret) = match type_name {
        "hex" => (Some(Kind::Totp), hex_secret(str_at(record, "secret"))),
        "hhex" => (Some(Kind::Hotp), hex_secret(str_at(record, "secret"))),
        // A record without a type is TOTP, as the extension reads it.
        "" => (Some(Kind::Totp), base32_secret(str_at(record, "secret"))),
        other => (
            Kind::from_name(other),
            base32_secret(str_at(record, "secret")),
        ),
    };
    let mut e = Entry::new(kind, issuer, name, secret);
    e.algorithm = str_at(record, "algorithm");
    e.digits = number_at(record, "digits").map_err(|()| skip(reason::INVALID_DIGITS))?;
    e.period = number_at(record, "period").map_err(|()| skip(reason::INVALID_PERIOD))?;
    e.counter = number_at(record, "counter").map_err(|()| skip(reason::INVALID_COUNTER))?;
    e.build()
}

/// The `"Key"` records, by id.
struct Keys(BTreeMap<String, Key>);

/// One `"Key"` record, with the parameters of its password check already checked against the
/// ceilings.
struct Key {
    salt: String,
    check: Option<Phc>,
}

/// Most `"Key"` records read (the extension writes one).
const MAX_KEYS: usize = 4;

impl Keys {
    fn read(map: &Map<String, Value>) -> Result<Keys, ImportError> {
        let mut keys = BTreeMap::new();
        for record in map
            .values()
            .filter(|r| str_at(r, "dataType") == Some("Key"))
        {
            let id = str_at(record, "id").ok_or(ImportError::Malformed)?;
            let salt = str_at(record, "salt").ok_or(ImportError::Malformed)?;
            let check = match str_at(record, "hash") {
                Some(hash) => Some(Phc::parse(hash)?),
                None => None,
            };
            keys.insert(
                id.to_owned(),
                Key {
                    salt: salt.to_owned(),
                    check,
                },
            );
            if keys.len() > MAX_KEYS {
                return Err(ImportError::Unsupported);
            }
        }
        Ok(Keys(keys))
    }
}

impl Key {
    /// The passphrase for `password`, or [`ImportError::Decrypt`] when the password check fails.
    fn unlock(&self, password: &[u8]) -> Result<Zeroizing<String>, ImportError> {
        let mut raw = Zeroizing::new([0u8; 32]);
        crypto::argon2id(
            password,
            self.salt.as_bytes(),
            ARGON2_MEMORY_KIB,
            ARGON2_ITERATIONS,
            ARGON2_LANES,
            raw.as_mut(),
        )?;
        let passphrase = Zeroizing::new(base64_unpadded(raw.as_ref()));
        if let Some(check) = &self.check {
            check.verify(passphrase.as_bytes())?;
        }
        Ok(passphrase)
    }
}

/// An Argon2id PHC string `$argon2id$v=19$m=…,t=…,p=…$salt$hash`.
struct Phc {
    memory_kib: u32,
    iterations: u32,
    lanes: u32,
    salt: Vec<u8>,
    hash: Vec<u8>,
}

/// Longest PHC hash output read, in bytes.
const MAX_PHC_HASH_BYTES: usize = 64;

impl Phc {
    /// Parses the string and checks its parameters against the ceilings (no work is done).
    fn parse(text: &str) -> Result<Phc, ImportError> {
        let mut parts = text.split('$');
        let (Some(""), Some("argon2id"), Some("v=19"), Some(params), Some(salt), Some(hash), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(ImportError::Unsupported);
        };
        let (mut m, mut t, mut p) = (None, None, None);
        for pair in params.split(',') {
            let (name, number) = pair.split_once('=').ok_or(ImportError::Malformed)?;
            if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ImportError::Malformed);
            }
            // Saturate: a huge number is a huge work factor, refused below.
            let number = number.parse::<u64>().unwrap_or(u64::MAX);
            match name {
                "m" => m = Some(number),
                "t" => t = Some(number),
                "p" => p = Some(number),
                _ => return Err(ImportError::Malformed),
            }
        }
        let (Some(m), Some(t), Some(p)) = (m, t, p) else {
            return Err(ImportError::Malformed);
        };
        crypto::check_argon2(m, t, p)?;
        let salt = base64_decode(salt).ok_or(ImportError::Malformed)?;
        let hash = base64_decode(hash).ok_or(ImportError::Malformed)?;
        if hash.len() < 4 || hash.len() > MAX_PHC_HASH_BYTES {
            return Err(ImportError::Malformed);
        }
        Ok(Phc {
            memory_kib: u32::try_from(m).map_err(|_| ImportError::WorkFactorTooHigh)?,
            iterations: u32::try_from(t).map_err(|_| ImportError::WorkFactorTooHigh)?,
            lanes: u32::try_from(p).map_err(|_| ImportError::WorkFactorTooHigh)?,
            salt: salt.to_vec(),
            hash: hash.to_vec(),
        })
    }

    /// Whether `secret` hashes to the stored hash; [`ImportError::Decrypt`] if not.
    fn verify(&self, secret: &[u8]) -> Result<(), ImportError> {
        let mut computed = Zeroizing::new(vec![0u8; self.hash.len()]);
        crypto::argon2id(
            secret,
            &self.salt,
            self.memory_kib,
            self.iterations,
            self.lanes,
            &mut computed,
        )?;
        let differ = computed
            .iter()
            .zip(&self.hash)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        if differ == 0 {
            Ok(())
        } else {
            Err(ImportError::Decrypt)
        }
    }
}

/// Standard base64 without `=` padding.
fn base64_unpadded(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpadded_base64_rfc4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64_unpadded(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn phc_parameters_are_checked_before_work() {
        let hash = "$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";
        assert_eq!(Phc::parse(hash).err(), Some(ImportError::WorkFactorTooHigh));
        let hash = "$argon2id$v=19$m=19456,t=99999999999999999999999,p=1$c2FsdHNhbHQ$aGFzaA";
        assert_eq!(Phc::parse(hash).err(), Some(ImportError::WorkFactorTooHigh));
        assert_eq!(
            Phc::parse("$argon2i$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA").err(),
            Some(ImportError::Unsupported)
        );
        assert_eq!(
            Phc::parse("$argon2id$v=19$m=1,t=x,p=1$c2FsdA$aGFzaA").err(),
            Some(ImportError::Malformed)
        );
    }
}
