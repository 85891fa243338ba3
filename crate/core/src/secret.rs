//! The shared secret of an account.

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::base32::{self, Base32Error};

/// Largest secret accepted, in bytes. HMAC keys longer than a block are hashed anyway; 1 KiB is
/// far above any real issuer and keeps hostile inputs small.
pub const MAX_SECRET_BYTES: usize = 1024;

/// A shared secret. Zeroized on drop; deliberately has no `Debug` or `Display`, so it cannot end up
/// in a log line or an error message. Read it through [`Secret::expose`] or [`Secret::to_base32`].
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Secret(Vec<u8>);

/// Why a secret was rejected. Messages never contain the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretError {
    /// The secret is empty.
    Empty,
    /// The secret holds a character that is not base32; `position` is zero-based.
    InvalidCharacter {
        /// Zero-based position of the bad character.
        position: usize,
    },
    /// The base32 text has a length that cannot encode whole bytes.
    InvalidLength,
    /// The secret is longer than [`MAX_SECRET_BYTES`].
    TooLong,
}

impl SecretError {
    /// Stable code, usable as a message name.
    pub fn code(&self) -> &'static str {
        match self {
            SecretError::Empty => "secret_empty",
            SecretError::InvalidCharacter { .. } => "secret_invalid_character",
            SecretError::InvalidLength => "secret_invalid_length",
            SecretError::TooLong => "secret_too_long",
        }
    }
}

impl core::fmt::Display for SecretError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SecretError::Empty => f.write_str("the secret is empty"),
            SecretError::InvalidCharacter { position } => {
                write!(
                    f,
                    "the secret has a character that is not base32 at position {}",
                    position + 1
                )
            }
            SecretError::InvalidLength => {
                f.write_str("the secret has a base32 length that cannot be whole bytes")
            }
            SecretError::TooLong => write!(f, "the secret is longer than {MAX_SECRET_BYTES} bytes"),
        }
    }
}

impl std::error::Error for SecretError {}

impl From<Base32Error> for SecretError {
    fn from(e: Base32Error) -> Self {
        match e {
            Base32Error::InvalidCharacter { position } => {
                SecretError::InvalidCharacter { position }
            }
            Base32Error::InvalidLength => SecretError::InvalidLength,
        }
    }
}

impl Secret {
    /// Wraps raw key bytes. Any non-empty length up to [`MAX_SECRET_BYTES`] is valid: many sites
    /// issue 80-bit secrets, below RFC 4226's recommended 128 bits.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Secret, SecretError> {
        let secret = Secret(bytes);
        if secret.0.is_empty() {
            return Err(SecretError::Empty);
        }
        if secret.0.len() > MAX_SECRET_BYTES {
            return Err(SecretError::TooLong);
        }
        Ok(secret)
    }

    /// Decodes base32 leniently (any case, spaces, hyphens, optional `=` padding).
    pub fn from_base32(text: &str) -> Result<Secret, SecretError> {
        if text.len() > MAX_SECRET_BYTES * 2 {
            return Err(SecretError::TooLong);
        }
        Secret::from_bytes(base32::decode(text)?)
    }

    /// The raw key bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Canonical base32: upper case, no padding.
    pub fn to_base32(&self) -> String {
        base32::encode(&self.0)
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false for a constructed secret; present for API symmetry with `len`.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eighty_bit_secret_is_valid() {
        let s = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(s.len(), 10);
        assert_eq!(s.to_base32(), "JBSWY3DPEHPK3PXP");
    }

    #[test]
    fn errors_do_not_echo_the_secret() {
        let err = Secret::from_base32("JBSWY3DPEHPK3PX!").err().unwrap();
        assert_eq!(err.code(), "secret_invalid_character");
        assert!(!err.to_string().contains("JBSW"));
        assert_eq!(Secret::from_base32("  ").err(), Some(SecretError::Empty));
    }
}
