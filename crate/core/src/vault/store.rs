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

fn read_pointer(store: &mut dyn Store) -> Result<Option<u64>, StoreError> {
    Ok(store
        .get(POINTER_KEY)?
        .and_then(|v| <[u8; 8]>::try_from(v.as_slice()).ok())
        .map(u64::from_be_bytes))
}

fn complete(sealed: &[u8]) -> bool {
    matches!(
        header::parse(sealed),
        Ok(_) | Err(VaultError::UnsupportedVersion { .. })
    )
}

fn generations(store: &mut dyn Store) -> Result<Vec<u64>, StoreError> {
    let mut g: Vec<u64> = store
        .keys()?
        .iter()
        .filter_map(|k| parse_generation_key(k))
        .collect();
    g.sort_unstable();
    Ok(g)
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

/// Reads the current vault: the pointer's generation, or else the newest complete one.
/// [`VaultError::NotFound`] if there is none.
pub fn load(store: &mut dyn Store) -> Result<Loaded, VaultError> {
    if let Some(n) = read_pointer(store)? {
        if let Some(sealed) = store.get(&generation_key(n))? {
            if complete(&sealed) {
                return Ok(Loaded {
                    generation: n,
                    sealed,
                    from_pointer: true,
                });
            }
        }
    }
    for n in generations(store)?.into_iter().rev() {
        if let Some(sealed) = store.get(&generation_key(n))? {
            if complete(&sealed) {
                return Ok(Loaded {
                    generation: n,
                    sealed,
                    from_pointer: false,
                });
            }
        }
    }
    Err(VaultError::NotFound)
}

/// Saves `sealed` as a new generation, switches the pointer to it, then removes every other
/// generation. Returns the new generation number. Refuses bytes that are not a complete vault.
pub fn save(store: &mut dyn Store, sealed: &[u8]) -> Result<u64, VaultError> {
    header::parse(sealed)?;
    let existing = generations(store)?;
    let pointer = read_pointer(store)?;
    let newest = existing.last().copied().into_iter().chain(pointer).max();
    let next = match newest {
        Some(n) => n.checked_add(1).ok_or(VaultError::Malformed {
            reason: "generation number overflow",
        })?,
        None => 1,
    };
    store.put(&generation_key(next), sealed)?;
    store.put(POINTER_KEY, &next.to_be_bytes())?;
    for n in existing {
        store.remove(&generation_key(n))?;
    }
    Ok(next)
}

/// Finishes an interrupted [`save`]: when the pointer names a complete generation, removes every
/// other generation (older copies, perhaps without a password, and unfinished newer ones). Does
/// nothing when the pointer is not usable (the next [`save`] repairs it). Returns how many
/// generations were removed.
pub fn tidy(store: &mut dyn Store) -> Result<usize, VaultError> {
    let Some(current) = read_pointer(store)? else {
        return Ok(0);
    };
    match store.get(&generation_key(current))? {
        Some(sealed) if complete(&sealed) => {}
        _ => return Ok(0),
    }
    let mut removed = 0;
    for n in generations(store)? {
        if n != current {
            store.remove(&generation_key(n))?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests may unwrap.
mod tests {
    use super::*;

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
