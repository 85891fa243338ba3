//! QR encoding for moving accounts to a phone: the module matrix of one code, which callers draw
//! (a canvas in the extension, PNG/SVG/terminal in the CLI).
//!
//! The `qrcode` crate does the encoding (Reed–Solomon, masks, versions 1–40). Error correction is
//! level M (15 % of the code can be lost), as Google Authenticator's own export codes use: an
//! otpauth URI with a 20-byte secret then fits a version 5–7 code whose modules a phone camera
//! reads at a few pixels each.
//!
//! The matrix encodes its text (often a secret), so [`QrMatrix`] shows only its size in `Debug`
//! and is wiped on drop.

use core::fmt;
use qrcode::{Color, EcLevel, QrCode};
use zeroize::Zeroize;

/// Why a text has no QR code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum QrEncodeError {
    /// The text is longer than a version 40 code holds at error-correction level M (2,331 bytes).
    TooLong,
}

impl QrEncodeError {
    /// Stable code, usable as a message name.
    pub fn code(&self) -> &'static str {
        match self {
            QrEncodeError::TooLong => "qr_too_long",
        }
    }
}

impl fmt::Display for QrEncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QrEncodeError::TooLong => f.write_str("the text is too long for a QR code"),
        }
    }
}

impl std::error::Error for QrEncodeError {}

/// The modules of one QR code, without the quiet zone: `size` × `size`, row by row.
#[derive(Clone, PartialEq, Eq)]
pub struct QrMatrix {
    size: usize,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// Modules per side (21 for version 1, 4 more per version).
    pub fn size(&self) -> usize {
        self.size
    }

    /// Whether the module in column `x`, row `y` is dark; false outside the code (the quiet zone).
    pub fn is_dark(&self, x: isize, y: isize) -> bool {
        x >= 0
            && y >= 0
            && (x as usize) < self.size
            && (y as usize) < self.size
            && self.dark[y as usize * self.size + x as usize]
    }

    /// The modules row by row, 1 for dark and 0 for light (`size()²` bytes).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.dark.iter().map(|&d| u8::from(d)).collect()
    }
}

impl fmt::Debug for QrMatrix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QrMatrix")
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl Drop for QrMatrix {
    fn drop(&mut self) {
        self.dark.zeroize();
    }
}

/// Quiet zone a drawing should leave around the code, in modules (ISO/IEC 18004 asks for 4).
pub const QUIET_ZONE: usize = 4;

/// The QR code of `text` (byte mode, error correction M, the smallest version that holds it).
pub fn encode(text: &[u8]) -> Result<QrMatrix, QrEncodeError> {
    let code = QrCode::with_error_correction_level(text, EcLevel::M)
        .map_err(|_| QrEncodeError::TooLong)?;
    let size = code.width();
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    Ok(QrMatrix { size, dark })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Draws the matrix with a quiet zone at `scale` pixels per module, as the extension does.
    fn luma(m: &QrMatrix, scale: usize) -> (Vec<u8>, usize) {
        let side = (m.size() + 2 * QUIET_ZONE) * scale;
        let mut px = vec![255u8; side * side];
        for y in 0..side {
            for x in 0..side {
                let (mx, my) = ((x / scale) as isize - 4, (y / scale) as isize - 4);
                if m.is_dark(mx, my) {
                    px[y * side + x] = 0;
                }
            }
        }
        (px, side)
    }

    #[test]
    fn our_decoder_reads_what_we_encode() {
        // rqrr (an independent implementation) reads the drawn matrix back.
        for text in [
            "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
            "a",
            &"x".repeat(1000),
        ] {
            let m = encode(text.as_bytes()).unwrap();
            let (px, side) = luma(&m, 3);
            let mut img =
                rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| px[y * side + x]);
            let grids = img.detect_grids();
            assert_eq!(grids.len(), 1);
            let (_, content) = grids[0].decode().unwrap();
            assert_eq!(content, text);
        }
    }

    #[test]
    fn sizes_and_limits() {
        assert_eq!(encode(b"a").unwrap().size(), 21);
        assert_eq!(encode(&[b'x'; 2331]).map(|m| m.size()), Ok(177));
        assert_eq!(encode(&[b'x'; 2332]), Err(QrEncodeError::TooLong));
        assert_eq!(encode(b"a").unwrap().to_bytes().len(), 21 * 21);
    }

    #[test]
    fn debug_shows_no_modules() {
        assert_eq!(
            format!("{:?}", encode(b"secret").unwrap()),
            "QrMatrix { size: 21, .. }"
        );
    }
}
