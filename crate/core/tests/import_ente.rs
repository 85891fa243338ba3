//! Ente Auth encrypted exports written by Ente's own code (libsodium), from two test suites:
//!
//! - `proton-authenticator/.../ente/`: `encrypted.lowcomplexity.txt` and
//!   `encrypted.nominalcomplexity.txt` (256 MiB, 16 passes: Ente's fallback on phones) with their
//!   `password`. `encrypted.nominalcomplexity.txt` holds `encrypted_decrypted.txt` (the corpus
//!   notes say both do), so it must import to exactly the accounts of that file. The low-cost file
//!   holds other labels (its Poly1305 tag verifies, so the plaintext is the one Ente sealed): the
//!   same three kinds of entry in the same order (HOTP, TOTP, Steam), each imported.
//! - `authenticatorpro-stratum/files/ente.encrypted.json`: libsodium's "sensitive" 1 GiB cost,
//!   above Tessera's documented Argon2 memory ceiling: refused as too much work before any key is
//!   derived, with or without a password (Stratum's expected.json: 7 entries, password `test`).

// Test helpers unwrap: a broken corpus file should fail loudly.
#![allow(clippy::unwrap_used)]

mod import_support;

use import_support::{corpus, json};
use tessera_core::import::{self, Format, ImportError, MAX_ARGON2_MEMORY_KIB};

fn proton_ente() -> Option<std::path::PathBuf> {
    corpus("proton-authenticator").map(|d| d.join("test_data/authenticator/ente"))
}

fn check_decrypts_to_the_plain_export(file: &str, same_labels: bool) {
    let Some(dir) = proton_ente() else {
        return;
    };
    let password = std::fs::read(dir.join("password")).unwrap();
    let bytes = std::fs::read(dir.join(file)).unwrap();
    assert_eq!(import::detect(&bytes), Some(Format::EnteEncrypted));
    let imported = import::import(&bytes, None, Some(&password)).unwrap();
    let plain = import::import(
        &std::fs::read(dir.join("encrypted_decrypted.txt")).unwrap(),
        None,
        None,
    )
    .unwrap();
    assert_eq!(imported.format, Format::EnteEncrypted);
    assert!(!plain.accounts.is_empty());
    if same_labels {
        assert_eq!(imported.accounts, plain.accounts, "{file}");
    } else {
        let kinds =
            |i: &import::Imported| i.accounts.iter().map(|a| a.otp_type).collect::<Vec<_>>();
        assert_eq!(kinds(&imported), kinds(&plain), "{file}");
    }
    assert_eq!(imported.skipped, plain.skipped, "{file}");
}

#[test]
fn low_complexity_export_holds_the_plain_export() {
    check_decrypts_to_the_plain_export("encrypted.lowcomplexity.txt", false);
}

#[test]
fn nominal_complexity_export_holds_the_plain_export() {
    check_decrypts_to_the_plain_export("encrypted.nominalcomplexity.txt", true);
}

#[test]
fn wrong_missing_password_and_tampering() {
    let Some(dir) = proton_ente() else {
        return;
    };
    let bytes = std::fs::read(dir.join("encrypted.lowcomplexity.txt")).unwrap();
    assert_eq!(
        import::import(&bytes, None, None).err(),
        Some(ImportError::PasswordRequired)
    );
    assert_eq!(
        import::import(&bytes, None, Some(b"passwore")).err(),
        Some(ImportError::Decrypt)
    );
    let password = std::fs::read(dir.join("password")).unwrap();
    let original = json(&dir.join("encrypted.lowcomplexity.txt"));
    // One flipped bit in the ciphertext, the MAC or the stream header: the same opaque error.
    for (field, at) in [
        ("encryptedData", 0usize),
        ("encryptedData", usize::MAX),
        ("encryptionNonce", 3),
    ] {
        let mut export = original.clone();
        let text = export[field].as_str().unwrap().to_owned();
        let mut raw = b64(&text);
        let i = at.min(raw.len() - 1);
        raw[i] ^= 0x01;
        export[field] = serde_json::Value::String(b64_encode(&raw));
        assert_eq!(
            import::import(&serde_json::to_vec(&export).unwrap(), None, Some(&password)).err(),
            Some(ImportError::Decrypt),
            "{field} byte {at}"
        );
    }
    // Truncated ciphertext and a header of the wrong length are malformed, not a panic.
    let mut export = original.clone();
    export["encryptionNonce"] = serde_json::Value::String("AAAA".into());
    assert_eq!(
        import::import(&serde_json::to_vec(&export).unwrap(), None, Some(&password)).err(),
        Some(ImportError::Malformed)
    );
    let mut export = original;
    export["encryptedData"] = serde_json::Value::String("AAAA".into());
    assert_eq!(
        import::import(&serde_json::to_vec(&export).unwrap(), None, Some(&password)).err(),
        Some(ImportError::Malformed)
    );
}

#[test]
fn sensitive_cost_export_is_refused_before_work() {
    let Some(dir) = corpus("authenticatorpro-stratum") else {
        return;
    };
    let expected = json(&dir.join("expected.json"));
    let password = expected["ente.encrypted.json"]["password"]
        .as_str()
        .unwrap();
    let bytes = std::fs::read(dir.join("files/ente.encrypted.json")).unwrap();
    let export = json(&dir.join("files/ente.encrypted.json"));
    assert!(
        export["kdfParams"]["memLimit"].as_u64().unwrap() / 1024 > u64::from(MAX_ARGON2_MEMORY_KIB)
    );
    assert_eq!(import::detect(&bytes), Some(Format::EnteEncrypted));
    for pw in [None, Some(password.as_bytes())] {
        assert_eq!(
            import::import(&bytes, None, pw).err(),
            Some(ImportError::WorkFactorTooHigh)
        );
    }
}

fn b64(text: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = alphabet.iter().position(|&a| a == c).unwrap() as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn b64_encode(bytes: &[u8]) -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(alphabet[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    while out.len() % 4 != 0 {
        out.push('=');
    }
    out
}
