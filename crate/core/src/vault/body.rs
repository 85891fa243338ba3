//! The decrypted contents of a vault and their compact body encoding (body versions 1 and 2,
//! specified in docs/vault-format.md).

use std::collections::BTreeMap;

use zeroize::{Zeroize, Zeroizing};

use super::codec::{Reader, Writer, MAX_VARINT_BYTES};
use super::error::{VaultError, VersionedPart};
use super::keys::{Rng, TAG_BYTES};
use super::{
    BODY_VERSION, DELETED_RETENTION_MILLIS, MAX_RECORDS, MAX_SETTINGS, MAX_SETTING_KEY_BYTES,
    MAX_SETTING_VALUE_BYTES, MAX_SITES, MAX_SITE_BYTES, MAX_STRING_BYTES,
};
use crate::account::{Account, OtpType};
use crate::otp::Algorithm;
use crate::secret::{Secret, MAX_SECRET_BYTES};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub [u8; 8]);

        impl $name {
            /// Eight fresh random bytes.
            pub fn random(rng: Rng<'_>) -> $name {
                let mut b = [0u8; 8];
                rng(&mut b);
                $name(b)
            }

            /// Sixteen lower-case hex digits (the form JavaScript and JSON see).
            pub fn to_hex(&self) -> String {
                self.0.iter().map(|b| format!("{b:02x}")).collect()
            }

            /// Parses sixteen hex digits in either case.
            pub fn from_hex(text: &str) -> Option<$name> {
                let t = text.as_bytes();
                if t.len() != 16 || !t.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                let mut b = [0u8; 8];
                for (i, pair) in t.chunks(2).enumerate() {
                    let s = core::str::from_utf8(pair).ok()?;
                    b[i] = u8::from_str_radix(s, 16).ok()?;
                }
                Some($name(b))
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(&self.to_hex())
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, "{}({})", stringify!($name), self.to_hex())
            }
        }
    };
}

id_type!(
    /// A record's stable id: 8 random bytes, never reused, kept through edits and deletion.
    RecordId
);
id_type!(
    /// A device's id: 8 random bytes chosen once per installation; part of every [`Stamp`].
    DeviceId
);

/// When and where a record last changed: a hybrid logical clock (wall-clock milliseconds plus a
/// counter that orders changes within one millisecond or while the clock runs back) and the device.
/// Stamps order by `millis`, then `counter`, then `device`, so every two stamps compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Stamp {
    /// Milliseconds since the Unix epoch (the larger of the clock and the last stamp seen).
    pub millis: u64,
    /// Logical counter within `millis`.
    pub counter: u32,
    /// The device that made the change.
    pub device: DeviceId,
}

impl Stamp {
    /// The hybrid-logical-clock successor of `previous` (the newest stamp this device has seen) at
    /// wall-clock `now_millis`: later than `previous` even when the clock went back.
    pub fn next(previous: Option<&Stamp>, now_millis: u64, device: DeviceId) -> Stamp {
        match previous {
            Some(p) if p.millis >= now_millis => match p.counter.checked_add(1) {
                Some(counter) => Stamp {
                    millis: p.millis,
                    counter,
                    device,
                },
                None => Stamp {
                    millis: p.millis.saturating_add(1),
                    counter: 0,
                    device,
                },
            },
            _ => Stamp {
                millis: now_millis,
                counter: 0,
                device,
            },
        }
    }
}

/// What a record holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A live account.
    Account {
        /// The account (its secret is zeroized on drop).
        account: Account,
        /// Registrable domains the account's codes are filled on (`example.com`), in the user's
        /// order.
        sites: Vec<String>,
    },
    /// A deleted account. Kept so that sync can tell a deletion from an account it has not seen.
    /// For [`DELETED_RETENTION_MILLIS`] (30 days) after the deletion the account itself is
    /// `retained` ("recently deleted", sealed in the vault like any account) and can be restored;
    /// after that [`Vault::purge_expired`] drops it and the record is a plain tombstone.
    Deleted {
        /// When the deletion happened, in Unix milliseconds.
        deleted_at_millis: u64,
        /// The deleted account while it may still be restored; `None` for a plain tombstone.
        retained: Option<Box<Retained>>,
    },
}

/// A deleted account kept for restoring (see [`Entry::Deleted`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retained {
    /// The account as it was when deleted (its secret is zeroized on drop).
    pub account: Account,
    /// Its sites.
    pub sites: Vec<String>,
}

/// One record of the vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Stable random id.
    pub id: RecordId,
    /// Last change.
    pub stamp: Stamp,
    /// The account or its tombstone.
    pub entry: Entry,
    /// Shown above the unpinned accounts (kept through deletion and restore).
    pub pinned: bool,
}

/// The decrypted contents of a vault: records in the user's order, and settings that travel with
/// the accounts. Secrets are zeroized on drop (by [`Secret`]), and so are labels, sites and settings
/// (by this type's `Drop`). `Debug` shows labels but never secrets.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Vault {
    /// Records, in display order.
    pub records: Vec<Record>,
    /// Settings as key/value text (for example `autolock_minutes` → `15`).
    pub settings: BTreeMap<String, String>,
}

impl Drop for Vault {
    fn drop(&mut self) {
        for r in &mut self.records {
            let (account, sites) = match &mut r.entry {
                Entry::Account { account, sites } => (account, sites),
                Entry::Deleted {
                    retained: Some(kept),
                    ..
                } => (&mut kept.account, &mut kept.sites),
                Entry::Deleted { retained: None, .. } => continue,
            };
            account.issuer.zeroize();
            account.name.zeroize();
            sites.iter_mut().for_each(Zeroize::zeroize);
        }
        // BTreeMap keys cannot be borrowed mutably; take the entries out to wipe them.
        for (mut k, mut v) in core::mem::take(&mut self.settings) {
            k.zeroize();
            v.zeroize();
        }
    }
}

impl Vault {
    /// An empty vault.
    pub fn new() -> Vault {
        Vault::default()
    }

    /// Appends an account with a fresh random id and returns the id. Should the id already be
    /// taken (a 2^-64 chance per record, or a broken RNG), the next free id after it is used, so
    /// this always ends.
    pub fn add_account(
        &mut self,
        account: Account,
        sites: Vec<String>,
        stamp: Stamp,
        rng: Rng<'_>,
    ) -> RecordId {
        let mut id = RecordId::random(rng);
        while self.records.iter().any(|r| r.id == id) {
            id = RecordId(u64::from_be_bytes(id.0).wrapping_add(1).to_be_bytes());
        }
        self.records.push(Record {
            id,
            stamp,
            entry: Entry::Account { account, sites },
            pinned: false,
        });
        id
    }

    /// Deletes a live account: the record becomes a tombstone that keeps the account for restoring
    /// ([`Vault::restore`]) until [`Vault::purge_expired`] drops it. False if there is no live
    /// record with that id.
    pub fn delete(&mut self, id: RecordId, stamp: Stamp) -> bool {
        let Some(r) = self.records.iter_mut().find(|r| r.id == id) else {
            return false;
        };
        let deleted = Entry::Deleted {
            deleted_at_millis: stamp.millis,
            retained: None,
        };
        match core::mem::replace(&mut r.entry, deleted) {
            Entry::Account { account, sites } => {
                r.entry = Entry::Deleted {
                    deleted_at_millis: stamp.millis,
                    retained: Some(Box::new(Retained { account, sites })),
                };
                r.stamp = stamp;
                true
            }
            other => {
                r.entry = other;
                false
            }
        }
    }

    /// Deletes for good: a live account or a recently deleted one becomes a plain tombstone (its
    /// secret dropped and wiped, unpinned). False if the record is missing or a plain tombstone.
    pub fn erase(&mut self, id: RecordId, stamp: Stamp) -> bool {
        match self.records.iter_mut().find(|r| r.id == id) {
            Some(r) if !matches!(r.entry, Entry::Deleted { retained: None, .. }) => {
                let deleted_at_millis = match r.entry {
                    Entry::Deleted {
                        deleted_at_millis, ..
                    } => deleted_at_millis,
                    Entry::Account { .. } => stamp.millis,
                };
                r.entry = Entry::Deleted {
                    deleted_at_millis,
                    retained: None,
                };
                r.pinned = false;
                r.stamp = stamp;
                true
            }
            _ => false,
        }
    }

    /// Brings a recently deleted account back, where it was in the order. `Ok(false)` when there is
    /// no deleted record with a retained account under that id; `Err(existing)`, with nothing
    /// changed, when the vault holds the same account (type and secret) again, added since.
    pub fn restore(&mut self, id: RecordId, stamp: Stamp) -> Result<bool, RecordId> {
        let Some(index) = self.records.iter().position(|r| r.id == id) else {
            return Ok(false);
        };
        let Entry::Deleted {
            retained: Some(kept),
            ..
        } = &self.records[index].entry
        else {
            return Ok(false);
        };
        if let Some(existing) = self.find_account(&kept.account) {
            return Err(existing);
        }
        let r = &mut self.records[index];
        let placeholder = Entry::Deleted {
            deleted_at_millis: 0,
            retained: None,
        };
        if let Entry::Deleted {
            retained: Some(kept),
            ..
        } = core::mem::replace(&mut r.entry, placeholder)
        {
            let Retained { account, sites } = *kept;
            r.entry = Entry::Account { account, sites };
        }
        r.stamp = stamp;
        Ok(true)
    }

    /// Drops the retained account of every record deleted at least [`DELETED_RETENTION_MILLIS`]
    /// before `now_millis` (a plain tombstone remains, unpinned). The stamps stay: the result
    /// follows from the deletion time alone, so every device purges the same way. True if anything
    /// changed (the vault should then be saved).
    pub fn purge_expired(&mut self, now_millis: u64) -> bool {
        let mut changed = false;
        for r in &mut self.records {
            if let Entry::Deleted {
                deleted_at_millis,
                retained,
            } = &mut r.entry
            {
                if retained.is_some()
                    && now_millis.saturating_sub(*deleted_at_millis) >= DELETED_RETENTION_MILLIS
                {
                    *retained = None;
                    r.pinned = false;
                    changed = true;
                }
            }
        }
        changed
    }

    /// The recently deleted accounts that may still be restored at `now_millis`, in record order:
    /// id, deletion time, account and sites.
    pub fn recently_deleted(
        &self,
        now_millis: u64,
    ) -> impl Iterator<Item = (RecordId, u64, &Account, &[String])> {
        self.records.iter().filter_map(move |r| match &r.entry {
            Entry::Deleted {
                deleted_at_millis,
                retained: Some(kept),
            } if now_millis.saturating_sub(*deleted_at_millis) < DELETED_RETENTION_MILLIS => {
                Some((
                    r.id,
                    *deleted_at_millis,
                    &kept.account,
                    kept.sites.as_slice(),
                ))
            }
            _ => None,
        })
    }

    /// Pins or unpins a live account. False if there is no live record with that id; a pin that is
    /// already so changes nothing (true, stamp kept).
    pub fn set_pinned(&mut self, id: RecordId, pinned: bool, stamp: Stamp) -> bool {
        match self.records.iter_mut().find(|r| r.id == id) {
            Some(r) if matches!(r.entry, Entry::Account { .. }) => {
                if r.pinned != pinned {
                    r.pinned = pinned;
                    r.stamp = stamp;
                }
                true
            }
            _ => false,
        }
    }

    /// Moves live account `id` just before (or, with `after`, just after) record `target` in the
    /// display order, and stamps it. False, with nothing changed, when either is missing, `id` is
    /// not live or the two are the same.
    pub fn move_record(
        &mut self,
        id: RecordId,
        target: RecordId,
        after: bool,
        stamp: Stamp,
    ) -> bool {
        if id == target || !self.records.iter().any(|r| r.id == target) {
            return false;
        }
        let Some(from) = self
            .records
            .iter()
            .position(|r| r.id == id && matches!(r.entry, Entry::Account { .. }))
        else {
            return false;
        };
        let mut record = self.records.remove(from);
        record.stamp = stamp;
        let to = self
            .records
            .iter()
            .position(|r| r.id == target)
            .map_or(self.records.len(), |i| i + usize::from(after));
        self.records.insert(to, record);
        true
    }

    /// Advances the counter of a live HOTP account by one ("next code") and stamps it; returns the
    /// new counter. `None`, with nothing changed, when there is no live HOTP account with that id
    /// or its counter is at `u64::MAX`.
    pub fn hotp_next(&mut self, id: RecordId, stamp: Stamp) -> Option<u64> {
        let r = self.records.iter_mut().find(|r| r.id == id)?;
        let Entry::Account { account, .. } = &mut r.entry else {
            return None;
        };
        if account.otp_type != OtpType::Hotp {
            return None;
        }
        account.counter = account.counter.checked_add(1)?;
        r.stamp = stamp;
        Some(account.counter)
    }

    /// Replaces the issuer, account name and sites of a live account and stamps it. `Ok(false)`
    /// when there is no live record with that id; [`VaultError::InvalidRecord`], with nothing
    /// changed, when a label is too long or the sites break the limits.
    pub fn edit_labels(
        &mut self,
        id: RecordId,
        issuer: &str,
        name: &str,
        sites: Vec<String>,
        stamp: Stamp,
    ) -> Result<bool, VaultError> {
        let Some(index) = self.records.iter().position(|r| r.id == id) else {
            return Ok(false);
        };
        let r = &mut self.records[index];
        let Entry::Account {
            account,
            sites: current,
        } = &mut r.entry
        else {
            return Ok(false);
        };
        let mut changed = account.clone();
        changed.issuer = issuer.to_owned();
        changed.name = name.to_owned();
        check_account(&changed, &sites)
            .map_err(|reason| VaultError::InvalidRecord { index, reason })?;
        account.issuer.zeroize();
        account.name.zeroize();
        current.iter_mut().for_each(Zeroize::zeroize);
        *account = changed;
        *current = sites;
        r.stamp = stamp;
        Ok(true)
    }

    /// The live accounts in order, with their ids and sites.
    pub fn accounts(&self) -> impl Iterator<Item = (RecordId, &Account, &[String])> {
        self.records.iter().filter_map(|r| match &r.entry {
            Entry::Account { account, sites } => Some((r.id, account, sites.as_slice())),
            Entry::Deleted { .. } => None,
        })
    }

    /// Whether record `id` is pinned (false for a missing record).
    pub fn is_pinned(&self, id: RecordId) -> bool {
        self.records.iter().any(|r| r.id == id && r.pinned)
    }

    /// The newest stamp of any record (the clock to continue from with [`Stamp::next`]).
    pub fn latest_stamp(&self) -> Option<Stamp> {
        self.records.iter().map(|r| r.stamp).max()
    }
}

fn type_byte(t: OtpType) -> u8 {
    match t {
        OtpType::Totp => 0,
        OtpType::Hotp => 1,
        OtpType::Steam => 2,
    }
}

fn algorithm_byte(a: Algorithm) -> u8 {
    match a {
        Algorithm::Sha1 => 0,
        Algorithm::Sha256 => 1,
        Algorithm::Sha512 => 2,
    }
}

/// Record kind bits (docs/vault-format.md section 3): a deleted record, a pinned one, a deleted
/// record that keeps its account. Body version 1 knows only kinds 0 and 1.
const KIND_DELETED: u8 = 1;
const KIND_PINNED: u8 = 2;
const KIND_RETAINED: u8 = 4;
/// The kinds body version 2 allows (a retained account is always a deleted one).
const V2_KINDS: [u8; 6] = [0, 1, 2, 3, 5, 7];

fn kind_of(r: &Record) -> u8 {
    let mut kind = if r.pinned { KIND_PINNED } else { 0 };
    match &r.entry {
        Entry::Account { .. } => {}
        Entry::Deleted { retained, .. } => {
            kind |= KIND_DELETED;
            if retained.is_some() {
                kind |= KIND_RETAINED;
            }
        }
    }
    kind
}

/// Whether a record needs body version 2 (kinds above 1).
fn needs_v2(r: &Record) -> bool {
    kind_of(r) > KIND_DELETED
}

/// The checks of one account and its sites, shared by the writer and [`Vault::edit_labels`].
pub(crate) fn check_account(account: &Account, sites: &[String]) -> Result<(), &'static str> {
    if account.validate().is_err() {
        return Err("invalid account (digits or period)");
    }
    if account.issuer.len() > MAX_STRING_BYTES || account.name.len() > MAX_STRING_BYTES {
        return Err("issuer or name too long");
    }
    if sites.len() > MAX_SITES {
        return Err("too many sites");
    }
    if sites
        .iter()
        .any(|s| s.is_empty() || s.len() > MAX_SITE_BYTES)
    {
        return Err("empty or too long site");
    }
    Ok(())
}

/// Checks everything the reader checks, so that a sealed vault always opens again.
fn validate(vault: &Vault) -> Result<(), VaultError> {
    if vault.records.len() > MAX_RECORDS {
        return Err(VaultError::TooLarge { what: "records" });
    }
    let mut ids: Vec<(RecordId, usize)> = vault
        .records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id, i))
        .collect();
    ids.sort_unstable();
    if let Some(pair) = ids.windows(2).find(|p| p[0].0 == p[1].0) {
        return Err(VaultError::InvalidRecord {
            index: pair[1].1,
            reason: "duplicate id",
        });
    }
    for (index, r) in vault.records.iter().enumerate() {
        let checked = match &r.entry {
            Entry::Account { account, sites } => check_account(account, sites),
            Entry::Deleted {
                retained: Some(kept),
                ..
            } => check_account(&kept.account, &kept.sites),
            Entry::Deleted { retained: None, .. } => Ok(()),
        };
        checked.map_err(|reason| VaultError::InvalidRecord { index, reason })?;
    }
    if vault.settings.len() > MAX_SETTINGS {
        return Err(VaultError::TooLarge { what: "settings" });
    }
    for (k, v) in &vault.settings {
        if k.is_empty() || k.len() > MAX_SETTING_KEY_BYTES || v.len() > MAX_SETTING_VALUE_BYTES {
            return Err(VaultError::InvalidSetting);
        }
    }
    Ok(())
}

fn account_bound(account: &Account, sites: &[String]) -> usize {
    const V: usize = MAX_VARINT_BYTES;
    3 + 5 * V
        + account.secret.len()
        + account.issuer.len()
        + account.name.len()
        + V
        + sites.iter().map(|s| V + s.len()).sum::<usize>()
}

/// An upper bound of the encoded size plus the GCM tag, so the buffer never reallocates (a
/// reallocation would leave a plaintext copy behind in freed memory).
fn capacity_bound(vault: &Vault, devices: usize) -> usize {
    const V: usize = MAX_VARINT_BYTES;
    let mut n = 4 * V + devices * 8 + TAG_BYTES;
    for r in &vault.records {
        n += 1 + 8 + 3 * V;
        n += match &r.entry {
            Entry::Account { account, sites } => account_bound(account, sites),
            Entry::Deleted { retained, .. } => {
                V + retained
                    .as_ref()
                    .map_or(0, |k| account_bound(&k.account, &k.sites))
            }
        };
    }
    n + vault
        .settings
        .iter()
        .map(|(k, v)| 2 * V + k.len() + v.len())
        .sum::<usize>()
}

fn write_account(w: &mut Writer<'_>, account: &Account, sites: &[String]) {
    w.u8(type_byte(account.otp_type));
    w.u8(algorithm_byte(account.algorithm));
    w.u8(account.digits);
    w.varint(u64::from(account.period));
    w.varint(account.counter);
    w.bytes(account.secret.expose());
    w.bytes(account.issuer.as_bytes());
    w.bytes(account.name.as_bytes());
    w.varint(sites.len() as u64);
    for s in sites {
        w.bytes(s.as_bytes());
    }
}

/// Encodes the body; the result is zeroized on drop. Writes body version 1 when every record is
/// a plain account or a plain tombstone (so such vaults stay readable by version-1 readers), and
/// version 2 when a record is pinned or keeps a deleted account.
pub(crate) fn encode(vault: &Vault) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    validate(vault)?;
    // Devices in order of first use, and each one's index (a map: a vault may hold many).
    let mut devices: Vec<DeviceId> = Vec::new();
    let mut index_of = std::collections::BTreeMap::new();
    for r in &vault.records {
        index_of.entry(r.stamp.device).or_insert_with(|| {
            devices.push(r.stamp.device);
            devices.len() - 1
        });
    }
    let version = if vault.records.iter().any(needs_v2) {
        BODY_VERSION
    } else {
        1
    };
    let mut out = Zeroizing::new(Vec::with_capacity(capacity_bound(vault, devices.len())));
    let mut w = Writer { out: &mut out };
    w.varint(version);
    w.varint(devices.len() as u64);
    for d in &devices {
        w.fixed(&d.0);
    }
    w.varint(vault.records.len() as u64);
    for r in &vault.records {
        w.u8(kind_of(r));
        w.fixed(&r.id.0);
        w.varint(r.stamp.millis);
        w.varint(u64::from(r.stamp.counter));
        // The device is in the table: it was collected from these very records above.
        let device_index = index_of.get(&r.stamp.device).copied().unwrap_or_default();
        w.varint(device_index as u64);
        match &r.entry {
            Entry::Account { account, sites } => write_account(&mut w, account, sites),
            Entry::Deleted {
                deleted_at_millis,
                retained,
            } => {
                w.varint(*deleted_at_millis);
                if let Some(kept) = retained {
                    write_account(&mut w, &kept.account, &kept.sites);
                }
            }
        }
    }
    w.varint(vault.settings.len() as u64);
    for (k, v) in &vault.settings {
        w.bytes(k.as_bytes());
        w.bytes(v.as_bytes());
    }
    Ok(out)
}

fn malformed(reason: &'static str) -> VaultError {
    VaultError::Malformed { reason }
}

fn read_account(r: &mut Reader<'_>) -> Result<(Account, Vec<String>), VaultError> {
    let otp_type = match r.u8()? {
        0 => OtpType::Totp,
        1 => OtpType::Hotp,
        2 => OtpType::Steam,
        _ => return Err(malformed("account type")),
    };
    let algorithm = match r.u8()? {
        0 => Algorithm::Sha1,
        1 => Algorithm::Sha256,
        2 => Algorithm::Sha512,
        _ => return Err(malformed("algorithm")),
    };
    let digits = r.u8()?;
    let period = u32::try_from(r.varint()?).map_err(|_| malformed("period above 32 bits"))?;
    let counter = r.varint()?;
    let secret = Secret::from_bytes(r.bytes(MAX_SECRET_BYTES, "secret")?.to_vec())
        .map_err(|_| malformed("empty secret"))?;
    let issuer = r.string(MAX_STRING_BYTES, "issuer")?;
    let name = r.string(MAX_STRING_BYTES, "account name")?;
    let site_count = r.count(MAX_SITES, "sites")?;
    let mut sites = Vec::with_capacity(site_count);
    for _ in 0..site_count {
        let s = r.string(MAX_SITE_BYTES, "site")?;
        if s.is_empty() {
            return Err(malformed("empty site"));
        }
        sites.push(s);
    }
    let account = Account {
        otp_type,
        issuer,
        name,
        secret,
        algorithm,
        digits,
        period,
        counter,
    };
    if account.validate().is_err() {
        return Err(malformed("invalid account (digits or period)"));
    }
    Ok((account, sites))
}

/// Decodes a body of version 1 or 2. Every count and length is checked against its limit before
/// anything is allocated for it; every enum value, account and id is checked.
pub(crate) fn decode(plain: &[u8]) -> Result<Vault, VaultError> {
    let mut r = Reader::new(plain);
    let version = r.varint()?;
    if version == 0 || version > BODY_VERSION {
        return Err(if version > BODY_VERSION {
            VaultError::UnsupportedVersion {
                part: VersionedPart::Body,
                found: version,
                supported: BODY_VERSION,
            }
        } else {
            malformed("body version 0")
        });
    }
    let device_count = r.count(MAX_RECORDS, "devices")?;
    let mut devices = Vec::with_capacity(device_count);
    let mut seen_devices = std::collections::BTreeSet::new();
    for _ in 0..device_count {
        let d = DeviceId(r.array8()?);
        if !seen_devices.insert(d) {
            return Err(malformed("duplicate device"));
        }
        devices.push(d);
    }
    let record_count = r.count(MAX_RECORDS, "records")?;
    let mut vault = Vault::new();
    vault.records.reserve(record_count);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..record_count {
        let kind = r.u8()?;
        let known = if version == 1 {
            kind <= KIND_DELETED
        } else {
            V2_KINDS.contains(&kind)
        };
        if !known {
            return Err(malformed("record kind"));
        }
        let id = RecordId(r.array8()?);
        let millis = r.varint()?;
        let counter =
            u32::try_from(r.varint()?).map_err(|_| malformed("stamp counter above 32 bits"))?;
        let device_index = r.varint()?;
        let device = *usize::try_from(device_index)
            .ok()
            .and_then(|i| devices.get(i))
            .ok_or(malformed("device index"))?;
        let stamp = Stamp {
            millis,
            counter,
            device,
        };
        let entry = if kind & KIND_DELETED == 0 {
            let (account, sites) = read_account(&mut r)?;
            Entry::Account { account, sites }
        } else {
            let deleted_at_millis = r.varint()?;
            let retained = if kind & KIND_RETAINED != 0 {
                let (account, sites) = read_account(&mut r)?;
                Some(Box::new(Retained { account, sites }))
            } else {
                None
            };
            Entry::Deleted {
                deleted_at_millis,
                retained,
            }
        };
        if !seen.insert(id) {
            return Err(malformed("duplicate record id"));
        }
        vault.records.push(Record {
            id,
            stamp,
            entry,
            pinned: kind & KIND_PINNED != 0,
        });
    }
    let setting_count = r.count(MAX_SETTINGS, "settings")?;
    for _ in 0..setting_count {
        let k = r.string(MAX_SETTING_KEY_BYTES, "setting key")?;
        let v = r.string(MAX_SETTING_VALUE_BYTES, "setting value")?;
        if k.is_empty() {
            return Err(malformed("empty setting key"));
        }
        if vault
            .settings
            .keys()
            .next_back()
            .is_some_and(|last| *last >= k)
        {
            return Err(malformed("settings not in strictly increasing key order"));
        }
        vault.settings.insert(k, v);
    }
    if !r.is_empty() {
        return Err(malformed("trailing bytes after the body"));
    }
    Ok(vault)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests may unwrap.
mod tests {
    use super::*;

    /// SplitMix64 for generated cases.
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn text(&mut self, max: u64) -> String {
            const PIECES: [&str; 8] = ["a", "Z", "9", " ", ":", "é", "☃", "𝄞"];
            (0..self.below(max + 1))
                .map(|_| PIECES[self.below(8) as usize])
                .collect()
        }
    }

    fn generated_vault(g: &mut Gen) -> Vault {
        let mut v = Vault::new();
        let devices = [
            DeviceId([1; 8]),
            DeviceId([2; 8]),
            DeviceId(g.next().to_be_bytes()),
        ];
        for _ in 0..g.below(6) {
            let stamp = Stamp {
                millis: g.next() >> g.below(64),
                counter: g.next() as u32 >> g.below(32),
                device: devices[g.below(3) as usize],
            };
            if g.below(4) == 0 {
                let mut fill = |b: &mut [u8]| b.fill(g.next() as u8);
                let id = RecordId::random(&mut fill);
                if v.records.iter().all(|r| r.id != id) {
                    let deleted_at_millis = stamp.millis;
                    v.records.push(Record {
                        id,
                        stamp,
                        entry: Entry::Deleted {
                            deleted_at_millis,
                            retained: None,
                        },
                        pinned: g.below(2) == 0,
                    });
                }
                continue;
            }
            let secret: Vec<u8> = (0..1 + g.below(64)).map(|_| g.next() as u8).collect();
            let mut a = Account::totp(
                &g.text(20),
                &g.text(30),
                Secret::from_bytes(secret).unwrap(),
            );
            a.otp_type = [OtpType::Totp, OtpType::Hotp, OtpType::Steam][g.below(3) as usize];
            a.algorithm =
                [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512][g.below(3) as usize];
            a.digits = if a.otp_type == OtpType::Steam {
                5
            } else {
                1 + g.below(10) as u8
            };
            a.period = if a.otp_type == OtpType::Steam {
                30
            } else {
                1 + g.below(86_400) as u32
            };
            a.counter = g.next() >> g.below(64);
            let sites = (0..g.below(3))
                .map(|i| format!("site{i}.{}", g.text(5)))
                .collect();
            let mut next = || g.next();
            let mut fill = |b: &mut [u8]| b.copy_from_slice(&next().to_be_bytes()[..b.len()]);
            let id = v.add_account(a, sites, stamp, &mut fill);
            // Body version 2: some accounts pinned, some deleted but kept for restoring.
            match g.below(4) {
                0 => assert!(v.set_pinned(id, true, stamp)),
                1 => assert!(v.delete(id, stamp)),
                2 => {
                    assert!(v.set_pinned(id, true, stamp));
                    assert!(v.delete(id, stamp));
                }
                _ => {}
            }
        }
        for _ in 0..g.below(4) {
            let k = format!("k{}", g.text(8));
            v.settings.insert(k, g.text(40));
        }
        v
    }

    #[test]
    fn generated_vaults_round_trip() {
        let mut g = Gen(42);
        for _ in 0..300 {
            let v = generated_vault(&mut g);
            let encoded = encode(&v).unwrap();
            assert_eq!(decode(&encoded).unwrap(), v);
            // Canonical: the same contents always encode to the same bytes.
            assert_eq!(*encode(&decode(&encoded).unwrap()).unwrap(), *encoded);
        }
    }

    #[test]
    fn mutated_bodies_never_panic() {
        // Every truncation and many single-byte changes of valid bodies: any result but a panic,
        // and whatever decodes can be saved and read back unchanged. (Re-encoding may differ in
        // bytes: the reader accepts a device table in any order, the writer orders by first use.)
        let mut g = Gen(7);
        for _ in 0..40 {
            let encoded = encode(&generated_vault(&mut g)).unwrap();
            for n in 0..encoded.len() {
                assert!(
                    decode(&encoded[..n]).is_err(),
                    "a prefix of {n} bytes decoded"
                );
            }
            for i in 0..encoded.len() {
                for x in [0x01, 0x80, 0xff] {
                    let mut m = encoded.to_vec();
                    m[i] ^= x;
                    if let Ok(v) = decode(&m) {
                        assert_eq!(decode(&encode(&v).unwrap()).unwrap(), v);
                    }
                }
            }
        }
    }

    #[test]
    fn add_account_always_ends_even_with_a_stuck_rng() {
        let mut v = Vault::new();
        let mut zeros = |b: &mut [u8]| b.fill(0);
        for _ in 0..3 {
            let a = Account::totp("", "", Secret::from_bytes(vec![1]).unwrap());
            v.add_account(a, vec![], Stamp::default(), &mut zeros);
        }
        let ids: Vec<String> = v.records.iter().map(|r| r.id.to_hex()).collect();
        assert_eq!(
            ids,
            ["0000000000000000", "0000000000000001", "0000000000000002"]
        );
    }
    fn acct(issuer: &str, secret: &[u8]) -> Account {
        Account::totp(
            issuer,
            "alice",
            Secret::from_bytes(secret.to_vec()).unwrap(),
        )
    }

    fn at(millis: u64) -> Stamp {
        Stamp {
            millis,
            counter: 0,
            device: DeviceId([3; 8]),
        }
    }

    fn counting() -> impl FnMut(&mut [u8]) {
        let mut n = 0u8;
        move |b: &mut [u8]| {
            n = n.wrapping_add(1);
            b.fill(n);
        }
    }

    fn issuers(v: &Vault) -> Vec<&str> {
        v.accounts().map(|(_, a, _)| a.issuer.as_str()).collect()
    }

    #[test]
    fn deleting_keeps_the_account_for_30_days_then_leaves_a_plain_tombstone() {
        let mut rng = counting();
        let mut v = Vault::new();
        let a = v.add_account(acct("A", b"a"), vec!["a.com".into()], at(1), &mut rng);
        let b = v.add_account(acct("B", b"b"), vec![], at(2), &mut rng);
        assert!(v.delete(a, at(1_000)));
        assert!(!v.delete(a, at(1_001)), "deleted already");
        assert_eq!(issuers(&v), ["B"]);
        let deleted: Vec<_> = v.recently_deleted(1_000).collect();
        assert_eq!(deleted.len(), 1);
        assert_eq!((deleted[0].0, deleted[0].1), (a, 1_000));
        assert_eq!(deleted[0].2.issuer, "A");
        assert_eq!(deleted[0].3, ["a.com"]);
        // It survives a save, and the writer says body version 2.
        let encoded = encode(&v).unwrap();
        assert_eq!(encoded[0], 2);
        assert_eq!(decode(&encoded).unwrap(), v);

        // Restored where it was, with a newer stamp.
        assert_eq!(v.restore(a, at(2_000)), Ok(true));
        assert_eq!(issuers(&v), ["A", "B"]);
        assert_eq!(v.records[0].stamp.millis, 2_000);
        assert_eq!(v.restore(a, at(2_001)), Ok(false), "live already");
        assert_eq!(encode(&v).unwrap()[0], 1, "nothing needs version 2 now");

        // The last moment it may be restored, and the first it may not.
        assert!(v.delete(a, at(10_000)));
        let limit = 10_000 + DELETED_RETENTION_MILLIS;
        assert_eq!(DELETED_RETENTION_MILLIS, 2_592_000_000);
        assert_eq!(v.recently_deleted(limit - 1).count(), 1);
        assert!(!v.purge_expired(limit - 1));
        assert_eq!(v.recently_deleted(limit).count(), 0);
        assert!(v.purge_expired(limit));
        assert!(!v.purge_expired(limit), "purged once");
        assert_eq!(
            v.records[0].entry,
            Entry::Deleted {
                deleted_at_millis: 10_000,
                retained: None
            }
        );
        assert_eq!(v.records[0].stamp.millis, 10_000, "purging keeps the stamp");
        assert_eq!(v.restore(a, at(limit + 1)), Ok(false));
        assert!(v.records.iter().any(|r| r.id == b));
    }

    #[test]
    fn restore_refuses_an_account_added_again_since() {
        let mut rng = counting();
        let mut v = Vault::new();
        let a = v.add_account(acct("A", b"same"), vec![], at(1), &mut rng);
        assert!(v.delete(a, at(2)));
        let again = v
            .add_new_account(acct("A again", b"same"), vec![], at(3), &mut rng)
            .unwrap();
        let before = v.clone();
        assert_eq!(v.restore(a, at(4)), Err(again));
        assert_eq!(v, before);
    }

    #[test]
    fn erase_deletes_for_good() {
        let mut rng = counting();
        let mut v = Vault::new();
        let a = v.add_account(acct("A", b"a"), vec![], at(1), &mut rng);
        let b = v.add_account(acct("B", b"b"), vec![], at(1), &mut rng);
        assert!(v.set_pinned(b, true, at(2)));
        assert!(v.delete(a, at(5)));
        assert!(v.erase(a, at(6)), "a recently deleted account");
        assert!(v.erase(b, at(7)), "a live account");
        assert!(!v.erase(b, at(8)), "a plain tombstone already");
        assert_eq!(v.recently_deleted(7).count(), 0);
        for (r, deleted_at) in v.records.iter().zip([5, 7]) {
            assert_eq!(
                r.entry,
                Entry::Deleted {
                    deleted_at_millis: deleted_at,
                    retained: None
                }
            );
            assert!(!r.pinned);
        }
        assert_eq!(encode(&v).unwrap()[0], 1);
    }

    #[test]
    fn pins_move_and_survive_deletion() {
        let mut rng = counting();
        let mut v = Vault::new();
        let ids: Vec<RecordId> = ["A", "B", "C", "D"]
            .iter()
            .map(|i| v.add_account(acct(i, i.as_bytes()), vec![], at(1), &mut rng))
            .collect();
        assert!(v.set_pinned(ids[2], true, at(5)));
        assert!(v.is_pinned(ids[2]));
        assert_eq!(v.records[2].stamp.millis, 5);
        assert!(v.set_pinned(ids[2], true, at(6)), "pinned already");
        assert_eq!(v.records[2].stamp.millis, 5, "no change, no new stamp");
        assert_eq!(encode(&v).unwrap()[0], 2);
        assert_eq!(decode(&encode(&v).unwrap()).unwrap(), v);

        assert!(v.move_record(ids[3], ids[0], false, at(7)));
        assert_eq!(issuers(&v), ["D", "A", "B", "C"]);
        assert!(v.move_record(ids[3], ids[2], true, at(8)));
        assert_eq!(issuers(&v), ["A", "B", "C", "D"]);
        assert!(v.move_record(ids[0], ids[1], true, at(9)));
        assert_eq!(issuers(&v), ["B", "A", "C", "D"]);
        assert_eq!(v.records[1].stamp.millis, 9);
        let before = v.clone();
        assert!(!v.move_record(ids[0], ids[0], true, at(10)), "onto itself");
        assert!(!v.move_record(ids[0], RecordId([9; 8]), true, at(10)));
        assert!(!v.move_record(RecordId([9; 8]), ids[0], true, at(10)));
        assert_eq!(v, before);

        assert!(v.delete(ids[2], at(11)));
        assert!(!v.set_pinned(ids[2], false, at(12)), "not live");
        assert!(!v.move_record(ids[2], ids[0], false, at(12)), "not live");
        assert!(
            v.move_record(ids[0], ids[2], false, at(12)),
            "next to a deleted one"
        );
        assert!(v.is_pinned(ids[2]));
        assert_eq!(decode(&encode(&v).unwrap()).unwrap(), v);
        assert_eq!(v.restore(ids[2], at(13)), Ok(true));
        assert!(v.is_pinned(ids[2]), "restored pinned");
        assert_eq!(issuers(&v), ["B", "A", "C", "D"]);
    }

    #[test]
    fn hotp_next_advances_and_keeps_the_counter() {
        let mut rng = counting();
        let mut v = Vault::new();
        // RFC 4226 Appendix D: secret "12345678901234567890", counter 0 → 755224, 1 → 287082.
        let mut h = acct("H", b"12345678901234567890");
        h.otp_type = OtpType::Hotp;
        let hid = v.add_account(h, vec![], at(1), &mut rng);
        let tid = v.add_account(acct("T", b"t"), vec![], at(1), &mut rng);
        let code = |v: &Vault| v.accounts().next().unwrap().1.code_at(0).unwrap().code;
        assert_eq!(code(&v), "755224");
        assert_eq!(v.hotp_next(hid, at(2)), Some(1));
        assert_eq!(code(&v), "287082");
        let v2 = decode(&encode(&v).unwrap()).unwrap();
        assert_eq!(code(&v2), "287082", "the counter is saved");
        assert_eq!(v.hotp_next(tid, at(3)), None, "TOTP has no counter");
        if let Entry::Account { account, .. } = &mut v.records[0].entry {
            account.counter = u64::MAX;
        }
        assert_eq!(v.hotp_next(hid, at(4)), None, "no wrap-around");
    }

    #[test]
    fn edit_labels_checks_limits_and_changes_nothing_else() {
        let mut rng = counting();
        let mut v = Vault::new();
        let id = v.add_account(acct("A", b"a"), vec![], at(1), &mut rng);
        assert_eq!(
            v.edit_labels(id, "Bank", "bob", vec!["bank.nl".into()], at(2)),
            Ok(true)
        );
        let (_, a, sites) = v.accounts().next().unwrap();
        assert_eq!((a.issuer.as_str(), a.name.as_str()), ("Bank", "bob"));
        assert_eq!(sites, ["bank.nl"]);
        assert_eq!(a.secret.expose(), b"a");
        let before = v.clone();
        let long = "x".repeat(MAX_STRING_BYTES + 1);
        for (issuer, sites) in [
            (long.as_str(), vec![]),
            ("ok", vec![String::new()]),
            ("ok", vec!["s".into(); MAX_SITES + 1]),
        ] {
            assert_eq!(
                v.edit_labels(id, issuer, "bob", sites, at(3))
                    .unwrap_err()
                    .code(),
                "vault_invalid_record"
            );
        }
        assert_eq!(v, before);
        assert_eq!(
            v.edit_labels(RecordId([7; 8]), "x", "y", vec![], at(4)),
            Ok(false)
        );
    }

    #[test]
    fn version_2_layout_follows_the_specification() {
        // Written out by hand from docs/vault-format.md section 3.
        let mut v = Vault::new();
        let device = DeviceId([0xaa; 8]);
        let stamp = Stamp {
            millis: 1000,
            counter: 0,
            device,
        };
        v.records.push(Record {
            id: RecordId([1; 8]),
            stamp,
            entry: Entry::Account {
                account: acct("I", b"k"),
                sites: vec![],
            },
            pinned: true,
        });
        v.records.push(Record {
            id: RecordId([2; 8]),
            stamp,
            entry: Entry::Deleted {
                deleted_at_millis: 5,
                retained: Some(Box::new(Retained {
                    account: acct("J", b"m"),
                    sites: vec!["a.io".into()],
                })),
            },
            pinned: false,
        });
        let account = |issuer: u8, secret: u8, sites: &[u8]| {
            [
                &[0u8, 0, 6, 30, 0, 1, secret, 1, issuer, 5][..],
                b"alice",
                sites,
            ]
            .concat()
        };
        let expected = [
            &[2u8, 1][..],
            &[0xaa; 8],
            &[2],
            &[2],
            &[1; 8],
            &[0xe8, 0x07, 0, 0],
            &account(b'I', b'k', &[0]),
            &[5],
            &[2; 8],
            &[0xe8, 0x07, 0, 0],
            &[5],
            &account(b'J', b'm', b"\x01\x04a.io"),
            &[0],
        ]
        .concat();
        assert_eq!(*encode(&v).unwrap(), expected);
        assert_eq!(decode(&expected).unwrap(), v);
        // Kinds version 1 does not know are malformed there, and kinds 4 and 6 are in version 2.
        let mut v1 = expected.clone();
        v1[0] = 1;
        assert_eq!(
            decode(&v1).unwrap_err(),
            VaultError::Malformed {
                reason: "record kind"
            }
        );
        for kind in [4u8, 6, 8, 0xff] {
            let mut bad = expected.clone();
            bad[11] = kind;
            assert_eq!(
                decode(&bad).unwrap_err(),
                VaultError::Malformed {
                    reason: "record kind"
                },
                "{kind}"
            );
        }
    }
}
