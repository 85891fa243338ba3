// Draws a QR code on a <canvas> from the core's module matrix (wasm qrMatrix). The text is often an
// otpauth URI with its secret, so it goes only into canvas pixels: never into an attribute, a data
// URL or the console. The caller must have initialised the wasm module (pkg/tessera_wasm.js init).
import { qrMatrix } from '../pkg/tessera_wasm.js';

/** Quiet zone around the code, in modules (ISO/IEC 18004 asks for 4). */
export const QUIET_ZONE = 4;

/**
 * Draws `text`'s QR code on `canvas`, dark on white whatever the page's theme (cameras want that),
 * with `moduleSize` CSS pixels per module (crisp on HiDPI screens). Returns the number of modules
 * per side. Throws the core's TesseraError `qr_too_long` for a text no QR code holds.
 */
export function renderQr(canvas, text, { moduleSize = 4 } = {}) {
  const modules = qrMatrix(text);
  const size = Math.round(Math.sqrt(modules.length));
  const side = size + 2 * QUIET_ZONE;
  const ratio = Math.max(1, Math.ceil(globalThis.devicePixelRatio ?? 1));
  canvas.width = side * moduleSize * ratio;
  canvas.height = side * moduleSize * ratio;
  canvas.style.width = `${side * moduleSize}px`;
  canvas.style.height = `${side * moduleSize}px`;
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.fillStyle = '#000';
  const unit = moduleSize * ratio;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      if (modules[y * size + x]) g.fillRect((x + QUIET_ZONE) * unit, (y + QUIET_ZONE) * unit, unit, unit);
    }
  }
  modules.fill(0);
  return size;
}
