//! Differential test against totp-rs 5.7 (an independent implementation) for every input it accepts:
//! 6 to 8 digits, secrets of at least 16 bytes (128 bits), SHA1/SHA256/SHA512, any period and time.
//! Inputs come from a seeded SplitMix64 generator (same seeds every run).
#![allow(clippy::unwrap_used)]

use tessera_core::{otp, Account, Algorithm, OtpType, Secret};
use totp_rs::{Algorithm as PeerAlgorithm, TOTP};

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[test]
fn codes_match_totp_rs() {
    let mut state = 0x5eed_u64;
    let times = [
        0u64,
        59,
        1_111_111_109,
        2_000_000_000,
        4_102_444_800, /* 2100 */
        1 << 33,
        u64::MAX / 2,
    ];
    let mut compared = 0;
    for i in 0..3_000u64 {
        let (ours_alg, peer_alg) = match i % 3 {
            0 => (Algorithm::Sha1, PeerAlgorithm::SHA1),
            1 => (Algorithm::Sha256, PeerAlgorithm::SHA256),
            _ => (Algorithm::Sha512, PeerAlgorithm::SHA512),
        };
        let digits = 6 + (splitmix(&mut state) % 3) as usize;
        let len = 16 + (splitmix(&mut state) % 113) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| splitmix(&mut state) as u8).collect();
        let period = [1, 30, 60, 86_400, 1 + (splitmix(&mut state) % 86_400)][i as usize % 5];
        let time = if i % 2 == 0 {
            times[i as usize % times.len()]
        } else {
            splitmix(&mut state) >> 1
        };

        let peer = TOTP::new(peer_alg, digits, 1, period, bytes.clone()).unwrap();
        let mut ours = Account::totp("", "", Secret::from_bytes(bytes).unwrap());
        ours.algorithm = ours_alg;
        ours.digits = digits as u8;
        ours.period = period as u32;
        let code = ours.code_at(time).unwrap();
        assert_eq!(code.code, peer.generate(time), "case {i}");
        // Seconds until the next step: totp-rs next_step() is the first second of the next step.
        assert_eq!(code.valid_until, Some(peer.next_step(time)), "case {i}");
        assert_eq!(
            otp::seconds_left(time, ours.period).unwrap(),
            peer.next_step(time) - time
        );

        // HOTP is TOTP at counter = time / period, so totp-rs checks our HOTP too.
        let mut hotp = ours.clone();
        hotp.otp_type = OtpType::Hotp;
        hotp.counter = time / period;
        assert_eq!(hotp.code_at(0).unwrap().code, code.code);
        compared += 1;
    }
    assert_eq!(compared, 3_000);
}

#[test]
fn totp_rs_rejects_what_we_accept_on_purpose() {
    // The reasons otp.rs gives for not delegating to totp-rs, checked against the peer itself.
    let short = b"1234567890".to_vec(); // 80-bit secrets are common
    assert!(TOTP::new(PeerAlgorithm::SHA1, 6, 1, 30, short.clone()).is_err());
    assert!(TOTP::new(PeerAlgorithm::SHA1, 5, 1, 30, vec![0; 20]).is_err());
    assert!(TOTP::new(PeerAlgorithm::SHA1, 10, 1, 30, vec![0; 20]).is_err());
    let mut ours = Account::totp("", "", Secret::from_bytes(short).unwrap());
    ours.digits = 10;
    assert_eq!(ours.code_at(59).unwrap().code.len(), 10);
}
