//! The shared secret of an account.

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::base32::{self, Base32Error};

/// Largest secret accepted, in bytes. HMAC keys longer than a block are hashed anyway; 1 KiB is
/// far above any real issuer and keeps hostile inputs small.
pub const MAX_SECRET_BYTES: usize = 1024;

/// Shortest secret [`Secret::generate`] makes: 128 bits, RFC 4226 section 4 requirement R6.
/// (Existing secrets may be shorter; many sites issue 80-bit ones.)
pub const MIN_GENERATED_BYTES: usize = 16;

/// Length of a generated secret when none is given: 160 bits, RFC 4226 section 4's recommendation
/// (and the HMAC-SHA1 output size).
pub const DEFAULT_GENERATED_BYTES: usize = 20;

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
    /// A secret to generate is shorter than [`MIN_GENERATED_BYTES`].
    TooShort,
}

impl SecretError {
    /// Stable code, usable as a message name.
    pub fn code(&self) -> &'static str {
        match self {
            SecretError::Empty => "secret_empty",
            SecretError::InvalidCharacter { .. } => "secret_invalid_character",
            SecretError::InvalidLength => "secret_invalid_length",
            SecretError::TooLong => "secret_too_long",
            SecretError::TooShort => "secret_too_short",
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
            SecretError::TooShort => write!(
                f,
                "a new secret must be at least {MIN_GENERATED_BYTES} bytes"
            ),
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

    /// A new secret of `len` bytes (from [`MIN_GENERATED_BYTES`] to [`MAX_SECRET_BYTES`]) filled by
    /// `rng`, which the caller backs with the system's random number generator.
    pub fn generate(len: usize, rng: &mut dyn FnMut(&mut [u8])) -> Result<Secret, SecretError> {
        if len < MIN_GENERATED_BYTES {
            return Err(SecretError::TooShort);
        }
        if len > MAX_SECRET_BYTES {
            return Err(SecretError::TooLong);
        }
        let mut secret = Secret(vec![0; len]);
        rng(&mut secret.0);
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

    #[test]
    fn generate_fills_the_requested_length_within_bounds() {
        let mut next = 0u8;
        let mut counting = |buf: &mut [u8]| {
            for b in buf {
                *b = next;
                next = next.wrapping_add(1);
            }
        };
        let s = Secret::generate(20, &mut counting).unwrap();
        assert_eq!(s.expose(), (0u8..20).collect::<Vec<_>>().as_slice());
        assert_eq!(
            Secret::generate(MIN_GENERATED_BYTES - 1, &mut counting).err(),
            Some(SecretError::TooShort)
        );
        assert_eq!(
            Secret::generate(MAX_SECRET_BYTES + 1, &mut counting).err(),
            Some(SecretError::TooLong)
        );
        assert_eq!(
            Secret::generate(MAX_SECRET_BYTES, &mut counting)
                .unwrap()
                .len(),
            MAX_SECRET_BYTES
        );
    }
}
