//! Shift_JIS, the QR standard's encoding for Kanji mode (ISO/IEC 18004 7.4.6), which Japanese
//! codes also use in byte mode. rqrr writes Kanji-mode characters as their Shift_JIS bytes; this
//! turns such text into Unicode when it is not UTF-8 (the decoder's first choice), as ZXing does.
//!
//! The double-byte table is `sjis.bin`, written by `scripts/gen-sjis-table.py` from Python's
//! `shift_jis` codec (JIS X 0208 as Java's "SJIS" maps it) with `cp932` for the NEC and IBM
//! extensions; layout in that script.

/// UTF-16 code units, little-endian, `LEADS x TRAILS`, 0 where undefined.
static TABLE: &[u8; 18_800] = include_bytes!("sjis.bin");
/// Trail bytes per lead byte: 0x40-0xFC without 0x7F.
const TRAILS: usize = 188;

fn lead_index(b: u8) -> Option<usize> {
    match b {
        0x81..=0x9F => Some(usize::from(b - 0x81)),
        0xE0..=0xEF => Some(usize::from(b - 0xE0) + 31),
        0xFA..=0xFC => Some(usize::from(b - 0xFA) + 47),
        _ => None,
    }
}

fn trail_index(b: u8) -> Option<usize> {
    match b {
        0x40..=0x7E => Some(usize::from(b - 0x40)),
        0x80..=0xFC => Some(usize::from(b - 0x41)),
        _ => None,
    }
}

/// Half-width katakana in a row from which a text counts as Shift_JIS without any double-byte
/// character (ZXing `StringUtils.guessEncoding`: `sjisMaxKatakanaWordLength >= 3`); shorter
/// runs are more likely ISO-8859-1 letters such as "Ã".
const KATAKANA_RUN: usize = 3;

/// The text of `bytes` read as Shift_JIS, if every byte is ASCII, half-width katakana or part of
/// a defined double-byte character, and there is a double-byte character or a run of
/// [`KATAKANA_RUN`] half-width katakana (otherwise ISO-8859-1 is the standard's reading).
pub(super) fn decode(bytes: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(bytes.len() * 2);
    let mut double = false;
    let (mut run, mut longest) = (0, 0);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        run = if (0xA1..=0xDF).contains(&b) {
            run + 1
        } else {
            0
        };
        longest = longest.max(run);
        match b {
            0x00..=0x7F => out.push(char::from(b)),
            0xA1..=0xDF => out.push(char::from_u32(0xFF61 + u32::from(b - 0xA1))?),
            _ => {
                let lead = lead_index(b)?;
                let trail = trail_index(*bytes.get(i + 1)?)?;
                let at = (lead * TRAILS + trail) * 2;
                let unit = u16::from_le_bytes([*TABLE.get(at)?, *TABLE.get(at + 1)?]);
                if unit == 0 {
                    return None;
                }
                out.push(char::from_u32(u32::from(unit))?);
                double = true;
                i += 1;
            }
        }
        i += 1;
    }
    (double || longest >= KATAKANA_RUN).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn known_characters() {
        // Hiragana A, the first level-1 kanji, WAVE DASH as JIS maps it, an IBM extension,
        // half-width katakana, ASCII.
        let bytes = [
            0x82, 0xA0, 0x88, 0x9F, 0x81, 0x60, 0xFA, 0x40, 0xB1, b'Q', b'R',
        ];
        assert_eq!(decode(&bytes).as_deref(), Some("あ亜\u{301C}ⅰｱQR"));
        // Only single bytes: Shift_JIS from three half-width katakana in a row.
        assert_eq!(decode(b"plain"), None);
        assert_eq!(decode(&[b'S', 0xC3, b'O']), None);
        assert_eq!(decode(&[0xC3, 0xDE, 0xBB]).as_deref(), Some("ﾃﾞｻ"));
        // A lead byte without a trail, an undefined pair, a byte that is never Shift_JIS.
        assert_eq!(decode(&[b'a', 0x82]), None);
        assert_eq!(decode(&[0x85, 0x40]), None);
        assert_eq!(decode(&[0x80, 0x40]), None);
    }
}
