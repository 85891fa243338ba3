//! WebAssembly bindings of tessera-core's QR decoder for the extension's decoder worker
//! (`extension/qr/decoder-worker.js`).
//!
//! The decoder is a separate module from the main bindings (`crate/wasm`) so that it runs in an
//! instance of its own, inside a dedicated Web Worker: if an image ever made it trap, only that
//! instance is lost (the page's client respawns the worker), never the vault or the service
//! worker. It also keeps rqrr out of the module every popup open loads.
//!
//! Bindings only: the pixel format is named by a string and the work is the core's.
#![forbid(unsafe_code)]

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsError;

/// Why `decodeQr` refused its arguments before the core saw them.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindError {
    /// `kind` is neither `"rgba"` nor `"luma"`.
    KindInvalid,
}

impl BindError {
    /// The stable code the extension maps to `err_<code>`.
    pub fn code(&self) -> &'static str {
        match self {
            BindError::KindInvalid => "qr_kind_invalid",
        }
    }
}

/// The pixel layouts `decodeQr` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 4 bytes per pixel (a canvas `ImageData`'s `data`).
    Rgba,
    /// 1 byte per pixel, 0 black.
    Luma,
}

impl Kind {
    /// The kind named `name`.
    pub fn from_name(name: &str) -> Result<Kind, BindError> {
        match name {
            "rgba" => Ok(Kind::Rgba),
            "luma" => Ok(Kind::Luma),
            _ => Err(BindError::KindInvalid),
        }
    }
}

/// Every QR code's text in `pixels`, or the stable code of the error (`qr_kind_invalid`, or the
/// core's `qr_empty`, `qr_too_large`, `qr_size_mismatch`).
pub fn decode(
    pixels: &[u8],
    width: usize,
    height: usize,
    kind: &str,
) -> Result<Vec<String>, &'static str> {
    #[cfg(feature = "test-trap")]
    if kind == "test-trap" {
        // Test builds only (see Cargo.toml): stands in for a decoder bug that traps the instance.
        panic!("test-trap: deliberate trap for the recovery test");
    }
    let result = match Kind::from_name(kind).map_err(|e| e.code())? {
        Kind::Rgba => tessera_core::qr::decode_rgba(pixels, width, height),
        Kind::Luma => tessera_core::qr::decode_luma(pixels, width, height),
    };
    result.map_err(|e| e.code())
}

/// `decodeQr(pixels, width, height, kind)`: every QR code's text in the image, each once;
/// `kind` is `"rgba"` or `"luma"`. Throws an `Error` whose message is the stable error code.
#[wasm_bindgen(js_name = decodeQr)]
pub fn decode_qr(
    pixels: &[u8],
    width: u32,
    height: u32,
    kind: &str,
) -> Result<Vec<String>, JsError> {
    decode(pixels, width as usize, height as usize, kind).map_err(JsError::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_kind_is_refused_with_its_code() {
        assert_eq!(decode(&[0; 4], 1, 1, "bgra"), Err("qr_kind_invalid"));
        #[cfg(not(feature = "test-trap"))]
        assert_eq!(decode(&[0; 4], 1, 1, "test-trap"), Err("qr_kind_invalid"));
    }

    #[test]
    fn the_core_checks_the_size() {
        assert_eq!(decode(&[0; 3], 1, 1, "rgba"), Err("qr_size_mismatch"));
        assert_eq!(decode(&[], 0, 0, "luma"), Err("qr_empty"));
    }

    /// An image the `qrcode` crate (an independent encoder) renders, 4 px modules with a quiet zone.
    fn rendered(text: &str) -> (Vec<u8>, usize) {
        let code = qrcode::QrCode::new(text.as_bytes()).expect("encodable");
        let n = code.width();
        let colors = code.to_colors();
        let (scale, quiet) = (4, 4);
        let side = (n + 2 * quiet) * scale;
        let mut luma = vec![255u8; side * side];
        for y in 0..side {
            for x in 0..side {
                let (mx, my) = (
                    (x / scale).wrapping_sub(quiet),
                    (y / scale).wrapping_sub(quiet),
                );
                if mx < n && my < n && colors[my * n + mx] == qrcode::Color::Dark {
                    luma[y * side + x] = 0;
                }
            }
        }
        (luma, side)
    }

    #[test]
    fn reads_a_rendered_code_as_luma_and_as_rgba() {
        let text = "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example";
        let (luma, side) = rendered(text);
        assert_eq!(
            decode(&luma, side, side, "luma"),
            Ok(vec![text.to_string()])
        );
        let rgba: Vec<u8> = luma.iter().flat_map(|&v| [v, v, v, 255]).collect();
        assert_eq!(
            decode(&rgba, side, side, "rgba"),
            Ok(vec![text.to_string()])
        );
    }

    #[test]
    fn a_blank_image_has_no_code() {
        assert_eq!(decode(&[255; 64 * 64], 64, 64, "luma"), Ok(vec![]));
    }
}
