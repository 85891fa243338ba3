//! `tessera qr IMAGE... [--json]`: prints the text of every QR code in image files (PNG, JPEG,
//! GIF, BMP, WebP), read with the `image` crate and decoded by `tessera_core::qr`.
//!
//! Plain output: each text on its own line, files in the order given, each text once per file.
//! `--json`: `[{"file": "...", "texts": ["..."]}]`, one object per file, `texts` empty where no
//! code was found. A file without a code is not an error; a file that cannot be read or decoded
//! as an image, or one larger than the decoder accepts, is (and nothing is printed).

use std::fs;
use std::io::Cursor;
use std::path::PathBuf;

use image::{ImageReader, Limits};
use serde::Serialize;
use tessera_core::qr::{self, QrError};

/// What `tessera qr help` prints.
pub const USAGE: &str = "usage: tessera qr IMAGE... [--json]
  Prints the text of every QR code in the images (PNG, JPEG, GIF, BMP, WebP), one per line;
  --json prints [{\"file\": ..., \"texts\": [...]}] instead.";

/// Why `tessera qr` failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum QrCmdError {
    /// Wrong arguments; the message says which.
    Usage(String),
    /// A file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// The system's error.
        message: String,
    },
    /// A file is not an image in a supported format, or is damaged, or exceeds the size limits.
    Image {
        /// The file.
        path: PathBuf,
        /// The image decoder's error.
        message: String,
    },
    /// The decoder refused the pixels (for example, too large).
    Qr {
        /// The file.
        path: PathBuf,
        /// The decoder's error.
        error: QrError,
    },
}

impl QrCmdError {
    /// Stable code: `qr_cmd_…`, or the decoder's `qr_…` code.
    pub fn code(&self) -> &'static str {
        match self {
            QrCmdError::Usage(_) => "qr_cmd_usage",
            QrCmdError::Io { .. } => "qr_cmd_io",
            QrCmdError::Image { .. } => "qr_cmd_image",
            QrCmdError::Qr { error, .. } => error.code(),
        }
    }
}

impl core::fmt::Display for QrCmdError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            QrCmdError::Usage(m) => write!(f, "{m} (usage: tessera qr IMAGE... [--json])"),
            QrCmdError::Io { path, message } => write!(f, "{}: {message}", path.display()),
            QrCmdError::Image { path, message } => {
                write!(f, "{}: not a readable image: {message}", path.display())
            }
            QrCmdError::Qr { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl std::error::Error for QrCmdError {}

#[derive(Serialize)]
struct FileTexts {
    file: String,
    texts: Vec<String>,
}

/// Runs `tessera qr ARGS…` (`args` without the leading `qr`). Returns what to print on standard
/// output.
pub fn run(args: &[String]) -> Result<String, QrCmdError> {
    if matches!(
        args.first().map(String::as_str),
        Some("help" | "--help" | "-h")
    ) {
        return Ok(format!("{USAGE}\n"));
    }
    let mut json = false;
    let mut files = Vec::new();
    let mut only_files = false;
    for a in args {
        match a.as_str() {
            "--" if !only_files => only_files = true,
            "--json" if !only_files && !json => json = true,
            "--json" if !only_files => return Err(QrCmdError::Usage("--json given twice".into())),
            o if !only_files && o.starts_with('-') && o != "-" => {
                return Err(QrCmdError::Usage(format!("unknown option {o}")))
            }
            f => files.push(f.to_owned()),
        }
    }
    if files.is_empty() {
        return Err(QrCmdError::Usage("no image given".into()));
    }
    let mut results = Vec::with_capacity(files.len());
    for file in files {
        let texts = read_file(&file)?;
        results.push(FileTexts { file, texts });
    }
    if json {
        let mut out = serde_json::to_string(&results).map_err(|e| QrCmdError::Io {
            path: PathBuf::from("-"),
            message: e.to_string(),
        })?;
        out.push('\n');
        Ok(out)
    } else {
        Ok(results
            .iter()
            .flat_map(|r| r.texts.iter())
            .map(|t| format!("{t}\n"))
            .collect())
    }
}

/// The texts of one file's QR codes.
fn read_file(file: &str) -> Result<Vec<String>, QrCmdError> {
    let path = PathBuf::from(file);
    let bytes = fs::read(&path).map_err(|e| QrCmdError::Io {
        path: path.clone(),
        message: e.to_string(),
    })?;
    let image_error = |message: String| QrCmdError::Image {
        path: path.clone(),
        message,
    };
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| image_error(e.to_string()))?;
    // Refuse what the decoder would refuse before allocating it: a small hostile file can claim
    // to be gigapixels.
    let mut limits = Limits::default();
    limits.max_image_width = Some(qr::MAX_SIDE as u32);
    limits.max_image_height = Some(qr::MAX_SIDE as u32);
    limits.max_alloc = Some(qr::MAX_PIXELS as u64 * 8);
    reader.limits(limits);
    let rgba = reader
        .decode()
        .map_err(|e| image_error(e.to_string()))?
        .to_rgba8();
    let (w, h) = (rgba.width() as usize, rgba.height() as usize);
    qr::decode_rgba(rgba.as_raw(), w, h).map_err(|error| QrCmdError::Qr { path, error })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use qrcode::QrCode;

    /// Writes `text` as a QR code image (4 px modules, quiet zone) in `format` to a fresh file.
    fn code_file(name: &str, text: &str, format: image::ImageFormat) -> PathBuf {
        let code = QrCode::new(text).unwrap();
        let n = code.width() as u32;
        let colors = code.to_colors();
        let img = image::GrayImage::from_fn((n + 8) * 4, (n + 8) * 4, |x, y| {
            let (mx, my) = (x / 4, y / 4);
            let dark = (4..n + 4).contains(&mx)
                && (4..n + 4).contains(&my)
                && colors[((my - 4) * n + mx - 4) as usize] == qrcode::Color::Dark;
            image::Luma([if dark { 0 } else { 255 }])
        });
        let dir = std::env::temp_dir().join(format!("tessera-qr-cmd-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        image::DynamicImage::ImageLuma8(img)
            .to_rgb8()
            .save_with_format(&path, format)
            .unwrap();
        path
    }

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn prints_each_text_on_its_own_line_in_file_order() {
        let uri = "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example";
        let a = code_file("a.png", uri, image::ImageFormat::Png);
        let b = code_file("b.bmp", "second", image::ImageFormat::Bmp);
        let out = run(&args(&[a.to_str().unwrap(), b.to_str().unwrap()])).unwrap();
        assert_eq!(out, format!("{uri}\nsecond\n"));
    }

    #[test]
    fn json_lists_every_file_even_without_a_code() {
        let a = code_file("c.jpg", "in a jpeg", image::ImageFormat::Jpeg);
        let blank =
            std::env::temp_dir().join(format!("tessera-qr-blank-{}.gif", std::process::id()));
        image::RgbImage::from_pixel(64, 64, image::Rgb([255, 255, 255]))
            .save_with_format(&blank, image::ImageFormat::Gif)
            .unwrap();
        let out = run(&args(&[
            "--json",
            a.to_str().unwrap(),
            blank.to_str().unwrap(),
        ]))
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v,
            serde_json::json!([
                {"file": a.to_str().unwrap(), "texts": ["in a jpeg"]},
                {"file": blank.to_str().unwrap(), "texts": []},
            ])
        );
    }

    #[test]
    fn webp_is_read() {
        let a = code_file("d.webp", "webp too", image::ImageFormat::WebP);
        assert_eq!(run(&args(&[a.to_str().unwrap()])).unwrap(), "webp too\n");
    }

    #[test]
    fn bad_input_is_an_error_with_a_code() {
        assert_eq!(run(&[]).unwrap_err().code(), "qr_cmd_usage");
        assert_eq!(run(&args(&["--json"])).unwrap_err().code(), "qr_cmd_usage");
        assert_eq!(
            run(&args(&["--bogus", "x.png"])).unwrap_err().code(),
            "qr_cmd_usage"
        );
        let missing = run(&args(&["/nonexistent/tessera.png"])).unwrap_err();
        assert_eq!(missing.code(), "qr_cmd_io");
        assert!(missing
            .to_string()
            .starts_with("/nonexistent/tessera.png: "));
        let not_image =
            std::env::temp_dir().join(format!("tessera-qr-text-{}.png", std::process::id()));
        fs::write(&not_image, b"not an image").unwrap();
        assert_eq!(
            run(&args(&[not_image.to_str().unwrap()]))
                .unwrap_err()
                .code(),
            "qr_cmd_image"
        );
        assert!(run(&args(&["help"]))
            .unwrap()
            .starts_with("usage: tessera qr"));
    }

    #[test]
    fn oversized_images_are_refused_before_decoding() {
        // A real PNG 20,000 px wide: over MAX_SIDE, so refused on its header.
        let path = std::env::temp_dir().join(format!("tessera-qr-huge-{}.png", std::process::id()));
        let mut bytes = Vec::new();
        let enc = image::codecs::png::PngEncoder::new(&mut bytes);
        let row = vec![255u8; 20_000];
        image::ImageEncoder::write_image(enc, &row, 20_000, 1, image::ExtendedColorType::L8)
            .unwrap();
        fs::write(&path, &bytes).unwrap();
        assert_eq!(
            run(&args(&[path.to_str().unwrap()])).unwrap_err().code(),
            "qr_cmd_image"
        );
    }
}
