//! Sync capacity: the largest number of typical accounts whose sealed, chunked set fits
//! `storage.sync` (102,400 bytes, 8,192 per item, 512 items), and the bytes per account.
//! Run by `scripts/bench.sh sync`; prints a Markdown section for bench/RESULTS.md.
//!
//! A typical account: a 20-byte random secret (the common 160-bit TOTP secret), an issuer of about
//! 12 characters from a list of real services, an account name of about 24 characters (e-mail
//! addresses and user names), TOTP SHA-1, 6 digits, 30 s, no sites, added over a year on two devices.
#![allow(clippy::unwrap_used)] // An example may unwrap.

use tessera_core::sync::{self, Base, Remote, Slot, SyncKey, QUOTA_BYTES};
use tessera_core::vault::{DerivedKey, DeviceId, KdfParams, Stamp, Vault};
use tessera_core::{Account, Secret};

struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[(self.next() % list.len() as u64) as usize]
    }
    fn fill(&mut self, b: &mut [u8]) {
        for x in b {
            *x = self.next() as u8;
        }
    }
}

const ISSUERS: &[&str] = &[
    "GitHub Inc.",
    "Google Cloud",
    "Microsoft365",
    "Amazon AWS EU",
    "DigitalOcean",
    "Cloudflare Inc",
    "Atlassian Co.",
    "Dropbox Inc.",
    "Meta Facebook",
    "Twitter / X",
    "ProtonMail",
    "Bitwarden Inc",
    "Coinbase Pro",
    "Kraken Exch.",
    "Binance.com",
    "GitLab.com",
    "Heroku Cloud",
    "Linode Akamai",
    "Salesforce CRM",
    "Slack Tech.",
    "Discord Inc.",
    "Nintendo Acc",
    "Epic Games St.",
    "Steam (Valve)",
    "PayPal Inc.",
    "Stripe Dash",
    "Namecheap Inc.",
    "npm registry",
    "PyPI (Python)",
    "Docker Hub Inc",
];
const FIRST: &[&str] = &[
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
    "oscar", "peggy", "trent", "victor", "walter", "sybil", "niaj", "olivia", "rupert",
];
const LAST: &[&str] = &[
    "smith",
    "jansen",
    "devries",
    "bakker",
    "visser",
    "mulder",
    "meijer",
    "boer",
    "dekker",
    "brouwer",
    "dijkstra",
    "vermeulen",
    "hendriks",
    "peters",
    "koster",
];
const DOMAINS: &[&str] = &[
    "gmail.com",
    "outlook.com",
    "example.org",
    "proton.me",
    "work.example",
    "fastmail.fm",
];

fn typical(g: &mut Gen, random_labels: bool) -> Account {
    let mut secret = vec![0u8; 20];
    g.fill(&mut secret);
    let (issuer, name) = if random_labels {
        let mut s = |n: usize| -> String {
            (0..n)
                .map(|_| char::from(b'!' + (g.next() % 94) as u8))
                .collect()
        };
        (s(12), s(24))
    } else {
        let issuer = g.pick(ISSUERS).to_owned();
        let name = format!("{}.{}@{}", g.pick(FIRST), g.pick(LAST), g.pick(DOMAINS));
        (issuer, name)
    };
    Account::totp(&issuer, &name, Secret::from_bytes(secret).unwrap())
}

/// Bytes the set of `n` accounts takes in storage.sync, and whether it fits.
fn measure(n: usize, random_labels: bool) -> (sync::Usage, bool, usize, usize) {
    let mut g = Gen(2026 + n as u64);
    let mut fill = |b: &mut [u8]| {
        for x in b.iter_mut() {
            *x = 0;
        }
    };
    let key = SyncKey::from_bytes(&[3; 32]).unwrap();
    let slot = Slot::new(
        &key,
        &DerivedKey::from_slice(&[4; 32]).unwrap(),
        KdfParams::new(vec![5; 16], 600_000).unwrap(),
        &mut fill,
    );
    let mut v = Vault::new();
    let start = 1_735_689_600_000u64; // 2025-01-01
    let (mut labels, mut names) = (0, 0);
    for i in 0..n {
        let a = typical(&mut g, random_labels);
        labels += a.issuer.chars().count();
        names += a.name.chars().count();
        let stamp = Stamp {
            millis: start + g.next() % (365 * 86_400_000),
            counter: 0,
            device: DeviceId([(i % 2) as u8 + 1; 8]),
        };
        let mut ids = |b: &mut [u8]| g.fill(b);
        v.add_account(a, vec![], stamp, &mut ids);
    }
    let mut rng = Gen(n as u64);
    let mut draw = |b: &mut [u8]| rng.fill(b);
    let o = sync::step(
        &v,
        &key,
        &slot,
        &Remote::default(),
        &Base::new(),
        DeviceId([1; 8]),
        start + 400 * 86_400_000,
        false,
        &mut draw,
    )
    .unwrap();
    (o.usage, !o.over_quota, labels / n.max(1), names / n.max(1))
}

fn largest(random_labels: bool) -> usize {
    let (mut lo, mut hi) = (1usize, 4_000usize);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if measure(mid, random_labels).1 {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

fn main() {
    println!("## Sync capacity (`scripts/bench.sh sync`)\n");
    println!("How many accounts fit `storage.sync` (QUOTA_BYTES {QUOTA_BYTES}, 8,192 bytes per item, 512 items), counted as Chrome counts: each key plus the JSON text of its value. The set is the real one `sync::step` writes: records compressed with raw DEFLATE (miniz_oxide, level 9) per chunk, sealed with AES-256-GCM, 13 bits per 2 characters of a 91-character alphabet, plus the manifest. Deterministic (seeded); the goal is at least 1,000 typical accounts.\n");
    println!("| accounts | labels | largest that fits | bytes used | bytes per account | items | largest item |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    for (what, random) in [
        ("typical: 20-byte secret, real issuers, e-mail names", false),
        ("worst case: random printable labels", true),
    ] {
        let n = largest(random);
        let (u, _, issuer, name) = measure(n, random);
        println!(
            "| {what} | issuer {issuer} chars, name {name} chars (mean) | {n} | {} | {:.1} | {} | {} |",
            u.bytes,
            u.bytes as f64 / n as f64,
            u.items,
            u.largest_item
        );
    }
    let (u, _, _, _) = measure(1_000, false);
    println!(
        "\n1,000 typical accounts take {} bytes ({:.1}% of the quota) in {} items.",
        u.bytes,
        100.0 * u.bytes as f64 / QUOTA_BYTES as f64,
        u.items
    );
}
