//! QR encoding for extension pages (the details view, the export page, new test accounts).

use tessera_core::qr_encode;
use wasm_bindgen::prelude::*;

use crate::js_error;

/// The modules of `text`'s QR code row by row (1 dark, 0 light), without the quiet zone; the
/// side is the square root of the length. Error `qr_too_long`.
#[wasm_bindgen(js_name = qrMatrix)]
pub fn qr_matrix(text: &str) -> Result<Vec<u8>, JsValue> {
    qr_encode::encode(text.as_bytes())
        .map(|m| m.to_bytes())
        .map_err(|e| js_error(&e))
}
