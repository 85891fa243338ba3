//! Sync merge properties over random histories: 2–3 devices add, edit and delete accounts and
//! exchange through one simulated `storage.sync` (its items as strings, writes in the order the
//! extension makes them, some writes cut off after the chunks). After a final exchange every device
//! holds the same accounts, no account is held twice, and every account added and never deleted by
//! a user survives. The truth is the history itself, recorded as it is generated.
#![allow(clippy::unwrap_used)] // Tests may unwrap.

use std::collections::{BTreeMap, BTreeSet};

use tessera_core::sync::{
    self, join, normalize, state_of, Base, Remote, Slot, State, SyncEntry, SyncKey,
};
use tessera_core::vault::{DerivedKey, Details, DeviceId, Entry, KdfParams, Stamp, Vault};
use tessera_core::{Account, OtpType, Secret};

/// SplitMix64: a seeded, deterministic generator.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn fill(&mut self, b: &mut [u8]) {
        for x in b {
            *x = self.next() as u8;
        }
    }
}

struct Device {
    id: DeviceId,
    vault: Vault,
    base: Base,
    skew: i64,
}

/// A secret from a small pool, so that two devices often add the same account.
fn secret(n: u64) -> Vec<u8> {
    let mut s = vec![0u8; 20];
    s[0] = n as u8;
    s[19] = 0x5a;
    s
}

fn kind(n: u64) -> OtpType {
    if n % 3 == 0 {
        OtpType::Hotp
    } else {
        OtpType::Totp
    }
}

struct World {
    devices: Vec<Device>,
    storage: BTreeMap<String, String>,
    key: SyncKey,
    slot: Slot,
    now: u64,
}

impl World {
    fn new(g: &mut Gen, n: usize) -> World {
        let mut rng = |b: &mut [u8]| b.fill(0x42);
        let key = SyncKey::generate(&mut rng);
        let derived = DerivedKey::from_slice(&[7; 32]).unwrap();
        let kdf = KdfParams::new(vec![1; 16], 10_000).unwrap();
        let slot = Slot::new(&key, &derived, kdf, &mut rng);
        World {
            devices: (0..n)
                .map(|i| Device {
                    id: DeviceId([i as u8 + 1; 8]),
                    vault: Vault::new(),
                    base: Base::new(),
                    skew: g.below(5_000) as i64 - 2_500,
                })
                .collect(),
            storage: BTreeMap::new(),
            key,
            slot,
            now: 1_700_000_000_000,
        }
    }

    fn stamp(&self, d: usize) -> Stamp {
        let dev = &self.devices[d];
        let clock = self.now.saturating_add_signed(dev.skew);
        Stamp::next(dev.vault.latest_stamp().as_ref(), clock, dev.id)
    }

    /// One sync round of device `d`; `cut` stops after the chunk writes (worker stopped).
    fn sync(&mut self, g: &mut Gen, d: usize, cut: bool) -> bool {
        let remote = Remote {
            items: self
                .storage
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            other_bytes: 0,
            other_items: 0,
        };
        let dev = &self.devices[d];
        let mut fill = |b: &mut [u8]| g.fill(b);
        let outcome = sync::step(
            &dev.vault, &self.key, &self.slot, &remote, &dev.base, dev.id, self.now, false,
            &mut fill,
        );
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) => panic!("sync failed: {e}"),
        };
        assert!(!outcome.over_quota);
        let dev = &mut self.devices[d];
        if let Some(v) = outcome.vault {
            dev.vault = v;
        }
        if let Some(w) = &outcome.writes {
            for (k, v) in &w.set {
                self.storage.insert(k.clone(), v.clone());
            }
            if cut {
                return false;
            }
            self.storage
                .insert(w.manifest.0.clone(), w.manifest.1.clone());
            for k in &w.remove {
                self.storage.remove(k);
            }
        }
        dev.base = outcome.base;
        outcome.writes.is_some()
    }
}

fn live(v: &Vault) -> Vec<(Vec<u8>, String, String, u64)> {
    let mut out: Vec<_> = v
        .accounts()
        .map(|(id, a, _)| {
            let mut k = id.0.to_vec();
            k.extend_from_slice(a.secret.expose());
            (k, a.issuer.clone(), a.name.clone(), a.counter)
        })
        .collect();
    out.sort();
    out
}

fn run_history(seed: u64) {
    let mut g = Gen(seed);
    let n = 2 + g.below(2) as usize;
    let mut w = World::new(&mut g, n);
    // Truth: accounts (type, secret) ever added, and those a user deleted.
    let mut added: BTreeSet<(u8, Vec<u8>)> = BTreeSet::new();
    let mut deleted: BTreeSet<(u8, Vec<u8>)> = BTreeSet::new();
    let steps = 6 + g.below(25);
    for _ in 0..steps {
        w.now += g.below(120_000);
        let d = g.below(n as u64) as usize;
        match g.below(10) {
            0..=2 => {
                let s = g.below(12);
                let mut a = Account::with_type(
                    kind(s),
                    &format!("Issuer{}", g.below(4)),
                    &format!("user{}@example.com", g.below(4)),
                    Secret::from_bytes(secret(s)).unwrap(),
                );
                if a.otp_type == OtpType::Hotp {
                    a.counter = g.below(3);
                }
                let stamp = w.stamp(d);
                let mut fill = |b: &mut [u8]| g.fill(b);
                if w.devices[d]
                    .vault
                    .add_new_account(a, vec![], stamp, &mut fill)
                    .is_ok()
                {
                    added.insert((kind(s) as u8, secret(s)));
                }
            }
            3..=4 => {
                let ids: Vec<_> = w.devices[d]
                    .vault
                    .accounts()
                    .map(|(id, a, _)| (id, Details::of(a)))
                    .collect();
                if ids.is_empty() {
                    continue;
                }
                let (id, mut det) = ids[g.below(ids.len() as u64) as usize].clone();
                match g.below(3) {
                    0 => det.issuer = format!("Edited{}", g.below(5)),
                    1 => det.name = format!("renamed{}", g.below(5)),
                    _ => det.counter += 1 + g.below(3),
                }
                let stamp = w.stamp(d);
                w.devices[d].vault.update_details(id, &det, stamp).unwrap();
            }
            5 => {
                let ids: Vec<_> = w.devices[d]
                    .vault
                    .accounts()
                    .map(|(id, a, _)| (id, (a.otp_type as u8, a.secret.expose().to_vec())))
                    .collect();
                if ids.is_empty() {
                    continue;
                }
                let (id, acc) = ids[g.below(ids.len() as u64) as usize].clone();
                let stamp = w.stamp(d);
                assert!(w.devices[d].vault.delete(id, stamp));
                deleted.insert(acc);
            }
            _ => {
                let cut = g.below(8) == 0;
                w.sync(&mut g, d, cut);
            }
        }
    }
    // Final exchange: rounds until no device writes, then one more read each.
    let mut rounds = 0;
    loop {
        let mut wrote = false;
        for d in 0..n {
            wrote |= w.sync(&mut g, d, false);
        }
        rounds += 1;
        assert!(rounds < 8, "seed {seed}: no fixpoint after 8 rounds");
        if !wrote {
            break;
        }
    }
    let first = live(&w.devices[0].vault);
    for dev in &w.devices[1..] {
        assert_eq!(live(&dev.vault), first, "seed {seed}: devices differ");
    }
    for dev in &w.devices {
        let mut seen = BTreeSet::new();
        for (_, a, _) in dev.vault.accounts() {
            assert!(
                seen.insert((a.otp_type as u8, a.secret.expose().to_vec())),
                "seed {seed}: an account is held twice"
            );
        }
        for acc in added.difference(&deleted) {
            assert!(
                seen.contains(acc),
                "seed {seed}: an account never deleted was lost"
            );
        }
    }
    // Every device's vault is the merged state: its records agree with what storage holds.
    for dev in &w.devices {
        for r in &dev.vault.records {
            if let Entry::Account { .. } = r.entry {
                assert!(dev.base.contains_key(&r.id));
            }
        }
    }
}

#[test]
fn ten_thousand_random_histories_converge_without_loss_or_duplicates() {
    for seed in 0..10_000 {
        run_history(seed);
    }
}

fn random_state(g: &mut Gen) -> State {
    let mut v = Vault::new();
    let devices = [DeviceId([1; 8]), DeviceId([2; 8]), DeviceId([3; 8])];
    for _ in 0..g.below(8) {
        let s = g.below(6);
        let stamp = Stamp {
            millis: g.below(50),
            counter: g.below(3) as u32,
            device: devices[g.below(3) as usize],
        };
        let mut a = Account::with_type(
            kind(s),
            &format!("I{}", g.below(3)),
            "n",
            Secret::from_bytes(secret(s)).unwrap(),
        );
        a.counter = g.below(4);
        // Ids from a small space, so that states share records.
        let idb = g.below(6) as u8;
        if v.records.iter().any(|r| r.id.0[7] == idb) {
            continue;
        }
        let mut fixed = |b: &mut [u8]| {
            b.fill(0);
            b[7] = idb;
        };
        let id = v.add_account(a, vec![], stamp, &mut fixed);
        if g.below(4) == 0 {
            let later = Stamp {
                millis: stamp.millis + g.below(10),
                ..stamp
            };
            v.delete(id, later);
        }
    }
    state_of(&v)
}

fn show(s: &State) -> Vec<String> {
    s.values()
        .map(|r| match &r.entry {
            SyncEntry::Account { account, .. } => format!(
                "{} {:?} A {} {} {}",
                r.id,
                r.stamp,
                account.issuer,
                account.counter,
                account.secret.expose()[0]
            ),
            SyncEntry::Deleted {
                at_millis,
                counter,
                into,
            } => format!("{} {:?} D {at_millis} {counter} {into:?}", r.id, r.stamp),
        })
        .collect()
}

#[test]
fn join_is_commutative_associative_and_idempotent() {
    let mut g = Gen(99);
    for _ in 0..10_000 {
        let (a, b, c) = (
            random_state(&mut g),
            random_state(&mut g),
            random_state(&mut g),
        );
        assert_eq!(show(&join(&a, &b)), show(&join(&b, &a)));
        assert_eq!(
            show(&join(&join(&a, &b), &c)),
            show(&join(&a, &join(&b, &c)))
        );
        assert_eq!(show(&join(&a, &a)), show(&a));
        // Folding duplicates is deterministic and idempotent, whatever the order of joins.
        let mut x = join(&join(&a, &b), &c);
        let mut y = join(&c, &join(&b, &a));
        normalize(&mut x);
        normalize(&mut y);
        assert_eq!(show(&x), show(&y));
        let once = show(&x);
        normalize(&mut x);
        assert_eq!(show(&x), once);
    }
}
