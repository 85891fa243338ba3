//! The exports as JavaScript sees them, under node (`wasm-bindgen-test-runner`).
//!
//! Expected codes are the RFCs' own tables, not outputs of our code.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect};
use tessera_wasm::{
    code_at, code_at_offset, decode_migration, encode_migration, hotp, new_secret,
    normalize_secret, parse_uri, steam, to_uri, totp, verify, write_uri,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

/// RFC 6238 Appendix A reference seeds: 20, 32 and 64 ASCII bytes for SHA1, SHA256, SHA512.
const SEED_SHA1: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const SEED_SHA256: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA";
const SEED_SHA512: &str =
    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA";

/// RFC 6238 Appendix B: (time, SHA1, SHA256, SHA512), 8 digits, 30 s steps.
const RFC6238_APPENDIX_B: [(u64, &str, &str, &str); 6] = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
];

/// RFC 4226 Appendix D: HOTP of "12345678901234567890" for counters 0..9, 6 digits.
const RFC4226_APPENDIX_D: [&str; 10] = [
    "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
    "520489",
];

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).expect("property read")
}

fn account(otp_type: &str, secret: &str, algorithm: &str, digits: u32, counter: f64) -> JsValue {
    let obj = Object::new();
    let fields: [(&str, JsValue); 8] = [
        ("type", otp_type.into()),
        ("issuer", "Example".into()),
        ("account", "alice@example.com".into()),
        ("secret", secret.into()),
        ("algorithm", algorithm.into()),
        ("digits", digits.into()),
        ("period", 30.into()),
        ("counter", counter.into()),
    ];
    for (k, v) in fields {
        Reflect::set(&obj, &k.into(), &v).expect("property write");
    }
    obj.into()
}

fn set(obj: &JsValue, key: &str, value: JsValue) {
    Reflect::set(obj, &key.into(), &value).expect("property write");
}

/// The error is a real `Error` named "TesseraError" with the given code, and its message does not
/// contain the secret.
fn assert_tessera_error(err: JsValue, code: &str, secret: &str) {
    assert!(
        err.is_instance_of::<js_sys::Error>(),
        "not an Error: {err:?}"
    );
    let err: js_sys::Error = err.unchecked_into();
    assert_eq!(err.name(), "TesseraError");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some(code));
    let message: String = err.message().into();
    assert!(!message.is_empty());
    assert!(
        !message.contains(secret),
        "message leaks the secret: {message}"
    );
}

#[wasm_bindgen_test]
fn rfc6238_appendix_b() {
    for (time, sha1, sha256, sha512) in RFC6238_APPENDIX_B {
        for (algorithm, seed, want) in [
            ("SHA1", SEED_SHA1, sha1),
            ("SHA256", SEED_SHA256, sha256),
            ("SHA512", SEED_SHA512, sha512),
        ] {
            let code = code_at(
                account("totp", seed, algorithm, 8, 0.0),
                time as f64 * 1000.0,
            )
            .expect("code");
            assert_eq!(
                get(&code, "code").as_string().as_deref(),
                Some(want),
                "{algorithm} at {time}"
            );
            let step = time / 30;
            assert_eq!(get(&code, "counter").as_f64(), Some(step as f64));
            assert_eq!(
                get(&code, "validFrom").as_f64(),
                Some((step * 30_000) as f64)
            );
            assert_eq!(
                get(&code, "validUntil").as_f64(),
                Some(((step + 1) * 30_000) as f64)
            );
        }
    }
}

#[wasm_bindgen_test]
fn milliseconds_are_converted_to_seconds() {
    // 59,999 ms is still second 59 (step 1); 60,000 ms is step 2.
    let a = || account("totp", SEED_SHA1, "sha1", 8, 0.0);
    assert_eq!(
        get(&code_at(a(), 59_999.0).expect("code"), "code")
            .as_string()
            .as_deref(),
        Some("94287082")
    );
    assert_eq!(
        get(&code_at(a(), 60_000.0).expect("code"), "counter").as_f64(),
        Some(2.0)
    );
    // The previous step of 60 s is the RFC's row at 59 s.
    let previous = code_at_offset(a(), 60_000.0, -1).expect("code");
    assert_eq!(
        get(&previous, "code").as_string().as_deref(),
        Some("94287082")
    );
    assert_tessera_error(
        code_at(a(), -1.0).expect_err("negative time"),
        "time_invalid",
        SEED_SHA1,
    );
}

#[wasm_bindgen_test]
fn rfc4226_appendix_d() {
    for (counter, want) in RFC4226_APPENDIX_D.iter().enumerate() {
        let code =
            code_at(account("hotp", SEED_SHA1, "SHA1", 6, counter as f64), 0.0).expect("code");
        assert_eq!(
            get(&code, "code").as_string().as_deref(),
            Some(*want),
            "counter {counter}"
        );
        assert!(
            get(&code, "validUntil").is_null(),
            "HOTP codes have no expiry"
        );
    }
    // Offsets move the HOTP counter.
    let next = code_at_offset(account("hotp", SEED_SHA1, "SHA1", 6, 3.0), 0.0, 1).expect("code");
    assert_eq!(
        get(&next, "code").as_string().as_deref(),
        Some(RFC4226_APPENDIX_D[4])
    );
}

#[wasm_bindgen_test]
fn errors_are_tessera_errors_without_the_secret() {
    let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1";
    assert_tessera_error(
        code_at(account("totp", secret, "SHA1", 6, 0.0), 0.0).expect_err("bad base32"),
        "secret_invalid_character",
        "GEZDGNBVGY3TQOJQ",
    );
    assert_tessera_error(
        normalize_secret(secret).expect_err("bad base32"),
        "secret_invalid_character",
        "GEZDGNBV",
    );
    assert_tessera_error(
        code_at(account("totp", SEED_SHA1, "SHA1", 11, 0.0), 0.0).expect_err("11 digits"),
        "otp_invalid_digits",
        SEED_SHA1,
    );
    let zero_period = account("totp", SEED_SHA1, "SHA1", 6, 0.0);
    set(&zero_period, "period", 0.into());
    assert_tessera_error(
        code_at(zero_period, 0.0).expect_err("period 0"),
        "otp_invalid_period",
        SEED_SHA1,
    );
    assert_tessera_error(
        code_at(account("motp", SEED_SHA1, "SHA1", 6, 0.0), 0.0).expect_err("type"),
        "account_invalid_type",
        SEED_SHA1,
    );
    assert_tessera_error(
        code_at(account("totp", SEED_SHA1, "MD5", 6, 0.0), 0.0).expect_err("algorithm"),
        "account_invalid_algorithm",
        SEED_SHA1,
    );
    assert_tessera_error(
        code_at(JsValue::from_str(SEED_SHA1), 0.0).expect_err("shape"),
        "account_invalid",
        SEED_SHA1,
    );
    assert_tessera_error(
        parse_uri("https://example.com/").expect_err("not otpauth"),
        "uri_not_otpauth",
        "example",
    );
}

#[wasm_bindgen_test]
fn secrets_are_normalized() {
    assert_eq!(
        normalize_secret("gezd gnbv-gy3t qojq gezdgnbvgy3tqojq====").expect("valid"),
        SEED_SHA1
    );
    assert_tessera_error(
        normalize_secret("   ").expect_err("empty"),
        "secret_empty",
        "x",
    );
}

#[wasm_bindgen_test]
fn uri_round_trip_keeps_the_account() {
    // Google's Key Uri Format example (github.com/google/google-authenticator/wiki/Key-Uri-Format).
    let parsed = parse_uri(
        "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
    )
    .expect("parse");
    let want = [
        ("type", "totp"),
        ("issuer", "ACME Co"),
        ("account", "john.doe@email.com"),
        ("secret", "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"),
        ("algorithm", "SHA1"),
    ];
    for (key, value) in want {
        assert_eq!(
            get(&parsed, key).as_string().as_deref(),
            Some(value),
            "{key}"
        );
    }
    assert_eq!(get(&parsed, "digits").as_f64(), Some(6.0));
    assert_eq!(get(&parsed, "period").as_f64(), Some(30.0));
    let uri = write_uri(parsed.clone()).expect("write");
    let again = parse_uri(&uri).expect("parse written");
    assert_eq!(
        js_sys::JSON::stringify(&again).expect("json"),
        js_sys::JSON::stringify(&parsed).expect("json"),
        "parse(write(x)) == x"
    );
}

#[wasm_bindgen_test]
fn migration_payload_is_decoded_into_account_objects() {
    // scito/extract_otp_secrets example_export.txt (commit b83dcadc), first URI: one TOTP account.
    let uri = "otpauth-migration://offline?data=CjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAhABGAEgACjr4JKK%2B%2F%2F%2F%2F%2F8B";
    let decoded = decode_migration(uri).expect("decode");
    assert_eq!(get(&decoded, "version").as_f64(), Some(1.0));
    assert_eq!(get(&decoded, "batchSize").as_f64(), Some(1.0));
    assert_eq!(get(&decoded, "batchIndex").as_f64(), Some(0.0));
    assert_eq!(get(&decoded, "batchId").as_f64(), Some(-1320898453.0));
    let accounts: js_sys::Array = get(&decoded, "accounts").unchecked_into();
    assert_eq!(accounts.length(), 1);
    let a = accounts.get(0);
    let want = [
        ("type", "totp"),
        ("issuer", "raspberrypi"),
        ("account", "pi@raspberrypi"),
        ("secret", "7KSQL2JTUDIS5EF65KLMRQIIGY"),
        ("algorithm", "SHA1"),
    ];
    for (key, value) in want {
        assert_eq!(get(&a, key).as_string().as_deref(), Some(value), "{key}");
    }
    assert_eq!(get(&a, "digits").as_f64(), Some(6.0));
    assert_eq!(js_sys::Array::from(&get(&decoded, "skipped")).length(), 0);
    assert_tessera_error(
        decode_migration("otpauth://totp/x?secret=GEZDGNBV").expect_err("not a migration URI"),
        "migration_not_migration",
        "GEZDGNBV",
    );
}

#[wasm_bindgen_test]
fn migration_encoding_round_trips_and_leaves_out_what_google_cannot_hold() {
    // The scito account above, re-encoded, decodes to the same account object; a Steam account is
    // left out with a reason (Google Authenticator has no Steam type).
    let scito = "otpauth-migration://offline?data=CjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAhABGAEgACjr4JKK%2B%2F%2F%2F%2F%2F8B";
    let original: js_sys::Array =
        get(&decode_migration(scito).expect("decode"), "accounts").unchecked_into();
    let steam_account = parse_uri(
        "otpauth://steam/Steam:gaben?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Steam",
    )
    .expect("steam");
    let encoded = encode_migration(vec![original.get(0), steam_account], 7).expect("encode");
    let uris: js_sys::Array = get(&encoded, "uris").unchecked_into();
    assert_eq!(uris.length(), 1);
    let left_out: js_sys::Array = get(&encoded, "leftOut").unchecked_into();
    assert_eq!(left_out.length(), 1);
    assert_eq!(
        get(&left_out.get(0), "account").as_string().as_deref(),
        Some("gaben")
    );
    assert_eq!(
        get(&left_out.get(0), "reason").as_string().as_deref(),
        Some("migration_steam_unsupported")
    );
    let again = decode_migration(&uris.get(0).as_string().expect("uri")).expect("decode again");
    assert_eq!(get(&again, "batchId").as_f64(), Some(7.0));
    let accounts: js_sys::Array = get(&again, "accounts").unchecked_into();
    assert_eq!(accounts.length(), 1);
    for key in ["type", "issuer", "account", "secret", "algorithm"] {
        assert_eq!(
            get(&accounts.get(0), key).as_string(),
            get(&original.get(0), key).as_string(),
            "{key}"
        );
    }
}

/// Options object from JSON text.
fn opts(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("options JSON")
}

#[wasm_bindgen_test]
fn totp_matches_rfc6238_appendix_b_for_each_algorithm() {
    for (time, sha1, sha256, sha512) in RFC6238_APPENDIX_B {
        for (algorithm, seed, want) in [
            ("SHA1", SEED_SHA1, sha1),
            ("SHA256", SEED_SHA256, sha256),
            ("sha512", SEED_SHA512, sha512),
        ] {
            let o = opts(&format!(
                r#"{{"unixMs": {}, "algorithm": "{algorithm}", "digits": 8, "period": 30}}"#,
                time * 1000
            ));
            assert_eq!(totp(seed, o).expect("code"), want, "{algorithm} at {time}");
        }
        // Defaults are SHA1, 30 s and 6 digits: the last six digits of the 8-digit value.
        let o = opts(&format!(r#"{{"unixMs": {}}}"#, time * 1000 + 999));
        assert_eq!(
            totp(SEED_SHA1, o).expect("code"),
            sha1[2..],
            "default at {time}"
        );
    }
    // Without unixMs the code is for now: a 6-digit string.
    let now = totp(SEED_SHA1, JsValue::UNDEFINED).expect("code");
    assert!(
        now.len() == 6 && now.bytes().all(|b| b.is_ascii_digit()),
        "{now}"
    );
}

#[wasm_bindgen_test]
fn hotp_matches_rfc4226_appendix_d() {
    for (counter, want) in RFC4226_APPENDIX_D.iter().enumerate() {
        assert_eq!(
            hotp(SEED_SHA1, counter as f64, JsValue::UNDEFINED).expect("code"),
            *want
        );
    }
    // RFC 4226 Appendix D: the truncated value at counter 0 is 1284755224 (10 digits).
    assert_eq!(
        hotp(
            SEED_SHA1,
            0.0,
            opts(r#"{"digits": 10, "algorithm": "SHA1"}"#)
        )
        .expect("code"),
        "1284755224"
    );
    for bad in [-1.0, 0.5, f64::NAN, 9_007_199_254_740_992.0] {
        assert_tessera_error(
            hotp(SEED_SHA1, bad, JsValue::UNDEFINED).expect_err("bad counter"),
            "counter_invalid",
            SEED_SHA1,
        );
    }
}

#[wasm_bindgen_test]
fn steam_matches_published_codes() {
    // keepassxreboot/keepassxc tests/TestTotp.cpp testSteamTotp (codes from the Steam app), and
    // pyauth/pyotp test.py SteamTOTP.
    let vectors = [
        (
            "63BEDWCQZKTQWPESARIERL5DTTQFCJTK",
            1_511_200_518u64,
            "FR8RV",
        ),
        ("63BEDWCQZKTQWPESARIERL5DTTQFCJTK", 1_511_200_714, "9P3VP"),
        ("BASE32SECRET3232", 0, "2TC8B"),
    ];
    for (secret, time, want) in vectors {
        let o = opts(&format!(r#"{{"unixMs": {}}}"#, time * 1000));
        assert_eq!(steam(secret, o).expect("code"), want, "{secret} at {time}");
    }
}

#[wasm_bindgen_test]
fn verify_at_step_boundaries() {
    // With the RFC seed, TOTP step 1 is HOTP counter 1: RFC 4226 Appendix D gives 287082.
    let code = RFC4226_APPENDIX_D[1];
    let offset = |t: u64, window: u32| {
        let o = opts(&format!(
            r#"{{"unixMs": {}, "window": {window}}}"#,
            t * 1000
        ));
        verify(SEED_SHA1, code, o).expect("verify").as_f64()
    };
    // (second, window, expected offset): step 1 covers seconds 30..=59.
    let cases = [
        (29, 0, None),
        (29, 1, Some(1.0)),
        (30, 0, Some(0.0)),
        (59, 0, Some(0.0)),
        (60, 0, None),
        (60, 1, Some(-1.0)),
        (90, 1, None),
    ];
    for (t, window, want) in cases {
        assert_eq!(offset(t, window), want, "t = {t}, window = {window}");
    }
    // No match is null, not undefined.
    let none = verify(SEED_SHA1, "000000", opts(r#"{"unixMs": 0, "window": 0}"#)).expect("verify");
    assert!(none.is_null());
    // A URI works as well as a bare secret; the default window is 1.
    let uri = format!("otpauth://totp/Example:alice?secret={SEED_SHA1}&digits=8");
    assert_eq!(
        verify(&uri, "94287082", opts(r#"{"unixMs": 89000}"#))
            .expect("verify")
            .as_f64(),
        Some(-1.0)
    );
    // HOTP looks ahead of the URI's counter only.
    let hotp_uri = format!("otpauth://hotp/Example:alice?secret={SEED_SHA1}&counter=3");
    let at = |code: &str| verify(&hotp_uri, code, opts(r#"{"window": 2}"#)).expect("verify");
    assert_eq!(at(RFC4226_APPENDIX_D[5]).as_f64(), Some(2.0));
    assert!(at(RFC4226_APPENDIX_D[2]).is_null());
    assert_tessera_error(
        verify(SEED_SHA1, code, opts(r#"{"window": 1001}"#)).expect_err("window"),
        "otp_window_too_large",
        SEED_SHA1,
    );
}

#[wasm_bindgen_test]
fn new_secrets_are_random_canonical_base32() {
    let a = new_secret(None).expect("secret");
    let b = new_secret(None).expect("secret");
    // 20 bytes are 160 bits: 32 base32 characters without padding.
    assert_eq!(a.len(), 32);
    assert!(a
        .bytes()
        .all(|c| c.is_ascii_uppercase() || (b'2'..=b'7').contains(&c)));
    assert_ne!(a, b);
    assert_eq!(normalize_secret(&a).expect("valid"), a);
    assert_eq!(new_secret(Some(64.0)).expect("secret").len(), 103);
    assert_tessera_error(
        new_secret(Some(15.0)).expect_err("short"),
        "secret_too_short",
        "x",
    );
    assert_tessera_error(
        new_secret(Some(1025.0)).expect_err("long"),
        "secret_too_long",
        "x",
    );
    assert_tessera_error(
        new_secret(Some(20.5)).expect_err("fraction"),
        "length_invalid",
        "x",
    );
}

#[wasm_bindgen_test]
fn to_uri_fills_defaults_and_round_trips() {
    let uri = to_uri(opts(&format!(
        r#"{{"issuer": "ACME Co", "account": "john.doe@email.com", "secret": "{}"}}"#,
        "hxdm vjec jjws rb3h wizr 4ifu gftm xboz"
    )))
    .expect("uri");
    // Google's Key Uri Format example, less the parameters that are defaults.
    assert_eq!(
        uri,
        "otpauth://totp/ACME%20Co:john.doe%40email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co"
    );
    let parsed = parse_uri(&uri).expect("parse");
    assert_eq!(to_uri(parsed.clone()).expect("uri"), uri);
    assert_eq!(write_uri(parsed).expect("uri"), uri);
    let steam_uri = to_uri(opts(&format!(
        r#"{{"type": "steam", "secret": "{SEED_SHA1}"}}"#
    )))
    .expect("uri");
    assert_eq!(
        get(&parse_uri(&steam_uri).expect("parse"), "digits").as_f64(),
        Some(5.0)
    );
    assert_tessera_error(
        to_uri(opts(&format!(
            r#"{{"secret": "{SEED_SHA1}", "digits": 11}}"#
        )))
        .expect_err("digits"),
        "otp_invalid_digits",
        SEED_SHA1,
    );
    assert_tessera_error(
        to_uri(opts(&format!(
            r#"{{"secret": "{SEED_SHA1}", "label": "x"}}"#
        )))
        .expect_err("unknown field"),
        "account_invalid",
        SEED_SHA1,
    );
    assert_tessera_error(
        to_uri(opts(r#"{"issuer": "x"}"#)).expect_err("no secret"),
        "account_invalid",
        "x",
    );
}

#[wasm_bindgen_test]
fn unknown_options_are_errors() {
    for (what, result) in [
        ("totp", totp(SEED_SHA1, opts(r#"{"unixMS": 0}"#))),
        ("steam", steam(SEED_SHA1, opts(r#"{"time": 0}"#))),
        ("hotp", hotp(SEED_SHA1, 0.0, opts(r#"{"counter": 1}"#))),
        ("digits type", totp(SEED_SHA1, opts(r#"{"digits": "6"}"#))),
    ] {
        assert_tessera_error(result.expect_err(what), "options_invalid", SEED_SHA1);
    }
    assert_tessera_error(
        verify(SEED_SHA1, "123456", opts(r#"{"windows": 1}"#)).expect_err("verify"),
        "options_invalid",
        SEED_SHA1,
    );
    assert_tessera_error(
        totp(SEED_SHA1, opts(r#"{"algorithm": "MD5"}"#)).expect_err("algorithm"),
        "account_invalid_algorithm",
        SEED_SHA1,
    );
    assert_tessera_error(
        totp(SEED_SHA1, opts(r#"{"unixMs": -1}"#)).expect_err("time"),
        "time_invalid",
        SEED_SHA1,
    );
    assert_tessera_error(
        verify("GEZDGNBVGY3TQOJ1", "123456", JsValue::UNDEFINED).expect_err("secret"),
        "uri_invalid_secret",
        "GEZDGNBV",
    );
}
