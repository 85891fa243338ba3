// Wasm half of scripts/bench.sh: codes per second under node, tessera-core against totp-rs, both
// compiled into one module with the shipped profile. Prints one JSON object.
//   node scripts/bench-wasm.mjs <dir with tessera_bench.js (wasm-bindgen --target nodejs)> [n]
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const bench = require(path.resolve(process.argv[2], 'tessera_bench.js'));
const n = Number(process.argv[3] ?? 200000);

function rate(f) {
  let best = Infinity, sum;
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    sum = f(n);
    best = Math.min(best, performance.now() - t);
  }
  return [n / (best / 1000), sum];
}
const [ours, a] = rate(bench.benchTessera);
const [peer, b] = rate(bench.benchTotpRs);
if (a !== b) throw new Error('tessera-core and totp-rs disagree');
console.log(JSON.stringify({ codes: n, tessera_per_s: Math.round(ours), totp_rs_per_s: Math.round(peer), ratio: +(ours / peer).toFixed(3) }));
