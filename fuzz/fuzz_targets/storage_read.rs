//! What the worker reads back from `storage.local` can be anything (a torn write, another
//! version, another extension's damage, a hand-edited profile): choosing which generation to
//! open (`select_current`), what to tidy (`plan_tidy`) and where to save next (`plan_save`) must
//! never panic and must keep the store protocol's promises (vault/store.rs), and the session key
//! read back must open the chosen vault or fail with a `vault_` error.
//!
//! Input: byte 0 is the pointer (0: absent; n: the next n - 1 bytes, at most 16), then entries:
//! a key byte k (bit 7: prefix `vault.`; low 5 bits: length of the key bytes that follow), a value
//! byte v (bit 7: a real sealed vault truncated by the low 7 bits' worth of bytes; else a length
//! of value bytes that follow, times four), then the bytes. The last 32 bytes, when present, are
//! also tried as a session key.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tessera_core::vault::{self, store, DataKey, Protection, Vault};

fn sealed_vault() -> &'static [u8] {
    static SEALED: OnceLock<Vec<u8>> = OnceLock::new();
    SEALED.get_or_init(|| {
        let mut n = 0u8;
        let mut rng = |buf: &mut [u8]| {
            for b in buf {
                n = n.wrapping_add(7);
                *b = n;
            }
        };
        vault::seal_new(&Vault::new(), &Protection::None, &mut rng)
            .expect("seal")
            .0
    })
}

fn take<'a>(data: &mut &'a [u8], n: usize) -> &'a [u8] {
    let n = n.min(data.len());
    let (head, tail) = data.split_at(n);
    *data = tail;
    head
}

fuzz_target!(|input: &[u8]| {
    let mut data = input;
    let Some(&p) = take(&mut data, 1).first() else {
        return;
    };
    let pointer = (p != 0).then(|| take(&mut data, usize::from(p - 1).min(16)).to_vec());

    let mut owned: Vec<(String, Vec<u8>)> = Vec::new();
    while data.len() >= 2 {
        let head = take(&mut data, 2);
        let (k, v) = (head[0], head[1]);
        let key_bytes = take(&mut data, usize::from(k & 0x1f));
        let mut key = if k & 0x80 != 0 {
            String::from(store::GENERATION_PREFIX)
        } else {
            String::new()
        };
        key.push_str(&String::from_utf8_lossy(key_bytes));
        let value = if v & 0x80 != 0 {
            let s = sealed_vault();
            s[..s.len().saturating_sub(usize::from(v & 0x7f))].to_vec()
        } else {
            take(&mut data, usize::from(v) * 4).to_vec()
        };
        owned.push((key, value));
    }
    let entries: Vec<(&str, &[u8])> = owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_slice()))
        .collect();
    let pointer = pointer.as_deref();
    let pointed = store::pointer_generation(pointer);
    let complete: Vec<u64> = entries
        .iter()
        .filter(|(_, v)| store::is_complete(v))
        .filter_map(|(k, _)| store::parse_generation_key(k))
        .collect();

    let selected = store::select_current(pointer, &entries);
    match selected {
        Some(s) => {
            let (key, value) = entries[s.index];
            assert_eq!(store::parse_generation_key(key), Some(s.generation));
            assert!(store::is_complete(value));
            if s.from_pointer {
                assert_eq!(pointed, Some(s.generation));
            } else {
                // Fell back: the pointer names no complete generation; the newest complete wins.
                assert!(pointed.is_none_or(|g| !complete.contains(&g)));
                assert_eq!(complete.iter().max(), Some(&s.generation));
            }
            if input.len() >= 32 {
                let key =
                    DataKey::from_session_bytes(&input[input.len() - 32..]).expect("32 bytes");
                if let Err(e) = vault::open_with_data_key(value, &key) {
                    assert!(e.code().starts_with("vault_"));
                }
            }
        }
        None => assert!(complete.is_empty()),
    }

    // Tidying removes only other generations, and only when the pointer names a complete one:
    // never the vault being opened, never a key that is not a generation.
    let tidy = store::plan_tidy(pointer, &entries);
    if !tidy.is_empty() {
        let s = selected.expect("tidy only with a selection");
        assert!(s.from_pointer);
        for key in &tidy {
            let g = store::parse_generation_key(key).expect("a generation key");
            assert_ne!(g, s.generation);
        }
    }

    // The next save goes above every generation present or pointed to and clears them all.
    let keys: Vec<&str> = entries.iter().map(|(k, _)| *k).collect();
    let present: Vec<u64> = keys
        .iter()
        .filter_map(|k| store::parse_generation_key(k))
        .collect();
    match store::plan_save(&keys, pointer) {
        Ok(plan) => {
            assert!(present
                .iter()
                .chain(pointed.iter())
                .all(|&g| g < plan.generation));
            assert_eq!(plan.generation_key, store::generation_key(plan.generation));
            assert_eq!(
                store::parse_generation_key(&plan.generation_key),
                Some(plan.generation)
            );
            assert_eq!(plan.pointer_value, plan.generation.to_be_bytes());
            for key in &plan.remove_after {
                assert!(keys.contains(&key.as_str()));
            }
            for g in &present {
                assert!(plan.remove_after.contains(&store::generation_key(*g)));
            }
        }
        Err(e) => {
            assert_eq!(e.code(), "vault_malformed");
            assert!(present.iter().chain(pointed.iter()).any(|&g| g == u64::MAX));
        }
    }
});
