//! The bytes of sync storage (`docs/sync-format.md`): record encoding, DEFLATE, AES-256-GCM, the
//! text alphabet, the manifest and its password slot.

use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use zeroize::Zeroizing;

use super::merge::{type_rank, DeviceSeen, SyncEntry, SyncRecord};
use super::{random, SyncError};
use crate::account::{Account, OtpType};
use crate::otp::Algorithm;
use crate::secret::Secret;
use crate::vault::{
    DerivedKey, DeviceId, KdfParams, RecordId, Rng, Stamp, MAX_PBKDF2_ITERATIONS, MAX_SALT_BYTES,
    MAX_SITES, MAX_SITE_BYTES, MAX_STRING_BYTES, MIN_PBKDF2_ITERATIONS, MIN_SALT_BYTES,
};

/// Key of the manifest item.
pub const MANIFEST_KEY: &str = "~m";
/// First character of every sync item's key (chunks are `~` and three characters `[0-9a-z]`).
pub const KEY_PREFIX: &str = "~";
/// Format version of manifests and chunks this build writes and reads.
pub const VERSION: u8 = 1;
/// Largest decompressed chunk (a hostile chunk must not inflate without bound).
pub const MAX_CHUNK_PLAIN: usize = 256 * 1024;
/// Most records in one chunk.
pub const MAX_CHUNK_RECORDS: usize = 4_096;
/// Longest secret in a synced account.
const MAX_SECRET: usize = 1024;
const NONCE: usize = 12;
const TAG: usize = 16;
/// Bytes of a chunk's tag the manifest lists, binding each chunk to the manifest.
pub const TAG_PREFIX: usize = 8;
const CHUNK_AAD: &[u8] = b"tessera sync chunk v1:";
const MANIFEST_AAD: &[u8] = b"tessera sync manifest v1";
const WRAP_AAD: &[u8] = b"tessera sync key v1";

/// The 256-bit key every chunk and the manifest body are sealed with. No `Debug`; zeroized on drop.
#[derive(Clone)]
pub struct SyncKey(Zeroizing<[u8; 32]>);

impl SyncKey {
    /// A new random key.
    pub fn generate(rng: Rng<'_>) -> SyncKey {
        let mut k = Zeroizing::new([0u8; 32]);
        rng(&mut k[..]);
        SyncKey(k)
    }

    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<SyncKey, SyncError> {
        let mut k = Zeroizing::new([0u8; 32]);
        if bytes.len() != 32 {
            return Err(SyncError::InvalidKey);
        }
        k.copy_from_slice(bytes);
        Ok(SyncKey(k))
    }

    /// The key bytes (to keep it inside the encrypted vault).
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }
}

fn seal(key: &[u8; 32], nonce: &[u8; NONCE], aad: &[u8], buffer: &mut Vec<u8>) {
    let cipher = Aes256Gcm::new(key.into());
    // Only inputs above GCM's 64 GiB limit fail; sync data is capped far below.
    if cipher
        .encrypt_in_place(Nonce::from_slice(nonce), aad, buffer)
        .is_err()
    {
        unreachable!("AES-GCM input within size limits");
    }
}

fn open(key: &[u8; 32], nonce: &[u8], aad: &[u8], buffer: &mut Vec<u8>) -> Result<(), SyncError> {
    if nonce.len() != NONCE || buffer.len() < TAG {
        return Err(SyncError::Decrypt);
    }
    Aes256Gcm::new(key.into())
        .decrypt_in_place(Nonce::from_slice(nonce), aad, buffer)
        .map_err(|_| SyncError::Decrypt)
}

// ---- Text: 13 bits in two characters of a 91-character alphabet ---------------------------------

/// The printable ASCII characters `storage.sync` stores as one byte each in both browsers: `!` to
/// `~` without `"` and `\` (JSON escapes them) and `<` (Chrome's JSON writer writes `\u003C`).
pub const ALPHABET: &[u8; 91] =
    b"!#$%&'()*+,-./0123456789:;=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";

/// Bytes as text: each 13 bits become two characters (91² = 8,281 ≥ 2¹³), a last group of at most
/// 6 bits one character. 16 characters per 13 bytes, 1.23 characters per byte.
pub fn to_text(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 16 / 13 + 2);
    let (mut acc, mut bits) = (0u32, 0u32);
    let push = |out: &mut String, v: u32| out.push(char::from(ALPHABET[v as usize]));
    for &b in bytes {
        acc |= u32::from(b) << bits;
        bits += 8;
        if bits >= 13 {
            let v = acc & 0x1fff;
            acc >>= 13;
            bits -= 13;
            push(&mut out, v % 91);
            push(&mut out, v / 91);
        }
    }
    if bits > 0 {
        push(&mut out, acc % 91);
        if bits > 6 {
            push(&mut out, acc / 91);
        }
    }
    out
}

/// The bytes of [`to_text`]'s text. Rejects characters outside the alphabet, groups above 13
/// bits, and any other spelling of the same bytes (non-zero spare bits in the last character, a
/// last group longer than needed): every stored text has exactly one reading, so a changed
/// character never opens.
pub fn from_text(text: &str) -> Result<Vec<u8>, SyncError> {
    let mut lookup = [255u8; 128];
    for (i, c) in ALPHABET.iter().enumerate() {
        lookup[usize::from(*c)] = i as u8;
    }
    let digit = |c: u8| -> Result<u32, SyncError> {
        match lookup.get(usize::from(c)) {
            Some(&d) if d != 255 => Ok(u32::from(d)),
            _ => Err(SyncError::Malformed {
                reason: "character outside the alphabet",
            }),
        }
    };
    let t = text.as_bytes();
    let mut out = Vec::with_capacity(t.len() * 13 / 16 + 1);
    let (mut acc, mut bits) = (0u32, 0u32);
    for pair in t.chunks(2) {
        let (v, n) = if pair.len() == 2 {
            let v = digit(pair[0])? + 91 * digit(pair[1])?;
            if v > 0x1fff {
                return Err(SyncError::Malformed {
                    reason: "group above 13 bits",
                });
            }
            (v, 13)
        } else {
            (digit(pair[0])?, 6)
        };
        acc |= v << bits;
        bits += n;
        while bits >= 8 {
            out.push((acc & 0xff) as u8);
            acc >>= 8;
            bits -= 8;
        }
    }
    // Canonical spellings only; a second pass over at most one 8 KB item costs little.
    if to_text(&out) != text {
        return Err(SyncError::Malformed {
            reason: "not the canonical spelling of its bytes",
        });
    }
    Ok(out)
}

// ---- Varints and strings ------------------------------------------------------------------------

struct Writer<'a>(&'a mut Vec<u8>);

impl Writer<'_> {
    fn u8(&mut self, b: u8) {
        self.0.push(b);
    }
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
    fn bytes(&mut self, b: &[u8]) {
        self.varint(b.len() as u64);
        self.0.extend_from_slice(b);
    }
}

struct Reader<'a> {
    data: &'a [u8],
}

fn malformed(reason: &'static str) -> SyncError {
    SyncError::Malformed { reason }
}

impl<'a> Reader<'a> {
    fn u8(&mut self) -> Result<u8, SyncError> {
        let (&b, rest) = self.data.split_first().ok_or(malformed("truncated"))?;
        self.data = rest;
        Ok(b)
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], SyncError> {
        if n > self.data.len() {
            return Err(malformed("truncated"));
        }
        let (a, b) = self.data.split_at(n);
        self.data = b;
        Ok(a)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], SyncError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    fn varint(&mut self) -> Result<u64, SyncError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            let part = u64::from(b & 0x7f);
            if shift == 63 && part > 1 {
                return Err(malformed("varint above 64 bits"));
            }
            v |= part << shift;
            if b & 0x80 == 0 {
                if b == 0 && shift > 0 {
                    return Err(malformed("varint not minimal"));
                }
                return Ok(v);
            }
        }
        Err(malformed("varint above 64 bits"))
    }
    fn count(&mut self, max: usize) -> Result<usize, SyncError> {
        usize::try_from(self.varint()?)
            .ok()
            .filter(|n| *n <= max)
            .ok_or(malformed("count above its limit"))
    }
    fn bytes(&mut self, max: usize) -> Result<&'a [u8], SyncError> {
        let n = self.count(max)?;
        self.take(n)
    }
    fn string(&mut self, max: usize) -> Result<String, SyncError> {
        String::from_utf8(self.bytes(max)?.to_vec()).map_err(|_| malformed("invalid UTF-8"))
    }
}

// ---- Records ------------------------------------------------------------------------------------

const F_DELETED: u8 = 1;
// Accounts: bits 1-2 type, 3-4 algorithm, 5 custom digits/period, 6 sites, 7 counter.
const F_CUSTOM: u8 = 1 << 5;
const F_SITES: u8 = 1 << 6;
const F_COUNTER: u8 = 1 << 7;
// Tombstones: bit 1 `into`, 2 counter, 3 deletion time differs from the stamp.
const D_INTO: u8 = 1 << 1;
const D_COUNTER: u8 = 1 << 2;
const D_AT: u8 = 1 << 3;

fn default_digits(t: OtpType) -> u8 {
    if t == OtpType::Steam {
        5
    } else {
        6
    }
}

fn algorithm_bits(a: Algorithm) -> u8 {
    match a {
        Algorithm::Sha1 => 0,
        Algorithm::Sha256 => 1,
        Algorithm::Sha512 => 2,
    }
}

/// Encodes records (sorted by id) as a chunk's plain bytes: a device table, a base time, then each
/// record with its stamp relative to the base. Zeroized on drop.
pub fn encode_records(records: &[&SyncRecord]) -> Zeroizing<Vec<u8>> {
    let mut devices: Vec<DeviceId> = Vec::new();
    for r in records {
        if !devices.contains(&r.stamp.device) {
            devices.push(r.stamp.device);
        }
    }
    let base = records.iter().map(|r| r.stamp.millis).min().unwrap_or(0);
    let mut buf = Zeroizing::new(Vec::new());
    let mut w = Writer(&mut buf);
    w.varint(devices.len() as u64);
    for d in &devices {
        w.0.extend_from_slice(&d.0);
    }
    w.varint(base);
    w.varint(records.len() as u64);
    for r in records {
        let device = devices
            .iter()
            .position(|d| *d == r.stamp.device)
            .unwrap_or_default();
        match &r.entry {
            SyncEntry::Account { account: a, sites } => {
                let custom = a.digits != default_digits(a.otp_type) || a.period != 30;
                let mut flags = type_rank(a.otp_type) << 1 | algorithm_bits(a.algorithm) << 3;
                if custom {
                    flags |= F_CUSTOM;
                }
                if !sites.is_empty() {
                    flags |= F_SITES;
                }
                if a.counter != 0 {
                    flags |= F_COUNTER;
                }
                w.u8(flags);
                w.0.extend_from_slice(&r.id.0);
                w.varint(r.stamp.millis - base);
                w.varint(u64::from(r.stamp.counter));
                w.varint(device as u64);
                if custom {
                    w.u8(a.digits);
                    w.varint(u64::from(a.period));
                }
                if a.counter != 0 {
                    w.varint(a.counter);
                }
                w.bytes(a.secret.expose());
                w.bytes(a.issuer.as_bytes());
                w.bytes(a.name.as_bytes());
                if !sites.is_empty() {
                    w.varint(sites.len() as u64);
                    for s in sites {
                        w.bytes(s.as_bytes());
                    }
                }
            }
            SyncEntry::Deleted {
                at_millis,
                counter,
                into,
            } => {
                let mut flags = F_DELETED;
                if into.is_some() {
                    flags |= D_INTO;
                }
                if *counter != 0 {
                    flags |= D_COUNTER;
                }
                if *at_millis != r.stamp.millis {
                    flags |= D_AT;
                }
                w.u8(flags);
                w.0.extend_from_slice(&r.id.0);
                w.varint(r.stamp.millis - base);
                w.varint(u64::from(r.stamp.counter));
                w.varint(device as u64);
                if *at_millis != r.stamp.millis {
                    w.varint(*at_millis);
                }
                if *counter != 0 {
                    w.varint(*counter);
                }
                if let Some(into) = into {
                    w.0.extend_from_slice(&into.0);
                }
            }
        }
    }
    buf
}

/// Decodes a chunk's plain bytes. Ids must be strictly increasing; every account must be valid.
pub fn decode_records(plain: &[u8]) -> Result<Vec<SyncRecord>, SyncError> {
    let mut r = Reader { data: plain };
    let device_count = r.count(MAX_CHUNK_RECORDS)?;
    let mut devices = Vec::with_capacity(device_count);
    for _ in 0..device_count {
        devices.push(DeviceId(r.array()?));
    }
    let base = r.varint()?;
    let count = r.count(MAX_CHUNK_RECORDS)?;
    let mut out: Vec<SyncRecord> = Vec::with_capacity(count);
    for _ in 0..count {
        let flags = r.u8()?;
        let id = RecordId(r.array()?);
        if out.last().is_some_and(|last| last.id >= id) {
            return Err(malformed("record ids not increasing"));
        }
        let millis = base
            .checked_add(r.varint()?)
            .ok_or(malformed("time overflow"))?;
        let counter = u32::try_from(r.varint()?).map_err(|_| malformed("stamp counter"))?;
        let device = *usize::try_from(r.varint()?)
            .ok()
            .and_then(|i| devices.get(i))
            .ok_or(malformed("device index"))?;
        let stamp = Stamp {
            millis,
            counter,
            device,
        };
        let entry = if flags & F_DELETED == 0 {
            let otp_type = match (flags >> 1) & 3 {
                0 => OtpType::Totp,
                1 => OtpType::Hotp,
                2 => OtpType::Steam,
                _ => return Err(malformed("account type")),
            };
            let algorithm = match (flags >> 3) & 3 {
                0 => Algorithm::Sha1,
                1 => Algorithm::Sha256,
                2 => Algorithm::Sha512,
                _ => return Err(malformed("algorithm")),
            };
            let (digits, period) = if flags & F_CUSTOM != 0 {
                let d = r.u8()?;
                let p = u32::try_from(r.varint()?).map_err(|_| malformed("period"))?;
                if d == default_digits(otp_type) && p == 30 {
                    return Err(malformed("custom flag with default digits and period"));
                }
                (d, p)
            } else {
                (default_digits(otp_type), 30)
            };
            let counter = if flags & F_COUNTER != 0 {
                match r.varint()? {
                    0 => return Err(malformed("counter flag with counter 0")),
                    c => c,
                }
            } else {
                0
            };
            let secret = Secret::from_bytes(r.bytes(MAX_SECRET)?.to_vec())
                .map_err(|_| malformed("empty secret"))?;
            let issuer = r.string(MAX_STRING_BYTES)?;
            let name = r.string(MAX_STRING_BYTES)?;
            let mut sites = Vec::new();
            if flags & F_SITES != 0 {
                let n = r.count(MAX_SITES)?;
                if n == 0 {
                    return Err(malformed("sites flag without sites"));
                }
                for _ in 0..n {
                    let s = r.string(MAX_SITE_BYTES)?;
                    if s.is_empty() {
                        return Err(malformed("empty site"));
                    }
                    sites.push(s);
                }
            }
            let mut account = Account::with_type(otp_type, &issuer, &name, secret);
            account.algorithm = algorithm;
            account.digits = digits;
            account.period = period;
            account.counter = counter;
            if account.validate().is_err() {
                return Err(malformed("invalid account"));
            }
            SyncEntry::Account { account, sites }
        } else {
            if flags & !(F_DELETED | D_INTO | D_COUNTER | D_AT) != 0 {
                return Err(malformed("tombstone flags"));
            }
            let at_millis = if flags & D_AT != 0 {
                match r.varint()? {
                    at if at == millis => return Err(malformed("deletion time flag, same time")),
                    at => at,
                }
            } else {
                millis
            };
            let counter = if flags & D_COUNTER != 0 {
                match r.varint()? {
                    0 => return Err(malformed("counter flag with counter 0")),
                    c => c,
                }
            } else {
                0
            };
            let into = if flags & D_INTO != 0 {
                Some(RecordId(r.array()?))
            } else {
                None
            };
            SyncEntry::Deleted {
                at_millis,
                counter,
                into,
            }
        };
        out.push(SyncRecord { id, stamp, entry });
    }
    if !r.data.is_empty() {
        return Err(malformed("trailing bytes"));
    }
    // Canonical: the device table in order of first use, every device used; the base the least time.
    let mut used: Vec<DeviceId> = Vec::new();
    for rec in &out {
        if !used.contains(&rec.stamp.device) {
            used.push(rec.stamp.device);
        }
    }
    if used != devices {
        return Err(malformed("device table not in order of first use"));
    }
    if out.iter().map(|x| x.stamp.millis).min().unwrap_or(0) != base {
        return Err(malformed("base time is not the least time"));
    }
    Ok(out)
}

// ---- Chunks -------------------------------------------------------------------------------------

fn chunk_aad(item_key: &str) -> Vec<u8> {
    let mut aad = CHUNK_AAD.to_vec();
    aad.extend_from_slice(item_key.as_bytes());
    aad
}

/// Raw DEFLATE (level 9) of a chunk's plain bytes. Zeroized on drop.
pub fn compress(plain: &[u8]) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(miniz_oxide::deflate::compress_to_vec(plain, 9))
}

/// Seals compressed bytes as a chunk item's text: version, nonce, ciphertext and tag, with the item
/// key as associated data (a chunk cannot be moved to another key).
pub fn seal_chunk(key: &SyncKey, item_key: &str, compressed: &[u8], rng: Rng<'_>) -> String {
    let nonce: [u8; NONCE] = random(rng);
    let mut buffer = Zeroizing::new(Vec::with_capacity(compressed.len() + TAG));
    buffer.extend_from_slice(compressed);
    seal(key.expose(), &nonce, &chunk_aad(item_key), &mut buffer);
    let mut out = Vec::with_capacity(1 + NONCE + buffer.len());
    out.push(VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&buffer);
    to_text(&out)
}

/// Length of a chunk item's text for `compressed_len` bytes of compressed records.
pub fn chunk_text_len(compressed_len: usize) -> usize {
    let bits = (1 + NONCE + compressed_len + TAG) * 8;
    let full = bits / 13;
    let rest = bits % 13;
    full * 2
        + match rest {
            0 => 0,
            1..=6 => 1,
            _ => 2,
        }
}

/// The tag prefix of a chunk item's text (what the manifest lists), without opening it.
pub fn chunk_tag(text: &str) -> Result<[u8; TAG_PREFIX], SyncError> {
    let bytes = from_text(text)?;
    if bytes.len() < 1 + NONCE + TAG {
        return Err(malformed("chunk too short"));
    }
    let mut t = [0u8; TAG_PREFIX];
    t.copy_from_slice(&bytes[bytes.len() - TAG..bytes.len() - TAG + TAG_PREFIX]);
    Ok(t)
}

/// Opens a chunk item and decodes its records. Any change or a wrong key gives `Decrypt`.
pub fn open_chunk(key: &SyncKey, item_key: &str, text: &str) -> Result<Vec<SyncRecord>, SyncError> {
    let bytes = from_text(text)?;
    let (&version, rest) = bytes.split_first().ok_or(malformed("empty chunk"))?;
    if version != VERSION {
        return Err(SyncError::UnsupportedVersion { found: version });
    }
    if rest.len() < NONCE + TAG {
        return Err(malformed("chunk too short"));
    }
    let (nonce, sealed) = rest.split_at(NONCE);
    let mut buffer = Zeroizing::new(sealed.to_vec());
    open(key.expose(), nonce, &chunk_aad(item_key), &mut buffer)?;
    let plain = Zeroizing::new(
        miniz_oxide::inflate::decompress_to_vec_with_limit(&buffer, MAX_CHUNK_PLAIN)
            .map_err(|_| malformed("chunk does not inflate within its limit"))?,
    );
    decode_records(&plain)
}

// ---- Password slot and manifest -----------------------------------------------------------------

/// The manifest's password slot: the sync key wrapped (AES-256-GCM) under a PBKDF2-HMAC-SHA256 key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    kdf: KdfParams,
    nonce: [u8; NONCE],
    wrapped: [u8; 32 + TAG],
}

impl Slot {
    /// Wraps `key` under `derived`, which was derived from the sync password with `kdf`.
    pub fn new(key: &SyncKey, derived: &DerivedKey, kdf: KdfParams, rng: Rng<'_>) -> Slot {
        let nonce: [u8; NONCE] = random(rng);
        let mut buffer = Zeroizing::new(key.expose().to_vec());
        seal(derived.expose(), &nonce, WRAP_AAD, &mut buffer);
        let mut wrapped = [0u8; 32 + TAG];
        wrapped.copy_from_slice(&buffer);
        Slot {
            kdf,
            nonce,
            wrapped,
        }
    }

    /// The salt and iterations to derive the slot's key with.
    pub fn kdf(&self) -> &KdfParams {
        &self.kdf
    }

    /// The sync key, with the key derived from the password. A wrong password gives `Decrypt`.
    pub fn unwrap_key(&self, derived: &DerivedKey) -> Result<SyncKey, SyncError> {
        let mut buffer = Zeroizing::new(self.wrapped.to_vec());
        open(derived.expose(), &self.nonce, WRAP_AAD, &mut buffer)?;
        SyncKey::from_bytes(&buffer)
    }

    /// The slot's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = Writer(&mut out);
        w.bytes(self.kdf.salt());
        w.0.extend_from_slice(&self.kdf.iterations().to_be_bytes());
        w.0.extend_from_slice(&self.nonce);
        w.0.extend_from_slice(&self.wrapped);
        out
    }

    fn read(r: &mut Reader<'_>) -> Result<Slot, SyncError> {
        let salt = r.bytes(MAX_SALT_BYTES)?.to_vec();
        let iterations = u32::from_be_bytes(r.array()?);
        if salt.len() < MIN_SALT_BYTES
            || !(MIN_PBKDF2_ITERATIONS..=MAX_PBKDF2_ITERATIONS).contains(&iterations)
        {
            return Err(SyncError::InvalidKey);
        }
        let kdf = KdfParams::new(salt, iterations).map_err(|_| SyncError::InvalidKey)?;
        Ok(Slot {
            kdf,
            nonce: r.array()?,
            wrapped: r.array()?,
        })
    }

    /// Reads a slot from [`Slot::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Slot, SyncError> {
        let mut r = Reader { data: bytes };
        let slot = Slot::read(&mut r)?;
        if !r.data.is_empty() {
            return Err(malformed("trailing bytes"));
        }
        Ok(slot)
    }
}

/// The manifest: which chunks form the current set, the devices, and the password slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The password slot (in the clear: it is what a new device opens first).
    pub slot: Slot,
    /// Counts writes of the set.
    pub generation: u64,
    /// Chunk item keys in order, each with its tag prefix.
    pub chunks: Vec<(String, [u8; TAG_PREFIX])>,
    /// Devices and how far each has merged.
    pub devices: Vec<DeviceSeen>,
}

impl Manifest {
    /// The manifest item's text: version, slot, then the body sealed under the sync key with the
    /// version and slot as associated data.
    pub fn seal(&self, key: &SyncKey, rng: Rng<'_>) -> String {
        let mut head = vec![VERSION];
        head.extend_from_slice(&self.slot.to_bytes());
        let mut body = Vec::new();
        let mut w = Writer(&mut body);
        w.varint(self.generation);
        w.varint(self.chunks.len() as u64);
        for (k, tag) in &self.chunks {
            w.bytes(k.as_bytes());
            w.0.extend_from_slice(tag);
        }
        w.varint(self.devices.len() as u64);
        for d in &self.devices {
            w.0.extend_from_slice(&d.device.0);
            w.varint(d.seen_millis);
        }
        let nonce: [u8; NONCE] = random(rng);
        let mut aad = MANIFEST_AAD.to_vec();
        aad.extend_from_slice(&head);
        seal(key.expose(), &nonce, &aad, &mut body);
        head.extend_from_slice(&nonce);
        head.extend_from_slice(&body);
        to_text(&head)
    }

    /// The slot of a manifest item, readable without a key.
    pub fn slot_of(text: &str) -> Result<Slot, SyncError> {
        let bytes = from_text(text)?;
        let mut r = Reader { data: &bytes };
        let version = r.u8()?;
        if version != VERSION {
            return Err(SyncError::UnsupportedVersion { found: version });
        }
        Slot::read(&mut r)
    }

    /// Opens a manifest item with the sync key. A key that does not open it gives `KeyChanged`.
    pub fn open(text: &str, key: &SyncKey) -> Result<Manifest, SyncError> {
        let bytes = from_text(text)?;
        let mut r = Reader { data: &bytes };
        let version = r.u8()?;
        if version != VERSION {
            return Err(SyncError::UnsupportedVersion { found: version });
        }
        let slot = Slot::read(&mut r)?;
        let head_len = bytes.len() - r.data.len();
        let nonce: [u8; NONCE] = r.array()?;
        let mut aad = MANIFEST_AAD.to_vec();
        aad.extend_from_slice(&bytes[..head_len]);
        let mut body = r.data.to_vec();
        open(key.expose(), &nonce, &aad, &mut body).map_err(|_| SyncError::KeyChanged)?;
        let mut r = Reader { data: &body };
        let generation = r.varint()?;
        let n = r.count(super::MAX_ITEMS)?;
        let mut chunks = Vec::with_capacity(n);
        for _ in 0..n {
            let k = String::from_utf8(r.bytes(64)?.to_vec()).map_err(|_| malformed("chunk key"))?;
            chunks.push((k, r.array()?));
        }
        let n = r.count(super::MAX_ITEMS)?;
        let mut devices = Vec::with_capacity(n);
        for _ in 0..n {
            devices.push(DeviceSeen {
                device: DeviceId(r.array()?),
                seen_millis: r.varint()?,
            });
        }
        if !r.data.is_empty() {
            return Err(malformed("trailing bytes"));
        }
        Ok(Manifest {
            slot,
            generation,
            chunks,
            devices,
        })
    }
}

// ---- Device-local blobs -------------------------------------------------------------------------

const LOCAL_AAD: &[u8] = b"tessera sync local v1";

/// Seals a device-local blob (the base and conflict list kept in `storage.local`) under the sync
/// key: nonce then ciphertext and tag.
pub fn seal_local(key: &SyncKey, plain: &[u8], rng: Rng<'_>) -> Vec<u8> {
    let nonce: [u8; NONCE] = random(rng);
    let mut buffer = Zeroizing::new(Vec::with_capacity(plain.len() + TAG));
    buffer.extend_from_slice(plain);
    seal(key.expose(), &nonce, LOCAL_AAD, &mut buffer);
    let mut out = nonce.to_vec();
    out.extend_from_slice(&buffer);
    out
}

/// Opens a blob of [`seal_local`]. Another key or any change gives `Decrypt`.
pub fn open_local(key: &SyncKey, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, SyncError> {
    if sealed.len() < NONCE + TAG {
        return Err(SyncError::Decrypt);
    }
    let (nonce, body) = sealed.split_at(NONCE);
    let mut buffer = Zeroizing::new(body.to_vec());
    open(key.expose(), nonce, LOCAL_AAD, &mut buffer)?;
    Ok(buffer)
}
