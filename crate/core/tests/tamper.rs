//! Tampering with a stored vault (SECURITY.md, threat 3): every flipped byte of the generation a
//! store holds makes opening fail, with the opaque `VaultError::Decrypt` wherever the byte is sealed
//! data, a nonce, a salt or a tag (the same error, code and text as a wrong password), and reading
//! the store to open it changes nothing: an older generation left by an interrupted save is still
//! there, and the untouched bytes still open. A flip that breaks the header's structure makes the
//! generation incomplete, and the store then opens the older complete generation (the fallback for
//! torn writes): never the tampered bytes. vault.rs flips bytes of the sealed file alone; this
//! test goes through the store protocol the browser and the CLI use.
#![allow(clippy::unwrap_used)] // Tests may unwrap.

mod vault_support;

use std::collections::BTreeMap;

use tessera_core::vault::store::{self, generation_key, Store, POINTER_KEY};
use tessera_core::vault::{
    header_info, open_with_key, seal_new, DerivedKey, KdfParams, Protection, Stamp, StoreError,
    Vault, VaultError, MIN_PBKDF2_ITERATIONS,
};
use tessera_core::{Account, Secret};
use vault_support::pinned_rng;

/// A store that counts writes: reading must never write.
#[derive(Clone, Default, PartialEq, Eq, Debug)]
struct Map {
    map: BTreeMap<String, Vec<u8>>,
    writes: usize,
}

impl Store for Map {
    fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.map.get(key).cloned())
    }
    fn put(&mut self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.writes += 1;
        self.map.insert(key.to_owned(), value.to_vec());
        Ok(())
    }
    fn remove(&mut self, key: &str) -> Result<(), StoreError> {
        self.writes += 1;
        self.map.remove(key);
        Ok(())
    }
    fn keys(&mut self) -> Result<Vec<String>, StoreError> {
        Ok(self.map.keys().cloned().collect())
    }
}

fn vault_with(issuer: &str) -> Vault {
    let mut v = Vault::new();
    let secret = Secret::from_bytes(b"12345678901234567890".to_vec()).unwrap();
    v.add_account(
        Account::totp(issuer, "alice@example.com", secret),
        vec!["example.com".into()],
        Stamp::default(),
        &mut pinned_rng(5),
    );
    v
}

/// A password vault under a fixed derived key (deriving is not what this test is about).
fn seal(issuer: &str, seed: u64) -> (Vec<u8>, DerivedKey) {
    let mut rng = pinned_rng(seed);
    let kdf = KdfParams::generate_with_iterations(&mut rng, MIN_PBKDF2_ITERATIONS).unwrap();
    let key = DerivedKey::from_slice(&[0x5a; 32]).unwrap();
    let protection = Protection::Password {
        key: DerivedKey::from_slice(&[0x5a; 32]).unwrap(),
        kdf,
    };
    (
        seal_new(&vault_with(issuer), &protection, &mut rng)
            .unwrap()
            .0,
        key,
    )
}

#[test]
fn every_flipped_byte_of_the_stored_generation_fails_and_changes_nothing() {
    let (old, key) = seal("Old", 1);
    let (new, _) = seal("New", 2);
    // An interrupted save left generation 1 behind; the pointer names generation 2.
    let mut clean = Map::default();
    clean.map.insert(generation_key(1), old.clone());
    clean.map.insert(generation_key(2), new.clone());
    clean
        .map
        .insert(POINTER_KEY.into(), 2u64.to_be_bytes().to_vec());

    // Where sealed data starts (docs/vault-format.md): fixed part (16), slot count (1), slot kind
    // and length (3), KDF id (1), iterations (4), salt length (1), then the salt.
    let sealed_from = 26;
    assert!(header_info(&new).is_ok());
    let wrong_key = open_with_key(&new, &DerivedKey::from_slice(&[0xa5; 32]).unwrap()).unwrap_err();
    assert_eq!(wrong_key, VaultError::Decrypt);

    let mut opaque = 0;
    let mut fallbacks = 0;
    for i in 0..new.len() {
        for bit in [0x01u8, 0x80] {
            let mut store = clean.clone();
            store.map.get_mut(&generation_key(2)).unwrap()[i] ^= bit;
            let before = store.clone();

            // What a host does: load the current generation, open it; tidy only after a success.
            let opened = match store::load(&mut store) {
                Ok(loaded) => open_with_key(&loaded.sealed, &key).map(|(v, _)| (loaded, v)),
                Err(e) => Err(e),
            };
            let err = match opened {
                // A header flip can make generation 2 incomplete (no longer a vault structure):
                // the store protocol then falls back to the newest complete generation, as for a
                // torn write. The tampered bytes themselves never open.
                Ok((loaded, v)) => {
                    assert_eq!(
                        (loaded.generation, loaded.from_pointer),
                        (1, false),
                        "byte {i} ^ {bit:#x}"
                    );
                    assert!(!store::is_complete(&store.map[&generation_key(2)]));
                    assert!(i < sealed_from, "byte {i} ^ {bit:#x}");
                    assert_eq!(v.accounts().next().unwrap().1.issuer, "Old");
                    fallbacks += 1;
                    open_with_key(&store.map[&generation_key(2)], &key).unwrap_err()
                }
                Err(e) => e,
            };
            if i >= sealed_from {
                assert_eq!(err, VaultError::Decrypt, "byte {i} ^ {bit:#x}");
                // Opaque: nothing tells tampering from a wrong password.
                assert_eq!(err.code(), wrong_key.code());
                assert_eq!(err.to_string(), wrong_key.to_string());
                opaque += 1;
            } else {
                assert!(err.code().starts_with("vault_"), "{}", err.code());
            }
            assert_eq!(
                store, before,
                "byte {i} ^ {bit:#x}: reading changed the store"
            );
            assert_eq!(store.writes, 0);
            // The older generation is still there and still opens.
            let (v, _) = open_with_key(&store.map[&generation_key(1)], &key).unwrap();
            assert_eq!(v.accounts().next().unwrap().1.issuer, "Old");
        }
    }
    assert_eq!(opaque, 2 * (new.len() - sealed_from));
    assert!(fallbacks > 0, "length fields were flipped too");

    // The control: the untouched store opens generation 2.
    let mut store = clean.clone();
    let loaded = store::load(&mut store).unwrap();
    assert_eq!(loaded.generation, 2);
    let (v, _) = open_with_key(&loaded.sealed, &key).unwrap();
    assert_eq!(v.accounts().next().unwrap().1.issuer, "New");
}

#[test]
fn a_tampered_generation_is_never_replaced_by_a_save_from_its_contents() {
    // A host can only save what it opened: `reseal` checks the key against the previous bytes, so a
    // tampered previous generation cannot be carried forward under the same key.
    let (sealed, key) = seal("Only", 3);
    let (vault, data_key) = open_with_key(&sealed, &key).unwrap();
    for i in (0..sealed.len()).step_by(7) {
        let mut t = sealed.clone();
        t[i] ^= 0x01;
        let result = tessera_core::vault::reseal(&vault, &data_key, &t, &mut pinned_rng(9));
        assert!(result.is_err(), "byte {i}: resealed over a tampered vault");
    }
}

#[test]
fn every_changed_character_of_a_synced_chunk_fails_to_open() {
    use tessera_core::sync::{format, state_of, SyncError};
    let mut vault = vault_with("Synced");
    vault.add_account(
        Account::totp(
            "Second",
            "bob@example.com",
            Secret::from_bytes(vec![9; 20]).unwrap(),
        ),
        vec![],
        Stamp::default(),
        &mut pinned_rng(6),
    );
    let state = state_of(&vault);
    let records: Vec<_> = state.values().collect();
    let key = format::SyncKey::from_bytes(&[0x21; 32]).unwrap();
    let plain = format::encode_records(&records);
    let text = format::seal_chunk(&key, "~c0", &format::compress(&plain), &mut pinned_rng(7));
    let opened = format::open_chunk(&key, "~c0", &text).unwrap();
    assert_eq!(opened.len(), 2, "the control opens");
    // Another item key (a chunk moved) or another sync key: the opaque error.
    assert_eq!(
        format::open_chunk(&key, "~c1", &text).unwrap_err(),
        SyncError::Decrypt
    );
    let other = format::SyncKey::from_bytes(&[0x22; 32]).unwrap();
    assert_eq!(
        format::open_chunk(&other, "~c0", &text).unwrap_err(),
        SyncError::Decrypt
    );
    // Every character replaced by every other character of the alphabet fails, never opens.
    let alphabet = format::ALPHABET;
    let chars: Vec<u8> = text.bytes().collect();
    let mut decrypt = 0;
    for i in 0..chars.len() {
        for &c in alphabet.iter().filter(|&&c| c != chars[i]).step_by(9) {
            let mut t = chars.clone();
            t[i] = c;
            let t = String::from_utf8(t).unwrap();
            match format::open_chunk(&key, "~c0", &t) {
                Ok(_) => panic!("character {i} changed and the chunk still opened"),
                Err(err) => {
                    assert!(err.code().starts_with("sync_"), "{}", err.code());
                    decrypt += usize::from(err == SyncError::Decrypt);
                }
            }
        }
    }
    assert!(decrypt > 0);
}
