//! The encrypted vault: format v1 (byte-exact in `docs/vault-format.md`), its keys, its compact body
//! and a crash-safe way to keep it in a key/value store.
//!
//! # Shape
//!
//! A sealed vault is a clear-text **header** (magic `TSRVAULT`, format version, lengths, key slots,
//! body nonce) followed by the **body**, the encoded [`Vault`] sealed with AES-256-GCM under a random
//! 256-bit [`DataKey`], with the whole header as associated data: changing any byte of the file
//! makes it fail to open. A **key slot** says how to get the data key: a `password` slot wraps it
//! (AES-256-GCM) under a key derived from the password with PBKDF2-HMAC-SHA256; a `none` slot holds
//! it in the clear, for vaults the user has not protected.
//!
//! # Keys and the browser
//!
//! Opening a password vault takes the 32 **derived** bytes ([`DerivedKey`]), not the password, so
//! the browser can run PBKDF2 in WebCrypto at native speed: read the salt and iterations with
//! [`header_info`], derive, then [`open_with_key`]. Natively, [`derive_password_key`] gives the same
//! bits. Once open, the [`DataKey`] saves again with [`reseal`] without any derivation, and can be
//! kept in the worker's session cache ([`DataKey::to_session_bytes`]).
//!
//! # Nonces
//!
//! Every seal draws a fresh random 96-bit nonce from the caller's RNG. A data key lives only until
//! the protection changes ([`change_password`], [`remove_password`], [`seal_new`] draw a new one), and
//! a password-derived key wraps exactly one data key (each new password gets a new random salt, and
//! even a repeated salt gets a new random wrap nonce). Seals under one data key are one per save: a
//! user saving every minute for a century makes about 2^26 of them, where the chance of a repeated
//! random 96-bit nonce is below 2^-44, far inside NIST SP 800-38D's bound of 2^32 random-nonce seals
//! per key.
//!
//! # Purity
//!
//! Nothing here reads a clock, draws randomness or does I/O: randomness is an [`Rng`] closure, time
//! is an argument ([`Stamp::next`]), storage is a [`store::Store`].

mod body;
mod codec;
mod error;
mod header;
mod keys;
mod merge;
pub mod store;

use zeroize::Zeroizing;

pub use body::{DeviceId, Entry, Record, RecordId, Retained, Stamp, Vault};
pub use error::{StoreError, VaultError, VersionedPart};
pub use keys::{
    derive_password_key, DataKey, DerivedKey, KdfParams, Rng, KEY_BYTES, NONCE_BYTES, TAG_BYTES,
};
pub use merge::{same_account, Conflict, Details, MergeReport};

use header::{Parsed, Slot};

/// The first eight bytes of every sealed vault.
pub const MAGIC: [u8; 8] = *b"TSRVAULT";
/// The container format version this build writes and the newest it reads.
pub const FORMAT_VERSION: u16 = 1;
/// The newest body encoding version this build reads and writes. Version 2 adds pinned records
/// and deleted records that keep their account; a vault without either is still written as
/// version 1, byte for byte as before.
pub const BODY_VERSION: u64 = 2;
/// How long a deleted account stays restorable ("recently deleted") before
/// [`Vault::purge_expired`] drops it: 30 days, in milliseconds.
pub const DELETED_RETENTION_MILLIS: u64 = 30 * 24 * 60 * 60 * 1000;

/// PBKDF2-HMAC-SHA256 iterations for new passwords: OWASP Password Storage Cheat Sheet (2023),
/// "PBKDF2-HMAC-SHA256: 600,000 iterations".
pub const PBKDF2_ITERATIONS: u32 = 600_000;
/// Fewest iterations a vault may name (tests use this floor to stay fast).
pub const MIN_PBKDF2_ITERATIONS: u32 = 10_000;
/// Most iterations a vault may name: about 17 times the default, so a hostile file cannot make an
/// unlock run for minutes.
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// Salt length for new passwords (128 bits, NIST SP 800-132's minimum).
pub const SALT_BYTES: usize = 16;
/// Shortest salt a vault may hold.
pub const MIN_SALT_BYTES: usize = 16;
/// Longest salt a vault may hold.
pub const MAX_SALT_BYTES: usize = 64;

/// Largest header (one password slot takes 82 bytes with a 16-byte salt).
pub const MAX_HEADER_BYTES: usize = 1024;
/// Most key slots in a header (v1 writes one).
pub const MAX_KEY_SLOTS: usize = 4;
/// Largest sealed body, tag included: 4 MiB, about forty times 1,000 typical accounts.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// Largest sealed vault.
pub const MAX_VAULT_BYTES: usize = MAX_HEADER_BYTES + MAX_BODY_BYTES;
/// Most records (accounts and tombstones).
pub const MAX_RECORDS: usize = 10_000;
/// Longest issuer or account name, in bytes.
pub const MAX_STRING_BYTES: usize = 1024;
/// Most sites per account.
pub const MAX_SITES: usize = 64;
/// Longest site, in bytes (the longest DNS name).
pub const MAX_SITE_BYTES: usize = 253;
/// Most settings.
pub const MAX_SETTINGS: usize = 256;
/// Longest setting key, in bytes.
pub const MAX_SETTING_KEY_BYTES: usize = 64;
/// Longest setting value, in bytes.
pub const MAX_SETTING_VALUE_BYTES: usize = 4096;

/// Associated data of the data-key wrap in a password slot (domain separation).
pub const WRAP_AAD: &[u8] = b"tessera vault v1 data key";

/// How a new vault's data key is protected.
#[derive(Debug)]
pub enum Protection {
    /// No password: a `none` slot holds the data key in the clear. The vault is readable by anyone
    /// who can read its bytes.
    None,
    /// A password: `key` was derived from it with `kdf` (salt and iterations), by
    /// [`derive_password_key`] or WebCrypto.
    Password {
        /// The derived key.
        key: DerivedKey,
        /// The salt and iterations `key` was derived with; stored in the slot.
        kdf: KdfParams,
    },
}

/// A key slot as [`header_info`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SlotInfo {
    /// The data key is stored unwrapped: no password.
    None,
    /// The data key is wrapped under a PBKDF2-HMAC-SHA256 key with these parameters.
    Password(KdfParams),
}

/// What can be read from a vault without a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderInfo {
    /// Container format version.
    pub format_version: u16,
    /// Key slots in order.
    pub slots: Vec<SlotInfo>,
    /// Header length in bytes.
    pub header_len: usize,
    /// Sealed body length in bytes (tag included).
    pub body_len: usize,
}

impl HeaderInfo {
    /// The parameters to derive the key of the first password slot with, if there is one.
    pub fn password(&self) -> Option<&KdfParams> {
        self.slots.iter().find_map(|s| match s {
            SlotInfo::Password(k) => Some(k),
            SlotInfo::None => None,
        })
    }
}

/// Reads the header: versions, slots and KDF parameters. Needs no key; checks every limit.
pub fn header_info(sealed: &[u8]) -> Result<HeaderInfo, VaultError> {
    let p = header::parse(sealed)?;
    Ok(HeaderInfo {
        format_version: FORMAT_VERSION,
        slots: p
            .slots
            .iter()
            .map(|s| match s {
                Slot::None { .. } => SlotInfo::None,
                Slot::Password { kdf, .. } => SlotInfo::Password(kdf.clone()),
            })
            .collect(),
        header_len: p.header.len(),
        body_len: p.body.len(),
    })
}

fn random_nonce(rng: Rng<'_>) -> [u8; NONCE_BYTES] {
    let mut n = [0u8; NONCE_BYTES];
    rng(&mut n);
    n
}

/// Encodes and seals `vault` under `key` behind the given encoded slots.
fn seal_with_slots(
    vault: &Vault,
    key: &DataKey,
    slot_bytes: &[u8],
    rng: Rng<'_>,
) -> Result<Vec<u8>, VaultError> {
    let mut buffer = body::encode(vault)?;
    let nonce = random_nonce(rng);
    let head = header::build(slot_bytes, buffer.len() + TAG_BYTES, &nonce)?;
    keys::seal_in_place(key.bytes(), &nonce, &head, &mut buffer);
    let mut out = Vec::with_capacity(head.len() + buffer.len());
    out.extend_from_slice(&head);
    out.extend_from_slice(&buffer);
    Ok(out)
}

/// Seals `vault` under a fresh random data key, protected as asked. Returns the sealed bytes and the
/// data key (for [`reseal`] and the session cache). Randomness drawn, in order: the data key (32
/// bytes), for a password the wrap nonce (12), then the body nonce (12).
pub fn seal_new(
    vault: &Vault,
    protection: &Protection,
    rng: Rng<'_>,
) -> Result<(Vec<u8>, DataKey), VaultError> {
    let data_key = DataKey::generate(rng);
    let mut slots = vec![1u8];
    match protection {
        Protection::None => header::write_slot(&mut slots, header::SLOT_NONE, data_key.bytes()),
        Protection::Password { key, kdf } => {
            let nonce = random_nonce(rng);
            let mut wrapped = Zeroizing::new(Vec::with_capacity(KEY_BYTES + TAG_BYTES));
            wrapped.extend_from_slice(data_key.bytes());
            keys::seal_in_place(key.expose(), &nonce, WRAP_AAD, &mut wrapped);
            let payload = header::password_payload(kdf, &nonce, &wrapped);
            header::write_slot(&mut slots, header::SLOT_PASSWORD, &payload);
        }
    }
    let sealed = seal_with_slots(vault, &data_key, &slots, rng)?;
    Ok((sealed, data_key))
}

/// Decrypts and decodes the body with a data key.
fn open_body(p: &Parsed<'_>, key: &DataKey) -> Result<Vault, VaultError> {
    let mut buffer = Zeroizing::new(Vec::with_capacity(p.body.len()));
    buffer.extend_from_slice(p.body);
    keys::open_in_place(key.bytes(), p.body_nonce, p.header, &mut buffer)?;
    body::decode(&buffer)
}

/// Opens a password vault with the key derived from its password (parameters from
/// [`header_info`]). A wrong key and any change to the sealed data both give
/// [`VaultError::Decrypt`].
pub fn open_with_key(sealed: &[u8], key: &DerivedKey) -> Result<(Vault, DataKey), VaultError> {
    let p = header::parse(sealed)?;
    let mut any_password = false;
    for slot in &p.slots {
        if let Slot::Password { nonce, wrapped, .. } = slot {
            any_password = true;
            let mut buffer = Zeroizing::new(Vec::with_capacity(wrapped.len()));
            buffer.extend_from_slice(wrapped);
            if keys::open_in_place(key.expose(), nonce, WRAP_AAD, &mut buffer).is_ok() {
                let data_key = DataKey::from_array_ref(&buffer)?;
                let vault = open_body(&p, &data_key)?;
                return Ok((vault, data_key));
            }
        }
    }
    Err(if any_password {
        VaultError::Decrypt
    } else {
        VaultError::NoPasswordSlot
    })
}

/// Opens a vault that has no password (a `none` slot). A password vault gives
/// [`VaultError::PasswordRequired`].
pub fn open_unprotected(sealed: &[u8]) -> Result<(Vault, DataKey), VaultError> {
    let p = header::parse(sealed)?;
    for slot in &p.slots {
        if let Slot::None { data_key } = slot {
            let data_key = DataKey::from_array_ref(data_key)?;
            let vault = open_body(&p, &data_key)?;
            return Ok((vault, data_key));
        }
    }
    Err(VaultError::PasswordRequired)
}

/// Opens any vault with its data key (for example from the session cache after a worker restart).
pub fn open_with_data_key(sealed: &[u8], key: &DataKey) -> Result<Vault, VaultError> {
    let p = header::parse(sealed)?;
    open_body(&p, key)
}

/// Saves changed contents under the same data key and the same key slots as `previous` (the
/// vault as last saved), with a fresh body nonce: no key derivation. Fails with
/// [`VaultError::Decrypt`] if `key` does not open `previous`, so a wrong key can never produce a
/// vault nobody can open.
pub fn reseal(
    vault: &Vault,
    key: &DataKey,
    previous: &[u8],
    rng: Rng<'_>,
) -> Result<Vec<u8>, VaultError> {
    let p = header::parse(previous)?;
    drop(open_body(&p, key)?);
    seal_with_slots(vault, key, p.slot_bytes, rng)
}

/// Sets or changes the password: seals `vault` under a **new** data key wrapped with `key` (derived
/// with `kdf`, which should be fresh from [`KdfParams::generate`]). An old copy of the vault with the
/// old password opens only the old copy. The caller proves it may do this by holding the decrypted
/// `vault`.
pub fn change_password(
    vault: &Vault,
    key: DerivedKey,
    kdf: KdfParams,
    rng: Rng<'_>,
) -> Result<(Vec<u8>, DataKey), VaultError> {
    seal_new(vault, &Protection::Password { key, kdf }, rng)
}

/// Removes the password: seals `vault` under a new data key stored in a `none` slot. Anyone who can
/// read the bytes can then read the secrets; the UI must warn first.
pub fn remove_password(vault: &Vault, rng: Rng<'_>) -> Result<(Vec<u8>, DataKey), VaultError> {
    seal_new(vault, &Protection::None, rng)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests may unwrap.
mod tests {
    use super::*;
    use crate::{Account, Secret};

    fn counter_rng() -> impl FnMut(&mut [u8]) {
        let mut n = 0u8;
        move |buf: &mut [u8]| {
            for b in buf {
                n = n.wrapping_add(1);
                *b = n;
            }
        }
    }

    #[test]
    fn a_sealed_body_never_reallocates() {
        // The capacity bound must hold for the largest fields, or plaintext would be copied.
        let mut rng = counter_rng();
        let mut v = Vault::new();
        let mut a = Account::totp(
            &"i".repeat(MAX_STRING_BYTES),
            &"n".repeat(MAX_STRING_BYTES),
            Secret::from_bytes(vec![7; 1024]).unwrap(),
        );
        a.counter = u64::MAX;
        v.add_account(
            a,
            vec!["s".repeat(MAX_SITE_BYTES); MAX_SITES],
            Stamp {
                millis: u64::MAX,
                counter: u32::MAX,
                device: DeviceId([9; 8]),
            },
            &mut rng,
        );
        v.records.push(Record {
            id: RecordId([1; 8]),
            stamp: Stamp::default(),
            entry: Entry::Deleted {
                deleted_at_millis: u64::MAX,
                retained: None,
            },
            pinned: false,
        });
        v.settings.insert(
            "k".repeat(MAX_SETTING_KEY_BYTES),
            "v".repeat(MAX_SETTING_VALUE_BYTES),
        );
        let encoded = body::encode(&v).unwrap();
        assert!(encoded.capacity() >= encoded.len() + TAG_BYTES);
        let cap = encoded.capacity();
        let mut buffer = encoded;
        keys::seal_in_place(&[1; 32], &[2; 12], b"", &mut buffer);
        assert_eq!(buffer.capacity(), cap);
        assert_eq!(body::decode(&body::encode(&v).unwrap()).unwrap(), v);
    }

    #[test]
    fn stamps_follow_a_hybrid_logical_clock() {
        let d = DeviceId([1; 8]);
        let s1 = Stamp::next(None, 1000, d);
        assert_eq!((s1.millis, s1.counter), (1000, 0));
        let s2 = Stamp::next(Some(&s1), 1000, d);
        assert_eq!((s2.millis, s2.counter), (1000, 1));
        let s3 = Stamp::next(Some(&s2), 900, d); // clock went back
        assert_eq!((s3.millis, s3.counter), (1000, 2));
        let s4 = Stamp::next(Some(&s3), 1001, d);
        assert_eq!((s4.millis, s4.counter), (1001, 0));
        assert!(s1 < s2 && s2 < s3 && s3 < s4);
        let max = Stamp {
            millis: 5,
            counter: u32::MAX,
            device: d,
        };
        assert_eq!(
            Stamp::next(Some(&max), 5, d),
            Stamp {
                millis: 6,
                counter: 0,
                device: d
            }
        );
    }

    #[test]
    fn ids_round_trip_through_hex() {
        let id = RecordId([0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]);
        assert_eq!(id.to_hex(), "0123456789abcdef");
        assert_eq!(RecordId::from_hex("0123456789ABCDEF"), Some(id));
        for bad in [
            "",
            "0123456789abcde",
            "0123456789abcdefa",
            "0123456789abcdeg",
            "+123456789abcdef",
        ] {
            assert_eq!(RecordId::from_hex(bad), None, "{bad}");
        }
    }
}
