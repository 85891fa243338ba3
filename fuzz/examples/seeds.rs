//! Writes seed inputs for the fuzz targets whose input is structured (scripts/fuzz.sh runs it):
//! real sealed vaults and their body plaintexts (vault_open), QR codes rendered as luma and RGBA
//! pixels (qr_decode), and stores holding a real vault under various pointers (storage_read).
//!
//!   cargo +nightly run --manifest-path fuzz/Cargo.toml --example seeds -- fuzz/corpus
use std::path::Path;

use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use qrcode::{Color, EcLevel, QrCode};
use tessera_core::vault::{self, KdfParams, Protection, Stamp, Vault};
use tessera_core::{Account, Secret};

fn rng(seed: u8) -> impl FnMut(&mut [u8]) {
    let mut n = seed;
    move |buf: &mut [u8]| {
        for b in buf {
            n = n.wrapping_mul(31).wrapping_add(17);
            *b = n;
        }
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(dir.join(name), bytes).expect("write");
}

fn sample_vault(accounts: usize) -> Vault {
    let mut r = rng(3);
    let mut v = Vault::new();
    for i in 0..accounts {
        let secret = Secret::from_bytes(vec![i as u8 + 1; 20]).expect("secret");
        let mut a = Account::totp(
            &format!("Issuer{i}"),
            &format!("user{i}@example.com"),
            secret,
        );
        if i % 3 == 1 {
            a.digits = 8;
        }
        let stamp = Stamp {
            millis: 1_700_000_000_000 + i as u64,
            ..Stamp::default()
        };
        v.add_account(a, vec![format!("site{i}.example")], stamp, &mut r);
    }
    if accounts > 1 {
        let id = v.records[0].id;
        v.delete(
            id,
            Stamp {
                millis: 1_800_000_000_000,
                ..Stamp::default()
            },
        );
        v.settings.insert("autolock_minutes".into(), "15".into());
    }
    v
}

/// The body plaintext of a sealed unprotected vault (data key from the `none` slot).
fn body_plaintext(sealed: &[u8]) -> Vec<u8> {
    let header_len = usize::from(u16::from_be_bytes([sealed[10], sealed[11]]));
    let key: [u8; 32] = sealed[20..52].try_into().expect("none slot key");
    let nonce = &sealed[header_len - 12..header_len];
    let mut body = sealed[header_len..].to_vec();
    Aes256Gcm::new(&key.into())
        .decrypt_in_place(Nonce::from_slice(nonce), &sealed[..header_len], &mut body)
        .expect("own vault opens");
    body
}

fn qr_pixels(text: &str, scale: usize, rgba: bool) -> Vec<u8> {
    let code = QrCode::with_error_correction_level(text, EcLevel::L).expect("fits");
    let modules = code.width();
    let quiet = 2;
    let side = (modules + 2 * quiet) * scale;
    let bpp = if rgba { 4 } else { 1 };
    let mut out = vec![if rgba { 0 } else { 1 }];
    out.extend_from_slice(&(side as u16).to_le_bytes());
    out.extend_from_slice(&(side as u16).to_le_bytes());
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = (
                (x / scale).wrapping_sub(quiet),
                (y / scale).wrapping_sub(quiet),
            );
            let dark = mx < modules && my < modules && code[(mx, my)] == Color::Dark;
            let v = if dark { 0 } else { 255 };
            out.extend(std::iter::repeat_n(v, bpp.min(3)));
            if rgba {
                out.push(255);
            }
        }
    }
    out
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "fuzz/corpus".into());
    let out = Path::new(&out);

    // vault_open: byte 0 even = whole file, odd = body plaintext.
    let dir = out.join("vault_open");
    for n in [0, 1, 4] {
        let (sealed, _) =
            vault::seal_new(&sample_vault(n), &Protection::None, &mut rng(n as u8)).expect("seal");
        write(
            &dir,
            &format!("seed-none-{n}"),
            &[&[0u8][..], &sealed].concat(),
        );
        write(
            &dir,
            &format!("seed-body-{n}"),
            &[&[1u8][..], &body_plaintext(&sealed)].concat(),
        );
    }
    let mut r = rng(9);
    let kdf =
        KdfParams::generate_with_iterations(&mut r, vault::MIN_PBKDF2_ITERATIONS).expect("kdf");
    let key = vault::DerivedKey::from_slice(&[0x17; 32]).expect("key");
    let (sealed, _) = vault::seal_new(&sample_vault(2), &Protection::Password { key, kdf }, &mut r)
        .expect("seal");
    write(&dir, "seed-password-2", &[&[0u8][..], &sealed].concat());

    // qr_decode: byte 0 bit 0 = RGBA; width and height little-endian; pixels.
    let dir = out.join("qr_decode");
    for (i, text) in [
        "otpauth://totp/A:b?secret=JBSWY3DP&issuer=A",
        "hello",
        "0123456789",
    ]
    .iter()
    .enumerate()
    {
        write(&dir, &format!("seed-luma-{i}"), &qr_pixels(text, 2, false));
        write(&dir, &format!("seed-rgba-{i}"), &qr_pixels(text, 1, true));
    }

    // storage_read: pointer, then (key byte, value byte, bytes) entries; see the target.
    let dir = out.join("storage_read");
    let one = |g: &str, sealed: bool| -> Vec<u8> {
        let mut e = vec![0x80 | g.len() as u8, if sealed { 0x80 } else { 2 }];
        e.extend_from_slice(g.as_bytes());
        if !sealed {
            e.extend_from_slice(b"TSRVAULT");
        }
        e
    };
    let mut s = vec![9, 0, 0, 0, 0, 0, 0, 0, 2];
    s.extend(one("1", true));
    s.extend(one("2", true));
    s.extend(one("3", false));
    write(&dir, "seed-pointer-2", &s);
    let mut s = vec![3, 1, 2];
    s.extend(one("7", true));
    s.extend(one("07", true));
    s.extend(one("current", false));
    write(&dir, "seed-torn-pointer", &s);
    println!("seeds written under {}", out.display());
}
