//! Authenticator Pro (Stratum)'s converter test files (`shared/corpora/importers/
//! authenticatorpro-stratum`): for every file of a format Tessera reads, the number of accounts
//! and of entries that cannot be converted must be the counts Stratum's own tests assert
//! (`expected.json`), and a wrong password must fail. One deliberate difference: Stratum converts
//! mOTP and Yandex entries, which Tessera skips with `import_unsupported_type` ([`SKIPPED_TYPES`]).

// Test helpers unwrap: a broken corpus file should fail loudly.
#![allow(clippy::unwrap_used)]

mod import_support;

use import_support::{corpus, json};
use tessera_core::import::{self, Format, ImportError};

/// The files of formats Tessera reads, with the format detection must find.
const FILES: &[(&str, Format)] = &[
    ("aegis.unencrypted.json", Format::Aegis),
    ("aegis.encrypted.json", Format::Aegis),
    ("andotp.unencrypted.json", Format::AndOtp),
    ("andotp.encrypted.bin", Format::AndOtpEncrypted),
    ("bitwarden.unencrypted.json", Format::BitwardenJson),
    ("bitwardenauthenticator.json", Format::BitwardenJson),
    ("ente.unencrypted.txt", Format::OtpauthText),
    ("freeotpplus.json", Format::FreeOtpPlus),
    ("googleauthenticator.txt", Format::OtpauthText),
    ("twofas.unencrypted.2fas", Format::TwoFas),
    ("twofas.encrypted.2fas", Format::TwoFas),
    ("urilist.txt", Format::OtpauthText),
];

/// Entries of types Stratum converts and Tessera skips (the Aegis files hold one mOTP and one
/// Yandex entry: their issuers are "Motp" and "Yandex").
const SKIPPED_TYPES: &[(&str, &[&str])] = &[
    ("aegis.unencrypted.json", &["Motp", "Yandex"]),
    ("aegis.encrypted.json", &["Motp", "Yandex"]),
];

#[test]
fn counts_match_stratums_tests() {
    let Some(dir) = corpus("authenticatorpro-stratum") else {
        return;
    };
    let expected = json(&dir.join("expected.json"));
    let mut failures = Vec::new();
    for &(file, format) in FILES {
        let want = &expected[file];
        let bytes = std::fs::read(dir.join("files").join(file)).unwrap();
        assert_eq!(import::detect(&bytes), Some(format), "{file}");
        let password = want["password"].as_str().map(str::as_bytes);
        let imported =
            import::import(&bytes, None, password).unwrap_or_else(|e| panic!("{file}: {e}"));
        let skipped_types: &[&str] = SKIPPED_TYPES
            .iter()
            .find(|(f, _)| *f == file)
            .map_or(&[], |(_, issuers)| issuers);
        let (by_type, other): (Vec<_>, Vec<_>) = imported.skipped.iter().partition(|s| {
            s.reason == import::reason::UNSUPPORTED_TYPE
                && skipped_types.contains(&s.issuer.as_str())
        });
        assert_eq!(
            by_type.len(),
            skipped_types.len(),
            "{file}: {:?}",
            imported.skipped
        );
        let got = (
            (imported.accounts.len() + by_type.len()) as u64,
            other.len() as u64,
        );
        let want_counts = (
            want["authenticators"].as_u64().unwrap(),
            want["failures"].as_u64().unwrap(),
        );
        if got != want_counts {
            failures.push(format!(
                "{file}: got {got:?}, Stratum {want_counts:?}; skipped {:?}",
                imported.skipped
            ));
        }
        if let Some(wrong) = want["wrong_password_example"].as_str() {
            assert_eq!(
                import::import(&bytes, None, Some(wrong.as_bytes())).err(),
                Some(ImportError::Decrypt),
                "{file}"
            );
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
