//! Bitwarden's password-protected JSON exports from Stratum's (Authenticator Pro's) tests, one per
//! KDF (PBKDF2-HMAC-SHA256 at 600,000 iterations; Argon2id 64 MiB, 3 passes, 4 lanes), with the
//! password and counts of its expected.json. Each must give Stratum's counts and exactly the
//! accounts of the unencrypted Bitwarden export in the same folder (the same vault), and refuse a
//! wrong or missing password. The export encrypted with the account's own key cannot be opened
//! with a password at all.

// Test helpers unwrap: a broken corpus file should fail loudly.
#![allow(clippy::unwrap_used)]

mod import_support;

use import_support::{corpus, json};
use tessera_core::import::{self, Format, ImportError};

#[test]
fn password_protected_exports() {
    let Some(dir) = corpus("authenticatorpro-stratum") else {
        return;
    };
    let expected = json(&dir.join("expected.json"));
    for file in [
        "bitwarden.encrypted.pbkdf2.json",
        "bitwarden.encrypted.argon2id.json",
    ] {
        let want = &expected[file];
        let password = want["password"].as_str().unwrap().as_bytes();
        let bytes = std::fs::read(dir.join("files").join(file)).unwrap();
        assert_eq!(
            import::detect(&bytes),
            Some(Format::BitwardenJson),
            "{file}"
        );
        let imported = import::import(&bytes, None, Some(password)).unwrap();
        assert_eq!(
            (
                imported.accounts.len() as u64,
                imported.skipped.len() as u64
            ),
            (
                want["authenticators"].as_u64().unwrap(),
                want["failures"].as_u64().unwrap()
            ),
            "{file}: {:?}",
            imported.skipped
        );
        let plain = std::fs::read(dir.join("files/bitwarden.unencrypted.json")).unwrap();
        let plain = import::import(&plain, None, None).unwrap();
        assert_eq!(imported.accounts, plain.accounts, "{file}");
        assert_eq!(
            import::import(&bytes, None, None).err(),
            Some(ImportError::PasswordRequired),
            "{file}"
        );
        assert_eq!(
            import::import(&bytes, None, Some(b"rud9^5S6$^Ewmr%e")).err(),
            Some(ImportError::Decrypt),
            "{file}"
        );
    }
    // Stratum: "cannot be decrypted with a password".
    let bytes =
        std::fs::read(dir.join("files/bitwarden.encrypted.accountrestricted.json")).unwrap();
    assert_eq!(
        import::import(&bytes, None, Some(b"password")).err(),
        Some(ImportError::Unsupported)
    );
}

#[test]
fn tampered_or_hostile_exports() {
    let Some(dir) = corpus("authenticatorpro-stratum") else {
        return;
    };
    let original = json(&dir.join("files/bitwarden.encrypted.pbkdf2.json"));
    let password = b"rud9^5S6$^Ewmr%d";
    // One changed character in the ciphertext part of `data`: the MAC fails, nothing is read.
    let mut export = original.clone();
    let data = export["data"].as_str().unwrap().to_owned();
    let at = data.find('|').unwrap() + 5;
    let mut changed = data.clone().into_bytes();
    changed[at] = if changed[at] == b'A' { b'B' } else { b'A' };
    export["data"] = String::from_utf8(changed).unwrap().into();
    let bytes = serde_json::to_vec(&export).unwrap();
    assert_eq!(
        import::import(&bytes, None, Some(password)).err(),
        Some(ImportError::Decrypt)
    );
    // Work factors above the ceilings: refused before any work, with or without a password.
    for (field, value) in [
        ("kdfIterations", serde_json::json!(1_000_000_000u64)),
        ("kdfIterations", serde_json::json!(u64::MAX)),
    ] {
        let mut export = original.clone();
        export[field] = value;
        let bytes = serde_json::to_vec(&export).unwrap();
        for pw in [None, Some(&password[..])] {
            assert_eq!(
                import::import(&bytes, None, pw).err(),
                Some(ImportError::WorkFactorTooHigh)
            );
        }
    }
    let mut export = json(&dir.join("files/bitwarden.encrypted.argon2id.json"));
    export["kdfMemory"] = serde_json::json!(4096);
    assert_eq!(
        import::import(&serde_json::to_vec(&export).unwrap(), None, None).err(),
        Some(ImportError::WorkFactorTooHigh)
    );
    let mut export = original;
    export["data"] = "2.AAAA|AAAA".into();
    assert_eq!(
        import::import(&serde_json::to_vec(&export).unwrap(), None, Some(password)).err(),
        Some(ImportError::Malformed)
    );
}
