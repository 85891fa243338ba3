//! Exporting accounts for other apps: an `otpauth://` URI list, an Aegis plain vault and Google
//! Authenticator "Transfer accounts" batches.
//!
//! Every export here is **unencrypted**: whoever reads the file or sees the QR codes can compute the
//! codes. The Tessera encrypted backup (see [`crate::vault`]) is the way to move accounts between
//! Tessera installs; these formats exist to leave for another app. Callers show that warning and ask
//! for the password again before calling in here (the extension does; the CLI says so on standard
//! error).
//!
//! | [`Format`] | what is written | what cannot be written |
//! |---|---|---|
//! | [`Format::Uris`] | one canonical `otpauth://` URI per line ([`crate::uri::write()`]), as the Authenticator extension, Aegis and Ente Auth read and write text exports | nothing: every valid account has a URI |
//! | [`Format::Aegis`] | Aegis's plain vault JSON ([`aegis_json`]) | nothing: Aegis holds TOTP, HOTP and Steam with every algorithm, 1–10 digits and any period |
//! | [`Format::Migration`] | `otpauth-migration://offline?data=…` URIs, one QR code each ([`migration()`]) | what Google Authenticator cannot hold, listed with a reason ([`MigrationExport::left_out`]) |
//!
//! Each export is read back by our own importer ([`crate::import`]) or migration decoder to the
//! same accounts (tests in this module); an account that would not read back unchanged is an
//! error, never a silent change.
//!
//! # Google Authenticator
//!
//! Its transfer payload (see [`crate::migration`]) has fields for the secret, name, issuer,
//! algorithm (SHA1, SHA256, SHA512, MD5), digits (6 or 8), type (TOTP or HOTP) and counter, and none
//! for the period or for Steam Guard. So:
//!
//! - Steam Guard accounts are left out ([`crate::migration::reason::STEAM`]);
//! - TOTP periods other than 30 s are left out ([`crate::migration::reason::PERIOD`]): Google
//!   Authenticator would compute 30-second codes, which the service would reject;
//! - digits other than 6 and 8 are left out ([`crate::migration::reason::DIGITS`]);
//! - SHA-256 and SHA-512 accounts are written (the payload holds them, and current Google
//!   Authenticator computes them), but listed in [`MigrationExport::caution`] with
//!   [`reason::GA_ALGORITHM`]: for years Google Authenticator on Android accepted such accounts and
//!   silently computed SHA-1 codes (google-authenticator-android issue 29, open since 2015; later
//!   reports from 2022–2024 say newer versions compute them right). The user should compare one
//!   code before deleting the account here.
//!
//! # Payload size per QR code
//!
//! Batches are cut by [`crate::migration::encode`] at [`PAYLOAD_LIMIT_BYTES`] (=
//! [`crate::migration::MAX_PAYLOAD_BYTES`], 600 bytes of protobuf) and at most
//! [`crate::migration::MAX_ACCOUNTS_PER_CODE`] (10) accounts per code, the size of Google
//! Authenticator's own export codes. 600 bytes of payload is at most 800 base64 characters; with the
//! 33-byte prefix and percent-escaped `+`, `/` and `=` the largest URI measured over every mix of
//! secret length (10–64 bytes) and label length (0–100 characters) is 839 bytes, a version 23 code
//! at error-correction level M (what the extension's QR renderer uses) of 109 modules. Drawn at 4
//! pixels a module with the 4-module quiet zone that is a square of 468 CSS pixels, which a phone
//! camera held 20–30 cm from a laptop screen reads at once. The test
//! `every_migration_code_stays_phone_sized` keeps every code within [`MAX_QR_VERSION`] (27, room
//! for data whose base64 happens to need many escapes).

use crate::account::{Account, OtpType};
use crate::migration::{self, Skipped};
use crate::otp::Algorithm;
use crate::uri;
use zeroize::Zeroizing;

#[cfg(test)]
mod tests;

/// Most protobuf bytes of accounts per Google Authenticator QR code (see the module docs).
pub const PAYLOAD_LIMIT_BYTES: usize = migration::MAX_PAYLOAD_BYTES;

/// Largest QR code version a migration batch may need at error-correction level M (see the module
/// docs); checked by the tests.
pub const MAX_QR_VERSION: i16 = 27;

/// Reason codes of [`MigrationExport::caution`] entries (`[a-z0-9_]`, prefix `export_`).
pub mod reason {
    /// SHA-256 or SHA-512: written, but older Google Authenticator versions compute SHA-1 codes.
    pub const GA_ALGORITHM: &str = "export_ga_algorithm_caution";
}

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// `otpauth://` URIs, one per line.
    Uris,
    /// Aegis plain vault JSON.
    Aegis,
    /// Google Authenticator migration URIs (QR codes).
    Migration,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 3] = [Format::Uris, Format::Aegis, Format::Migration];

    /// Stable name, as the CLI's `--format` and the extension take it: `uris`, `aegis`, `migration`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Uris => "uris",
            Format::Aegis => "aegis",
            Format::Migration => "migration",
        }
    }

    /// The format with this [`Format::name`], case-insensitively.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }
}

/// Why accounts could not be exported. Messages carry positions, never labels or secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExportError {
    /// There is no account to export.
    NoAccounts,
    /// The format name is not one of [`Format::name`].
    UnknownFormat,
    /// The account at this zero-based position is not valid (digits or period out of range).
    InvalidAccount(usize),
    /// The account at this zero-based position would not read back unchanged from its URI (a label
    /// longer than [`crate::uri::MAX_NAME_BYTES`], or an account name with leading spaces).
    Unrepresentable(usize),
}

impl ExportError {
    /// Stable code, usable as a message name (`[a-z0-9_]`, prefix `export_`).
    pub fn code(&self) -> &'static str {
        match self {
            ExportError::NoAccounts => "export_no_accounts",
            ExportError::UnknownFormat => "export_unknown_format",
            ExportError::InvalidAccount(_) => "export_invalid_account",
            ExportError::Unrepresentable(_) => "export_unrepresentable",
        }
    }
}

impl core::fmt::Display for ExportError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ExportError::NoAccounts => f.write_str("there are no accounts to export"),
            ExportError::UnknownFormat => {
                f.write_str("the export format must be uris, aegis or migration")
            }
            ExportError::InvalidAccount(i) => {
                write!(f, "account {} is not valid and cannot be exported", i + 1)
            }
            ExportError::Unrepresentable(i) => write!(
                f,
                "account {} has a label that its otpauth URI cannot hold unchanged",
                i + 1
            ),
        }
    }
}

impl std::error::Error for ExportError {}

/// Checks that there are accounts and each is valid and has a URI that reads back to it.
fn check(accounts: &[Account]) -> Result<(), ExportError> {
    if accounts.is_empty() {
        return Err(ExportError::NoAccounts);
    }
    for (i, a) in accounts.iter().enumerate() {
        a.validate().map_err(|_| ExportError::InvalidAccount(i))?;
        let written = Zeroizing::new(uri::write(a));
        match uri::parse(&written) {
            Ok(back) if back == *a => {}
            // A Steam account without an issuer reads back with issuer "Steam": nothing is lost.
            Ok(back) if a.otp_type == OtpType::Steam && a.issuer.is_empty() => {
                let mut same = a.clone();
                same.issuer = back.issuer.clone();
                if back != same {
                    return Err(ExportError::Unrepresentable(i));
                }
            }
            _ => return Err(ExportError::Unrepresentable(i)),
        }
    }
    Ok(())
}

/// The accounts as canonical `otpauth://` URIs, one per line, each line ending in `\n`.
pub fn uri_list(accounts: &[Account]) -> Result<Zeroizing<String>, ExportError> {
    check(accounts)?;
    let capacity = accounts
        .iter()
        .map(|a| 200 + 9 * (a.issuer.len() + a.name.len()) + 2 * a.secret.len())
        .sum();
    // Sized up front so that no reallocation leaves a copy of a secret behind.
    let mut out = Zeroizing::new(String::with_capacity(capacity));
    for a in accounts {
        let line = Zeroizing::new(uri::write(a));
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

/// The accounts as an Aegis plain vault, with the structure and key order of Aegis's own plain
/// export (`version` 1; `header` with `slots` and `params` null; `db` version 1 with `entries` of
/// `type`, `uuid`, `name`, `issuer`, `icon` and `info` {`secret`, `algo`, `digits`, `period` or
/// `counter`}), indented by four spaces as Aegis writes it. Tessera has no notes, favourites, icons
/// or groups, so the optional `note`, `favorite` and `groups` keys of newer Aegis vaults are not
/// written (Aegis reads their absence as empty) and `icon` is null. Each entry gets a random
/// version 4 UUID from `rng`.
pub fn aegis_json(
    accounts: &[Account],
    rng: &mut dyn FnMut(&mut [u8]),
) -> Result<Zeroizing<String>, ExportError> {
    check(accounts)?;
    let capacity = 200
        + accounts
            .iter()
            .map(|a| 500 + 6 * (a.issuer.len() + a.name.len()) + 2 * a.secret.len())
            .sum::<usize>();
    // Sized up front so that no reallocation leaves a copy of a secret behind.
    let mut out = Zeroizing::new(String::with_capacity(capacity));
    out.push_str("{\n    \"version\": 1,\n    \"header\": {\n        \"slots\": null,\n        \"params\": null\n    },\n    \"db\": {\n        \"version\": 1,\n        \"entries\": [");
    for (i, a) in accounts.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        let ind = "                ";
        out.push_str("            {\n");
        push_field(&mut out, ind, "type", a.otp_type.name());
        push_field(&mut out, ind, "uuid", &uuid_v4(rng));
        push_field(&mut out, ind, "name", &a.name);
        push_field(&mut out, ind, "issuer", &a.issuer);
        out.push_str(ind);
        out.push_str("\"icon\": null,\n");
        out.push_str(ind);
        out.push_str("\"info\": {\n");
        let inner = "                    ";
        let secret = Zeroizing::new(a.secret.to_base32());
        push_field(&mut out, inner, "secret", &secret);
        push_field(&mut out, inner, "algo", a.algorithm.name());
        out.push_str(&format!("{inner}\"digits\": {},\n", a.digits));
        match a.otp_type {
            OtpType::Hotp => out.push_str(&format!("{inner}\"counter\": {}\n", a.counter)),
            OtpType::Totp | OtpType::Steam => {
                out.push_str(&format!("{inner}\"period\": {}\n", a.period))
            }
        }
        out.push_str(ind);
        out.push_str("}\n            }");
    }
    out.push_str("\n        ]\n    }\n}\n");
    Ok(out)
}

/// `"key": "value",\n` at `indent`, the value escaped as a JSON string.
fn push_field(out: &mut String, indent: &str, key: &str, value: &str) {
    out.push_str(indent);
    out.push('"');
    out.push_str(key);
    out.push_str("\": ");
    push_json_string(out, value);
    out.push_str(",\n");
}

/// A JSON string literal (RFC 8259: `"`, `\` and control characters escaped).
fn push_json_string(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A random version 4 UUID (RFC 9562 section 5.4) in lower-case hex with hyphens.
fn uuid_v4(rng: &mut dyn FnMut(&mut [u8])) -> String {
    let mut b = [0u8; 16];
    rng(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Google Authenticator transfer codes for a set of accounts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MigrationExport {
    /// `otpauth-migration://` URIs, one QR code each, in batch order ("1 of N" is index 0). Empty
    /// when Google Authenticator can hold none of the accounts.
    pub uris: Vec<String>,
    /// Accounts left out, with a [`crate::migration::reason`] code each.
    pub left_out: Vec<Skipped>,
    /// Accounts written that older Google Authenticator versions may compute wrongly, with a
    /// [`reason`] code each.
    pub caution: Vec<Skipped>,
}

/// The accounts as Google Authenticator transfer batches sharing `batch_id` (see the module docs
/// for what is left out and the size of each code).
pub fn migration(accounts: &[Account], batch_id: i32) -> Result<MigrationExport, ExportError> {
    check(accounts)?;
    let encoded = migration::encode(accounts, batch_id);
    let left: Vec<usize> = encoded.left_out.iter().map(|s| s.index).collect();
    let caution = accounts
        .iter()
        .enumerate()
        .filter(|(i, a)| a.algorithm != Algorithm::Sha1 && !left.contains(i))
        .map(|(index, a)| Skipped {
            index,
            issuer: a.issuer.clone(),
            name: a.name.clone(),
            reason: reason::GA_ALGORITHM,
        })
        .collect();
    Ok(MigrationExport {
        uris: encoded.uris,
        left_out: encoded.left_out,
        caution,
    })
}
