//! The one error type of the vault.

/// Which versioned part of a vault was newer than this build understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionedPart {
    /// The container format (the `u16` after the magic).
    Format,
    /// The encrypted body (its first varint).
    Body,
}

impl VersionedPart {
    fn name(self) -> &'static str {
        match self {
            VersionedPart::Format => "format",
            VersionedPart::Body => "body",
        }
    }
}

/// An error from the storage behind [`crate::vault::store::Store`]. The message comes from the host
/// (for example a browser storage error) and is shown as is; the vault never puts data in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    /// What the storage said.
    pub message: String,
}

impl StoreError {
    /// A storage error with a message.
    pub fn new(message: impl Into<String>) -> StoreError {
        StoreError {
            message: message.into(),
        }
    }
}

impl core::fmt::Display for StoreError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "storage error: {}", self.message)
    }
}

impl std::error::Error for StoreError {}

/// Why a vault could not be read, opened, sealed or stored.
///
/// Messages and fields never hold a password, a key, a secret or any other decrypted value: the
/// `reason` and `what` strings are fixed texts of this crate. A wrong password, a wrong key and any
/// change to sealed data or an authentication tag all give the same [`VaultError::Decrypt`], so an
/// attacker learns nothing from which check failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VaultError {
    /// The bytes do not start with the vault magic `TSRVAULT`.
    NotAVault,
    /// The format or body version is newer than this build reads. Never read as an older version.
    UnsupportedVersion {
        /// The container format or the body.
        part: VersionedPart,
        /// The version found.
        found: u64,
        /// The newest version this build reads.
        supported: u64,
    },
    /// The data ends before the header or the body it announces.
    Truncated,
    /// The structure is invalid: a length that does not add up, an unknown enum value, trailing
    /// bytes, a duplicate id. `reason` is a fixed text naming the field.
    Malformed {
        /// Fixed text naming what is wrong.
        reason: &'static str,
    },
    /// A size or count exceeds one of the read limits in [`crate::vault`] (`MAX_…`).
    TooLarge {
        /// Fixed text naming the limit.
        what: &'static str,
    },
    /// PBKDF2 iterations outside [`crate::vault::MIN_PBKDF2_ITERATIONS`]..=
    /// [`crate::vault::MAX_PBKDF2_ITERATIONS`]: refused before any work is done.
    IterationsOutOfRange {
        /// The iteration count found or requested.
        iterations: u32,
    },
    /// A salt shorter than [`crate::vault::MIN_SALT_BYTES`] or longer than
    /// [`crate::vault::MAX_SALT_BYTES`].
    SaltLength {
        /// The salt length in bytes.
        len: usize,
    },
    /// A key slot of a kind this build does not know.
    UnsupportedSlot {
        /// The slot kind byte.
        kind: u8,
    },
    /// A password slot with a key derivation function this build does not know.
    UnsupportedKdf {
        /// The KDF id byte.
        id: u8,
    },
    /// A key was opened with a password-derived key, but the vault has no password slot.
    NoPasswordSlot,
    /// The vault is protected by a password and cannot be opened without it.
    PasswordRequired,
    /// Wrong password or key, or the sealed data was changed or damaged. Deliberately opaque.
    Decrypt,
    /// Key bytes of the wrong length were given (keys are 32 bytes).
    InvalidKeyLength,
    /// A record cannot be sealed: `index` is its position in `Vault::records`, `reason` a fixed
    /// text (an invalid account, a duplicate id, an empty site).
    InvalidRecord {
        /// Position of the record.
        index: usize,
        /// Fixed text naming the problem.
        reason: &'static str,
    },
    /// A setting cannot be sealed (an empty key, or a key or value over its size limit).
    InvalidSetting,
    /// The store holds no complete vault generation.
    NotFound,
    /// The store failed.
    Store(StoreError),
}

impl VaultError {
    /// Stable code, usable as a message name: `vault_` followed by `[a-z0-9_]`.
    pub fn code(&self) -> &'static str {
        match self {
            VaultError::NotAVault => "vault_not_a_vault",
            VaultError::UnsupportedVersion { .. } => "vault_unsupported_version",
            VaultError::Truncated => "vault_truncated",
            VaultError::Malformed { .. } => "vault_malformed",
            VaultError::TooLarge { .. } => "vault_too_large",
            VaultError::IterationsOutOfRange { .. } => "vault_iterations_out_of_range",
            VaultError::SaltLength { .. } => "vault_salt_length",
            VaultError::UnsupportedSlot { .. } => "vault_unsupported_slot",
            VaultError::UnsupportedKdf { .. } => "vault_unsupported_kdf",
            VaultError::NoPasswordSlot => "vault_no_password_slot",
            VaultError::PasswordRequired => "vault_password_required",
            VaultError::Decrypt => "vault_decrypt",
            VaultError::InvalidKeyLength => "vault_invalid_key_length",
            VaultError::InvalidRecord { .. } => "vault_invalid_record",
            VaultError::InvalidSetting => "vault_invalid_setting",
            VaultError::NotFound => "vault_not_found",
            VaultError::Store(_) => "vault_store",
        }
    }
}

impl core::fmt::Display for VaultError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        use crate::vault::{
            MAX_PBKDF2_ITERATIONS, MAX_SALT_BYTES, MIN_PBKDF2_ITERATIONS, MIN_SALT_BYTES,
        };
        match self {
            VaultError::NotAVault => f.write_str("this is not a Tessera vault"),
            VaultError::UnsupportedVersion { part, found, supported } => write!(
                f,
                "the vault {} version {found} is newer than this version of Tessera reads (up to {supported}); update Tessera",
                part.name()
            ),
            VaultError::Truncated => f.write_str("the vault is truncated"),
            VaultError::Malformed { reason } => write!(f, "the vault is malformed: {reason}"),
            VaultError::TooLarge { what } => write!(f, "the vault exceeds a size limit: {what}"),
            VaultError::IterationsOutOfRange { iterations } => write!(
                f,
                "PBKDF2 iterations {iterations} are outside {MIN_PBKDF2_ITERATIONS}..={MAX_PBKDF2_ITERATIONS}"
            ),
            VaultError::SaltLength { len } => {
                write!(f, "a salt of {len} bytes is outside {MIN_SALT_BYTES}..={MAX_SALT_BYTES} bytes")
            }
            VaultError::UnsupportedSlot { kind } => write!(f, "unknown key slot kind {kind}"),
            VaultError::UnsupportedKdf { id } => write!(f, "unknown key derivation function {id}"),
            VaultError::NoPasswordSlot => f.write_str("the vault has no password"),
            VaultError::PasswordRequired => f.write_str("the vault is protected by a password"),
            VaultError::Decrypt => f.write_str("wrong password, or the vault is damaged"),
            VaultError::InvalidKeyLength => f.write_str("a key must be 32 bytes"),
            VaultError::InvalidRecord { index, reason } => write!(f, "record {index} cannot be saved: {reason}"),
            VaultError::InvalidSetting => f.write_str("a setting has an empty or too long key, or a too long value"),
            VaultError::NotFound => f.write_str("no vault was found in storage"),
            VaultError::Store(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for VaultError {}

impl From<StoreError> for VaultError {
    fn from(e: StoreError) -> Self {
        VaultError::Store(e)
    }
}
