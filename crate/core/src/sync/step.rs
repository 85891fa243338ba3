//! One sync round: read the set storage holds, merge it with the vault, plan the writes.

use std::collections::BTreeMap;

use zeroize::Zeroizing;

use super::format::{
    self, chunk_tag, compress, encode_records, open_chunk, seal_chunk, Manifest, Slot, SyncKey,
    KEY_PREFIX, MANIFEST_KEY,
};
use super::merge::{apply, differs, merge, state_of, DeviceSeen, Notice, State, SyncConflict};
use super::{SyncError, DEVICE_EXPIRY_MILLIS, MAX_ITEMS, QUOTA_BYTES, QUOTA_BYTES_PER_ITEM};
use crate::vault::{DeviceId, RecordId, Rng, Stamp, Vault};

/// The stamp of every record as this device last synced it (kept by the device between rounds).
pub type Base = BTreeMap<RecordId, Stamp>;

/// A record id whose first byte is below this starts a new chunk: chunk boundaries depend only on
/// the ids, so an edit rewrites one chunk. 4/256: about 64 records per chunk on average.
const BOUNDARY_BELOW: u8 = 4;
/// A device refreshes its "seen" entry in the manifest at most this often when nothing else changes
/// (one day), so two idle devices do not rewrite the manifest in turn.
pub const SEEN_REFRESH_MILLIS: u64 = 24 * 3_600 * 1_000;

/// What storage holds, as read by the caller: every item whose key starts with `~`.
#[derive(Debug, Clone, Default)]
pub struct Remote {
    /// `(key, value)` of each sync item of ours.
    pub items: Vec<(String, String)>,
    /// Bytes used by other items in the same storage (theirs count against the same quota).
    pub other_bytes: usize,
    /// Number of other items.
    pub other_items: usize,
}

impl Remote {
    fn get(&self, key: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Storage writes, in this order: `set` (new chunks, one call), `manifest`, then `remove`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Writes {
    /// New chunk items.
    pub set: Vec<(String, String)>,
    /// The manifest item.
    pub manifest: (String, String),
    /// Chunk items no longer named, removed after the manifest.
    pub remove: Vec<String>,
}

/// Space the planned set takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Bytes as the quota counts them (keys plus JSON text of values), other items included.
    pub bytes: usize,
    /// Items, other items included.
    pub items: usize,
    /// Largest item in bytes.
    pub largest_item: usize,
    /// Live accounts in the set.
    pub accounts: usize,
}

/// What [`step`] decided.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The vault to save, when the merge changed it.
    pub vault: Option<Vault>,
    /// Writes to make, when the set changed and fits.
    pub writes: Option<Writes>,
    /// The merged set does not fit the quotas: nothing is written, the vault keeps everything.
    pub over_quota: bool,
    /// Space of the merged set.
    pub usage: Usage,
    /// The base for the next round (keep it once the writes are done).
    pub base: Base,
    /// Concurrent edits whose value lost.
    pub conflicts: Vec<SyncConflict>,
    /// Accounts kept after a delete elsewhere.
    pub notices: Vec<Notice>,
}

/// A chunk: its compressed plain bytes and its plain bytes (both zeroized on drop).
type Chunk = (Zeroizing<Vec<u8>>, Zeroizing<Vec<u8>>);

/// The set storage holds, opened.
struct Read {
    manifest: Option<Manifest>,
    state: State,
    /// Plain bytes of each current chunk → its key and text, to keep unchanged chunks as they are.
    existing: Vec<(Zeroizing<Vec<u8>>, String, String)>,
}

fn read(remote: &Remote, key: &SyncKey, allow_incomplete: bool) -> Result<Read, SyncError> {
    let Some(text) = remote.get(MANIFEST_KEY) else {
        return Ok(Read {
            manifest: None,
            state: State::new(),
            existing: Vec::new(),
        });
    };
    let manifest = Manifest::open(text, key)?;
    let mut state = State::new();
    let mut existing = Vec::new();
    for (chunk_key, tag) in &manifest.chunks {
        let opened = remote
            .get(chunk_key)
            .ok_or(SyncError::Incomplete)
            .and_then(|t| {
                if chunk_tag(t)? != *tag {
                    return Err(SyncError::Incomplete);
                }
                Ok((open_chunk(key, chunk_key, t)?, t))
            });
        match opened {
            Ok((records, t)) => {
                let refs: Vec<_> = records.iter().collect();
                existing.push((encode_records(&refs), chunk_key.clone(), t.to_owned()));
                for r in records {
                    state.insert(r.id, r);
                }
            }
            Err(_) if allow_incomplete => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Read {
        manifest: Some(manifest),
        state,
        existing,
    })
}

/// Opens only the manifest's slot (to derive the password key for it).
pub fn manifest_slot(remote: &Remote) -> Result<Option<Slot>, SyncError> {
    remote.get(MANIFEST_KEY).map(Manifest::slot_of).transpose()
}

/// Cuts the records into chunks: at ids below [`BOUNDARY_BELOW`], and in halves while a chunk item
/// would exceed the per-item quota. Returns each chunk's compressed plain bytes with its plain bytes.
fn chunk(state: &State) -> Vec<Chunk> {
    let records: Vec<_> = state.values().collect();
    let mut groups: Vec<Vec<_>> = Vec::new();
    for r in records {
        match groups.last_mut() {
            Some(g) if r.id.0[0] >= BOUNDARY_BELOW => g.push(r),
            _ => groups.push(vec![r]),
        }
    }
    let mut out = Vec::new();
    let mut pending: Vec<Vec<_>> = groups.into_iter().rev().collect();
    while let Some(g) = pending.pop() {
        let plain = encode_records(&g);
        let compressed = compress(&plain);
        let len = 4 + 2 + format::chunk_text_len(compressed.len());
        if len > QUOTA_BYTES_PER_ITEM && g.len() > 1 {
            let (a, b) = g.split_at(g.len() / 2);
            pending.push(b.to_vec());
            pending.push(a.to_vec());
        } else {
            out.push((compressed, plain));
        }
    }
    out
}

fn new_chunk_key(taken: &dyn Fn(&str) -> bool, rng: Rng<'_>) -> String {
    const CHARS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    loop {
        let mut b = [0u8; 3];
        rng(&mut b);
        let mut k = String::from(KEY_PREFIX);
        for x in b {
            k.push(char::from(CHARS[usize::from(x) % 36]));
        }
        if !taken(&k) {
            return k;
        }
    }
}

fn item_bytes(key: &str, value: &str) -> usize {
    key.len() + value.len() + 2 // the value's JSON text is the string in quotes (no escapes)
}

/// One sync round. Reads the set in `remote` with `key`, merges it with `vault` against `base`,
/// and plans the writes: chunks whose contents changed get new items; the manifest (with `slot`,
/// this `device` and the time) names the new set; chunks no longer named are removed afterwards.
/// Nothing is written when nothing changed. With `allow_incomplete`, chunks that are missing or do
/// not match are skipped instead of failing with [`SyncError::Incomplete`] (a joined subset is still
/// a correct merge; use it when a set stays incomplete). A manifest sealed under another key is
/// [`SyncError::KeyChanged`].
#[allow(clippy::too_many_arguments)] // One round needs all of them; a struct would only rename them.
pub fn step(
    vault: &Vault,
    key: &SyncKey,
    slot: &Slot,
    remote: &Remote,
    base: &Base,
    device: DeviceId,
    now_millis: u64,
    allow_incomplete: bool,
    rng: Rng<'_>,
) -> Result<Outcome, SyncError> {
    let read = read(remote, key, allow_incomplete)?;
    let devices: Vec<DeviceSeen> = read
        .manifest
        .as_ref()
        .map(|m| m.devices.clone())
        .unwrap_or_default();
    let local = state_of(vault);
    let merged = merge(&local, &read.state, base, &devices, now_millis);
    let new_vault = differs(vault, &merged.state).then(|| apply(vault, &merged.state));

    // Chunks: unchanged contents keep their item.
    let mut chunks: Vec<(String, String, bool)> = Vec::new(); // key, text, is new
    let mut taken: Vec<String> = remote.items.iter().map(|(k, _)| k.clone()).collect();
    taken.push(MANIFEST_KEY.to_owned());
    for (compressed, plain) in chunk(&merged.state) {
        if let Some((_, k, t)) = read.existing.iter().find(|(p, _, _)| **p == *plain) {
            if !chunks.iter().any(|(ck, _, _)| ck == k) {
                chunks.push((k.clone(), t.clone(), false));
                continue;
            }
        }
        let k = new_chunk_key(&|k| taken.iter().any(|t| t == k), rng);
        taken.push(k.clone());
        let text = seal_chunk(key, &k, &compressed, rng);
        chunks.push((k, text, true));
    }

    let mut devices: Vec<DeviceSeen> = devices
        .into_iter()
        .filter(|d| {
            d.device != device && now_millis.saturating_sub(d.seen_millis) < DEVICE_EXPIRY_MILLIS
        })
        .collect();
    let previous_seen = read
        .manifest
        .as_ref()
        .and_then(|m| m.devices.iter().find(|d| d.device == device))
        .map(|d| d.seen_millis);
    devices.push(DeviceSeen {
        device,
        seen_millis: now_millis,
    });
    devices.sort_by_key(|d| d.device);

    let chunk_list: Vec<(String, [u8; format::TAG_PREFIX])> = chunks
        .iter()
        .map(|(k, t, _)| Ok((k.clone(), chunk_tag(t)?)))
        .collect::<Result<_, SyncError>>()?;
    let unchanged = read.manifest.as_ref().is_some_and(|m| {
        m.chunks == chunk_list
            && m.slot == *slot
            && previous_seen.is_some_and(|s| now_millis.saturating_sub(s) < SEEN_REFRESH_MILLIS)
    });
    let manifest = Manifest {
        slot: slot.clone(),
        generation: read.manifest.as_ref().map_or(0, |m| m.generation + 1),
        chunks: chunk_list,
        devices,
    };
    let manifest_text = manifest.seal(key, rng);

    let mut usage = Usage {
        bytes: remote.other_bytes + item_bytes(MANIFEST_KEY, &manifest_text),
        items: remote.other_items + 1 + chunks.len(),
        largest_item: item_bytes(MANIFEST_KEY, &manifest_text),
        accounts: merged
            .state
            .values()
            .filter(|r| matches!(r.entry, super::SyncEntry::Account { .. }))
            .count(),
    };
    for (k, t, _) in &chunks {
        let b = item_bytes(k, t);
        usage.bytes += b;
        usage.largest_item = usage.largest_item.max(b);
    }
    let over_quota = usage.bytes > QUOTA_BYTES
        || usage.items > MAX_ITEMS
        || usage.largest_item > QUOTA_BYTES_PER_ITEM;

    let writes = (!unchanged && !over_quota).then(|| Writes {
        set: chunks
            .iter()
            .filter(|(_, _, new)| *new)
            .map(|(k, t, _)| (k.clone(), t.clone()))
            .collect(),
        manifest: (MANIFEST_KEY.to_owned(), manifest_text),
        remove: remote
            .items
            .iter()
            .map(|(k, _)| k)
            .filter(|k| *k != MANIFEST_KEY && !chunks.iter().any(|(c, _, _)| c == *k))
            .cloned()
            .collect(),
    });
    let base = merged.state.values().map(|r| (r.id, r.stamp)).collect();
    Ok(Outcome {
        vault: new_vault,
        writes,
        over_quota,
        usage,
        base,
        conflicts: merged.conflicts,
        notices: merged.notices,
    })
}
