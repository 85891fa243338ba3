//! Sync: conflicts, notices, counters, tombstone collection, and the stored format (text alphabet
//! checked with serde_json as an independent JSON writer, tampering, keys, quotas).
#![allow(clippy::unwrap_used)] // Tests may unwrap.

use std::collections::BTreeMap;

use tessera_core::sync::format::{from_text, open_chunk, to_text, ALPHABET};
use tessera_core::sync::{
    self, merge, state_of, Base, Manifest, Notice, Remote, Slot, SyncError, SyncKey, MANIFEST_KEY,
    QUOTA_BYTES_PER_ITEM, TOMBSTONE_RETENTION_MILLIS,
};
use tessera_core::vault::{DerivedKey, Details, DeviceId, KdfParams, RecordId, Stamp, Vault};
use tessera_core::{Account, OtpType, Secret};

const A: DeviceId = DeviceId([1; 8]);
const B: DeviceId = DeviceId([2; 8]);

fn counter_rng() -> impl FnMut(&mut [u8]) {
    let mut n = 0u8;
    move |b: &mut [u8]| {
        for x in b {
            n = n.wrapping_add(31);
            *x = n;
        }
    }
}

/// SplitMix64 as an RNG closure (ids spread like real random ids).
fn mix_rng(mut state: u64) -> impl FnMut(&mut [u8]) {
    move |b: &mut [u8]| {
        for x in b {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            *x = (z ^ (z >> 31)) as u8;
        }
    }
}

fn stamp(ms: u64, d: DeviceId) -> Stamp {
    Stamp {
        millis: ms,
        counter: 0,
        device: d,
    }
}

fn account(issuer: &str, s: u8) -> Account {
    Account::totp(
        issuer,
        "alice@example.com",
        Secret::from_bytes(vec![s; 20]).unwrap(),
    )
}

fn with_id(v: &mut Vault, id: u8, a: Account, st: Stamp) -> RecordId {
    let mut fixed = |b: &mut [u8]| b.fill(id);
    v.add_account(a, vec![], st, &mut fixed)
}

fn details_with(v: &Vault, id: RecordId, f: impl FnOnce(&mut Details)) -> Details {
    let (_, a, _) = v.accounts().find(|(i, _, _)| *i == id).unwrap();
    let mut d = Details::of(a);
    f(&mut d);
    d
}

#[test]
fn concurrent_edits_keep_the_later_and_list_the_other() {
    let mut base_vault = Vault::new();
    let id = with_id(&mut base_vault, 9, account("Old", 1), stamp(10, A));
    let base: Base = state_of(&base_vault)
        .values()
        .map(|r| (r.id, r.stamp))
        .collect();
    let mut a = base_vault.clone();
    let mut b = base_vault.clone();
    let da = details_with(&a, id, |d| d.issuer = "FromA".into());
    a.update_details(id, &da, stamp(20, A)).unwrap();
    let db = details_with(&b, id, |d| d.issuer = "FromB".into());
    b.update_details(id, &db, stamp(30, B)).unwrap();
    let m = merge(&state_of(&a), &state_of(&b), &base, &[], 40);
    let (_, kept, _) = m.state.values().map(|r| (r.id, r, ())).next().unwrap();
    match &kept.entry {
        sync::SyncEntry::Account { account, .. } => assert_eq!(account.issuer, "FromB"),
        _ => panic!("deleted"),
    }
    assert_eq!(m.conflicts.len(), 1);
    assert_eq!(m.conflicts[0].kept.issuer, "FromB");
    assert_eq!(m.conflicts[0].other.issuer, "FromA");
    // A sequential edit (B had synced A's version first) is no conflict.
    let base2: Base = state_of(&a).values().map(|r| (r.id, r.stamp)).collect();
    let m = merge(&state_of(&a), &state_of(&b), &base2, &[], 40);
    assert!(m.conflicts.is_empty());
}

#[test]
fn an_edit_after_a_delete_elsewhere_keeps_the_account_and_says_so() {
    let mut v = Vault::new();
    let id = with_id(&mut v, 5, account("X", 2), stamp(10, A));
    let base: Base = state_of(&v).values().map(|r| (r.id, r.stamp)).collect();
    let mut a = v.clone();
    let mut b = v.clone();
    assert!(a.delete(id, stamp(20, A)));
    let d = details_with(&b, id, |d| d.name = "bob".into());
    b.update_details(id, &d, stamp(25, B)).unwrap();
    let m = merge(&state_of(&a), &state_of(&b), &base, &[], 30);
    assert!(matches!(
        m.state[&id].entry,
        sync::SyncEntry::Account { .. }
    ));
    assert_eq!(m.notices, vec![Notice::KeptAfterDelete { id }]);
    // A delete after the edit wins.
    let mut c = v.clone();
    assert!(c.delete(id, stamp(40, A)));
    let m = merge(&state_of(&c), &state_of(&b), &base, &[], 50);
    assert!(matches!(
        m.state[&id].entry,
        sync::SyncEntry::Deleted { .. }
    ));
}

#[test]
fn the_same_account_on_two_devices_becomes_one_with_the_lower_id_and_the_higher_counter() {
    let mut a = Vault::new();
    let mut b = Vault::new();
    let mut h = Account::with_type(
        OtpType::Hotp,
        "Bank",
        "me",
        Secret::from_bytes(vec![3; 20]).unwrap(),
    );
    h.counter = 4;
    let low = with_id(&mut a, 0x10, h.clone(), stamp(10, A));
    h.counter = 9;
    h.issuer = "My bank".into();
    let high = with_id(&mut b, 0x20, h, stamp(12, B));
    let m = merge(&state_of(&a), &state_of(&b), &Base::new(), &[], 20);
    let live: Vec<_> = m
        .state
        .values()
        .filter_map(|r| match &r.entry {
            sync::SyncEntry::Account { account, .. } => Some((r.id, account.counter)),
            _ => None,
        })
        .collect();
    assert_eq!(live, vec![(low, 9)]);
    assert!(matches!(
        m.state[&high].entry,
        sync::SyncEntry::Deleted { into: Some(x), .. } if x == low
    ));
    assert_eq!(m.conflicts.len(), 1);
    assert_eq!(m.conflicts[0].other.issuer, "My bank");
}

#[test]
fn tombstones_go_after_30_days_once_every_device_has_merged_them() {
    let mut v = Vault::new();
    let id = with_id(&mut v, 1, account("Gone", 4), stamp(1_000, A));
    v.delete(id, stamp(2_000, A));
    let s = state_of(&v);
    let day = 24 * 3_600 * 1_000;
    let devices = |b_seen| {
        vec![
            sync::DeviceSeen {
                device: A,
                seen_millis: 3_000,
            },
            sync::DeviceSeen {
                device: B,
                seen_millis: b_seen,
            },
        ]
    };
    let later = 2_000 + TOMBSTONE_RETENTION_MILLIS;
    // Young tombstone: kept.
    let m = merge(&s, &s, &Base::new(), &devices(3_000), later - day);
    assert!(m.state.contains_key(&id));
    // Old, but device B has not merged it yet: kept.
    let m = merge(&s, &s, &Base::new(), &devices(1_500), later + day);
    assert!(m.state.contains_key(&id));
    // Old and seen by every device: collected.
    let m = merge(&s, &s, &Base::new(), &devices(2_500), later + day);
    assert!(!m.state.contains_key(&id));
}

#[test]
fn text_uses_one_json_byte_per_character_and_round_trips() {
    for c in ALPHABET {
        let s = char::from(*c).to_string();
        // serde_json is an independent JSON writer: no character of ours needs an escape.
        assert_eq!(serde_json::to_string(&s).unwrap().len(), 3, "{s}");
        assert!(*c != b'<' && *c != b'"' && *c != b'\\');
    }
    let mut rng = counter_rng();
    for len in 0..200 {
        let mut bytes = vec![0u8; len];
        rng(&mut bytes);
        let t = to_text(&bytes);
        assert_eq!(from_text(&t).unwrap(), bytes);
        assert!(t.len() <= (len * 8).div_ceil(13) * 2);
    }
    assert!(from_text("a\"").is_err());
    assert!(from_text("~~").is_err()); // 90 + 91·90 is above 13 bits

    // One byte 0x01 is the 13-bit group 1; the group 1 + 256 differs only in spare bits and must
    // not read as the same byte (a changed character of a stored item never opens).
    let spelled = |v: usize| String::from_utf8(vec![ALPHABET[v % 91], ALPHABET[v / 91]]).unwrap();
    assert_eq!(to_text(&[1]), spelled(1));
    assert_eq!(from_text(&spelled(1)).unwrap(), vec![1]);
    assert!(from_text(&spelled(1 + 256)).is_err());
}

fn setup() -> (SyncKey, Slot) {
    let mut rng = counter_rng();
    let key = SyncKey::generate(&mut rng);
    let slot = Slot::new(
        &key,
        &DerivedKey::from_slice(&[9; 32]).unwrap(),
        KdfParams::new(vec![2; 16], 10_000).unwrap(),
        &mut rng,
    );
    (key, slot)
}

fn written(o: &sync::Outcome) -> Vec<(String, String)> {
    let w = o.writes.as_ref().unwrap();
    let mut items: BTreeMap<String, String> = w.set.iter().cloned().collect();
    items.insert(w.manifest.0.clone(), w.manifest.1.clone());
    items.into_iter().collect()
}

#[test]
fn a_written_set_opens_with_the_key_and_refuses_changes_and_other_keys() {
    let (key, slot) = setup();
    let mut v = Vault::new();
    for i in 0..40u8 {
        with_id(
            &mut v,
            i.wrapping_mul(37),
            account(&format!("Issuer {i}"), i + 1),
            stamp(10 + u64::from(i), A),
        );
    }
    let mut rng = counter_rng();
    let o = sync::step(
        &v,
        &key,
        &slot,
        &Remote::default(),
        &Base::new(),
        A,
        100,
        false,
        &mut rng,
    )
    .unwrap();
    let items = written(&o);
    let remote = Remote {
        items: items.clone(),
        ..Remote::default()
    };
    // Another device reads all 40 accounts.
    let o2 = sync::step(
        &Vault::new(),
        &key,
        &slot,
        &remote,
        &Base::new(),
        B,
        200,
        false,
        &mut rng,
    )
    .unwrap();
    assert_eq!(o2.vault.unwrap().accounts().count(), 40);
    // The password slot gives the key back, and a wrong password does not.
    let slot_read =
        Manifest::slot_of(&items.iter().find(|(k, _)| k == MANIFEST_KEY).unwrap().1).unwrap();
    assert!(slot_read
        .unwrap_key(&DerivedKey::from_slice(&[9; 32]).unwrap())
        .is_ok());
    assert_eq!(
        slot_read
            .unwrap_key(&DerivedKey::from_slice(&[8; 32]).unwrap())
            .err(),
        Some(SyncError::Decrypt)
    );
    // Another key: the manifest says the password changed.
    let other = SyncKey::from_bytes(&[1; 32]).unwrap();
    assert_eq!(
        sync::step(
            &Vault::new(),
            &other,
            &slot,
            &remote,
            &Base::new(),
            B,
            200,
            false,
            &mut rng
        )
        .err(),
        Some(SyncError::KeyChanged)
    );
    // A chunk changed in one character: the set is not used.
    let (ck, cv) = items
        .iter()
        .find(|(k, _)| k != MANIFEST_KEY)
        .unwrap()
        .clone();
    let mut bad = cv.into_bytes();
    bad[20] = if bad[20] == b'a' { b'b' } else { b'a' };
    let bad = String::from_utf8(bad).unwrap();
    assert!(open_chunk(&key, &ck, &bad).is_err());
    let tampered: Vec<_> = items
        .iter()
        .map(|(k, v)| (k.clone(), if *k == ck { bad.clone() } else { v.clone() }))
        .collect();
    let r = Remote {
        items: tampered,
        ..Remote::default()
    };
    assert!(sync::step(
        &Vault::new(),
        &key,
        &slot,
        &r,
        &Base::new(),
        B,
        200,
        false,
        &mut rng
    )
    .is_err());
    // A chunk missing (a half-written set): incomplete, nothing merged.
    let partial: Vec<_> = items.iter().filter(|(k, _)| *k != ck).cloned().collect();
    let r = Remote {
        items: partial,
        ..Remote::default()
    };
    assert_eq!(
        sync::step(
            &Vault::new(),
            &key,
            &slot,
            &r,
            &Base::new(),
            B,
            200,
            false,
            &mut rng
        )
        .err(),
        Some(SyncError::Incomplete)
    );
    // Nothing changed: nothing to write.
    let o3 = sync::step(&v, &key, &slot, &remote, &o.base, A, 300, false, &mut rng).unwrap();
    assert!(o3.writes.is_none() && o3.vault.is_none());
    for (k, v) in &items {
        assert!(k.len() + v.len() + 2 <= QUOTA_BYTES_PER_ITEM);
    }
}

#[test]
fn an_edit_rewrites_one_chunk_and_removes_the_old_one_after_the_manifest() {
    let (key, slot) = setup();
    let mut v = Vault::new();
    let mut rng = mix_rng(5);
    for i in 0..300u32 {
        let a = account(&format!("Issuer{}", i % 17), (i % 250) as u8 + 1);
        let mut a = a;
        a.name = format!("user{i}@example.com");
        let _ = v.add_account(a, vec![], stamp(u64::from(i), A), &mut rng);
    }
    let o = sync::step(
        &v,
        &key,
        &slot,
        &Remote::default(),
        &Base::new(),
        A,
        1_000,
        false,
        &mut rng,
    )
    .unwrap();
    let items = written(&o);
    assert!(items.len() > 3, "several chunks");
    let (id, _, _) = v.accounts().nth(123).unwrap();
    let d = details_with(&v, id, |d| d.issuer = "Changed".into());
    v.update_details(id, &d, stamp(2_000, A)).unwrap();
    let remote = Remote {
        items: items.clone(),
        ..Remote::default()
    };
    let o2 = sync::step(&v, &key, &slot, &remote, &o.base, A, 3_000, false, &mut rng).unwrap();
    let w = o2.writes.unwrap();
    assert_eq!(w.set.len(), 1);
    assert_eq!(w.remove.len(), 1);
    assert!(items.iter().any(|(k, _)| *k == w.remove[0]));
}

#[test]
fn mutated_record_bytes_never_panic_and_what_decodes_is_canonical() {
    use tessera_core::sync::format::{decode_records, encode_records};
    let mut v = Vault::new();
    let mut h = Account::with_type(
        OtpType::Hotp,
        "Bank",
        "me",
        Secret::from_bytes(vec![3; 20]).unwrap(),
    );
    h.counter = 300;
    h.digits = 8;
    let _ = v.add_account(
        h,
        vec!["bank.example".into()],
        stamp(1_000, A),
        &mut mix_rng(1),
    );
    let id = with_id(&mut v, 0x40, account("Gone", 9), stamp(2_000, B));
    v.delete(id, stamp(3_000, B));
    let _ = v.add_account(account("Plain", 7), vec![], stamp(900, A), &mut mix_rng(2));
    let state = state_of(&v);
    let refs: Vec<_> = state.values().collect();
    let bytes = encode_records(&refs);
    assert_eq!(decode_records(&bytes).unwrap().len(), 3);
    for n in 0..bytes.len() {
        assert!(
            decode_records(&bytes[..n]).is_err(),
            "a prefix of {n} bytes decoded"
        );
    }
    for i in 0..bytes.len() {
        for x in [0x01u8, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff] {
            let mut m = bytes.to_vec();
            m[i] ^= x;
            if let Ok(records) = decode_records(&m) {
                let refs: Vec<_> = records.iter().collect();
                assert_eq!(
                    *encode_records(&refs),
                    m,
                    "byte {i} ^ {x:#x} decoded to something else"
                );
            }
        }
    }
}
