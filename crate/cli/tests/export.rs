//! `tessera export` as a user runs it. Truth: the accounts `tessera vault open` reads from a vault
//! made from hand-written URIs; each export is read back by `tessera import`, `tessera qr` and
//! `tessera migration decode` (our own importer, QR decoder and migration decoder).
#![allow(clippy::unwrap_used)]

mod common;
use common::tessera;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

const PASSWORD: &str = "correct horse battery staple";

/// Hand-written URIs: every type, all three algorithms, unusual digits and periods, a non-ASCII
/// label, no issuer.
const URIS: &str = "\
otpauth://totp/Example:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example
otpauth://totp/Big%20Corp:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA&issuer=Big%20Corp&algorithm=SHA256&digits=8
otpauth://totp/Z%C3%BCrich:carol?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ&issuer=Z%C3%BCrich&algorithm=SHA512
otpauth://totp/plain-name?secret=MFRGGZDFMZTWQ2LK
otpauth://hotp/Counter:dave?secret=ONSWG4TFORZQ&issuer=Counter&counter=42
otpauth://totp/Slow:erin?secret=NBSWY3DPFQQHO33SNRSCC&issuer=Slow&period=60
otpauth://totp/Seven:frank?secret=OBQXG43XN5ZGI&issuer=Seven&digits=7
otpauth://steam/Steam:gamer?secret=GNUGC3DFEZ2XS4LUN5XGK&issuer=Steam
";

/// A scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("tessera-cli-export-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn ok(out: &Output) -> &Output {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A vault made from [`URIS`], with the password unless `protected` is false.
fn vault(dir: &Path, protected: bool) -> String {
    let list = dir.join("uris.txt");
    std::fs::write(&list, URIS).unwrap();
    let file = dir.join("test.vault");
    let (file_s, list_s) = (file.to_str().unwrap(), list.to_str().unwrap());
    let out = if protected {
        tessera(
            &[
                "vault",
                "create",
                file_s,
                "--password-stdin",
                "--iterations",
                "10000",
                "--import-uris",
                list_s,
            ],
            PASSWORD,
        )
    } else {
        tessera(
            &[
                "vault",
                "create",
                file_s,
                "--no-password",
                "--import-uris",
                list_s,
            ],
            "",
        )
    };
    ok(&out);
    file_s.to_owned()
}

/// The vault's accounts as `tessera vault open` prints them, without `id` and `sites` (the shape
/// `tessera import` prints).
fn truth(file: &str, protected: bool) -> Vec<Value> {
    let args: &[&str] = if protected {
        &["vault", "open", file, "--password-stdin"]
    } else {
        &["vault", "open", file]
    };
    let out = tessera(args, if protected { PASSWORD } else { "" });
    let all: Value = serde_json::from_slice(&ok(&out).stdout).unwrap();
    let list: Vec<Value> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let mut a = a.clone();
            a.as_object_mut().unwrap().remove("id");
            a.as_object_mut().unwrap().remove("sites");
            a
        })
        .collect();
    assert_eq!(list.len(), URIS.lines().count());
    list
}

fn import(path: &Path) -> Vec<Value> {
    let out = tessera(&["import", path.to_str().unwrap()], "");
    assert!(stderr(ok(&out)).is_empty(), "{}", stderr(&out));
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn uri_list_and_aegis_json_import_back_identically() {
    let dir = scratch("files");
    let file = vault(&dir, true);
    let accounts = truth(&file, true);
    for (format, name) in [("uris", "export.txt"), ("aegis", "aegis.json")] {
        let out = tessera(
            &["export", &file, "--format", format, "--password-stdin"],
            PASSWORD,
        );
        let err = stderr(ok(&out));
        assert!(err.contains("NOT encrypted"), "{err}");
        let path = dir.join(name);
        std::fs::write(&path, &out.stdout).unwrap();
        assert_eq!(import(&path), accounts, "{format}");
    }
    // The Aegis file is JSON in Aegis's layout (its structure is checked against Aegis's own export
    // in the core's tests).
    let aegis: Value =
        serde_json::from_slice(&std::fs::read(dir.join("aegis.json")).unwrap()).unwrap();
    assert_eq!(aegis["header"]["slots"], Value::Null);
    assert_eq!(
        aegis["db"]["entries"].as_array().unwrap().len(),
        accounts.len()
    );
}

#[test]
fn migration_qr_codes_decode_back_to_what_google_can_hold() {
    let dir = scratch("migration");
    let file = vault(&dir, false);
    let accounts = truth(&file, false);
    let qr_dir = dir.join("codes");
    let out = tessera(
        &[
            "export",
            &file,
            "--format",
            "migration",
            "--qr-dir",
            qr_dir.to_str().unwrap(),
            "--batch-id",
            "99",
        ],
        "",
    );
    let err = stderr(ok(&out));
    assert!(err.contains("NOT encrypted"), "{err}");
    // Left out, by hand from URIS: the 60-second, the 7-digit and the Steam account (6, 7, 8).
    for (n, reason) in [
        (6, "migration_period_unsupported"),
        (7, "migration_digits_unsupported"),
        (8, "migration_steam_unsupported"),
    ] {
        assert!(
            err.contains(&format!("left out account {n} ")) && err.contains(reason),
            "{err}"
        );
    }
    // SHA-256 and SHA-512 are written, with a caution (accounts 2 and 3).
    assert!(err.contains("check account 2 (Big Corp: bob): export_ga_algorithm_caution"));
    assert!(err.contains("check account 3 "));
    let uris: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert!(!uris.is_empty());
    let mut read = Vec::new();
    for (i, uri) in uris.iter().enumerate() {
        let png = qr_dir.join(format!("migration-{}-of-{}.png", i + 1, uris.len()));
        let decoded = tessera(&["qr", png.to_str().unwrap()], "");
        assert_eq!(
            std::str::from_utf8(&ok(&decoded).stdout).unwrap().trim(),
            *uri
        );
        let batch = tessera(&["migration", "decode", "-"], uri);
        let list: Value = serde_json::from_slice(&ok(&batch).stdout).unwrap();
        read.extend(list.as_array().unwrap().iter().cloned());
    }
    let expected: Vec<Value> = accounts[..5].to_vec();
    assert_eq!(read, expected);
}

#[test]
fn a_password_vault_needs_its_password() {
    let dir = scratch("password");
    let file = vault(&dir, true);
    let none = tessera(&["export", &file, "--format", "uris"], "");
    assert_eq!(none.status.code(), Some(2));
    assert!(none.stdout.is_empty());
    assert!(
        stderr(&none).contains("[export_cmd_password]"),
        "{}",
        stderr(&none)
    );
    let wrong = tessera(
        &["export", &file, "--format", "aegis", "--password-stdin"],
        "wrong password",
    );
    assert_eq!(wrong.status.code(), Some(2));
    assert!(wrong.stdout.is_empty());
    assert!(
        stderr(&wrong).contains("[vault_decrypt]"),
        "{}",
        stderr(&wrong)
    );
    let pw = dir.join("pw.txt");
    std::fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
    let right = tessera(
        &[
            "export",
            &file,
            "--format",
            "uris",
            "--password-file",
            pw.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(
        std::str::from_utf8(&ok(&right).stdout)
            .unwrap()
            .lines()
            .count(),
        URIS.lines().count()
    );
}

#[test]
fn bad_arguments_are_usage_errors() {
    let dir = scratch("usage");
    let file = vault(&dir, false);
    for args in [
        vec!["export", &file],
        vec!["export", &file, "--format", "csv"],
        vec!["export", &file, "--format", "uris", "--qr-dir", "x"],
        vec!["export", &file, "--format", "aegis", "--password", "p"],
        vec!["export", "--format", "uris"],
        vec!["export", &file, "--format", "uris", "--format", "aegis"],
    ] {
        let out = tessera(&args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        assert!(
            stderr(&out).contains("[export_cmd_usage]"),
            "{}",
            stderr(&out)
        );
    }
    let missing = tessera(&["export", "/nonexistent/x.vault", "--format", "uris"], "");
    assert!(stderr(&missing).contains("[export_cmd_io]"));
}
