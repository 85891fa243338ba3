//! Runs the built `tessera` binary: RFC 4226 and RFC 6238 vectors, the JSON shapes of issue 3, and
//! bad input (exit status 2, one line on stderr naming the problem and never the secret, nothing on
//! stdout).
#![allow(clippy::unwrap_used)]

mod common;
use common::tessera;

use serde_json::{json, Value};

fn ok(args: &[&str], stdin: &str) -> String {
    let out = tessera(args, stdin);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Asserts the bad-input contract and returns the one stderr line.
fn bad(args: &[&str], stdin: &str) -> String {
    let out = tessera(args, stdin);
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    assert!(
        out.stdout.is_empty(),
        "{args:?} printed {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{args:?}: {err:?}");
    assert!(err.starts_with("tessera: ") && err.len() > 12, "{err:?}");
    err
}

const RFC_SEED_SHA1: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // "12345678901234567890"
const RFC_SEED_SHA256: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA";
const RFC_SEED_SHA512: &str =
    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA";

#[test]
fn rfc4226_appendix_d_through_hotp_uris() {
    // RFC 4226 Appendix D: counters 0..9.
    let want = [
        "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
        "520489",
    ];
    for (counter, code) in want.iter().enumerate() {
        let uri = format!("otpauth://hotp/RFC:4226?secret={RFC_SEED_SHA1}&counter={counter}");
        assert_eq!(ok(&["code", &uri], ""), format!("{code}\n"));
        let base = format!("otpauth://hotp/RFC:4226?secret={RFC_SEED_SHA1}");
        let out = ok(
            &["code", &base, "--counter", &counter.to_string(), "--json"],
            "",
        );
        assert_eq!(
            serde_json::from_str::<Value>(&out).unwrap(),
            json!({"code": code, "valid_for": null})
        );
    }
}

#[test]
fn rfc6238_appendix_b_with_time() {
    // RFC 6238 Appendix B, each algorithm with its own seed length, 8 digits.
    let rows = [
        (59u64, "94287082", "46119246", "90693936"),
        (1111111109, "07081804", "68084774", "25091201"),
        (1111111111, "14050471", "67062674", "99943326"),
        (1234567890, "89005924", "91819424", "93441116"),
        (2000000000, "69279037", "90698825", "38618901"),
        (20000000000, "65353130", "77737706", "47863826"),
    ];
    for (time, sha1, sha256, sha512) in rows {
        for (alg, seed, code) in [
            ("SHA1", RFC_SEED_SHA1, sha1),
            ("SHA256", RFC_SEED_SHA256, sha256),
            ("SHA512", RFC_SEED_SHA512, sha512),
        ] {
            let uri = format!("otpauth://totp/RFC:6238?secret={seed}&algorithm={alg}&digits=8");
            let out = ok(&["code", &uri, "--time", &time.to_string(), "--json"], "");
            let valid_for = 30 - time % 30;
            assert_eq!(
                serde_json::from_str::<Value>(&out).unwrap(),
                json!({"code": code, "valid_for": valid_for}),
                "{alg} {time}"
            );
        }
    }
    // A bare base32 secret is SHA1, 6 digits, 30 s: the last six digits of the SHA1 column.
    assert_eq!(
        ok(&["code", RFC_SEED_SHA1, "--time", "1111111109"], ""),
        "081804\n"
    );
    // The URI from standard input.
    let uri = format!("otpauth://totp/x?secret={RFC_SEED_SHA1}&digits=8\n");
    assert_eq!(ok(&["code", "-", "--time", "59"], &uri), "94287082\n");
}

#[test]
fn steam_code() {
    // KeePassXC testSteamTotp (captured from the real Steam app).
    let uri = "otpauth://totp/test:test@example.com?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK&issuer=Valve&encoder=steam";
    assert_eq!(ok(&["code", uri, "--time", "1511200518"], ""), "FR8RV\n");
    assert_eq!(
        ok(
            &[
                "code",
                "steam://63BEDWCQZKTQWPESARIERL5DTTQFCJTK",
                "--time",
                "1511200714"
            ],
            ""
        ),
        "9P3VP\n"
    );
}

#[test]
fn code_without_time_uses_the_clock() {
    let out = ok(&["code", RFC_SEED_SHA1, "--json"], "");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["code"].as_str().unwrap().len(), 6);
    let left = v["valid_for"].as_u64().unwrap();
    assert!((1..=30).contains(&left), "{left}");
}

#[test]
fn parse_prints_issue_3_shape() {
    // Google's Key Uri Format wiki example.
    let out = ok(&["parse", "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30"], "");
    assert_eq!(
        out,
        "{\"type\":\"totp\",\"issuer\":\"ACME Co\",\"account\":\"john.doe@email.com\",\"secret\":\"HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ\",\"algorithm\":\"SHA1\",\"digits\":6,\"period\":30}\n"
    );
    let hotp: Value = serde_json::from_str(&ok(
        &[
            "parse",
            "otpauth://hotp/bob?secret=jbsw%20y3dp%20ehpk%203pxp&counter=7",
        ],
        "",
    ))
    .unwrap();
    assert_eq!(
        hotp,
        json!({"type": "hotp", "issuer": "", "account": "bob", "secret": "JBSWY3DPEHPK3PXP", "algorithm": "SHA1", "digits": 6, "counter": 7})
    );
}

#[test]
fn uri_and_migration_round_trip_through_the_binary() {
    let account = json!({"type": "totp", "issuer": "ACME Co", "account": "alice@example.com", "secret": "JBSWY3DPEHPK3PXP", "algorithm": "SHA256", "digits": 8, "period": 30});
    let uri = ok(&["uri"], &account.to_string());
    assert_eq!(uri, "otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA256&digits=8\n");
    let parsed: Value = serde_json::from_str(&ok(&["parse", uri.trim()], "")).unwrap();
    assert_eq!(parsed, account);

    let hotp = json!({"type": "hotp", "issuer": "", "account": "bob", "secret": "GEZDGNBV", "algorithm": "SHA1", "digits": 6, "counter": 3});
    let steam = json!({"type": "steam", "account": "gaben", "secret": "JBSWY3DPEHPK3PXP"});
    let input = json!([account, steam, hotp]).to_string();
    let out = tessera(&["migration", "encode", "--batch-id", "-3"], &input);
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        "tessera: left out account 2 (Steam: gaben): migration_steam_unsupported\n"
    );
    let uris = String::from_utf8(out.stdout).unwrap();
    assert_eq!(uris.lines().count(), 1);
    let decoded: Value =
        serde_json::from_str(&ok(&["migration", "decode", uris.trim()], "")).unwrap();
    assert_eq!(decoded, json!([account, hotp]));
}

#[test]
fn migration_decode_of_a_google_authenticator_export() {
    // scito/extract_otp_secrets example_export.txt, first URI (its example_output.json entry).
    let uri = "otpauth-migration://offline?data=CjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAhABGAEgACjr4JKK%2B%2F%2F%2F%2F%2F8B";
    let v: Value = serde_json::from_str(&ok(&["migration", "decode", uri], "")).unwrap();
    assert_eq!(
        v,
        json!([{"type": "totp", "issuer": "raspberrypi", "account": "pi@raspberrypi", "secret": "7KSQL2JTUDIS5EF65KLMRQIIGY", "algorithm": "SHA1", "digits": 6, "period": 30}])
    );
}

#[test]
fn bad_input_is_one_line_on_stderr_and_exit_2() {
    let secret = "JBSWY3DPEHPK3PX1";
    let cases: Vec<(Vec<String>, &str, &str)> = vec![
        (vec![], "", "missing command"),
        (vec!["frobnicate".into()], "", "unknown command"),
        (vec!["code".into()], "", "usage"),
        (vec!["code".into(), secret.into()], "", "not base32"),
        (
            vec!["code".into(), format!("otpauth://totp/a?secret={secret}")],
            "",
            "not base32",
        ),
        (
            vec!["code".into(), format!("otpauth://totp/a?secret={secret}1")],
            "",
            "secret",
        ),
        (
            vec![
                "code".into(),
                "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=11".into(),
            ],
            "",
            "digits",
        ),
        (
            vec![
                "code".into(),
                "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=0".into(),
            ],
            "",
            "period",
        ),
        (
            vec![
                "code".into(),
                "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=MD5".into(),
            ],
            "",
            "algorithm",
        ),
        (
            vec![
                "code".into(),
                "JBSWY3DPEHPK3PXP".into(),
                "--time".into(),
                "-1".into(),
            ],
            "",
            "--time",
        ),
        (
            vec!["code".into(), "JBSWY3DPEHPK3PXP".into(), "--time".into()],
            "",
            "--time",
        ),
        (
            vec![
                "code".into(),
                "JBSWY3DPEHPK3PXP".into(),
                "--counter".into(),
                "1".into(),
            ],
            "",
            "HOTP",
        ),
        (
            vec!["code".into(), "JBSWY3DPEHPK3PXP".into(), "--bogus".into()],
            "",
            "unknown option",
        ),
        (
            vec!["parse".into(), "http://example.com".into()],
            "",
            "otpauth",
        ),
        (vec!["parse".into()], "", "usage"),
        (
            vec![
                "migration".into(),
                "decode".into(),
                "otpauth-migration://offline?data=XXXX".into(),
            ],
            "",
            "payload",
        ),
        (
            vec![
                "migration".into(),
                "decode".into(),
                "otpauth-migration://offline?datafail=AAAA".into(),
            ],
            "",
            "data",
        ),
        (vec!["migration".into(), "encode".into()], "{", "JSON"),
        (vec!["migration".into(), "encode".into()], "{}", "array"),
        (
            vec!["migration".into(), "encode".into()],
            "[{\"secret\":\"JBSWY3DPEHPK3PX1\"}]",
            "account 1",
        ),
        (vec!["uri".into()], "{\"issuer\":\"x\"}", "secret"),
        (
            vec!["uri".into()],
            "{\"secret\":\"JBSWY3DPEHPK3PXP\",\"perod\":60}",
            "unknown field",
        ),
        (
            vec!["uri".into()],
            "{\"secret\":\"JBSWY3DPEHPK3PXP\",\"digits\":\"JBSWY3DPEHPK3PX1\"}",
            "digits",
        ),
        (
            vec!["uri".into()],
            "{\"secret\":\"JBSWY3DPEHPK3PXP\",\"period\":90000}",
            "period",
        ),
        (
            vec!["uri".into()],
            "{\"secret\":\"JBSWY3DPEHPK3PXP\",\"type\":\"steam\",\"digits\":6}",
            "digits",
        ),
    ];
    for (args, stdin, needle) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = bad(&args, stdin);
        assert!(
            err.contains(needle),
            "{args:?}: {err:?} should mention {needle:?}"
        );
        assert!(!err.contains("JBSW"), "{args:?} leaked the secret: {err:?}");
    }
}

#[test]
fn help_and_version() {
    let help = ok(&["--help"], "");
    for needle in [
        "tessera code",
        "tessera parse",
        "migration decode",
        "migration encode",
        "tessera uri",
        "--json",
        "valid_for",
    ] {
        assert!(help.contains(needle), "{needle}");
    }
    assert!(ok(&["--version"], "").starts_with("tessera "));
}
