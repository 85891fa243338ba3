#!/usr/bin/env python3
"""Writes crate/core/src/qr/sjis.bin, the Shift_JIS double-byte table the QR decoder uses for
texts in Kanji mode or Shift_JIS byte mode (crate/core/src/qr/sjis.rs).

Layout: for each lead byte 0x81-0x9F, 0xE0-0xEF, 0xFA-0xFC (50) and each trail byte 0x40-0xFC
except 0x7F (188), the UTF-16 code unit as little-endian u16, 0 where undefined: 18,800 bytes.
Source: Python's codecs, 'shift_jis' (JIS X 0208 as ZXing's Java "SJIS" maps it, e.g. 0x8160 is
U+301C WAVE DASH), and 'cp932' (Windows-31J) for what shift_jis leaves undefined (NEC and IBM
extensions in rows 13 and 89-92 and leads 0xFA-0xFC).

    python3 scripts/gen-sjis-table.py
"""
import os
import struct

LEADS = list(range(0x81, 0xA0)) + list(range(0xE0, 0xF0)) + list(range(0xFA, 0xFD))
TRAILS = [t for t in range(0x40, 0xFD) if t != 0x7F]


def char(pair):
    for codec in ("shift_jis", "cp932"):
        try:
            c = pair.decode(codec)
        except UnicodeDecodeError:
            continue
        if len(c) == 1 and ord(c) < 0x10000:
            return ord(c)
    return 0


out = bytearray()
for lead in LEADS:
    for trail in TRAILS:
        out += struct.pack("<H", char(bytes([lead, trail])))
path = os.path.join(os.path.dirname(__file__), "..", "crate", "core", "src", "qr", "sjis.bin")
with open(path, "wb") as f:
    f.write(out)
print(f"{path}: {len(out)} bytes")
