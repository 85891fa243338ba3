//! Google Authenticator "Transfer accounts" (`otpauth-migration://offline?data=…`).
//!
//! The `data` parameter is base64 of a protobuf `MigrationPayload` (schema: dim13/otpauth
//! `migration.proto`, the most complete published one):
//!
//! ```text
//! MigrationPayload { repeated OtpParameters otp_parameters = 1; int32 version = 2;
//!                    int32 batch_size = 3; int32 batch_index = 4; int32 batch_id = 5; }
//! OtpParameters    { bytes secret = 1; string name = 2; string issuer = 3; Algorithm algorithm = 4;
//!                    DigitCount digits = 5; OtpType type = 6; int64 counter = 7; }
//! Algorithm  0 unspecified (SHA1), 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5
//! DigitCount 0 unspecified (6), 1 six, 2 eight
//! OtpType    0 unspecified (TOTP), 1 HOTP, 2 TOTP
//! ```
//!
//! The protobuf reader below is hand-written and small: multi-byte varints and lengths, every wire
//! type skipped when the field is unknown (including the deprecated groups, nested up to
//! [`MAX_GROUP_DEPTH`]), every read bounds-checked. Entries that cannot become an account (MD5, an
//! unknown enum value, no secret) are returned in [`Decoded::skipped`] with a reason instead of failing
//! the whole payload. An entry with an empty issuer and a name `Issuer:account` is split; an entry
//! whose name starts with its own issuer and `:` (as Google Authenticator exports accounts added from
//! a URI) has that prefix removed. The `int64` counter is kept as the same 64 bits unsigned (counters
//! never go negative), so every counter reads back as written.
//!
//! `data` is accepted percent-encoded or as raw base64 with unescaped `+`, `/` and `=` (dim13's
//! test, scito's "plus problem"): it is percent-decoded but a `+` stays a `+`, and a space (left by a
//! tool that form-decoded the URI) is read back as the `+` it was. Standard and URL-safe alphabets
//! are both accepted, padding is optional.

use crate::account::{Account, OtpType};
use crate::otp::{self, Algorithm};
use crate::secret::{Secret, MAX_SECRET_BYTES};
use zeroize::Zeroizing;

/// Longest migration URI accepted, in bytes. A QR code holds at most 2,953 bytes, so anything a phone
/// exported fits many times over; a larger input is refused before it is decoded.
pub const MAX_MIGRATION_URI_BYTES: usize = 64 * 1024;

/// Deepest nesting of protobuf groups skipped in unknown fields (real payloads have none).
pub const MAX_GROUP_DEPTH: usize = 16;

/// Most bytes of the `data` parameter's protobuf payload per migration URI that [`encode`] produces.
///
/// Reasoning: the URI is put in a QR code in byte mode. `otpauth-migration://offline?data=` is 37
/// bytes and base64 makes 4 characters of every 3 bytes; percent-encoding `+`, `/` and `=` (about 2 in
/// 64 base64 characters, plus padding) adds roughly 7 % more. 600 payload bytes thus give a URI of
/// about 1,000 bytes in the typical case, which fits a version-25 QR code at error-correction level L
/// (1,273 bytes) and stays close to level M (997 bytes); Google Authenticator's own exports (10
/// ordinary accounts per code) are of the same size and are read by phone cameras off a screen without
/// trouble. [`MAX_ACCOUNTS_PER_CODE`] keeps the same 10-account limit.
pub const MAX_PAYLOAD_BYTES: usize = 600;

/// Most accounts [`encode`] puts into one URI, as Google Authenticator does in its own exports.
pub const MAX_ACCOUNTS_PER_CODE: usize = 10;

/// Payload `version` written by [`encode`] (Google Authenticator writes 1).
pub const PAYLOAD_VERSION: i32 = 1;

const PREFIX: &str = "otpauth-migration://offline?data=";

/// Largest size of the four batch fields (version, batch size, index and id): a key byte each, three
/// varints of at most 5 bytes and a batch id of up to 10 (a negative int32 is sign-extended).
const BATCH_FIELDS_MAX: usize = 1 + 5 + 1 + 5 + 1 + 5 + 1 + 10;

/// Why a migration URI could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MigrationError {
    /// Not an `otpauth-migration://offline?…` URI.
    NotMigration,
    /// The input is longer than [`MAX_MIGRATION_URI_BYTES`].
    TooLong,
    /// The URI has no `data` parameter, or it is empty.
    MissingData,
    /// `data` is not base64 (after percent-decoding) or has a bad percent escape.
    InvalidBase64,
    /// The decoded bytes are not a valid protobuf `MigrationPayload` (truncated, a bad wire type,
    /// a length past the end, or groups nested deeper than [`MAX_GROUP_DEPTH`]).
    InvalidPayload,
}

impl MigrationError {
    /// Stable code, usable as a message name (`[a-z0-9_]`, prefix `migration_`).
    pub fn code(&self) -> &'static str {
        match self {
            MigrationError::NotMigration => "migration_not_migration",
            MigrationError::TooLong => "migration_too_long",
            MigrationError::MissingData => "migration_missing_data",
            MigrationError::InvalidBase64 => "migration_invalid_base64",
            MigrationError::InvalidPayload => "migration_invalid_payload",
        }
    }
}

impl core::fmt::Display for MigrationError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            MigrationError::NotMigration => f.write_str("not an otpauth-migration:// URI"),
            MigrationError::TooLong => {
                write!(
                    f,
                    "the migration URI is longer than {MAX_MIGRATION_URI_BYTES} bytes"
                )
            }
            MigrationError::MissingData => f.write_str("the migration URI has no data parameter"),
            MigrationError::InvalidBase64 => f.write_str("the migration data is not valid base64"),
            MigrationError::InvalidPayload => {
                f.write_str("the migration data is not a valid Google Authenticator payload")
            }
        }
    }
}

impl std::error::Error for MigrationError {}

/// Reason codes of [`Skipped`] entries (stable, usable as message names).
pub mod reason {
    /// Decoding: the entry uses MD5 or an algorithm number this schema does not know.
    pub const UNSUPPORTED_ALGORITHM: &str = "migration_unsupported_algorithm";
    /// Decoding: the digit count is not one of the known enum values.
    pub const UNSUPPORTED_DIGITS: &str = "migration_unsupported_digits";
    /// Decoding: the OTP type is not one of the known enum values.
    pub const UNSUPPORTED_TYPE: &str = "migration_unsupported_type";
    /// Decoding: the entry has no secret.
    pub const MISSING_SECRET: &str = "migration_missing_secret";
    /// Decoding: the secret is longer than [`crate::secret::MAX_SECRET_BYTES`].
    pub const SECRET_TOO_LONG: &str = "migration_secret_too_long";
    /// Encoding: Google Authenticator has no Steam Guard accounts.
    pub const STEAM: &str = "migration_steam_unsupported";
    /// Encoding: Google Authenticator only has 30-second TOTP.
    pub const PERIOD: &str = "migration_period_unsupported";
    /// Encoding: Google Authenticator only has 6 or 8 digits.
    pub const DIGITS: &str = "migration_digits_unsupported";
    /// Encoding: the account alone is larger than [`super::MAX_PAYLOAD_BYTES`].
    pub const TOO_LARGE: &str = "migration_account_too_large";
    /// Encoding: the account is not valid (digits or period out of range).
    pub const INVALID: &str = "migration_invalid_account";
}

/// An entry that was not imported or exported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Zero-based position of the entry in its payload or input list.
    pub index: usize,
    /// Issuer of the entry, as far as known.
    pub issuer: String,
    /// Account name of the entry, as far as known.
    pub name: String,
    /// Stable reason code, usable as a message name (one of the [`reason`] constants).
    pub reason: &'static str,
}

/// One decoded migration payload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Decoded {
    /// Accounts read.
    pub accounts: Vec<Account>,
    /// Entries skipped, with reasons.
    pub skipped: Vec<Skipped>,
    /// Payload version field.
    pub version: i32,
    /// Number of URIs in the batch.
    pub batch_size: i32,
    /// Zero-based position of this URI in the batch.
    pub batch_index: i32,
    /// Batch id shared by every URI of the batch.
    pub batch_id: i32,
}

/// Accounts encoded as migration URIs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Encoded {
    /// The URIs, one QR code each, in batch order.
    pub uris: Vec<String>,
    /// Accounts Google Authenticator cannot hold, with reasons.
    pub left_out: Vec<Skipped>,
}

// ---------------------------------------------------------------------------------------------
// Decoding

/// Decodes one `otpauth-migration://offline?data=…` URI.
pub fn decode(uri: &str) -> Result<Decoded, MigrationError> {
    if uri.len() > MAX_MIGRATION_URI_BYTES {
        return Err(MigrationError::TooLong);
    }
    // Both buffers hold every secret of the payload: zeroized when dropped.
    let data = Zeroizing::new(data_parameter(uri.trim())?);
    let bytes = Zeroizing::new(base64_decode(&data).ok_or(MigrationError::InvalidBase64)?);
    decode_payload(&bytes).ok_or(MigrationError::InvalidPayload)
}

/// Finds and percent-decodes the `data` parameter (keeping `+`; a space becomes `+`).
fn data_parameter(uri: &str) -> Result<Vec<u8>, MigrationError> {
    let (scheme, rest) = uri.split_once("://").ok_or(MigrationError::NotMigration)?;
    if !scheme.eq_ignore_ascii_case("otpauth-migration") {
        return Err(MigrationError::NotMigration);
    }
    let (host, query) = rest.split_once('?').unwrap_or((rest, ""));
    if !host.trim_end_matches('/').eq_ignore_ascii_case("offline") {
        return Err(MigrationError::NotMigration);
    }
    let mut data = None;
    for pair in query.split('&') {
        if let Some((key, value)) = pair.split_once('=') {
            if key.eq_ignore_ascii_case("data") {
                data = Some(value);
            }
        }
    }
    let raw = data
        .filter(|d| !d.is_empty())
        .ok_or(MigrationError::MissingData)?;
    // A space is a `+` that a URL decoder turned into a space (the "plus problem").
    let literal = |b| if b == b' ' { b'+' } else { b };
    crate::uri::percent_decode_bytes(raw.as_bytes(), literal).ok_or(MigrationError::InvalidBase64)
}

/// Decodes base64, standard or URL-safe alphabet, padding optional (but only at the end).
pub(crate) fn base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    let body_len = text.iter().rposition(|&c| c != b'=').map_or(0, |p| p + 1);
    let (body, padding) = text.split_at(body_len);
    if padding.len() > 2 || body.len() % 4 == 1 {
        return None;
    }
    if !padding.is_empty() && (body.len() + padding.len()) % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0u32;
    for &c in body {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// A protobuf wire value.
enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    /// Fixed-size values and groups: skipped by every field we read.
    Other,
}

/// A bounds-checked protobuf reader over a byte slice.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0 }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.data.len()
    }

    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for i in 0..10 {
            let byte = *self.data.get(self.pos)?;
            self.pos += 1;
            if i == 9 && byte > 1 {
                return None; // more than 64 bits
            }
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(len)?;
        let slice = self.data.get(self.pos..end)?;
        self.pos = end;
        Some(slice)
    }

    /// Reads one field: (field number, value). Groups are skipped whole.
    fn field(&mut self) -> Option<(u64, Value<'a>)> {
        let key = self.varint()?;
        let number = key >> 3;
        if number == 0 {
            return None;
        }
        let value = self.value(key & 7, number, 0)?;
        Some((number, value))
    }

    fn value(&mut self, wire_type: u64, number: u64, depth: usize) -> Option<Value<'a>> {
        match wire_type {
            0 => self.varint().map(Value::Varint),
            1 => self.take(8).map(|_| Value::Other),
            2 => {
                let len = usize::try_from(self.varint()?).ok()?;
                self.take(len).map(Value::Bytes)
            }
            3 => {
                // Start group: skip fields until the matching end group.
                if depth >= MAX_GROUP_DEPTH {
                    return None;
                }
                loop {
                    let key = self.varint()?;
                    let (inner_number, inner_type) = (key >> 3, key & 7);
                    if inner_number == 0 {
                        return None;
                    }
                    if inner_type == 4 {
                        return (inner_number == number).then_some(Value::Other);
                    }
                    self.value(inner_type, inner_number, depth + 1)?;
                }
            }
            5 => self.take(4).map(|_| Value::Other),
            _ => None, // 4 (an unmatched end group), 6 and 7 are invalid here
        }
    }
}

/// One raw `OtpParameters` message.
#[derive(Default)]
struct RawEntry<'a> {
    secret: &'a [u8],
    name: &'a [u8],
    issuer: &'a [u8],
    algorithm: u64,
    digits: u64,
    otp_type: u64,
    counter: u64,
}

fn decode_payload(bytes: &[u8]) -> Option<Decoded> {
    let mut decoded = Decoded::default();
    let mut reader = Reader::new(bytes);
    let mut index = 0;
    while !reader.at_end() {
        match reader.field()? {
            (1, Value::Bytes(entry)) => {
                match entry_to_account(decode_entry(entry)?) {
                    Ok(account) => decoded.accounts.push(account),
                    Err((issuer, name, reason)) => decoded.skipped.push(Skipped {
                        index,
                        issuer,
                        name,
                        reason,
                    }),
                }
                index += 1;
            }
            // int32 fields: negative values arrive as 10-byte varints; keep the low 32 bits.
            (2, Value::Varint(v)) => decoded.version = v as i32,
            (3, Value::Varint(v)) => decoded.batch_size = v as i32,
            (4, Value::Varint(v)) => decoded.batch_index = v as i32,
            (5, Value::Varint(v)) => decoded.batch_id = v as i32,
            (1..=5, _) => return None, // a known field with the wrong wire type
            _ => {}
        }
    }
    Some(decoded)
}

fn decode_entry(bytes: &[u8]) -> Option<RawEntry<'_>> {
    let mut entry = RawEntry::default();
    let mut reader = Reader::new(bytes);
    while !reader.at_end() {
        match reader.field()? {
            (1, Value::Bytes(b)) => entry.secret = b,
            (2, Value::Bytes(b)) => entry.name = b,
            (3, Value::Bytes(b)) => entry.issuer = b,
            (4, Value::Varint(v)) => entry.algorithm = v,
            (5, Value::Varint(v)) => entry.digits = v,
            (6, Value::Varint(v)) => entry.otp_type = v,
            (7, Value::Varint(v)) => entry.counter = v,
            (1..=7, _) => return None,
            _ => {}
        }
    }
    Some(entry)
}

/// Turns a raw entry into an account, or into (issuer, name, reason) when it cannot be one.
fn entry_to_account(entry: RawEntry<'_>) -> Result<Account, (String, String, &'static str)> {
    let raw_name = String::from_utf8_lossy(entry.name);
    let raw_issuer = String::from_utf8_lossy(entry.issuer);
    let (issuer, name) = split_name(&raw_issuer, &raw_name);
    let fail = |reason| (issuer.clone(), name.clone(), reason);
    let algorithm = match entry.algorithm {
        0 | 1 => Algorithm::Sha1,
        2 => Algorithm::Sha256,
        3 => Algorithm::Sha512,
        _ => return Err(fail(reason::UNSUPPORTED_ALGORITHM)),
    };
    let digits = match entry.digits {
        0 | 1 => 6,
        2 => 8,
        _ => return Err(fail(reason::UNSUPPORTED_DIGITS)),
    };
    let otp_type = match entry.otp_type {
        0 | 2 => OtpType::Totp,
        1 => OtpType::Hotp,
        _ => return Err(fail(reason::UNSUPPORTED_TYPE)),
    };
    if entry.secret.is_empty() {
        return Err(fail(reason::MISSING_SECRET));
    }
    if entry.secret.len() > MAX_SECRET_BYTES {
        return Err(fail(reason::SECRET_TOO_LONG));
    }
    let secret =
        Secret::from_bytes(entry.secret.to_vec()).map_err(|_| fail(reason::MISSING_SECRET))?;
    let mut account = Account::totp(&issuer, &name, secret);
    account.otp_type = otp_type;
    account.algorithm = algorithm;
    account.digits = digits;
    if otp_type == OtpType::Hotp {
        account.counter = entry.counter;
    }
    Ok(account)
}

/// Issuer and account name from an entry: `Issuer:account` is split when the issuer is empty, and
/// the issuer's own `Issuer:` prefix is removed from the name. Leading spaces of the name are
/// dropped (as after the separator of an otpauth label), so that every name decoded here encodes
/// and decodes back unchanged.
fn split_name(issuer: &str, name: &str) -> (String, String) {
    let (issuer, name) = if issuer.is_empty() {
        name.split_once(':').unwrap_or(("", name))
    } else {
        let rest = name.strip_prefix(issuer).and_then(|r| r.strip_prefix(':'));
        (issuer, rest.unwrap_or(name))
    };
    (issuer.to_owned(), name.trim_start_matches(' ').to_owned())
}

// ---------------------------------------------------------------------------------------------
// Encoding

/// Encodes accounts into one or more migration URIs sharing `batch_id`: at most
/// [`MAX_ACCOUNTS_PER_CODE`] accounts and [`MAX_PAYLOAD_BYTES`] of entries per URI, in input order.
/// Accounts Google Authenticator cannot hold are left out with a reason. No accounts give no URIs.
pub fn encode(accounts: &[Account], batch_id: i32) -> Encoded {
    let mut left_out = Vec::new();
    // Every buffer below holds secrets: zeroized when dropped.
    let mut batches: Vec<Zeroizing<Vec<u8>>> = Vec::new();
    let mut current = Zeroizing::new(Vec::with_capacity(MAX_PAYLOAD_BYTES));
    let mut in_current = 0;
    for (index, account) in accounts.iter().enumerate() {
        let entry = match encode_entry(account) {
            Ok(entry) => entry,
            Err(reason) => {
                left_out.push(Skipped {
                    index,
                    issuer: account.issuer.clone(),
                    name: account.name.clone(),
                    reason,
                });
                continue;
            }
        };
        let mut field = Zeroizing::new(Vec::with_capacity(entry.len() + 4));
        put_bytes(&mut field, 1, &entry);
        if field.len() > MAX_PAYLOAD_BYTES - BATCH_FIELDS_MAX {
            left_out.push(Skipped {
                index,
                issuer: account.issuer.clone(),
                name: account.name.clone(),
                reason: reason::TOO_LARGE,
            });
            continue;
        }
        if in_current == MAX_ACCOUNTS_PER_CODE
            || current.len() + field.len() > MAX_PAYLOAD_BYTES - BATCH_FIELDS_MAX
        {
            batches.push(core::mem::replace(
                &mut current,
                Zeroizing::new(Vec::with_capacity(MAX_PAYLOAD_BYTES)),
            ));
            in_current = 0;
        }
        current.extend_from_slice(&field);
        in_current += 1;
    }
    if in_current > 0 {
        batches.push(current);
    }
    let batch_size = batches.len() as i32;
    let uris = batches
        .into_iter()
        .enumerate()
        .map(|(batch_index, mut payload)| {
            put_varint_field(&mut payload, 2, PAYLOAD_VERSION as u64);
            put_varint_field(&mut payload, 3, batch_size as u64);
            put_varint_field(&mut payload, 4, batch_index as u64);
            // int32 on the wire: a negative id is sign-extended to a 10-byte varint.
            put_varint_field(&mut payload, 5, i64::from(batch_id) as u64);
            let mut uri = String::from(PREFIX);
            base64_percent_encode(&payload, &mut uri);
            uri
        })
        .collect();
    Encoded { uris, left_out }
}

/// The `OtpParameters` bytes of one account, or why Google Authenticator cannot hold it.
fn encode_entry(account: &Account) -> Result<Zeroizing<Vec<u8>>, &'static str> {
    if account.otp_type == OtpType::Steam {
        return Err(reason::STEAM);
    }
    if account.validate().is_err() {
        return Err(reason::INVALID);
    }
    let digits = match account.digits {
        6 => 1,
        8 => 2,
        _ => return Err(reason::DIGITS),
    };
    if account.otp_type == OtpType::Totp && account.period != otp::DEFAULT_PERIOD {
        return Err(reason::PERIOD);
    }
    let name = if !account.issuer.is_empty() {
        format!("{}:{}", account.issuer, account.name)
    } else if account.name.contains(':') {
        // A leading colon keeps a name with a colon from being split into issuer and name.
        format!(":{}", account.name)
    } else {
        account.name.clone()
    };
    // Sized up front so that no reallocation leaves a copy of the secret behind.
    let capacity = account.secret.len() + name.len() + account.issuer.len() + 48;
    let mut out = Zeroizing::new(Vec::with_capacity(capacity));
    put_bytes(&mut out, 1, account.secret.expose());
    put_bytes(&mut out, 2, name.as_bytes());
    if !account.issuer.is_empty() {
        put_bytes(&mut out, 3, account.issuer.as_bytes());
    }
    let algorithm = match account.algorithm {
        Algorithm::Sha1 => 1,
        Algorithm::Sha256 => 2,
        Algorithm::Sha512 => 3,
    };
    put_varint_field(&mut out, 4, algorithm);
    put_varint_field(&mut out, 5, digits);
    match account.otp_type {
        OtpType::Hotp => {
            put_varint_field(&mut out, 6, 1);
            put_varint_field(&mut out, 7, account.counter);
        }
        _ => put_varint_field(&mut out, 6, 2),
    }
    Ok(out)
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_varint_field(out: &mut Vec<u8>, number: u64, value: u64) {
    put_varint(out, number << 3);
    put_varint(out, value);
}

fn put_bytes(out: &mut Vec<u8>, number: u64, bytes: &[u8]) {
    put_varint(out, number << 3 | 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Standard base64 with padding, then `+`, `/` and `=` percent-encoded, as Google Authenticator writes.
fn base64_percent_encode(data: &[u8], out: &mut String) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut push = |six: u32| match ALPHABET[(six & 63) as usize] {
        b'+' => out.push_str("%2B"),
        b'/' => out.push_str("%2F"),
        c => out.push(char::from(c)),
    };
    let mut chunks = data.chunks_exact(3);
    for chunk in &mut chunks {
        let n = u32::from(chunk[0]) << 16 | u32::from(chunk[1]) << 8 | u32::from(chunk[2]);
        for shift in [18, 12, 6, 0] {
            push(n >> shift);
        }
    }
    let rest = chunks.remainder();
    let padding = match *rest {
        [a] => {
            let n = u32::from(a) << 16;
            push(n >> 18);
            push(n >> 12);
            2
        }
        [a, b] => {
            let n = u32::from(a) << 16 | u32::from(b) << 8;
            push(n >> 18);
            push(n >> 12);
            push(n >> 6);
            1
        }
        _ => 0,
    };
    for _ in 0..padding {
        out.push_str("%3D");
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_base64_vectors() {
        // RFC 4648 section 10.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(
                base64_decode(encoded.as_bytes()).unwrap(),
                plain.as_bytes(),
                "{encoded}"
            );
            assert_eq!(
                base64_decode(encoded.trim_end_matches('=').as_bytes()).unwrap(),
                plain.as_bytes()
            );
            let mut out = String::new();
            base64_percent_encode(plain.as_bytes(), &mut out);
            assert_eq!(out, encoded.replace('=', "%3D"));
        }
        assert_eq!(
            base64_decode(b"Zg="),
            None,
            "padding must complete a quantum"
        );
        assert_eq!(base64_decode(b"Z"), None);
        assert_eq!(base64_decode(b"Zg=a"), None);
        assert_eq!(base64_decode(b"Zm9v!"), None);
    }

    #[test]
    fn varints_of_every_length() {
        // Protobuf encoding spec: 150 is 0x96 0x01; u64::MAX takes ten bytes.
        let mut out = Vec::new();
        put_varint(&mut out, 150);
        assert_eq!(out, [0x96, 0x01]);
        for value in [0, 1, 127, 128, 300, 1 << 35, i64::MAX as u64, u64::MAX] {
            let mut out = Vec::new();
            put_varint(&mut out, value);
            assert_eq!(Reader::new(&out).varint(), Some(value));
        }
        assert_eq!(Reader::new(&[0xff; 10]).varint(), None, "more than 64 bits");
        assert_eq!(Reader::new(&[0x80]).varint(), None, "truncated");
    }

    #[test]
    fn unknown_fields_of_every_wire_type_are_skipped() {
        let mut entry = Vec::new();
        put_bytes(&mut entry, 1, b"12345678901234567890");
        put_varint_field(&mut entry, 99, 7); // varint
        entry.extend_from_slice(&[10 << 3 | 1, 1, 2, 3, 4, 5, 6, 7, 8]); // fixed64
        put_bytes(&mut entry, 8, b"unique id"); // length-delimited
        entry.extend_from_slice(&[12 << 3 | 3, 13 << 3, 5, 12 << 3 | 4]); // group
        entry.extend_from_slice(&[14 << 3 | 5, 1, 2, 3, 4]); // fixed32
        let mut payload = Vec::new();
        put_bytes(&mut payload, 1, &entry);
        put_varint_field(&mut payload, 5, i64::from(-5i32) as u64);
        let decoded = decode_payload(&payload).unwrap();
        assert_eq!(decoded.accounts.len(), 1);
        assert_eq!(decoded.accounts[0].secret.expose(), b"12345678901234567890");
        assert_eq!(decoded.batch_id, -5);
    }

    #[test]
    fn malformed_payloads_fail() {
        assert!(
            decode_payload(&[0x0a, 0x05, 1, 2]).is_none(),
            "length past the end"
        );
        assert!(decode_payload(&[
            0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01
        ])
        .is_none());
        assert!(decode_payload(&[0x0e]).is_none(), "wire type 6");
        assert!(decode_payload(&[0x0c]).is_none(), "unmatched end group");
        assert!(decode_payload(&[0x00, 0x00]).is_none(), "field number 0");
        assert!(
            decode_payload(&[0x08, 0x01]).is_none(),
            "otp_parameters as a varint"
        );
        let deep: Vec<u8> = core::iter::repeat_n(0x63u8, MAX_GROUP_DEPTH + 2).collect();
        assert!(decode_payload(&deep).is_none(), "groups nested too deep");
    }

    #[test]
    fn issuer_prefix_and_split() {
        assert_eq!(
            split_name("", "Example:alice"),
            ("Example".into(), "alice".into())
        );
        assert_eq!(
            split_name("Example", "Example:alice"),
            ("Example".into(), "alice".into())
        );
        assert_eq!(
            split_name("Other", "Example:alice"),
            ("Other".into(), "Example:alice".into())
        );
        assert_eq!(split_name("", "alice"), (String::new(), "alice".into()));
    }

    #[test]
    fn codes_are_message_names() {
        let all = [
            MigrationError::NotMigration,
            MigrationError::TooLong,
            MigrationError::MissingData,
            MigrationError::InvalidBase64,
            MigrationError::InvalidPayload,
        ];
        let reasons = [
            reason::UNSUPPORTED_ALGORITHM,
            reason::UNSUPPORTED_DIGITS,
            reason::UNSUPPORTED_TYPE,
            reason::MISSING_SECRET,
            reason::SECRET_TOO_LONG,
            reason::STEAM,
            reason::PERIOD,
            reason::DIGITS,
            reason::TOO_LARGE,
            reason::INVALID,
        ];
        let mut seen = std::collections::HashSet::new();
        for code in all.iter().map(|e| e.code()).chain(reasons) {
            assert!(code.starts_with("migration_"), "{code}");
            assert!(code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
            assert!(seen.insert(code), "duplicate {code}");
        }
    }
}
