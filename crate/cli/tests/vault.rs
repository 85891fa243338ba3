//! `tessera vault` as a user runs it. Truth: the frozen v1 vectors in crate/core/tests/data/vault
//! (written once, with their password and records in v1_expected.json) and RFC 4648 secrets.
#![allow(clippy::unwrap_used)]

mod common;
use common::tessera;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/data/vault")
        .join(name)
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tessera-cli-vault-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn opens_the_frozen_v1_vault_with_its_password_from_stdin_or_a_file() {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(data("v1_expected.json")).unwrap()).unwrap();
    let password = expected["password"].as_str().unwrap();
    let vault = data("v1_password.vault");
    let vault = vault.to_str().unwrap();

    let header = json(&tessera(&["vault", "inspect", vault], ""));
    assert_eq!(header["format"], "TSRVAULT");
    assert_eq!(header["slots"][0]["kind"], "password");

    let accounts = json(&tessera(
        &["vault", "open", vault, "--password-stdin"],
        password,
    ));
    let live: Vec<&Value> = expected["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("secret").is_some())
        .collect();
    assert_eq!(accounts.as_array().unwrap().len(), live.len());
    for (got, want) in accounts.as_array().unwrap().iter().zip(&live) {
        for key in [
            "id",
            "type",
            "issuer",
            "account",
            "secret",
            "algorithm",
            "digits",
            "sites",
        ] {
            assert_eq!(got[key], want[key], "{key}");
        }
    }

    let dir = scratch("frozen");
    let file = dir.join("pw.txt");
    std::fs::write(&file, format!("{password}\n")).unwrap();
    let from_file = json(&tessera(
        &[
            "vault",
            "open",
            vault,
            "--password-file",
            file.to_str().unwrap(),
        ],
        "",
    ));
    assert_eq!(from_file, accounts);

    // A wrong password: exit 2, the opaque decrypt code, nothing on stdout, no secret anywhere.
    let out = tessera(
        &["vault", "open", vault, "--password-stdin"],
        "correct horse battery stapler",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("vault_decrypt") && !err.contains("GEZDGNBV"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn create_open_and_change_the_password() {
    let dir = scratch("create");
    let vault = dir.join("my.vault");
    let (old, new, uris) = (
        dir.join("old.txt"),
        dir.join("new.txt"),
        dir.join("uris.txt"),
    );
    std::fs::write(&old, "first password").unwrap();
    std::fs::write(&new, "second password").unwrap();
    // Google's Key Uri Format example: secret JBSWY3DPEHPK3PXP = "Hello!" 0xDE 0xAD 0xBE 0xEF.
    std::fs::write(
        &uris,
        "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example\n",
    )
    .unwrap();
    let p = |p: &PathBuf| p.to_str().unwrap().to_owned();
    let (vault_s, old_s, new_s) = (p(&vault), p(&old), p(&new));

    let created = tessera(
        &[
            "vault",
            "create",
            &vault_s,
            "--password-file",
            &old_s,
            "--import-uris",
            &p(&uris),
            "--iterations",
            "10000",
        ],
        "",
    );
    assert_eq!(json(&created)["accounts"], 1);
    let opened = json(&tessera(
        &["vault", "open", &vault_s, "--password-file", &old_s],
        "",
    ));
    assert_eq!(opened[0]["secret"], "JBSWY3DPEHPK3PXP");
    assert_eq!(opened[0]["issuer"], "Example");
    // The file holds no plaintext secret.
    let bytes = std::fs::read(&vault).unwrap();
    assert!(!bytes.windows(16).any(|w| w == b"JBSWY3DPEHPK3PXP"));

    let changed = tessera(
        &[
            "vault",
            "passwd",
            &vault_s,
            "--password-file",
            &old_s,
            "--new-password-file",
            &new_s,
            "--iterations",
            "10000",
        ],
        "",
    );
    assert!(
        changed.status.success(),
        "{}",
        String::from_utf8_lossy(&changed.stderr)
    );
    assert_eq!(
        tessera(&["vault", "open", &vault_s, "--password-file", &old_s], "")
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        json(&tessera(
            &["vault", "open", &vault_s, "--password-file", &new_s],
            ""
        )),
        opened
    );

    // Passwords never come from the command line.
    assert_eq!(
        tessera(
            &["vault", "open", &vault_s, "--password", "second password"],
            ""
        )
        .status
        .code(),
        Some(2)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
