//! The delivery outbox: one row per recipient of a broadcast or reminder, worked by the
//! delivery task. Rows move pending → sending → sent | blocked | failed (or back to pending
//! for a retry); `UNIQUE (broadcast_id, user_id)` keeps anyone from being queued twice.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, parse_ts, ts};
use crate::i18n::Lang;

/// The broadcasts and their recipients, as one migration.
pub const SCHEMA: &str = r#"
    CREATE TABLE broadcasts (
        id             INTEGER PRIMARY KEY,
        kind           TEXT NOT NULL,              -- hr | reminder
        created_by     INTEGER NOT NULL,           -- Telegram user id, 0 for reminders
        status         TEXT NOT NULL,              -- draft | scheduled | queued | done | cancelled | skipped
        audience       TEXT,                       -- all | unp | reg_unp | unit:<code>; NULL until chosen
        mandatory      INTEGER NOT NULL DEFAULT 1, -- 0: users who muted reminders are left out
        body           TEXT,                       -- HR text (never copied into the audit log)
        entities       TEXT,                       -- JSON of the text's formatting entities
        source_chat    INTEGER,                    -- copyMessage source for a non-text message
        source_message INTEGER,
        message_key    TEXT,                       -- reminders: locale key, rendered per language
        days_before    INTEGER,
        reminder_key   TEXT UNIQUE,                -- election|date|kind: each reminder once, ever
        scheduled_at   TEXT,                       -- UTC; NULL means "on confirmation"
        created_at     TEXT NOT NULL,
        confirmed_at   TEXT,
        finished_at    TEXT,
        status_chat    INTEGER,                    -- the HR officer's progress message
        status_message INTEGER
    );
    CREATE INDEX broadcasts_status ON broadcasts(status, scheduled_at);

    CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        broadcast_id    INTEGER NOT NULL REFERENCES broadcasts(id),
        user_id         INTEGER NOT NULL,
        lang            TEXT NOT NULL,
        state           TEXT NOT NULL DEFAULT 'pending', -- pending | sending | sent | failed | blocked | cancelled
        attempts        INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT,
        next_attempt_at TEXT NOT NULL,
        sent_at         TEXT,
        UNIQUE (broadcast_id, user_id)
    );
    -- The claim scans pending rows in id order; a partial index keeps that cheap however
    -- many rows were already sent.
    CREATE INDEX outbox_pending ON outbox(id) WHERE state = 'pending';
    CREATE INDEX outbox_state ON outbox(broadcast_id, state);
"#;

/// Instants as stored: RFC 3339 UTC with milliseconds, which sorts as text.
/// A row claimed for sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub id: i64,
    pub broadcast_id: i64,
    pub user_id: i64,
    pub lang: Lang,
    pub attempts: i64,
}

/// After a crash, rows left `sending` may or may not have reached Telegram; sending them
/// again repeats at most those that were in flight, which is the promise.
pub fn reset_in_flight(conn: &Connection) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE outbox SET state = 'pending' WHERE state = 'sending'",
        [],
    )?)
}

/// Atomically takes the oldest due row of a queued broadcast. One statement, so a second
/// claimer (there is none today) could never take the same row.
pub fn claim_next(conn: &Connection, now: DateTime<Utc>) -> Result<Option<Claimed>> {
    Ok(conn
        .prepare_cached(
            "UPDATE outbox SET state = 'sending'
             WHERE id = (
                 SELECT o.id FROM outbox o JOIN broadcasts b ON b.id = o.broadcast_id
                 WHERE o.state = 'pending' AND o.next_attempt_at <= ?1 AND b.status = 'queued'
                 ORDER BY o.id LIMIT 1)
             RETURNING id, broadcast_id, user_id, lang, attempts",
        )?
        .query_row([ts(now)], |r| {
            let lang: String = r.get(3)?;
            Ok(Claimed {
                id: r.get(0)?,
                broadcast_id: r.get(1)?,
                user_id: r.get(2)?,
                // The row is already claimed: failing here would leave it `sending` until a
                // restart, so a language that no longer parses falls back to the default.
                lang: Lang::parse(&lang).unwrap_or_default(),
                attempts: r.get(4)?,
            })
        })
        .optional()?)
}

pub fn mark_sent(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached("UPDATE outbox SET state = 'sent', sent_at = ?2 WHERE id = ?1")?
        .execute(params![id, ts(now)])?;
    Ok(())
}

/// The user blocked the bot or is gone: no retry, and the user is marked for everyone.
pub fn mark_blocked(conn: &mut Connection, id: i64, user_id: i64, error: &str) -> Result<()> {
    let tx = conn.transaction()?;
    tx.prepare_cached("UPDATE outbox SET state = 'blocked', last_error = ?2 WHERE id = ?1")?
        .execute(params![id, error])?;
    super::users::mark_blocked(&tx, user_id)?;
    tx.commit()?;
    Ok(())
}

/// A permanent refusal (a malformed request): retrying would fail the same way.
pub fn mark_failed(conn: &Connection, id: i64, error: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
    )?
    .execute(params![id, error])?;
    Ok(())
}

/// A transient failure: counts an attempt and retries at `next_at`, or gives up after
/// `max_attempts`. Returns true when the row is now failed for good.
pub fn mark_retry(
    conn: &Connection,
    id: i64,
    error: &str,
    next_at: DateTime<Utc>,
    max_attempts: i64,
) -> Result<bool> {
    let state: String = conn
        .prepare_cached(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3,
                 state = CASE WHEN attempts + 1 >= ?4 THEN 'failed' ELSE 'pending' END
             WHERE id = ?1 RETURNING state",
        )?
        .query_row(params![id, error, ts(next_at), max_attempts], |r| r.get(0))?;
    Ok(state == "failed")
}

/// Telegram asked us to slow down (429): the row goes back unchanged, no attempt counted,
/// since the message never got a chance.
pub fn release(conn: &Connection, id: i64) -> Result<()> {
    conn.prepare_cached("UPDATE outbox SET state = 'pending' WHERE id = ?1 AND state = 'sending'")?
        .execute([id])?;
    Ok(())
}

/// When the next retry falls due, so an idle worker knows how long it may sleep.
pub fn next_due(conn: &Connection) -> Result<Option<DateTime<Utc>>> {
    let at: Option<String> = conn
        .prepare_cached(
            "SELECT MIN(o.next_attempt_at) FROM outbox o JOIN broadcasts b ON b.id = o.broadcast_id
             WHERE o.state = 'pending' AND b.status = 'queued'",
        )?
        .query_row([], |r| r.get(0))?;
    Ok(at.as_deref().and_then(parse_ts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::broadcast::Audience;
    use crate::store::{Store, broadcasts, users};

    fn now() -> DateTime<Utc> {
        crate::store::test_now()
    }

    /// A queued broadcast to users 1..=n.
    fn queued(c: &mut Connection, n: i64) -> i64 {
        for id in 1..=n {
            users::touch(c, id, "x", None, Lang::Id, crate::store::test_now()).unwrap();
        }
        let id = broadcasts::create_text_draft(c, 99, "hi", &[], None, now()).unwrap();
        broadcasts::set_audience(c, id, 99, &Audience::All).unwrap();
        broadcasts::confirm(c, id, 99, "E", now(), None).unwrap();
        id
    }

    #[test]
    fn rows_are_claimed_once_in_order() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                let b = queued(c, 3);
                let first = claim_next(c, now())?.unwrap();
                let second = claim_next(c, now())?.unwrap();
                assert_eq!((first.user_id, second.user_id), (1, 2));
                assert_eq!(first.broadcast_id, b);
                mark_sent(c, first.id, now())?;
                let third = claim_next(c, now())?.unwrap();
                assert_eq!(third.user_id, 3);
                assert_eq!(claim_next(c, now())?, None);
                // A crash: the two rows in flight come back; the sent one does not.
                assert_eq!(reset_in_flight(c)?, 2);
                assert_eq!(claim_next(c, now())?.unwrap().user_id, 2);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn retries_wait_and_then_give_up() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                queued(c, 1);
                let later = now() + chrono::Duration::seconds(60);
                let row = claim_next(c, now())?.unwrap();
                assert!(!mark_retry(c, row.id, "502", later, 2)?);
                assert_eq!(claim_next(c, now())?, None, "not due yet");
                assert_eq!(next_due(c)?, parse_ts(&ts(later)));
                let row = claim_next(c, later)?.unwrap();
                assert_eq!(row.attempts, 1);
                assert!(mark_retry(c, row.id, "502", later, 2)?);
                assert_eq!(claim_next(c, later)?, None, "failed for good");
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_blocked_recipient_marks_the_user() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                queued(c, 1);
                let row = claim_next(c, now())?.unwrap();
                mark_blocked(c, row.id, row.user_id, "403")?;
                assert!(users::get(c, 1)?.unwrap().blocked);
                assert_eq!(claim_next(c, now())?, None);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_released_row_is_claimed_again_without_an_attempt() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                queued(c, 1);
                let row = claim_next(c, now())?.unwrap();
                release(c, row.id)?;
                let again = claim_next(c, now())?.unwrap();
                assert_eq!((again.id, again.attempts), (row.id, 0));
                Ok(())
            })
            .unwrap();
    }
}
