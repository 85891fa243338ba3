//! Importing accounts from other authenticators' export files.
//!
//! [`detect`] names the format of a file from its content, and [`import`] reads it (with a password
//! when the file is encrypted). The result holds every account that could be read and, for every
//! entry that could not, its position, labels and a stable reason code ([`reason`], or a
//! [`crate::migration::reason`] code for Google Authenticator payloads): one odd entry never fails
//! a whole file. Whether an account is already in the vault is the caller's decision;
//! [`same_account`] is the test to use (same type and same secret bytes).
//!
//! # Formats, in the order [`detect`] tries them
//!
//! | [`Format`] | files |
//! |---|---|
//! | [`Format::OtpauthText`] | text with one `otpauth://`, `steam://` or `otpauth-migration://` URI per line: Google Authenticator transfer batches, the Authenticator extension's and Aegis's text exports, Ente Auth's plain export (its `codeDisplay` parameter is ignored) |
//! | [`Format::AuthenticatorExtension`] | the Authenticator browser extension's JSON backup, plain or password-protected (Argon2id, then an OpenSSL `Salted__` passphrase key, AES-256-CBC) |
//! | [`Format::Aegis`] | Aegis vault JSON, plain or encrypted (scrypt password slots, AES-256-GCM) |
//! | [`Format::TwoFas`] | 2FAS `.2fas` backups, schema 1–4, plain or encrypted (PBKDF2-HMAC-SHA256, AES-256-GCM) |
//! | [`Format::BitwardenJson`], [`Format::BitwardenCsv`] | Bitwarden's exports (`totp` as otpauth URI, `steam://` or bare base32): JSON plain or password-protected (PBKDF2-HMAC-SHA256 or Argon2id, HKDF, AES-256-CBC + HMAC-SHA256), and CSV |
//! | [`Format::AndOtp`], [`Format::AndOtpEncrypted`] | andOTP JSON, and its encrypted backups (current format: PBKDF2-HMAC-SHA1, AES-256-GCM; old format: SHA-256 of the password, AES-256-GCM) |
//! | [`Format::FreeOtpPlus`] | FreeOTP+ JSON |
//! | [`Format::EnteEncrypted`] | Ente Auth's encrypted export (Argon2id, libsodium secretstream XChaCha20-Poly1305), up to the Argon2 ceilings below: Ente's 1 GiB "sensitive" cost is refused, its 256 MiB × 16 passes fallback is read |
//!
//! Types beyond TOTP, HOTP and Steam are imported where they map exactly (Battle.net is TOTP with
//! 8 digits) and skipped with [`reason::UNSUPPORTED_TYPE`] otherwise (mOTP, Yandex, …).
//!
//! # Limits
//!
//! Files above [`MAX_IMPORT_BYTES`] are refused before they are read, and so are work factors above
//! the ceilings ([`MAX_SCRYPT_LOG_N`], [`MAX_SCRYPT_MEMORY_BYTES`], [`MAX_SCRYPT_COST`],
//! [`MAX_ARGON2_MEMORY_KIB`], [`MAX_ARGON2_ITERATIONS`], [`MAX_ARGON2_LANES`], [`MAX_ARGON2_WORK_KIB`],
//! [`MAX_PBKDF2_ITERATIONS`]) before any key is derived: a hostile backup cannot hang the browser or
//! exhaust its memory. A wrong password and a tampered file give the same opaque
//! [`ImportError::Decrypt`], and nothing is imported.
//!
//! Passwords, derived keys and decrypted plaintext are held in zeroizing buffers.

mod aegis;
mod andotp;
mod authenticator;
mod bitwarden;
mod crypto;
mod ente;
mod freeotp;
mod json;
mod text;
mod twofas;

pub use crate::migration::Skipped;
pub use crypto::{
    MAX_ARGON2_ITERATIONS, MAX_ARGON2_LANES, MAX_ARGON2_MEMORY_KIB, MAX_ARGON2_WORK_KIB,
    MAX_PBKDF2_ITERATIONS, MAX_SCRYPT_COST, MAX_SCRYPT_LOG_N, MAX_SCRYPT_MEMORY_BYTES,
};

use crate::account::{Account, OtpType};
use crate::otp::{self, Algorithm};
use crate::secret::Secret;
use crate::uri::MAX_NAME_BYTES;

/// Largest file accepted, in bytes. Real exports are far smaller (an Aegis vault with a thousand
/// entries and embedded icons stays under a few MiB); 16 MiB bounds the memory that parsing a
/// hostile file can take.
pub const MAX_IMPORT_BYTES: usize = 16 * 1024 * 1024;

/// The file formats [`import`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// `otpauth://`, `steam://` and `otpauth-migration://` URIs, one per line.
    OtpauthText,
    /// The Authenticator browser extension's JSON backup, plain or password-protected.
    AuthenticatorExtension,
    /// Aegis vault JSON, plain or encrypted.
    Aegis,
    /// 2FAS `.2fas` backup, plain or encrypted.
    TwoFas,
    /// Bitwarden JSON export, plain or password-protected.
    BitwardenJson,
    /// Bitwarden CSV export.
    BitwardenCsv,
    /// andOTP plain JSON backup.
    AndOtp,
    /// andOTP encrypted backup (`.json.aes`), current or old format.
    AndOtpEncrypted,
    /// FreeOTP+ JSON backup.
    FreeOtpPlus,
    /// Ente Auth encrypted export (Argon2id, XChaCha20-Poly1305 secretstream).
    EnteEncrypted,
}

impl Format {
    /// Every format, in the order [`detect`] tries them.
    pub const ALL: [Format; 10] = [
        Format::OtpauthText,
        Format::AuthenticatorExtension,
        Format::Aegis,
        Format::TwoFas,
        Format::BitwardenJson,
        Format::BitwardenCsv,
        Format::AndOtp,
        Format::AndOtpEncrypted,
        Format::FreeOtpPlus,
        Format::EnteEncrypted,
    ];

    /// Stable name (`[a-z0-9-]`), as the CLI's `--format` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Format::OtpauthText => "otpauth",
            Format::AuthenticatorExtension => "authenticator",
            Format::Aegis => "aegis",
            Format::TwoFas => "2fas",
            Format::BitwardenJson => "bitwarden-json",
            Format::BitwardenCsv => "bitwarden-csv",
            Format::AndOtp => "andotp",
            Format::AndOtpEncrypted => "andotp-encrypted",
            Format::FreeOtpPlus => "freeotp-plus",
            Format::EnteEncrypted => "ente-encrypted",
        }
    }

    /// The format with this [`Format::name`], case-insensitively.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }
}

/// What [`import`] read from one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The format that was read.
    pub format: Format,
    /// The accounts, in the file's order.
    pub accounts: Vec<Account>,
    /// Entries that could not be imported, with reasons.
    pub skipped: Vec<Skipped>,
}

/// Why a whole file could not be imported. Messages never contain a secret, a password or any
/// other value taken from the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImportError {
    /// The file is larger than [`MAX_IMPORT_BYTES`].
    TooLarge,
    /// The content is not a format [`detect`] knows.
    UnknownFormat,
    /// The file is not what its format requires (bad JSON, a missing field, truncated data).
    Malformed,
    /// The file is encrypted and no password was given.
    PasswordRequired,
    /// The password is wrong or the file was tampered with (deliberately one opaque error).
    Decrypt,
    /// A key-derivation parameter in the file is above its ceiling (see the module docs).
    WorkFactorTooHigh,
    /// A variant of the format that Tessera does not read (for example Bitwarden's export
    /// encrypted with the account's own key, or an Aegis vault without a password slot).
    Unsupported,
}

impl ImportError {
    /// Stable code, usable as a message name (`[a-z0-9_]`, prefix `import_`).
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::TooLarge => "import_too_large",
            ImportError::UnknownFormat => "import_unknown_format",
            ImportError::Malformed => "import_malformed",
            ImportError::PasswordRequired => "import_password_required",
            ImportError::Decrypt => "import_decrypt",
            ImportError::WorkFactorTooHigh => "import_work_factor_too_high",
            ImportError::Unsupported => "import_unsupported",
        }
    }
}

impl core::fmt::Display for ImportError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ImportError::TooLarge => write!(f, "the file is larger than {MAX_IMPORT_BYTES} bytes"),
            ImportError::UnknownFormat => {
                f.write_str("the file is not a format Tessera can import")
            }
            ImportError::Malformed => f.write_str("the file is damaged or incomplete"),
            ImportError::PasswordRequired => {
                f.write_str("the file is encrypted: a password is needed")
            }
            ImportError::Decrypt => {
                f.write_str("wrong password, or the file was changed after it was written")
            }
            ImportError::WorkFactorTooHigh => {
                f.write_str("the file asks for more key-derivation work than Tessera allows")
            }
            ImportError::Unsupported => {
                f.write_str("this variant of the format cannot be imported")
            }
        }
    }
}

impl std::error::Error for ImportError {}

/// Reason codes of [`Skipped`] entries (`[a-z0-9_]`, prefix `import_`).
pub mod reason {
    /// A type other than TOTP, HOTP, Steam or Battle.net (mOTP, Yandex, …).
    pub const UNSUPPORTED_TYPE: &str = "import_unsupported_type";
    /// The secret is missing, not valid base32 (or hex, or bytes), or too long.
    pub const INVALID_SECRET: &str = "import_invalid_secret";
    /// An algorithm other than SHA1, SHA256 or SHA512.
    pub const UNSUPPORTED_ALGORITHM: &str = "import_unsupported_algorithm";
    /// Digits outside 1–10 (Steam: not 5).
    pub const INVALID_DIGITS: &str = "import_invalid_digits";
    /// A period outside 1–86,400 seconds (Steam: not 30).
    pub const INVALID_PERIOD: &str = "import_invalid_period";
    /// The HOTP counter is not a whole number from 0 to 2^64 − 1.
    pub const INVALID_COUNTER: &str = "import_invalid_counter";
    /// The issuer or account name is longer than [`crate::uri::MAX_NAME_BYTES`].
    pub const NAME_TOO_LONG: &str = "import_name_too_long";
    /// The entry lacks a field its format requires, or a field has the wrong JSON type.
    pub const INVALID_ENTRY: &str = "import_invalid_entry";
    /// A line or field that should be an otpauth URI (or a bare secret) is not one.
    pub const INVALID_URI: &str = "import_invalid_uri";
    /// The entry is encrypted on its own, in a scheme Tessera does not read (backups of the
    /// Authenticator extension before version 7).
    pub const ENCRYPTED_ENTRY: &str = "import_encrypted_entry";
}

/// Whether `a` and `b` are the same account for duplicate detection: the same type and the same
/// secret bytes (labels, digits and period may differ; an import never overwrites).
pub fn same_account(a: &Account, b: &Account) -> bool {
    a.otp_type == b.otp_type && a.secret.expose() == b.secret.expose()
}

/// The format of `bytes`, from their content, or `None`. Text and JSON formats are recognised by
/// their structure; a binary file is taken for an encrypted andOTP backup when it is long enough
/// to be one and is not an image, archive or database (by its signature).
pub fn detect(bytes: &[u8]) -> Option<Format> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return None;
    }
    let Some(text) = as_text(bytes) else {
        return andotp::detect_encrypted(bytes).then_some(Format::AndOtpEncrypted);
    };
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let value = json::parse(trimmed).ok()?;
        return [
            (
                Format::AuthenticatorExtension,
                authenticator::detect as fn(_) -> bool,
            ),
            (Format::Aegis, aegis::detect),
            (Format::TwoFas, twofas::detect),
            (Format::BitwardenJson, bitwarden::detect_json),
            (Format::AndOtp, andotp::detect),
            (Format::FreeOtpPlus, freeotp::detect),
            (Format::EnteEncrypted, ente::detect),
        ]
        .into_iter()
        .find(|(_, test)| test(&value))
        .map(|(format, _)| format);
    }
    if text::detect(text) {
        return Some(Format::OtpauthText);
    }
    if bitwarden::detect_csv(text) {
        return Some(Format::BitwardenCsv);
    }
    None
}

/// Reads the accounts of a file. With `format` `None` the format is [`detect`]ed. `password` is
/// needed for encrypted files (its bytes as typed, UTF-8 without normalization) and ignored for
/// plain ones.
pub fn import(
    bytes: &[u8],
    format: Option<Format>,
    password: Option<&[u8]>,
) -> Result<Imported, ImportError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge);
    }
    let format = match format {
        Some(f) => f,
        None => match detect(bytes) {
            Some(f) => f,
            None => return Err(ImportError::UnknownFormat),
        },
    };
    let mut out = Collector::default();
    if format == Format::AndOtpEncrypted {
        andotp::import_encrypted(bytes, password, &mut out)?;
    } else {
        let text = as_text(bytes).ok_or(ImportError::Malformed)?;
        match format {
            Format::OtpauthText => text::import(text, &mut out)?,
            Format::BitwardenCsv => bitwarden::import_csv(text, &mut out)?,
            _ => {
                let value = json::parse(text)?;
                match format {
                    Format::AuthenticatorExtension => {
                        authenticator::import(&value, password, &mut out)?
                    }
                    Format::Aegis => aegis::import(&value, password, &mut out)?,
                    Format::TwoFas => twofas::import(&value, password, &mut out)?,
                    Format::BitwardenJson => bitwarden::import_json(&value, password, &mut out)?,
                    Format::AndOtp => andotp::import_plain(&value, &mut out)?,
                    Format::FreeOtpPlus => freeotp::import(&value, &mut out)?,
                    Format::EnteEncrypted => ente::import(&value, password, &mut out)?,
                    // Handled above.
                    Format::OtpauthText | Format::BitwardenCsv | Format::AndOtpEncrypted => {
                        return Err(ImportError::Malformed)
                    }
                }
            }
        }
    }
    Ok(Imported {
        format,
        accounts: out.accounts,
        skipped: out.skipped,
    })
}

/// The file as UTF-8 text without a byte-order mark, or `None` for binary content.
fn as_text(bytes: &[u8]) -> Option<&str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    core::str::from_utf8(bytes).ok()
}

/// Accounts and skipped entries in file order; every entry gets the next index.
#[derive(Default)]
struct Collector {
    accounts: Vec<Account>,
    skipped: Vec<Skipped>,
    next_index: usize,
}

impl Collector {
    /// Records one entry: the account, or the reason it was skipped.
    fn push(&mut self, entry: Result<Account, Skip>) {
        match entry {
            Ok(account) => self.accounts.push(account),
            Err(skip) => self.skipped.push(Skipped {
                index: self.next_index,
                issuer: clip(&skip.issuer),
                name: clip(&skip.name),
                reason: skip.reason,
            }),
        }
        self.next_index += 1;
    }
}

/// Labels shown for a skipped entry, cut to [`MAX_NAME_BYTES`] at a character boundary.
fn clip(text: &str) -> String {
    let mut end = text.len().min(MAX_NAME_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// Why one entry is skipped, with its labels as far as known.
struct Skip {
    issuer: String,
    name: String,
    reason: &'static str,
}

/// The kinds of entry the importers map onto [`OtpType`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Totp,
    Hotp,
    Steam,
    /// Battle.net: TOTP, SHA1, 8 digits, 30 s.
    Battle,
}

impl Kind {
    /// The kind named `name` (case-insensitive): `totp`, `hotp`, `steam`, `battle`/`battlenet`/
    /// `blizzard`.
    fn from_name(name: &str) -> Option<Kind> {
        let name = name.to_ascii_lowercase();
        match name.as_str() {
            "totp" => Some(Kind::Totp),
            "hotp" => Some(Kind::Hotp),
            "steam" => Some(Kind::Steam),
            "battle" | "battlenet" | "battle.net" | "blizzard" => Some(Kind::Battle),
            _ => None,
        }
    }
}

/// One entry as a format stores it, before validation.
struct Entry<'a> {
    kind: Option<Kind>,
    issuer: &'a str,
    name: &'a str,
    /// The decoded secret, or the reason it could not be decoded.
    secret: Result<Secret, &'static str>,
    /// Algorithm name as written (`SHA1`, `sha256`, …); `None` for the default.
    algorithm: Option<&'a str>,
    digits: Option<u64>,
    period: Option<u64>,
    counter: Option<u64>,
}

impl<'a> Entry<'a> {
    /// An entry of `kind` with the given labels and secret, every other field at its default.
    fn new(
        kind: Option<Kind>,
        issuer: &'a str,
        name: &'a str,
        secret: Result<Secret, &'static str>,
    ) -> Entry<'a> {
        Entry {
            kind,
            issuer,
            name,
            secret,
            algorithm: None,
            digits: None,
            period: None,
            counter: None,
        }
    }

    /// Validates the entry into an account.
    fn build(self) -> Result<Account, Skip> {
        let skip = |reason| Skip {
            issuer: self.issuer.to_owned(),
            name: self.name.to_owned(),
            reason,
        };
        let Some(kind) = self.kind else {
            return Err(skip(reason::UNSUPPORTED_TYPE));
        };
        if self.issuer.len() > MAX_NAME_BYTES || self.name.len() > MAX_NAME_BYTES {
            return Err(skip(reason::NAME_TOO_LONG));
        }
        let secret = match &self.secret {
            Ok(s) => s.clone(),
            Err(reason) => return Err(skip(reason)),
        };
        let algorithm = match self.algorithm {
            None => Algorithm::Sha1,
            Some(name) => {
                let name = name.trim();
                match Algorithm::from_name(name) {
                    Some(a) => a,
                    None if name.is_empty() => Algorithm::Sha1,
                    None => return Err(skip(reason::UNSUPPORTED_ALGORITHM)),
                }
            }
        };
        let otp_type = match kind {
            Kind::Totp | Kind::Battle => OtpType::Totp,
            Kind::Hotp => OtpType::Hotp,
            Kind::Steam => OtpType::Steam,
        };
        let mut account = Account::with_type(otp_type, self.issuer, self.name, secret);
        match kind {
            Kind::Steam => {
                // Steam is always SHA1, 5 characters, 30 s whatever the file says.
            }
            Kind::Battle => account.digits = 8,
            Kind::Totp | Kind::Hotp => {
                account.algorithm = algorithm;
                if let Some(d) = self.digits {
                    match u8::try_from(d) {
                        Ok(d) if (otp::MIN_DIGITS..=otp::MAX_DIGITS).contains(&d) => {
                            account.digits = d
                        }
                        _ => return Err(skip(reason::INVALID_DIGITS)),
                    }
                }
                if kind == Kind::Totp {
                    if let Some(p) = self.period {
                        match u32::try_from(p) {
                            Ok(p) if otp::check_period(p).is_ok() => account.period = p,
                            _ => return Err(skip(reason::INVALID_PERIOD)),
                        }
                    }
                } else {
                    account.counter = self.counter.unwrap_or(0);
                }
            }
        }
        if account.validate().is_err() {
            return Err(skip(reason::INVALID_ENTRY));
        }
        Ok(account)
    }
}

/// A secret from base32 text, or [`reason::INVALID_SECRET`].
///
/// More lenient than [`Secret::from_base32`] in one way: a length 1, 3 or 6 characters past a
/// whole 8-character group (which RFC 4648 cannot produce) is accepted by dropping the last
/// character. That character only carries bits past the last whole byte, which the apps that
/// accepted such secrets (2FAS, among others, with commons-codec's decoder) drop too, so the codes
/// stay the same.
fn base32_secret(text: Option<&str>) -> Result<Secret, &'static str> {
    let text = text.ok_or(reason::INVALID_SECRET)?;
    match Secret::from_base32(text) {
        Ok(secret) => Ok(secret),
        Err(crate::secret::SecretError::InvalidLength) => {
            let mut clean: zeroize::Zeroizing<String> = zeroize::Zeroizing::new(
                text.chars()
                    .filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\r' | '-' | '='))
                    .collect(),
            );
            clean.pop();
            Secret::from_base32(&clean).map_err(|_| reason::INVALID_SECRET)
        }
        Err(_) => Err(reason::INVALID_SECRET),
    }
}

/// [`crate::uri::parse`] with the leniency of [`base32_secret`]: a URI whose secret has a length
/// past a whole byte that RFC 4648 cannot produce (Ente Auth and Bitwarden keep what users typed)
/// is read again without the secret's last character.
fn parse_uri_lenient(text: &str) -> Result<Account, crate::uri::UriError> {
    use crate::secret::SecretError;
    use crate::uri::{self, UriError};
    match uri::parse(text) {
        Err(UriError::InvalidSecret(SecretError::InvalidLength)) => {
            let fixed = drop_last_secret_character(text)
                .ok_or(UriError::InvalidSecret(SecretError::InvalidLength))?;
            uri::parse(&fixed)
        }
        other => other,
    }
}

/// `uri` without the last base32 character of its (last) `secret` parameter, or `None` when it
/// has none or the value is percent-encoded.
fn drop_last_secret_character(uri: &str) -> Option<zeroize::Zeroizing<String>> {
    let query = uri.find('?')? + 1;
    let mut offset = query;
    let mut at = None;
    for part in uri[query..].split('&') {
        if let Some((name, value)) = part.split_once('=') {
            if name.eq_ignore_ascii_case("secret") {
                at = if value.contains('%') {
                    None
                } else {
                    value
                        .rfind(|c: char| c.is_ascii_alphanumeric())
                        .map(|i| offset + name.len() + 1 + i)
                };
            }
        }
        offset += part.len() + 1;
    }
    let mut fixed = zeroize::Zeroizing::new(uri.to_owned());
    fixed.remove(at?);
    Some(fixed)
}

/// A secret from hexadecimal text, or [`reason::INVALID_SECRET`].
fn hex_secret(text: Option<&str>) -> Result<Secret, &'static str> {
    let bytes = text.and_then(hex_decode).ok_or(reason::INVALID_SECRET)?;
    Secret::from_bytes(bytes.to_vec()).map_err(|_| reason::INVALID_SECRET)
}

/// Decodes hexadecimal text (either case, even length) into a zeroizing buffer.
fn hex_decode(text: &str) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    let text = text.trim().as_bytes();
    if text.len() % 2 != 0 {
        return None;
    }
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(text.len() / 2));
    for pair in text.chunks_exact(2) {
        let high = (pair[0] as char).to_digit(16)?;
        let low = (pair[1] as char).to_digit(16)?;
        out.push((high * 16 + low) as u8);
    }
    Some(out)
}

/// Decodes base64 (standard or URL-safe, padding optional) into a zeroizing buffer.
fn base64_decode(text: &str) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    crate::migration::base64_decode(text.trim().as_bytes()).map(zeroize::Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(Format::from_name(f.name()), Some(f));
        }
        assert_eq!(Format::from_name("AEGIS"), Some(Format::Aegis));
        assert_eq!(Format::from_name("nope"), None);
    }

    #[test]
    fn codes_are_message_names() {
        for e in [
            ImportError::TooLarge,
            ImportError::UnknownFormat,
            ImportError::Malformed,
            ImportError::PasswordRequired,
            ImportError::Decrypt,
            ImportError::WorkFactorTooHigh,
            ImportError::Unsupported,
        ] {
            assert!(e.code().starts_with("import_"));
            assert!(e
                .code()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
            assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn base32_lengths_past_a_whole_byte_drop_the_extra_bits() {
        // 17, 19 and 22 characters: the last one only carries bits past the last whole byte.
        for (text, bytes) in [
            ("JBSWY3DPEHPK3PXPA", 10),
            ("JBSWY3DPEHPK3PXPJBA", 11),
            ("JBSWY3DPEHPK3PXPJBSWY3", 13),
        ] {
            let lenient = base32_secret(Some(text)).unwrap();
            assert_eq!(lenient.len(), bytes, "{text}");
            let strict = Secret::from_base32(&text[..text.len() - 1]).unwrap();
            assert_eq!(lenient.expose(), strict.expose());
        }
        assert_eq!(base32_secret(Some("J")).err(), Some(reason::INVALID_SECRET));
        assert_eq!(
            base32_secret(Some("JBSW1")).err(),
            Some(reason::INVALID_SECRET)
        );
        assert_eq!(base32_secret(None).err(), Some(reason::INVALID_SECRET));
        let a = parse_uri_lenient("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXPA&issuer=A").unwrap();
        assert_eq!(a.secret.to_base32(), "JBSWY3DPEHPK3PXP");
        assert_eq!(a.issuer, "A");
        let a = parse_uri_lenient("otpauth://totp/A?secret=x&secret=JBSWY3DPEHPK3PXPJBA").unwrap();
        assert_eq!(a.secret.len(), 11);
        assert!(parse_uri_lenient("otpauth://totp/A?secret=JBSWY3DPEHPK3PX%50A").is_err());
    }

    #[test]
    fn ente_encrypted_exports_check_the_argon2_ceilings_first() {
        let low = br#"{"version":1,"kdfParams":{"memLimit":65536,"opsLimit":2,"salt":"AAAAAAAAAAAAAAAAAAAAAA=="},"encryptedData":"AA","encryptionNonce":"AA"}"#;
        assert_eq!(detect(low), Some(Format::EnteEncrypted));
        assert_eq!(import(low, None, None), Err(ImportError::PasswordRequired));
        assert_eq!(import(low, None, Some(b"pw")), Err(ImportError::Malformed));
        // libsodium's "sensitive" cost, 1 GiB: above the memory ceiling, refused without a password.
        let sensitive = br#"{"version":1,"kdfParams":{"memLimit":1073741824,"opsLimit":4,"salt":"AAAA"},"encryptedData":"AA","encryptionNonce":"AA"}"#;
        assert_eq!(
            import(sensitive, None, None),
            Err(ImportError::WorkFactorTooHigh)
        );
        assert_eq!(
            import(b"{\"a\":1}", None, None),
            Err(ImportError::UnknownFormat)
        );
    }

    #[test]
    fn images_and_archives_are_not_taken_for_encrypted_backups() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.resize(200, 0xAB);
        assert_eq!(detect(&png), None);
        assert_eq!(
            import(&png, None, Some(b"pw")),
            Err(ImportError::UnknownFormat)
        );
        let mut other = vec![0xAB; 200];
        assert_eq!(detect(&other), Some(Format::AndOtpEncrypted));
        other.truncate(27);
        assert_eq!(detect(&other), None);
    }

    #[test]
    fn hex_decoding() {
        assert_eq!(hex_decode("00ffA0").unwrap().as_slice(), &[0, 255, 160]);
        assert!(hex_decode("0").is_none());
        assert!(hex_decode("zz").is_none());
    }

    #[test]
    fn too_large_is_refused_before_reading() {
        let big = vec![b' '; MAX_IMPORT_BYTES + 1];
        assert_eq!(import(&big, None, None), Err(ImportError::TooLarge));
        assert_eq!(detect(&big), None);
    }

    #[test]
    fn same_account_compares_type_and_secret() {
        let s = || Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let a = Account::totp("A", "a", s());
        let mut b = Account::totp("B", "b", s());
        b.digits = 8;
        assert!(same_account(&a, &b));
        b.otp_type = OtpType::Hotp;
        assert!(!same_account(&a, &b));
        let c = Account::totp("A", "a", Secret::from_base32("JBSWY3DPEHPK3PXQ").unwrap());
        assert!(!same_account(&a, &c));
    }
}
