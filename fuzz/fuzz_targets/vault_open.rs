//! Opening a vault file must never panic, whatever its bytes, and every failure must be a
//! documented `vault_` error. The first input byte picks what the rest is:
//!
//! - even: a whole sealed vault, as read from storage or a backup. It goes through `header_info`,
//!   `open_unprotected`, `open_with_key` with a fixed derived key (no key derivation: the browser
//!   derives with WebCrypto and passes the bits in, so the open path itself has no work factor to
//!   clamp) and `open_with_data_key` with a fixed data key; `store::is_complete` must agree with the
//!   header parser.
//! - odd: a vault **body** plaintext. The target seals it itself (AES-256-GCM under a fixed data
//!   key, behind a valid header with a `none` slot, byte for byte as docs/vault-format.md says),
//!   so the body decoder behind the authentication tag sees arbitrary bytes. Whatever opens must
//!   reseal and open again to the same vault.
#![no_main]

use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use libfuzzer_sys::fuzz_target;
use tessera_core::vault::{self, store, DataKey, DerivedKey, VaultError};

const DATA_KEY: [u8; 32] = [0x42; 32];
const DERIVED_KEY: [u8; 32] = [0x17; 32];
const BODY_NONCE: [u8; 12] = [0x05; 12];

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        whole_file(rest);
    } else if let Some(sealed) = seal_body(rest) {
        body(&sealed);
    }
});

fn check_error(e: &VaultError) {
    let code = e.code();
    assert!(
        code.starts_with("vault_") && code != "vault_store",
        "{code}"
    );
}

fn whole_file(sealed: &[u8]) {
    let info = vault::header_info(sealed);
    match &info {
        Ok(i) => {
            assert_eq!(i.header_len + i.body_len, sealed.len());
            assert!(!i.slots.is_empty() && i.slots.len() <= vault::MAX_KEY_SLOTS);
        }
        Err(e) => check_error(e),
    }
    let complete = matches!(info, Ok(_) | Err(VaultError::UnsupportedVersion { .. }));
    assert_eq!(store::is_complete(sealed), complete);

    let derived = DerivedKey::from_slice(&DERIVED_KEY).expect("32 bytes");
    let data_key = DataKey::from_session_bytes(&DATA_KEY).expect("32 bytes");
    for result in [
        vault::open_unprotected(sealed).map(|(v, _)| v),
        vault::open_with_key(sealed, &derived).map(|(v, _)| v),
        vault::open_with_data_key(sealed, &data_key),
    ] {
        match result {
            // Only a header that parses can open.
            Ok(_) => assert!(info.is_ok()),
            Err(e) => check_error(&e),
        }
    }
}

/// A complete sealed vault whose body is `plaintext`, or `None` if it would exceed the body limit.
fn seal_body(plaintext: &[u8]) -> Option<Vec<u8>> {
    const HEADER_LEN: usize = 16 + 1 + 3 + 32 + 12;
    let body_len = plaintext.len() + 16;
    if body_len > vault::MAX_BODY_BYTES {
        return None;
    }
    let mut out = Vec::with_capacity(HEADER_LEN + body_len);
    out.extend_from_slice(&vault::MAGIC);
    out.extend_from_slice(&vault::FORMAT_VERSION.to_be_bytes());
    out.extend_from_slice(&(HEADER_LEN as u16).to_be_bytes());
    out.extend_from_slice(&(body_len as u32).to_be_bytes());
    out.push(1); // one slot
    out.push(0); // kind: none
    out.extend_from_slice(&32u16.to_be_bytes());
    out.extend_from_slice(&DATA_KEY);
    out.extend_from_slice(&BODY_NONCE);
    debug_assert_eq!(out.len(), HEADER_LEN);
    let mut body = plaintext.to_vec();
    Aes256Gcm::new(&DATA_KEY.into())
        .encrypt_in_place(Nonce::from_slice(&BODY_NONCE), &out, &mut body)
        .expect("within GCM limits");
    out.extend_from_slice(&body);
    Some(out)
}

fn body(sealed: &[u8]) {
    assert!(
        vault::header_info(sealed).is_ok(),
        "the target's own header must parse"
    );
    match vault::open_unprotected(sealed) {
        Ok((opened, key)) => {
            assert_eq!(*key.to_session_bytes(), DATA_KEY);
            let mut n = 0u8;
            let mut rng = |buf: &mut [u8]| {
                for b in buf {
                    n = n.wrapping_add(1);
                    *b = n;
                }
            };
            // What a vault holds must be writable again: a vault that opens and cannot be saved
            // would strand the user's accounts.
            let resealed = vault::reseal(&opened, &key, sealed, &mut rng).expect("reseal");
            let again = vault::open_with_data_key(&resealed, &key).expect("reopen");
            assert_eq!(again, opened);
        }
        Err(e) => {
            check_error(&e);
            // The tag is right, so the failure is in the body, never the crypto.
            assert!(!matches!(e, VaultError::Decrypt), "{e:?}");
        }
    }
}
