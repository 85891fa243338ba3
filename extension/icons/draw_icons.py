#!/usr/bin/env python3
"""Renders icon-16/32/48/128.png from the shapes of icon.svg (standard library only).

Run from anywhere: python3 extension/icons/draw_icons.py. Each pixel is supersampled 8x8 against
rounded rectangles in a 128-unit space, matching icon.svg; keep the two in step.
"""
import os
import struct
import zlib

# (x, y, width, height, corner radius, (r, g, b), opacity) in icon.svg's 128-unit space.
SHAPES = [
    (4, 4, 120, 120, 26, (0x0F, 0x76, 0x6E), 1.0),
    (22, 22, 38, 38, 8, (0xFF, 0xFF, 0xFF), 1.0),
    (68, 22, 38, 38, 8, (0xFF, 0xFF, 0xFF), 0.75),
    (22, 68, 38, 38, 8, (0xFF, 0xFF, 0xFF), 0.75),
    (68, 68, 38, 38, 8, (0xFB, 0xBF, 0x24), 1.0),
]
SIZES = (16, 32, 48, 128)
SAMPLES = 8


def inside(px, py, x, y, w, h, r):
    if px < x or py < y or px > x + w or py > y + h:
        return False
    cx = min(max(px, x + r), x + w - r)
    cy = min(max(py, y + r), y + h - r)
    return (px - cx) ** 2 + (py - cy) ** 2 <= r * r


def render(size):
    scale = 128 / size
    rows = []
    for j in range(size):
        row = bytearray([0])  # PNG filter type 0
        for i in range(size):
            acc = [0.0, 0.0, 0.0, 0.0]  # premultiplied r, g, b, alpha
            for sj in range(SAMPLES):
                for si in range(SAMPLES):
                    px = (i + (si + 0.5) / SAMPLES) * scale
                    py = (j + (sj + 0.5) / SAMPLES) * scale
                    r = g = b = a = 0.0
                    for (x, y, w, h, rad, (cr, cg, cb), op) in SHAPES:
                        if inside(px, py, x, y, w, h, rad):  # "over" compositing
                            r = cr * op + r * (1 - op)
                            g = cg * op + g * (1 - op)
                            b = cb * op + b * (1 - op)
                            a = op + a * (1 - op)
                    acc[0] += r
                    acc[1] += g
                    acc[2] += b
                    acc[3] += a
            n = SAMPLES * SAMPLES
            alpha = acc[3] / n
            if alpha > 0:
                row += bytes(round(min(255, c / n / alpha)) for c in acc[:3])
            else:
                row += b"\0\0\0"
            row.append(round(alpha * 255))
        rows.append(bytes(row))
    return png(size, b"".join(rows))


def png(size, raw):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    for size in SIZES:
        with open(os.path.join(here, f"icon-{size}.png"), "wb") as f:
            f.write(render(size))
