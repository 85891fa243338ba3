//! The vault as the service worker sees it: an opaque [`VaultHandle`] owned by wasm, holding the
//! decrypted vault and its data key, plus the store planning functions of
//! `tessera_core::vault::store` for the worker's asynchronous `chrome.storage`.
//!
//! Conversions only: every decision (what is a duplicate, how a save is ordered, which generation
//! is current, how a backup merges) is the core's. Keys enter here as derived bits
//! ([`VaultHandle::open_with_key`], [`VaultHandle::set_password`]) and leave only as the session
//! cache bytes ([`VaultHandle::session_key`]); key buffers passed in are `&mut [u8]`, which this
//! module overwrites with zeros and wasm-bindgen copies back, so the caller's `Uint8Array` and the
//! copy in wasm memory are both wiped.

use serde::Serialize;
use tessera_core::vault::{
    self, store, Conflict, DataKey, DerivedKey, Details, DeviceId, Entry, KdfParams, MergeReport,
    Protection, RecordId, Stamp, Vault, VaultError, DELETED_RETENTION_MILLIS, MAX_SITES,
    MAX_SITE_BYTES,
};
use tessera_core::{uri, Account, Algorithm};
use wasm_bindgen::prelude::*;

use super::{
    account_from_js, exact_in_js, js_error, ms_to_secs, to_js, to_js_via_json, with_rng, BindError,
    CodeJs, Coded,
};

impl Coded for VaultError {
    fn code(&self) -> &'static str {
        VaultError::code(self)
    }
}

/// The vault bindings' own errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum VaultBindError {
    /// The vault already holds the same account (same type and secret).
    Duplicate,
    /// No live account has that id.
    NotFound,
    /// A device id is not 8 bytes, or a record id not 16 hex digits.
    InvalidId,
    /// The details object is not `{issuer, account, algorithm, digits, period, counter}`.
    InvalidDetails,
    /// A stored generation list is not an array of byte arrays as long as the key list.
    InvalidEntries,
}

impl VaultBindError {
    /// Stable code, usable as a message name.
    pub fn code(&self) -> &'static str {
        match self {
            VaultBindError::Duplicate => "account_duplicate",
            VaultBindError::NotFound => "account_not_found",
            VaultBindError::InvalidId => "id_invalid",
            VaultBindError::InvalidDetails => "details_invalid",
            VaultBindError::InvalidEntries => "entries_invalid",
        }
    }
}

impl core::fmt::Display for VaultBindError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            VaultBindError::Duplicate => "the vault already holds this account",
            VaultBindError::NotFound => "no account has this id",
            VaultBindError::InvalidId => "an id has the wrong form",
            VaultBindError::InvalidDetails => "not an account details object",
            VaultBindError::InvalidEntries => "stored entries must be byte arrays, one per key",
        })
    }
}

impl Coded for VaultBindError {
    fn code(&self) -> &'static str {
        VaultBindError::code(self)
    }
}

fn err(e: &impl Coded) -> JsValue {
    js_error(e)
}

fn device_from(bytes: &[u8]) -> Result<DeviceId, JsValue> {
    <[u8; 8]>::try_from(bytes)
        .map(DeviceId)
        .map_err(|_| err(&VaultBindError::InvalidId))
}

fn record_id(text: &str) -> Result<RecordId, JsValue> {
    RecordId::from_hex(text).ok_or_else(|| err(&VaultBindError::InvalidId))
}

/// Unix milliseconds (a JS time) as the core's `u64`.
fn millis(unix_ms: f64) -> Result<u64, JsValue> {
    ms_to_secs(unix_ms).map_err(|e| err(&e))?;
    Ok(unix_ms.floor() as u64)
}

/// Overwrites a key buffer handed in from JavaScript (copied back to its `Uint8Array`).
fn wipe(bytes: &mut [u8]) {
    bytes.fill(0);
}

/// What the popup may see of an account: labels, parameters and the current code, never the secret.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListedJs {
    id: String,
    #[serde(rename = "type")]
    otp_type: &'static str,
    issuer: String,
    account: String,
    digits: u8,
    period: u32,
    /// The sites the account is bound to (host names; registrable domains are issue 8's).
    sites: Vec<String>,
    /// Shown above the unpinned accounts.
    pinned: bool,
    /// TOTP and Steam: the code of the next step (shown in the last seconds of this one); in
    /// developer mode also HOTP's next counter.
    next_code: Option<String>,
    /// Developer mode only: the code of the step (or counter) before the shown one.
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_code: Option<String>,
    #[serde(flatten)]
    code: CodeJs,
}

/// One entry of `list`: an account, or why its code could not be computed.
#[derive(Serialize)]
#[serde(untagged)]
enum Listed {
    Account(Box<ListedJs>),
    Error(ListErrorJs),
}

/// A recently deleted account, for the "recently deleted" view: labels only.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeletedJs {
    id: String,
    #[serde(rename = "type")]
    otp_type: &'static str,
    issuer: String,
    account: String,
    deleted_at: f64,
    /// When it stops being restorable (Unix milliseconds).
    purge_at: f64,
}

/// What the details view shows after the password (or a confirmation): the secret in base32 and
/// the account's canonical `otpauth://` URI (for its QR code).
#[derive(Serialize)]
struct RevealJs {
    secret: String,
    uri: String,
}

#[derive(Serialize)]
struct ListErrorJs {
    id: String,
    error: &'static str,
}

/// An account's details without type and secret (conflicts, `updateDetails`).
#[derive(Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DetailsJs {
    issuer: String,
    account: String,
    algorithm: String,
    digits: u8,
    period: u32,
    counter: u64,
}

impl DetailsJs {
    fn from_details(d: &Details) -> DetailsJs {
        DetailsJs {
            issuer: d.issuer.clone(),
            account: d.name.clone(),
            algorithm: d.algorithm.name().to_owned(),
            digits: d.digits,
            period: d.period,
            counter: d.counter,
        }
    }

    fn to_details(&self) -> Result<Details, JsValue> {
        Ok(Details {
            issuer: self.issuer.clone(),
            name: self.account.clone(),
            algorithm: Algorithm::from_name(&self.algorithm)
                .ok_or_else(|| err(&VaultBindError::InvalidDetails))?,
            digits: self.digits,
            period: self.period,
            counter: self.counter,
        })
    }
}

#[derive(Serialize)]
struct ConflictJs {
    id: String,
    #[serde(rename = "type")]
    otp_type: &'static str,
    current: DetailsJs,
    imported: DetailsJs,
}

#[derive(Serialize)]
struct MergeJs {
    added: Vec<String>,
    unchanged: usize,
    conflicts: Vec<ConflictJs>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HeaderJs {
    format_version: u16,
    protected: bool,
    #[serde(with = "serde_bytes_opt")]
    salt: Option<Vec<u8>>,
    iterations: Option<u32>,
}

/// Serializes bytes as a `Uint8Array` (serde-wasm-bindgen does so for byte buffers).
mod serde_bytes_opt {
    use serde::Serializer;

    pub fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(b) => s.serialize_bytes(b),
            None => s.serialize_none(),
        }
    }
}

/// Reads the clear-text header: `{formatVersion, protected, salt, iterations}` (salt and iterations
/// of the first password slot, `null` without one). Needs no key.
#[wasm_bindgen(js_name = vaultHeader)]
pub fn vault_header(sealed: &[u8]) -> Result<JsValue, JsValue> {
    let info = vault::header_info(sealed).map_err(|e| err(&e))?;
    let password = info.password();
    let h = HeaderJs {
        format_version: info.format_version,
        protected: password.is_some(),
        salt: password.map(|k| k.salt().to_vec()),
        iterations: password.map(KdfParams::iterations),
    };
    // Not json_compatible: the salt must arrive as a Uint8Array for WebCrypto.
    h.serialize(&serde_wasm_bindgen::Serializer::new())
        .map_err(|_| err(&crate::BindError::Unrepresentable))
}

/// The core's save plan (`store::plan_save`) for the keys present and the pointer's value:
/// `{generationKey, pointerValue, removeAfter}`. Do the writes in that order.
#[wasm_bindgen(js_name = planSave)]
pub fn plan_save(keys: Vec<String>, pointer: Option<Vec<u8>>) -> Result<JsValue, JsValue> {
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let plan = store::plan_save(&keys, pointer.as_deref()).map_err(|e| err(&e))?;
    let out = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&out, &JsValue::from_str(k), v);
    set("generationKey", &JsValue::from_str(&plan.generation_key))?;
    set(
        "pointerValue",
        &js_sys::Uint8Array::from(&plan.pointer_value[..]).into(),
    )?;
    set("removeAfter", &to_js(&plan.remove_after)?)?;
    Ok(out.into())
}

fn entries(keys: &[String], values: &js_sys::Array) -> Result<Vec<Vec<u8>>, JsValue> {
    if values.length() as usize != keys.len() {
        return Err(err(&VaultBindError::InvalidEntries));
    }
    values
        .iter()
        .map(|v| {
            v.dyn_into::<js_sys::Uint8Array>()
                .map(|a| a.to_vec())
                .map_err(|_| err(&VaultBindError::InvalidEntries))
        })
        .collect()
}

/// The generation to open (`store::select_current`) among `keys[i]` → `values[i]` (Uint8Arrays):
/// `{index, generation, fromPointer}`, or `null` when none is complete.
#[wasm_bindgen(js_name = selectCurrent)]
pub fn select_current(
    pointer: Option<Vec<u8>>,
    keys: Vec<String>,
    values: js_sys::Array,
) -> Result<JsValue, JsValue> {
    let values = entries(&keys, &values)?;
    let pairs: Vec<(&str, &[u8])> = keys
        .iter()
        .map(String::as_str)
        .zip(values.iter().map(Vec::as_slice))
        .collect();
    match store::select_current(pointer.as_deref(), &pairs) {
        None => Ok(JsValue::NULL),
        Some(s) => {
            let out = js_sys::Object::new();
            js_sys::Reflect::set(&out, &"index".into(), &JsValue::from_f64(s.index as f64))?;
            js_sys::Reflect::set(
                &out,
                &"generation".into(),
                &JsValue::from_f64(s.generation as f64),
            )?;
            js_sys::Reflect::set(&out, &"fromPointer".into(), &s.from_pointer.into())?;
            Ok(out.into())
        }
    }
}

/// The generation keys to remove after a successful open (`store::plan_tidy`), so no older copy
/// (perhaps without a password) outlives an interrupted save.
#[wasm_bindgen(js_name = planTidy)]
pub fn plan_tidy(
    pointer: Option<Vec<u8>>,
    keys: Vec<String>,
    values: js_sys::Array,
) -> Result<Vec<String>, JsValue> {
    let values = entries(&keys, &values)?;
    let pairs: Vec<(&str, &[u8])> = keys
        .iter()
        .map(String::as_str)
        .zip(values.iter().map(Vec::as_slice))
        .collect();
    Ok(store::plan_tidy(pointer.as_deref(), &pairs))
}

/// An open vault, owned by wasm: the decrypted records, the data key and the sealed bytes as last
/// sealed. JavaScript holds only this handle; call `free()` to drop it (which zeroizes secrets and
/// keys). Every change reseals at once: read `sealed()` and store it.
#[wasm_bindgen]
pub struct VaultHandle {
    vault: Vault,
    key: DataKey,
    sealed: Vec<u8>,
    device: DeviceId,
}

impl VaultHandle {
    fn stamp(&self, unix_ms: f64) -> Result<Stamp, JsValue> {
        Ok(Stamp::next(
            self.vault.latest_stamp().as_ref(),
            millis(unix_ms)?,
            self.device,
        ))
    }

    /// Reseals `changed` under the current key and slots and, only if that worked, takes it.
    fn commit(&mut self, changed: Vault) -> Result<(), JsValue> {
        let sealed = with_rng(|rng| vault::reseal(&changed, &self.key, &self.sealed, rng))?
            .map_err(|e| err(&e))?;
        self.vault = changed;
        self.sealed = sealed;
        Ok(())
    }

    fn conflict_js(&self, c: &Conflict) -> ConflictJs {
        let otp_type = self
            .vault
            .accounts()
            .find(|(id, _, _)| *id == c.id)
            .map_or("totp", |(_, a, _)| a.otp_type.name());
        ConflictJs {
            id: c.id.to_hex(),
            otp_type,
            current: DetailsJs::from_details(&c.current),
            imported: DetailsJs::from_details(&c.imported),
        }
    }
}

#[wasm_bindgen]
impl VaultHandle {
    /// A new empty vault without a password (a `none` slot), for the device `device` (8 bytes).
    pub fn create(device: &[u8]) -> Result<VaultHandle, JsValue> {
        let device = device_from(device)?;
        let vault = Vault::new();
        let (sealed, key) = with_rng(|rng| vault::seal_new(&vault, &Protection::None, rng))?
            .map_err(|e| err(&e))?;
        Ok(VaultHandle {
            vault,
            key,
            sealed,
            device,
        })
    }

    /// Opens a vault without a password.
    #[wasm_bindgen(js_name = openUnprotected)]
    pub fn open_unprotected(sealed: &[u8], device: &[u8]) -> Result<VaultHandle, JsValue> {
        let device = device_from(device)?;
        let (vault, key) = vault::open_unprotected(sealed).map_err(|e| err(&e))?;
        Ok(VaultHandle {
            vault,
            key,
            sealed: sealed.to_vec(),
            device,
        })
    }

    /// Opens a password vault with the 32 bits WebCrypto derived from its password (parameters from
    /// `vaultHeader`). `derived` is wiped (zeros), success or not. Wrong password and damaged data
    /// are both `vault_decrypt`.
    #[wasm_bindgen(js_name = openWithKey)]
    pub fn open_with_key(
        sealed: &[u8],
        derived: &mut [u8],
        device: &[u8],
    ) -> Result<VaultHandle, JsValue> {
        let key = DerivedKey::from_slice(derived);
        wipe(derived);
        let device = device_from(device)?;
        let (vault, key) =
            vault::open_with_key(sealed, &key.map_err(|e| err(&e))?).map_err(|e| err(&e))?;
        Ok(VaultHandle {
            vault,
            key,
            sealed: sealed.to_vec(),
            device,
        })
    }

    /// Opens a vault with the data key from the session cache (`sessionKey()` of an earlier
    /// handle). `session` is wiped.
    #[wasm_bindgen(js_name = openWithSessionKey)]
    pub fn open_with_session_key(
        sealed: &[u8],
        session: &mut [u8],
        device: &[u8],
    ) -> Result<VaultHandle, JsValue> {
        let key = DataKey::from_session_bytes(session);
        wipe(session);
        let key = key.map_err(|e| err(&e))?;
        let device = device_from(device)?;
        let vault = vault::open_with_data_key(sealed, &key).map_err(|e| err(&e))?;
        Ok(VaultHandle {
            vault,
            key,
            sealed: sealed.to_vec(),
            device,
        })
    }

    /// Checks that `derived` (bits from the password, with this vault's own salt and iterations)
    /// opens this vault; `vault_decrypt` if not. `derived` is wiped.
    #[wasm_bindgen(js_name = checkKey)]
    pub fn check_key(&self, derived: &mut [u8]) -> Result<(), JsValue> {
        let key = DerivedKey::from_slice(derived);
        wipe(derived);
        vault::open_with_key(&self.sealed, &key.map_err(|e| err(&e))?)
            .map(drop)
            .map_err(|e| err(&e))
    }

    /// The sealed vault as last sealed (a copy), to store.
    pub fn sealed(&self) -> Vec<u8> {
        self.sealed.clone()
    }

    /// The data key for `chrome.storage.session`, and for nothing else (one of the
    /// two places a key becomes a JavaScript value).
    #[wasm_bindgen(js_name = sessionKey)]
    pub fn session_key(&self) -> Vec<u8> {
        self.key.to_session_bytes().to_vec()
    }

    /// Whether the vault has a password slot.
    #[wasm_bindgen(js_name = isProtected)]
    pub fn is_protected(&self) -> bool {
        vault::header_info(&self.sealed).is_ok_and(|h| h.password().is_some())
    }

    /// Number of live accounts.
    pub fn count(&self) -> usize {
        self.vault.accounts().count()
    }

    /// Labels and codes at `unix_ms`: `[{id, type, issuer, account, digits, period, sites, pinned,
    /// nextCode, code, counter, validFrom, validUntil}]`, or `{id, error}` for an account whose code cannot be computed.
    /// Never a secret.
    ///
    /// Developer mode passes `offset_steps` (issue 12's time travel; 0 for now): then `code` and
    /// `counter` are those `offset_steps` of the account's own steps away (HOTP: counters ahead of
    /// the stored one), `previousCode` and `nextCode` are their neighbours (HOTP too), and
    /// `validFrom`/`validUntil` stay those of the real current step, which is when the shown codes
    /// change.
    pub fn list(&self, unix_ms: f64, offset_steps: Option<i32>) -> Result<JsValue, JsValue> {
        let secs = ms_to_secs(unix_ms).map_err(|e| err(&e))?;
        let developer = offset_steps.is_some();
        let offset = i64::from(offset_steps.unwrap_or(0));
        let mut out = Vec::new();
        for (id, a, sites) in self.vault.accounts() {
            let shown = a.code_at_offset(secs, offset).and_then(|code| {
                // The bounds of the real step: equal to the shown code's without time travel.
                let real = if offset == 0 {
                    code.clone()
                } else {
                    a.code_at(secs)?
                };
                Ok((code, real))
            });
            let item = match shown {
                // An HOTP counter past 2^53 (imported) has no exact JavaScript number: that tile
                // says so rather than the whole list failing.
                Ok((code, _)) if !exact_in_js(code.counter) => Listed::Error(ListErrorJs {
                    id: id.to_hex(),
                    error: BindError::Unrepresentable.code(),
                }),
                Ok((code, real)) => Listed::Account(Box::new(ListedJs {
                    id: id.to_hex(),
                    otp_type: a.otp_type.name(),
                    issuer: a.issuer.clone(),
                    account: a.name.clone(),
                    digits: a.digits,
                    period: a.period,
                    sites: sites.to_vec(),
                    pinned: self.vault.is_pinned(id),
                    next_code: (developer || code.valid_until.is_some())
                        .then(|| a.code_at_offset(secs, offset.saturating_add(1)).ok())
                        .flatten()
                        .map(|c| c.code),
                    previous_code: developer
                        .then(|| a.code_at_offset(secs, offset.saturating_sub(1)).ok())
                        .flatten()
                        .map(|c| c.code),
                    code: {
                        let real = CodeJs::from(real);
                        CodeJs {
                            valid_from: real.valid_from,
                            valid_until: real.valid_until,
                            ..CodeJs::from(code)
                        }
                    },
                })),
                Err(e) => Listed::Error(ListErrorJs {
                    id: id.to_hex(),
                    error: e.code(),
                }),
            };
            out.push(item);
        }
        to_js_via_json(&out)
    }

    /// Adds an account object (`{type, issuer, account, secret, …}`) unless the vault holds the same
    /// account (`account_duplicate`); reseals. Returns the new id. `sites` (optional): the host
    /// names the account is bound to, lower-cased, empty entries dropped; more than `MAX_SITES` or
    /// one longer than `MAX_SITE_BYTES` is `details_invalid`.
    pub fn add(
        &mut self,
        account: JsValue,
        unix_ms: f64,
        sites: JsValue,
    ) -> Result<String, JsValue> {
        let account = account_from_js(account)?;
        let sites = sites_from_js(sites)?;
        self.add_account(account, sites, unix_ms)
    }

    /// Adds the account of an `otpauth://` URI (the foundation's storage format), as `add`.
    #[wasm_bindgen(js_name = addUri)]
    pub fn add_uri(&mut self, text: &str, unix_ms: f64) -> Result<String, JsValue> {
        let account = uri::parse(text).map_err(|e| err(&e))?;
        self.add_account(account, Vec::new(), unix_ms)
    }

    /// Replaces an account's details (`{issuer, account, algorithm, digits, period, counter}`), for
    /// example with the imported side of a conflict; reseals.
    #[wasm_bindgen(js_name = updateDetails)]
    pub fn update_details(
        &mut self,
        id: &str,
        details: JsValue,
        unix_ms: f64,
    ) -> Result<(), JsValue> {
        let id = record_id(id)?;
        let details: DetailsJs = serde_wasm_bindgen::from_value(details)
            .map_err(|_| err(&VaultBindError::InvalidDetails))?;
        let details = details.to_details()?;
        let stamp = self.stamp(unix_ms)?;
        let mut changed = self.vault.clone();
        match changed.update_details(id, &details, stamp) {
            Ok(true) => self.commit(changed),
            Ok(false) => Err(err(&VaultBindError::NotFound)),
            Err(e) => Err(err(&e)),
        }
    }

    /// Deletes an account: it moves to "recently deleted" (restorable for 30 days, see
    /// `listDeleted`); reseals.
    pub fn remove(&mut self, id: &str, unix_ms: f64) -> Result<(), JsValue> {
        let id = record_id(id)?;
        let stamp = self.stamp(unix_ms)?;
        self.change(|v| v.delete(id, stamp))
    }

    /// Deletes for good: a live or recently deleted account becomes a plain tombstone; reseals.
    pub fn erase(&mut self, id: &str, unix_ms: f64) -> Result<(), JsValue> {
        let id = record_id(id)?;
        let stamp = self.stamp(unix_ms)?;
        self.change(|v| v.erase(id, stamp))
    }

    /// Restores a recently deleted account to its place; `account_duplicate` when the vault holds
    /// the same account again, `account_not_found` when it is not restorable; reseals.
    pub fn restore(&mut self, id: &str, unix_ms: f64) -> Result<(), JsValue> {
        let id = record_id(id)?;
        let stamp = self.stamp(unix_ms)?;
        let mut changed = self.vault.clone();
        match changed.restore(id, stamp) {
            Ok(true) => self.commit(changed),
            Ok(false) => Err(err(&VaultBindError::NotFound)),
            Err(_) => Err(err(&VaultBindError::Duplicate)),
        }
    }

    /// The recently deleted accounts still restorable at `unix_ms`: `[{id, type, issuer, account,
    /// deletedAt, purgeAt}]`, in order. Never a secret.
    #[wasm_bindgen(js_name = listDeleted)]
    pub fn list_deleted(&self, unix_ms: f64) -> Result<JsValue, JsValue> {
        let now = millis(unix_ms)?;
        let items: Vec<DeletedJs> = self
            .vault
            .recently_deleted(now)
            .map(|(id, at, a, _)| DeletedJs {
                id: id.to_hex(),
                otp_type: a.otp_type.name(),
                issuer: a.issuer.clone(),
                account: a.name.clone(),
                deleted_at: at as f64,
                purge_at: at.saturating_add(DELETED_RETENTION_MILLIS) as f64,
            })
            .collect();
        to_js(&items)
    }

    /// Drops deleted accounts older than 30 days (plain tombstones remain); reseals only when
    /// something changed, and says whether it did (then store `sealed()`).
    #[wasm_bindgen(js_name = purgeExpired)]
    pub fn purge_expired(&mut self, unix_ms: f64) -> Result<bool, JsValue> {
        let now = millis(unix_ms)?;
        let mut changed = self.vault.clone();
        if !changed.purge_expired(now) {
            return Ok(false);
        }
        self.commit(changed)?;
        Ok(true)
    }

    /// Pins (`true`) or unpins a live account; reseals.
    #[wasm_bindgen(js_name = setPinned)]
    pub fn set_pinned(&mut self, id: &str, pinned: bool, unix_ms: f64) -> Result<(), JsValue> {
        let id = record_id(id)?;
        let stamp = self.stamp(unix_ms)?;
        self.change(|v| v.set_pinned(id, pinned, stamp))
    }

    /// Moves live account `id` just before `target` (or just after, with `after`); reseals.
    #[wasm_bindgen(js_name = moveRecord)]
    pub fn move_record(
        &mut self,
        id: &str,
        target: &str,
        after: bool,
        unix_ms: f64,
    ) -> Result<(), JsValue> {
        let id = record_id(id)?;
        let target = record_id(target)?;
        let stamp = self.stamp(unix_ms)?;
        self.change(|v| v.move_record(id, target, after, stamp))
    }

    /// Advances a live HOTP account's counter ("next code"); reseals and returns the new counter.
    /// `account_not_found` for a missing or non-HOTP account.
    #[wasm_bindgen(js_name = hotpNext)]
    pub fn hotp_next(&mut self, id: &str, unix_ms: f64) -> Result<f64, JsValue> {
        let id = record_id(id)?;
        let stamp = self.stamp(unix_ms)?;
        let mut changed = self.vault.clone();
        let counter = changed
            .hotp_next(id, stamp)
            .ok_or_else(|| err(&VaultBindError::NotFound))?;
        self.commit(changed)?;
        Ok(counter as f64)
    }

    /// Replaces a live account's issuer, account name and sites (as `add` takes them); reseals.
    #[wasm_bindgen(js_name = editLabels)]
    pub fn edit_labels(
        &mut self,
        id: &str,
        issuer: &str,
        account: &str,
        sites: JsValue,
        unix_ms: f64,
    ) -> Result<(), JsValue> {
        let id = record_id(id)?;
        let sites = sites_from_js(sites)?;
        let stamp = self.stamp(unix_ms)?;
        let mut changed = self.vault.clone();
        match changed.edit_labels(id, issuer.trim(), account.trim(), sites, stamp) {
            Ok(true) => self.commit(changed),
            Ok(false) => Err(err(&VaultBindError::NotFound)),
            Err(e) => Err(err(&e)),
        }
    }

    /// The secret (base32) and `otpauth://` URI of a live account: `{secret, uri}`. Only for the
    /// details view, after the worker checked the password (or the user confirmed, without one).
    pub fn reveal(&self, id: &str) -> Result<JsValue, JsValue> {
        let id = record_id(id)?;
        let account = self
            .vault
            .records
            .iter()
            .find(|r| r.id == id)
            .and_then(|r| match &r.entry {
                Entry::Account { account, .. } => Some(account),
                Entry::Deleted { .. } => None,
            })
            .ok_or_else(|| err(&VaultBindError::NotFound))?;
        to_js(&RevealJs {
            secret: account.secret.to_base32(),
            uri: uri::write(account),
        })
    }

    /// Sets or changes the password: a new data key, wrapped with the bits WebCrypto derived from
    /// the new password with `salt` and `iterations`. `derived` is wiped. The caller stores
    /// `sealed()` and replaces the session key with `sessionKey()`.
    #[wasm_bindgen(js_name = setPassword)]
    pub fn set_password(
        &mut self,
        derived: &mut [u8],
        salt: Vec<u8>,
        iterations: u32,
    ) -> Result<(), JsValue> {
        let key = DerivedKey::from_slice(derived);
        wipe(derived);
        let key = key.map_err(|e| err(&e))?;
        let kdf = KdfParams::new(salt, iterations).map_err(|e| err(&e))?;
        let (sealed, data_key) =
            with_rng(|rng| vault::change_password(&self.vault, key, kdf, rng))?
                .map_err(|e| err(&e))?;
        self.sealed = sealed;
        self.key = data_key;
        Ok(())
    }

    /// Removes the password: a new data key stored in the clear (the UI warns first).
    #[wasm_bindgen(js_name = removePassword)]
    pub fn remove_password(&mut self) -> Result<(), JsValue> {
        let (sealed, data_key) =
            with_rng(|rng| vault::remove_password(&self.vault, rng))?.map_err(|e| err(&e))?;
        self.sealed = sealed;
        self.key = data_key;
        Ok(())
    }

    /// Merges the accounts of another open vault (a restored backup) into this one and reseals:
    /// `{added: [id], unchanged, conflicts: [{id, type, current, imported}]}`; conflicting accounts
    /// keep their current details until `updateDetails`.
    pub fn merge(&mut self, other: &VaultHandle, unix_ms: f64) -> Result<JsValue, JsValue> {
        let now = millis(unix_ms)?;
        let mut changed = self.vault.clone();
        let device = self.device;
        let report: MergeReport =
            with_rng(|rng| changed.merge_accounts(&other.vault, now, device, rng))?;
        if !report.added.is_empty() {
            self.commit(changed)?;
        }
        to_js(&MergeJs {
            added: report.added.iter().map(RecordId::to_hex).collect(),
            unchanged: report.unchanged,
            conflicts: report
                .conflicts
                .iter()
                .map(|c| self.conflict_js(c))
                .collect(),
        })
    }
}

impl VaultHandle {
    /// Applies `f` to a copy of the vault; when it reports a change, reseals and takes the copy,
    /// otherwise `account_not_found`.
    fn change(&mut self, f: impl FnOnce(&mut Vault) -> bool) -> Result<(), JsValue> {
        let mut changed = self.vault.clone();
        if !f(&mut changed) {
            return Err(err(&VaultBindError::NotFound));
        }
        self.commit(changed)
    }

    fn add_account(
        &mut self,
        account: Account,
        sites: Vec<String>,
        unix_ms: f64,
    ) -> Result<String, JsValue> {
        account.validate().map_err(|e| err(&e))?;
        let stamp = self.stamp(unix_ms)?;
        let mut changed = self.vault.clone();
        let id = with_rng(|rng| changed.add_new_account(account, sites, stamp, rng))?
            .map_err(|_| err(&VaultBindError::Duplicate))?;
        self.commit(changed)?;
        Ok(id.to_hex())
    }
}

// For sibling binding modules (sync.rs): read the open vault, and replace it resealed.
impl VaultHandle {
    /// The open vault.
    pub(crate) fn vault(&self) -> &Vault {
        &self.vault
    }

    /// This installation's device id.
    pub(crate) fn device(&self) -> DeviceId {
        self.device
    }

    /// The sealed vault as last committed (for its header).
    pub(crate) fn sealed_bytes(&self) -> &[u8] {
        &self.sealed
    }

    /// Reseals `changed` under the current key and slots and, only if that worked, takes it.
    pub(crate) fn replace(&mut self, changed: Vault) -> Result<(), JsValue> {
        self.commit(changed)
    }
}

/// `undefined`/`null` → no sites; otherwise an array of strings, trimmed, lower-cased, without
/// empty entries or repeats, within the core's limits (`details_invalid` otherwise).
fn sites_from_js(value: JsValue) -> Result<Vec<String>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    let raw: Vec<String> =
        serde_wasm_bindgen::from_value(value).map_err(|_| err(&VaultBindError::InvalidDetails))?;
    let mut sites: Vec<String> = Vec::new();
    for s in raw {
        let s = s.trim().to_ascii_lowercase();
        if s.is_empty() || sites.contains(&s) {
            continue;
        }
        if s.len() > MAX_SITE_BYTES {
            return Err(err(&VaultBindError::InvalidDetails));
        }
        sites.push(s);
    }
    if sites.len() > MAX_SITES {
        return Err(err(&VaultBindError::InvalidDetails));
    }
    Ok(sites)
}
