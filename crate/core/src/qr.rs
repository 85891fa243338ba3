//! Reading QR codes from pixels: what a screen capture, a screenshot file or a camera frame shows.
//!
//! [`decode_rgba`] and [`decode_luma`] take the pixels with their width and height and return the
//! text of every QR code found, each once, in the order found. An image without a code gives an
//! empty list; only unusable input is an error ([`QrError`]).
//!
//! # Strategy
//!
//! First a fast pass of our own ([`detect`], after ZXing's detector): the image is binarized once
//! with a local (block) threshold, rows are scanned for the 1:1:3:1:1 runs of finder patterns,
//! confirmed candidates are grouped into triples, and each triple's module grid is sampled through
//! the perspective its finder and alignment patterns give and read by rqrr's decoder (format,
//! error correction, payload). Light modules on a dark page are tried on the same bits read
//! inverted; where the block threshold reads nothing, two other binarizations are tried
//! ([`fast_pass`]). On the corpora this reads about 85 % of the images that have a code in a
//! millisecond or so. When it reads nothing, or leaves a confirmed finder pattern unexplained
//! (a code it located but could not read), the slower rqrr passes below run as well.
//!
//! Codes are then located and read by [`rqrr`] (a port of quirc). On its own it reads about half
//! of the public test images (`shared/corpora/qr/BASELINE.md`): it thresholds with one moving
//! average per row, so it misses light-on-dark codes, low contrast, blur, 2 px modules and large
//! HiDPI captures. This module feeds it a bounded series of prepared images, cheapest first, and
//! stops after the first pass that reads a code and leaves no located grid unread:
//!
//! 1. the luma as given, with rqrr's own threshold, then with a local (block) threshold of our
//!    own after stretching the contrast (robust to low contrast, blur and JPEG artefacts);
//! 2. the same two on the inverse (dark mode: light modules on a dark page), which on the
//!    corpora reads far fewer codes than the block threshold, hence after it;
//! 3. a pyramid of box-filtered reductions by 2/3 per level (HiDPI and large screenshots, where a
//!    module spans many pixels and resampling blur breaks rqrr's edge following), each level tried
//!    with the fast pass, then both thresholds in both polarities;
//! 4. for images of at most [`UPSCALE_MAX_PIXELS`], a 2x bilinear enlargement (modules of 1 to
//!    2 px, and photos whose edges rqrr follows better at twice the size: 19 more corpus images),
//!    with the fast pass, then rqrr's threshold in both polarities and the block threshold on dark
//!    modules.
//!
//! (The fast pass on the reductions and the enlargement reads 10 more corpus images than rqrr
//! does there, and costs little beside rqrr's passes.)
//!
//! Texts that are not UTF-8 are read as Shift_JIS when they look like it (Kanji mode, [`sjis`]),
//! else as ISO-8859-1.
//!
//! Every pass is linear in the pixels it sees and the number of passes is fixed, so the work for
//! an image with no code (the worst case) is a bounded multiple of its size: the fast pass (about
//! one binarization plus a scan of every third row, twice) and about 20 rqrr passes over an image
//! of its size (4 at full size, about 3.2 in the pyramid, 12 for the enlargement).
//!
//! # Never panicking
//!
//! rqrr 0.11.0 as published asserts in `Perspective::map` (`x <= i32::MAX as f64`) when its
//! perspective search degenerates, which it does on two public ZXing images. In the browser the
//! decoder runs as wasm built with `panic = "abort"`, where that assertion traps the instance. The
//! workspace therefore builds rqrr from `vendor/rqrr`, a copy with the cause fixed (coordinates are
//! clamped, degenerate candidates rejected; `vendor/rqrr/PATCHES.md`). The clamp relies on no image
//! side exceeding [`MAX_SIDE`], which [`decode_luma`] enforces before rqrr sees anything. As a
//! second line of defence in native builds only (where unwinding exists), every call into rqrr
//! runs under `catch_unwind`; a panic there loses that candidate, not the process.

use std::fmt;

mod detect;
mod sjis;

/// The largest image accepted, in pixels (50 Mpx: an 8K screen is 33 Mpx). Bigger images are
/// refused with [`QrError::TooLarge`] before any work is done: a hostile file must not make the
/// browser allocate gigabytes.
pub const MAX_PIXELS: usize = 50_000_000;

/// The longest side accepted, in pixels. rqrr works in `i32` coordinates and its patched
/// geometry clamps mapped points to this bound (`vendor/rqrr/PATCHES.md`); that is only sound
/// while every image side is at most this value.
pub const MAX_SIDE: usize = 16_383;

/// Images of at most this many pixels are also tried enlarged 2x (pass 4), for modules of about
/// 2 px; above it a code is large enough in pixels not to need it, and the enlargement would
/// cost four times the image.
pub const UPSCALE_MAX_PIXELS: usize = 1_000_000;

/// The pyramid (pass 3) stops at this many pixels on the shorter side: a QR code needs at least
/// 21 modules of about 2 px plus a quiet zone.
const PYRAMID_MIN_SIDE: usize = 60;

/// At most this many reductions by 2/3 (a factor of about 0.088 at the last level, enough to
/// bring a 7,680 px wide capture with 40 px modules down to 3.5 px modules).
const PYRAMID_MAX_LEVELS: usize = 6;

/// Why pixels could not be searched for QR codes.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrError {
    /// The width or the height is zero.
    Empty,
    /// The image has more than [`MAX_PIXELS`] pixels or a side longer than [`MAX_SIDE`].
    TooLarge {
        /// The width given.
        width: usize,
        /// The height given.
        height: usize,
    },
    /// The buffer does not hold width x height pixels of the stated format.
    SizeMismatch {
        /// Bytes expected from width, height and bytes per pixel.
        expected: usize,
        /// Bytes given.
        actual: usize,
    },
}

impl QrError {
    /// A stable machine-readable code, e.g. for the extension's messages.
    pub fn code(&self) -> &'static str {
        match self {
            QrError::Empty => "qr_empty",
            QrError::TooLarge { .. } => "qr_too_large",
            QrError::SizeMismatch { .. } => "qr_size_mismatch",
        }
    }
}

impl fmt::Display for QrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QrError::Empty => write!(f, "the image is empty"),
            QrError::TooLarge { width, height } => write!(
                f,
                "the image is too large to search for QR codes ({width} x {height} pixels; \
                 at most {MAX_PIXELS} pixels and {MAX_SIDE} per side)"
            ),
            QrError::SizeMismatch { expected, actual } => write!(
                f,
                "the pixel buffer holds {actual} bytes where width and height need {expected}"
            ),
        }
    }
}

impl std::error::Error for QrError {}

/// Every QR code's text in an RGBA image (4 bytes per pixel, rows top to bottom, no padding), as
/// a canvas `ImageData` holds it. Transparent pixels count as white, as on a light page.
pub fn decode_rgba(rgba: &[u8], width: usize, height: usize) -> Result<Vec<String>, QrError> {
    let pixels = check_size(width, height)?;
    let expected = pixels.saturating_mul(4);
    if rgba.len() != expected {
        return Err(QrError::SizeMismatch {
            expected,
            actual: rgba.len(),
        });
    }
    let luma = rgba.chunks_exact(4).map(rgba_to_luma).collect();
    Ok(search(&Gray {
        w: width,
        h: height,
        px: luma,
    }))
}

/// One RGBA pixel's grey level: ITU-R BT.601 weights, as in BASELINE.md, composited over white,
/// i.e. `y = (299 r + 587 g + 114 b + 500) / 1000`, then `(y a + 255 (255 - a) + 127) / 255`.
/// The divisions are done as exact multiply-and-shift (checked for every input by
/// `luma_divisions_are_exact`): they ran for every pixel, and division is slow in wasm.
#[inline]
fn rgba_to_luma(p: &[u8]) -> u8 {
    let [r, g, b, a] = [0, 1, 2, 3].map(|i| u32::from(p.get(i).copied().unwrap_or(255)));
    let y = div1000(299 * r + 587 * g + 114 * b + 500);
    if a == 255 {
        // (255 y + 127) / 255 = y.
        return y as u8;
    }
    div255(y * a + 255 * (255 - a) + 127) as u8
}

/// `x / 1000` for `x <= 255_500`.
#[inline]
fn div1000(x: u32) -> u32 {
    ((u64::from(x) * 4_294_968) >> 32) as u32
}

/// `x / 255` for `x <= 65_152`.
#[inline]
fn div255(x: u32) -> u32 {
    (x + 1 + (x >> 8)) >> 8
}

/// Every QR code's text in an 8-bit luma image (1 byte per pixel, 0 black, 255 white, rows top
/// to bottom, no padding).
pub fn decode_luma(luma: &[u8], width: usize, height: usize) -> Result<Vec<String>, QrError> {
    Ok(search(&gray_from_luma(luma, width, height)?))
}

/// The luma as a [`Gray`], after the size checks every entry point makes.
fn gray_from_luma(luma: &[u8], width: usize, height: usize) -> Result<Gray, QrError> {
    let pixels = check_size(width, height)?;
    if luma.len() != pixels {
        return Err(QrError::SizeMismatch {
            expected: pixels,
            actual: luma.len(),
        });
    }
    Ok(Gray {
        w: width,
        h: height,
        px: luma.to_vec(),
    })
}

fn check_size(width: usize, height: usize) -> Result<usize, QrError> {
    if width == 0 || height == 0 {
        return Err(QrError::Empty);
    }
    match width.checked_mul(height) {
        Some(n) if n <= MAX_PIXELS && width <= MAX_SIDE && height <= MAX_SIDE => Ok(n),
        _ => Err(QrError::TooLarge { width, height }),
    }
}

/// An 8-bit grey image. Invariant: `px.len() == w * h`, `w, h >= 1`.
#[derive(Clone)]
struct Gray {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

/// Texts found so far, in order, without repeats.
#[derive(Default)]
struct Found {
    texts: Vec<String>,
}

impl Found {
    fn add(&mut self, text: String) {
        if !self.texts.contains(&text) {
            self.texts.push(text);
        }
    }
}

/// How a grey image is turned into the black/white image rqrr searches.
#[derive(Clone, Copy)]
enum Threshold {
    /// rqrr's own row-wise moving average.
    Rqrr,
    /// Our block threshold ([`block_threshold`]) after a contrast stretch.
    Block,
}

/// Texts read by the fast first pass alone ([`detect`]), and whether it located a code it could
/// not read. For the benchmark's breakdown and tests; [`decode_luma`] is the decoder.
#[doc(hidden)]
pub fn decode_luma_fast(
    luma: &[u8],
    width: usize,
    height: usize,
) -> Result<(Vec<String>, bool), QrError> {
    let outcome = fast_pass(&gray_from_luma(luma, width, height)?);
    Ok((outcome.texts, outcome.unread))
}

/// Pass 0: the line-scanning detector, both polarities, on the block threshold after a contrast
/// stretch; where that reads nothing, on Otsu's global threshold (uneven blocks across a code in a
/// photo), then on the block threshold without the stretch. On the corpora the second and third
/// binarizations read 4 more images than the rqrr passes do.
fn fast_pass(img: &Gray) -> detect::Outcome {
    let scan = |dark: Vec<bool>| match detect::Bits::new(img.w, img.h, dark) {
        Some(mut bits) => detect::scan(&mut bits),
        None => detect::Outcome::default(),
    };
    let local = scan(block_threshold(&stretch_contrast(img)));
    if !local.texts.is_empty() {
        return local;
    }
    let t = otsu(img);
    let global = scan(img.px.iter().map(|&v| v <= t).collect());
    if !global.texts.is_empty() {
        return detect::Outcome {
            texts: global.texts,
            unread: local.unread || global.unread,
        };
    }
    let raw = scan(block_threshold(img));
    detect::Outcome {
        texts: raw.texts,
        unread: local.unread || global.unread || raw.unread,
    }
}

fn search(img: &Gray) -> Vec<String> {
    let mut found = Found::default();
    // Pass 0: our own detector, which reads most codes at a fraction of rqrr's cost. Only when it
    // reads nothing, or locates a code it cannot read, do the rqrr passes run.
    let fast = fast_pass(img);
    for text in fast.texts {
        found.add(text);
    }
    if !found.texts.is_empty() && !fast.unread {
        return found.texts;
    }

    // Passes 1 and 2, at the size given.
    if run_all(img, &mut found) {
        return found.texts;
    }

    // Pass 3: the pyramid.
    let mut level = img.clone();
    for _ in 0..PYRAMID_MAX_LEVELS {
        let (w, h) = (level.w * 2 / 3, level.h * 2 / 3);
        if w.min(h) < PYRAMID_MIN_SIDE {
            break;
        }
        level = resize_area(&level, w, h);
        if run_fast(&level, &mut found) || run_all(&level, &mut found) {
            return found.texts;
        }
    }

    // Pass 4: small modules.
    if img.w * img.h <= UPSCALE_MAX_PIXELS {
        let big = upscale2(img);
        if run_fast(&big, &mut found) {
            return found.texts;
        }
        // Not the block threshold on the inverse: it never added a code here on the corpora, and
        // each pass at this size costs four times the image.
        let _ = run_pass(&big, Threshold::Rqrr, &mut found)
            || run_pass(&big, Threshold::Block, &mut found)
            || run_pass(&invert(&big), Threshold::Rqrr, &mut found);
    }
    found.texts
}

/// Otsu's global threshold: the grey level that best separates the histogram into two classes.
fn otsu(img: &Gray) -> u8 {
    let mut hist = [0u64; 256];
    for &v in &img.px {
        hist[usize::from(v)] += 1;
    }
    let total = img.px.len() as f64;
    let sum: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &c)| i as f64 * c as f64)
        .sum();
    let (mut w0, mut sum0, mut best, mut best_t) = (0.0, 0.0, -1.0, 127u8);
    for (t, &c) in hist.iter().enumerate() {
        w0 += c as f64;
        sum0 += t as f64 * c as f64;
        let w1 = total - w0;
        if w0 == 0.0 || w1 == 0.0 {
            continue;
        }
        let (m0, m1) = (sum0 / w0, (sum - sum0) / w1);
        let between = w0 * w1 * (m0 - m1) * (m0 - m1);
        if between > best {
            best = between;
            best_t = t as u8;
        }
    }
    best_t
}

/// The fast pass on a resampled image; true when done (see [`run_pass`]).
fn run_fast(img: &Gray, found: &mut Found) -> bool {
    let fast = fast_pass(img);
    let any = !fast.texts.is_empty();
    for text in fast.texts {
        found.add(text);
    }
    any && !fast.unread
}

/// Both thresholds in both polarities; true when done (see [`run_pass`]).
fn run_all(img: &Gray, found: &mut Found) -> bool {
    let inverted = invert(img);
    // Dark modules first with both thresholds: on the corpora the block threshold on the image
    // as given reads 23 times as many codes as rqrr's threshold on the inverse.
    let passes = [
        (Threshold::Rqrr, img),
        (Threshold::Block, img),
        (Threshold::Rqrr, &inverted),
        (Threshold::Block, &inverted),
    ];
    #[allow(clippy::let_and_return)] // the array borrows `inverted`: it must be dropped first
    let done = passes
        .into_iter()
        .any(|(threshold, image)| run_pass(image, threshold, found));
    done
}

/// One search; true when it read at least one code and every grid it located was read, so that
/// further passes are unlikely to add anything.
fn run_pass(img: &Gray, threshold: Threshold, found: &mut Found) -> bool {
    let (texts, unread) = match threshold {
        Threshold::Rqrr => {
            let Gray { w, h, px } = img;
            guarded(|| {
                let mut prepared =
                    rqrr::PreparedImage::prepare_from_greyscale(*w, *h, |x, y| px[y * w + x]);
                read_grids(prepared.detect_grids())
            })
        }
        Threshold::Block => {
            let dark = block_threshold(&stretch_contrast(img));
            let w = img.w;
            guarded(|| {
                let mut prepared =
                    rqrr::PreparedImage::prepare_from_bitmap(img.w, img.h, |x, y| dark[y * w + x]);
                read_grids(prepared.detect_grids())
            })
        }
    };
    let any = !texts.is_empty();

    for text in texts {
        found.add(text);
    }
    any && unread == 0
}

/// Runs one rqrr search. Native builds catch a panic (losing only this pass); wasm builds abort on
/// panic, which is why the patched rqrr must not panic in the first place.
fn guarded(f: impl FnOnce() -> (Vec<String>, usize)) -> (Vec<String>, usize) {
    #[cfg(panic = "unwind")]
    {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_default()
    }
    #[cfg(not(panic = "unwind"))]
    {
        f()
    }
}

/// The texts of the grids rqrr locates, and how many located grids it could not read.
fn read_grids<G: rqrr::BitGrid>(grids: Vec<rqrr::Grid<G>>) -> (Vec<String>, usize) {
    let mut texts = Vec::new();
    let mut unread = 0;
    for grid in grids {
        let mut bytes = Vec::new();
        match grid.decode_to(&mut bytes) {
            Ok(_) => texts.push(bytes_to_text(bytes)),
            Err(_) => unread += 1,
        }
    }
    (texts, unread)
}

/// UTF-8 if the bytes are valid UTF-8 (what every authenticator writes), else Shift_JIS if they
/// read as Shift_JIS with at least one double-byte character (Kanji mode, Japanese codes; see
/// [`sjis`]), else ISO-8859-1, the QR standard's default for byte mode.
fn bytes_to_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| {
        let bytes = e.into_bytes();
        sjis::decode(&bytes).unwrap_or_else(|| bytes.into_iter().map(char::from).collect())
    })
}

fn invert(img: &Gray) -> Gray {
    Gray {
        w: img.w,
        h: img.h,
        px: img.px.iter().map(|&v| 255 - v).collect(),
    }
}

/// Maps the 1st..99th percentile of the grey levels onto 0..255, so that a code drawn in two
/// close greys (say 110 on 150) gets full contrast. Images that are nearly flat are left alone.
fn stretch_contrast(img: &Gray) -> Gray {
    let mut hist = [0usize; 256];
    for &v in &img.px {
        hist[usize::from(v)] += 1;
    }
    let n = img.px.len();
    let cut = n / 100;
    let mut acc = 0;
    let mut lo = 0usize;
    for (v, &c) in hist.iter().enumerate() {
        acc += c;
        if acc > cut {
            lo = v;
            break;
        }
    }
    acc = 0;
    let mut hi = 255usize;
    for (v, &c) in hist.iter().enumerate().rev() {
        acc += c;
        if acc > cut {
            hi = v;
            break;
        }
    }
    if hi <= lo + 8 {
        return img.clone();
    }
    let range = hi - lo;
    let table: Vec<u8> = (0..256usize)
        .map(|v| {
            (v.clamp(lo, hi) - lo)
                .saturating_mul(255)
                .div_ceil(range)
                .min(255) as u8
        })
        .collect();
    Gray {
        w: img.w,
        h: img.h,
        px: img.px.iter().map(|&v| table[usize::from(v)]).collect(),
    }
}

/// Side of the blocks of [`block_threshold`].
const BLOCK: usize = 8;
/// A block whose grey levels span less than this is treated as flat (no edge inside).
const MIN_DYNAMIC_RANGE: u8 = 24;

/// A local threshold in the manner of ZXing's `HybridBinarizer`: each 8x8 block gets a black
/// point (its mean, or for a flat block a guess from its neighbours), and each pixel is compared
/// with the mean black point of the 5x5 blocks around its own. Returns `true` for dark pixels.
/// Images too small for 5x5 blocks get one global threshold.
fn block_threshold(img: &Gray) -> Vec<bool> {
    let (w, h) = (img.w, img.h);
    if w < BLOCK * 5 || h < BLOCK * 5 {
        let lo = img.px.iter().copied().min().unwrap_or(0);
        let hi = img.px.iter().copied().max().unwrap_or(255);
        let mid = (u16::from(lo) + u16::from(hi)) / 2;
        return img.px.iter().map(|&v| u16::from(v) < mid).collect();
    }
    let (bw, bh) = (w.div_ceil(BLOCK), h.div_ceil(BLOCK));
    let mut black = vec![0u32; bw * bh];
    for by in 0..bh {
        let y0 = (by * BLOCK).min(h - BLOCK);
        for bx in 0..bw {
            let x0 = (bx * BLOCK).min(w - BLOCK);
            let (mut sum, mut lo, mut hi) = (0u32, 255u8, 0u8);
            for row in img.px[y0 * w..].chunks(w).take(BLOCK) {
                for &v in row.iter().skip(x0).take(BLOCK) {
                    sum += u32::from(v);
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
            let mut average = sum / (BLOCK * BLOCK) as u32;
            if hi - lo <= MIN_DYNAMIC_RANGE {
                // Flat: assume background (light) unless the neighbours say this is inside a dark
                // area.
                average = u32::from(lo) / 2;
                if by > 0 && bx > 0 {
                    let neighbours = (black[(by - 1) * bw + bx]
                        + 2 * black[by * bw + bx - 1]
                        + black[(by - 1) * bw + bx - 1])
                        / 4;
                    if u32::from(lo) < neighbours {
                        average = neighbours;
                    }
                }
            }
            black[by * bw + bx] = average;
        }
    }
    let mut dark = vec![false; w * h];
    for by in 0..bh {
        let y0 = (by * BLOCK).min(h - BLOCK);
        let cy = by.clamp(2, bh - 3);
        for bx in 0..bw {
            let x0 = (bx * BLOCK).min(w - BLOCK);
            let cx = bx.clamp(2, bw - 3);
            let mut sum = 0;
            for yy in cy - 2..=cy + 2 {
                sum += black[yy * bw + cx - 2..=yy * bw + cx + 2]
                    .iter()
                    .sum::<u32>();
            }
            let threshold = sum / 25;
            let rows = dark[y0 * w..].chunks_mut(w).zip(img.px[y0 * w..].chunks(w));
            for (out, row) in rows.take(BLOCK) {
                let out = out.iter_mut().skip(x0).take(BLOCK);
                for (d, &v) in out.zip(row.iter().skip(x0)) {
                    *d = u32::from(v) <= threshold;
                }
            }
        }
    }
    dark
}

/// Box-filter (area-average) resampling to a smaller size: every output pixel is the mean of the
/// input area it covers, with fractional weights at the edges. Separable: rows, then columns.
fn resize_area(img: &Gray, w: usize, h: usize) -> Gray {
    let horizontal = area_weights(img.w, w);
    let vertical = area_weights(img.h, h);
    // Rows first, kept in fixed point (x256) to avoid rounding twice.
    let mut rows = vec![0u32; w * img.h];
    for y in 0..img.h {
        let src = &img.px[y * img.w..(y + 1) * img.w];
        for (x, taps) in horizontal.iter().enumerate() {
            rows[y * w + x] = taps
                .iter()
                .map(|&(i, wt)| u32::from(src[i]) * wt)
                .sum::<u32>();
        }
    }
    let mut px = vec![0u8; w * h];
    for (y, taps) in vertical.iter().enumerate() {
        for x in 0..w {
            let v: u64 = taps
                .iter()
                .map(|&(i, wt)| u64::from(rows[i * w + x]) * u64::from(wt))
                .sum();
            px[y * w + x] = ((v + (1 << 15)) >> 16).min(255) as u8;
        }
    }
    Gray { w, h, px }
}

/// For each of `to` output cells, the input indices it covers and their weights, summing to 256.
fn area_weights(from: usize, to: usize) -> Vec<Vec<(usize, u32)>> {
    (0..to)
        .map(|o| {
            // The cell is [o * from / to, (o + 1) * from / to) in input units; work in units of
            // 1/to so that everything stays integral.
            let (start, end) = (o * from, (o + 1) * from);
            let mut taps = Vec::new();
            let mut total = 0u32;
            let mut i = start / to;
            while i * to < end {
                let lo = start.max(i * to);
                let hi = end.min((i + 1) * to);
                let wt = ((hi - lo) * 256 / from) as u32;
                if wt > 0 && i < from {
                    taps.push((i, wt));
                    total += wt;
                }
                i += 1;
            }
            // Give the rounding loss to the largest tap so the weights sum to exactly 256.
            if let Some(tap) = taps.iter_mut().max_by_key(|t| t.1) {
                tap.1 += 256 - total.min(256);
            }
            taps
        })
        .collect()
}

/// Bilinear enlargement by 2 (sample centres aligned, edges clamped).
fn upscale2(img: &Gray) -> Gray {
    // Output pixel o has its centre at o / 2 - 0.25 in input pixels: between input i - 1 and i
    // with weights 1/4, 3/4 for o = 2i, between i and i + 1 with 3/4, 1/4 for o = 2i + 1.
    fn taps(o: usize, n: usize) -> [(usize, u32); 2] {
        let i = o / 2;
        if o % 2 == 0 {
            [(i.saturating_sub(1), 1), (i, 3)]
        } else {
            [(i, 3), ((i + 1).min(n - 1), 1)]
        }
    }
    let (w, h) = (img.w * 2, img.h * 2);
    let mut px = Vec::with_capacity(w * h);
    for y in 0..h {
        let ty = taps(y, img.h);
        for x in 0..w {
            let tx = taps(x, img.w);
            let mut v = 0u32;
            for &(yy, wy) in &ty {
                for &(xx, wx) in &tx {
                    v += wy * wx * u32::from(img.px[yy * img.w + xx]);
                }
            }
            px.push(((v + 8) / 16) as u8);
        }
    }
    Gray { w, h, px }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_is_checked() {
        assert_eq!(decode_luma(&[], 0, 5), Err(QrError::Empty));
        assert_eq!(
            decode_luma(&[0; 10], 3, 3),
            Err(QrError::SizeMismatch {
                expected: 9,
                actual: 10
            })
        );
        assert_eq!(
            decode_rgba(&[0; 9], 3, 3),
            Err(QrError::SizeMismatch {
                expected: 36,
                actual: 9
            })
        );
        // Refused before the (absent) buffer is looked at.
        let too_many = decode_luma(&[], 10_000, 10_000);
        assert_eq!(
            too_many,
            Err(QrError::TooLarge {
                width: 10_000,
                height: 10_000
            })
        );
        assert_eq!(too_many.map_err(|e| e.code()), Err("qr_too_large"));
        assert!(matches!(
            decode_luma(&[], MAX_SIDE + 1, 1),
            Err(QrError::TooLarge { .. })
        ));
        assert!(matches!(
            decode_luma(&[], usize::MAX, 2),
            Err(QrError::TooLarge { .. })
        ));
    }

    #[test]
    fn flat_and_tiny_images_give_nothing() {
        assert_eq!(decode_luma(&[255], 1, 1), Ok(vec![]));
        assert_eq!(decode_luma(&[0; 64 * 64], 64, 64), Ok(vec![]));
        assert_eq!(decode_rgba(&[0; 4 * 50 * 30], 50, 30), Ok(vec![]));
    }

    #[test]
    fn luma_divisions_are_exact() {
        for x in 0..=255_500u32 {
            assert_eq!(div1000(x), x / 1000, "{x}");
        }
        for x in 0..=65_152u32 {
            assert_eq!(div255(x), x / 255, "{x}");
        }
        // Opaque pixels skip the compositing; half-transparent ones do not.
        for (p, want) in [
            ([0, 0, 0, 255], 0),
            ([255; 4], 255),
            ([10, 200, 30, 255], 124),
        ] {
            assert_eq!(rgba_to_luma(&p), want);
        }
        assert_eq!(rgba_to_luma(&[0, 0, 0, 128]), 127);
        assert_eq!(rgba_to_luma(&[0, 0, 0, 0]), 255);
    }

    #[test]
    fn area_weights_cover_every_input_once() {
        for (from, to) in [(3, 2), (10, 6), (7, 7), (1000, 666), (5, 1)] {
            let weights = area_weights(from, to);
            let mut per_input = vec![0u32; from];
            for taps in &weights {
                assert_eq!(taps.iter().map(|t| t.1).sum::<u32>(), 256, "{from}->{to}");
                for &(i, wt) in taps {
                    per_input[i] += wt;
                }
            }
            // Each input contributes to = 256 * to / from in total (up to rounding).
            let expected = 256 * to as u32 / from as u32;
            for (i, &got) in per_input.iter().enumerate() {
                assert!(
                    got.abs_diff(expected) <= 2,
                    "{from}->{to} input {i}: {got} vs {expected}"
                );
            }
        }
    }

    #[test]
    fn resizing_keeps_flat_areas_and_edges() {
        let img = Gray {
            w: 6,
            h: 3,
            px: [0, 0, 0, 255, 255, 255].repeat(3),
        };
        let small = resize_area(&img, 4, 2);
        assert_eq!(small.px, [0, 0, 255, 255].repeat(2));
        let big = upscale2(&img);
        assert_eq!(big.px.len(), 12 * 6);
        assert_eq!(
            &big.px[0..12],
            &[0, 0, 0, 0, 0, 64, 191, 255, 255, 255, 255, 255]
        );
    }

    #[test]
    fn contrast_stretch_spreads_close_greys() {
        let img = Gray {
            w: 4,
            h: 1,
            px: vec![110, 150, 110, 150],
        };
        assert_eq!(stretch_contrast(&img).px, vec![0, 255, 0, 255]);
    }
}
