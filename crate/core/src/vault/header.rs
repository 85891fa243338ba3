//! The clear-text header of a sealed vault: magic, version, lengths, key slots, body nonce.

use super::error::{VaultError, VersionedPart};
use super::keys::{check_iterations, KdfParams, KEY_BYTES, NONCE_BYTES, TAG_BYTES};
use super::{
    FORMAT_VERSION, MAGIC, MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_KEY_SLOTS, MAX_SALT_BYTES,
    MIN_SALT_BYTES,
};

/// Slot kind byte of a `none` slot (data key stored in the clear).
pub(crate) const SLOT_NONE: u8 = 0;
/// Slot kind byte of a `password` slot.
pub(crate) const SLOT_PASSWORD: u8 = 1;
/// KDF id of PBKDF2-HMAC-SHA256.
pub(crate) const KDF_PBKDF2_SHA256: u8 = 1;
/// Length of the wrapped data key: 32 bytes of ciphertext and a 16-byte tag.
pub(crate) const WRAPPED_KEY_BYTES: usize = KEY_BYTES + TAG_BYTES;
/// Offset of the slot count: magic (8), version (2), header length (2), body length (4).
pub(crate) const FIXED_BYTES: usize = 16;

/// One key slot as read from a header (borrowing from the vault bytes).
pub(crate) enum Slot<'a> {
    None {
        data_key: &'a [u8],
    },
    Password {
        kdf: KdfParams,
        nonce: &'a [u8],
        wrapped: &'a [u8],
    },
}

/// A structurally valid vault, split into its parts.
pub(crate) struct Parsed<'a> {
    /// Bytes `0..header_len`: the associated data of the body.
    pub(crate) header: &'a [u8],
    /// The encoded slots (count byte included), copied verbatim by `reseal`.
    pub(crate) slot_bytes: &'a [u8],
    pub(crate) slots: Vec<Slot<'a>>,
    pub(crate) body_nonce: &'a [u8],
    /// Ciphertext and tag.
    pub(crate) body: &'a [u8],
}

fn malformed(reason: &'static str) -> VaultError {
    VaultError::Malformed { reason }
}

fn be16(b: &[u8]) -> usize {
    usize::from(u16::from_be_bytes([b[0], b[1]]))
}

/// Parses and checks everything that can be checked without a key. Never allocates more than the
/// slot list (at most [`MAX_KEY_SLOTS`] entries).
pub(crate) fn parse(data: &[u8]) -> Result<Parsed<'_>, VaultError> {
    if data.len() < MAGIC.len() {
        return Err(if MAGIC.starts_with(data) && !data.is_empty() {
            VaultError::Truncated
        } else {
            VaultError::NotAVault
        });
    }
    if data[..8] != MAGIC {
        return Err(VaultError::NotAVault);
    }
    if data.len() < 10 {
        return Err(VaultError::Truncated);
    }
    let version = u16::from_be_bytes([data[8], data[9]]);
    if version != FORMAT_VERSION {
        return Err(if version > FORMAT_VERSION {
            VaultError::UnsupportedVersion {
                part: VersionedPart::Format,
                found: u64::from(version),
                supported: u64::from(FORMAT_VERSION),
            }
        } else {
            malformed("format version 0")
        });
    }
    if data.len() < FIXED_BYTES {
        return Err(VaultError::Truncated);
    }
    let header_len = be16(&data[10..12]);
    let body_len = u32::from_be_bytes([data[12], data[13], data[14], data[15]]) as usize;
    if header_len > MAX_HEADER_BYTES {
        return Err(VaultError::TooLarge { what: "header" });
    }
    if header_len < FIXED_BYTES + 1 + NONCE_BYTES {
        return Err(malformed("header length"));
    }
    if body_len > MAX_BODY_BYTES {
        return Err(VaultError::TooLarge { what: "body" });
    }
    if body_len < TAG_BYTES {
        return Err(malformed("body length"));
    }
    let total = header_len + body_len;
    if data.len() < total {
        return Err(VaultError::Truncated);
    }
    if data.len() > total {
        return Err(malformed("trailing bytes after the body"));
    }
    let header = &data[..header_len];
    let slots_end = header_len - NONCE_BYTES;
    let slot_bytes = &header[FIXED_BYTES..slots_end];
    let body_nonce = &header[slots_end..];
    let body = &data[header_len..];

    let count = usize::from(slot_bytes[0]);
    if count == 0 {
        return Err(malformed("no key slot"));
    }
    if count > MAX_KEY_SLOTS {
        return Err(VaultError::TooLarge { what: "key slots" });
    }
    let mut slots = Vec::with_capacity(count);
    let mut pos = 1;
    for _ in 0..count {
        let head = slot_bytes
            .get(pos..pos + 3)
            .ok_or(malformed("key slot runs past the header"))?;
        let kind = head[0];
        let len = be16(&head[1..3]);
        let payload = slot_bytes
            .get(pos + 3..pos + 3 + len)
            .ok_or(malformed("key slot runs past the header"))?;
        pos += 3 + len;
        slots.push(match kind {
            SLOT_NONE => {
                if len != KEY_BYTES {
                    return Err(malformed("none slot length"));
                }
                Slot::None { data_key: payload }
            }
            SLOT_PASSWORD => parse_password_slot(payload)?,
            _ => return Err(VaultError::UnsupportedSlot { kind }),
        });
    }
    if pos != slot_bytes.len() {
        return Err(malformed("bytes between the key slots and the body nonce"));
    }
    if slots.len() > 1 && slots.iter().any(|s| matches!(s, Slot::None { .. })) {
        return Err(malformed("a none slot must be the only slot"));
    }
    Ok(Parsed {
        header,
        slot_bytes,
        slots,
        body_nonce,
        body,
    })
}

fn parse_password_slot(p: &[u8]) -> Result<Slot<'_>, VaultError> {
    // kdf (1), iterations (4), salt length (1), salt, nonce (12), wrapped key (48)
    if p.len() < 6 {
        return Err(malformed("password slot length"));
    }
    if p[0] != KDF_PBKDF2_SHA256 {
        return Err(VaultError::UnsupportedKdf { id: p[0] });
    }
    let iterations = u32::from_be_bytes([p[1], p[2], p[3], p[4]]);
    check_iterations(iterations)?;
    let salt_len = usize::from(p[5]);
    if !(MIN_SALT_BYTES..=MAX_SALT_BYTES).contains(&salt_len) {
        return Err(VaultError::SaltLength { len: salt_len });
    }
    if p.len() != 6 + salt_len + NONCE_BYTES + WRAPPED_KEY_BYTES {
        return Err(malformed("password slot length"));
    }
    let salt = &p[6..6 + salt_len];
    let nonce = &p[6 + salt_len..6 + salt_len + NONCE_BYTES];
    let wrapped = &p[6 + salt_len + NONCE_BYTES..];
    Ok(Slot::Password {
        kdf: KdfParams::new(salt.to_vec(), iterations)?,
        nonce,
        wrapped,
    })
}

/// Appends one encoded slot.
pub(crate) fn write_slot(out: &mut Vec<u8>, kind: u8, payload: &[u8]) {
    out.push(kind);
    // Payloads are at most 6 + 64 + 12 + 48 bytes.
    out.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    out.extend_from_slice(payload);
}

/// The password slot payload.
pub(crate) fn password_payload(
    kdf: &KdfParams,
    nonce: &[u8; NONCE_BYTES],
    wrapped: &[u8],
) -> Vec<u8> {
    let mut p = Vec::with_capacity(6 + kdf.salt().len() + NONCE_BYTES + wrapped.len());
    p.push(KDF_PBKDF2_SHA256);
    p.extend_from_slice(&kdf.iterations().to_be_bytes());
    // KdfParams guarantees 16..=64 bytes.
    p.push(kdf.salt().len() as u8);
    p.extend_from_slice(kdf.salt());
    p.extend_from_slice(nonce);
    p.extend_from_slice(wrapped);
    p
}

/// The whole header for encoded slots (count byte included), a body length and a nonce.
pub(crate) fn build(
    slot_bytes: &[u8],
    body_len: usize,
    body_nonce: &[u8; NONCE_BYTES],
) -> Result<Vec<u8>, VaultError> {
    let header_len = FIXED_BYTES + slot_bytes.len() + NONCE_BYTES;
    if header_len > MAX_HEADER_BYTES {
        return Err(VaultError::TooLarge { what: "header" });
    }
    if body_len > MAX_BODY_BYTES {
        return Err(VaultError::TooLarge { what: "body" });
    }
    let mut h = Vec::with_capacity(header_len);
    h.extend_from_slice(&MAGIC);
    h.extend_from_slice(&FORMAT_VERSION.to_be_bytes());
    h.extend_from_slice(&(header_len as u16).to_be_bytes());
    h.extend_from_slice(&(body_len as u32).to_be_bytes());
    h.extend_from_slice(slot_bytes);
    h.extend_from_slice(body_nonce);
    Ok(h)
}
