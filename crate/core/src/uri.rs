//! `otpauth://` and `steam://` URIs (Google's Key Uri Format): lenient parsing, canonical writing.
//!
//! # What [`parse`] accepts
//!
//! - `otpauth://TYPE/LABEL?PARAMETERS` with `TYPE` one of `totp`, `hotp`, `steam` in any case. The
//!   scheme is case-insensitive too, and Apple's `apple-otpauth://` is read as `otpauth://`.
//! - `steam://SECRET` (Bitwarden's form): a Steam Guard account with issuer `Steam` and no name.
//! - The label is percent-decoded and must be UTF-8. The first `:` (written `:` or `%3A`) separates
//!   the issuer from the account name; spaces after it are dropped (`ACME:  alice`). A label without a
//!   separator is the account name alone (Google's ABNF: `label = accountname / issuer ":" accountname`).
//!   When the `issuer` parameter is present and the label begins with that issuer and a `:`, exactly
//!   that prefix is removed, so an issuer that itself contains a colon (`Text: More Text`) still splits
//!   where it should.
//! - When the label's issuer and the `issuer` parameter differ, **the parameter wins** (as in
//!   hectorm/otpauth; pyotp and totp-rs reject such URIs, which locks users out of real accounts). An
//!   empty `issuer=` counts as absent.
//! - Parameter names are case-insensitive; unknown parameters are ignored; a repeated parameter takes
//!   its last value (as pyotp). Parameter values are form-decoded: `+` is a space, as every URI
//!   library we compared treats it (Python's `parse_qs`, the `url` crate under totp-rs, WHATWG
//!   `URLSearchParams` under hectorm/otpauth, Android's `Uri`, Go's `ParseQuery`), and as Aegis's
//!   `issuer=Air+Canada` test expects. In the label (a URI path) `+` stays a literal plus. The writer
//!   percent-encodes both, so canonical URIs never depend on this.
//! - `secret` is required and decoded leniently as base32 (see [`Secret::from_base32`]).
//! - `algorithm` is `SHA1`, `SHA256` or `SHA512` in any case; anything else (including `SHA-1`) is an
//!   error. `digits` is 1–10, `period` 1–86,400 seconds, `counter` a `u64`; each is decimal ASCII and an
//!   empty, signed or non-numeric value is an error. Parameters that do not apply to the type are
//!   ignored without being checked (`counter` for TOTP, `period` for HOTP, and `algorithm`, `digits`,
//!   `period`, `counter` for Steam, which is always SHA1, 5 characters, 30 s).
//! - Steam arrives as `otpauth://steam/…`, as `otpauth://totp/…&encoder=steam` (pyotp, KeePassXC) and
//!   as `steam://SECRET`. An issuer `Steam` alone does not make an account Steam: `otpauth://totp/`
//!   says TOTP. A Steam URI without any issuer gets the issuer `Steam`.
//! - Inputs longer than [`MAX_URI_BYTES`] are refused before any work is done, and so are an issuer
//!   or account name longer than [`MAX_NAME_BYTES`].
//!
//! # What [`write()`] produces
//!
//! `otpauth://TYPE/ISSUER:ACCOUNT?secret=…&issuer=…&algorithm=…&digits=…&period=…&counter=…` with the
//! label and issuer percent-encoded (everything but RFC 3986 unreserved characters), the secret as
//! canonical base32 (upper case, no padding), and `algorithm`, `digits` and `period` only when they
//! differ from SHA1, 6 and 30 s. HOTP always carries `counter`, even `counter=0`: Google's Key Uri
//! Format marks it REQUIRED for HOTP, and pyotp writes it the same way. Without an issuer the label is
//! the account name alone (prefixed with `:` only if the name itself contains a colon, so that it
//! reads back unchanged). Steam is written as `otpauth://steam/Steam:ACCOUNT?secret=…&issuer=Steam`
//! (with the account's own issuer if it was renamed).
//!
//! `parse(write(a)) == a` holds for every valid account whose issuer and name fit [`MAX_NAME_BYTES`],
//! except that leading spaces of an account name
//! cannot be represented after the separator (the format defines them away), and that a Steam account
//! with an empty issuer reads back with issuer `Steam`.

use crate::account::{Account, OtpType};
use crate::otp::{self, Algorithm};
use crate::secret::{Secret, SecretError};
use zeroize::Zeroizing;

/// Longest URI accepted, in bytes. Real otpauth URIs are well under 1 KiB (a 64-byte SHA512 seed is
/// 103 base32 characters); a QR code holds at most 2,953 bytes; 4 KiB leaves room for long labels
/// and image parameters while keeping hostile input small.
pub const MAX_URI_BYTES: usize = 4096;

/// Longest issuer and longest account name accepted, in bytes of UTF-8 after decoding. Far above any
/// real label, and low enough that [`write()`] always produces a URI [`parse`] accepts: percent-encoding
/// at most triples a byte, the issuer appears twice, and the longest secret is 1,639 base32 characters.
pub const MAX_NAME_BYTES: usize = 256;

/// Longest fixed part of a written URI: scheme and type, separator, parameter names, the longest
/// algorithm, digits and counter values.
const MAX_FIXED_BYTES: usize =
    "otpauth://steam/:?secret=&issuer=&algorithm=SHA512&digits=10&counter=18446744073709551615"
        .len();

// The round trip parse(write(x)) == x needs every written URI to fit the input cap.
const _: () = assert!(
    MAX_FIXED_BYTES + (crate::secret::MAX_SECRET_BYTES * 8).div_ceil(5) + 3 * 3 * MAX_NAME_BYTES
        <= MAX_URI_BYTES
);

/// Why a URI could not be parsed. Messages name the problem and never contain the secret (nor any
/// other value taken from the URI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UriError {
    /// The input is longer than [`MAX_URI_BYTES`].
    TooLong,
    /// Not an `otpauth://` or `steam://` URI.
    NotOtpauth,
    /// The issuer or the account name is longer than [`MAX_NAME_BYTES`].
    NameTooLong,
    /// The type after `otpauth://` is not `totp`, `hotp` or `steam`.
    UnknownType,
    /// The label or a parameter value has a bad percent escape or is not UTF-8.
    InvalidEncoding {
        /// Which part: `"label"` or the parameter name (`"secret"`, `"issuer"`, …).
        part: &'static str,
    },
    /// The `secret` parameter is missing or empty.
    MissingSecret,
    /// The secret is not valid base32 or is too long; the inner error says which (without the secret).
    InvalidSecret(SecretError),
    /// `algorithm` is not `SHA1`, `SHA256` or `SHA512`.
    UnsupportedAlgorithm,
    /// `digits` is not a whole number from 1 to 10.
    InvalidDigits,
    /// `period` is not a whole number of seconds from 1 to 86,400.
    InvalidPeriod,
    /// `counter` is not a whole number from 0 to 2^64 − 1.
    InvalidCounter,
}

impl UriError {
    /// Stable code, usable as a message name (`[a-z0-9_]`, prefix `uri_`).
    pub fn code(&self) -> &'static str {
        match self {
            UriError::TooLong => "uri_too_long",
            UriError::NotOtpauth => "uri_not_otpauth",
            UriError::NameTooLong => "uri_name_too_long",
            UriError::UnknownType => "uri_unknown_type",
            UriError::InvalidEncoding { .. } => "uri_invalid_encoding",
            UriError::MissingSecret => "uri_missing_secret",
            UriError::InvalidSecret(_) => "uri_invalid_secret",
            UriError::UnsupportedAlgorithm => "uri_unsupported_algorithm",
            UriError::InvalidDigits => "uri_invalid_digits",
            UriError::InvalidPeriod => "uri_invalid_period",
            UriError::InvalidCounter => "uri_invalid_counter",
        }
    }
}

impl core::fmt::Display for UriError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            UriError::TooLong => write!(f, "the URI is longer than {MAX_URI_BYTES} bytes"),
            UriError::NotOtpauth => f.write_str("not an otpauth:// or steam:// URI"),
            UriError::NameTooLong => {
                write!(
                    f,
                    "the issuer or account name is longer than {MAX_NAME_BYTES} bytes"
                )
            }
            UriError::UnknownType => f.write_str("the OTP type must be totp, hotp or steam"),
            UriError::InvalidEncoding { part } => {
                write!(f, "the {part} is not valid percent-encoded UTF-8")
            }
            UriError::MissingSecret => f.write_str("the URI has no secret"),
            UriError::InvalidSecret(e) => write!(f, "invalid secret: {e}"),
            UriError::UnsupportedAlgorithm => {
                f.write_str("the algorithm must be SHA1, SHA256 or SHA512")
            }
            UriError::InvalidDigits => write!(
                f,
                "digits must be a whole number from {} to {}",
                otp::MIN_DIGITS,
                otp::MAX_DIGITS
            ),
            UriError::InvalidPeriod => write!(
                f,
                "the period must be a whole number of seconds from {} to {}",
                otp::MIN_PERIOD,
                otp::MAX_PERIOD
            ),
            UriError::InvalidCounter => {
                f.write_str("the counter must be a whole number from 0 to 18446744073709551615")
            }
        }
    }
}

impl std::error::Error for UriError {}

impl From<SecretError> for UriError {
    fn from(e: SecretError) -> Self {
        match e {
            SecretError::Empty => UriError::MissingSecret,
            other => UriError::InvalidSecret(other),
        }
    }
}

/// The parameters [`parse`] reads, each holding its last raw (still encoded) value.
#[derive(Default)]
struct Params<'a> {
    secret: Option<&'a str>,
    issuer: Option<&'a str>,
    algorithm: Option<&'a str>,
    digits: Option<&'a str>,
    period: Option<&'a str>,
    counter: Option<&'a str>,
    encoder: Option<&'a str>,
}

/// Parses an `otpauth://totp|hotp|steam/…` or `steam://SECRET` URI (see the module docs for the rules).
pub fn parse(uri: &str) -> Result<Account, UriError> {
    if uri.len() > MAX_URI_BYTES {
        return Err(UriError::TooLong);
    }
    let uri = uri.trim();
    let (scheme, rest) = uri.split_once(':').ok_or(UriError::NotOtpauth)?;
    let rest = rest.strip_prefix("//").ok_or(UriError::NotOtpauth)?;
    if scheme.eq_ignore_ascii_case("steam") {
        return parse_steam_scheme(rest);
    }
    if !scheme.eq_ignore_ascii_case("otpauth") && !scheme.eq_ignore_ascii_case("apple-otpauth") {
        return Err(UriError::NotOtpauth);
    }

    let (before_query, query) = match rest.split_once('?') {
        Some((b, q)) => (b, q),
        None => (rest, ""),
    };
    let (type_name, raw_label) = match before_query.split_once('/') {
        Some((t, l)) => (t, l),
        None => (before_query, ""),
    };
    let mut otp_type = OtpType::from_name(type_name).ok_or(UriError::UnknownType)?;

    let mut params = Params::default();
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = match key.to_ascii_lowercase().as_str() {
            "secret" => &mut params.secret,
            "issuer" => &mut params.issuer,
            "algorithm" => &mut params.algorithm,
            "digits" => &mut params.digits,
            "period" => &mut params.period,
            "counter" => &mut params.counter,
            "encoder" => &mut params.encoder,
            _ => continue,
        };
        *slot = Some(value);
    }

    if otp_type == OtpType::Totp {
        if let Some(encoder) = params.encoder {
            if decode_value(encoder, "encoder")?.eq_ignore_ascii_case("steam") {
                otp_type = OtpType::Steam;
            }
        }
    }

    // The decoded text is the secret too: zeroized when dropped, like the Secret itself.
    let secret_text = Zeroizing::new(decode_value(
        params.secret.ok_or(UriError::MissingSecret)?,
        "secret",
    )?);
    let secret = Secret::from_base32(&secret_text)?;

    let label =
        percent_decode(raw_label, false).ok_or(UriError::InvalidEncoding { part: "label" })?;
    let issuer_param = match params.issuer {
        Some(raw) => decode_value(raw, "issuer")?,
        None => String::new(),
    };
    let (mut issuer, name) = split_label(&label, &issuer_param);
    if issuer.len() > MAX_NAME_BYTES || name.len() > MAX_NAME_BYTES {
        return Err(UriError::NameTooLong);
    }

    let mut account = Account::totp("", "", secret);
    account.otp_type = otp_type;
    match otp_type {
        OtpType::Steam => {
            if issuer.is_empty() {
                issuer = "Steam".to_owned();
            }
            account.digits = otp::STEAM_DIGITS;
        }
        OtpType::Totp | OtpType::Hotp => {
            if let Some(raw) = params.algorithm {
                let name = decode_value(raw, "algorithm")?;
                account.algorithm =
                    Algorithm::from_name(&name).ok_or(UriError::UnsupportedAlgorithm)?;
            }
            if let Some(raw) = params.digits {
                account.digits = decode_number(raw, "digits", UriError::InvalidDigits)?;
                if !(otp::MIN_DIGITS..=otp::MAX_DIGITS).contains(&account.digits) {
                    return Err(UriError::InvalidDigits);
                }
            }
            if otp_type == OtpType::Totp {
                if let Some(raw) = params.period {
                    account.period = decode_number(raw, "period", UriError::InvalidPeriod)?;
                    if !(otp::MIN_PERIOD..=otp::MAX_PERIOD).contains(&account.period) {
                        return Err(UriError::InvalidPeriod);
                    }
                }
            } else if let Some(raw) = params.counter {
                account.counter = decode_number(raw, "counter", UriError::InvalidCounter)?;
            }
        }
    }
    account.issuer = issuer;
    account.name = name;
    Ok(account)
}

/// `steam://SECRET`: everything after `//` (less one trailing `/`) is the base32 secret.
fn parse_steam_scheme(rest: &str) -> Result<Account, UriError> {
    let raw = rest.strip_suffix('/').unwrap_or(rest);
    let text = Zeroizing::new(
        percent_decode(raw, false).ok_or(UriError::InvalidEncoding { part: "secret" })?,
    );
    Ok(Account::steam("", Secret::from_base32(&text)?))
}

/// Splits a decoded label into (issuer, account name) following the module rules.
fn split_label(label: &str, issuer_param: &str) -> (String, String) {
    if !issuer_param.is_empty() {
        if let Some(rest) = label
            .strip_prefix(issuer_param)
            .and_then(|r| r.strip_prefix(':'))
        {
            return (
                issuer_param.to_owned(),
                rest.trim_start_matches(' ').to_owned(),
            );
        }
    }
    let (label_issuer, name) = match label.split_once(':') {
        Some((i, n)) => (i, n),
        None => ("", label),
    };
    let issuer = if issuer_param.is_empty() {
        label_issuer
    } else {
        issuer_param
    };
    (issuer.to_owned(), name.trim_start_matches(' ').to_owned())
}

/// Form-decodes a parameter value (`+` is a space, then percent escapes).
fn decode_value(raw: &str, part: &'static str) -> Result<String, UriError> {
    percent_decode(raw, true).ok_or(UriError::InvalidEncoding { part })
}

/// Decodes a decimal parameter: ASCII digits only (no sign, no spaces), within the type's range.
fn decode_number<T: core::str::FromStr>(
    raw: &str,
    part: &'static str,
    invalid: UriError,
) -> Result<T, UriError> {
    let text = decode_value(raw, part)?;
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid);
    }
    text.parse().map_err(|_| invalid)
}

/// Percent-decodes `input` into UTF-8; `plus_is_space` applies form decoding. `None` on a bad escape
/// or invalid UTF-8.
fn percent_decode(input: &str, plus_is_space: bool) -> Option<String> {
    let literal = |b| if plus_is_space && b == b'+' { b' ' } else { b };
    String::from_utf8(percent_decode_bytes(input.as_bytes(), literal)?).ok()
}

/// Percent-decodes `bytes`, passing every byte outside an escape through `literal`. `None` on a bad
/// escape. Shared with the migration decoder, which maps literal bytes its own way.
pub(crate) fn percent_decode_bytes(bytes: &[u8], literal: impl Fn(u8) -> u8) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = hex_value(*bytes.get(i + 1)?)?;
            let lo = hex_value(*bytes.get(i + 2)?)?;
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(literal(bytes[i]));
            i += 1;
        }
    }
    Some(out)
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
fn percent_encode(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// Writes the canonical URI of an account (see the module docs): defaults omitted, label and issuer
/// percent-encoded, HOTP always with its counter.
pub fn write(account: &Account) -> String {
    let steam_issuer;
    let issuer = if account.otp_type == OtpType::Steam && account.issuer.is_empty() {
        steam_issuer = "Steam";
        steam_issuer
    } else {
        account.issuer.as_str()
    };
    let mut uri = String::with_capacity(64 + account.secret.len() * 2);
    uri.push_str("otpauth://");
    uri.push_str(account.otp_type.name());
    uri.push('/');
    if !issuer.is_empty() {
        percent_encode(issuer, &mut uri);
        uri.push(':');
    } else if account.name.contains(':') {
        uri.push(':');
    }
    percent_encode(&account.name, &mut uri);
    uri.push_str("?secret=");
    uri.push_str(&account.secret.to_base32());
    if !issuer.is_empty() {
        uri.push_str("&issuer=");
        percent_encode(issuer, &mut uri);
    }
    if account.otp_type == OtpType::Steam {
        return uri;
    }
    if account.algorithm != Algorithm::Sha1 {
        uri.push_str("&algorithm=");
        uri.push_str(account.algorithm.name());
    }
    if account.digits != otp::DEFAULT_DIGITS {
        uri.push_str(&format!("&digits={}", account.digits));
    }
    match account.otp_type {
        OtpType::Hotp => uri.push_str(&format!("&counter={}", account.counter)),
        _ if account.period != otp::DEFAULT_PERIOD => {
            uri.push_str(&format!("&period={}", account.period))
        }
        _ => {}
    }
    uri
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn secret() -> Secret {
        Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap()
    }

    #[test]
    fn google_wiki_example() {
        // Google's Key Uri Format wiki: the key is "Hello!" followed by 0xDEADBEEF.
        let a =
            parse("otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example")
                .unwrap();
        assert_eq!(a.secret.expose(), b"Hello!\xde\xad\xbe\xef");
        assert_eq!(
            (a.issuer.as_str(), a.name.as_str()),
            ("Example", "alice@google.com")
        );
        assert_eq!(
            (a.otp_type, a.algorithm, a.digits, a.period),
            (OtpType::Totp, Algorithm::Sha1, 6, 30)
        );
    }

    #[test]
    fn percent_decoding_rules() {
        assert_eq!(percent_decode("a%20b+c", false).as_deref(), Some("a b+c"));
        assert_eq!(percent_decode("a%20b+c", true).as_deref(), Some("a b c"));
        assert_eq!(percent_decode("%E4%BD%A0", false).as_deref(), Some("你"));
        assert_eq!(percent_decode("%", false), None);
        assert_eq!(percent_decode("%4", false), None);
        assert_eq!(percent_decode("%zz", false), None);
        assert_eq!(percent_decode("%FF", false), None, "not UTF-8");
    }

    #[test]
    fn label_issuer_with_colon_splits_at_the_parameter() {
        // pyotp issue #174: the issuer "Text: More Text" contains an encoded colon.
        let a = parse(
            "otpauth://totp/Text%3A%20More%20Text:Secret?secret=FFFFFFFAAAAAABBBBBBB&issuer=Text%3A%20More%20Text",
        )
        .unwrap();
        assert_eq!(
            (a.issuer.as_str(), a.name.as_str()),
            ("Text: More Text", "Secret")
        );
    }

    #[test]
    fn numbers_are_strict() {
        for bad in [
            "",
            "-1",
            "+6",
            " 6",
            "6%20",
            "0x6",
            "11",
            "0",
            "99999999999999999999",
        ] {
            let uri = format!("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits={bad}");
            assert_eq!(parse(&uri).err(), Some(UriError::InvalidDigits), "{bad:?}");
        }
        for bad in ["", "0", "-30", "86401", "4294967296", "3e1"] {
            let uri = format!("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period={bad}");
            assert_eq!(parse(&uri).err(), Some(UriError::InvalidPeriod), "{bad:?}");
        }
        let max =
            parse("otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551615").unwrap();
        assert_eq!(max.counter, u64::MAX);
        let over = parse("otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551616");
        assert_eq!(over.err(), Some(UriError::InvalidCounter));
    }

    #[test]
    fn too_long_is_refused() {
        let uri = format!(
            "otpauth://totp/{}?secret=JBSWY3DPEHPK3PXP",
            "a".repeat(MAX_URI_BYTES)
        );
        assert_eq!(parse(&uri).err(), Some(UriError::TooLong));
    }

    #[test]
    fn errors_never_show_the_secret() {
        let secret = "JBSWY3DPEHPK3PX1";
        let uri = format!("otpauth://totp/a?secret={secret}");
        let err = parse(&uri).unwrap_err();
        assert_eq!(err.code(), "uri_invalid_secret");
        assert!(!err.to_string().contains("JBSW"), "{err}");
        assert!(!format!("{err:?}").contains("JBSW"), "{err:?}");
    }

    #[test]
    fn codes_are_message_names() {
        let all = [
            UriError::TooLong,
            UriError::NotOtpauth,
            UriError::NameTooLong,
            UriError::UnknownType,
            UriError::InvalidEncoding { part: "label" },
            UriError::MissingSecret,
            UriError::InvalidSecret(SecretError::InvalidLength),
            UriError::UnsupportedAlgorithm,
            UriError::InvalidDigits,
            UriError::InvalidPeriod,
            UriError::InvalidCounter,
        ];
        let mut seen = std::collections::HashSet::new();
        for e in all {
            let code = e.code();
            assert!(
                code.starts_with("uri_")
                    && code
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            );
            assert!(seen.insert(code), "duplicate {code}");
            assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn write_omits_defaults_and_keeps_hotp_counter() {
        let a = Account::totp("ACME Co", "alice@example.com", secret());
        assert_eq!(
            write(&a),
            "otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co"
        );
        let mut h = a.clone();
        h.otp_type = OtpType::Hotp;
        assert!(
            write(&h).ends_with("&issuer=ACME%20Co&counter=0"),
            "{}",
            write(&h)
        );
        let s = Account::steam("gaben", secret());
        assert_eq!(
            write(&s),
            "otpauth://steam/Steam:gaben?secret=JBSWY3DPEHPK3PXP&issuer=Steam"
        );
        assert_eq!(parse(&write(&s)).unwrap(), s);
    }

    #[test]
    fn colon_in_name_without_issuer_round_trips() {
        let a = Account::totp("", "a:b", secret());
        assert_eq!(write(&a), "otpauth://totp/:a%3Ab?secret=JBSWY3DPEHPK3PXP");
        assert_eq!(parse(&write(&a)).unwrap(), a);
    }
}
