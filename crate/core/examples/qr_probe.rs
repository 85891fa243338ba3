//! Prints what the QR decoder reads from image files: `cargo run --example qr_probe -- FILE...`.
fn main() {
    for path in std::env::args().skip(1) {
        match image::open(&path) {
            Ok(img) => {
                let img = img.to_rgba8();
                let (w, h) = img.dimensions();
                let t = std::time::Instant::now();
                let texts = tessera_core::qr::decode_rgba(img.as_raw(), w as usize, h as usize);
                println!("{path} ({w}x{h}, {:?}): {texts:?}", t.elapsed());
            }
            Err(e) => println!("{path}: {e}"),
        }
    }
}
