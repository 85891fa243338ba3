//! The popup's account bindings under node (`wasm-bindgen-test-runner`): recently deleted and
//! restore, pins, order, HOTP's next code, labels and sites, reveal, and the next TOTP code.
//! Expected codes are RFC 4226 Appendix D and RFC 6238 Appendix B.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Reflect};
use tessera_wasm::vault::VaultHandle;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

/// ASCII "12345678901234567890" in base32: the RFC 4226 and RFC 6238 (SHA1) seed.
const SEED: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
/// RFC 4226 Appendix D, counters 0, 1, 2.
const HOTP: [&str; 3] = ["755224", "287082", "359152"];
const DEVICE: [u8; 8] = [9; 8];
const DAY_MS: f64 = 86_400_000.0;

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &key.into()).expect("property read")
}

fn account(otp_type: &str, issuer: &str, secret: &str, digits: u8) -> JsValue {
    let obj = Object::new();
    let fields: [(&str, JsValue); 8] = [
        ("type", otp_type.into()),
        ("issuer", issuer.into()),
        ("account", "alice".into()),
        ("secret", secret.into()),
        ("algorithm", "SHA1".into()),
        ("digits", digits.into()),
        ("period", 30.into()),
        ("counter", 0.into()),
    ];
    for (k, v) in fields {
        Reflect::set(&obj, &k.into(), &v).expect("property write");
    }
    obj.into()
}

fn code_of(err: JsValue) -> String {
    get(&err, "code").as_string().expect("a coded error")
}

fn list(h: &VaultHandle, ms: f64) -> Vec<JsValue> {
    Array::from(&h.list(ms, None).expect("list"))
        .iter()
        .collect()
}

fn issuers(h: &VaultHandle) -> Vec<String> {
    list(h, 1_000.0)
        .iter()
        .map(|a| get(a, "issuer").as_string().expect("issuer"))
        .collect()
}

fn reopened(h: &VaultHandle) -> VaultHandle {
    VaultHandle::open_unprotected(&h.sealed(), &DEVICE).expect("reopen")
}

#[wasm_bindgen_test]
fn delete_lists_restores_and_purges_after_30_days() {
    let mut h = VaultHandle::create(&DEVICE).expect("create");
    let a = h
        .add(account("totp", "A", SEED, 6), 1_000.0, JsValue::UNDEFINED)
        .expect("add");
    h.add(
        account("totp", "B", "MFRGGZDFMZTWQ2LK", 6),
        1_000.0,
        JsValue::UNDEFINED,
    )
    .expect("add");
    h.remove(&a, 2_000.0).expect("remove");
    assert_eq!(issuers(&h), ["B"]);
    let deleted = Array::from(&h.list_deleted(2_000.0).expect("listDeleted"));
    assert_eq!(deleted.length(), 1);
    let d = deleted.get(0);
    assert_eq!(get(&d, "issuer").as_string().as_deref(), Some("A"));
    assert_eq!(get(&d, "deletedAt").as_f64(), Some(2_000.0));
    assert_eq!(get(&d, "purgeAt").as_f64(), Some(2_000.0 + 30.0 * DAY_MS));
    let text = String::from(js_sys::JSON::stringify(&d).expect("json"));
    assert!(!text.contains(SEED), "no secret listed");

    // Kept sealed: a reopened vault restores it, in its place.
    let mut again = reopened(&h);
    again.restore(&a, 3_000.0).expect("restore");
    assert_eq!(issuers(&again), ["A", "B"]);
    assert_eq!(
        code_of(again.restore(&a, 3_000.0).unwrap_err()),
        "account_not_found"
    );

    // Not purged a moment early; purged at 30 days, and then not restorable.
    assert!(!h
        .purge_expired(2_000.0 + 30.0 * DAY_MS - 1.0)
        .expect("purge"));
    assert!(h.purge_expired(2_000.0 + 30.0 * DAY_MS).expect("purge"));
    assert_eq!(
        Array::from(&h.list_deleted(2_000.0).expect("list")).length(),
        0
    );
    assert_eq!(
        code_of(h.restore(&a, 4_000.0).unwrap_err()),
        "account_not_found"
    );
}

#[wasm_bindgen_test]
fn restore_refuses_an_account_added_again() {
    let mut h = VaultHandle::create(&DEVICE).expect("create");
    let a = h
        .add(account("totp", "A", SEED, 6), 1_000.0, JsValue::UNDEFINED)
        .expect("add");
    h.remove(&a, 2_000.0).expect("remove");
    h.add(
        account("totp", "A again", SEED, 6),
        3_000.0,
        JsValue::UNDEFINED,
    )
    .expect("the same account may be added again");
    assert_eq!(
        code_of(h.restore(&a, 4_000.0).unwrap_err()),
        "account_duplicate"
    );
}

#[wasm_bindgen_test]
fn pins_and_order_are_listed_and_sealed() {
    let mut h = VaultHandle::create(&DEVICE).expect("create");
    let ids: Vec<String> = [("A", SEED), ("B", "MFRGGZDFMZTWQ2LK"), ("C", "ONSWG4TFOQ")]
        .iter()
        .map(|(i, s)| {
            h.add(account("totp", i, s, 6), 1_000.0, JsValue::UNDEFINED)
                .expect("add")
        })
        .collect();
    h.set_pinned(&ids[1], true, 2_000.0).expect("pin");
    h.move_record(&ids[2], &ids[0], false, 3_000.0)
        .expect("move");
    let r = reopened(&h);
    assert_eq!(issuers(&r), ["C", "A", "B"]);
    let pinned: Vec<bool> = list(&r, 1_000.0)
        .iter()
        .map(|a| get(a, "pinned").as_bool().expect("pinned"))
        .collect();
    assert_eq!(pinned, [false, false, true]);
    assert_eq!(
        code_of(h.move_record(&ids[0], &ids[0], true, 4_000.0).unwrap_err()),
        "account_not_found"
    );
    assert_eq!(
        code_of(h.set_pinned("zz", true, 4_000.0).unwrap_err()),
        "id_invalid"
    );
}

#[wasm_bindgen_test]
fn hotp_next_gives_the_rfc_4226_codes_in_turn() {
    let mut h = VaultHandle::create(&DEVICE).expect("create");
    let id = h
        .add(account("hotp", "H", SEED, 6), 1_000.0, JsValue::UNDEFINED)
        .expect("add");
    let code = |h: &VaultHandle| get(&list(h, 1_000.0)[0], "code").as_string().expect("code");
    assert_eq!(code(&h), HOTP[0]);
    assert_eq!(h.hotp_next(&id, 2_000.0).expect("next"), 1.0);
    assert_eq!(code(&h), HOTP[1]);
    assert_eq!(h.hotp_next(&id, 3_000.0).expect("next"), 2.0);
    assert_eq!(code(&reopened(&h)), HOTP[2], "the counter is sealed");
    let t = h
        .add(
            account("totp", "T", "MFRGGZDFMZTWQ2LK", 6),
            1_000.0,
            JsValue::UNDEFINED,
        )
        .expect("add");
    assert_eq!(
        code_of(h.hotp_next(&t, 4_000.0).unwrap_err()),
        "account_not_found"
    );
}

#[wasm_bindgen_test]
fn the_next_totp_code_is_listed() {
    // RFC 6238 Appendix B, SHA1: T = 1111111109 is step 37037036 ("07081804"); T = 1111111111
    // is the next step ("14050471").
    let mut h = VaultHandle::create(&DEVICE).expect("create");
    h.add(account("totp", "T", SEED, 8), 1_000.0, JsValue::UNDEFINED)
        .expect("add");
    let a = &list(&h, 1_111_111_109_000.0)[0];
    assert_eq!(get(a, "code").as_string().as_deref(), Some("07081804"));
    assert_eq!(get(a, "nextCode").as_string().as_deref(), Some("14050471"));
}

#[wasm_bindgen_test]
fn labels_and_sites_are_edited_and_reveal_gives_secret_and_uri() {
    let mut h = VaultHandle::create(&DEVICE).expect("create");
    let id = h
        .add(account("totp", "Old", SEED, 6), 1_000.0, JsValue::UNDEFINED)
        .expect("add");
    let sites = Array::of2(&" Bank.Example ".into(), &"login.bank.example".into());
    h.edit_labels(&id, " New ", "bob", sites.into(), 2_000.0)
        .expect("edit");
    let a = &list(&reopened(&h), 1_000.0)[0];
    assert_eq!(get(a, "issuer").as_string().as_deref(), Some("New"));
    assert_eq!(get(a, "account").as_string().as_deref(), Some("bob"));
    let listed: Vec<String> = Array::from(&get(a, "sites"))
        .iter()
        .map(|s| s.as_string().expect("site"))
        .collect();
    assert_eq!(listed, ["bank.example", "login.bank.example"]);
    let long = "x".repeat(1025);
    assert_eq!(
        code_of(
            h.edit_labels(&id, &long, "bob", JsValue::UNDEFINED, 3_000.0)
                .unwrap_err()
        ),
        "vault_invalid_record"
    );

    let revealed = h.reveal(&id).expect("reveal");
    assert_eq!(get(&revealed, "secret").as_string().as_deref(), Some(SEED));
    assert_eq!(
        get(&revealed, "uri").as_string().as_deref(),
        Some("otpauth://totp/New:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=New")
    );
    h.remove(&id, 4_000.0).expect("remove");
    assert_eq!(code_of(h.reveal(&id).unwrap_err()), "account_not_found");
}

/// Developer mode's list (issue 12): time travel by whole steps, with both neighbours, while the
/// validity bounds stay those of the real step. RFC 6238 Appendix B (SHA1, 8 digits): 1111111109
/// is step 37037036 → 07081804, 1111111111 is step 37037037 → 14050471; RFC 4226 Appendix D for HOTP.
#[wasm_bindgen_test]
fn developer_list_time_travels_by_steps_with_neighbours() {
    const RFC4226: [&str; 10] = [
        "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
        "520489",
    ];
    let mut h = VaultHandle::create(&DEVICE).expect("create");
    h.add(account("totp", "T", SEED, 8), 1_000.0, JsValue::UNDEFINED)
        .expect("add totp");
    let hotp = account("hotp", "H", SEED, 6);
    Reflect::set(&hotp, &"counter".into(), &5.into()).expect("counter");
    h.add(hotp, 1_000.0, JsValue::UNDEFINED).expect("add hotp");
    let at = |offset: i32| -> Vec<JsValue> {
        Array::from(&h.list(1_111_111_111_000.0, Some(offset)).expect("list"))
            .iter()
            .collect()
    };
    let text = |v: &JsValue, k: &str| get(v, k).as_string();

    // Without developer mode: no previous code, and HOTP has no next code.
    let plain = list(&h, 1_111_111_111_000.0);
    assert_eq!(text(&plain[0], "code").as_deref(), Some("14050471"));
    assert_eq!(get(&plain[0], "previousCode"), JsValue::UNDEFINED);
    assert!(get(&plain[1], "nextCode").is_null());

    let now = at(0);
    assert_eq!(text(&now[0], "code").as_deref(), Some("14050471"));
    assert_eq!(text(&now[0], "previousCode").as_deref(), Some("07081804"));
    assert_eq!(get(&now[0], "counter").as_f64(), Some(37_037_037.0));
    assert_eq!(text(&now[1], "code").as_deref(), Some(RFC4226[5]));
    assert_eq!(text(&now[1], "previousCode").as_deref(), Some(RFC4226[4]));
    assert_eq!(text(&now[1], "nextCode").as_deref(), Some(RFC4226[6]));

    let back = at(-1);
    assert_eq!(text(&back[0], "code").as_deref(), Some("07081804"));
    assert_eq!(text(&back[0], "nextCode").as_deref(), Some("14050471"));
    assert_eq!(get(&back[0], "counter").as_f64(), Some(37_037_036.0));
    // The shown code changes when the real step ends.
    assert_eq!(
        get(&back[0], "validUntil").as_f64(),
        Some(37_037_038.0 * 30_000.0)
    );
    let ahead = at(2);
    assert_eq!(text(&ahead[1], "code").as_deref(), Some(RFC4226[7]));
    assert_eq!(text(&ahead[1], "previousCode").as_deref(), Some(RFC4226[6]));
    assert_eq!(text(&ahead[1], "nextCode").as_deref(), Some(RFC4226[8]));
    // Stored counters are not moved by looking ahead.
    assert_eq!(text(&at(0)[1], "code").as_deref(), Some(RFC4226[5]));
}

#[wasm_bindgen_test]
fn a_counter_past_2_53_fails_its_own_tile_not_the_list() {
    // 2^53 − 1 is the largest counter a JavaScript number holds exactly; one step further the
    // account's entry says so, and the other accounts are still listed with their codes.
    let mut h = VaultHandle::create(&DEVICE).expect("create");
    let hotp = account("hotp", "H", SEED, 6);
    Reflect::set(&hotp, &"counter".into(), &9_007_199_254_740_991.0.into()).expect("write");
    let id = h.add(hotp, 1_000.0, JsValue::UNDEFINED).expect("add");
    h.add(account("totp", "T", SEED, 8), 1_000.0, JsValue::UNDEFINED)
        .expect("add");
    let listed = list(&h, 1_111_111_109_000.0);
    assert_eq!(
        get(&listed[0], "counter").as_f64(),
        Some(9_007_199_254_740_991.0)
    );
    let _ = h.hotp_next(&id, 2_000.0);
    let listed = list(&h, 1_111_111_109_000.0);
    assert_eq!(listed.len(), 2);
    assert_eq!(
        get(&listed[0], "id").as_string().as_deref(),
        Some(id.as_str())
    );
    assert_eq!(
        get(&listed[0], "error").as_string().as_deref(),
        Some("value_unrepresentable")
    );
    assert!(
        get(&listed[0], "code").is_undefined(),
        "no code in an error entry"
    );
    assert_eq!(
        get(&listed[1], "code").as_string().as_deref(),
        Some("07081804")
    );
}
