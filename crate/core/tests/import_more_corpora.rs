//! More files written by other apps' test suites:
//!
//! - `2fas-backup-decryptor`: decrypting `encrypted_test.2fas` must give exactly the services of
//!   `plaintext_test.json` (that tool's test), so both must import to the same accounts.
//! - `proton-authenticator`: Proton's test files of the formats Tessera reads. Proton's expected
//!   counts are not in the corpus, so each file must give one account or one skipped entry per
//!   record in the file (counted here from the file itself), with no error; encrypted ones must
//!   refuse a wrong password.

// Test helpers unwrap: a broken corpus file should fail loudly.
#![allow(clippy::unwrap_used)]

mod import_support;

use import_support::{corpus, Row};
use serde_json::Value;
use tessera_core::import::{self, Format, ImportError};

#[test]
fn twofas_decryptor_plaintext() {
    let Some(dir) = corpus("2fas-backup-decryptor") else {
        return;
    };
    let encrypted = std::fs::read(dir.join("encrypted_test.2fas")).unwrap();
    let plaintext: Value =
        serde_json::from_slice(&std::fs::read(dir.join("plaintext_test.json")).unwrap()).unwrap();
    let from_encrypted = import::import(&encrypted, None, Some(b"example.com")).unwrap();
    let wrapped = serde_json::json!({"services": plaintext, "schemaVersion": 4});
    let from_plain = import::import(&serde_json::to_vec(&wrapped).unwrap(), None, None).unwrap();
    assert_eq!(from_encrypted.format, Format::TwoFas);
    assert_eq!(from_encrypted.accounts, from_plain.accounts);
    assert_eq!(from_encrypted.skipped, from_plain.skipped);
    assert_eq!(
        from_encrypted.accounts.len() + from_encrypted.skipped.len(),
        plaintext.as_array().unwrap().len()
    );
    // The tool's notes: Boeing is Steam, Airbnb has a 60 s period.
    let rows: Vec<Row> = from_encrypted.accounts.iter().map(Row::of).collect();
    assert!(rows
        .iter()
        .any(|r| r.issuer == "Boeing" && r.otp_type == "steam"));
    assert!(rows
        .iter()
        .any(|r| r.issuer == "Airbnb" && r.period_or_counter == 60));
    assert_eq!(
        import::import(&encrypted, None, Some(b"example.org")).err(),
        Some(ImportError::Decrypt)
    );
}

/// Records in a file, counted without the importer: JSON arrays under the format's key, or
/// non-empty lines of text.
fn records(bytes: &[u8], format: Format) -> usize {
    let text = std::str::from_utf8(bytes).unwrap();
    match format {
        Format::OtpauthText => text.lines().filter(|l| !l.trim().is_empty()).count(),
        Format::BitwardenCsv => text
            .lines()
            .skip(1)
            .filter(|l| {
                // Rows whose last column (login_totp) is not empty.
                l.rsplit(',').next().is_some_and(|t| !t.trim().is_empty())
            })
            .count(),
        _ => {
            let v: Value = serde_json::from_str(text).unwrap();
            match format {
                Format::TwoFas => v["services"].as_array().unwrap().len(),
                Format::Aegis => v["db"]["entries"].as_array().unwrap().len(),
                Format::BitwardenJson => v["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|i| i["login"]["totp"].as_str().is_some_and(|t| !t.is_empty()))
                    .count(),
                _ => unreachable!(),
            }
        }
    }
}

#[test]
fn proton_test_files() {
    let Some(dir) = corpus("proton-authenticator") else {
        return;
    };
    let dir = dir.join("test_data/authenticator");
    let files: &[(&str, Format)] = &[
        ("2fas/decrypted.2fas", Format::TwoFas),
        ("2fas/decrypted_ios.2fas", Format::TwoFas),
        ("2fas/decrypted_with_hotp.2fas", Format::TwoFas),
        (
            "2fas/decrypted_with_hotp_and_unsupported_algorithms.2fas",
            Format::TwoFas,
        ),
        (
            "2fas/decrypted_with_hotp_missing_period.2fas",
            Format::TwoFas,
        ),
        ("2fas/decrypted_with_manual_entries.2fas", Format::TwoFas),
        ("2fas/decrypted_with_missing_fields.2fas", Format::TwoFas),
        ("aegis/aegis-json-unencrypted.json", Format::Aegis),
        ("aegis/aegis-json-unencrypted-hotp.json", Format::Aegis),
        (
            "aegis/aegis-json-unencrypted-with-bad-period-digits.json",
            Format::Aegis,
        ),
        (
            "aegis/aegis-json-unencrypted-with-missing-fields.json",
            Format::Aegis,
        ),
        ("aegis/aegis-txt.txt", Format::OtpauthText),
        ("bitwarden/bitwarden.json", Format::BitwardenJson),
        ("bitwarden/bitwarden_app.json", Format::BitwardenJson),
        ("bitwarden/bitwarden.csv", Format::BitwardenCsv),
        ("bitwarden/bitwarden_sample.csv", Format::BitwardenCsv),
        ("ente/plain.txt", Format::OtpauthText),
        ("ente/plain_20_entries.txt", Format::OtpauthText),
        ("ente/plain_with_hotp.txt", Format::OtpauthText),
        ("ente/plain_with_missing_fields.txt", Format::OtpauthText),
        ("ente/plain_with_steam_and_hotp.txt", Format::OtpauthText),
        ("ente/encrypted_decrypted.txt", Format::OtpauthText),
    ];
    let mut report = Vec::new();
    for &(file, format) in files {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        assert_eq!(import::detect(&bytes), Some(format), "{file}");
        let imported = import::import(&bytes, None, None).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            imported.accounts.len() + imported.skipped.len(),
            records(&bytes, format),
            "{file}"
        );
        if file.ends_with("with-bad-period-digits.json") {
            // Both entries are broken on purpose: digits 0, period 0.
            let reasons: Vec<_> = imported.skipped.iter().map(|s| s.reason).collect();
            assert_eq!(
                reasons,
                [
                    import::reason::INVALID_DIGITS,
                    import::reason::INVALID_PERIOD
                ]
            );
        } else if file.ends_with("unsupported_algorithms.2fas") {
            // One entry uses SHA384 (Tessera, like RFC 6238, has SHA1, SHA256 and SHA512).
            let reasons: Vec<_> = imported.skipped.iter().map(|s| s.reason).collect();
            assert_eq!(reasons, [import::reason::UNSUPPORTED_ALGORITHM]);
        } else {
            // Every other entry imports, including secrets of a length RFC 4648 cannot produce
            // (which these apps accepted): their extra bits are dropped.
            assert!(!imported.accounts.is_empty(), "{file}");
            assert!(
                imported.skipped.is_empty(),
                "{file}: {:?}",
                imported.skipped
            );
        }
        report.push(format!(
            "{file}: {} accounts, skipped {:?}",
            imported.accounts.len(),
            imported
                .skipped
                .iter()
                .map(|s| s.reason)
                .collect::<Vec<_>>()
        ));
    }
    eprintln!("{}", report.join("\n"));
    for (file, format) in [
        ("2fas/encrypted.2fas", Format::TwoFas),
        ("aegis/aegis-json-encrypted-test.json", Format::Aegis),
    ] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let password = std::fs::read(dir.join(file).with_file_name("password")).unwrap();
        let imported = import::import(&bytes, None, Some(&password)).unwrap();
        assert_eq!(imported.format, format);
        assert!(!imported.accounts.is_empty(), "{file}");
        assert_eq!(
            import::import(&bytes, None, Some(b"not the password")).err(),
            Some(ImportError::Decrypt),
            "{file}"
        );
    }
}
