//! Searching arbitrary pixels for QR codes must never panic (a panic aborts the wasm instance in
//! the browser) and must answer with texts or a documented `qr_` error, through the same entry
//! points the wasm binding calls with a canvas `ImageData` (`decode_rgba`) or a grey frame
//! (`decode_luma`).
//!
//! Input: byte 0 picks the pixel format (bit 0: RGBA, else luma), bytes 1..3 the width
//! (little-endian u16), bytes 3..5 a declared height; the rest are the pixels. The image searched
//! takes the width and as many whole rows as the pixels fill; the declared height is also tried as
//! given, so the size checks (empty, too large, buffer mismatch) see arbitrary values.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::qr::{self, QrError};

fuzz_target!(|data: &[u8]| {
    if data.len() < 5 {
        return;
    }
    let rgba = data[0] & 1 == 1;
    let width = usize::from(u16::from_le_bytes([data[1], data[2]]));
    let declared = usize::from(u16::from_le_bytes([data[3], data[4]]));
    let pixels = &data[5..];
    let bpp = if rgba { 4 } else { 1 };
    let decode = |px: &[u8], w: usize, h: usize| {
        if rgba {
            qr::decode_rgba(px, w, h)
        } else {
            qr::decode_luma(px, w, h)
        }
    };

    // The declared size, checked against the buffer as given.
    match decode(pixels, width, declared) {
        Ok(_) => assert_eq!(pixels.len(), width * declared * bpp),
        Err(e) => check(&e, pixels.len(), width, declared, bpp),
    }

    // The size the pixels fill, which always gets past the checks when nonempty.
    if width > 0 {
        let rows = pixels.len() / (width * bpp);
        let used = &pixels[..rows * width * bpp];
        match decode(used, width, rows) {
            Ok(texts) => {
                for (i, t) in texts.iter().enumerate() {
                    assert!(!texts[..i].contains(t), "a text is reported once");
                }
            }
            Err(e) => check(&e, used.len(), width, rows, bpp),
        }
    }
});

fn check(e: &QrError, len: usize, width: usize, height: usize, bpp: usize) {
    assert!(e.code().starts_with("qr_"), "{}", e.code());
    match e {
        QrError::Empty => assert!(width == 0 || height == 0),
        QrError::TooLarge { .. } => assert!(
            width > qr::MAX_SIDE || height > qr::MAX_SIDE || width * height > qr::MAX_PIXELS
        ),
        QrError::SizeMismatch { expected, actual } => {
            assert_eq!(*actual, len);
            assert_eq!(*expected, width * height * bpp);
            assert_ne!(expected, actual);
        }
        _ => {}
    }
}
