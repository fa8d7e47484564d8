//! Who did what with admin or HR powers: grants, revocations, broadcasts, exports, backups.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::{Result, ts};

pub const SCHEMA: &str = r#"
    CREATE TABLE audit_log (
        id       INTEGER PRIMARY KEY,
        at       TEXT NOT NULL,                 -- UTC, RFC 3339
        actor_id INTEGER NOT NULL,              -- Telegram user id, 0 for the server operator (CLI)
        action   TEXT NOT NULL,                 -- e.g. grant_hr, broadcast, export
        detail   TEXT NOT NULL DEFAULT ''       -- never a NIP or a message body
    );
    CREATE INDEX audit_log_at ON audit_log(at);
"#;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: String,
    pub actor_id: i64,
    pub action: String,
    pub detail: String,
}

pub fn record(
    conn: &Connection,
    actor_id: i64,
    action: &str,
    detail: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    let at = ts(at);
    // The entry and its ledger row are written together (see store::ledger).
    super::ledger::atomically(conn, || {
        conn.prepare_cached(
            "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![at, actor_id, action, detail])?;
        super::ledger::append(
            conn,
            super::ledger::Record::Audit {
                id: conn.last_insert_rowid(),
                at: &at,
                actor_id,
                action,
                detail,
            },
        )
    })
}

/// The latest entries, newest first.
pub fn latest(conn: &Connection, limit: usize) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, actor_id, action, detail FROM audit_log ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok(AuditEntry {
            at: r.get(0)?,
            actor_id: r.get(1)?,
            action: r.get(2)?,
            detail: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn entries_come_back_newest_first() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                record(c, 1, "grant_hr", "user 5", crate::store::test_now())?;
                record(c, 1, "export", "all units", crate::store::test_now())?;
                let entries = latest(c, 20)?;
                assert_eq!(entries.len(), 2);
                assert_eq!(entries[0].action, "export");
                Ok(())
            })
            .unwrap();
    }
}
