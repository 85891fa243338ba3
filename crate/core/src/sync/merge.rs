//! Merging device states: a join semilattice per record, then same-account folding and tombstone
//! collection.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::account::{Account, OtpType};
use crate::otp::Algorithm;
use crate::vault::{same_account, Details, DeviceId, Entry, RecordId, Stamp, Vault};

use super::{DEVICE_EXPIRY_MILLIS, TOMBSTONE_RETENTION_MILLIS};

/// What a synced record holds.
#[derive(Clone, PartialEq, Eq)]
pub enum SyncEntry {
    /// A live account and its sites.
    Account {
        /// The account.
        account: Account,
        /// Sites it fills into.
        sites: Vec<String>,
    },
    /// A tombstone.
    Deleted {
        /// When it was deleted (Unix milliseconds).
        at_millis: u64,
        /// The highest HOTP counter any version of the record had (0 for TOTP).
        counter: u64,
        /// When the record was folded into another record holding the same account: that record.
        into: Option<RecordId>,
    },
}

/// One record as sync stores it.
#[derive(Clone, PartialEq, Eq)]
pub struct SyncRecord {
    /// The vault's stable id.
    pub id: RecordId,
    /// Last change.
    pub stamp: Stamp,
    /// Account or tombstone.
    pub entry: SyncEntry,
}

impl core::fmt::Debug for SyncRecord {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Labels and secrets stay out of Debug output.
        let kind = match self.entry {
            SyncEntry::Account { .. } => "account",
            SyncEntry::Deleted { .. } => "deleted",
        };
        write!(f, "SyncRecord({}, {:?}, {kind})", self.id, self.stamp)
    }
}

/// Every record, by id.
pub type State = BTreeMap<RecordId, SyncRecord>;

/// A device and the newest stamp it has merged (from the manifest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceSeen {
    /// The device.
    pub device: DeviceId,
    /// Milliseconds of the newest stamp in the state it last merged and wrote.
    pub seen_millis: u64,
}

/// Two devices changed one account since this device last synced, and one value lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncConflict {
    /// The record kept.
    pub id: RecordId,
    /// The details kept.
    pub kept: Details,
    /// The details that lost (the later stamp won, or the copy folded into `id`).
    pub other: Details,
    /// Stamp of the losing value.
    pub other_stamp: Stamp,
}

/// Something the merge did that the user should hear about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Notice {
    /// The account was deleted on one device and edited later on another: it was kept.
    KeptAfterDelete {
        /// The account.
        id: RecordId,
    },
}

/// What [`merge`] returns.
#[derive(Debug, Clone, Default)]
pub struct MergeResult {
    /// The merged state.
    pub state: State,
    /// Concurrent edits whose value lost, for the user to review.
    pub conflicts: Vec<SyncConflict>,
    /// Accounts kept after a delete elsewhere.
    pub notices: Vec<Notice>,
}

fn algorithm_rank(a: Algorithm) -> u8 {
    match a {
        Algorithm::Sha1 => 0,
        Algorithm::Sha256 => 1,
        Algorithm::Sha512 => 2,
    }
}

pub(crate) fn type_rank(t: OtpType) -> u8 {
    match t {
        OtpType::Totp => 0,
        OtpType::Hotp => 1,
        OtpType::Steam => 2,
    }
}

fn counter_of(e: &SyncEntry) -> u64 {
    match e {
        SyncEntry::Account { account, .. } => account.counter,
        SyncEntry::Deleted { counter, .. } => *counter,
    }
}

fn set_counter(e: &mut SyncEntry, value: u64) {
    match e {
        SyncEntry::Account { account, .. } => account.counter = value,
        SyncEntry::Deleted { counter, .. } => *counter = value,
    }
}

/// Total order of versions of one record, the counter left out: stamp first; at equal stamps an
/// account above a tombstone (keeping beats losing), then the contents.
fn version_order(a: &SyncRecord, b: &SyncRecord) -> Ordering {
    a.stamp
        .cmp(&b.stamp)
        .then_with(|| match (&a.entry, &b.entry) {
            (SyncEntry::Account { .. }, SyncEntry::Deleted { .. }) => Ordering::Greater,
            (SyncEntry::Deleted { .. }, SyncEntry::Account { .. }) => Ordering::Less,
            (
                SyncEntry::Account {
                    account: x,
                    sites: sx,
                },
                SyncEntry::Account {
                    account: y,
                    sites: sy,
                },
            ) => (
                type_rank(x.otp_type),
                x.secret.expose(),
                &x.issuer,
                &x.name,
                algorithm_rank(x.algorithm),
                x.digits,
                x.period,
                sx,
            )
                .cmp(&(
                    type_rank(y.otp_type),
                    y.secret.expose(),
                    &y.issuer,
                    &y.name,
                    algorithm_rank(y.algorithm),
                    y.digits,
                    y.period,
                    sy,
                )),
            (
                SyncEntry::Deleted {
                    at_millis: ax,
                    into: ix,
                    ..
                },
                SyncEntry::Deleted {
                    at_millis: ay,
                    into: iy,
                    ..
                },
            ) => (ax, ix).cmp(&(ay, iy)),
        })
}

/// Joins two versions of one record: the greater version (later stamp) with the higher counter.
pub fn join_record(a: &SyncRecord, b: &SyncRecord) -> SyncRecord {
    let counter = counter_of(&a.entry).max(counter_of(&b.entry));
    let mut out = if version_order(a, b) == Ordering::Less {
        b.clone()
    } else {
        a.clone()
    };
    set_counter(&mut out.entry, counter);
    out
}

/// Joins two states record by record. Commutative, associative and idempotent.
pub fn join(a: &State, b: &State) -> State {
    let mut out = a.clone();
    for (id, r) in b {
        let joined = match out.get(id) {
            Some(mine) => join_record(mine, r),
            None => r.clone(),
        };
        out.insert(*id, joined);
    }
    out
}

fn details(account: &Account) -> Details {
    Details::of(account)
}

/// Folds every live account held under more than one id into the lowest id: the others become
/// tombstones pointing to it (stamped with their own stamp, so a later edit of theirs is merged
/// and folded again); the kept record takes the highest HOTP counter of all copies and of every
/// tombstone folded into it. Returns the pairs `(kept, folded)` it folded now.
pub fn normalize(state: &mut State) -> Vec<(RecordId, RecordId)> {
    let mut live: Vec<(u8, &[u8], RecordId)> = state
        .values()
        .filter_map(|r| match &r.entry {
            SyncEntry::Account { account, .. } => {
                Some((type_rank(account.otp_type), account.secret.expose(), r.id))
            }
            SyncEntry::Deleted { .. } => None,
        })
        .collect();
    live.sort_unstable();
    let mut folds = Vec::new();
    for pair in live.windows(2) {
        if pair[0].0 == pair[1].0 && pair[0].1 == pair[1].1 {
            // Sorted by (type, secret, id): the first of a run is the lowest id.
            folds.push(pair[1].2);
        }
    }
    let mut pairs = Vec::new();
    for folded in folds {
        let Some(record) = state.get(&folded) else {
            continue;
        };
        let SyncEntry::Account { account, .. } = &record.entry else {
            continue;
        };
        let kept = state
            .values()
            .filter(|r| match &r.entry {
                SyncEntry::Account { account: a, .. } => same_account(a, account),
                SyncEntry::Deleted { .. } => false,
            })
            .map(|r| r.id)
            .min();
        let Some(kept) = kept.filter(|k| *k != folded) else {
            continue;
        };
        let counter = account.counter;
        let stamp = record.stamp;
        state.insert(
            folded,
            SyncRecord {
                id: folded,
                stamp,
                entry: SyncEntry::Deleted {
                    at_millis: stamp.millis,
                    counter,
                    into: Some(kept),
                },
            },
        );
        pairs.push((kept, folded));
    }
    // Counters flow from folded tombstones into the record they were folded into.
    let raises: Vec<(RecordId, u64)> = state
        .values()
        .filter_map(|r| match r.entry {
            SyncEntry::Deleted {
                counter,
                into: Some(into),
                ..
            } if counter > 0 => Some((into, counter)),
            _ => None,
        })
        .collect();
    for (into, counter) in raises {
        if let Some(SyncRecord {
            entry: SyncEntry::Account { account, .. },
            ..
        }) = state.get_mut(&into)
        {
            account.counter = account.counter.max(counter);
        }
    }
    pairs
}

/// Drops tombstones deleted at least [`TOMBSTONE_RETENTION_MILLIS`] ago whose stamp every device in
/// `devices` has merged. Devices silent for [`DEVICE_EXPIRY_MILLIS`] do not count. Returns how many.
pub fn collect(state: &mut State, devices: &[DeviceSeen], now_millis: u64) -> usize {
    let active: Vec<&DeviceSeen> = devices
        .iter()
        .filter(|d| now_millis.saturating_sub(d.seen_millis) < DEVICE_EXPIRY_MILLIS)
        .collect();
    let Some(horizon) = active.iter().map(|d| d.seen_millis).min() else {
        return 0;
    };
    let before = state.len();
    state.retain(|_, r| match r.entry {
        SyncEntry::Deleted { at_millis, .. } => {
            now_millis.saturating_sub(at_millis) < TOMBSTONE_RETENTION_MILLIS
                || r.stamp.millis > horizon
        }
        SyncEntry::Account { .. } => true,
    });
    before - state.len()
}

/// The state of a vault: its accounts and tombstones.
pub fn state_of(vault: &Vault) -> State {
    vault
        .records
        .iter()
        .map(|r| {
            let entry = match &r.entry {
                Entry::Account { account, sites, .. } => SyncEntry::Account {
                    account: account.clone(),
                    sites: sites.clone(),
                },
                Entry::Deleted {
                    deleted_at_millis, ..
                } => SyncEntry::Deleted {
                    at_millis: *deleted_at_millis,
                    counter: 0,
                    into: None,
                },
            };
            (
                r.id,
                SyncRecord {
                    id: r.id,
                    stamp: r.stamp,
                    entry,
                },
            )
        })
        .collect()
}

/// Whether applying `state` to `vault` would change what the vault stores.
pub(crate) fn differs(vault: &Vault, state: &State) -> bool {
    state_of(&apply(vault, state)) != state_of(vault)
}

/// The vault with `state` applied: records changed in place (other fields of the vault's records
/// kept), new accounts added under their own ids, tombstones applied to live accounts, collected
/// tombstones removed. Tombstones of records this vault never held are not added (sync keeps them).
pub(crate) fn apply(vault: &Vault, state: &State) -> Vault {
    let mut out = vault.clone();
    out.records.retain(|r| state.contains_key(&r.id));
    let mut readd = Vec::new();
    for r in &mut out.records {
        let Some(s) = state.get(&r.id) else { continue };
        match (&mut r.entry, &s.entry) {
            (
                Entry::Account { account, sites, .. },
                SyncEntry::Account {
                    account: a,
                    sites: st,
                },
            ) => {
                *account = a.clone();
                sites.clone_from(st);
                r.stamp = s.stamp;
            }
            (Entry::Account { .. }, SyncEntry::Deleted { .. }) => {
                r.stamp = s.stamp; // delete() below replaces the entry
            }
            (Entry::Deleted { .. }, SyncEntry::Account { .. }) => readd.push(r.id),
            (Entry::Deleted { .. }, SyncEntry::Deleted { .. }) => r.stamp = s.stamp,
        }
    }
    for s in state.values() {
        if matches!(s.entry, SyncEntry::Deleted { .. })
            && out
                .records
                .iter()
                .any(|r| r.id == s.id && matches!(r.entry, Entry::Account { .. }))
        {
            out.delete(s.id, s.stamp);
        }
    }
    out.records.retain(|r| !readd.contains(&r.id));
    for s in state.values() {
        if let SyncEntry::Account { account, sites } = &s.entry {
            if out.records.iter().all(|r| r.id != s.id) {
                let id = s.id;
                // The id is the record's own: hand its bytes to add_account as the "random" id.
                let mut fixed = |b: &mut [u8]| b.copy_from_slice(&id.0[..b.len()]);
                out.add_account(account.clone(), sites.clone(), s.stamp, &mut fixed);
            }
        }
    }
    out
}

fn version_details(r: &SyncRecord) -> Option<Details> {
    match &r.entry {
        SyncEntry::Account { account, .. } => Some(details(account)),
        SyncEntry::Deleted { .. } => None,
    }
}

fn same_details(a: &Details, b: &Details) -> bool {
    // The counter merges as the maximum: it is never a conflict.
    a.issuer == b.issuer
        && a.name == b.name
        && a.algorithm == b.algorithm
        && a.digits == b.digits
        && a.period == b.period
}

/// Merges this device's state with the one read from sync storage: [`join`], [`normalize`],
/// [`collect`]. `base` holds the stamp of every record as this device last synced it; a record both
/// sides changed since then (or any record, when there is no base) whose values differ yields a
/// conflict or a notice.
pub fn merge(
    local: &State,
    remote: &State,
    base: &BTreeMap<RecordId, Stamp>,
    devices: &[DeviceSeen],
    now_millis: u64,
) -> MergeResult {
    let mut state = join(local, remote);
    let mut conflicts = Vec::new();
    let mut notices = Vec::new();
    for (id, l) in local {
        let Some(r) = remote.get(id) else { continue };
        if l.stamp == r.stamp {
            continue;
        }
        let known = base.get(id);
        if known == Some(&l.stamp) || known == Some(&r.stamp) {
            continue; // only one side changed since the last sync
        }
        let (winner, loser) = if version_order(l, r) == Ordering::Less {
            (r, l)
        } else {
            (l, r)
        };
        match (version_details(winner), version_details(loser)) {
            (Some(kept), Some(other)) if !same_details(&kept, &other) => {
                conflicts.push(SyncConflict {
                    id: *id,
                    kept,
                    other,
                    other_stamp: loser.stamp,
                });
            }
            (Some(_), None) => notices.push(Notice::KeptAfterDelete { id: *id }),
            _ => {}
        }
    }
    let live_before: Vec<RecordId> = state
        .values()
        .filter(|r| matches!(r.entry, SyncEntry::Account { .. }))
        .map(|r| r.id)
        .collect();
    let before = state.clone();
    for (kept, folded) in normalize(&mut state) {
        if !live_before.contains(&folded) {
            continue;
        }
        let (Some(k), Some(f)) = (
            state.get(&kept).and_then(version_details),
            before.get(&folded).and_then(version_details),
        ) else {
            continue;
        };
        if !same_details(&k, &f) {
            conflicts.push(SyncConflict {
                id: kept,
                kept: k,
                other: f,
                other_stamp: before.get(&folded).map(|r| r.stamp).unwrap_or_default(),
            });
        }
    }
    collect(&mut state, devices, now_millis);
    MergeResult {
        state,
        conflicts,
        notices,
    }
}
