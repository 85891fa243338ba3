//! otpauth:// and steam:// parsing must never panic, and whatever it accepts must survive the
//! canonical round trip: parse(write(x)) == x, and write is a fixed point.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::uri;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(account) = uri::parse(text) {
        let written = uri::write(&account);
        let again = uri::parse(&written).expect("a written URI must parse");
        assert_eq!(again, account, "parse(write(x)) != x for {written}");
        assert_eq!(uri::write(&again), written);
    }
});
