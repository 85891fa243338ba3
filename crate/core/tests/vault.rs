//! Vault format v1: round trips, the byte layout of docs/vault-format.md checked with AES-GCM
//! directly, tampering, limits, versions, password changes, frozen vectors, and what Debug/Display
//! show.
#![allow(clippy::unwrap_used)] // Tests may unwrap.

mod vault_support;

use std::path::PathBuf;
use std::sync::OnceLock;

use aes_gcm::aead::Aead;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use tessera_core::vault::{
    self, derive_password_key, header_info, open_unprotected, open_with_data_key, open_with_key,
    reseal, seal_new, DataKey, DerivedKey, DeviceId, Entry, KdfParams, Protection, Record,
    RecordId, SlotInfo, Stamp, Vault, VaultError, VersionedPart, MAX_BODY_BYTES, MAX_HEADER_BYTES,
    MAX_RECORDS, MIN_PBKDF2_ITERATIONS,
};
use tessera_core::{Account, Algorithm, OtpType, Secret};
use vault_support::{pinned_rng, read_json, vault_from_json, vault_to_json};

const PASSWORD: &[u8] = b"correct horse battery staple";

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/vault")
}

fn expected() -> serde_json::Value {
    read_json(&data_dir().join("v1_expected.json"))
}

fn sample() -> Vault {
    vault_from_json(&expected())
}

/// One password vault at the 10,000-iteration floor, sealed once (derivation is slow in debug builds).
fn password_vault() -> &'static (Vec<u8>, KdfParams) {
    static CELL: OnceLock<(Vec<u8>, KdfParams)> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut rng = pinned_rng(1);
        let kdf = KdfParams::generate_with_iterations(&mut rng, MIN_PBKDF2_ITERATIONS).unwrap();
        let key = derive_password_key(PASSWORD, kdf.salt(), kdf.iterations()).unwrap();
        let (sealed, _) = seal_new(
            &sample(),
            &Protection::Password {
                key,
                kdf: kdf.clone(),
            },
            &mut rng,
        )
        .unwrap();
        (sealed, kdf)
    })
}

fn password_key() -> &'static DerivedKey {
    static CELL: OnceLock<DerivedKey> = OnceLock::new();
    CELL.get_or_init(|| {
        let (_, kdf) = password_vault();
        derive_password_key(PASSWORD, kdf.salt(), kdf.iterations()).unwrap()
    })
}

fn key_from(byte: u8) -> DerivedKey {
    DerivedKey::from_slice(&[byte; 32]).unwrap()
}

#[test]
fn unprotected_round_trip() {
    let v = sample();
    let (sealed, key) = seal_new(&v, &Protection::None, &mut pinned_rng(2)).unwrap();
    let info = header_info(&sealed).unwrap();
    assert_eq!(info.slots, vec![SlotInfo::None]);
    assert_eq!(info.header_len, 64);
    assert_eq!(info.header_len + info.body_len, sealed.len());
    let (opened, key2) = open_unprotected(&sealed).unwrap();
    assert_eq!(opened, v);
    assert_eq!(*key.to_session_bytes(), *key2.to_session_bytes());
    assert_eq!(
        open_with_key(&sealed, &key_from(1)).unwrap_err(),
        VaultError::NoPasswordSlot
    );
}

#[test]
fn password_round_trip() {
    let (sealed, kdf) = password_vault();
    let info = header_info(sealed).unwrap();
    assert_eq!(info.format_version, 1);
    assert_eq!(info.header_len, 114);
    assert_eq!(info.password(), Some(kdf));
    assert_eq!(kdf.salt().len(), 16);
    let (opened, _) = open_with_key(sealed, password_key()).unwrap();
    assert_eq!(opened, sample());
    assert_eq!(
        open_unprotected(sealed).unwrap_err(),
        VaultError::PasswordRequired
    );
    let wrong = derive_password_key(
        b"correct horse battery stapler",
        kdf.salt(),
        kdf.iterations(),
    )
    .unwrap();
    assert_eq!(
        open_with_key(sealed, &wrong).unwrap_err(),
        VaultError::Decrypt
    );
    assert_eq!(
        open_with_key(sealed, &key_from(0)).unwrap_err(),
        VaultError::Decrypt
    );
}

#[test]
fn default_parameters_follow_owasp() {
    let kdf = KdfParams::generate(&mut pinned_rng(3));
    assert_eq!(kdf.iterations(), 600_000);
    assert_eq!(vault::PBKDF2_ITERATIONS, 600_000);
    assert_eq!(kdf.salt().len(), 16);
    assert_ne!(kdf.salt(), KdfParams::generate(&mut pinned_rng(4)).salt());
}

#[test]
fn reseal_keeps_slots_and_draws_a_new_nonce() {
    let (sealed, _) = password_vault();
    let (mut v, data_key) = open_with_key(sealed, password_key()).unwrap();
    // The session cache round trip.
    let cached = DataKey::from_session_bytes(&data_key.to_session_bytes()[..]).unwrap();
    assert_eq!(open_with_data_key(sealed, &cached).unwrap(), v);

    let stamp = Stamp::next(
        v.latest_stamp().as_ref(),
        1_767_600_000_000,
        DeviceId([5; 8]),
    );
    let id = v.records[0].id;
    assert!(v.erase(id, stamp));
    assert!(!v.delete(id, stamp), "already a tombstone");
    v.settings.insert("autolock_minutes".into(), "never".into());
    let resealed = reseal(&v, &cached, sealed, &mut pinned_rng(5)).unwrap();
    let (h_old, h_new) = (
        header_info(sealed).unwrap(),
        header_info(&resealed).unwrap(),
    );
    assert_eq!(h_old.slots, h_new.slots);
    // Same slot bytes, different body nonce (the last 12 header bytes).
    assert_eq!(
        sealed[16..h_old.header_len - 12],
        resealed[16..h_new.header_len - 12]
    );
    assert_ne!(
        sealed[h_old.header_len - 12..h_old.header_len],
        resealed[h_new.header_len - 12..h_new.header_len]
    );
    let (reopened, _) = open_with_key(&resealed, password_key()).unwrap();
    assert_eq!(reopened, v);
    assert_eq!(
        reopened.records[0].entry,
        Entry::Deleted {
            deleted_at_millis: 1_767_600_000_000,
            retained: None,
        }
    );
    assert_eq!(reopened.accounts().count(), 3);

    let wrong = DataKey::from_session_bytes(&[0u8; 32]).unwrap();
    assert_eq!(
        reseal(&v, &wrong, sealed, &mut pinned_rng(6)).unwrap_err(),
        VaultError::Decrypt
    );
    assert_eq!(
        open_with_data_key(sealed, &wrong).unwrap_err(),
        VaultError::Decrypt
    );
}

#[test]
fn changing_the_password_rotates_the_data_key() {
    let (old_sealed, _) = password_vault();
    let (v, old_data_key) = open_with_key(old_sealed, password_key()).unwrap();
    let mut rng = pinned_rng(7);
    let kdf = KdfParams::generate_with_iterations(&mut rng, MIN_PBKDF2_ITERATIONS).unwrap();
    let new_key = derive_password_key(b"new password", kdf.salt(), kdf.iterations()).unwrap();
    let (new_sealed, new_data_key) =
        vault::change_password(&v, new_key.clone(), kdf.clone(), &mut rng).unwrap();
    assert_ne!(
        *old_data_key.to_session_bytes(),
        *new_data_key.to_session_bytes()
    );
    assert_eq!(header_info(&new_sealed).unwrap().password(), Some(&kdf));
    // The old password (its derived key) and the old data key open neither the new vault...
    assert_eq!(
        open_with_key(&new_sealed, password_key()).unwrap_err(),
        VaultError::Decrypt
    );
    assert_eq!(
        open_with_data_key(&new_sealed, &old_data_key).unwrap_err(),
        VaultError::Decrypt
    );
    // ... nor does the old password derived with the new salt.
    let old_pw_new_salt = derive_password_key(PASSWORD, kdf.salt(), kdf.iterations()).unwrap();
    assert_eq!(
        open_with_key(&new_sealed, &old_pw_new_salt).unwrap_err(),
        VaultError::Decrypt
    );
    assert_eq!(open_with_key(&new_sealed, &new_key).unwrap().0, v);

    let (plain, plain_key) = vault::remove_password(&v, &mut rng).unwrap();
    assert_eq!(header_info(&plain).unwrap().slots, vec![SlotInfo::None]);
    assert_ne!(
        *plain_key.to_session_bytes(),
        *new_data_key.to_session_bytes()
    );
    assert_eq!(open_unprotected(&plain).unwrap().0, v);
}

// ---- The layout of docs/vault-format.md, checked with AES-GCM directly (not through our reader) ----

fn aes_open(key: &[u8], nonce: &[u8], ct: &[u8], aad: &[u8]) -> Vec<u8> {
    let c = Aes256Gcm::new_from_slice(key).unwrap();
    c.decrypt(
        Nonce::from_slice(nonce),
        aes_gcm::aead::Payload { msg: ct, aad },
    )
    .unwrap()
}

#[test]
fn layout_matches_the_specification_byte_for_byte() {
    let mut v = Vault::new();
    let account = Account::totp(
        "ACME",
        "al",
        Secret::from_bytes(b"12345678901234567890".to_vec()).unwrap(),
    );
    v.records.push(Record {
        id: RecordId([1, 2, 3, 4, 5, 6, 7, 8]),
        stamp: Stamp {
            millis: 1000,
            counter: 0,
            device: DeviceId([0xaa; 8]),
        },
        entry: Entry::Account {
            account,
            sites: vec!["a.io".into()],
        },
        pinned: false,
    });
    v.settings.insert("k".into(), "v".into());
    let (sealed, _) = seal_new(&v, &Protection::None, &mut pinned_rng(8)).unwrap();

    assert_eq!(&sealed[0..8], b"TSRVAULT");
    assert_eq!(&sealed[8..10], &[0, 1]);
    assert_eq!(&sealed[10..12], &[0, 64]); // 16 + 1 + (3 + 32) + 12
    let body_len = u32::from_be_bytes(sealed[12..16].try_into().unwrap()) as usize;
    assert_eq!(sealed.len(), 64 + body_len);
    assert_eq!(&sealed[16..20], &[1, 0, 0, 32]); // one slot, kind none, payload 32
    let data_key = &sealed[20..52];
    let nonce = &sealed[52..64];
    let plain = aes_open(data_key, nonce, &sealed[64..], &sealed[..64]);
    let mut want = vec![0x01, 0x01];
    want.extend([0xaa; 8]);
    want.extend([0x01, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 0xe8, 0x07, 0x00, 0x00]);
    want.extend([0x00, 0x00, 0x06, 0x1e, 0x00, 0x14]);
    want.extend(b"12345678901234567890");
    want.extend(b"\x04ACME\x02al\x01\x04a.io\x01\x01k\x01v");
    assert_eq!(plain, want);

    // And a password slot: PBKDF2 -> AES-GCM unwrap with the fixed label -> body.
    let (sealed, kdf) = password_vault();
    assert_eq!(&sealed[16..20], &[1, 1, 0, 82]);
    assert_eq!(sealed[20], 1); // PBKDF2-HMAC-SHA256
    assert_eq!(&sealed[21..25], &10_000u32.to_be_bytes());
    assert_eq!(sealed[25], 16);
    assert_eq!(&sealed[26..42], kdf.salt());
    let kek = password_key().expose();
    let data_key = aes_open(
        kek,
        &sealed[42..54],
        &sealed[54..102],
        b"tessera vault v1 data key",
    );
    assert_eq!(data_key.len(), 32);
    let plain = aes_open(&data_key, &sealed[102..114], &sealed[114..], &sealed[..114]);
    assert_eq!(plain[0], 1, "body version");
}

#[test]
fn bytes_per_typical_account() {
    // 20-byte secret, 12-character issuer, 24-character account name, defaults, a 2026 stamp.
    let device = DeviceId([3; 8]);
    let make = |n: usize| {
        let mut v = Vault::new();
        let mut rng = pinned_rng(9);
        for i in 0..n {
            let a = Account::totp(
                "IssuerName12",
                &format!("user{i:04}@example-mail.com")[..24],
                Secret::from_bytes(vec![7; 20]).unwrap(),
            );
            let stamp = Stamp {
                millis: 1_780_000_000_000 + i as u64,
                counter: 0,
                device,
            };
            v.add_account(a, vec![], stamp, &mut rng);
        }
        v
    };
    let len = |v: &Vault| {
        header_info(
            &seal_new(v, &Protection::None, &mut pinned_rng(10))
                .unwrap()
                .0,
        )
        .unwrap()
        .body_len
    };
    let per_account = len(&make(2)) - len(&make(1));
    assert_eq!(
        per_account, 82,
        "docs/vault-format.md section 6 gives the breakdown"
    );
    // 1,000 such accounts, each with one 11-byte site, sealed with a password header, fit in 100 KB.
    let mut v = make(1000);
    for r in &mut v.records {
        if let Entry::Account { sites, .. } = &mut r.entry {
            sites.push("example.com".into());
        }
    }
    let body = len(&v);
    assert!(body + 114 <= 100_000, "{body}");
    assert_eq!(
        body,
        4 + 8 + 1 + 1000 * (82 + 12) + 16,
        "version, device table, record count (2-byte varint), records, tag"
    );
}

// ---- Tampering ----

#[test]
fn every_flipped_byte_fails_and_sealed_bytes_fail_opaquely() {
    let (sealed, _) = password_vault();
    let key = password_key();
    let salt_start = 26; // docs/vault-format.md: 16 fixed + slot count + slot head (3) + kdf + iterations + salt_len
    for i in 0..sealed.len() {
        let mut t = sealed.clone();
        t[i] ^= 0x01;
        let err = open_with_key(&t, key).unwrap_err();
        if i >= salt_start {
            // Salt, wrap nonce, wrapped key and tag, body nonce, body ciphertext and tag.
            assert_eq!(err, VaultError::Decrypt, "byte {i}");
        } else if (21..25).contains(&i) {
            assert!(
                matches!(
                    err,
                    VaultError::Decrypt | VaultError::IterationsOutOfRange { .. }
                ),
                "byte {i}: {err:?}"
            );
        }
        // Header structure bytes may give their specific errors; every flip fails (unwrap_err above).
        let mut t2 = sealed.clone();
        t2[i] ^= 0x80;
        assert!(open_with_key(&t2, key).is_err(), "byte {i} ^ 0x80");
    }
    // An honest opener of a vault whose salt was changed derives a different key: still Decrypt.
    let mut t = sealed.clone();
    t[salt_start] ^= 1;
    let info = header_info(&t).unwrap();
    let kdf = info.password().unwrap();
    let k = derive_password_key(PASSWORD, kdf.salt(), kdf.iterations()).unwrap();
    assert_eq!(open_with_key(&t, &k).unwrap_err(), VaultError::Decrypt);
}

#[test]
fn every_flipped_byte_of_an_unprotected_vault_fails() {
    let (sealed, _) = seal_new(&sample(), &Protection::None, &mut pinned_rng(11)).unwrap();
    for i in 0..sealed.len() {
        let mut t = sealed.clone();
        t[i] ^= 0x01;
        let err = open_unprotected(&t).unwrap_err();
        if i >= 20 {
            assert_eq!(err, VaultError::Decrypt, "byte {i}");
        }
    }
}

#[test]
fn every_truncation_and_extension_fails() {
    let (sealed, _) = password_vault();
    for n in 0..sealed.len() {
        let err = header_info(&sealed[..n]).unwrap_err();
        assert!(
            matches!(err, VaultError::Truncated | VaultError::NotAVault),
            "{n}: {err:?}"
        );
        assert_eq!(
            open_with_key(&sealed[..n], password_key()).unwrap_err(),
            err
        );
    }
    let mut longer = sealed.clone();
    longer.push(0);
    assert_eq!(header_info(&longer).unwrap_err().code(), "vault_malformed");
    assert_eq!(header_info(b"").unwrap_err(), VaultError::NotAVault);
    assert_eq!(header_info(b"TSRV").unwrap_err(), VaultError::Truncated);
    assert_eq!(
        header_info(b"PK\x03\x04 not a vault at all").unwrap_err(),
        VaultError::NotAVault
    );
}

// ---- Limits and versions ----

fn patched(at: usize, bytes: &[u8]) -> Vec<u8> {
    let mut t = password_vault().0.clone();
    t[at..at + bytes.len()].copy_from_slice(bytes);
    t
}

#[test]
fn iteration_counts_outside_the_limits_are_refused_before_deriving() {
    for iterations in [9_999u32, 10_000_001, 0, u32::MAX] {
        let t = patched(21, &iterations.to_be_bytes());
        let want = VaultError::IterationsOutOfRange { iterations };
        assert_eq!(header_info(&t).unwrap_err(), want);
        assert_eq!(open_with_key(&t, password_key()).unwrap_err(), want);
        assert_eq!(
            derive_password_key(PASSWORD, b"0123456789abcdef", iterations).unwrap_err(),
            want
        );
        assert_eq!(KdfParams::new(vec![0; 16], iterations).unwrap_err(), want);
    }
    for iterations in [10_000u32, 10_000_000] {
        assert!(KdfParams::new(vec![0; 16], iterations).is_ok());
    }
}

#[test]
fn header_limits_give_clear_errors() {
    let cases: Vec<(Vec<u8>, VaultError)> = vec![
        (
            patched(10, &((MAX_HEADER_BYTES + 1) as u16).to_be_bytes()),
            VaultError::TooLarge { what: "header" },
        ),
        (
            patched(12, &((MAX_BODY_BYTES + 1) as u32).to_be_bytes()),
            VaultError::TooLarge { what: "body" },
        ),
        (
            patched(12, &u32::MAX.to_be_bytes()),
            VaultError::TooLarge { what: "body" },
        ),
        (
            patched(16, &[5]),
            VaultError::TooLarge { what: "key slots" },
        ),
        (
            patched(16, &[0]),
            VaultError::Malformed {
                reason: "no key slot",
            },
        ),
        (patched(17, &[9]), VaultError::UnsupportedSlot { kind: 9 }),
        (patched(20, &[2]), VaultError::UnsupportedKdf { id: 2 }),
        (patched(25, &[15]), VaultError::SaltLength { len: 15 }),
        (patched(25, &[65]), VaultError::SaltLength { len: 65 }),
        (
            patched(25, &[17]),
            VaultError::Malformed {
                reason: "password slot length",
            },
        ),
        (
            patched(8, &[0, 0]),
            VaultError::Malformed {
                reason: "format version 0",
            },
        ),
        (patched(0, b"X"), VaultError::NotAVault),
    ];
    for (bytes, want) in cases {
        assert_eq!(header_info(&bytes).unwrap_err(), want);
        assert_eq!(open_with_key(&bytes, password_key()).unwrap_err(), want);
    }
}

#[test]
fn a_newer_format_version_is_refused_not_downgraded() {
    for version in [2u16, 0x0100, u16::MAX] {
        let t = patched(8, &version.to_be_bytes());
        let want = VaultError::UnsupportedVersion {
            part: VersionedPart::Format,
            found: u64::from(version),
            supported: 1,
        };
        assert_eq!(header_info(&t).unwrap_err(), want);
        assert_eq!(open_with_key(&t, password_key()).unwrap_err(), want);
        assert_eq!(want.code(), "vault_unsupported_version");
    }
    // A newer version whose header is also longer than v1 allows: the version check comes first.
    let mut t = patched(8, &[0, 2]);
    t.truncate(12);
    assert_eq!(
        header_info(&t).unwrap_err().code(),
        "vault_unsupported_version"
    );
}

/// A `none` vault around an arbitrary body plaintext, built from the specification with AES-GCM
/// directly, to feed the body reader inputs our writer never makes.
fn craft(plain: &[u8]) -> Vec<u8> {
    let key = [7u8; 32];
    let nonce = [9u8; 12];
    let mut h = b"TSRVAULT\x00\x01\x00\x40".to_vec();
    h.extend(((plain.len() + 16) as u32).to_be_bytes());
    h.extend([1, 0, 0, 32]);
    h.extend(key);
    h.extend(nonce);
    let c = Aes256Gcm::new_from_slice(&key).unwrap();
    let ct = c
        .encrypt(
            Nonce::from_slice(&nonce),
            aes_gcm::aead::Payload {
                msg: plain,
                aad: &h,
            },
        )
        .unwrap();
    h.extend(ct);
    h
}

fn body(devices: &[u8], records: &[u8], settings: &[u8]) -> Vec<u8> {
    let mut b = vec![1];
    b.extend(devices);
    b.extend(records);
    b.extend(settings);
    b
}

/// One account record (device 0) with the given parameter and string bytes.
fn record(id: u8, params: &[u8], strings: &[u8]) -> Vec<u8> {
    let mut r = vec![0, id, 0, 0, 0, 0, 0, 0, 0, 0xe8, 0x07, 0, 0];
    r.extend(params);
    r.extend(strings);
    r
}

#[test]
fn body_reader_checks_versions_limits_and_structure() {
    let dev = [&[1u8][..], &[0xaa; 8]].concat();
    let totp = [0, 0, 6, 30, 0];
    let strings = b"\x01\x07\x04ACME\x02al\x00";
    let one = [&[1u8][..], &record(1, &totp, strings)].concat();
    // The control case opens, so each failure below is due to its one change.
    let ok = open_unprotected(&craft(&body(&dev, &one, &[0]))).unwrap().0;
    assert_eq!(ok.accounts().next().unwrap().1.issuer, "ACME");

    let two_same_id = [
        &[2u8][..],
        &record(1, &totp, strings),
        &record(1, &totp, strings),
    ]
    .concat();
    let mut records_over = vec![0x91, 0x4e]; // 10,001
    records_over.extend(record(1, &totp, strings));
    assert_eq!(MAX_RECORDS, 10_000);
    let mut long_secret = vec![0x81, 0x08]; // 1,025
    long_secret.extend([7; 1025]);
    long_secret.extend(b"\x00\x00\x00");
    let cases: Vec<(Vec<u8>, VaultError)> = vec![
        (
            [&[3u8][..], &body(&dev, &one, &[0])[1..]].concat(),
            VaultError::UnsupportedVersion {
                part: VersionedPart::Body,
                found: 3,
                supported: 2,
            },
        ),
        (
            [&[0x80u8, 0x01][..], &body(&dev, &one, &[0])[1..]].concat(),
            VaultError::UnsupportedVersion {
                part: VersionedPart::Body,
                found: 128,
                supported: 2,
            },
        ),
        (
            [&[0u8][..], &body(&dev, &one, &[0])[1..]].concat(),
            VaultError::Malformed {
                reason: "body version 0",
            },
        ),
        (
            body(&[0x91, 0x4e], &[], &[]),
            VaultError::TooLarge { what: "devices" },
        ),
        (
            body(&dev, &records_over, &[0]),
            VaultError::TooLarge { what: "records" },
        ),
        (
            body(
                &dev,
                &[&[1u8][..], &record(1, &totp, &long_secret)].concat(),
                &[0],
            ),
            VaultError::TooLarge { what: "secret" },
        ),
        (
            [body(&dev, &one, &[0]), vec![0]].concat(),
            VaultError::Malformed {
                reason: "trailing bytes after the body",
            },
        ),
        (body(&dev, &one, &[]), VaultError::Truncated),
        (
            body(&dev, &two_same_id, &[0]),
            VaultError::Malformed {
                reason: "duplicate record id",
            },
        ),
        (
            body(
                &dev,
                &[&[1u8][..], &record(1, &[0, 0, 0, 30, 0], strings)].concat(),
                &[0],
            ),
            VaultError::Malformed {
                reason: "invalid account (digits or period)",
            },
        ),
        (
            body(
                &dev,
                &[&[1u8][..], &record(1, &[3, 0, 6, 30, 0], strings)].concat(),
                &[0],
            ),
            VaultError::Malformed {
                reason: "account type",
            },
        ),
        (
            body(
                &dev,
                &[&[1u8][..], &record(1, &[0, 3, 6, 30, 0], strings)].concat(),
                &[0],
            ),
            VaultError::Malformed {
                reason: "algorithm",
            },
        ),
        (
            body(
                &dev,
                &[
                    &[1u8][..],
                    &record(1, &totp, b"\x01\x07\x02\xff\xfe\x02al\x00"),
                ]
                .concat(),
                &[0],
            ),
            VaultError::Malformed {
                reason: "string is not UTF-8",
            },
        ),
        (
            body(
                &dev,
                &[&[1u8][..], &record(1, &[0, 0, 6, 0x9e, 0x00, 0], strings)].concat(),
                &[0],
            ),
            VaultError::Malformed {
                reason: "varint not minimal",
            },
        ),
        (
            body(&dev, &one, b"\x02\x01b\x00\x01a\x00"),
            VaultError::Malformed {
                reason: "settings not in strictly increasing key order",
            },
        ),
        (
            body(&dev, &one, b"\x02\x01a\x00\x01a\x00"),
            VaultError::Malformed {
                reason: "settings not in strictly increasing key order",
            },
        ),
        (
            body(&[0], &one, &[0]),
            VaultError::Malformed {
                reason: "device index",
            },
        ),
    ];
    for (plain, want) in cases {
        assert_eq!(
            open_unprotected(&craft(&plain)).unwrap_err(),
            want,
            "{plain:02x?}"
        );
    }
}

#[test]
fn sealing_refuses_what_the_reader_would_refuse() {
    let mut v = sample();
    let dup = v.records[0].clone();
    v.records.push(dup);
    assert_eq!(
        seal_new(&v, &Protection::None, &mut pinned_rng(12)).unwrap_err(),
        VaultError::InvalidRecord {
            index: 5,
            reason: "duplicate id"
        }
    );
    let mut v = sample();
    if let Entry::Account { account, .. } = &mut v.records[1].entry {
        account.digits = 11;
    }
    assert_eq!(
        seal_new(&v, &Protection::None, &mut pinned_rng(12))
            .unwrap_err()
            .code(),
        "vault_invalid_record"
    );
    let mut v = sample();
    v.settings.insert(String::new(), "x".into());
    assert_eq!(
        seal_new(&v, &Protection::None, &mut pinned_rng(12)).unwrap_err(),
        VaultError::InvalidSetting
    );
    let mut v = sample();
    if let Entry::Account { sites, .. } = &mut v.records[0].entry {
        sites.push(String::new());
    }
    assert_eq!(
        seal_new(&v, &Protection::None, &mut pinned_rng(12))
            .unwrap_err()
            .code(),
        "vault_invalid_record"
    );
}

// ---- Frozen v1 vectors: written once with pinned randomness, must open forever ----

fn frozen(name: &str) -> Vec<u8> {
    std::fs::read(data_dir().join(name)).unwrap()
}

fn frozen_rng() -> impl FnMut(&mut [u8]) {
    pinned_rng(0x7e55_e2a0_0001)
}

/// Writes the frozen files. Run once: `cargo test -p tessera-core --test vault -- --ignored`. Refuses
/// to overwrite: frozen files are never regenerated, only added to.
#[test]
#[ignore = "writes the frozen vectors once"]
fn write_frozen_vectors() {
    let mut rng = frozen_rng();
    let kdf = KdfParams::generate_with_iterations(&mut rng, MIN_PBKDF2_ITERATIONS).unwrap();
    let key = derive_password_key(PASSWORD, kdf.salt(), kdf.iterations()).unwrap();
    let (with_password, _) =
        seal_new(&sample(), &Protection::Password { key, kdf }, &mut rng).unwrap();
    let (without, _) = seal_new(&sample(), &Protection::None, &mut rng).unwrap();
    for (name, bytes) in [
        ("v1_password.vault", with_password),
        ("v1_none.vault", without),
    ] {
        let path = data_dir().join(name);
        assert!(!path.exists(), "{name} is frozen; never regenerate it");
        std::fs::write(path, bytes).unwrap();
    }
}

#[test]
fn frozen_v1_password_vault_opens() {
    let doc = expected();
    let sealed = frozen("v1_password.vault");
    let info = header_info(&sealed).unwrap();
    let kdf = info.password().unwrap();
    assert_eq!((kdf.iterations(), kdf.salt().len()), (10_000, 16));
    let password = doc["password"].as_str().unwrap();
    let key = derive_password_key(password.as_bytes(), kdf.salt(), kdf.iterations()).unwrap();
    let (v, _) = open_with_key(&sealed, &key).unwrap();
    assert_eq!(v, vault_from_json(&doc));
    let mut doc = doc;
    doc.as_object_mut().unwrap().remove("password");
    assert_eq!(vault_to_json(&v), doc);
    // Spot checks against the JSON by hand, in case the JSON reader itself were wrong.
    let (id, a, sites) = v.accounts().nth(1).unwrap();
    assert_eq!(
        (id.to_hex().as_str(), a.otp_type, a.counter, a.name.as_str()),
        ("0123456789abcdef", OtpType::Hotp, 42, "bob")
    );
    assert!(sites.is_empty());
    let (_, a, _) = v.accounts().nth(3).unwrap();
    assert_eq!(
        (a.algorithm, a.digits, a.period, a.issuer.as_str()),
        (Algorithm::Sha256, 8, 60, "Bänk: Ünïcode ☃")
    );
    assert_eq!(a.secret.expose(), b"12345678901234567890123456789012");
    assert_eq!(
        v.records[4].entry,
        Entry::Deleted {
            deleted_at_millis: 1_767_484_800_000,
            retained: None,
        }
    );
    assert_eq!(
        v.settings.get("autolock_minutes").map(String::as_str),
        Some("15")
    );
}

#[test]
fn frozen_v1_none_vault_opens() {
    let sealed = frozen("v1_none.vault");
    assert_eq!(header_info(&sealed).unwrap().slots, vec![SlotInfo::None]);
    assert_eq!(open_unprotected(&sealed).unwrap().0, sample());
}

/// The v1 writer still produces the frozen bytes from the same randomness. When a v2 writer
/// replaces v1, this test goes; the two tests above stay forever.
#[test]
fn the_v1_writer_reproduces_the_frozen_bytes() {
    let mut rng = frozen_rng();
    let kdf = KdfParams::generate_with_iterations(&mut rng, MIN_PBKDF2_ITERATIONS).unwrap();
    let sealed = frozen("v1_password.vault");
    assert_eq!(header_info(&sealed).unwrap().password(), Some(&kdf));
    let key = derive_password_key(PASSWORD, kdf.salt(), kdf.iterations()).unwrap();
    let (with_password, _) =
        seal_new(&sample(), &Protection::Password { key, kdf }, &mut rng).unwrap();
    assert_eq!(with_password, sealed);
    let (without, _) = seal_new(&sample(), &Protection::None, &mut rng).unwrap();
    assert_eq!(without, frozen("v1_none.vault"));
}

// ---- What Debug and Display show ----

#[test]
fn debug_and_display_never_show_secrets_or_keys() {
    let (sealed, kdf) = password_vault();
    let (v, data_key) = open_with_key(sealed, password_key()).unwrap();
    let key_hex: String = data_key
        .to_session_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let derived_hex: String = password_key()
        .expose()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let (none_sealed, none_key) = seal_new(&v, &Protection::None, &mut pinned_rng(13)).unwrap();
    let secrets: Vec<String> = v.accounts().map(|(_, a, _)| a.secret.to_base32()).collect();
    let secret_bytes: Vec<String> = v
        .accounts()
        .map(|(_, a, _)| format!("{:?}", a.secret.expose()))
        .collect();
    let mut shown = vec![
        format!("{v:?}"),
        format!("{:?}", v.records),
        format!("{data_key:?}"),
        format!("{none_key:?}"),
        format!("{:?}", password_key()),
        format!(
            "{:?}",
            Protection::Password {
                key: password_key().clone(),
                kdf: kdf.clone()
            }
        ),
        format!("{:?}", header_info(sealed).unwrap()),
        format!("{:?}", header_info(&none_sealed).unwrap()),
    ];
    let errors = [
        VaultError::NotAVault,
        VaultError::UnsupportedVersion {
            part: VersionedPart::Body,
            found: 2,
            supported: 1,
        },
        VaultError::Truncated,
        VaultError::Malformed { reason: "x" },
        VaultError::TooLarge { what: "x" },
        VaultError::IterationsOutOfRange { iterations: 1 },
        VaultError::SaltLength { len: 1 },
        VaultError::UnsupportedSlot { kind: 9 },
        VaultError::UnsupportedKdf { id: 9 },
        VaultError::NoPasswordSlot,
        VaultError::PasswordRequired,
        VaultError::Decrypt,
        VaultError::InvalidKeyLength,
        VaultError::InvalidRecord {
            index: 0,
            reason: "x",
        },
        VaultError::InvalidSetting,
        VaultError::NotFound,
        VaultError::Store(vault::StoreError::new("disk full")),
    ];
    let mut codes = std::collections::BTreeSet::new();
    for e in &errors {
        let code = e.code();
        assert!(
            code.starts_with("vault_")
                && code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "{code}"
        );
        assert!(codes.insert(code), "duplicate code {code}");
        shown.push(format!("{e} {e:?}"));
    }
    assert_eq!(
        VaultError::Decrypt.to_string(),
        "wrong password, or the vault is damaged"
    );
    for s in &shown {
        for secret in secrets.iter().chain(&secret_bytes) {
            assert!(!s.contains(secret.as_str()), "{s}");
        }
        assert!(!s.contains(&key_hex) && !s.contains(&derived_hex), "{s}");
        assert!(
            !s.contains(&format!("{:?}", &data_key.to_session_bytes()[..4])),
            "{s}"
        );
        assert!(
            !s.contains(&format!("{:?}", &none_key.to_session_bytes()[..4])),
            "{s}"
        );
        assert!(
            !s.contains(&format!("{:?}", &password_key().expose()[..4])),
            "{s}"
        );
    }
    assert!(
        format!("{v:?}").contains("alice@example.com"),
        "labels are shown, so the test can see Debug output"
    );
}

#[test]
fn the_record_limit_is_reachable_and_enforced() {
    let mut v = Vault::new();
    for i in 0..MAX_RECORDS as u64 {
        let stamp = Stamp {
            millis: i,
            counter: 0,
            device: DeviceId(i.to_be_bytes()),
        };
        let entry = Entry::Deleted {
            deleted_at_millis: i,
            retained: None,
        };
        v.records.push(Record {
            id: RecordId(i.to_be_bytes()),
            stamp,
            entry,
            pinned: false,
        });
    }
    let (sealed, _) = seal_new(&v, &Protection::None, &mut pinned_rng(14)).unwrap();
    assert_eq!(open_unprotected(&sealed).unwrap().0, v);
    let i = MAX_RECORDS as u64;
    let stamp = Stamp {
        millis: i,
        counter: 0,
        device: DeviceId([0; 8]),
    };
    v.records.push(Record {
        id: RecordId(i.to_be_bytes()),
        stamp,
        entry: Entry::Deleted {
            deleted_at_millis: i,
            retained: None,
        },
        pinned: false,
    });
    assert_eq!(
        seal_new(&v, &Protection::None, &mut pinned_rng(14)).unwrap_err(),
        VaultError::TooLarge { what: "records" }
    );
}
