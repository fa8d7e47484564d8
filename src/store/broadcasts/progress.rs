//! What the officer sees of broadcasts: the `/broadcasts` pages, a broadcast's progress,
//! and its end once nothing is left to send.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::{Broadcast, COLUMNS, from_row};
use crate::domain::broadcast::Progress;
use crate::store::{Result, ts};

/// One page of `/broadcasts`: the open ones (scheduled, running) first so none is buried
/// under finished reminders, then the rest; newest first within each. Drafts, skipped
/// reminders and the owners' chain-head posts are left out. Also returns how many there are
/// in all.
const LISTED: &str = "status NOT IN ('draft', 'skipped') AND kind != 'chain_head'";

pub fn list_page(
    conn: &Connection,
    offset: usize,
    limit: usize,
) -> Result<(Vec<Broadcast>, usize)> {
    let total: i64 = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM broadcasts WHERE {LISTED}"))?
        .query_row([], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM broadcasts WHERE {LISTED}
         ORDER BY status IN ('scheduled', 'queued') DESC, id DESC LIMIT ?1 OFFSET ?2"
    ))?;
    let rows = stmt.query_map([limit as i64, offset as i64], from_row)?;
    Ok((
        rows.collect::<rusqlite::Result<_>>()?,
        usize::try_from(total).unwrap_or(0),
    ))
}

pub fn progress(conn: &Connection, id: i64) -> Result<Progress> {
    let mut p = Progress::default();
    let mut stmt = conn.prepare_cached(
        "SELECT state, COUNT(*) FROM outbox WHERE broadcast_id = ?1 GROUP BY state",
    )?;
    let rows = stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (state, n) = row?;
        p.total += n;
        match state.as_str() {
            "sent" => p.sent += n,
            "failed" => p.failed += n,
            "blocked" => p.blocked += n,
            "cancelled" => p.cancelled += n,
            _ => p.remaining += n,
        }
    }
    Ok(p)
}

/// Marks a queued broadcast done once nothing is left. True when this call finished it.
pub fn finish_if_done(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE broadcasts SET status = 'done', finished_at = ?2
             WHERE id = ?1 AND status = 'queued' AND NOT EXISTS (
                 SELECT 1 FROM outbox WHERE broadcast_id = ?1 AND state IN ('pending', 'sending'))",
        )?
        .execute(params![id, ts(now)])?;
    Ok(n == 1)
}

/// Queued broadcasts with nothing left to send, e.g. an audience of nobody.
pub fn queued_ids(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM broadcasts WHERE status = 'queued'")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
