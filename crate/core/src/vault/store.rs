//! Crash-safe generations in a key/value store (the browser's `storage.local`, a directory, a map).
//!
//! # Protocol
//!
//! Keys: `vault.current` (the **pointer**: the current generation number as 8 bytes big-endian) and
//! `vault.<n>` (**generation** `n`, decimal without leading zeros: a complete sealed vault).
//!
//! [`save`] writes, in this order: (1) the new generation `vault.<n+1>`, where `n` is the highest
//! generation number present or pointed to; (2) the pointer; (3) only then it removes every other
//! generation. [`load`] reads the pointer's generation; when the pointer is missing or unreadable or
//! names a missing or incomplete generation, it falls back to the newest complete generation.
//! "Complete" means the header parses and the length is exact (see `header::parse`), which needs no
//! key; a vault of a newer version counts as complete, so it is never skipped in favour of an older
//! one (no silent downgrade).
//!
//! Stopped after any prefix of these writes, the store holds the old vault (steps 1 done, 2 not:
//! the pointer still names it) or the new one (step 2 done), never neither; a half-written value
//! (a torn write) is incomplete and skipped. Generations left by an interrupted step 3 are removed
//! by the next [`save`] or by [`tidy`], which a host calls after every successful open so that no
//! unprotected copy survives a password being set.
//!
//! # Synchronous and asynchronous hosts
//!
//! [`save`], [`load`] and [`tidy`] drive a synchronous [`Store`] (the CLI, tests). A host whose
//! storage is asynchronous (the extension's `chrome.storage`) does the I/O itself and asks the pure
//! functions they are built on what to do: [`plan_save`] (the three steps and their order),
//! [`select_current`] (which generation to open) and [`plan_tidy`] (what to remove). The protocol
//! therefore lives here once, and the interrupted-save tests cover it.

use super::error::{StoreError, VaultError};
use super::header;

/// The pointer key.
pub const POINTER_KEY: &str = "vault.current";
/// The prefix of generation keys.
pub const GENERATION_PREFIX: &str = "vault.";

/// A key/value store of byte strings. Each `put` must replace the whole value or fail (it may leave
/// a truncated value behind: the protocol tolerates torn writes).
pub trait Store {
    /// The value under `key`, if any.
    fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Stores `value` under `key`.
    fn put(&mut self, key: &str, value: &[u8]) -> Result<(), StoreError>;
    /// Removes `key` (no error if it is absent).
    fn remove(&mut self, key: &str) -> Result<(), StoreError>;
    /// All keys present.
    fn keys(&mut self) -> Result<Vec<String>, StoreError>;
}

/// The key of generation `n`.
pub fn generation_key(n: u64) -> String {
    format!("{GENERATION_PREFIX}{n}")
}

/// The generation number of a generation key (`vault.7` → 7); `None` for other keys.
pub fn parse_generation_key(key: &str) -> Option<u64> {
    let digits = key.strip_prefix(GENERATION_PREFIX)?;
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if canonical {
        digits.parse().ok()
    } else {
        None
    }
}

/// The generation number a pointer value names (8 bytes big-endian); `None` when missing or torn.
pub fn pointer_generation(value: Option<&[u8]>) -> Option<u64> {
    value
        .and_then(|v| <[u8; 8]>::try_from(v).ok())
        .map(u64::from_be_bytes)
}

/// Whether a stored value is a complete vault: its header parses and its length is exact (no key
/// needed). A vault of a newer version counts as complete, so it is never passed over.
pub fn is_complete(sealed: &[u8]) -> bool {
    matches!(
        header::parse(sealed),
        Ok(_) | Err(VaultError::UnsupportedVersion { .. })
    )
}

/// The generation [`select_current`] chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selected {
    /// Its number.
    pub generation: u64,
    /// Its position in the `entries` given.
    pub index: usize,
    /// False when the pointer was missing, torn or named an incomplete generation, and this is the
    /// newest complete generation instead.
    pub from_pointer: bool,
}

/// Chooses the current vault among stored entries (key, value), given the pointer's value: the
/// pointer's generation if it is complete, else the newest complete generation. Entries whose key
/// is not a generation key are ignored. For hosts whose storage is asynchronous (the browser):
/// read the pointer and the entries, call this, then open `entries[index]`.
pub fn select_current(pointer_value: Option<&[u8]>, entries: &[(&str, &[u8])]) -> Option<Selected> {
    let complete: Vec<(u64, usize)> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, (k, v))| Some((parse_generation_key(k)?, i)).filter(|_| is_complete(v)))
        .collect();
    if let Some(p) = pointer_generation(pointer_value) {
        if let Some(&(generation, index)) = complete.iter().find(|(g, _)| *g == p) {
            return Some(Selected {
                generation,
                index,
                from_pointer: true,
            });
        }
    }
    complete.iter().max().map(|&(generation, index)| Selected {
        generation,
        index,
        from_pointer: false,
    })
}

/// The writes of one save, to be done strictly in this order, each finished before the next
/// starts: put [`SavePlan::generation_key`], put [`POINTER_KEY`] = [`SavePlan::pointer_value`],
/// then remove every key of [`SavePlan::remove_after`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavePlan {
    /// The new generation's number.
    pub generation: u64,
    /// Its key, `vault.<generation>`.
    pub generation_key: String,
    /// The pointer's new value.
    pub pointer_value: [u8; 8],
    /// Every other generation key present, to remove once the pointer is written.
    pub remove_after: Vec<String>,
}

/// Plans a save given the keys present and the pointer's value: the new generation is one above
/// the highest present or pointed to.
pub fn plan_save(keys: &[&str], pointer_value: Option<&[u8]>) -> Result<SavePlan, VaultError> {
    let existing: Vec<u64> = keys
        .iter()
        .filter_map(|k| parse_generation_key(k))
        .collect();
    let newest = existing
        .iter()
        .copied()
        .chain(pointer_generation(pointer_value))
        .max();
    let generation = match newest {
        Some(n) => n.checked_add(1).ok_or(VaultError::Malformed {
            reason: "generation number overflow",
        })?,
        None => 1,
    };
    let mut remove_after: Vec<String> = existing.into_iter().map(generation_key).collect();
    remove_after.sort();
    Ok(SavePlan {
        generation,
        generation_key: generation_key(generation),
        pointer_value: generation.to_be_bytes(),
        remove_after,
    })
}

/// The keys to remove to finish an interrupted save: every generation but the pointer's, when the
/// pointer names a complete generation; nothing otherwise (the next save repairs the pointer).
pub fn plan_tidy(pointer_value: Option<&[u8]>, entries: &[(&str, &[u8])]) -> Vec<String> {
    match select_current(pointer_value, entries) {
        Some(s) if s.from_pointer => entries
            .iter()
            .filter_map(|(k, _)| parse_generation_key(k))
            .filter(|g| *g != s.generation)
            .map(generation_key)
            .collect(),
        _ => Vec::new(),
    }
}

/// The pointer's value and every generation entry, as read from a store.
struct Snapshot {
    pointer: Option<Vec<u8>>,
    entries: Vec<(String, Vec<u8>)>,
}

impl Snapshot {
    fn read(store: &mut dyn Store) -> Result<Snapshot, StoreError> {
        let pointer = store.get(POINTER_KEY)?;
        let mut entries = Vec::new();
        for key in store.keys()? {
            if parse_generation_key(&key).is_some() {
                if let Some(v) = store.get(&key)? {
                    entries.push((key, v));
                }
            }
        }
        Ok(Snapshot { pointer, entries })
    }

    fn borrowed(&self) -> Vec<(&str, &[u8])> {
        self.entries
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_slice()))
            .collect()
    }
}

/// A generation read by [`load`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// Its number.
    pub generation: u64,
    /// The sealed vault.
    pub sealed: Vec<u8>,
    /// False when the pointer was missing, unreadable or named an incomplete generation, and this
    /// is the newest complete one instead.
    pub from_pointer: bool,
}

/// Reads the current vault ([`select_current`]). [`VaultError::NotFound`] if there is none.
pub fn load(store: &mut dyn Store) -> Result<Loaded, VaultError> {
    let mut snap = Snapshot::read(store)?;
    let s =
        select_current(snap.pointer.as_deref(), &snap.borrowed()).ok_or(VaultError::NotFound)?;
    let (_, sealed) = snap.entries.swap_remove(s.index);
    Ok(Loaded {
        generation: s.generation,
        sealed,
        from_pointer: s.from_pointer,
    })
}

/// Saves `sealed` as a new generation following [`plan_save`]: new generation, pointer, then
/// removal of every other generation. Returns the new generation number. Refuses bytes that are
/// not a complete vault.
pub fn save(store: &mut dyn Store, sealed: &[u8]) -> Result<u64, VaultError> {
    header::parse(sealed)?;
    let keys = store.keys()?;
    let pointer = store.get(POINTER_KEY)?;
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let plan = plan_save(&keys, pointer.as_deref())?;
    store.put(&plan.generation_key, sealed)?;
    store.put(POINTER_KEY, &plan.pointer_value)?;
    for key in &plan.remove_after {
        store.remove(key)?;
    }
    Ok(plan.generation)
}

/// Finishes an interrupted [`save`] ([`plan_tidy`]); a host calls it after every successful open,
/// so that no older copy (perhaps without a password) outlives an interrupted save. Returns how
/// many generations were removed.
pub fn tidy(store: &mut dyn Store) -> Result<usize, VaultError> {
    let snap = Snapshot::read(store)?;
    let remove = plan_tidy(snap.pointer.as_deref(), &snap.borrowed());
    for key in &remove {
        store.remove(key)?;
    }
    Ok(remove.len())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests may unwrap.
mod tests {
    use super::*;

    #[test]
    fn save_plans_number_past_everything_and_remove_the_rest() {
        let plan = plan_save(
            &["vault.2", "vault.current", "other", "vault.10", "vault.010"],
            Some(&11u64.to_be_bytes()),
        )
        .unwrap();
        assert_eq!(plan.generation, 12);
        assert_eq!(plan.generation_key, "vault.12");
        assert_eq!(plan.pointer_value, [0, 0, 0, 0, 0, 0, 0, 12]);
        assert_eq!(plan.remove_after, ["vault.10", "vault.2"]);
        assert_eq!(plan_save(&[], None).unwrap().generation, 1);
        assert_eq!(
            plan_save(&[], Some(&[1, 2])).unwrap().generation,
            1,
            "a torn pointer counts as none"
        );
        assert!(plan_save(&["vault.18446744073709551615"], None).is_err());
    }

    #[test]
    fn generation_keys_are_canonical() {
        assert_eq!(generation_key(7), "vault.7");
        assert_eq!(parse_generation_key("vault.7"), Some(7));
        assert_eq!(parse_generation_key("vault.0"), Some(0));
        for other in [
            "vault.current",
            "vault.",
            "vault.07",
            "vault.+7",
            "vault.7a",
            "vault.99999999999999999999",
            "x.7",
        ] {
            assert_eq!(parse_generation_key(other), None, "{other}");
        }
    }
}
