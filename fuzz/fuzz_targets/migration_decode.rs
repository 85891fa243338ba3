//! otpauth-migration:// decoding must never panic; what it decodes must encode and decode back to
//! the same accounts (every decoded account is one Google Authenticator can hold).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::migration;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Also feed raw bytes as the data parameter, so the protobuf reader sees arbitrary payloads.
    let mut as_payload = String::from("otpauth-migration://offline?data=");
    as_payload.push_str(&base64(data));
    for input in [text, as_payload.as_str()] {
        if let Ok(decoded) = migration::decode(input) {
            let encoded = migration::encode(&decoded.accounts, decoded.batch_id);
            // Only an account too large for one QR code may be left out.
            for left in &encoded.left_out {
                assert_eq!(left.reason, migration::reason::TOO_LARGE, "{left:?}");
            }
            let kept: Vec<_> = (decoded.accounts.iter().enumerate())
                .filter(|(i, _)| !encoded.left_out.iter().any(|l| l.index == *i))
                .map(|(_, a)| a.clone())
                .collect();
            let mut back = Vec::new();
            for uri in &encoded.uris {
                back.extend(
                    migration::decode(uri)
                        .expect("an encoded URI must decode")
                        .accounts,
                );
            }
            assert_eq!(back, kept);
        }
    }
});

fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(A[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}
