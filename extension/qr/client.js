// Decoding QR codes from an extension page (popup, options, the scan page): the client of the
// decoder worker (extension/qr/decoder-worker.js), which runs the decoder's own wasm instance.
//
// A service worker cannot start workers, so this module is for pages only. Requests run one at a
// time. After any trap of the decoder (the worker reports a wasm trap, fires its error event, or
// does not answer within the time limit) the worker is terminated and the caller gets a
// QrDecodeError with a stable code; the next request starts a fresh worker and wasm instance.
//
//   import { decodePixels, decodeImageData } from '../qr/client.js';
//   const texts = await decodeImageData(context.getImageData(0, 0, w, h));   // [string]
//
// Error codes (each has err_<code> in _locales): qr_decoder_crashed (trap or worker error),
// qr_timeout, qr_decoder_unavailable (the module could not be loaded), qr_kind_invalid, and the
// core's qr_empty, qr_too_large, qr_size_mismatch.

/** How long one image may take before the worker is considered hung and replaced. The decoder's
 *  work is bounded (about 20 linear passes; crate/core/src/qr.rs): a 4K capture takes well under
 *  this on slow hardware, so reaching it means something is wrong. */
export const DECODE_TIMEOUT_MS = 30_000;

const WORKER_URL = new URL('./decoder-worker.js', import.meta.url);

/** A failed decode, with a stable code. */
export class QrDecodeError extends Error {
  constructor(code) {
    super(`QR decoding failed: ${code}`);
    this.name = 'QrDecodeError';
    this.code = code;
  }
}

let worker = null;
/** How many workers this page started (1 + respawns); for tests and diagnostics. */
let started = 0;
let nextId = 1;
/** Requests run one after another through this chain, so each gets the whole time limit. */
let queue = Promise.resolve();

/** { started, running }: how many decoder workers this page started, and whether one runs now. */
export function decoderStats() {
  return { started, running: worker !== null };
}

function spawn() {
  started += 1;
  return new Worker(WORKER_URL, { type: 'module', name: 'tessera-qr-decoder' });
}

function discard(w) {
  w.terminate();
  if (worker === w) worker = null;
}

function run(pixels, width, height, kind, timeout) {
  return new Promise((resolve, reject) => {
    const w = worker ?? (worker = spawn());
    const id = nextId++;
    let timer;
    const finish = (fn, value) => {
      clearTimeout(timer);
      w.removeEventListener('message', onMessage);
      w.removeEventListener('error', onError);
      w.removeEventListener('messageerror', onError);
      fn(value);
    };
    const onMessage = (event) => {
      const answer = event.data;
      if (answer?.id !== id) return;
      if (answer.ok && Array.isArray(answer.texts)) {
        finish(resolve, answer.texts.filter((t) => typeof t === 'string'));
        return;
      }
      if (answer.trapped) discard(w);
      const code = typeof answer.error?.code === 'string' ? answer.error.code : 'generic';
      finish(reject, new QrDecodeError(code));
    };
    const onError = (event) => {
      event.preventDefault?.();
      discard(w);
      finish(reject, new QrDecodeError('qr_decoder_crashed'));
    };
    w.addEventListener('message', onMessage);
    w.addEventListener('error', onError);
    w.addEventListener('messageerror', onError);
    timer = setTimeout(() => {
      discard(w);
      finish(reject, new QrDecodeError('qr_timeout'));
    }, timeout);
    w.postMessage({ id, pixels: pixels.buffer, width, height, kind }, [pixels.buffer]);
  });
}

/**
 * Every QR code's text in `pixels` (a Uint8Array of `kind` 'rgba', 4 bytes per pixel, or 'luma',
 * 1 byte per pixel), each once. The pixels are copied to the worker; `pixels` stays usable.
 * Rejects with a QrDecodeError.
 */
export function decodePixels(pixels, width, height, kind = 'rgba', { timeout = DECODE_TIMEOUT_MS } = {}) {
  if (!(pixels instanceof Uint8Array || pixels instanceof Uint8ClampedArray)) {
    return Promise.reject(new QrDecodeError('qr_size_mismatch'));
  }
  const copy = new Uint8Array(pixels.buffer.slice(pixels.byteOffset, pixels.byteOffset + pixels.byteLength)); // transferred
  const task = queue.then(() => run(copy, width, height, kind, timeout));
  queue = task.catch(() => {});
  return task;
}

/** Every QR code's text in an ImageData (from a canvas). Rejects with a QrDecodeError. */
export function decodeImageData(imageData, options) {
  return decodePixels(imageData.data, imageData.width, imageData.height, 'rgba', options);
}
