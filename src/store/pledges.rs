//! Pledge confirmations: one per user per election, with its receipt.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{Result, StoreError, ts};
use crate::domain::receipt::ReceiptInput;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pledge {
    pub user_id: i64,
    pub election: String,
    pub text_hash: String,
    pub confirmed_at: chrono::DateTime<chrono::Utc>,
    pub receipt_code: String,
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Pledge> {
    let at: String = r.get(3)?;
    Ok(Pledge {
        user_id: r.get(0)?,
        election: r.get(1)?,
        text_hash: r.get(2)?,
        confirmed_at: chrono::DateTime::parse_from_rfc3339(&at)
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or_default(),
        receipt_code: r.get(4)?,
    })
}

pub fn get(conn: &Connection, user_id: i64, election: &str) -> Result<Option<Pledge>> {
    Ok(conn
        .prepare_cached(
            "SELECT user_id, election, text_hash, confirmed_at, receipt_code
             FROM pledges WHERE user_id = ?1 AND election = ?2",
        )?
        .query_row(params![user_id, election], from_row)
        .optional()?)
}

/// Logs a confirmation. Idempotent: a double tap or a replayed callback finds the first
/// pledge and returns it with `false`.
pub fn confirm(
    conn: &Connection,
    user_id: i64,
    election: &str,
    text_hash: &str,
    at: DateTime<Utc>,
) -> Result<(Pledge, bool)> {
    let confirmed_at = ts(at);
    let input = ReceiptInput {
        user_id,
        election,
        text_hash,
        confirmed_at: &confirmed_at,
    };
    // The pledge and its ledger entry are written together (see store::ledger).
    let inserted = super::ledger::atomically(conn, || {
        let code = super::ledger::new_receipt_code(conn, input)?;
        // RETURNING hands back the new row in the same statement; only a repeat needs a read.
        let row = conn
            .prepare_cached(
                "INSERT INTO pledges (user_id, election, text_hash, confirmed_at, receipt_code)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(user_id, election) DO NOTHING
                 RETURNING user_id, election, text_hash, confirmed_at, receipt_code",
            )?
            .query_row(
                params![user_id, election, text_hash, confirmed_at, code],
                from_row,
            )
            .optional()?;
        if row.is_some() {
            super::ledger::append_pledge(conn, input, &code)?;
        }
        Ok(row)
    })?;
    match inserted {
        Some(pledge) => Ok((pledge, true)),
        None => get(conn, user_id, election)?
            .map(|existing| (existing, false))
            .ok_or_else(|| StoreError::Malformed("pledge conflict without a row".into())),
    }
}

/// Each pledge write touches only the primary key: receipt codes are unique by
/// construction and the per-day report scans instead of keeping an index. That halves the
/// pages a confirmation writes.
pub const LEAN_SCHEMA: &str = r#"
    DROP INDEX pledges_election_day;
    CREATE TABLE pledges_lean (
        user_id      INTEGER NOT NULL REFERENCES users(id),
        election     TEXT NOT NULL,
        text_hash    TEXT NOT NULL,
        confirmed_at TEXT NOT NULL,                 -- UTC, RFC 3339
        receipt_code TEXT NOT NULL,                 -- unique per election by construction
        PRIMARY KEY (user_id, election)
    ) WITHOUT ROWID;
    INSERT INTO pledges_lean SELECT user_id, election, text_hash, confirmed_at, receipt_code
        FROM pledges;
    DROP TABLE pledges;
    ALTER TABLE pledges_lean RENAME TO pledges;
"#;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitCount {
    pub unit_code: Option<String>,
    pub registered: i64,
    pub pledged: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Totals {
    pub registered: i64,
    pub pledged: i64,
    pub per_unit: Vec<UnitCount>,
}

/// Registered users and their pledges for one election, in total and per unit.
pub fn totals(conn: &Connection, election: &str) -> Result<Totals> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.unit_code, COUNT(*), COUNT(p.user_id)
         FROM users u LEFT JOIN pledges p ON p.user_id = u.id AND p.election = ?1
         WHERE u.registered_at IS NOT NULL
         GROUP BY u.unit_code ORDER BY u.unit_code",
    )?;
    let per_unit: Vec<UnitCount> = stmt
        .query_map([election], |r| {
            Ok(UnitCount {
                unit_code: r.get(0)?,
                registered: r.get(1)?,
                pledged: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Totals {
        registered: per_unit.iter().map(|u| u.registered).sum(),
        pledged: per_unit.iter().map(|u| u.pledged).sum(),
        per_unit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::store::{Store, users};

    #[test]
    fn a_second_confirmation_keeps_one_pledge() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                users::register_pppk(c, 1, "dinkes")?;
                let (first, created) =
                    confirm(c, 1, "Pilkada 2020", "h1", crate::store::test_now())?;
                assert!(created);
                let (second, created) =
                    confirm(c, 1, "Pilkada 2020", "h2", crate::store::test_now())?;
                assert!(!created);
                assert_eq!(first, second);
                let n: i64 = c.query_row("SELECT COUNT(*) FROM pledges", [], |r| r.get(0))?;
                assert_eq!(n, 1);
                // A new election is a new pledge.
                assert!(confirm(c, 1, "Pemilu 2024", "h1", crate::store::test_now())?.1);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn pledges_need_a_known_user() {
        let store = Store::open_in_memory().unwrap();
        assert!(
            store
                .with(|c| confirm(c, 99, "e", "h", crate::store::test_now()))
                .is_err()
        );
    }

    #[test]
    fn totals_count_per_unit() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                users::register_pppk(c, 1, "dinkes")?;
                users::register_pppk(c, 2, "dinkes")?;
                users::register_pppk(c, 3, "disdik")?;
                users::touch(
                    c,
                    4,
                    "not registered",
                    None,
                    Lang::Id,
                    crate::store::test_now(),
                )?;
                confirm(c, 1, "E", "h", crate::store::test_now())?;
                confirm(c, 3, "E", "h", crate::store::test_now())?;
                confirm(c, 3, "other", "h", crate::store::test_now())?;
                let t = totals(c, "E")?;
                assert_eq!((t.registered, t.pledged), (3, 2));
                assert_eq!(
                    t.per_unit,
                    vec![
                        UnitCount {
                            unit_code: Some("dinkes".into()),
                            registered: 2,
                            pledged: 1
                        },
                        UnitCount {
                            unit_code: Some("disdik".into()),
                            registered: 1,
                            pledged: 1
                        },
                    ]
                );
                Ok(())
            })
            .unwrap();
    }
}
