//! Native breakdown of the QR decoder on the corpora (`shared/corpora/qr`, or `$TESSERA_CORPORA/qr`):
//! per set, images read correctly by the fast first pass alone and by the whole decoder, with
//! median times. `cargo run --release -p tessera-core --example qr_eval [-- --missed] [SET]`.
//! A development aid: the benchmark of record is `scripts/bench.sh qr` (wasm, with peers).

#[path = "../tests/qr_support/mod.rs"]
mod qr_support;

use qr_support::{cases, qr_dir, score, Expect, SETS};
use std::collections::BTreeMap;
use std::time::Instant;
use tessera_core::qr::{decode_luma, decode_luma_fast};

#[derive(Default)]
struct Tally {
    images: usize,
    fast: usize,
    full: usize,
    wrong: usize,
    fast_ms: Vec<f64>,
    full_ms: Vec<f64>,
    missed: Vec<String>,
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show_missed = args.iter().any(|a| a == "--missed");
    let only: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let qr = qr_dir().expect("no QR corpora");
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut all_fast = Vec::new();
    let mut all_full = Vec::new();
    // Decode time of images the fast pass settles (no rqrr pass) and of the others.
    let (mut settled_ms, mut settled_n, mut rest_ms, mut rest_n) = (0.0, 0, 0.0, 0);
    for case in cases(&qr) {
        if matches!(case.expect, Expect::Unspecified)
            || (!only.is_empty() && !only.iter().any(|s| *s == case.set))
        {
            continue;
        }
        let img = image::open(qr.join(&case.name)).expect("image").to_rgba8();
        let (w, h) = (img.width() as usize, img.height() as usize);
        // The decoder's own RGBA conversion, via decode_luma on the same luma.
        let luma: Vec<u8> = img
            .as_raw()
            .chunks_exact(4)
            .map(|p| {
                let y =
                    (299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2]) + 500)
                        / 1000;
                let a = u32::from(p[3]);
                ((y * a + 255 * (255 - a) + 127) / 255) as u8
            })
            .collect();
        let t = Instant::now();
        let (fast, unread) = decode_luma_fast(&luma, w, h).expect("fast");
        let fast_ms = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let full = decode_luma(&luma, w, h).expect("full");
        let full_ms = t.elapsed().as_secs_f64() * 1e3;
        if !fast.is_empty() && !unread {
            settled_ms += full_ms;
            settled_n += 1;
        } else {
            rest_ms += full_ms;
            rest_n += 1;
        }
        let sf = score(&case.expect, &fast);
        let s = score(&case.expect, &full);
        let tally = tallies.entry(case.set).or_default();
        tally.images += 1;
        tally.fast += usize::from(sf.correct);
        tally.full += usize::from(s.correct);
        tally.wrong += s.false_positives + s.unexpected;
        tally.fast_ms.push(fast_ms);
        tally.full_ms.push(full_ms);
        all_fast.push(fast_ms);
        all_full.push(full_ms);
        if !s.correct || !sf.correct {
            tally.missed.push(format!(
                "{} ({w}x{h}) fast={} unread={unread} full={} {full_ms:.1}ms",
                case.name, sf.correct, s.correct
            ));
        }
        if sf.false_positives + sf.unexpected > 0 {
            eprintln!("FAST WRONG {}: {:?}", case.name, fast);
        }
    }
    println!(
        "{:<20} {:>6} {:>6} {:>6} {:>6} {:>9} {:>9}",
        "set", "images", "fast", "full", "wrong", "fast ms", "full ms"
    );
    for set in SETS {
        if let Some(t) = tallies.get_mut(set) {
            println!(
                "{:<20} {:>6} {:>6} {:>6} {:>6} {:>9.2} {:>9.2}",
                set,
                t.images,
                t.fast,
                t.full,
                t.wrong,
                median(&mut t.fast_ms),
                median(&mut t.full_ms)
            );
            if show_missed {
                for m in &t.missed {
                    println!("    {m}");
                }
            }
        }
    }
    println!(
        "median ms: fast {:.2}, full {:.2}",
        median(&mut all_fast),
        median(&mut all_full)
    );
    println!(
        "settled by the fast pass: {settled_n} images, {settled_ms:.0} ms; \
         rqrr passes ran: {rest_n} images, {rest_ms:.0} ms"
    );
}
