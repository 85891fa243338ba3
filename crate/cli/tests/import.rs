//! `tessera import` as a user runs it, on files other apps wrote (the shared importer corpora;
//! skipped when absent). Truth: the counts Stratum's (Authenticator Pro's) tests assert for its
//! files (expected.json), the reference secrets of Aegis's tests, Proton's Ente exports; exit
//! status 2 with nothing on standard output for a wrong password and for a work factor above the
//! documented ceiling.
#![allow(clippy::unwrap_used)]

mod common;
use common::tessera;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

fn corpus(app: &str) -> Option<PathBuf> {
    let root = std::env::var_os("TESSERA_CORPORA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora"),
        PathBuf::from,
    );
    let dir = root.join("importers").join(app);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: no corpus at {}", dir.display());
        None
    }
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// A password file in a scratch directory.
fn password_file(name: &str, password: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tessera-cli-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, format!("{password}\n")).unwrap();
    path
}

fn import(file: &Path, password: Option<&Path>) -> Output {
    let mut args = vec!["import", file.to_str().unwrap()];
    if let Some(p) = password {
        args.extend(["--password-file", p.to_str().unwrap()]);
    }
    tessera(&args, "")
}

/// The printed accounts and the skipped-entry lines of a successful run.
fn accounts(out: &Output, what: &str) -> (Vec<Value>, Vec<String>) {
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes = String::from_utf8(out.stderr.clone())
        .unwrap()
        .lines()
        .filter(|l| l.contains("skipped entry"))
        .map(str::to_owned)
        .collect();
    (list.as_array().unwrap().clone(), notes)
}

fn assert_refused(out: &Output, code: &str, what: &str) {
    assert_eq!(out.status.code(), Some(2), "{what}");
    assert!(out.stdout.is_empty(), "{what}: nothing on standard output");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(code), "{what}: {stderr}");
}

/// Stratum's files of the formats Tessera reads: accounts plus skipped entries equal Stratum's
/// converted entries plus its failures; encrypted ones refuse Stratum's wrong-password example.
#[test]
fn stratum_files_give_stratums_counts() {
    let Some(dir) = corpus("authenticatorpro-stratum") else {
        return;
    };
    let expected = json(&dir.join("expected.json"));
    for file in [
        "aegis.unencrypted.json",
        "aegis.encrypted.json",
        "andotp.unencrypted.json",
        "andotp.encrypted.bin",
        "bitwarden.unencrypted.json",
        "bitwarden.encrypted.pbkdf2.json",
        "bitwarden.encrypted.argon2id.json",
        "bitwardenauthenticator.json",
        "ente.unencrypted.txt",
        "freeotpplus.json",
        "googleauthenticator.txt",
        "twofas.unencrypted.2fas",
        "twofas.encrypted.2fas",
        "urilist.txt",
    ] {
        let want = &expected[file];
        let path = dir.join("files").join(file);
        let password = want["password"]
            .as_str()
            .map(|p| password_file(&format!("{file}.pw"), p));
        let (list, notes) = accounts(&import(&path, password.as_deref()), file);
        let total = want["authenticators"].as_u64().unwrap() + want["failures"].as_u64().unwrap();
        assert_eq!(
            (list.len() + notes.len()) as u64,
            total,
            "{file}: {notes:?}"
        );
        let secrets: BTreeSet<&str> = list.iter().map(|a| a["secret"].as_str().unwrap()).collect();
        assert!(!secrets.is_empty(), "{file}");
        if password.is_some() {
            let wrong = password_file("wrong.pw", "not the password");
            assert_refused(&import(&path, Some(&wrong)), "import_decrypt", file);
            assert_refused(&import(&path, None), "import_password_required", file);
        }
    }
}

/// Aegis's test files of the formats Tessera reads: every printed account is one of the reference
/// entries of Aegis's tests (same secret and type), and none is skipped.
#[test]
fn aegis_files_give_reference_entries() {
    let Some(dir) = corpus("aegis") else {
        return;
    };
    let expected = json(&dir.join("expected.json"));
    let vectors = expected["vectors"].as_array().unwrap();
    for file in [
        "plain.txt",
        "ente_auth.txt",
        "aegis_plain.json",
        "aegis_encrypted.json",
        "2fas_authenticator_plain_v4.2fas",
        "2fas_authenticator_encrypted_v4.2fas",
        "andotp_plain.json",
        "andotp_encrypted.bin",
        "bitwarden.json",
        "bitwarden.csv",
        "freeotp_plus.json",
    ] {
        let password = expected["files"][file]["password"]
            .as_str()
            .map(|p| password_file(&format!("{file}.pw"), p));
        let (list, notes) = accounts(
            &import(&dir.join("files").join(file), password.as_deref()),
            file,
        );
        assert!(notes.is_empty(), "{file}: {notes:?}");
        assert!(!list.is_empty(), "{file}");
        for account in &list {
            let secret = account["secret"].as_str().unwrap();
            let vector = vectors
                .iter()
                .find(|v| v["secret"].as_str().unwrap() == secret)
                .unwrap_or_else(|| panic!("{file}: a secret that is no reference entry"));
            if file.starts_with("bitwarden") && vector["type"] == "steam" {
                continue; // Aegis's own rule: Bitwarden's Steam entries are checked by secret only
            }
            assert_eq!(account["type"], vector["type"], "{file}");
        }
    }
}

/// Ente Auth's encrypted exports: the low-cost one from Proton's tests reads with its password;
/// libsodium's 1 GiB "sensitive" cost (Stratum's file) is above the documented ceiling.
#[test]
fn ente_encrypted_exports() {
    if let Some(dir) = corpus("proton-authenticator") {
        let dir = dir.join("test_data/authenticator/ente");
        let password = password_file(
            "ente.pw",
            std::fs::read_to_string(dir.join("password"))
                .unwrap()
                .trim(),
        );
        let file = dir.join("encrypted.lowcomplexity.txt");
        let (list, notes) = accounts(&import(&file, Some(&password)), "ente low complexity");
        assert_eq!(list.len(), 3);
        assert!(notes.is_empty());
        let types: Vec<&str> = list.iter().map(|a| a["type"].as_str().unwrap()).collect();
        assert_eq!(types, ["hotp", "totp", "steam"]);
        let wrong = password_file("ente-wrong.pw", "passwore");
        assert_refused(
            &import(&file, Some(&wrong)),
            "import_decrypt",
            "ente wrong password",
        );
    }
    if let Some(dir) = corpus("authenticatorpro-stratum") {
        let password = password_file("ente-stratum.pw", "test");
        assert_refused(
            &import(&dir.join("files/ente.encrypted.json"), Some(&password)),
            "import_work_factor_too_high",
            "ente 1 GiB",
        );
    }
}
