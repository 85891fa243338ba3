//! Native half of `scripts/bench.sh`: codes per second, tessera-core against totp-rs, in one run.
//! Prints one JSON object. Timing lives here, never in a test.
use std::time::Instant;

fn rate(f: fn(u32) -> u64, n: u32) -> (f64, u64) {
    let mut best = f64::MAX;
    let mut sum = 0;
    for _ in 0..7 {
        let t = Instant::now();
        sum = std::hint::black_box(f(std::hint::black_box(n)));
        best = best.min(t.elapsed().as_secs_f64());
    }
    (f64::from(n) / best, sum)
}

fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    let (ours, a) = rate(tessera_bench::tessera, n);
    let (peer, b) = rate(tessera_bench::totp_rs, n);
    assert_eq!(a, b, "tessera-core and totp-rs disagree");
    println!(
        "{{\"codes\":{n},\"tessera_per_s\":{ours:.0},\"totp_rs_per_s\":{peer:.0},\"ratio\":{:.3}}}",
        ours / peer
    );
}
