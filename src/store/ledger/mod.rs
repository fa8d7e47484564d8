//! The tamper-evident log: every pledge and every audit entry gets a ledger row whose hash
//! covers the record and the previous row's hash, written in the same transaction.
//!
//! What the chain proves: a pledge or audit row that was edited, deleted, swapped with
//! another or inserted without the application is found by [`verify`], also when the
//! attacker dropped the refusing triggers first, unless they recomputed every later hash.
//! That last attack, and cutting the newest rows off, is caught by comparing [`head`] with
//! a copy kept elsewhere (posted to the owners, written down by an inspector).
//!
//! Personal fields (the Telegram id of the pledger or actor, the audit detail, which names
//! users by id) enter the hash only through a salted SHA-256 commitment. The salt sits in
//! the ledger row; without it the commitment reveals nothing that can be guessed, and
//! clearing those fields one day (with their salt) leaves every hash recomputable.

mod chain;
mod post;
mod receipts;
mod verify;

use rusqlite::{Connection, params};

use super::{Result, StoreError};
use crate::domain::receipt::ReceiptKey;

pub use chain::{Head, Record, append, append_pledge, head};
pub use post::{HeadPost, OWN_KIND, post_head_once};
pub use receipts::{ReceiptCheck, check_receipt, new_receipt_code, receipt_key};
pub use verify::{Broken, Problem, Verified, verify};

use chain::Owned;

/// Migration: the chain, the receipt secret, the username history and the triggers that
/// refuse edits. Existing rows are chained by [`migrate_existing`].
pub const SCHEMA: &str = r#"
    CREATE TABLE ledger (
        seq        INTEGER PRIMARY KEY,      -- 1, 2, 3 ... with no gaps
        kind       TEXT NOT NULL,            -- pledge | audit
        record_key TEXT NOT NULL,            -- pledge: '<receipt code> <election>'; audit: its id
        salt       BLOB NOT NULL,            -- 16 random bytes of this row's commitment
        commitment BLOB NOT NULL,            -- SHA-256 over the salt and the personal fields
        prev_hash  BLOB NOT NULL,            -- the previous row's hash; zeros for the first
        hash       BLOB NOT NULL
    );

    -- The receipt secret, generated once from the OS CSPRNG (see domain::receipt).
    CREATE TABLE receipt_key (
        id  INTEGER PRIMARY KEY CHECK (id = 1),
        key BLOB NOT NULL
    );

    -- Every username a user was seen with, so a grant by @username can tell when a name
    -- changed hands.
    CREATE TABLE usernames (
        username   TEXT NOT NULL COLLATE NOCASE,
        user_id    INTEGER NOT NULL,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (username, user_id)
    ) WITHOUT ROWID;
    INSERT INTO usernames (username, user_id, first_seen)
        SELECT username, id, first_seen FROM users WHERE username IS NOT NULL AND username != '';

    -- A first line only: whoever holds the file can drop these, and verify still notices.
    CREATE TRIGGER pledges_refuse_update BEFORE UPDATE ON pledges
        BEGIN SELECT RAISE(ABORT, 'pledges are append-only'); END;
    CREATE TRIGGER pledges_refuse_delete BEFORE DELETE ON pledges
        BEGIN SELECT RAISE(ABORT, 'pledges are append-only'); END;
    CREATE TRIGGER audit_log_refuse_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_log_refuse_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER ledger_refuse_update BEFORE UPDATE ON ledger
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
    CREATE TRIGGER ledger_refuse_delete BEFORE DELETE ON ledger
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
    CREATE TRIGGER receipt_key_refuse_update BEFORE UPDATE ON receipt_key
        BEGIN SELECT RAISE(ABORT, 'the receipt key never changes'); END;
    CREATE TRIGGER receipt_key_refuse_delete BEFORE DELETE ON receipt_key
        BEGIN SELECT RAISE(ABORT, 'the receipt key never changes'); END;
"#;

/// Migration hook: generates the receipt secret and chains the pledges and audit entries
/// that exist already, oldest first (ties broken by kind and key), so `verify` passes
/// right after an upgrade. Questions stored before masking existed are masked now.
pub fn migrate_existing(tx: &rusqlite::Transaction<'_>) -> rusqlite_migration::HookResult {
    let stored: Vec<(i64, String)> = tx
        .prepare("SELECT id, question FROM unanswered_questions")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, question) in stored {
        let masked = crate::domain::redact::mask_identity_numbers(&question);
        if masked != question {
            tx.execute(
                "UPDATE unanswered_questions SET question = ?2 WHERE id = ?1",
                params![id, masked.as_ref()],
            )?;
        }
    }

    let key = ReceiptKey::generate()
        .map_err(|e| rusqlite_migration::HookError::Hook(format!("no randomness: {e}")))?;
    tx.execute(
        "INSERT INTO receipt_key (id, key) VALUES (1, ?1)",
        [key.as_bytes().as_slice()],
    )?;

    let mut existing: Vec<(String, u8, String, Owned)> = Vec::new();
    for (kind, records) in [(0, Owned::all_pledges(tx)?), (1, Owned::all_audit(tx)?)] {
        for record in records {
            let at = record.at().to_owned();
            existing.push((at, kind, record.as_record().record_key(), record));
        }
    }
    existing.sort_by(|a, b| (&a.0, a.1, &a.2).cmp(&(&b.0, b.1, &b.2)));
    for (_, _, _, record) in &existing {
        append(tx, record.as_record()).map_err(|e| match e {
            StoreError::Sql(e) => rusqlite_migration::HookError::RusqliteError(e),
            other => rusqlite_migration::HookError::Hook(other.to_string()),
        })?;
    }
    Ok(())
}

/// Runs `f` inside a savepoint: on its own connection that is a transaction, inside a
/// caller's transaction it nests, so a record and its ledger row are written together or
/// not at all either way.
pub fn atomically<T>(conn: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    // On its own connection the write lock is taken up front (IMMEDIATE): the receipt key
    // and the chain head are read before the insert, and a deferred start would fail with
    // SQLITE_BUSY_SNAPSHOT, not wait, when another process wrote in between.
    let (begin, commit, rollback) = if conn.is_autocommit() {
        ("BEGIN IMMEDIATE", "COMMIT", "ROLLBACK")
    } else {
        (
            "SAVEPOINT ledger_write",
            "RELEASE ledger_write",
            "ROLLBACK TO ledger_write; RELEASE ledger_write",
        )
    };
    conn.prepare_cached(begin)?.execute([])?;
    match f() {
        Ok(value) => {
            conn.prepare_cached(commit)?.execute([])?;
            Ok(value)
        }
        Err(e) => {
            // The original error matters more than a failure to roll back.
            let _ = conn.execute_batch(rollback);
            Err(e)
        }
    }
}

/// For tests elsewhere in the crate that backdate pledges to build a scenario: lifts the
/// update trigger (the chain will then report those rows, which such tests don't check).
#[cfg(test)]
pub fn allow_pledge_edits(conn: &Connection) -> Result<()> {
    conn.execute_batch("DROP TRIGGER IF EXISTS pledges_refuse_update")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::pledge;
    use crate::i18n::Lang;
    use crate::store::{Store, audit, pledges, users};

    fn seeded() -> Store {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                for id in 1..=5 {
                    users::register_pppk(c, id, "dinkes")?;
                    pledges::confirm(c, id, "E", "h", crate::store::test_now())?;
                }
                audit::record(c, 9, "grant_hr", "user=3", crate::store::test_now())?;
                pledges::confirm(c, 1, "F", "h", crate::store::test_now())?;
                Ok(())
            })
            .unwrap();
        store
    }

    fn verified(store: &Store) -> std::result::Result<Verified, Broken> {
        store.with(|c| verify(c)).unwrap()
    }

    fn tamper(store: &Store, sql: &str) {
        store
            .with(|c| {
                c.execute_batch(
                    "PRAGMA foreign_keys = OFF;
                     DROP TRIGGER pledges_refuse_update; DROP TRIGGER pledges_refuse_delete;
                     DROP TRIGGER audit_log_refuse_update; DROP TRIGGER audit_log_refuse_delete;
                     DROP TRIGGER ledger_refuse_update; DROP TRIGGER ledger_refuse_delete;",
                )?;
                c.execute_batch(sql)?;
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn an_untouched_chain_verifies_and_its_head_moves_with_each_record() {
        let store = seeded();
        let ok = verified(&store).unwrap();
        // Five registrations audit nothing; one grant is audited.
        assert_eq!((ok.pledges, ok.audit_entries), (6, 1));
        assert_eq!(ok.head, store.with(|c| head(c)).unwrap());
        assert_eq!(ok.head.seq, 7);
        assert!(
            ok.to_string()
                .starts_with("ok: 6 pledges, 1 audit entries, head ")
        );
        store
            .with(|c| audit::record(c, 9, "export", "unit=all rows=5", crate::store::test_now()))
            .unwrap();
        let later = verified(&store).unwrap();
        assert_ne!(later.head, ok.head);
        assert_eq!(later.head.seq, 8);
    }

    #[test]
    fn an_empty_database_verifies() {
        let store = Store::open_in_memory().unwrap();
        let ok = verified(&store).unwrap();
        assert_eq!((ok.pledges, ok.audit_entries, ok.head.seq), (0, 0, 0));
        assert_eq!(ok.head.hash, "0".repeat(64));
    }

    #[test]
    fn triggers_refuse_edits_and_deletions() {
        let store = seeded();
        store
            .with(|c| {
                for sql in [
                    "UPDATE pledges SET confirmed_at = '2000-01-01T00:00:00.000Z'",
                    "DELETE FROM pledges WHERE user_id = 2",
                    "UPDATE audit_log SET detail = ''",
                    "DELETE FROM audit_log",
                    "UPDATE ledger SET hash = x'00'",
                    "DELETE FROM ledger WHERE seq = 7",
                    "DELETE FROM receipt_key",
                ] {
                    assert!(c.execute_batch(sql).is_err(), "{sql}");
                }
                Ok(())
            })
            .unwrap();
        assert!(verified(&store).is_ok());
    }

    #[test]
    fn an_edited_pledge_is_named() {
        let store = seeded();
        tamper(
            &store,
            "UPDATE pledges SET confirmed_at = '2020-01-01T00:00:00.000Z' WHERE user_id = 3",
        );
        let broken = verified(&store).unwrap_err();
        assert_eq!(broken.seq, Some(3));
        assert_eq!(broken.problem, Problem::RecordDiffers);
        assert!(broken.record.starts_with("IKR-"), "{broken}");
    }

    #[test]
    fn a_pledge_moved_to_another_user_is_caught() {
        let store = seeded();
        store
            .with(|c| users::register_pppk(c, 77, "dinkes"))
            .unwrap();
        tamper(&store, "UPDATE pledges SET user_id = 77 WHERE user_id = 4");
        let broken = verified(&store).unwrap_err();
        assert_eq!(
            (broken.seq, broken.problem),
            (Some(4), Problem::FieldEdited)
        );
    }

    #[test]
    fn swapped_pledges_are_caught() {
        let store = seeded();
        tamper(
            &store,
            "UPDATE pledges SET user_id = -1 WHERE user_id = 2 AND election = 'E';
             UPDATE pledges SET user_id = 2 WHERE user_id = 3 AND election = 'E';
             UPDATE pledges SET user_id = 3 WHERE user_id = -1 AND election = 'E';",
        );
        assert_eq!(verified(&store).unwrap_err().seq, Some(2));
    }

    #[test]
    fn a_deleted_pledge_or_ledger_entry_is_caught() {
        let store = seeded();
        tamper(&store, "DELETE FROM pledges WHERE user_id = 5");
        let broken = verified(&store).unwrap_err();
        assert_eq!(broken.seq, Some(5));

        let store = seeded();
        tamper(&store, "DELETE FROM ledger WHERE seq = 2");
        assert_eq!(verified(&store).unwrap_err().seq, Some(3));

        // Both the pledge and its entry: the next entry no longer follows.
        let store = seeded();
        let victim: String = store
            .with(|c| {
                Ok(
                    c.query_row("SELECT record_key FROM ledger WHERE seq = 2", [], |r| {
                        r.get(0)
                    })?,
                )
            })
            .unwrap();
        tamper(
            &store,
            &format!(
                "DELETE FROM pledges WHERE receipt_code || ' ' || election = '{victim}';
                 DELETE FROM ledger WHERE seq = 2;
                 UPDATE ledger SET seq = seq - 1 WHERE seq > 2;"
            ),
        );
        let broken = verified(&store).unwrap_err();
        assert_eq!(broken.seq, Some(2));
    }

    #[test]
    fn reordered_ledger_entries_are_caught() {
        let store = seeded();
        tamper(
            &store,
            "UPDATE ledger SET seq = -2 WHERE seq = 2;
             UPDATE ledger SET seq = 2 WHERE seq = 3;
             UPDATE ledger SET seq = 3 WHERE seq = -2;",
        );
        assert_eq!(verified(&store).unwrap_err().seq, Some(2));
    }

    #[test]
    fn audit_edits_and_rows_behind_the_chain_are_caught() {
        let store = seeded();
        tamper(&store, "UPDATE audit_log SET detail = 'user=4'");
        assert_eq!(verified(&store).unwrap_err().problem, Problem::FieldEdited);

        let store = seeded();
        tamper(&store, "UPDATE audit_log SET action = 'export'");
        assert_eq!(verified(&store).unwrap_err().seq, Some(6));

        let store = seeded();
        tamper(
            &store,
            "INSERT INTO audit_log (at, actor_id, action, detail)
             VALUES ('2020-01-01T00:00:00.000Z', 1, 'export', '')",
        );
        let broken = verified(&store).unwrap_err();
        assert_eq!((broken.seq, broken.record.as_str()), (None, "audit #2"));
    }

    #[test]
    fn a_pledge_inside_a_rolled_back_transaction_leaves_no_entry() {
        let store = seeded();
        store
            .with(|c| {
                users::touch(c, 50, "x", None, Lang::Id, crate::store::test_now())?;
                let tx = c.transaction()?;
                pledges::confirm(&tx, 50, "E", "h", crate::store::test_now())?;
                tx.rollback()?;
                Ok(())
            })
            .unwrap();
        assert_eq!(verified(&store).unwrap().pledges, 6);
        // A failed insert (unknown user) leaves no entry either.
        assert!(
            store
                .with(|c| pledges::confirm(c, 999, "E", "h", crate::store::test_now()))
                .is_err()
        );
        assert_eq!(verified(&store).unwrap().head.seq, 7);
    }

    #[test]
    fn receipts_are_checked_with_initials_only() {
        let store = Store::open_in_memory().unwrap();
        let (code, check) = store
            .with(|c| {
                users::touch(c, 1, "Budi", None, Lang::Id, crate::store::test_now())?;
                let name = crate::domain::FullName::parse("Budi Santoso").unwrap();
                let unit = crate::domain::UnitCode::parse("dinkes").unwrap();
                users::register(
                    c,
                    1,
                    crate::domain::Employment::Pppk,
                    &name,
                    None,
                    &unit,
                    crate::store::test_now(),
                )?;
                let (pledge, _) =
                    pledges::confirm(c, 1, "Pilkada X", "h", crate::store::test_now())?;
                let lower = pledge.receipt_code.to_lowercase().replace('-', " ");
                Ok((pledge.receipt_code, check_receipt(c, &lower)?))
            })
            .unwrap();
        let check = check.expect("a real receipt");
        assert_eq!(check.receipt_code, code);
        assert_eq!(check.election, "Pilkada X");
        assert_eq!(check.unit_code.as_deref(), Some("dinkes"));
        assert_eq!(check.initials.as_deref(), Some("B. S."));
        // Not the permutation anyone can compute from the id any more.
        assert_ne!(code, pledge::receipt_code(1, "Pilkada X"));
        store
            .with(|c| {
                assert_eq!(check_receipt(c, "IKR-2345-6789")?, None);
                assert_eq!(check_receipt(c, "not a code")?, None);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn another_deployment_does_not_know_our_codes() {
        let ours = seeded();
        let theirs = seeded();
        let code = |s: &Store| {
            s.with(|c| Ok(pledges::get(c, 2, "E")?.unwrap().receipt_code))
                .unwrap()
        };
        let (a, b) = (code(&ours), code(&theirs));
        assert_ne!(a, b);
        assert!(ours.with(|c| check_receipt(c, &a)).unwrap().is_some());
        assert!(theirs.with(|c| check_receipt(c, &a)).unwrap().is_none());
    }

    #[test]
    fn a_row_written_without_the_secret_is_not_vouched_for() {
        let store = seeded();
        store
            .with(|c| {
                users::register_pppk(c, 60, "dinkes")?;
                c.execute(
                    "INSERT INTO pledges VALUES (60, 'E', 'h', '2020-11-02T00:00:00.000Z',
                                                'IKR-2345-6789')",
                    [],
                )?;
                append(
                    c,
                    Record::Pledge {
                        user_id: 60,
                        election: "E",
                        text_hash: "h",
                        confirmed_at: "2020-11-02T00:00:00.000Z",
                        receipt_code: "IKR-2345-6789",
                    },
                )?;
                assert_eq!(check_receipt(c, "IKR-2345-6789")?, None);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn an_upgraded_database_is_chained_and_its_old_codes_stay_valid() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        let all = crate::store::migrations::migrations();
        all.to_version(&mut conn, 5).unwrap();
        let old = pledge::receipt_code(1, "E");
        conn.execute_batch(&format!(
            "INSERT INTO users (id, display_name, username, employment, full_name, unit_code,
                                registered_at, first_seen)
                 VALUES (1, 'x', 'budi', 'pns', 'Budi Santoso', 'dinkes',
                         '2020-11-01T00:00:00.000Z', '2020-11-01T00:00:00.000Z'),
                        (2, 'y', NULL, 'pppk', 'Ani', 'disdik', '2020-11-01T00:00:00.000Z',
                         '2020-11-01T00:00:00.000Z');
             INSERT INTO pledges VALUES
                 (1, 'E', 'h', '2020-11-02T00:00:00.000Z', '{old}'),
                 (2, 'E', 'h', '2020-11-02T00:00:00.000Z', '{}');
             INSERT INTO unanswered_questions (user_id, question, lang, score, asked_at)
                 VALUES (1, 'NIP saya 19850312 201001 1 002, boleh?', 'id', 0.1,
                         '2020-11-01T00:00:00.000Z');
             INSERT INTO audit_log (at, actor_id, action, detail) VALUES
                 ('2020-11-01T00:00:00.000Z', 0, 'export', 'cli unit=all rows=0'),
                 ('2020-11-03T00:00:00.000Z', 9, 'grant_hr', 'user=2');",
            pledge::receipt_code(2, "E")
        ))
        .unwrap();
        all.to_latest(&mut conn).unwrap();
        let ok = verify(&conn).unwrap().unwrap();
        assert_eq!((ok.pledges, ok.audit_entries, ok.head.seq), (2, 2, 4));
        // Oldest first: the export, then the two pledges, then the grant.
        let kinds: Vec<String> = conn
            .prepare("SELECT kind FROM ledger ORDER BY seq")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(kinds, ["audit", "pledge", "pledge", "audit"]);

        let question: String = conn
            .query_row("SELECT question FROM unanswered_questions", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(question, "NIP saya ******** ****** * ***, boleh?");

        let check = check_receipt(&conn, &old).unwrap().expect("an old code");
        assert_eq!(check.initials.as_deref(), Some("B. S."));
        assert_eq!(check.unit_code.as_deref(), Some("dinkes"));
        assert!(matches!(
            crate::store::usernames::resolve(&conn, "@budi").unwrap(),
            crate::store::usernames::UsernameMatch::One(u) if u.id == 1
        ));

        // New records continue the migrated chain.
        crate::store::pledges::confirm(&conn, 1, "F", "h", crate::store::test_now()).unwrap();
        let ok = verify(&conn).unwrap().unwrap();
        assert_eq!((ok.pledges, ok.head.seq), (3, 5));
    }
}
