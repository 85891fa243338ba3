//! Sync through the browser's sync storage (`chrome.storage.sync`, Firefox `browser.storage.sync`):
//! a merge of vaults that never loses an account, and a sealed, chunked format that fits its quotas.
//! The format is byte-exact in `docs/sync-format.md`.
//!
//! # Merging
//!
//! Each device's vault records ([`crate::vault::Record`]: stable id, hybrid-logical-clock stamp,
//! account or tombstone) become a [`State`]. [`join`] merges two states record by record: the later
//! stamp wins, HOTP counters take the maximum. It is commutative, associative and idempotent, so
//! devices that exchange states in any order and any number of times agree. [`normalize`] then
//! folds the same account (same type and secret) held under two ids into the lower id; [`collect`]
//! drops tombstones older than [`TOMBSTONE_RETENTION_MILLIS`] once every device has merged them.
//! [`merge`] does all three and reports, against what this device last synced (its [`Base`]), every
//! concurrent edit whose value lost ([`SyncConflict`]) and every account kept because it was edited
//! after another device deleted it ([`Notice`]).
//!
//! # Storage
//!
//! The state is cut into chunks by record id ([`format`]), each compressed with raw DEFLATE, sealed
//! with AES-256-GCM under a random 256-bit sync key and written as text in the densest alphabet
//! `storage.sync` stores at one byte per character. A small manifest item, written last, names the
//! current chunks (with a prefix of each chunk's tag), lists the devices and how far each has
//! merged, and carries a password slot wrapping the sync key. [`step`] reads what storage holds,
//! merges, and plans the writes: new chunks, then the manifest, then removal of chunks no longer
//! named.
//!
//! # Purity
//!
//! No clock, no randomness, no I/O: time is an argument, randomness an [`Rng`] closure, storage a
//! list of `(key, value)` strings the caller read and will write.

mod error;
pub mod format;
mod merge;
mod step;

pub use error::SyncError;
pub use format::{Manifest, Slot, SyncKey, MANIFEST_KEY};
pub use merge::{
    collect, join, join_record, merge, normalize, state_of, DeviceSeen, MergeResult, Notice, State,
    SyncConflict, SyncEntry, SyncRecord,
};
pub use step::{manifest_slot, step, Base, Outcome, Remote, Usage, Writes, SEEN_REFRESH_MILLIS};

use crate::vault::Rng;

/// `storage.sync` quota: bytes of all items (each key plus its value's JSON text).
pub const QUOTA_BYTES: usize = 102_400;
/// `storage.sync` quota: bytes of one item, key included.
pub const QUOTA_BYTES_PER_ITEM: usize = 8_192;
/// `storage.sync` quota: number of items.
pub const MAX_ITEMS: usize = 512;
/// How long a tombstone is kept at least (30 days), and then only until every device has merged it.
pub const TOMBSTONE_RETENTION_MILLIS: u64 = 30 * 24 * 3_600 * 1_000;
/// A device that has not merged for this long (180 days) no longer holds tombstones back.
pub const DEVICE_EXPIRY_MILLIS: u64 = 180 * 24 * 3_600 * 1_000;

/// Draws `n` bytes (internal helper for nonces and keys).
fn random<const N: usize>(rng: Rng<'_>) -> [u8; N] {
    let mut b = [0u8; N];
    rng(&mut b);
    b
}
