//! The two workloads compared by `scripts/bench.sh`: TOTP codes (HMAC-SHA1, 6 digits, 30 s, the
//! RFC 6238 20-byte seed) for `n` consecutive steps, computed by tessera-core and by totp-rs used
//! directly. Each returns a checksum of the codes so that the work cannot be optimised away and
//! both sides can be checked to agree.
//!
//! In wasm it also exports tessera-core's QR decoder (`decodeQr`) for `scripts/bench-qr.mjs`,
//! which runs it beside jsQR and zxing-wasm on the same pixels.

use tessera_core::{Account, Secret};

/// The RFC 6238 Appendix B SHA1 seed.
pub const SEED: &[u8] = b"12345678901234567890";
/// First time of the run (RFC 6238's 1111111109).
pub const START: u64 = 1_111_111_109;

fn checksum(acc: u64, code: &str) -> u64 {
    code.bytes()
        .fold(acc, |a, b| a.wrapping_mul(31).wrapping_add(u64::from(b)))
}

/// `n` codes from tessera-core.
pub fn tessera(n: u32) -> u64 {
    let secret = Secret::from_bytes(SEED.to_vec()).unwrap_or_else(|_| unreachable!());
    let account = Account::totp("Bench", "bench", secret);
    (0..u64::from(n)).fold(0, |acc, i| match account.code_at(START + 30 * i) {
        Ok(code) => checksum(acc, &code.code),
        Err(_) => acc,
    })
}

/// `n` codes from totp-rs 5.7.
pub fn totp_rs(n: u32) -> u64 {
    let totp = match totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, SEED.to_vec()) {
        Ok(t) => t,
        Err(_) => return 0,
    };
    (0..u64::from(n)).fold(0, |acc, i| checksum(acc, &totp.generate(START + 30 * i)))
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use wasm_bindgen::prelude::wasm_bindgen;

    /// `n` codes from tessera-core; returns the checksum as a float for JS.
    #[wasm_bindgen(js_name = benchTessera)]
    pub fn bench_tessera(n: u32) -> f64 {
        (super::tessera(n) % (1 << 52)) as f64
    }

    /// `n` codes from totp-rs; returns the checksum as a float for JS.
    #[wasm_bindgen(js_name = benchTotpRs)]
    pub fn bench_totp_rs(n: u32) -> f64 {
        (super::totp_rs(n) % (1 << 52)) as f64
    }

    /// Every QR code's text in RGBA pixels (an `ImageData`'s `data`), by tessera-core's decoder;
    /// throws on input it refuses (size mismatch, too large).
    #[wasm_bindgen(js_name = decodeQr)]
    pub fn decode_qr(
        rgba: &[u8],
        width: usize,
        height: usize,
    ) -> Result<Vec<String>, wasm_bindgen::JsError> {
        tessera_core::qr::decode_rgba(rgba, width, height)
            .map_err(|e| wasm_bindgen::JsError::new(&format!("{}: {e}", e.code())))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_sides_compute_the_same_codes() {
        assert_eq!(super::tessera(1000), super::totp_rs(1000));
    }
}
