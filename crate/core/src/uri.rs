//! `otpauth://` and `steam://` URIs (Google's Key Uri Format): lenient parsing, canonical writing.
//!
//! CONTRACT (bodies to be written): `parse` and `write` keep these signatures.

use crate::account::Account;

/// Why a URI could not be parsed. Messages never contain the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UriError {
    /// Not an `otpauth://` or `steam://` URI.
    NotOtpauth,
}

impl UriError {
    /// Stable code, usable as a message name.
    pub fn code(&self) -> &'static str {
        match self {
            UriError::NotOtpauth => "uri_not_otpauth",
        }
    }
}

impl core::fmt::Display for UriError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            UriError::NotOtpauth => f.write_str("not an otpauth:// or steam:// URI"),
        }
    }
}

impl std::error::Error for UriError {}

/// Parses an `otpauth://totp|hotp|steam/…` or `steam://SECRET` URI.
pub fn parse(_uri: &str) -> Result<Account, UriError> {
    Err(UriError::NotOtpauth)
}

/// Writes the canonical URI of an account (defaults omitted, label and issuer percent-encoded).
pub fn write(_account: &Account) -> String {
    String::new()
}
