//! Google Authenticator "Transfer accounts" (`otpauth-migration://offline?data=…`).
//!
//! CONTRACT (bodies to be written): `decode` and `encode` keep these signatures.

use crate::account::Account;

/// Why a migration URI could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MigrationError {
    /// Not an `otpauth-migration://offline?data=…` URI.
    NotMigration,
}

impl MigrationError {
    /// Stable code, usable as a message name.
    pub fn code(&self) -> &'static str {
        match self {
            MigrationError::NotMigration => "migration_not_migration",
        }
    }
}

impl core::fmt::Display for MigrationError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            MigrationError::NotMigration => f.write_str("not an otpauth-migration:// URI"),
        }
    }
}

impl std::error::Error for MigrationError {}

/// An entry that was not imported or exported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Zero-based position of the entry in its payload or input list.
    pub index: usize,
    /// Issuer of the entry, as far as known.
    pub issuer: String,
    /// Account name of the entry, as far as known.
    pub name: String,
    /// Stable reason code, usable as a message name (e.g. `migration_unsupported_algorithm`).
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

/// Decodes one `otpauth-migration://offline?data=…` URI.
pub fn decode(_uri: &str) -> Result<Decoded, MigrationError> {
    Err(MigrationError::NotMigration)
}

/// Encodes accounts into one or more migration URIs sharing `batch_id`.
pub fn encode(_accounts: &[Account], _batch_id: i32) -> Encoded {
    Encoded::default()
}
