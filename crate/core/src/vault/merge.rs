//! Adding, editing and merging accounts without duplicates.
//!
//! Two records hold **the same account** when their type and secret bytes are equal (DEVELOPERS.md):
//! labels, digits and the rest may differ between copies of one account, the secret may not. Adding
//! an account that is already there is refused; merging a backup adds only accounts that are new,
//! and reports every account present in both whose other fields differ as a [`Conflict`] for the
//! user to decide. Nothing is ever overwritten silently.

use super::body::{DeviceId, Entry, RecordId, Stamp, Vault};
use super::keys::Rng;
use crate::account::Account;
use crate::otp::{Algorithm, OtpError};

/// Whether `a` and `b` are the same account: same type and same secret bytes.
pub fn same_account(a: &Account, b: &Account) -> bool {
    a.otp_type == b.otp_type && a.secret.expose() == b.secret.expose()
}

/// The fields of an account that may differ between two copies of it (everything but the type and
/// the secret). Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    /// Issuer.
    pub issuer: String,
    /// Account name.
    pub name: String,
    /// HMAC algorithm.
    pub algorithm: Algorithm,
    /// Number of digits.
    pub digits: u8,
    /// TOTP period in seconds.
    pub period: u32,
    /// HOTP counter.
    pub counter: u64,
}

impl Details {
    /// The details of an account.
    pub fn of(a: &Account) -> Details {
        Details {
            issuer: a.issuer.clone(),
            name: a.name.clone(),
            algorithm: a.algorithm,
            digits: a.digits,
            period: a.period,
            counter: a.counter,
        }
    }
}

/// An account present both in the vault and in what was merged into it, with differing details.
/// The vault keeps its own until the user chooses ([`Vault::update_details`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The vault's record.
    pub id: RecordId,
    /// Its details now.
    pub current: Details,
    /// The details of the merged copy.
    pub imported: Details,
}

/// What [`Vault::merge_accounts`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Records added (accounts that were not in the vault), in the order of the source.
    pub added: Vec<RecordId>,
    /// Accounts already in the vault with identical details: nothing to do.
    pub unchanged: usize,
    /// Accounts already in the vault with differing details: left as they were, for the user.
    pub conflicts: Vec<Conflict>,
}

impl Vault {
    /// The live record holding the same account as `account` (same type and secret), if any.
    pub fn find_account(&self, account: &Account) -> Option<RecordId> {
        self.accounts()
            .find(|(_, a, _)| same_account(a, account))
            .map(|(id, _, _)| id)
    }

    /// Adds `account` unless the vault already holds the same account (same type and secret), in
    /// which case nothing changes and the existing record's id is the error.
    pub fn add_new_account(
        &mut self,
        account: Account,
        sites: Vec<String>,
        stamp: Stamp,
        rng: Rng<'_>,
    ) -> Result<RecordId, RecordId> {
        match self.find_account(&account) {
            Some(existing) => Err(existing),
            None => Ok(self.add_account(account, sites, stamp, rng)),
        }
    }

    /// Replaces the details of a live account (its type and secret stay) and stamps it. `Ok(false)`
    /// when there is no live record with that id; an error, with nothing changed, when the details
    /// are invalid for the account's type.
    pub fn update_details(
        &mut self,
        id: RecordId,
        details: &Details,
        stamp: Stamp,
    ) -> Result<bool, OtpError> {
        let Some(record) = self.records.iter_mut().find(|r| r.id == id) else {
            return Ok(false);
        };
        let Entry::Account { account, .. } = &mut record.entry else {
            return Ok(false);
        };
        let mut changed = account.clone();
        changed.issuer.clone_from(&details.issuer);
        changed.name.clone_from(&details.name);
        changed.algorithm = details.algorithm;
        changed.digits = details.digits;
        changed.period = details.period;
        changed.counter = details.counter;
        changed.validate()?;
        *account = changed;
        record.stamp = stamp;
        Ok(true)
    }

    /// Merges the live accounts of `other` (a restored backup) into this vault: an account this vault
    /// lacks is added with a new id and a fresh stamp (its sites kept); an account it holds with
    /// identical details is counted; one it holds with differing details is reported as a conflict
    /// and left unchanged. Two copies of one account inside `other` are merged once. Tombstones and
    /// settings of `other` are not taken over.
    pub fn merge_accounts(
        &mut self,
        other: &Vault,
        now_millis: u64,
        device: DeviceId,
        rng: Rng<'_>,
    ) -> MergeReport {
        let mut report = MergeReport::default();
        for (_, theirs, sites) in other.accounts() {
            match self.find_account(theirs) {
                Some(id) => {
                    if report.added.contains(&id) {
                        continue; // a second copy inside the backup itself
                    }
                    let current = self
                        .accounts()
                        .find(|(i, _, _)| *i == id)
                        .map(|(_, a, _)| Details::of(a));
                    let imported = Details::of(theirs);
                    match current {
                        Some(current) if current != imported => {
                            if !report.conflicts.iter().any(|c| c.id == id) {
                                report.conflicts.push(Conflict {
                                    id,
                                    current,
                                    imported,
                                });
                            }
                        }
                        _ => report.unchanged += 1,
                    }
                }
                None => {
                    let stamp = Stamp::next(self.latest_stamp().as_ref(), now_millis, device);
                    let id = self.add_account(theirs.clone(), sites.to_vec(), stamp, rng);
                    report.added.push(id);
                }
            }
        }
        report
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests may unwrap.
mod tests {
    use super::*;
    use crate::account::OtpType;
    use crate::Secret;

    fn rng() -> impl FnMut(&mut [u8]) {
        let mut n = 0u8;
        move |buf: &mut [u8]| {
            for b in buf {
                n = n.wrapping_add(7);
                *b = n;
            }
        }
    }

    const DEVICE: DeviceId = DeviceId([1; 8]);

    fn account(issuer: &str, secret: &str) -> Account {
        Account::totp(issuer, "alice", Secret::from_base32(secret).unwrap())
    }

    fn stamp(ms: u64) -> Stamp {
        Stamp::next(None, ms, DEVICE)
    }

    fn labels(v: &Vault) -> Vec<String> {
        v.accounts().map(|(_, a, _)| a.issuer.clone()).collect()
    }

    #[test]
    fn the_same_type_and_secret_is_the_same_account_whatever_the_labels() {
        let a = account("A", "JBSWY3DPEHPK3PXP");
        let mut b = account("B", "jbsw y3dp ehpk 3pxp");
        b.digits = 8;
        assert!(same_account(&a, &b));
        b.otp_type = OtpType::Hotp;
        assert!(!same_account(&a, &b), "another type is another account");
        assert!(!same_account(&a, &account("A", "JBSWY3DPEHPK3PXQ")));
    }

    #[test]
    fn adding_an_existing_account_changes_nothing() {
        let mut r = rng();
        let mut v = Vault::new();
        let id = v
            .add_new_account(account("A", "JBSWY3DPEHPK3PXP"), vec![], stamp(1), &mut r)
            .unwrap();
        let before = v.clone();
        let again = v.add_new_account(account("B", "JBSWY3DPEHPK3PXP"), vec![], stamp(2), &mut r);
        assert_eq!(again, Err(id));
        assert_eq!(v, before);
        // A deleted account may be added again.
        assert!(v.delete(id, stamp(3)));
        assert!(v
            .add_new_account(account("A", "JBSWY3DPEHPK3PXP"), vec![], stamp(4), &mut r)
            .is_ok());
    }

    #[test]
    fn merge_adds_new_counts_equal_and_reports_differing_accounts() {
        let mut r = rng();
        let mut mine = Vault::new();
        let same = mine.add_account(
            account("Same", "GEZDGNBVGY3TQOJQ"),
            vec![],
            stamp(1),
            &mut r,
        );
        let differing = mine.add_account(
            account("Mine", "MFRGGZDFMZTWQ2LK"),
            vec![],
            stamp(2),
            &mut r,
        );
        let before = mine.clone();

        let mut backup = Vault::new();
        backup.add_account(
            account("Same", "GEZDGNBVGY3TQOJQ"),
            vec![],
            stamp(1),
            &mut r,
        );
        let mut theirs = account("Theirs", "mfrg gzdf mztw q2lk");
        theirs.digits = 8;
        backup.add_account(theirs, vec![], stamp(5), &mut r);
        backup.add_account(
            account("New", "KRSXG5DJNZTQ"),
            vec!["example.com".into()],
            stamp(6),
            &mut r,
        );
        backup.add_account(
            account("New copy", "KRSXG5DJNZTQ"),
            vec![],
            stamp(7),
            &mut r,
        );
        let gone = backup.add_account(account("Gone", "ONSWG4TFOQ"), vec![], stamp(8), &mut r);
        assert!(backup.delete(gone, stamp(9)));

        let report = mine.merge_accounts(&backup, 100, DEVICE, &mut r);
        assert_eq!(report.unchanged, 1);
        assert_eq!(
            report.added.len(),
            1,
            "one new account, its second copy merged into it"
        );
        assert_eq!(report.conflicts.len(), 1);
        let c = &report.conflicts[0];
        assert_eq!(c.id, differing);
        assert_eq!((c.current.issuer.as_str(), c.current.digits), ("Mine", 6));
        assert_eq!(
            (c.imported.issuer.as_str(), c.imported.digits),
            ("Theirs", 8)
        );
        assert_eq!(labels(&mine), ["Same", "Mine", "New"]);
        assert_eq!(
            mine.records[..2],
            before.records[..],
            "existing records untouched"
        );
        let (_, _, sites) = mine.accounts().nth(2).unwrap();
        assert_eq!(sites, ["example.com"]);
        assert!(mine.records[2].stamp > mine.records[1].stamp);
        assert!(same != differing);

        // Merging again adds nothing.
        let again = mine.merge_accounts(&backup, 200, DEVICE, &mut r);
        assert!(again.added.is_empty());
        // The backup's second copy ("New copy") now differs from the added "New": the user decides.
        let ids: Vec<RecordId> = again.conflicts.iter().map(|c| c.id).collect();
        assert_eq!(ids, [differing, report.added[0]]);
    }

    #[test]
    fn choosing_the_imported_details_updates_only_that_record() {
        let mut r = rng();
        let mut v = Vault::new();
        let id = v.add_account(
            account("Mine", "MFRGGZDFMZTWQ2LK"),
            vec![],
            stamp(1),
            &mut r,
        );
        let mut d = Details::of(v.accounts().next().unwrap().1);
        d.issuer = "Theirs".into();
        d.digits = 8;
        assert_eq!(v.update_details(id, &d, stamp(5)), Ok(true));
        let (_, a, _) = v.accounts().next().unwrap();
        assert_eq!((a.issuer.as_str(), a.digits), ("Theirs", 8));
        assert_eq!(a.secret.to_base32(), "MFRGGZDFMZTWQ2LK");
        assert_eq!(v.records[0].stamp.millis, 5);

        let before = v.clone();
        d.digits = 11;
        assert_eq!(
            v.update_details(id, &d, stamp(6)),
            Err(OtpError::InvalidDigits)
        );
        assert_eq!(v, before, "invalid details change nothing");
        assert_eq!(v.update_details(RecordId([9; 8]), &d, stamp(7)), Ok(false));
    }
}
