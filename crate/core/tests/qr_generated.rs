//! The QR decoder on images made here with an independent encoder (the `qrcode` crate): the text
//! put in must come out, across module sizes, HiDPI scales with resampling blur, dark mode, low
//! contrast, blur, JPEG artefacts, several codes per image, and dense Google Authenticator export
//! payloads. Images with no code must give nothing.

use qrcode::{EcLevel, QrCode};
use tessera_core::qr::{decode_luma, decode_luma_fast, decode_rgba};

/// A grey image; `px.len() == w * h`.
#[derive(Clone)]
struct Img {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl Img {
    fn blank(w: usize, h: usize, v: u8) -> Img {
        Img {
            w,
            h,
            px: vec![v; w * h],
        }
    }

    fn decode(&self) -> Vec<String> {
        decode_luma(&self.px, self.w, self.h).expect("valid image")
    }

    /// Copies `src` onto this image with its top-left corner at (x, y).
    fn paste(&mut self, src: &Img, x: usize, y: usize) {
        for r in 0..src.h {
            let d = (y + r) * self.w + x;
            self.px[d..d + src.w].copy_from_slice(&src.px[r * src.w..(r + 1) * src.w]);
        }
    }

    fn map(&self, f: impl Fn(u8) -> u8) -> Img {
        Img {
            px: self.px.iter().map(|&v| f(v)).collect(),
            ..*self
        }
    }

    /// Bilinear resampling by `factor` (what a browser does to a page at 125 % or 150 % zoom).
    fn scale(&self, factor: f64) -> Img {
        let (w, h) = (
            (self.w as f64 * factor).round() as usize,
            (self.h as f64 * factor).round() as usize,
        );
        let mut px = Vec::with_capacity(w * h);
        for y in 0..h {
            let sy = ((y as f64 + 0.5) / factor - 0.5).clamp(0.0, (self.h - 1) as f64);
            let (y0, fy) = (sy.floor() as usize, sy.fract());
            let y1 = (y0 + 1).min(self.h - 1);
            for x in 0..w {
                let sx = ((x as f64 + 0.5) / factor - 0.5).clamp(0.0, (self.w - 1) as f64);
                let (x0, fx) = (sx.floor() as usize, sx.fract());
                let x1 = (x0 + 1).min(self.w - 1);
                let p = |yy: usize, xx: usize| f64::from(self.px[yy * self.w + xx]);
                let v = (1.0 - fy) * ((1.0 - fx) * p(y0, x0) + fx * p(y0, x1))
                    + fy * ((1.0 - fx) * p(y1, x0) + fx * p(y1, x1));
                px.push(v.round() as u8);
            }
        }
        Img { w, h, px }
    }

    /// A (2r+1)x(2r+1) box blur, edges clamped.
    fn blur(&self, r: usize) -> Img {
        let mut px = Vec::with_capacity(self.px.len());
        for y in 0..self.h {
            for x in 0..self.w {
                let (mut sum, mut n) = (0u32, 0u32);
                for yy in y.saturating_sub(r)..=(y + r).min(self.h - 1) {
                    for xx in x.saturating_sub(r)..=(x + r).min(self.w - 1) {
                        sum += u32::from(self.px[yy * self.w + xx]);
                        n += 1;
                    }
                }
                px.push((sum / n) as u8);
            }
        }
        Img { px, ..*self }
    }

    /// What the fast first pass alone reads, and whether it saw a code it could not read.
    fn decode_fast(&self) -> (Vec<String>, bool) {
        decode_luma_fast(&self.px, self.w, self.h).expect("valid image")
    }

    /// Resampled through `src_of(x, y)`, which gives the source position of each output pixel's
    /// centre (bilinear; outside the source is `fill`).
    fn warp(&self, w: usize, h: usize, fill: u8, src_of: impl Fn(f64, f64) -> (f64, f64)) -> Img {
        let mut px = Vec::with_capacity(w * h);
        for y in 0..h {
            for x in 0..w {
                let (sx, sy) = src_of(x as f64 + 0.5, y as f64 + 0.5);
                let (sx, sy) = (sx - 0.5, sy - 0.5);
                let p = |xx: f64, yy: f64| {
                    if xx < 0.0 || yy < 0.0 || xx >= self.w as f64 || yy >= self.h as f64 {
                        f64::from(fill)
                    } else {
                        f64::from(self.px[yy as usize * self.w + xx as usize])
                    }
                };
                let (x0, y0) = (sx.floor(), sy.floor());
                let (fx, fy) = (sx - x0, sy - y0);
                let v = (1.0 - fy) * ((1.0 - fx) * p(x0, y0) + fx * p(x0 + 1.0, y0))
                    + fy * ((1.0 - fx) * p(x0, y0 + 1.0) + fx * p(x0 + 1.0, y0 + 1.0));
                px.push(v.round() as u8);
            }
        }
        Img { w, h, px }
    }

    /// Rotated by `degrees` about its centre onto a canvas large enough to hold every corner.
    fn rotate(&self, degrees: f64, fill: u8) -> Img {
        let (sin, cos) = degrees.to_radians().sin_cos();
        let side = ((self.w.pow(2) + self.h.pow(2)) as f64).sqrt().ceil() as usize + 2;
        let (cx, cy) = (self.w as f64 / 2.0, self.h as f64 / 2.0);
        let c = side as f64 / 2.0;
        self.warp(side, side, fill, |x, y| {
            let (dx, dy) = (x - c, y - c);
            (cx + cos * dx + sin * dy, cy - sin * dx + cos * dy)
        })
    }

    /// Seen at an angle: the image's corners (top-left, top-right, bottom-right, bottom-left) moved
    /// to `to` by a projective map (a plane photographed off-axis), on a white canvas of `w` x `h`.
    fn perspective(&self, to: [(f64, f64); 4], w: usize, h: usize) -> Img {
        let (sw, sh) = (self.w as f64, self.h as f64);
        let from = [(0.0, 0.0), (sw, 0.0), (sw, sh), (0.0, sh)];
        // The map from output to source: x' = (a x + b y + c) / (g x + h y + 1), likewise y',
        // from the four correspondences (8 equations), solved by Gaussian elimination.
        let mut m = [[0.0f64; 9]; 8];
        for (k, (&(x, y), &(u, v))) in to.iter().zip(&from).enumerate() {
            m[2 * k] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
            m[2 * k + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
        }
        for col in 0..8 {
            let pivot = (col..8)
                .max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))
                .expect("rows");
            m.swap(col, pivot);
            let pivot_row = m[col];
            for (r, row) in m.iter_mut().enumerate() {
                if r != col {
                    let f = row[col] / pivot_row[col];
                    for (v, p) in row.iter_mut().zip(pivot_row).skip(col) {
                        *v -= f * p;
                    }
                }
            }
        }
        let p: Vec<f64> = (0..8).map(|r| m[r][8] / m[r][r]).collect();
        self.warp(w, h, 255, |x, y| {
            let d = p[6] * x + p[7] * y + 1.0;
            (
                (p[0] * x + p[1] * y + p[2]) / d,
                (p[3] * x + p[4] * y + p[5]) / d,
            )
        })
    }

    /// Through a JPEG encoder and decoder at this quality (real block and ringing artefacts).
    fn jpeg(&self, quality: u8) -> Img {
        let mut bytes = Vec::new();
        let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality);
        image::ImageEncoder::write_image(
            enc,
            &self.px,
            self.w as u32,
            self.h as u32,
            image::ExtendedColorType::L8,
        )
        .expect("jpeg encode");
        let back = image::load_from_memory(&bytes)
            .expect("jpeg decode")
            .to_luma8();
        Img {
            px: back.into_raw(),
            ..*self
        }
    }
}

/// `text` as a QR code, `module` px per module, with the standard 4-module quiet zone.
fn qr(text: &str, ec: EcLevel, module: usize) -> Img {
    let code = QrCode::with_error_correction_level(text, ec).expect("encodable");
    let n = code.width();
    let colors = code.to_colors();
    let side = (n + 8) * module;
    let mut img = Img::blank(side, side, 255);
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (mx, my) = (i % n + 4, i / n + 4);
            for y in my * module..(my + 1) * module {
                img.px[y * side + mx * module..y * side + (mx + 1) * module].fill(0);
            }
        }
    }
    img
}

/// Places `code` on a mid-grey "page" with some margin, as a screenshot would show it.
fn on_page(code: &Img, margin: usize) -> Img {
    let mut page = Img::blank(code.w + 2 * margin, code.h + 2 * margin, 235);
    page.paste(code, margin, margin);
    page
}

const OTPAUTH: &str =
    "otpauth://totp/Example%20Corp:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Corp";

/// A Google Authenticator export URI with `accounts` made-up accounts: base64 of a protobuf-like
/// payload, percent-encoded, as GA shows it (dense: version 20+ for 10 accounts).
fn migration_uri(accounts: usize) -> String {
    let mut data = Vec::new();
    for i in 0..accounts {
        let secret: Vec<u8> = (0..20).map(|j| (i * 31 + j * 7) as u8).collect();
        let name = format!("user{i}@example.com");
        let issuer = format!("Issuer {i}");
        let mut entry = vec![0x0a, secret.len() as u8];
        entry.extend(&secret);
        entry.extend([0x12, name.len() as u8]);
        entry.extend(name.as_bytes());
        entry.extend([0x1a, issuer.len() as u8]);
        entry.extend(issuer.as_bytes());
        entry.extend([0x20, 1, 0x28, 1, 0x30, 2]);
        data.extend([0x0a, entry.len() as u8]);
        data.extend(entry);
    }
    data.extend([0x10, 1, 0x18, 1, 0x20, 0, 0x28, 0x7b]);
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::new();
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |a, (k, &b)| a | u32::from(b) << (16 - 8 * k));
        for k in 0..=chunk.len() {
            b64.push(B64[(n >> (18 - 6 * k) & 63) as usize] as char);
        }
        for _ in chunk.len()..3 {
            b64.push('=');
        }
    }
    let encoded: String = b64
        .chars()
        .map(|c| match c {
            '+' => "%2B".to_owned(),
            '/' => "%2F".to_owned(),
            '=' => "%3D".to_owned(),
            c => c.to_string(),
        })
        .collect();
    format!("otpauth-migration://offline?data={encoded}")
}

fn assert_reads(img: &Img, text: &str, what: &str) {
    assert_eq!(img.decode(), vec![text.to_owned()], "{what}");
}

#[test]
fn module_sizes_2_to_8_px() {
    for module in 2..=8 {
        assert_reads(
            &on_page(&qr(OTPAUTH, EcLevel::M, module), 40),
            OTPAUTH,
            &format!("{module} px"),
        );
    }
}

#[test]
fn module_size_1_px_dark_mode() {
    let img = on_page(&qr("https://example.com/1px", EcLevel::M, 1), 20).map(|v| 255 - v);
    assert_reads(&img, "https://example.com/1px", "inverted 1 px");
}

#[test]
fn module_size_1_px() {
    assert_reads(
        &on_page(&qr("https://example.com/1px", EcLevel::M, 1), 20),
        "https://example.com/1px",
        "1 px",
    );
}

#[test]
fn hidpi_scales_with_resampling_blur() {
    for module in [2, 3, 4] {
        for factor in [1.25, 1.5, 2.0] {
            let img = on_page(&qr(OTPAUTH, EcLevel::M, module), 30).scale(factor);
            assert_reads(&img, OTPAUTH, &format!("{module} px at {factor}x"));
        }
    }
}

#[test]
fn big_screenshot_with_large_modules() {
    // A 2560x1600 "page" with a code of 24 px modules (a 2x HiDPI capture of 12 px modules).
    let mut page = Img::blank(2560, 1600, 240);
    let code = qr(OTPAUTH, EcLevel::M, 12).scale(2.0);
    page.paste(&code, 1200, 300);
    assert_reads(&page, OTPAUTH, "big screenshot");
}

#[test]
fn dark_mode_inverted() {
    for module in [2, 3, 5] {
        let img = on_page(&qr(OTPAUTH, EcLevel::M, module), 30).map(|v| 255 - v);
        assert_reads(&img, OTPAUTH, &format!("inverted {module} px"));
        assert_reads(
            &img.scale(1.5),
            OTPAUTH,
            &format!("inverted {module} px at 1.5x"),
        );
    }
}

#[test]
fn low_contrast() {
    let low = |v: u8| 110 + (u16::from(v) * 40 / 255) as u8;
    for module in [3, 5] {
        let img = on_page(&qr(OTPAUTH, EcLevel::M, module), 30).map(low);
        assert_reads(&img, OTPAUTH, &format!("110 on 150, {module} px"));
        assert_reads(
            &img.scale(1.25),
            OTPAUTH,
            &format!("110 on 150, {module} px at 1.25x"),
        );
        assert_reads(
            &img.map(|v| 255 - v),
            OTPAUTH,
            &format!("150 on 110, {module} px"),
        );
    }
}

#[test]
fn blur_and_jpeg_artefacts() {
    for module in [3, 4, 6] {
        let img = on_page(&qr(OTPAUTH, EcLevel::M, module), 30);
        assert_reads(&img.blur(1), OTPAUTH, &format!("blurred {module} px"));
        assert_reads(&img.jpeg(50), OTPAUTH, &format!("JPEG q50 {module} px"));
        assert_reads(
            &img.scale(1.5).jpeg(60),
            OTPAUTH,
            &format!("1.5x + JPEG {module} px"),
        );
    }
}

#[test]
fn dense_migration_payloads() {
    for accounts in [1, 5, 10] {
        let uri = migration_uri(accounts);
        for module in [2, 3, 4] {
            let img = on_page(&qr(&uri, EcLevel::L, module), 30);
            assert_reads(&img, &uri, &format!("{accounts} accounts, {module} px"));
            assert_reads(
                &img.scale(1.5),
                &uri,
                &format!("{accounts} accounts, {module} px at 1.5x"),
            );
        }
    }
}

#[test]
fn several_codes_on_one_canvas() {
    let texts = [
        "https://example.com/a",
        OTPAUTH,
        "WIFI:S:tessera;T:WPA;P:secret;;",
    ];
    let mut page = Img::blank(1200, 500, 250);
    for (i, t) in texts.iter().enumerate() {
        page.paste(&qr(t, EcLevel::M, 4 + i), 30 + i * 390, 40);
    }
    let mut got = page.decode();
    got.sort();
    let mut want: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
    want.sort();
    assert_eq!(got, want);
    // The same code twice gives its text once.
    let mut twice = Img::blank(900, 400, 250);
    let code = qr(OTPAUTH, EcLevel::M, 4);
    twice.paste(&code, 20, 20);
    twice.paste(&code, 480, 20);
    assert_eq!(twice.decode(), vec![OTPAUTH.to_owned()]);
}

#[test]
fn rgba_input_with_transparency() {
    // Dark modules on a transparent background (as many QR PNGs are): transparent counts as white.
    let code = qr(OTPAUTH, EcLevel::M, 4);
    let rgba: Vec<u8> = code
        .px
        .iter()
        .flat_map(|&v| if v == 0 { [0, 0, 0, 255] } else { [0, 0, 0, 0] })
        .collect();
    assert_eq!(
        decode_rgba(&rgba, code.w, code.h),
        Ok(vec![OTPAUTH.to_owned()])
    );
    // Coloured modules: dark blue on light yellow.
    let rgba: Vec<u8> = code
        .px
        .iter()
        .flat_map(|&v| {
            if v == 0 {
                [20, 30, 120, 255]
            } else {
                [250, 240, 190, 255]
            }
        })
        .collect();
    assert_eq!(
        decode_rgba(&rgba, code.w, code.h),
        Ok(vec![OTPAUTH.to_owned()])
    );
}

#[test]
fn no_code_gives_nothing() {
    // Noise, stripes, a checkerboard, and finder-like squares without a code.
    let mut state = 0x1234_5678u32;
    let mut noise = Img::blank(640, 480, 0);
    for v in noise.px.iter_mut() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        *v = state as u8;
    }
    assert_eq!(noise.decode(), Vec::<String>::new(), "noise");
    assert_eq!(
        noise.blur(2).decode(),
        Vec::<String>::new(),
        "blurred noise"
    );
    let stripes = Img {
        px: (0..400 * 300)
            .map(|i| if (i % 400) / 7 % 2 == 0 { 0 } else { 255 })
            .collect(),
        w: 400,
        h: 300,
    };
    assert_eq!(stripes.decode(), Vec::<String>::new(), "stripes");
    let checker = Img {
        px: (0..400 * 300)
            .map(|i| {
                if ((i % 400) / 5 + (i / 400) / 5) % 2 == 0 {
                    0
                } else {
                    255
                }
            })
            .collect(),
        w: 400,
        h: 300,
    };
    assert_eq!(checker.decode(), Vec::<String>::new(), "checkerboard");
    // Three finder patterns where a code would be, with an empty (white) middle.
    let mut fake = qr(OTPAUTH, EcLevel::M, 5);
    let side = fake.w;
    for y in 20 * 5..side - 20 * 5 {
        for x in 20 * 5..side - 20 * 5 {
            fake.px[y * side + x] = 255;
        }
    }
    for y in 13 * 5..side - 13 * 5 {
        for x in 13 * 5..side - 13 * 5 {
            fake.px[y * side + x] = 255;
        }
    }
    assert_eq!(fake.decode(), Vec::<String>::new(), "finder patterns only");
}

#[test]
fn damaged_code_gives_nothing_rather_than_garbage() {
    // Half of the data area painted over: beyond error correction, so no text at all.
    let mut code = qr(OTPAUTH, EcLevel::L, 4);
    let side = code.w;
    for y in side / 2..side - 10 * 4 {
        for x in 12 * 4..side - 4 * 4 {
            code.px[y * side + x] = ((x / 4 + y / 4) % 2 * 255) as u8;
        }
    }
    assert_eq!(code.decode(), Vec::<String>::new());
}

/// The fast first pass (`qr::detect`, ZXing-style line scanning) reads the codes the common cases
/// show on its own; each test here checks it alone, and then the whole decoder.
fn assert_fast_reads(img: &Img, text: &str, what: &str) {
    let (texts, unread) = img.decode_fast();
    assert_eq!(texts, vec![text.to_owned()], "fast pass: {what}");
    assert!(!unread, "fast pass left something unread: {what}");
    assert_reads(img, text, what);
}

#[test]
fn fast_pass_reads_plain_codes_across_versions_and_sizes() {
    // Versions 1 (no alignment pattern), 3 and 10 (alignment patterns, version information),
    // 2 to 6 px modules, both polarities.
    let texts = ["https://example.com/a", OTPAUTH, &migration_uri(3)];
    for text in texts {
        for module in [2, 3, 6] {
            let img = on_page(&qr(text, EcLevel::M, module), 30);
            assert_fast_reads(&img, text, &format!("{} chars, {module} px", text.len()));
            assert_fast_reads(
                &img.map(|v| 255 - v),
                text,
                &format!("inverted, {} chars, {module} px", text.len()),
            );
        }
    }
}

#[test]
fn rotated_codes() {
    let img = on_page(&qr(OTPAUTH, EcLevel::M, 4), 20);
    for degrees in [90.0, 180.0, 270.0, 10.0, 30.0, 45.0, -20.0] {
        let turned = img.rotate(degrees, 235);
        assert_fast_reads(&turned, OTPAUTH, &format!("rotated {degrees} degrees"));
    }
}

#[test]
fn codes_seen_at_an_angle() {
    for text in ["https://example.com/a", OTPAUTH, &migration_uri(2)] {
        let img = on_page(&qr(text, EcLevel::M, 5), 30);
        let (w, h) = (img.w as f64, img.h as f64);
        // Top edge shortened to 90 %, 80 % and 70 % of the bottom (tilted back), then a side
        // shortened with a turn of the corners (tilted sideways and rotated).
        for k in [0.05, 0.1, 0.15] {
            let tilted = [(k * w, 0.0), ((1.0 - k) * w, 0.0), (w, h), (0.0, h)];
            let turned = [
                (2.0 * k * w, k * h),
                (w, 0.0),
                (w - k * w, h),
                (0.0, (1.0 - 2.0 * k) * h),
            ];
            for (name, to) in [("tilted back", tilted), ("turned", turned)] {
                let seen = img.perspective(to, img.w, img.h);
                let what = format!("{} chars, {name} {k}", text.len());
                if k < 0.15 {
                    assert_fast_reads(&seen, text, &what);
                } else {
                    // Steeper: the fast pass may need the slower passes' help.
                    assert_reads(&seen, text, &what);
                }
            }
        }
    }
}

#[test]
fn large_codes_through_a_lens() {
    // Two export payloads (version 10 and larger) behind a pincushion lens (each pixel's distance from the centre scaled
    // by 1 + 0.08 r^2, r in half widths): no single perspective fits the whole grid, and the fast
    // pass reads these only by sampling each cell of the alignment pattern lattice with its own
    // (`detect::read_grid_piecewise`; before it, it located both codes and read neither).
    for text in [migration_uri(3), migration_uri(6)] {
        let img = on_page(&qr(&text, EcLevel::M, 4), 30);
        let (cx, cy) = (img.w as f64 / 2.0, img.h as f64 / 2.0);
        let r = cx.max(cy);
        let seen = img.warp(img.w, img.h, 235, |x, y| {
            let (dx, dy) = ((x - cx) / r, (y - cy) / r);
            let f = 1.0 + 0.08 * (dx * dx + dy * dy);
            (cx + dx * f * r, cy + dy * f * r)
        });
        assert_fast_reads(&seen, &text, &format!("{} chars behind a lens", text.len()));
    }
}

#[test]
fn fast_pass_reads_several_codes() {
    let texts = [
        "https://example.com/one",
        OTPAUTH,
        "https://example.com/three",
    ];
    let mut page = Img::blank(1300, 900, 245);
    page.paste(&qr(texts[0], EcLevel::M, 3), 40, 40);
    page.paste(&qr(texts[1], EcLevel::M, 4), 500, 60);
    page.paste(&qr(texts[2], EcLevel::M, 5), 200, 480);
    let (mut got, unread) = page.decode_fast();
    got.sort();
    let mut want: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
    want.sort();
    assert_eq!(got, want);
    assert!(!unread);
}

#[test]
fn finder_like_shapes_without_a_code_give_nothing() {
    // Three finder patterns at the corners of a would-be code, with noise between them: the fast
    // pass finds a triple it cannot read, and nothing is reported.
    let code = qr(OTPAUTH, EcLevel::M, 4);
    let mut fake = code.clone();
    let (n, m) = ((code.w / 4) - 8, 4);
    let mut state = 0x2545_f491_u32;
    for my in 0..n {
        for mx in 0..n {
            let finder = (mx < 8 || mx >= n - 8) && my < 8 || mx < 8 && my >= n - 8;
            if finder {
                continue;
            }
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let v = if state & 1 == 0 { 0 } else { 255 };
            for y in (my + 4) * m..(my + 5) * m {
                for x in (mx + 4) * m..(mx + 5) * m {
                    fake.px[y * fake.w + x] = v;
                }
            }
        }
    }
    let page = on_page(&fake, 30);
    let (texts, unread) = page.decode_fast();
    assert!(texts.is_empty());
    assert!(
        unread,
        "a located but unreadable code sends the image to the slower passes"
    );
    assert_eq!(page.decode(), Vec::<String>::new());
}
