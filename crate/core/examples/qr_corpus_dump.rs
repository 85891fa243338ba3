//! Decodes every image of the QR corpora once (with the `image` crate) and writes its pixels as
//! raw RGBA, plus `manifest.json` saying what each image must give, for `scripts/bench-qr.mjs`:
//! every decoder in the benchmark then sees the same pixels, and no JavaScript image decoder is
//! needed.
//!
//! `cargo run --release -p tessera-core --example qr_corpus_dump -- OUT_DIR [--native]`
//! (`--native` also decodes each image with the native decoder and prints per-set counts.)
//! The corpora are found as in the tests: `$TESSERA_CORPORA/qr` or `shared/corpora/qr`.

#[path = "../tests/qr_support/mod.rs"]
mod qr_support;

use qr_support::{cases, qr_dir, score, Expect, SETS};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = PathBuf::from(
        args.first()
            .ok_or("usage: qr_corpus_dump OUT_DIR [--native]")?,
    );
    let native = args.iter().any(|a| a == "--native");
    let qr = qr_dir().ok_or("no QR corpora (set TESSERA_CORPORA)")?;
    std::fs::create_dir_all(&out)?;
    let mut manifest = Vec::new();
    let mut tally: BTreeMap<&str, (usize, usize, usize, Vec<f64>)> = BTreeMap::new();
    for (i, case) in cases(&qr).iter().enumerate() {
        let img = image::open(qr.join(&case.name))?.to_rgba8();
        let (w, h) = img.dimensions();
        let file = format!("{i:04}.rgba");
        std::fs::write(out.join(&file), img.as_raw())?;
        let (kind, texts) = match &case.expect {
            Expect::All(t) => ("all", t.clone()),
            Expect::AllLf(t) => ("all_lf", t.clone()),
            Expect::Prefix(p) => ("prefix", vec![p.clone()]),
            Expect::Part(full) => ("part", vec![full.clone()]),
            Expect::Nothing => ("nothing", vec![]),
            Expect::Unspecified => ("unspecified", vec![]),
        };
        manifest.push(json!({
            "set": case.set, "name": case.name, "file": file, "width": w, "height": h,
            "expect": { "kind": kind, "texts": texts },
        }));
        if native {
            let t = Instant::now();
            let got = tessera_core::qr::decode_rgba(img.as_raw(), w as usize, h as usize)?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if matches!(case.expect, Expect::Unspecified) {
                continue;
            }
            let s = score(&case.expect, &got);
            let e = tally.entry(case.set).or_default();
            e.0 += 1;
            e.1 += usize::from(s.correct);
            e.2 += s.false_positives;
            e.3.push(ms);
            if !s.correct && std::env::var_os("TESSERA_QR_MISSED").is_some() {
                eprintln!("missed {} ({w}x{h}, {ms:.1} ms): {got:?}", case.name);
            }
        }
    }
    std::fs::write(
        out.join("manifest.json"),
        serde_json::to_string(&json!({ "qr_dir": qr, "images": manifest }))?,
    )?;
    if native {
        let mut all = Vec::new();
        for set in SETS {
            if let Some((n, ok, fp, ms)) = tally.get_mut(set) {
                ms.sort_by(f64::total_cmp);
                all.extend_from_slice(ms);
                println!(
                    "{set}: {ok}/{n} correct, {fp} FP, median {:.2} ms, p90 {:.2} ms",
                    ms[ms.len() / 2],
                    ms[ms.len() * 9 / 10]
                );
            }
        }
        all.sort_by(f64::total_cmp);
        println!(
            "all: median {:.2} ms, p90 {:.2} ms",
            all[all.len() / 2],
            all[all.len() * 9 / 10]
        );
    }
    Ok(())
}
