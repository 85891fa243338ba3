//! Aegis's importer test files (`shared/corpora/importers/aegis`: files written by Aegis and by the
//! apps it imports from), checked the way Aegis's own `DatabaseImporterTest` checks them: every
//! imported entry equals the reference vector with the same secret, after the file's stated
//! adjustment (`expected.json`). On top of that, no entry may be skipped and every file must give
//! as many accounts as it holds entries.

// Helpers shared by the tests below unwrap: a broken corpus file should fail loudly.
#![allow(clippy::unwrap_used)]

mod import_support;

use import_support::{corpus, json, Row};
use serde_json::Value;
use tessera_core::import::{self, Format, ImportError};

/// How a file's entries differ from the reference vectors (transcribed from `expected.json`).
#[derive(Clone, Copy, Debug)]
enum Rule {
    Exact,
    /// Bitwarden: Steam entries are compared by type and secret only.
    Bitwarden,
    /// FreeOTP+: the file stores HOTP counters one below the vector's.
    CounterMinusOne,
    /// 2FAS schema 1: no type, digits or period in the file: default TOTP.
    DefaultTotp,
    /// 2FAS schema 2: no type in the file: TOTP with the file's algorithm and digits, and the
    /// vector's period for TOTP vectors (30 for the others).
    TwoFasV2,
}

/// (file, format, password, rule, entries in the file).
const FILES: &[(&str, Format, Option<&str>, Rule, usize)] = &[
    ("plain.txt", Format::OtpauthText, None, Rule::Exact, 7),
    ("ente_auth.txt", Format::OtpauthText, None, Rule::Exact, 7),
    ("aegis_plain.json", Format::Aegis, None, Rule::Exact, 7),
    (
        "aegis_encrypted.json",
        Format::Aegis,
        Some("test"),
        Rule::Exact,
        7,
    ),
    (
        "2fas_authenticator.json",
        Format::TwoFas,
        None,
        Rule::DefaultTotp,
        0,
    ),
    (
        "2fas_authenticator_plain.2fas",
        Format::TwoFas,
        None,
        Rule::TwoFasV2,
        0,
    ),
    (
        "2fas_authenticator_encrypted.2fas",
        Format::TwoFas,
        Some("test"),
        Rule::TwoFasV2,
        0,
    ),
    (
        "2fas_authenticator_plain_v3.2fas",
        Format::TwoFas,
        None,
        Rule::Exact,
        0,
    ),
    (
        "2fas_authenticator_encrypted_v3.2fas",
        Format::TwoFas,
        Some("test"),
        Rule::Exact,
        0,
    ),
    (
        "2fas_authenticator_plain_v4.2fas",
        Format::TwoFas,
        None,
        Rule::Exact,
        0,
    ),
    (
        "2fas_authenticator_encrypted_v4.2fas",
        Format::TwoFas,
        Some("test"),
        Rule::Exact,
        0,
    ),
    ("andotp_plain.json", Format::AndOtp, None, Rule::Exact, 7),
    (
        "andotp_encrypted.bin",
        Format::AndOtpEncrypted,
        Some("test"),
        Rule::Exact,
        0,
    ),
    // Aegis expects the old format's names as "issuer:name" (an andOTP bug it keeps); Tessera
    // removes the repeated issuer, so the plain vector is expected.
    (
        "andotp_encrypted_old.bin",
        Format::AndOtpEncrypted,
        Some("test"),
        Rule::Exact,
        0,
    ),
    (
        "bitwarden.json",
        Format::BitwardenJson,
        None,
        Rule::Bitwarden,
        4,
    ),
    (
        "bitwarden.csv",
        Format::BitwardenCsv,
        None,
        Rule::Bitwarden,
        4,
    ),
    (
        "freeotp_plus.json",
        Format::FreeOtpPlus,
        None,
        Rule::CounterMinusOne,
        6,
    ),
];

fn expected_row(vector: &Value, rule: Rule) -> Row {
    let mut row = Row::from_vector(vector, "name");
    match rule {
        Rule::Exact | Rule::Bitwarden => {}
        Rule::CounterMinusOne => {
            if row.otp_type == "hotp" {
                row.period_or_counter -= 1;
            }
        }
        Rule::DefaultTotp => {
            row.otp_type = "totp".into();
            row.algorithm = "SHA1".into();
            row.digits = 6;
            row.period_or_counter = 30;
        }
        Rule::TwoFasV2 => {
            if row.otp_type != "totp" {
                row.period_or_counter = 30;
            }
            row.otp_type = "totp".into();
        }
    }
    row
}

#[test]
fn every_covered_file_gives_the_reference_entries() {
    let Some(dir) = corpus("aegis") else {
        return;
    };
    let expected = json(&dir.join("expected.json"));
    let vectors = expected["vectors"].as_array().unwrap();
    for &(file, format, password, rule, count) in FILES {
        assert!(
            expected["files"].get(file).is_some(),
            "{file} is not in expected.json"
        );
        let bytes = std::fs::read(dir.join("files").join(file)).unwrap();
        assert_eq!(import::detect(&bytes), Some(format), "{file}");
        let imported = import::import(&bytes, None, password.map(str::as_bytes))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(
            imported.skipped.is_empty(),
            "{file}: {:?}",
            imported.skipped
        );
        assert!(
            imported.accounts.len() >= 4,
            "{file}: {}",
            imported.accounts.len()
        );
        if count > 0 {
            assert_eq!(imported.accounts.len(), count, "{file}");
        }
        for account in &imported.accounts {
            let got = Row::of(account);
            let vector = vectors
                .iter()
                .find(|v| Row::from_vector(v, "name").secret == got.secret)
                .unwrap_or_else(|| panic!("{file}: an account matches no vector"));
            let want = expected_row(vector, rule);
            if matches!(rule, Rule::Bitwarden) && want.otp_type == "steam" {
                assert_eq!(got.otp_type, "steam", "{file}");
                continue;
            }
            assert_eq!(got, want, "{file}");
        }
    }
}

#[test]
fn encrypted_files_refuse_a_wrong_or_missing_password() {
    let Some(dir) = corpus("aegis") else {
        return;
    };
    for &(file, _, password, _, _) in FILES {
        if password.is_none() {
            continue;
        }
        let bytes = std::fs::read(dir.join("files").join(file)).unwrap();
        assert_eq!(
            import::import(&bytes, None, Some(b"wrong")),
            Err(ImportError::Decrypt),
            "{file}"
        );
        if !file.ends_with(".bin") {
            assert_eq!(
                import::import(&bytes, None, None),
                Err(ImportError::PasswordRequired),
                "{file}"
            );
        }
    }
}

#[test]
fn tampered_aegis_vault_fails_as_a_wrong_password_does() {
    let Some(dir) = corpus("aegis") else {
        return;
    };
    let mut vault = json(&dir.join("files/aegis_encrypted.json"));
    let db = vault["db"].as_str().unwrap().to_owned();
    let mut chars: Vec<char> = db.chars().collect();
    chars[10] = if chars[10] == 'A' { 'B' } else { 'A' };
    vault["db"] = Value::String(chars.into_iter().collect());
    let bytes = serde_json::to_vec(&vault).unwrap();
    assert_eq!(
        import::import(&bytes, None, Some(b"test")),
        Err(ImportError::Decrypt)
    );
}

#[test]
fn hostile_scrypt_slot_is_refused_before_work() {
    let Some(dir) = corpus("aegis") else {
        return;
    };
    for (n, r, p) in [
        (1u64 << 40, 8u64, 1u64),
        (1 << 15, 8, 1 << 30),
        (1 << 20, 1 << 20, 1),
    ] {
        let mut vault = json(&dir.join("files/aegis_encrypted.json"));
        let slot = &mut vault["header"]["slots"][0];
        slot["n"] = n.into();
        slot["r"] = r.into();
        slot["p"] = p.into();
        let bytes = serde_json::to_vec(&vault).unwrap();
        assert_eq!(
            import::import(&bytes, None, Some(b"test")),
            Err(ImportError::WorkFactorTooHigh)
        );
        // Refused even before a password is asked for.
        assert_eq!(
            import::import(&bytes, None, None),
            Err(ImportError::WorkFactorTooHigh)
        );
    }
}
