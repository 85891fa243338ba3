//! Inputs the fuzzers (`fuzz/`, see scripts/fuzz.sh) found crashing, kept as files under
//! `tests/regressions/<target>/`, each checked here with the same assertions as its fuzz target:
//! no panic, and what parses must survive the canonical round trip.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use tessera_core::{migration, uri};

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/regressions")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    files
}

/// The body of fuzz/fuzz_targets/uri_parse.rs.
fn check_uri(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(account) = uri::parse(text) {
        let written = uri::write(&account);
        let again = uri::parse(&written).unwrap_or_else(|e| panic!("written URI rejected: {e}"));
        assert_eq!(again, account);
        assert_eq!(uri::write(&again), written);
    }
}

/// The body of fuzz/fuzz_targets/migration_decode.rs (for the URI form of the input).
fn check_migration(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(decoded) = migration::decode(text) {
        let encoded = migration::encode(&decoded.accounts, decoded.batch_id);
        for left in &encoded.left_out {
            assert_eq!(left.reason, migration::reason::TOO_LARGE, "{left:?}");
        }
        let kept: Vec<_> = (decoded.accounts.iter().enumerate())
            .filter(|(i, _)| !encoded.left_out.iter().any(|l| l.index == *i))
            .map(|(_, a)| a.clone())
            .collect();
        let mut back = Vec::new();
        for u in &encoded.uris {
            back.extend(migration::decode(u).unwrap().accounts);
        }
        assert_eq!(back, kept);
    }
}

#[test]
fn uri_parse_regressions() {
    let files = inputs("uri_parse");
    assert!(!files.is_empty());
    for (path, data) in files {
        eprintln!("{}", path.display());
        check_uri(&data);
    }
}

#[test]
fn migration_decode_regressions() {
    for (path, data) in inputs("migration_decode") {
        eprintln!("{}", path.display());
        check_migration(&data);
    }
}

#[test]
fn first_uri_crash_is_a_clean_error_now() {
    // crash-b112ce94…: a 790-byte URI whose `issuer` parameter holds some 740 spaces and tabs. Its
    // canonical form writes the issuer twice, percent-encoded (three bytes each), which made it
    // longer than MAX_URI_BYTES, so parse(write(x)) failed. Issuer and name are now capped.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/regressions/uri_parse");
    let data = std::fs::read(dir.join("crash-b112ce94b445b5cffc863e3a0170706efa6fac98")).unwrap();
    let text = String::from_utf8(data).unwrap();
    assert!(text.len() <= uri::MAX_URI_BYTES);
    assert!(
        uri::parse(&text).is_err()
            || uri::write(&uri::parse(&text).unwrap()).len() <= uri::MAX_URI_BYTES
    );
}
