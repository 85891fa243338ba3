//! Sync bindings (tessera-core `sync`): conversions between `storage.sync` items, the open vault and
//! the core's sync round. The sync key and its password slot live in the encrypted vault's settings
//! (`sync.key`, `sync.slot`): the key never becomes a JavaScript value. What this device last synced
//! (the base) and the conflict list are a blob sealed under the sync key, kept by the worker in
//! `storage.local`.

use serde::Serialize;
use tessera_core::sync::{self, Manifest, Notice, Remote, Slot, SyncError, SyncKey};
use tessera_core::vault::{self, DerivedKey, Details, DeviceId, KdfParams, RecordId, Stamp, Vault};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::vault::VaultHandle;
use crate::{js_error, to_js, with_rng, Coded};

/// Vault settings holding the sync key (hex), its slot (hex) and the vault password's salt when
/// sync was set up (hex; a different salt now means the password was changed on this device).
const KEY_SETTING: &str = "sync.key";
const SLOT_SETTING: &str = "sync.slot";
const SALT_SETTING: &str = "sync.vaultSalt";
/// Most conflicts kept for review.
const MAX_CONFLICTS: usize = 100;

impl Coded for SyncError {
    fn code(&self) -> &'static str {
        SyncError::code(self)
    }
}

/// Errors of these bindings themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyncBindError {
    /// Sync is not set up in this vault (no sync key).
    NotEnabled,
    /// Sync needs a vault protected by a password.
    NeedsPassword,
    /// Items are not `[key, value]` string pairs.
    InvalidItems,
}

impl core::fmt::Display for SyncBindError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            SyncBindError::NotEnabled => "sync is not set up",
            SyncBindError::NeedsPassword => "sync needs a password on the vault",
            SyncBindError::InvalidItems => "sync items are not key/value strings",
        })
    }
}

impl Coded for SyncBindError {
    fn code(&self) -> &'static str {
        match self {
            SyncBindError::NotEnabled => "sync_not_enabled",
            SyncBindError::NeedsPassword => "sync_needs_password",
            SyncBindError::InvalidItems => "sync_invalid_items",
        }
    }
}

fn err(e: &impl Coded) -> JsValue {
    js_error(e)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    if text.len() % 2 != 0 {
        return None;
    }
    let mut out = Zeroizing::new(Vec::with_capacity(text.len() / 2));
    for pair in text.as_bytes().chunks(2) {
        let s = core::str::from_utf8(pair).ok()?;
        out.push(u8::from_str_radix(s, 16).ok()?);
    }
    Some(out)
}

fn vault_salt(handle: &VaultHandle) -> Option<String> {
    vault::header_info(handle.sealed_bytes())
        .ok()?
        .password()
        .map(|k| hex(k.salt()))
}

/// The sync key and slot kept in the vault, if sync is set up.
fn setup_of(v: &Vault) -> Result<Option<(SyncKey, Slot)>, JsValue> {
    let (Some(k), Some(s)) = (v.settings.get(KEY_SETTING), v.settings.get(SLOT_SETTING)) else {
        return Ok(None);
    };
    let malformed = || {
        err(&SyncError::Malformed {
            reason: "sync settings",
        })
    };
    let key = SyncKey::from_bytes(&unhex(k).ok_or_else(malformed)?).map_err(|e| err(&e))?;
    let slot = Slot::from_bytes(&unhex(s).ok_or_else(malformed)?).map_err(|e| err(&e))?;
    Ok(Some((key, slot)))
}

#[derive(Serialize)]
struct SlotInfoJs {
    #[serde(with = "serde_bytes_array")]
    salt: Vec<u8>,
    iterations: u32,
}

mod serde_bytes_array {
    use serde::Serializer;
    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter())
    }
}

/// The salt and iterations of the manifest's password slot, to derive the key with (WebCrypto):
/// `{salt: [bytes], iterations}`.
#[wasm_bindgen(js_name = syncSlotInfo)]
pub fn sync_slot_info(manifest: &str) -> Result<JsValue, JsValue> {
    let slot = Manifest::slot_of(manifest).map_err(|e| err(&e))?;
    to_js(&SlotInfoJs {
        salt: slot.kdf().salt().to_vec(),
        iterations: slot.kdf().iterations(),
    })
}

/// Sets sync up in the open vault (which must have a password). With the `manifest` already in
/// storage, `derived` (PBKDF2 of the sync password with the manifest's salt and iterations) must
/// open its slot (`sync_decrypt` otherwise): this vault takes that sync key. Without one, a new
/// random sync key is wrapped under `derived` (made with `salt` and `iterations`). `derived` is
/// wiped. Reseals the vault.
#[wasm_bindgen(js_name = syncEnable)]
pub fn sync_enable(
    handle: &mut VaultHandle,
    manifest: Option<String>,
    derived: &mut [u8],
    salt: &[u8],
    iterations: u32,
) -> Result<(), JsValue> {
    let key_bytes = DerivedKey::from_slice(derived);
    derived.fill(0);
    let derived_key = key_bytes.map_err(|e| err(&e))?;
    let Some(vault_salt) = vault_salt(handle) else {
        return Err(err(&SyncBindError::NeedsPassword));
    };
    let (key, slot) = match manifest {
        Some(text) => {
            let slot = Manifest::slot_of(&text).map_err(|e| err(&e))?;
            let key = slot.unwrap_key(&derived_key).map_err(|e| err(&e))?;
            (key, slot)
        }
        None => {
            let kdf = KdfParams::new(salt.to_vec(), iterations).map_err(|e| err(&e))?;
            with_rng(|rng| {
                let key = SyncKey::generate(rng);
                let slot = Slot::new(&key, &derived_key, kdf, rng);
                (key, slot)
            })?
        }
    };
    let mut changed = handle.vault().clone();
    changed
        .settings
        .insert(KEY_SETTING.into(), hex(key.expose()));
    changed
        .settings
        .insert(SLOT_SETTING.into(), hex(&slot.to_bytes()));
    changed.settings.insert(SALT_SETTING.into(), vault_salt);
    handle.replace(changed)
}

/// Turns sync off in this vault: forgets the sync key (storage.sync is left as it is).
#[wasm_bindgen(js_name = syncDisable)]
pub fn sync_disable(handle: &mut VaultHandle) -> Result<(), JsValue> {
    let mut changed = handle.vault().clone();
    for k in [KEY_SETTING, SLOT_SETTING, SALT_SETTING] {
        changed.settings.remove(k);
    }
    handle.replace(changed)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SetupJs {
    enabled: bool,
    protected: bool,
    /// The vault password changed on this device since sync was set up.
    password_changed_here: bool,
}

/// `{enabled, protected, passwordChangedHere}`.
#[wasm_bindgen(js_name = syncSetup)]
pub fn sync_setup(handle: &VaultHandle) -> Result<JsValue, JsValue> {
    let v = handle.vault();
    let salt = vault_salt(handle);
    to_js(&SetupJs {
        enabled: v.settings.contains_key(KEY_SETTING),
        protected: salt.is_some(),
        password_changed_here: v.settings.contains_key(KEY_SETTING)
            && salt.as_ref() != v.settings.get(SALT_SETTING),
    })
}

// ---- Device-local state: base and conflicts -----------------------------------------------------

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct DetailsJs {
    issuer: String,
    account: String,
    algorithm: &'static str,
    digits: u8,
    period: u32,
}

impl DetailsJs {
    fn of(d: &Details) -> DetailsJs {
        DetailsJs {
            issuer: d.issuer.clone(),
            account: d.name.clone(),
            algorithm: d.algorithm.name(),
            digits: d.digits,
            period: d.period,
        }
    }
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ConflictJs {
    id: String,
    kept: DetailsJs,
    other: DetailsJs,
    /// Unix milliseconds of the value that lost.
    other_at: f64,
}

struct Local {
    base: sync::Base,
    conflicts: Vec<ConflictJs>,
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    let b = &s.as_bytes()[..s.len().min(u16::MAX as usize)];
    out.extend_from_slice(&(b.len() as u16).to_be_bytes());
    out.extend_from_slice(b);
}

fn put_details(out: &mut Vec<u8>, d: &DetailsJs) {
    put_str(out, &d.issuer);
    put_str(out, &d.account);
    put_str(out, d.algorithm);
    out.push(d.digits);
    out.extend_from_slice(&d.period.to_be_bytes());
}

fn encode_local(l: &Local) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::new());
    out.extend_from_slice(&(l.base.len() as u32).to_be_bytes());
    for (id, s) in &l.base {
        out.extend_from_slice(&id.0);
        out.extend_from_slice(&s.millis.to_be_bytes());
        out.extend_from_slice(&s.counter.to_be_bytes());
        out.extend_from_slice(&s.device.0);
    }
    out.extend_from_slice(&(l.conflicts.len() as u32).to_be_bytes());
    for c in &l.conflicts {
        put_str(&mut out, &c.id);
        put_details(&mut out, &c.kept);
        put_details(&mut out, &c.other);
        out.extend_from_slice(&c.other_at.to_be_bytes());
    }
    out
}

struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn arr<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }
    fn string(&mut self) -> Option<String> {
        let n = u16::from_be_bytes(self.arr()?);
        String::from_utf8(self.take(usize::from(n))?.to_vec()).ok()
    }
    fn details(&mut self) -> Option<DetailsJs> {
        let issuer = self.string()?;
        let account = self.string()?;
        let algorithm = match self.string()?.as_str() {
            "SHA256" => "SHA256",
            "SHA512" => "SHA512",
            _ => "SHA1",
        };
        Some(DetailsJs {
            issuer,
            account,
            algorithm,
            digits: self.arr::<1>()?[0],
            period: u32::from_be_bytes(self.arr()?),
        })
    }
}

fn decode_local(b: &[u8]) -> Option<Local> {
    let mut c = Cursor(b);
    let n = u32::from_be_bytes(c.arr()?) as usize;
    let mut base = sync::Base::new();
    for _ in 0..n.min(b.len() / 28) {
        let id = RecordId(c.arr()?);
        let stamp = Stamp {
            millis: u64::from_be_bytes(c.arr()?),
            counter: u32::from_be_bytes(c.arr()?),
            device: DeviceId(c.arr()?),
        };
        base.insert(id, stamp);
    }
    let n = u32::from_be_bytes(c.arr()?) as usize;
    let mut conflicts = Vec::new();
    for _ in 0..n.min(MAX_CONFLICTS) {
        conflicts.push(ConflictJs {
            id: c.string()?,
            kept: c.details()?,
            other: c.details()?,
            other_at: f64::from_be_bytes(c.arr()?),
        });
    }
    Some(Local { base, conflicts })
}

/// The local blob opened with `key`; empty when absent or sealed under another key.
fn open_local(key: &SyncKey, sealed: Option<Vec<u8>>) -> Local {
    sealed
        .and_then(|s| sync::format::open_local(key, &s).ok())
        .and_then(|plain| decode_local(&plain))
        .unwrap_or(Local {
            base: sync::Base::new(),
            conflicts: Vec::new(),
        })
}

// ---- The round ----------------------------------------------------------------------------------

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WritesJs {
    /// `[[key, value]]` of new chunks (one `set` call).
    set: Vec<(String, String)>,
    manifest_key: String,
    manifest_value: String,
    remove: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NoticeJs {
    kind: &'static str,
    id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StepJs {
    vault_changed: bool,
    writes: Option<WritesJs>,
    over_quota: bool,
    bytes: usize,
    items: usize,
    accounts: usize,
    /// The new local blob (bytes), to store once the writes are done.
    local: Vec<u8>,
    new_conflicts: usize,
    notices: Vec<NoticeJs>,
}

fn items_from(items: &js_sys::Array) -> Result<Vec<(String, String)>, JsValue> {
    items
        .iter()
        .map(|pair| {
            let pair = js_sys::Array::from(&pair);
            match (pair.get(0).as_string(), pair.get(1).as_string()) {
                (Some(k), Some(v)) => Ok((k, v)),
                _ => Err(err(&SyncBindError::InvalidItems)),
            }
        })
        .collect()
}

/// One sync round (tessera-core `sync::step`). `items`: `[[key, value]]` of every `storage.sync`
/// item whose key starts with `~`; `otherBytes`/`otherItems`: what other items use; `local`: the
/// blob from the last round (or undefined). With `commit`, a changed vault is resealed into the
/// handle (the caller saves it); without, the handle is left as it is and `vaultChanged` says
/// whether a committing round is needed. Errors: `sync_key_changed` (enter the new password),
/// `sync_incomplete` (another device is writing; try later), `sync_not_enabled`.
#[wasm_bindgen(js_name = syncStep)]
#[allow(clippy::too_many_arguments)] // Conversions of the core's arguments, one for one.
pub fn sync_step(
    handle: &mut VaultHandle,
    items: js_sys::Array,
    other_bytes: usize,
    other_items: usize,
    local: Option<Vec<u8>>,
    unix_ms: f64,
    allow_incomplete: bool,
    commit: bool,
) -> Result<JsValue, JsValue> {
    let Some((key, slot)) = setup_of(handle.vault())? else {
        return Err(err(&SyncBindError::NotEnabled));
    };
    let remote = Remote {
        items: items_from(&items)?,
        other_bytes,
        other_items,
    };
    let mut previous = open_local(&key, local);
    let now = unix_ms.max(0.0).floor() as u64;
    let device = handle.device();
    let outcome = with_rng(|rng| {
        sync::step(
            handle.vault(),
            &key,
            &slot,
            &remote,
            &previous.base,
            device,
            now,
            allow_incomplete,
            rng,
        )
    })?
    .map_err(|e| err(&e))?;
    let vault_changed = outcome.vault.is_some();
    let new_conflicts = outcome.conflicts.len();
    for c in &outcome.conflicts {
        previous.conflicts.push(ConflictJs {
            id: c.id.to_hex(),
            kept: DetailsJs::of(&c.kept),
            other: DetailsJs::of(&c.other),
            other_at: c.other_stamp.millis as f64,
        });
    }
    let drop_n = previous.conflicts.len().saturating_sub(MAX_CONFLICTS);
    previous.conflicts.drain(..drop_n);
    let next = Local {
        base: outcome.base,
        conflicts: previous.conflicts,
    };
    let sealed_local = with_rng(|rng| sync::format::seal_local(&key, &encode_local(&next), rng))?;
    if commit {
        if let Some(v) = outcome.vault {
            handle.replace(v)?;
        }
    }
    to_js(&StepJs {
        vault_changed,
        writes: outcome.writes.map(|w| WritesJs {
            set: w.set,
            manifest_key: w.manifest.0,
            manifest_value: w.manifest.1,
            remove: w.remove,
        }),
        over_quota: outcome.over_quota,
        bytes: outcome.usage.bytes,
        items: outcome.usage.items,
        accounts: outcome.usage.accounts,
        local: sealed_local,
        new_conflicts,
        notices: outcome
            .notices
            .iter()
            .map(|n| match n {
                Notice::KeptAfterDelete { id } => NoticeJs {
                    kind: "kept_after_delete",
                    id: id.to_hex(),
                },
                _ => NoticeJs {
                    kind: "other",
                    id: String::new(),
                },
            })
            .collect(),
    })
}

/// The conflicts kept in the local blob, newest last: `[{id, kept, other, otherAt}]` (labels only).
#[wasm_bindgen(js_name = syncConflicts)]
pub fn sync_conflicts(handle: &VaultHandle, local: Option<Vec<u8>>) -> Result<JsValue, JsValue> {
    let Some((key, _)) = setup_of(handle.vault())? else {
        return to_js(&Vec::<ConflictJs>::new());
    };
    to_js(&open_local(&key, local).conflicts)
}

/// The local blob with the conflict list emptied (the user has reviewed it).
#[wasm_bindgen(js_name = syncDismissConflicts)]
pub fn sync_dismiss_conflicts(
    handle: &VaultHandle,
    local: Option<Vec<u8>>,
) -> Result<Vec<u8>, JsValue> {
    let Some((key, _)) = setup_of(handle.vault())? else {
        return Err(err(&SyncBindError::NotEnabled));
    };
    let mut l = open_local(&key, local);
    l.conflicts.clear();
    with_rng(|rng| sync::format::seal_local(&key, &encode_local(&l), rng))
}
