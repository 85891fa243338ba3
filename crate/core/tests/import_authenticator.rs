//! The Authenticator browser extension's backups, written by its own export code
//! (`shared/corpora/importers/authenticator-extension`), against that folder's `expected.json`.

// Helpers shared by the tests below unwrap: a broken corpus file should fail loudly.
#![allow(clippy::unwrap_used)]

mod import_support;

use import_support::{canonical_base32, corpus, json, Row};
use serde_json::Value;
use tessera_core::import::{self, Format, ImportError};

/// The expected row of a corpus entry: Battle.net is TOTP with 8 digits.
fn expected_row(e: &Value) -> Row {
    let mut row = Row::from_vector(e, "account");
    if row.otp_type == "battle" {
        row.otp_type = "totp".into();
    }
    row
}

/// Imports `file` and checks it holds exactly the expected entries that `include` selects, with
/// the reference code of each.
fn check(file: &str, format: Format, password: Option<&[u8]>, include: fn(&Value) -> bool) {
    let Some(dir) = corpus("authenticator-extension") else {
        return;
    };
    let expected = json(&dir.join("expected.json"));
    let bytes = std::fs::read(dir.join(file)).unwrap();
    assert_eq!(import::detect(&bytes), Some(format), "{file}");
    let imported = import::import(&bytes, None, password).unwrap();
    assert_eq!(imported.format, format);
    assert!(
        imported.skipped.is_empty(),
        "{file}: {:?}",
        imported.skipped
    );
    let mut got: Vec<Row> = imported.accounts.iter().map(Row::of).collect();
    let mut want: Vec<Row> = expected["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| include(e))
        .map(expected_row)
        .collect();
    got.sort_by(|a, b| a.secret.cmp(&b.secret));
    want.sort_by(|a, b| a.secret.cmp(&b.secret));
    assert_eq!(got, want, "{file}");
    assert_eq!(
        got.len(),
        expected["files"][file]["entries"].as_u64().unwrap() as usize
    );
    // The codes the extension itself showed for these entries.
    for e in expected["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| include(e))
    {
        let secret = canonical_base32(e["secret"].as_str().unwrap());
        let account = imported
            .accounts
            .iter()
            .find(|a| a.secret.to_base32() == secret)
            .unwrap();
        let want = e
            .get("code_at_unix_1700000000")
            .or_else(|| e.get("code_at_counter_5"))
            .and_then(Value::as_str)
            .unwrap();
        assert_eq!(account.code_at(1_700_000_000).unwrap().code, want, "{file}");
    }
}

#[test]
fn plain_json_backup() {
    check(
        "authenticator_plain.json",
        Format::AuthenticatorExtension,
        None,
        |_| true,
    );
}

#[test]
fn otpauth_text_backup() {
    check("authenticator.txt", Format::OtpauthText, None, |e| {
        e["in_txt"].as_bool().unwrap()
    });
}

#[test]
fn encrypted_json_backup() {
    let Some(dir) = corpus("authenticator-extension") else {
        return;
    };
    let expected = json(&dir.join("expected.json"));
    let password = expected["password"].as_str().unwrap().as_bytes().to_vec();
    check(
        "authenticator_encrypted.json",
        Format::AuthenticatorExtension,
        Some(&password),
        |_| true,
    );
}

#[test]
fn encrypted_backup_needs_the_right_password() {
    let Some(dir) = corpus("authenticator-extension") else {
        return;
    };
    let expected = json(&dir.join("expected.json"));
    let file = &expected["files"]["authenticator_encrypted.json"];
    let bytes = std::fs::read(dir.join("authenticator_encrypted.json")).unwrap();
    assert_eq!(
        import::import(&bytes, None, None),
        Err(ImportError::PasswordRequired)
    );
    let wrong = file["wrong_password_example"].as_str().unwrap();
    assert_eq!(
        import::import(&bytes, None, Some(wrong.as_bytes())),
        Err(ImportError::Decrypt)
    );
}

#[test]
fn tampered_entry_fails_as_a_wrong_password_does() {
    let Some(dir) = corpus("authenticator-extension") else {
        return;
    };
    let expected = json(&dir.join("expected.json"));
    let password = expected["password"].as_str().unwrap().as_bytes().to_vec();
    let mut backup = json(&dir.join("authenticator_encrypted.json"));
    // Flip one bit in the last ciphertext block of one entry: its padding no longer checks out,
    // or its JSON is broken.
    let record = backup
        .as_object_mut()
        .unwrap()
        .values_mut()
        .find(|r| r["dataType"] == "EncOTPStorage")
        .unwrap();
    let data = record["data"].as_str().unwrap().to_owned();
    let mut chars: Vec<char> = data.chars().collect();
    let at = chars.len() - 6;
    chars[at] = if chars[at] == 'A' { 'B' } else { 'A' };
    record["data"] = Value::String(chars.into_iter().collect());
    let bytes = serde_json::to_vec(&backup).unwrap();
    assert_eq!(
        import::import(&bytes, None, Some(&password)),
        Err(ImportError::Decrypt)
    );
}

#[test]
fn hostile_argon2_memory_is_refused() {
    let Some(dir) = corpus("authenticator-extension") else {
        return;
    };
    let mut backup = json(&dir.join("authenticator_encrypted.json"));
    let key = backup
        .as_object_mut()
        .unwrap()
        .values_mut()
        .find(|r| r["dataType"] == "Key")
        .unwrap();
    let hash = key["hash"]
        .as_str()
        .unwrap()
        .replace("m=19456", "m=4194304");
    assert!(hash.contains("m=4194304"));
    key["hash"] = Value::String(hash);
    let bytes = serde_json::to_vec(&backup).unwrap();
    assert_eq!(
        import::import(&bytes, None, Some(b"correct horse 42")),
        Err(ImportError::WorkFactorTooHigh)
    );
}
