//! The fast first pass: a line-scanning detector in the manner of ZXing's (`FinderPatternFinder`,
//! `MultiFinderPatternFinder`, `AlignmentPatternFinder`, `Detector`, `GridSampler` in
//! zxing/core/src/main/java/com/google/zxing/qrcode/detector), whose sampled module grid is read
//! by rqrr's decoder (`rqrr::SimpleGrid`, format, error correction and payload).
//!
//! Where rqrr flood-fills every dark region of the image and refines each code's perspective by
//! trial (quirc's design), this pass looks at every third row of a binarized image for runs in the
//! ratio 1:1:3:1:1 (a finder pattern cut through its centre), confirms each such run by the same
//! ratio vertically, horizontally again and diagonally, groups the confirmed centres into triples
//! that can be the three corners of one code, estimates the module size and so the version from
//! their distances, looks for the bottom-right alignment pattern near where it should be, and maps
//! the module grid through the perspective transform these four points give. The work is a few
//! reads per pixel of the rows scanned plus a little per candidate, which is what makes ZXing one
//! to two orders of magnitude faster than rqrr on the corpora.
//!
//! Everything here works on hostile input without panicking: pixel reads go through
//! [`Bits::dark`] (false outside the image), coordinates computed in floating point are checked
//! for being finite and inside the image before they are used, and the numbers of candidates and
//! of triples tried are capped.

use super::bytes_to_text;

/// A binarized image: `true` for a dark pixel. Reading it with `inverted` set swaps dark and light,
/// which is how the pass tries light modules on a dark page without binarizing again.
pub(super) struct Bits {
    w: usize,
    h: usize,
    dark: Vec<bool>,
    inverted: bool,
}

impl Bits {
    /// `dark.len()` must be `w * h` (it is when it comes from [`super::block_threshold`]).
    pub(super) fn new(w: usize, h: usize, dark: Vec<bool>) -> Option<Bits> {
        (dark.len() == w.checked_mul(h)? && w > 0 && h > 0).then_some(Bits {
            w,
            h,
            dark,
            inverted: false,
        })
    }

    /// Whether the pixel at (x, y) is dark; false outside the image.
    #[inline]
    fn dark(&self, x: usize, y: usize) -> bool {
        x < self.w
            && y < self.h
            && self.dark.get(y * self.w + x).copied().unwrap_or(false) != self.inverted
    }

    /// As [`Bits::dark`] for signed coordinates.
    #[inline]
    fn dark_i(&self, x: i64, y: i64) -> bool {
        x >= 0 && y >= 0 && self.dark(x as usize, y as usize)
    }

    fn row(&self, y: usize) -> &[bool] {
        self.dark.get(y * self.w..(y + 1) * self.w).unwrap_or(&[])
    }
}

/// What the pass found: the texts read, and whether it also located something that looks like a
/// code it could not read (so that the slower passes should still look).
#[derive(Default, Debug)]
pub(super) struct Outcome {
    pub(super) texts: Vec<String>,
    pub(super) unread: bool,
}

/// Runs the pass on `bits` in both polarities: light modules on dark only when dark on light gave
/// nothing.
pub(super) fn scan(bits: &mut Bits) -> Outcome {
    bits.inverted = false;
    let mut outcome = scan_polarity(bits);
    if outcome.texts.is_empty() {
        bits.inverted = true;
        let inverse = scan_polarity(bits);
        bits.inverted = false;
        outcome.unread |= inverse.unread;
        outcome.texts = inverse.texts;
    }
    outcome
}

/// ZXing scans every third row when trying hard (`MIN_SKIP`), and so do we: a finder pattern's
/// centre is 3 modules tall, so modules of 1 px are still crossed.
const ROW_SKIP: usize = 3;
/// Confirmed candidate centres kept per polarity; a page full of text can produce many, and the
/// triples grow with their cube.
const MAX_CANDIDATES: usize = 60;
/// Triples sampled and handed to the decoder per polarity.
const MAX_TRIPLES: usize = 40;
/// Candidates whose module sizes differ by more than this ratio are not one code's (ZXing's
/// `DIFF_MODSIZE_CUTOFF_PERCENT` is 0.05 with an absolute allowance of 0.5 px; this is looser for
/// perspective).
const MODULE_SIZE_RATIO: f64 = 1.7;
/// Triangle shape checks (after ZXing's multi detector, looser for perspective): the two legs
/// equal within this fraction of the shorter...
const LEG_TOLERANCE: f64 = 0.6;
/// ... and the hypotenuse within this fraction of what the legs imply for a right angle.
const HYPOTENUSE_TOLERANCE: f64 = 0.25;
/// Triples per polarity for which the fourth corner may be searched ([`JIGGLE_MODULES`]).
const MAX_JIGGLED: usize = 3;
/// Candidates confirmed on at least this many rows count as solid (ZXing's `CENTER_QUORUM`).
const QUORUM: u32 = 2;

#[derive(Clone, Copy, Debug)]
struct Finder {
    x: f64,
    y: f64,
    module: f64,
    count: u32,
}

fn scan_polarity(bits: &Bits) -> Outcome {
    let finders = find_finders(bits);
    let mut outcome = Outcome::default();
    if finders.len() < 3 {
        return outcome;
    }
    let triples = triples(&finders);
    // Codes read so far, as the image quadrilateral each covers, and the candidates they used.
    let mut read: Vec<[(f64, f64); 4]> = Vec::new();
    let mut used = vec![false; finders.len()];
    let mut failed: Vec<[usize; 3]> = Vec::new();
    let mut jiggled = 0;
    for t in &triples {
        // A candidate belongs to one code. Triples inside a code read are still tried: a code
        // can hold another (the "double QR" images of the corpora).
        if t.iter().any(|&i| used.get(i).copied().unwrap_or(true)) {
            continue;
        }
        let [bl, tl, tr] = t.map(|i| finders[i]);
        let solid = [bl, tl, tr].iter().all(|f| f.count >= QUORUM);
        let jiggle = solid && jiggled < MAX_JIGGLED;
        jiggled += usize::from(jiggle);
        match read_code(bits, tl, tr, bl, jiggle) {
            Some((text, quad)) => {
                if !outcome.texts.contains(&text) {
                    outcome.texts.push(text);
                }
                read.push(quad);
                for &i in t {
                    if let Some(u) = used.get_mut(i) {
                        *u = true;
                    }
                }
            }
            None => failed.push(*t),
        }
    }
    // A solid candidate that no code read explains may be a corner of a code this pass cannot
    // read (too skewed, or its other finder patterns missed): the slower passes should look.
    let _ = failed;
    outcome.unread = finders
        .iter()
        .zip(&used)
        .any(|(f, &used)| !used && f.count >= QUORUM && !read.iter().any(|q| inside(q, f.x, f.y)));
    outcome
}

/// Whether (x, y) lies inside the convex quadrilateral `q` (corners in order).
fn inside(q: &[(f64, f64); 4], x: f64, y: f64) -> bool {
    let mut sign = 0.0f64;
    for i in 0..4 {
        let (ax, ay) = q[i];
        let (bx, by) = q[(i + 1) % 4];
        let cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
        if cross != 0.0 {
            if sign != 0.0 && cross.signum() != sign {
                return false;
            }
            sign = cross.signum();
        }
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Finder patterns (ZXing FinderPatternFinder / MultiFinderPatternFinder.findMulti)

fn find_finders(bits: &Bits) -> Vec<Finder> {
    let mut centers: Vec<Finder> = Vec::new();
    let mut y = ROW_SKIP - 1;
    while y < bits.h {
        let row = bits.row(y);
        let mut counts = [0usize; 5];
        let mut state = 0usize;
        for (x, &d) in row.iter().enumerate() {
            let d = d != bits.inverted;
            if d {
                if state & 1 == 1 {
                    state += 1;
                }
                counts[state] += 1;
            } else if state & 1 == 0 {
                if state == 4 {
                    if cross_ratio(&counts) && possible_center(bits, &counts, y, x, &mut centers) {
                        state = 0;
                        counts = [0; 5];
                    } else {
                        counts = [counts[2], counts[3], counts[4], 1, 0];
                        state = 3;
                    }
                } else {
                    state += 1;
                    counts[state] += 1;
                }
            } else {
                counts[state] += 1;
            }
        }
        if state == 4 && cross_ratio(&counts) {
            possible_center(bits, &counts, y, bits.w, &mut centers);
        }
        y += ROW_SKIP;
    }
    centers
}

/// 1:1:3:1:1 within half a module per run (ZXing `foundPatternCross`).
fn cross_ratio(c: &[usize; 5]) -> bool {
    ratio_within(c, 2.0)
}

/// 1:3:1 in the middle and an outer dark run of at least one module but longer than the ratio
/// allows on one side: the finder pattern's outer ring touching other dark modules (a code without
/// its quiet zone, such as one drawn inside another). Only for the cross-checks: the row scan that
/// finds a candidate still needs the full ratio.
fn outer_ring_touched(c: &[usize; 5]) -> bool {
    let inner = c[1] + c[2] + c[3];
    if inner < 5 || c[1] == 0 || c[3] == 0 {
        return false;
    }
    let module = inner as f64 / 5.0;
    let var = module / 2.0;
    let near = |n: usize, m: f64| (m * module - n as f64).abs() < m * var;
    let outer = |n: usize| (n as f64 - module).abs() < var;
    let long = |n: usize| n as f64 >= module - var;
    near(c[1], 1.0)
        && near(c[2], 3.0)
        && near(c[3], 1.0)
        && ((outer(c[0]) && long(c[4])) || (long(c[0]) && outer(c[4])))
}

/// The diagonal check is looser (ZXing `foundPatternDiagonal`: variance module / 1.333).
fn diagonal_ratio(c: &[usize; 5]) -> bool {
    ratio_within(c, 1.333)
}

fn ratio_within(c: &[usize; 5], divisor: f64) -> bool {
    if c.contains(&0) {
        return false;
    }
    let total: usize = c.iter().sum();
    if total < 7 {
        return false;
    }
    let module = total as f64 / 7.0;
    let var = module / divisor;
    let near = |n: usize, m: f64| (m * module - n as f64).abs() < m * var;
    near(c[0], 1.0) && near(c[1], 1.0) && near(c[2], 3.0) && near(c[3], 1.0) && near(c[4], 1.0)
}

/// The centre of the run that ends at `end` (exclusive), the middle of its third part.
fn center_from_end(c: &[usize; 5], end: usize) -> f64 {
    (end as f64 - c[4] as f64 - c[3] as f64) - c[2] as f64 / 2.0
}

/// Confirms a horizontal hit vertically, horizontally through the new centre and diagonally;
/// records (or merges into a nearby one) the confirmed centre. True when confirmed.
fn possible_center(
    bits: &Bits,
    counts: &[usize; 5],
    y: usize,
    end: usize,
    centers: &mut Vec<Finder>,
) -> bool {
    let total: usize = counts.iter().sum();
    let cx = center_from_end(counts, end);
    if cx.is_nan() || cx < 0.0 {
        return false;
    }
    let Some(cy) = cross_check_vertical(bits, y, cx as usize, counts[2], total) else {
        return false;
    };
    let Some(cx) = cross_check_horizontal(bits, cx as usize, cy as usize, counts[2], total) else {
        return false;
    };
    if !cross_check_diagonal(bits, cy as usize, cx as usize) {
        return false;
    }
    let module = total as f64 / 7.0;
    if let Some(f) = centers.iter_mut().find(|f| {
        (cy - f.y).abs() <= module
            && (cx - f.x).abs() <= module
            && ((module - f.module).abs() <= 1.0 || (module - f.module).abs() <= f.module)
    }) {
        // ZXing `combineEstimate`: the mean weighted by how often each was seen.
        let n = f64::from(f.count);
        f.x = (n * f.x + cx) / (n + 1.0);
        f.y = (n * f.y + cy) / (n + 1.0);
        f.module = (n * f.module + module) / (n + 1.0);
        f.count = f.count.saturating_add(1);
    } else if centers.len() < MAX_CANDIDATES {
        centers.push(Finder {
            x: cx,
            y: cy,
            module,
            count: 1,
        });
    }
    true
}

/// Counts the five runs through (x, `start`) along one axis; `at(i)` reads position i on that
/// axis, `len` is the axis length. Mirrors ZXing's `crossCheckVertical`/`Horizontal`.
fn cross_check_axis(
    at: impl Fn(usize) -> bool,
    len: usize,
    start: usize,
    max_count: usize,
    original_total: usize,
    tolerance: usize,
) -> Option<f64> {
    if start >= len {
        return None;
    }
    let mut c = [0usize; 5];
    // Up (or left) from the start through the centre run, the light ring and the outer dark ring.
    let mut i = start as i64;
    while i >= 0 && at(i as usize) {
        c[2] += 1;
        i -= 1;
    }
    if i < 0 {
        return None;
    }
    while i >= 0 && !at(i as usize) && c[1] <= max_count {
        c[1] += 1;
        i -= 1;
    }
    if i < 0 || c[1] > max_count {
        return None;
    }
    while i >= 0 && at(i as usize) && c[0] <= max_count {
        c[0] += 1;
        i -= 1;
    }
    if c[0] > max_count {
        return None;
    }
    // Down (or right).
    let mut i = start + 1;
    while i < len && at(i) {
        c[2] += 1;
        i += 1;
    }
    if i == len {
        return None;
    }
    while i < len && !at(i) && c[3] < max_count {
        c[3] += 1;
        i += 1;
    }
    if i == len || c[3] >= max_count {
        return None;
    }
    while i < len && at(i) && c[4] < max_count {
        c[4] += 1;
        i += 1;
    }
    if c[4] >= max_count {
        return None;
    }
    let total: usize = c.iter().sum();
    // The run must be about as long as the one that led here.
    if tolerance * total.abs_diff(original_total) >= 2 * original_total {
        return None;
    }
    (cross_ratio(&c) || outer_ring_touched(&c)).then(|| center_from_end(&c, i))
}

fn cross_check_vertical(
    bits: &Bits,
    y: usize,
    x: usize,
    max_count: usize,
    total: usize,
) -> Option<f64> {
    cross_check_axis(|i| bits.dark(x, i), bits.h, y, max_count, total, 5)
}

fn cross_check_horizontal(
    bits: &Bits,
    x: usize,
    y: usize,
    max_count: usize,
    total: usize,
) -> Option<f64> {
    // ZXing is stricter horizontally: within a fifth instead of two fifths.
    cross_check_axis(|i| bits.dark(i, y), bits.w, x, max_count, total, 10)
}

/// The 1:1:3:1:1 pattern along the diagonal through the centre (ZXing `crossCheckDiagonal`).
fn cross_check_diagonal(bits: &Bits, cy: usize, cx: usize) -> bool {
    let (cx, cy) = (cx as i64, cy as i64);
    let mut c = [0usize; 5];
    let up = |i: i64| bits.dark_i(cx - i, cy - i);
    let mut i = 0i64;
    while cy >= i && cx >= i && up(i) {
        c[2] += 1;
        i += 1;
    }
    if c[2] == 0 {
        return false;
    }
    while cy >= i && cx >= i && !up(i) {
        c[1] += 1;
        i += 1;
    }
    if c[1] == 0 {
        return false;
    }
    while cy >= i && cx >= i && up(i) {
        c[0] += 1;
        i += 1;
    }
    if c[0] == 0 {
        return false;
    }
    let (w, h) = (bits.w as i64, bits.h as i64);
    let down = |i: i64| bits.dark_i(cx + i, cy + i);
    let mut i = 1i64;
    while cy + i < h && cx + i < w && down(i) {
        c[2] += 1;
        i += 1;
    }
    while cy + i < h && cx + i < w && !down(i) {
        c[3] += 1;
        i += 1;
    }
    if c[3] == 0 {
        return false;
    }
    while cy + i < h && cx + i < w && down(i) {
        c[4] += 1;
        i += 1;
    }
    if c[4] == 0 {
        return false;
    }
    diagonal_ratio(&c)
}

// ---------------------------------------------------------------------------------------------
// Triples (ZXing MultiFinderPatternFinder.selectMultipleBestPatterns, FinderPatternFinder
// orderBestPatterns)

fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

/// Candidate triples as [bottom-left, top-left, top-right] indices, most plausible first: solid
/// candidates first, then by how far the triangle is from an isosceles right one.
fn triples(f: &[Finder]) -> Vec<[usize; 3]> {
    // By module size. Sorting here and below is done by hand: at most MAX_CANDIDATES and
    // MAX_TRIPLES elements, and each `sort_by` instantiation adds kilobytes to the wasm module.
    let mut order: Vec<usize> = Vec::with_capacity(f.len());
    for i in 0..f.len() {
        let at = order
            .iter()
            .position(|&j| f[j].module > f[i].module)
            .unwrap_or(order.len());
        order.insert(at, i);
    }
    let mut out: Vec<(u32, f64, [usize; 3])> = Vec::new();
    for (n1, &i1) in order.iter().enumerate() {
        for (n2, &i2) in order.iter().enumerate().skip(n1 + 1) {
            if f[i2].module > f[i1].module * MODULE_SIZE_RATIO {
                break;
            }
            for &i3 in order.iter().skip(n2 + 1) {
                if f[i3].module > f[i1].module * MODULE_SIZE_RATIO {
                    break;
                }
                let Some((t, distortion)) = ordered_triple(f, [i1, i2, i3]) else {
                    continue;
                };
                let weak = t.iter().filter(|&&i| f[i].count < QUORUM).count() as u32;
                out.push((weak, distortion, t));
            }
        }
    }
    // The best MAX_TRIPLES, in order (selection: repeatedly the best of the rest).
    let better = |a: &(u32, f64, [usize; 3]), b: &(u32, f64, [usize; 3])| {
        a.0 < b.0 || (a.0 == b.0 && a.1 < b.1)
    };
    let keep = out.len().min(MAX_TRIPLES);
    for i in 0..keep {
        let mut best = i;
        for j in i + 1..out.len() {
            if better(&out[j], &out[best]) {
                best = j;
            }
        }
        out.swap(i, best);
    }
    out.truncate(keep);
    out.into_iter().map(|(_, _, t)| t).collect()
}

/// Orders three candidates as [bottom-left, top-left, top-right] (top-left is the corner
/// opposite the longest side; the cross product tells the other two apart) and checks the shape:
/// two equal legs at a right angle, between 9 and 180 modules long. Returns the order and a
/// distortion score (0 for a perfect shape).
fn ordered_triple(f: &[Finder], t: [usize; 3]) -> Option<([usize; 3], f64)> {
    let p = |i: usize| (f[i].x, f[i].y);
    let (d01, d12, d02) = (
        dist(p(t[0]), p(t[1])),
        dist(p(t[1]), p(t[2])),
        dist(p(t[0]), p(t[2])),
    );
    let (mut a, b, mut c) = if d12 >= d01 && d12 >= d02 {
        (t[1], t[0], t[2])
    } else if d02 >= d12 && d02 >= d01 {
        (t[0], t[1], t[2])
    } else {
        (t[0], t[2], t[1])
    };
    let (pa, pb, pc) = (p(a), p(b), p(c));
    if (pc.0 - pb.0) * (pa.1 - pb.1) - (pc.1 - pb.1) * (pa.0 - pb.0) < 0.0 {
        std::mem::swap(&mut a, &mut c);
    }
    let (bl, tl, tr) = (p(a), p(b), p(c));
    let leg_a = dist(bl, tl);
    let leg_b = dist(tl, tr);
    let hyp = dist(tr, bl);
    let module = f[b].module;
    if module.is_nan() || module <= 0.0 {
        return None;
    }
    let modules = (leg_a + leg_b) / (2.0 * module);
    if !(9.0..=180.0).contains(&modules) {
        return None;
    }
    let legs = (leg_a - leg_b).abs() / leg_a.min(leg_b);
    if legs.is_nan() || legs >= LEG_TOLERANCE {
        return None;
    }
    let expected = leg_a.hypot(leg_b);
    let off = (hyp - expected).abs() / hyp.min(expected);
    if off.is_nan() || off >= HYPOTENUSE_TOLERANCE {
        return None;
    }
    Some(([a, b, c], legs + off))
}

// ---------------------------------------------------------------------------------------------
// Geometry and sampling (ZXing Detector.processFinderPatternInfo, PerspectiveTransform,
// GridSampler)

/// Reads the code whose finder patterns are `tl`, `tr` and `bl`: its text and the image
/// quadrilateral it covers. `jiggle` allows the search for the fourth corner described at
/// [`JIGGLE_MODULES`].
fn read_code(
    bits: &Bits,
    tl: Finder,
    tr: Finder,
    bl: Finder,
    jiggle: bool,
) -> Option<(String, [(f64, f64); 4])> {
    let module = (module_size_one_way(bits, tl, tr) + module_size_one_way(bits, tl, bl)) / 2.0;
    if module.is_nan() || module < 1.0 {
        return None;
    }
    let dimension = estimate_dimension(tl, tr, bl, module)?;
    // The estimate can be off by a version (large codes, perspective): its neighbours after it.
    for delta in [0, 4, -4] {
        let dim = dimension as i64 + delta;
        if !(21..=177).contains(&dim) {
            continue;
        }
        let dim = dim as usize;
        let mut corner = fourth_corner(bits, tl, tr, bl, module, dim);
        if let Some(read) = read_grid(bits, tl, tr, bl, corner, dim) {
            return Some(read);
        }
        if let Some(read) = read_grid_piecewise(bits, tl, tr, bl, corner, dim) {
            return Some(read);
        }
        if corner.aligned {
            // The pattern found may not be the alignment pattern (blur, a look-alike nearby, or
            // part of a finder pattern when the finders' run lengths overstate the module):
            // the parallelogram's corner instead, as it is and then searched around as below.
            corner = parallelogram_corner(tl, tr, bl, dim);
            if let Some(read) = read_grid(bits, tl, tr, bl, corner, dim) {
                return Some(read);
            }
        }
        // Without an alignment pattern the fourth corner is where a parallelogram puts it, which
        // perspective moves by modules (version 1 has none; a small one may be missed). If the
        // format information reads (it lies beside the three finder patterns), try nearby
        // corners, ring by ring outwards: the decoder's error correction tells the right one.
        if jiggle && dim == dimension && format_reads(bits, tl, tr, bl, corner, dim) {
            let d = dim as f64 - 7.0;
            let (ux, uy) = ((tr.x - tl.x) / d, (tr.y - tl.y) / d);
            let (vx, vy) = ((bl.x - tl.x) / d, (bl.y - tl.y) / d);
            // Ring by ring outwards (the square rings of Chebyshev distance 1, 2, ...).
            let offsets = (1..=JIGGLE_MODULES).flat_map(|r| {
                (-r..=r)
                    .flat_map(move |a| (-r..=r).map(move |b| (a, b)))
                    .filter(move |&(a, b)| a.abs() == r || b.abs() == r)
            });
            for (a, b) in offsets {
                let (a, b) = (f64::from(a), f64::from(b));
                let moved = Corner {
                    x: corner.x + a * ux + b * vx,
                    y: corner.y + a * uy + b * vy,
                    ..corner
                };
                if let Some(read) = read_grid(bits, tl, tr, bl, moved, dim) {
                    return Some(read);
                }
            }
        }
    }
    None
}

/// How far, in modules along each side, the fourth corner is searched when there is no alignment
/// pattern to fix it (or the one found did not give a readable grid): up to 120 corners, for at
/// most [`MAX_JIGGLED`] triples per polarity whose format information reads. 5 rather than 3
/// reads 3 more corpus photos.
const JIGGLE_MODULES: i32 = 5;

/// Samples and decodes the grid the four points give.
fn read_grid(
    bits: &Bits,
    tl: Finder,
    tr: Finder,
    bl: Finder,
    corner: Corner,
    dim: usize,
) -> Option<(String, [(f64, f64); 4])> {
    let transform = transform(tl, tr, bl, corner, dim)?;
    decode_grid(sample(bits, &transform, dim)?, &transform, dim)
}

/// Decodes a sampled grid; the text and the code's corners in the image, which `whole` (the
/// transform from module to image coordinates) gives.
fn decode_grid(
    grid: rqrr::SimpleGrid,
    whole: &Perspective,
    dim: usize,
) -> Option<(String, [(f64, f64); 4])> {
    let mut bytes = Vec::new();
    rqrr::Grid::new(grid).decode_to(&mut bytes).ok()?;
    let d = dim as f64;
    let quad = [(0.0, 0.0), (d, 0.0), (d, d), (0.0, d)].map(|(u, v)| whole.map(u, v));
    Some((bytes_to_text(bytes), quad))
}

/// The module coordinates of the alignment pattern centres along either axis for a code `dim`
/// modules wide, version 2 and up (ISO/IEC 18004 Annex E; the closed form of Nayuki's QR code
/// generator, `getAlignmentPatternPositions`).
fn alignment_positions(dim: usize) -> Vec<usize> {
    if dim < 25 {
        return Vec::new();
    }
    let version = (dim - 17) / 4;
    let count = version / 7 + 2;
    let step = if version == 32 {
        26
    } else {
        (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
    };
    let mut positions = vec![6; count];
    let mut pos = dim - 7;
    for slot in positions.iter_mut().skip(1).rev() {
        *slot = pos;
        pos = pos.saturating_sub(step);
    }
    positions
}

/// Codes of at least this side (version 7, with alignment patterns inside the code as well as
/// on its edges) are also sampled piecewise ([`read_grid_piecewise`]).
const PIECEWISE_MIN_DIM: usize = 45;

/// Samples and decodes the grid with one perspective per cell of the alignment pattern lattice
/// (zxing-cpp `SampleQR` for version 7 and up): each pattern is looked for near where `corner`'s
/// transform, corrected by the patterns already found beside it, puts it; a lens or a bent page
/// moves the modules of a large code by more than one perspective can follow. The three lattice
/// points in the finder patterns' corners keep the transform's position.
fn read_grid_piecewise(
    bits: &Bits,
    tl: Finder,
    tr: Finder,
    bl: Finder,
    corner: Corner,
    dim: usize,
) -> Option<(String, [(f64, f64); 4])> {
    if dim < PIECEWISE_MIN_DIM {
        return None;
    }
    let whole = transform(tl, tr, bl, corner, dim)?;
    let at = alignment_positions(dim);
    let n = at.len();
    let last = n - 1;
    // Lattice points in the image, row by row; and which were found rather than predicted.
    let mut points = vec![(0.0, 0.0); n * n];
    let mut found = vec![false; n * n];
    for j in 0..n {
        for i in 0..n {
            let (u, v) = (at[i] as f64 + 0.5, at[j] as f64 + 0.5);
            let (px, py) = whole.map(u, v);
            let k = j * n + i;
            points[k] = (px, py);
            if [(0, 0), (last, 0), (0, last)].contains(&(i, j)) {
                continue;
            }
            // Shift the prediction by the mean error of the found neighbours above and left.
            let (mut dx, mut dy, mut m) = (0.0, 0.0, 0.0);
            for (ni, nj) in [(i.wrapping_sub(1), j), (i, j.wrapping_sub(1))] {
                if ni < n && nj < n && found[nj * n + ni] {
                    let (fx, fy) = points[nj * n + ni];
                    let (ex, ey) = whole.map(at[ni] as f64 + 0.5, at[nj] as f64 + 0.5);
                    dx += fx - ex;
                    dy += fy - ey;
                    m += 1.0;
                }
            }
            if m > 0.0 {
                dx /= m;
                dy /= m;
            }
            let (ex, ey) = (px + dx, py + dy);
            let (ax, ay) = whole.map(u + 1.0, v);
            let (bx, by) = whole.map(u, v + 1.0);
            let module = (dist((px, py), (ax, ay)) + dist((px, py), (bx, by))) / 2.0;
            if !(module.is_finite() && module >= 1.0) {
                continue;
            }
            if let Some(p) = find_alignment(bits, module, ex, ey, PIECEWISE_ALLOWANCE) {
                points[k] = p;
                found[k] = true;
            }
        }
    }
    let mut cells = vec![false; dim * dim];
    for j in 0..last {
        for i in 0..last {
            let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
            let local = Perspective::quad_to_quad(
                corners.map(|(a, b)| (at[a] as f64 + 0.5, at[b] as f64 + 0.5)),
                corners.map(|(a, b)| points[b * n + a]),
            )?;
            let (x0, x1) = (
                if i == 0 { 0 } else { at[i] },
                if i + 1 == last { dim } else { at[i + 1] },
            );
            let (y0, y1) = (
                if j == 0 { 0 } else { at[j] },
                if j + 1 == last { dim } else { at[j + 1] },
            );
            for y in y0..y1 {
                for x in x0..x1 {
                    cells[y * dim + x] = module_at(bits, &local, x, y)?;
                }
            }
        }
    }
    decode_grid(grid_of(cells, dim), &whole, dim)
}

/// How far from its predicted place, in modules, each alignment pattern is looked for when
/// sampling piecewise.
const PIECEWISE_ALLOWANCE: f64 = 3.0;

/// Whether the grid the four points give has readable format information.
fn format_reads(
    bits: &Bits,
    tl: Finder,
    tr: Finder,
    bl: Finder,
    corner: Corner,
    dim: usize,
) -> bool {
    transform(tl, tr, bl, corner, dim)
        .and_then(|t| sample(bits, &t, dim))
        .is_some_and(|grid| rqrr::Grid::new(grid).get_raw_data().is_ok())
}

/// Side in modules from the finder centres' distances (ZXing `computeDimension`): 7 plus the
/// modules between centres, rounded to the nearest valid size (4k + 1).
fn estimate_dimension(tl: Finder, tr: Finder, bl: Finder, module: f64) -> Option<usize> {
    let across = (dist((tl.x, tl.y), (tr.x, tr.y)) / module).round();
    let down = (dist((tl.x, tl.y), (bl.x, bl.y)) / module).round();
    let d = (across + down) / 2.0 + 7.0;
    if !(d.is_finite() && (17.0..=200.0).contains(&d)) {
        return None;
    }
    let mut d = d as usize;
    match d & 3 {
        0 => d += 1,
        2 => d -= 1,
        3 => return None,
        _ => {}
    }
    (21..=177).contains(&d).then_some(d)
}

/// The fourth point of the perspective: the bottom-right alignment pattern's centre
/// (`aligned`), or the finder centres' parallelogram corner.
#[derive(Clone, Copy)]
struct Corner {
    x: f64,
    y: f64,
    /// Its module coordinate along both axes.
    at: f64,
    aligned: bool,
}

/// For versions that have one, the bottom-right alignment pattern if found near where the finder
/// patterns put it; else the parallelogram's fourth corner.
fn fourth_corner(
    bits: &Bits,
    tl: Finder,
    tr: Finder,
    bl: Finder,
    module: f64,
    dim: usize,
) -> Corner {
    let d = dim as f64;
    let (brx, bry) = (tr.x - tl.x + bl.x, tr.y - tl.y + bl.y);
    if dim > 21 {
        // ZXing: the alignment pattern is 3 modules in from the finder centres' corner.
        let correction = 1.0 - 3.0 / (d - 7.0);
        let ex = tl.x + correction * (brx - tl.x);
        let ey = tl.y + correction * (bry - tl.y);
        // Under perspective the modules there differ in size from the average: extrapolate the
        // finder patterns' own sizes to that corner, and look with the average as well.
        // (max and min rather than clamp, whose panic message would pull float formatting into
        // the wasm module.)
        let there = (tr.module + bl.module - tl.module)
            .max(module / 2.0)
            .min(module * 2.0);
        let sizes = if (there - module).abs() > module / 8.0 {
            [there, module]
        } else {
            [module, f64::NAN]
        };
        for (allowance, size) in [4.0, 8.0, 16.0]
            .into_iter()
            .flat_map(|a| sizes.into_iter().map(move |s| (a, s)))
        {
            if size.is_nan() {
                continue;
            }
            if let Some((x, y)) = find_alignment(bits, size, ex, ey, allowance) {
                return Corner {
                    x,
                    y,
                    at: d - 6.5,
                    aligned: true,
                };
            }
        }
    }
    parallelogram_corner(tl, tr, bl, dim)
}

/// The fourth corner of the parallelogram the finder centres span.
fn parallelogram_corner(tl: Finder, tr: Finder, bl: Finder, dim: usize) -> Corner {
    Corner {
        x: tr.x - tl.x + bl.x,
        y: tr.y - tl.y + bl.y,
        at: dim as f64 - 3.5,
        aligned: false,
    }
}

/// The perspective from module coordinates to the image.
fn transform(
    tl: Finder,
    tr: Finder,
    bl: Finder,
    corner: Corner,
    dim: usize,
) -> Option<Perspective> {
    let d = dim as f64;
    Perspective::quad_to_quad(
        [
            (3.5, 3.5),
            (d - 3.5, 3.5),
            (corner.at, corner.at),
            (3.5, d - 3.5),
        ],
        [
            (tl.x, tl.y),
            (tr.x, tr.y),
            (corner.x, corner.y),
            (bl.x, bl.y),
        ],
    )
}

/// Samples the centre of every module; None when the grid leaves the image by more than a pixel
/// (ZXing `checkAndNudgePoints` moves points that are just outside back in).
fn sample(bits: &Bits, t: &Perspective, dim: usize) -> Option<rqrr::SimpleGrid> {
    let mut cells = Vec::with_capacity(dim * dim);
    for y in 0..dim {
        for x in 0..dim {
            cells.push(module_at(bits, t, x, y)?);
        }
    }
    Some(grid_of(cells, dim))
}

/// Whether the centre of module (`x`, `y`) is dark where `t` puts it; None when that is more than
/// a pixel outside the image (a point just outside is nudged in).
fn module_at(bits: &Bits, t: &Perspective, x: usize, y: usize) -> Option<bool> {
    let (px, py) = t.map(x as f64 + 0.5, y as f64 + 0.5);
    if !(px >= -1.0 && py >= -1.0 && px <= bits.w as f64 && py <= bits.h as f64) {
        return None;
    }
    let (px, py) = (px.max(0.0) as usize, py.max(0.0) as usize);
    Some(bits.dark(px.min(bits.w - 1), py.min(bits.h - 1)))
}

/// rqrr's grid over `dim` × `dim` module values, row by row.
fn grid_of(cells: Vec<bool>, dim: usize) -> rqrr::SimpleGrid {
    rqrr::SimpleGrid::from_func(dim, |x, y| cells.get(y * dim + x).copied().unwrap_or(false))
}

/// Module size along the line from `a` towards `b`, from the black-white-black run across `a`
/// measured both ways, and the same from `b` (ZXing `calculateModuleSizeOneWay`).
fn module_size_one_way(bits: &Bits, a: Finder, b: Finder) -> f64 {
    let one = run_both_ways(bits, a.x, a.y, b.x, b.y);
    let two = run_both_ways(bits, b.x, b.y, a.x, a.y);
    match (one.is_nan(), two.is_nan()) {
        (false, false) => (one + two) / 14.0,
        (true, false) => two / 7.0,
        (false, true) => one / 7.0,
        (true, true) => f64::NAN,
    }
}

/// ZXing `sizeOfBlackWhiteBlackRunBothWays`: the run from (fx, fy) towards (tx, ty) plus the run
/// the opposite way, the latter cut at the image edge.
fn run_both_ways(bits: &Bits, fx: f64, fy: f64, tx: f64, ty: f64) -> f64 {
    let (w, h) = (bits.w as f64, bits.h as f64);
    let (fx, fy, tx, ty) = (fx.floor(), fy.floor(), tx.floor(), ty.floor());
    let mut result = run(bits, fx, fy, tx, ty);
    let mut scale = 1.0;
    let mut other_x = fx - (tx - fx);
    if other_x < 0.0 {
        scale = fx / (fx - other_x);
        other_x = 0.0;
    } else if other_x >= w {
        scale = (w - 1.0 - fx) / (other_x - fx);
        other_x = w - 1.0;
    }
    let mut other_y = (fy - (ty - fy) * scale).floor();
    scale = 1.0;
    if other_y < 0.0 {
        scale = fy / (fy - other_y);
        other_y = 0.0;
    } else if other_y >= h {
        scale = (h - 1.0 - fy) / (other_y - fy);
        other_y = h - 1.0;
    }
    other_x = (fx + (other_x - fx) * scale).floor();
    result += run(bits, fx, fy, other_x, other_y);
    result - 1.0
}

/// ZXing `sizeOfBlackWhiteBlackRun`: Bresenham from (fx, fy) towards (tx, ty) through a dark run,
/// a light run and a dark run; the distance to where the third ends, or NaN.
fn run(bits: &Bits, fx: f64, fy: f64, tx: f64, ty: f64) -> f64 {
    let lim = 1 << 20;
    let ok = |v: f64| v.is_finite() && v.abs() < f64::from(lim);
    if !(ok(fx) && ok(fy) && ok(tx) && ok(ty)) {
        return f64::NAN;
    }
    let (mut fx, mut fy, mut tx, mut ty) = (fx as i64, fy as i64, tx as i64, ty as i64);
    let steep = (ty - fy).abs() > (tx - fx).abs();
    if steep {
        std::mem::swap(&mut fx, &mut fy);
        std::mem::swap(&mut tx, &mut ty);
    }
    let dx = (tx - fx).abs();
    let dy = (ty - fy).abs();
    let mut error = -dx / 2;
    let xstep = if fx < tx { 1 } else { -1 };
    let ystep = if fy < ty { 1 } else { -1 };
    let mut state = 0;
    let x_limit = tx + xstep;
    let (mut x, mut y) = (fx, fy);
    let d = |x: i64, y: i64| ((x - fx) as f64).hypot((y - fy) as f64);
    while x != x_limit {
        let (rx, ry) = if steep { (y, x) } else { (x, y) };
        if (state == 1) == bits.dark_i(rx, ry) {
            if state == 2 {
                return d(x, y);
            }
            state += 1;
        }
        error += dy;
        if error > 0 {
            if y == ty {
                break;
            }
            y += ystep;
            error -= dx;
        }
        x += xstep;
    }
    if state == 2 {
        return d(tx + xstep, ty);
    }
    f64::NAN
}

// ---------------------------------------------------------------------------------------------
// Alignment pattern (ZXing Detector.findAlignmentInRegion, AlignmentPatternFinder)

/// Looks for the 1:1:1 light-dark-light pattern of an alignment pattern's centre within
/// `allowance` modules of (ex, ey).
fn find_alignment(
    bits: &Bits,
    module: f64,
    ex: f64,
    ey: f64,
    allowance: f64,
) -> Option<(f64, f64)> {
    if !(ex.is_finite() && ey.is_finite()) {
        return None;
    }
    let reach = allowance * module;
    let (w, h) = (bits.w as f64, bits.h as f64);
    let left = (ex - reach).max(0.0);
    let right = (ex + reach).min(w - 1.0);
    let top = (ey - reach).max(0.0);
    let bottom = (ey + reach).min(h - 1.0);
    if right - left < module * 3.0 || bottom - top < module * 3.0 {
        return None;
    }
    let (left, right, top, bottom) = (left as usize, right as usize, top as usize, bottom as usize);
    let height = bottom - top;
    let middle = top + height / 2;
    let mut possible: Vec<(f64, f64, f64, u32)> = Vec::new();
    for gen in 0..height {
        let half = gen.div_ceil(2);
        let y = if gen & 1 == 0 {
            middle + half
        } else {
            middle.wrapping_sub(half)
        };
        if y >= bits.h {
            continue;
        }
        let mut c = [0usize; 3];
        let mut x = left;
        while x < right && !bits.dark(x, y) {
            x += 1;
        }
        let mut state = 0usize;
        while x < right {
            if bits.dark(x, y) {
                if state == 1 {
                    c[1] += 1;
                } else if state == 2 {
                    if alignment_ratio(&c, module) {
                        if let Some(p) = alignment_center(bits, &c, y, x, module, &mut possible) {
                            return Some(p);
                        }
                    }
                    c = [c[2], 1, 0];
                    state = 1;
                } else {
                    state += 1;
                    c[state] += 1;
                }
            } else {
                if state == 1 {
                    state += 1;
                }
                c[state] += 1;
            }
            x += 1;
        }
        if alignment_ratio(&c, module) {
            if let Some(p) = alignment_center(bits, &c, y, right, module, &mut possible) {
                return Some(p);
            }
        }
    }
    possible.first().map(|&(x, y, _, _)| (x, y))
}

fn alignment_ratio(c: &[usize; 3], module: f64) -> bool {
    let var = module / 2.0;
    c.iter().all(|&n| (module - n as f64).abs() < var)
}

/// Confirms a row hit vertically; returns the centre once seen twice (ZXing
/// `AlignmentPatternFinder.handlePossibleCenter`).
fn alignment_center(
    bits: &Bits,
    c: &[usize; 3],
    y: usize,
    end: usize,
    module: f64,
    possible: &mut Vec<(f64, f64, f64, u32)>,
) -> Option<(f64, f64)> {
    let total: usize = c.iter().sum();
    let cx = (end as f64 - c[2] as f64) - c[1] as f64 / 2.0;
    if cx.is_nan() || cx < 0.0 {
        return None;
    }
    let cy = alignment_vertical(bits, y, cx as usize, 2 * c[1], total, module)?;
    let size = total as f64 / 3.0;
    for p in possible.iter_mut() {
        if (cy - p.1).abs() <= size && (cx - p.0).abs() <= size {
            let diff = (size - p.2).abs();
            if diff <= 1.0 || diff <= p.2 {
                return Some(((p.0 + cx) / 2.0, (p.1 + cy) / 2.0));
            }
        }
    }
    if possible.len() < MAX_CANDIDATES {
        possible.push((cx, cy, size, 1));
    }
    None
}

fn alignment_vertical(
    bits: &Bits,
    start: usize,
    x: usize,
    max_count: usize,
    original_total: usize,
    module: f64,
) -> Option<f64> {
    let len = bits.h;
    let at = |i: usize| bits.dark(x, i);
    let mut c = [0usize; 3];
    let mut i = start as i64;
    while i >= 0 && at(i as usize) && c[1] <= max_count {
        c[1] += 1;
        i -= 1;
    }
    if i < 0 || c[1] > max_count {
        return None;
    }
    while i >= 0 && !at(i as usize) && c[0] <= max_count {
        c[0] += 1;
        i -= 1;
    }
    if c[0] > max_count {
        return None;
    }
    let mut i = start + 1;
    while i < len && at(i) && c[1] <= max_count {
        c[1] += 1;
        i += 1;
    }
    if i == len || c[1] > max_count {
        return None;
    }
    while i < len && !at(i) && c[2] <= max_count {
        c[2] += 1;
        i += 1;
    }
    if c[2] > max_count {
        return None;
    }
    let total: usize = c.iter().sum();
    if 5 * total.abs_diff(original_total) >= 2 * original_total {
        return None;
    }
    alignment_ratio(&c, module).then(|| (i as f64 - c[2] as f64) - c[1] as f64 / 2.0)
}

// ---------------------------------------------------------------------------------------------
// Perspective transform (ZXing PerspectiveTransform)

/// A projective map (u, v) -> (x, y): x = (a u + b v + c) / (g u + h v + i), y likewise with
/// d, e, f. Row-major 3x3.
#[derive(Clone, Copy, Debug)]
struct Perspective([f64; 9]);

impl Perspective {
    /// The map taking the unit square's corners (0,0), (1,0), (1,1), (0,1) to `q` in order.
    fn square_to_quad(q: [(f64, f64); 4]) -> Perspective {
        let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = q;
        let dx3 = x0 - x1 + x2 - x3;
        let dy3 = y0 - y1 + y2 - y3;
        if dx3 == 0.0 && dy3 == 0.0 {
            return Perspective([x1 - x0, x3 - x0, x0, y1 - y0, y3 - y0, y0, 0.0, 0.0, 1.0]);
        }
        let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
        let den = dx1 * dy2 - dx2 * dy1;
        let g = (dx3 * dy2 - dx2 * dy3) / den;
        let h = (dx1 * dy3 - dx3 * dy1) / den;
        Perspective([
            x1 - x0 + g * x1,
            x3 - x0 + h * x3,
            x0,
            y1 - y0 + g * y1,
            y3 - y0 + h * y3,
            y0,
            g,
            h,
            1.0,
        ])
    }

    /// The adjugate: the inverse up to a scale factor, which a projective map ignores.
    fn adjugate(&self) -> Perspective {
        let [a, b, c, d, e, f, g, h, i] = self.0;
        Perspective([
            e * i - f * h,
            c * h - b * i,
            b * f - c * e,
            f * g - d * i,
            a * i - c * g,
            c * d - a * f,
            d * h - e * g,
            b * g - a * h,
            a * e - b * d,
        ])
    }

    /// `self` after `other`.
    fn times(&self, other: &Perspective) -> Perspective {
        let (m, n) = (&self.0, &other.0);
        let mut out = [0.0; 9];
        for r in 0..3 {
            for c in 0..3 {
                out[r * 3 + c] = (0..3).map(|k| m[r * 3 + k] * n[k * 3 + c]).sum();
            }
        }
        Perspective(out)
    }

    /// The map taking `from` to `to`, corner by corner; None if degenerate.
    fn quad_to_quad(from: [(f64, f64); 4], to: [(f64, f64); 4]) -> Option<Perspective> {
        let t =
            Perspective::square_to_quad(to).times(&Perspective::square_to_quad(from).adjugate());
        let [a, b, c, d, e, f, g, h, i] = t.0;
        let det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
        (t.0.iter().all(|v| v.is_finite()) && det.is_normal()).then_some(t)
    }

    fn map(&self, u: f64, v: f64) -> (f64, f64) {
        let [a, b, c, d, e, f, g, h, i] = self.0;
        let den = g * u + h * v + i;
        ((a * u + b * v + c) / den, (d * u + e * v + f) / den)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perspective_maps_corners() {
        let from = [(3.5, 3.5), (21.5, 3.5), (18.5, 18.5), (3.5, 21.5)];
        let to = [(10.0, 12.0), (200.0, 30.0), (170.0, 190.0), (5.0, 230.0)];
        let t = Perspective::quad_to_quad(from, to).expect("not degenerate");
        for (f, want) in from.iter().zip(to) {
            let got = t.map(f.0, f.1);
            assert!(dist(got, want) < 1e-6, "{got:?} vs {want:?}");
        }
        // Degenerate: all corners on one point.
        assert!(Perspective::quad_to_quad(from, [(1.0, 1.0); 4]).is_none());
    }

    #[test]
    fn alignment_positions_match_the_standard() {
        // ISO/IEC 18004:2015 Annex E, Table E.1, for a sample of versions.
        let table: &[(usize, &[usize])] = &[
            (1, &[]),
            (2, &[6, 18]),
            (6, &[6, 34]),
            (7, &[6, 22, 38]),
            (13, &[6, 34, 62]),
            (14, &[6, 26, 46, 66]),
            (22, &[6, 26, 50, 74, 98]),
            (32, &[6, 34, 60, 86, 112, 138]),
            (36, &[6, 24, 50, 76, 102, 128, 154]),
            (40, &[6, 30, 58, 86, 114, 142, 170]),
        ];
        for &(version, want) in table {
            assert_eq!(
                alignment_positions(17 + 4 * version),
                want,
                "version {version}"
            );
        }
    }

    #[test]
    fn ratios() {
        assert!(cross_ratio(&[2, 2, 6, 2, 2]));
        assert!(cross_ratio(&[1, 1, 3, 1, 1]));
        assert!(!cross_ratio(&[2, 2, 2, 2, 2]));
        assert!(!cross_ratio(&[0, 2, 6, 2, 2]));
    }

    #[test]
    fn quad_inside() {
        let q = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)];
        assert!(inside(&q, 5.0, 5.0));
        assert!(!inside(&q, 15.0, 5.0));
    }
}
