//! The QR image corpora under `shared/corpora/qr` (see its `BASELINE.md` and `INDEX.md` section 1):
//! which image should give which texts, read from each set's own expected-result files. Shared by
//! `tests/qr_corpus.rs` and `examples/qr_corpus_dump.rs` (which feeds `scripts/bench-qr.mjs`), so
//! the Rust tests and the benchmark score the same way.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

/// What an image must give.
#[derive(Debug, Clone)]
pub enum Expect {
    /// Every one of these texts (byte for byte); other texts are counted as unexpected.
    All(Vec<String>),
    /// Every one of these texts, compared after CRLF -> LF and without final line breaks on both
    /// sides (printbusinesscards: its text files have LF and no final line break where the codes
    /// hold CRLF and end with one).
    AllLf(Vec<String>),
    /// One text starting with this (Proton's GA export screenshots: only the prefix is published).
    Prefix(String),
    /// A part of a structured-append message: a non-empty piece of this full text.
    Part(String),
    /// No text at all (`falsepositives-*`).
    Nothing,
    /// Nothing asserted; the image is decoded only to show that decoding does not panic.
    Unspecified,
}

/// One image of a set.
#[derive(Debug, Clone)]
pub struct Case {
    /// The set, as `BASELINE.md` groups them.
    pub set: &'static str,
    /// Path relative to the `qr` folder.
    pub name: String,
    pub expect: Expect,
}

/// How a decoder's output for one case is scored.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Score {
    /// Every expected text was decoded (for `Nothing`: nothing was).
    pub correct: bool,
    /// Texts output on an image that must give nothing.
    pub false_positives: usize,
    /// Texts output that are not among those expected (misreads or codes the set does not list).
    pub unexpected: usize,
}

pub fn score(expect: &Expect, texts: &[String]) -> Score {
    match expect {
        Expect::All(want) => Score {
            correct: want.iter().all(|w| texts.contains(w)),
            false_positives: 0,
            unexpected: texts.iter().filter(|t| !want.contains(t)).count(),
        },
        Expect::AllLf(want) => {
            let lf = |t: &String| t.replace("\r\n", "\n").trim_end_matches('\n').to_owned();
            let want: Vec<String> = want.iter().map(lf).collect();
            let texts: Vec<String> = texts.iter().map(lf).collect();
            score(&Expect::All(want), &texts)
        }
        Expect::Prefix(p) => Score {
            correct: texts.iter().any(|t| t.starts_with(p.as_str())),
            false_positives: 0,
            unexpected: texts.iter().filter(|t| !t.starts_with(p.as_str())).count(),
        },
        Expect::Part(full) => Score {
            correct: texts
                .iter()
                .any(|t| !t.is_empty() && full.contains(t.as_str())),
            false_positives: 0,
            unexpected: texts.iter().filter(|t| !full.contains(t.as_str())).count(),
        },
        Expect::Nothing => Score {
            correct: texts.is_empty(),
            false_positives: texts.len(),
            unexpected: texts.len(),
        },
        Expect::Unspecified => Score::default(),
    }
}

/// `$TESSERA_CORPORA/qr`, or `shared/corpora/qr` beside the repository; `None` when absent.
pub fn qr_dir() -> Option<PathBuf> {
    let base = std::env::var_os("TESSERA_CORPORA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora"));
    let qr = base.join("qr");
    qr.is_dir().then_some(qr)
}

fn read(path: &Path) -> Option<String> {
    fs::read_to_string(path).ok()
}

fn json(path: &Path) -> Option<serde_json::Value> {
    serde_json::from_str(&read(path)?).ok()
}

fn is_image(p: &Path) -> bool {
    matches!(
        p.extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref(),
        Some("png" | "jpg" | "jpeg" | "gif" | "webp" | "bmp")
    )
}

fn images(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| is_image(p));
    v.sort();
    v
}

fn rel(qr: &Path, p: &Path) -> String {
    p.strip_prefix(qr)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

fn texts_of(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| {
                    x.as_str()
                        .or_else(|| x.get("text").and_then(|t| t.as_str()))
                        .map(str::to_owned)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Every case of every set present under `qr`, in a stable order.
pub fn cases(qr: &Path) -> Vec<Case> {
    let mut out = Vec::new();
    let mut push = |set, p: &Path, expect| {
        out.push(Case {
            set,
            name: rel(qr, p),
            expect,
        })
    };

    // ZXing (Java) blackbox: N.<ext> + N.txt; multi-qrcode-1 lists its four texts in JSON.
    for n in 1..=6 {
        for img in images(&qr.join(format!("zxing-java-blackbox/qrcode-{n}"))) {
            if let Some(t) = read(&img.with_extension("txt")) {
                push("zxing-java", &img, Expect::All(vec![t]));
            }
        }
    }
    let multi = qr.join("zxing-java-blackbox/multi-qrcode-1");
    if let Some(j) = json(&multi.join("1.expected.json")) {
        let texts = texts_of(&j["expected_texts_unordered"]);
        push("zxing-java", &multi.join("1.png"), Expect::All(texts));
    }

    // zxing-cpp samples: name.<ext> + name.txt; qrcode-7 is one structured-append message.
    for n in 1..=6 {
        for img in images(&qr.join(format!("zxing-cpp-samples/qrcode-{n}"))) {
            if let Some(t) = read(&img.with_extension("txt")) {
                push("zxing-cpp", &img, Expect::All(vec![t]));
            }
        }
    }
    let sa = qr.join("zxing-cpp-samples/qrcode-7");
    if let Some(full) = read(&sa.join("01.txt")) {
        for img in images(&sa) {
            push("zxing-cpp-7", &img, Expect::Part(full.clone()));
        }
    }
    for n in 1..=2 {
        for img in images(&qr.join(format!("zxing-cpp-samples/falsepositives-{n}"))) {
            push("falsepositives", &img, Expect::Nothing);
        }
    }

    // jsQR end-to-end: its own outputs; only those with a non-empty text are scored.
    let jsqr = qr.join("jsqr-end-to-end");
    if let Some(serde_json::Value::Array(rows)) = json(&jsqr.join("expected_summary.json")) {
        for row in rows {
            let (Some(id), Some(data)) = (row["id"].as_str(), row["data"].as_str()) else {
                continue;
            };
            if row["decoded"].as_bool() == Some(true) && !data.is_empty() {
                let img = jsqr.join(id).join("input.png");
                push("jsqr", &img, Expect::All(vec![data.to_owned()]));
            }
        }
    }

    // printbusinesscards: name.png + name.txt (CRLF -> LF).
    for img in images(&qr.join("printbusinesscards-quality-test")) {
        if let Some(t) = read(&img.with_extension("txt")) {
            push(
                "printbusinesscards",
                &img,
                Expect::AllLf(vec![t.replace("\r\n", "\n")]),
            );
        }
    }

    // Proton's GA export screenshots.
    for img in images(&qr.join("proton-ga-export-screenshots")) {
        let expect = if img.file_name().and_then(|n| n.to_str()) == Some("example.png") {
            Expect::All(vec!["This is an example".to_owned()])
        } else {
            Expect::Prefix("otpauth-migration://".to_owned())
        };
        push("proton", &img, expect);
    }

    // Aegis camera frames (the PNG conversions, correct stride applied).
    let aegis = qr.join("aegis-camera-frames");
    if let Some(t) = read(&aegis.join("qr.txt")) {
        for name in ["qr.png", "qr.strided.png"] {
            push(
                "aegis",
                &aegis.join(name),
                Expect::All(vec![t.trim_end().to_owned()]),
            );
        }
    }

    // rqrr's own test images: texts where its tests assert them, the rest only must not panic.
    let rq = qr.join("rqrr-tests");
    if let Some(serde_json::Value::Object(map)) = json(&rq.join("expected.json")) {
        for (name, v) in map {
            let mut texts = texts_of(&v["texts_unordered"]);
            texts.extend(texts_of(&v["decoded"]));
            texts.extend(texts_of(&v["decoded_in_order"]));
            let expect = if texts.is_empty() {
                Expect::Unspecified
            } else {
                Expect::All(texts)
            };
            push("rqrr-tests", &rq.join(&name), expect);
        }
    }
    out.retain(|c| qr.join(&c.name).is_file());
    out
}

/// The sets in report order.
pub const SETS: &[&str] = &[
    "zxing-java",
    "zxing-cpp",
    "zxing-cpp-7",
    "falsepositives",
    "jsqr",
    "printbusinesscards",
    "proton",
    "aegis",
    "rqrr-tests",
];
