/// Why sync data could not be read or written. No variant carries a secret or a label.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyncError {
    /// Wrong key or password, or changed data: AES-GCM refused (one opaque error for both).
    Decrypt,
    /// The manifest is sealed under another sync key (the password was changed on another device):
    /// the sync password must be entered again.
    KeyChanged,
    /// The manifest names a chunk that is missing or does not match: another device is halfway
    /// through a write. Nothing was merged; try again later.
    Incomplete,
    /// Bytes that are not what this build writes.
    Malformed {
        /// What was wrong (never data).
        reason: &'static str,
    },
    /// A newer format than this build reads.
    UnsupportedVersion {
        /// The version found.
        found: u8,
    },
    /// The PBKDF2 parameters or a key have an unusable size.
    InvalidKey,
}

impl SyncError {
    /// Stable code, usable as a message name (`err_<code>` in the extension).
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::Decrypt => "sync_decrypt",
            SyncError::KeyChanged => "sync_key_changed",
            SyncError::Incomplete => "sync_incomplete",
            SyncError::Malformed { .. } => "sync_malformed",
            SyncError::UnsupportedVersion { .. } => "sync_unsupported_version",
            SyncError::InvalidKey => "sync_invalid_key",
        }
    }
}

impl core::fmt::Display for SyncError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SyncError::Decrypt => f.write_str("sync data could not be decrypted"),
            SyncError::KeyChanged => f.write_str("the sync password was changed on another device"),
            SyncError::Incomplete => f.write_str("the synced set is being written; try again"),
            SyncError::Malformed { reason } => write!(f, "malformed sync data: {reason}"),
            SyncError::UnsupportedVersion { found } => {
                write!(
                    f,
                    "sync format version {found} is newer than this version reads"
                )
            }
            SyncError::InvalidKey => f.write_str("invalid sync key or key parameters"),
        }
    }
}

impl std::error::Error for SyncError {}
