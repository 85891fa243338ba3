#![allow(clippy::unwrap_used)]

use super::*;
use crate::import::{self, Format as ImportFormat};
use crate::migration::reason as ga;
use crate::secret::Secret;
use serde_json::Value;
use std::collections::BTreeSet;

/// A deterministic byte stream (splitmix64) standing in for the system's randomness.
fn fake_rng(seed: u64) -> impl FnMut(&mut [u8]) {
    let mut state = seed;
    move |buf: &mut [u8]| {
        for b in buf.iter_mut() {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            *b = (z ^ (z >> 31)) as u8;
        }
    }
}

fn secret(len: usize, seed: u64) -> Secret {
    let mut bytes = vec![0u8; len];
    fake_rng(seed)(&mut bytes);
    Secret::from_bytes(bytes).unwrap()
}

/// Accounts of every kind the vault holds: the three types, the three algorithms, unusual digits
/// and periods, huge counters, labels with colons, quotes, spaces, non-ASCII and control-free
/// punctuation, empty issuer and empty name.
fn accounts() -> Vec<Account> {
    let mut all = Vec::new();
    let mut push = |t: OtpType, issuer: &str, name: &str, alg, digits, period, counter, n| {
        let mut a = Account::with_type(t, issuer, name, secret(n, all_len_seed(issuer, name)));
        a.algorithm = alg;
        a.digits = digits;
        a.period = period;
        a.counter = counter;
        all.push(a);
    };
    use Algorithm::*;
    use OtpType::*;
    push(Totp, "Example", "alice@example.com", Sha1, 6, 30, 0, 20);
    push(Totp, "Big Corp: Europe", "bob", Sha256, 8, 30, 0, 32);
    push(
        Totp,
        "Bank \"Zürich\"",
        "carol & dave",
        Sha512,
        8,
        30,
        0,
        64,
    );
    push(Totp, "", "no-issuer", Sha1, 6, 30, 0, 10);
    push(Totp, "", "name:with:colons", Sha1, 6, 30, 0, 16);
    push(Totp, "OnlyIssuer", "", Sha1, 6, 30, 0, 20);
    push(Totp, "Slow", "sixty", Sha1, 6, 60, 0, 20);
    push(Totp, "Seven", "digits", Sha1, 7, 30, 0, 20);
    push(Totp, "Ten", "digits", Sha256, 10, 30, 0, 20);
    push(Totp, "Back\\slash", "tab\tand newline?", Sha1, 6, 30, 0, 20);
    push(Hotp, "Counter", "zero", Sha1, 6, 30, 0, 20);
    push(Hotp, "Counter", "huge", Sha512, 8, 30, u64::MAX, 20);
    push(Hotp, "日本", "ユーザー", Sha1, 6, 30, 12345, 20);
    push(Steam, "Steam", "gamer", Sha1, 5, 30, 0, 20);
    all
}

fn all_len_seed(issuer: &str, name: &str) -> u64 {
    issuer
        .bytes()
        .chain(name.bytes())
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
}

/// What Google Authenticator should get of `accounts()`: everything but Steam, non-30 s periods
/// and digits other than 6 and 8 (worked out from the account table above, by hand).
fn ga_expected_left_out() -> Vec<(usize, &'static str)> {
    vec![
        (6, ga::PERIOD),
        (7, ga::DIGITS),
        (8, ga::DIGITS),
        (13, ga::STEAM),
    ]
}

fn assert_same(read: &[Account], written: &[Account]) {
    assert_eq!(read.len(), written.len());
    for (r, w) in read.iter().zip(written) {
        assert!(r == w, "read back {r:?}\nwritten    {w:?}");
    }
}

#[test]
fn uri_list_imports_back_identically() {
    let list = accounts();
    let text = uri_list(&list).unwrap();
    assert_eq!(text.lines().count(), list.len());
    assert!(text.ends_with('\n'));
    let imported = import::import(text.as_bytes(), None, None).unwrap();
    assert_eq!(imported.format, ImportFormat::OtpauthText);
    assert!(imported.skipped.is_empty(), "{:?}", imported.skipped);
    assert_same(&imported.accounts, &list);
}

#[test]
fn aegis_json_imports_back_identically() {
    let list = accounts();
    let json = aegis_json(&list, &mut fake_rng(1)).unwrap();
    let imported = import::import(json.as_bytes(), None, None).unwrap();
    assert_eq!(imported.format, ImportFormat::Aegis);
    assert!(imported.skipped.is_empty(), "{:?}", imported.skipped);
    assert_same(&imported.accounts, &list);
    // Valid JSON by an independent parser, with distinct version 4 UUIDs.
    let value: Value = serde_json::from_str(&json).unwrap();
    let uuids: BTreeSet<&str> = value["db"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["uuid"].as_str().unwrap())
        .collect();
    assert_eq!(uuids.len(), list.len());
    for u in uuids {
        let parts: Vec<&str> = u.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'), "{u}");
        assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"), "{u}");
    }
}

/// Every object's key set, by its path (array elements share the path of their array), with the
/// type or value of the fields that are constants in a plain export.
fn shape(value: &Value, path: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            let keys: Vec<&str> = map.keys().map(String::as_str).collect();
            out.insert(format!("{path} {{{}}}", keys.join(",")));
            for (k, v) in map {
                shape(v, &format!("{path}.{k}"), out);
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|v| shape(v, &format!("{path}[]"), out)),
        Value::Null => {
            out.insert(format!("{path} null"));
        }
        _ => {}
    }
}

fn corpora() -> Option<std::path::PathBuf> {
    let dir = match std::env::var_os("TESSERA_CORPORA") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora")
        }
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("note: corpora not found at {}; skipped", dir.display());
        None
    }
}

#[test]
fn aegis_json_has_the_structure_of_aegis_own_plain_export() {
    let Some(dir) = corpora() else { return };
    let file = dir.join("importers/aegis/files/aegis_plain.json");
    let Ok(original) = std::fs::read(&file) else {
        eprintln!("note: {} not found; skipped", file.display());
        return;
    };
    // The corpus file (written by Aegis) → our importer → our exporter → our importer.
    let read = import::import(&original, None, None).unwrap();
    assert!(read.skipped.is_empty());
    let json = aegis_json(&read.accounts, &mut fake_rng(2)).unwrap();
    let again = import::import(json.as_bytes(), None, None).unwrap();
    assert_same(&again.accounts, &read.accounts);

    let theirs: Value = serde_json::from_slice(&original).unwrap();
    let ours: Value = serde_json::from_str(&json).unwrap();
    let (mut a, mut b) = (BTreeSet::new(), BTreeSet::new());
    shape(&theirs, "", &mut a);
    shape(&ours, "", &mut b);
    assert_eq!(b, a, "key sets per path differ from Aegis's export");
    assert_eq!(ours["version"], theirs["version"]);
    assert_eq!(ours["db"]["version"], theirs["db"]["version"]);
    // Same secrets, algorithms, digits and periods/counters, entry by entry.
    for (o, t) in ours["db"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .zip(theirs["db"]["entries"].as_array().unwrap())
    {
        for k in ["type", "name", "issuer", "icon", "info"] {
            assert_eq!(o[k], t[k], "{k}");
        }
    }
}

#[test]
fn migration_batches_decode_back_to_every_account_google_can_hold() {
    let list = accounts();
    let out = migration(&list, -77).unwrap();
    let left: Vec<(usize, &str)> = out.left_out.iter().map(|s| (s.index, s.reason)).collect();
    assert_eq!(left, ga_expected_left_out());
    let kept: Vec<Account> = list
        .iter()
        .enumerate()
        .filter(|(i, _)| !left.iter().any(|(j, _)| j == i))
        .map(|(_, a)| a.clone())
        .collect();
    let mut read = Vec::new();
    for (i, u) in out.uris.iter().enumerate() {
        let d = migration::decode(u).unwrap();
        assert!(d.skipped.is_empty());
        assert_eq!(
            (d.batch_id, d.batch_index, d.batch_size, d.version),
            (-77, i as i32, out.uris.len() as i32, 1)
        );
        read.extend(d.accounts);
    }
    // Google's format has no period: accounts come back with the default 30 s, which they had.
    assert_same(&read, &kept);
    // SHA-256 and SHA-512 accounts are written and flagged.
    let caution: Vec<usize> = out.caution.iter().map(|s| s.index).collect();
    assert_eq!(caution, [1, 2, 11]);
    assert!(out.caution.iter().all(|s| s.reason == reason::GA_ALGORITHM));
    // The text importer reads the batch the same way (a pasted list of transfer URIs).
    let joined = out.uris.join("\n");
    let imported = import::import(joined.as_bytes(), None, None).unwrap();
    assert_same(&imported.accounts, &kept);
}

#[test]
fn many_accounts_split_into_numbered_codes() {
    let list: Vec<Account> = (0..57)
        .map(|i| {
            Account::totp(
                "Service",
                &format!("user{i}@example.com"),
                secret(20, i as u64),
            )
        })
        .collect();
    let out = migration(&list, 5).unwrap();
    // 57 accounts, at most 10 per code: at least 6 codes.
    assert!(out.uris.len() >= 6, "{}", out.uris.len());
    let mut read = Vec::new();
    for (i, u) in out.uris.iter().enumerate() {
        let d = migration::decode(u).unwrap();
        assert_eq!(
            (d.batch_index, d.batch_size),
            (i as i32, out.uris.len() as i32)
        );
        assert!(d.accounts.len() <= migration::MAX_ACCOUNTS_PER_CODE);
        read.extend(d.accounts);
    }
    assert_same(&read, &list);
}

#[test]
fn every_migration_code_stays_phone_sized() {
    // Every mix of secret length (80-bit to SHA-512's 64 bytes) and label length (none to long)
    // that real accounts have, with random secrets: full batches are cut by the byte limit or the
    // 10-account limit, whichever comes first. The largest code must stay within MAX_QR_VERSION.
    let mut largest = (0, 0);
    let mut seed = 1000;
    for secret_len in [10, 20, 64] {
        for label_len in [0, 12, 40, 100] {
            let list: Vec<Account> = (0..24)
                .map(|i| {
                    seed += 1;
                    let label = format!("{i:02}{}", "x".repeat(label_len));
                    Account::totp(&label[..label_len / 2], &label, secret(secret_len, seed))
                })
                .collect();
            let out = migration(&list, 1).unwrap();
            for u in &out.uris {
                let code =
                    qrcode::QrCode::with_error_correction_level(u.as_bytes(), qrcode::EcLevel::M)
                        .unwrap();
                let qrcode::Version::Normal(v) = code.version() else {
                    panic!("micro QR")
                };
                assert!(v <= MAX_QR_VERSION, "version {v} for {} bytes", u.len());
                largest = largest.max((v, u.len()));
            }
        }
    }
    eprintln!(
        "largest code: version {} for {} bytes",
        largest.0, largest.1
    );
}

#[test]
fn bad_input_gives_typed_errors() {
    assert_eq!(uri_list(&[]).err(), Some(ExportError::NoAccounts));
    assert_eq!(
        aegis_json(&[], &mut fake_rng(0)).err(),
        Some(ExportError::NoAccounts)
    );
    assert_eq!(migration(&[], 0).err(), Some(ExportError::NoAccounts));
    let mut bad = accounts();
    bad[3].digits = 11;
    assert_eq!(uri_list(&bad).err(), Some(ExportError::InvalidAccount(3)));
    let mut spaced = accounts();
    spaced[2].name = "  leading".into();
    let e = aegis_json(&spaced, &mut fake_rng(0)).err().unwrap();
    assert_eq!(e, ExportError::Unrepresentable(2));
    assert!(!e.to_string().contains("leading"));
    let mut long = accounts();
    long[0].issuer = "x".repeat(crate::uri::MAX_NAME_BYTES + 1);
    assert_eq!(
        migration(&long, 0).err(),
        Some(ExportError::Unrepresentable(0))
    );
}

#[test]
fn codes_and_names_are_stable() {
    let errors = [
        ExportError::NoAccounts,
        ExportError::UnknownFormat,
        ExportError::InvalidAccount(0),
        ExportError::Unrepresentable(0),
    ];
    let mut seen = BTreeSet::new();
    for code in errors
        .iter()
        .map(ExportError::code)
        .chain([reason::GA_ALGORITHM])
    {
        assert!(code.starts_with("export_"), "{code}");
        assert!(code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
        assert!(seen.insert(code), "duplicate {code}");
    }
    for f in Format::ALL {
        assert_eq!(Format::from_name(&f.name().to_uppercase()), Some(f));
    }
    assert_eq!(Format::from_name("csv"), None);
}
