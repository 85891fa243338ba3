// The QR decoder's own Web Worker (a module worker started by extension/qr/client.js).
//
// It holds the only instance of the QR decoder's wasm module (crate/qr-wasm, built into
// extension/qr/pkg/): if an image ever made the decoder trap (a panic is an `unreachable` with
// `panic = "abort"`), only this instance is lost. It then says so and closes; the client terminates
// it and starts a new one for the next image. Nothing here touches the vault or extension APIs.
//
// Request  { id, pixels: ArrayBuffer (transferred), width, height, kind: 'rgba' | 'luma' }
// Answer   { id, ok: true, texts: [string] } or { id, ok: false, error: { code }, trapped? }
import init, { decodeQr } from './pkg/tessera_qr_wasm.js';

const ready = init({ module_or_path: new URL('./pkg/tessera_qr_wasm_bg.wasm', import.meta.url) });
/** Set once the instance trapped: its memory may be inconsistent, so it is never used again. */
let broken = false;

self.addEventListener('message', async (event) => {
  const { id, pixels, width, height, kind } = event.data ?? {};
  if (broken) {
    self.postMessage({ id, ok: false, error: { code: 'qr_decoder_crashed' }, trapped: true });
    return;
  }
  try {
    await ready;
  } catch {
    self.postMessage({ id, ok: false, error: { code: 'qr_decoder_unavailable' } });
    return;
  }
  let texts;
  try {
    texts = decodeQr(new Uint8Array(pixels), width >>> 0, height >>> 0, String(kind));
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) {
      broken = true;
      self.postMessage({ id, ok: false, error: { code: 'qr_decoder_crashed' }, trapped: true });
      self.close();
      return;
    }
    // The bindings throw an Error whose message is a stable code (crate/qr-wasm).
    const code = /^qr_[a-z_]+$/.test(error?.message ?? '') ? error.message : 'generic';
    self.postMessage({ id, ok: false, error: { code } });
    return;
  }
  self.postMessage({ id, ok: true, texts });
});
