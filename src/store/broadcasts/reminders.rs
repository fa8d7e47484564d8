//! Reminders are broadcasts the scheduler creates: each key at most once, ever.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::enqueue;
use crate::domain::broadcast::Audience;
use crate::store::{Result, ts};

pub fn reminder_exists(conn: &Connection, key: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM broadcasts WHERE reminder_key = ?1")?
        .query_row([key], |_| Ok(()))
        .optional()?
        .is_some())
}

/// A reminder due now. Created at most once per key (the unique column decides, even if two
/// processes raced); when `send` is false it is recorded as skipped and nobody receives it.
/// Returns the recipients queued, or None when the key already existed.
#[allow(clippy::too_many_arguments)]
pub fn create_reminder(
    conn: &mut Connection,
    key: &str,
    message_key: &str,
    audience: &Audience,
    days_before: u32,
    election: &str,
    now: DateTime<Utc>,
    send: bool,
) -> Result<Option<usize>> {
    let tx = conn.transaction()?;
    let inserted = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO broadcasts
                 (kind, created_by, status, audience, mandatory, message_key, days_before,
                  reminder_key, created_at, confirmed_at)
             VALUES ('reminder', 0, ?1, ?2, 0, ?3, ?4, ?5, ?6, ?6)",
        )?
        .execute(params![
            if send { "queued" } else { "skipped" },
            audience.code(),
            message_key,
            days_before,
            key,
            ts(now)
        ])?;
    if inserted == 0 {
        return Ok(None);
    }
    let id = tx.last_insert_rowid();
    let n = if send {
        enqueue(&tx, id, audience, false, election, now)?
    } else {
        0
    };
    tx.commit()?;
    Ok(Some(n))
}
