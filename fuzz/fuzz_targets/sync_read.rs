//! What another device (or the sync provider) left in `storage.sync` can be anything: reading it
//! must never panic, every failure must be a documented `sync_` error, and whatever reads must
//! write back to the same thing. The first input byte picks what the rest is:
//!
//! - 0: an item's text, as `storage.sync` returns it: the text codec, a chunk's tag, the manifest's
//!   slot, the manifest and a chunk opened with a fixed sync key.
//! - 1: bytes through the text codec: `from_text(to_text(b)) == b`.
//! - 2: a chunk's compressed bytes, sealed here under the fixed key (so inflating and the record
//!   decoder behind the tag see arbitrary bytes); what opens re-encodes to the same records.
//! - 3: a chunk's plain record bytes: the record decoder directly, and the whole chunk round trip.
//! - other: a password slot's bytes (`Slot::from_bytes`), which must write back identically.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::sync::format::{self, Slot, SyncKey};
use tessera_core::sync::{Manifest, SyncError};

const ITEM: &str = "~c0";

fn key() -> SyncKey {
    SyncKey::from_bytes(&[0x33; 32]).expect("32 bytes")
}

fn rng() -> impl FnMut(&mut [u8]) {
    let mut n = 0u8;
    move |buf: &mut [u8]| {
        for b in buf {
            n = n.wrapping_add(13);
            *b = n;
        }
    }
}

fn check(e: &SyncError) {
    assert!(e.code().starts_with("sync_"), "{}", e.code());
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode {
        0 => {
            let Ok(text) = std::str::from_utf8(rest) else {
                return;
            };
            match format::from_text(text) {
                Ok(bytes) => assert_eq!(
                    format::from_text(&format::to_text(&bytes)).expect("own text"),
                    bytes
                ),
                Err(e) => check(&e),
            }
            if let Err(e) = format::chunk_tag(text) {
                check(&e);
            }
            if let Err(e) = Manifest::slot_of(text) {
                check(&e);
            }
            match Manifest::open(text, &key()) {
                // Only the fixed key's own manifests open; a forged one cannot exist.
                Ok(m) => panic!("a manifest opened under the fixed key: {m:?}"),
                Err(e) => check(&e),
            }
            match format::open_chunk(&key(), ITEM, text) {
                Ok(records) => panic!("a chunk opened under the fixed key: {records:?}"),
                Err(e) => check(&e),
            }
        }
        1 => {
            let text = format::to_text(rest);
            assert_eq!(format::from_text(&text).expect("own text"), rest);
        }
        2 => {
            let text = format::seal_chunk(&key(), ITEM, rest, &mut rng());
            assert_eq!(format::chunk_tag(&text).map(|_| ()), Ok(()));
            match format::open_chunk(&key(), ITEM, &text) {
                Ok(records) => round_trip(&records),
                Err(e) => {
                    check(&e);
                    assert!(
                        !matches!(e, SyncError::Decrypt),
                        "a valid tag failed to open"
                    );
                }
            }
            // The same sealed bytes under another item key must not open (chunks cannot be moved).
            assert_eq!(
                format::open_chunk(&key(), "~c1", &text).map(|_| ()),
                Err(SyncError::Decrypt)
            );
        }
        3 => match format::decode_records(rest) {
            Ok(records) => round_trip(&records),
            Err(e) => check(&e),
        },
        _ => match Slot::from_bytes(rest) {
            Ok(slot) => assert_eq!(Slot::from_bytes(&slot.to_bytes()).expect("own slot"), slot),
            Err(e) => check(&e),
        },
    }
});

/// Records that decoded encode, compress, seal and open back to themselves.
fn round_trip(records: &[tessera_core::sync::SyncRecord]) {
    let refs: Vec<_> = records.iter().collect();
    let plain = format::encode_records(&refs);
    assert_eq!(
        &format::decode_records(&plain).expect("own encoding"),
        records
    );
    let text = format::seal_chunk(&key(), ITEM, &format::compress(&plain), &mut rng());
    assert_eq!(
        &format::open_chunk(&key(), ITEM, &text).expect("own chunk"),
        records
    );
}
