//! Crash-safe generations: every prefix of a save leaves the old or the new vault; no unprotected
//! copy survives a password being set; fallbacks never downgrade.
#![allow(clippy::unwrap_used)] // Tests may unwrap.

mod vault_support;

use std::collections::BTreeMap;

use tessera_core::vault::store::{self, generation_key, Store, POINTER_KEY};
use tessera_core::vault::{
    derive_password_key, header_info, open_unprotected, open_with_key, seal_new, DerivedKey,
    KdfParams, Protection, SlotInfo, StoreError, Vault, VaultError, MIN_PBKDF2_ITERATIONS,
};
use tessera_core::{Account, Secret};
use vault_support::pinned_rng;

/// An in-memory store that fails every operation from the `fail_at`-th on (counting from 0), as a
/// worker stopped at that point would. With `torn`, the failing `put` first stores half the value.
#[derive(Clone, Default)]
struct MemStore {
    map: BTreeMap<String, Vec<u8>>,
    ops: usize,
    fail_at: Option<usize>,
    torn: bool,
}

impl MemStore {
    fn tick(&mut self) -> Result<(), StoreError> {
        let n = self.ops;
        self.ops += 1;
        match self.fail_at {
            Some(f) if n >= f => Err(StoreError::new("stopped")),
            _ => Ok(()),
        }
    }
    fn healed(&self) -> MemStore {
        MemStore {
            map: self.map.clone(),
            ..MemStore::default()
        }
    }
}

impl Store for MemStore {
    fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.tick()?;
        Ok(self.map.get(key).cloned())
    }
    fn put(&mut self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        if let Err(e) = self.tick() {
            if self.torn && self.ops == self.fail_at.unwrap_or(0) + 1 {
                self.map
                    .insert(key.to_owned(), value[..value.len() / 2].to_vec());
            }
            return Err(e);
        }
        self.map.insert(key.to_owned(), value.to_vec());
        Ok(())
    }
    fn remove(&mut self, key: &str) -> Result<(), StoreError> {
        self.tick()?;
        self.map.remove(key);
        Ok(())
    }
    fn keys(&mut self) -> Result<Vec<String>, StoreError> {
        self.tick()?;
        Ok(self.map.keys().cloned().collect())
    }
}

fn vault_named(issuer: &str) -> Vault {
    let mut v = Vault::new();
    let a = Account::totp(
        issuer,
        "alice",
        Secret::from_bytes(b"12345678901234567890".to_vec()).unwrap(),
    );
    v.add_account(a, vec![], Default::default(), &mut pinned_rng(1));
    v
}

fn issuer_of(v: &Vault) -> String {
    v.accounts().next().unwrap().1.issuer.clone()
}

fn password() -> (DerivedKey, KdfParams) {
    let kdf =
        KdfParams::generate_with_iterations(&mut pinned_rng(2), MIN_PBKDF2_ITERATIONS).unwrap();
    (
        derive_password_key(b"pw", kdf.salt(), kdf.iterations()).unwrap(),
        kdf,
    )
}

/// Opens whatever `load` finds, with the password key if the vault has a password.
fn open_current(s: &mut MemStore, key: &DerivedKey) -> String {
    let loaded = store::load(s).unwrap();
    let v = if header_info(&loaded.sealed).unwrap().password().is_some() {
        open_with_key(&loaded.sealed, key).unwrap().0
    } else {
        open_unprotected(&loaded.sealed).unwrap().0
    };
    issuer_of(&v)
}

fn count_ops(mut s: MemStore, sealed: &[u8]) -> usize {
    store::save(&mut s, sealed).unwrap();
    s.ops
}

/// For every k, a save of `new` stopped after k operations (cleanly or with a torn write) leaves
/// the old or the new vault, and a later complete save and `tidy` leave exactly one generation.
fn check_every_prefix(
    base: &MemStore,
    new: &[u8],
    key: &DerivedKey,
    old_name: &str,
    new_name: &str,
) {
    let total = count_ops(base.clone(), new);
    assert!(total >= 4, "keys, pointer read, two puts at least: {total}");
    for torn in [false, true] {
        for k in 0..=total {
            let mut s = MemStore {
                fail_at: Some(k),
                torn,
                ..base.clone()
            };
            let result = store::save(&mut s, new);
            assert_eq!(result.is_ok(), k == total, "k={k}");
            let mut after = s.healed();
            let seen = open_current(&mut after, key);
            assert!(
                seen == old_name || seen == new_name,
                "k={k} torn={torn}: {seen}"
            );
            if k == total {
                assert_eq!(seen, new_name);
            }
            // The pointer is switched by the second put: from then on the new vault is current.
            if s.map.get(POINTER_KEY) != base.map.get(POINTER_KEY)
                && s.map.get(POINTER_KEY).is_some_and(|p| p.len() == 8)
            {
                assert_eq!(seen, new_name, "k={k}");
            }
            // An interrupted save is finished by tidy (after a successful open) or by the next save.
            let mut tidied = after.clone();
            store::tidy(&mut tidied).unwrap();
            assert_eq!(open_current(&mut tidied, key), seen);
            let generations = tidied.map.keys().filter(|k| *k != POINTER_KEY).count();
            if store::load(&mut tidied.clone()).unwrap().from_pointer {
                assert_eq!(generations, 1, "k={k} torn={torn}");
            }
            store::save(&mut after, new).unwrap();
            assert_eq!(
                after.map.len(),
                2,
                "k={k} torn={torn}: {:?}",
                after.map.keys().collect::<Vec<_>>()
            );
            assert_eq!(open_current(&mut after, key), new_name);
        }
    }
}

#[test]
fn every_interrupted_save_leaves_the_old_or_the_new_vault() {
    let (key, _) = password();
    let mut base = MemStore::default();
    let old = seal_new(&vault_named("Old"), &Protection::None, &mut pinned_rng(3))
        .unwrap()
        .0;
    store::save(&mut base, &old).unwrap();
    let new = seal_new(&vault_named("New"), &Protection::None, &mut pinned_rng(4))
        .unwrap()
        .0;
    check_every_prefix(&base, &new, &key, "Old", "New");
}

#[test]
fn after_a_password_is_set_no_unprotected_generation_remains() {
    let (key, kdf) = password();
    let mut base = MemStore::default();
    let plain = seal_new(&vault_named("Plain"), &Protection::None, &mut pinned_rng(5))
        .unwrap()
        .0;
    store::save(&mut base, &plain).unwrap();
    // A leftover generation from an earlier interrupted save.
    base.map.insert(generation_key(0), plain.clone());
    let protected = seal_new(
        &vault_named("Locked"),
        &Protection::Password {
            key: key.clone(),
            kdf,
        },
        &mut pinned_rng(6),
    )
    .unwrap()
    .0;
    check_every_prefix(&base, &protected, &key, "Plain", "Locked");

    let mut s = base.clone();
    store::save(&mut s, &protected).unwrap();
    for (k, value) in &s.map {
        if k != POINTER_KEY {
            assert_ne!(
                header_info(value).unwrap().slots,
                vec![SlotInfo::None],
                "{k}"
            );
        }
    }
    assert!(s.map.values().all(|v| *v != plain));
    assert_eq!(s.map.len(), 2);
}

#[test]
fn a_broken_pointer_falls_back_to_the_newest_complete_generation() {
    let (key, _) = password();
    let mut s = MemStore::default();
    let v1 = seal_new(&vault_named("One"), &Protection::None, &mut pinned_rng(7))
        .unwrap()
        .0;
    let v2 = seal_new(&vault_named("Two"), &Protection::None, &mut pinned_rng(8))
        .unwrap()
        .0;
    s.map.insert(generation_key(1), v1.clone());
    s.map.insert(generation_key(2), v2.clone());
    s.map.insert(generation_key(3), v2[..v2.len() - 1].to_vec()); // torn
    s.map.insert("vault.03".into(), v2.clone()); // not a canonical generation key: ignored
                                                 // Pointer to 1: used as is, though newer generations exist (an unswitched save).
    s.map
        .insert(POINTER_KEY.into(), 1u64.to_be_bytes().to_vec());
    assert_eq!(store::load(&mut s).unwrap().generation, 1);
    assert_eq!(open_current(&mut s, &key), "One");
    for pointer in [
        None,
        Some(vec![0, 0, 0]),
        Some(3u64.to_be_bytes().to_vec()),
        Some(9u64.to_be_bytes().to_vec()),
    ] {
        match pointer {
            Some(p) => s.map.insert(POINTER_KEY.into(), p),
            None => s.map.remove(POINTER_KEY),
        };
        let loaded = store::load(&mut s).unwrap();
        assert_eq!((loaded.generation, loaded.from_pointer), (2, false));
        // tidy does nothing without a usable pointer.
        assert_eq!(store::tidy(&mut s.clone()).unwrap(), 0);
    }
    // A save after a fallback numbers past everything present.
    assert_eq!(store::save(&mut s, &v1).unwrap(), 10);
    assert_eq!(
        s.map.keys().cloned().collect::<Vec<_>>(),
        vec![
            "vault.03".to_owned(),
            generation_key(10),
            POINTER_KEY.to_owned()
        ]
    );
}

#[test]
fn a_newer_version_is_never_passed_over_for_an_older_one() {
    let mut s = MemStore::default();
    let v1 = seal_new(&vault_named("One"), &Protection::None, &mut pinned_rng(9))
        .unwrap()
        .0;
    let mut newer = v1.clone();
    newer[9] = 2; // format version 2
    s.map.insert(generation_key(1), v1);
    s.map.insert(generation_key(2), newer);
    let loaded = store::load(&mut s).unwrap();
    assert_eq!(loaded.generation, 2);
    assert_eq!(
        open_unprotected(&loaded.sealed).unwrap_err().code(),
        "vault_unsupported_version"
    );
}

#[test]
fn empty_store_and_store_errors() {
    let mut s = MemStore::default();
    assert_eq!(store::load(&mut s).unwrap_err(), VaultError::NotFound);
    s.map.insert(generation_key(1), b"garbage".to_vec());
    assert_eq!(store::load(&mut s).unwrap_err(), VaultError::NotFound);
    assert_eq!(
        store::save(&mut s, b"garbage").unwrap_err(),
        VaultError::NotAVault
    );
    let mut failing = MemStore {
        fail_at: Some(0),
        ..MemStore::default()
    };
    let err = store::load(&mut failing).unwrap_err();
    assert_eq!(
        (err.code(), err.to_string().as_str()),
        ("vault_store", "storage error: stopped")
    );
}
