//! The delivery outbox: one row per recipient of a broadcast or reminder, worked by the
//! delivery task. Rows move pending → sending → sent | blocked | failed (or back to pending
//! for a retry); `UNIQUE (broadcast_id, user_id)` keeps anyone from being queued twice.
//!
//! Pledge receipts have a queue of their own (`receipt_outbox`), written in the pledge's
//! transaction and worked by the same task ahead of broadcasts: a stored pledge always gets
//! its receipt, through a crash, a 429 or Telegram being down. A receipt row is deleted once
//! its fate is known, so the table only ever holds receipts still to send.

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

/// The receipt queue, as one migration.
pub const RECEIPT_SCHEMA: &str = r#"
    CREATE TABLE receipt_outbox (
        id              INTEGER PRIMARY KEY,
        user_id         INTEGER NOT NULL,
        election        TEXT NOT NULL,
        lang            TEXT NOT NULL,
        state           TEXT NOT NULL DEFAULT 'pending', -- pending | sending
        attempts        INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT,
        next_attempt_at TEXT NOT NULL,
        UNIQUE (user_id, election)
    );
"#;

/// A row claimed for sending: a broadcast's recipient, or a pledge receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    /// The row's id in its own table (`outbox`, or `receipt_outbox` for a receipt).
    pub id: i64,
    /// 0 for a receipt.
    pub broadcast_id: i64,
    pub user_id: i64,
    pub lang: Lang,
    pub attempts: i64,
    /// The election whose pledge receipt this row carries; None for a broadcast's row.
    pub receipt_for: Option<String>,
}

impl Claimed {
    /// The queue the row lives in.
    fn table(&self) -> &'static str {
        match self.receipt_for {
            None => "outbox",
            Some(_) => "receipt_outbox",
        }
    }
}

/// What became of a claimed row, to be written back by [`record`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    Sent,
    /// The user blocked the bot or is gone: no retry, and the user is marked for everyone.
    Blocked(String),
    /// Not sent, no attempt counted (a 429, or the chat got a message a moment ago).
    Later(DateTime<Utc>),
    /// A transient failure: counts an attempt, retries at `at`, or gives up at `max_attempts`.
    Retry {
        error: String,
        at: DateTime<Utc>,
        max_attempts: i64,
    },
    /// A permanent refusal: retrying would fail the same way.
    Failed(String),
}

/// One row's outcome and when it was learned.
#[derive(Debug, Clone)]
pub struct Done {
    pub row: Claimed,
    pub result: Recorded,
    pub at: DateTime<Utc>,
}

/// Queues the receipt of a pledge just stored; call it in the pledge's transaction.
pub fn enqueue_receipt(
    conn: &Connection,
    user_id: i64,
    election: &str,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO receipt_outbox (user_id, election, lang, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![user_id, election, lang.code(), ts(now)])?;
    Ok(())
}

fn claimed_from(r: &rusqlite::Row<'_>, receipt: bool) -> rusqlite::Result<Claimed> {
    let lang: String = r.get(3)?;
    Ok(Claimed {
        id: r.get(0)?,
        broadcast_id: if receipt { 0 } else { r.get(1)? },
        user_id: r.get(2)?,
        // The row is already claimed: failing here would leave it `sending` until a
        // restart, so a language that no longer parses falls back to the default.
        lang: Lang::parse(&lang).unwrap_or_default(),
        attempts: r.get(4)?,
        receipt_for: if receipt { Some(r.get(1)?) } else { None },
    })
}

/// Takes due rows in one transaction: up to `receipts` receipts first (someone is waiting
/// for theirs), then up to `broadcast` broadcast rows in id order. Claiming a batch instead
/// of a row per transaction is what lets one worker keep up with 1,000 sends a second.
pub fn claim_batch(
    conn: &mut Connection,
    now: DateTime<Utc>,
    receipts: usize,
    broadcast: usize,
) -> Result<Vec<Claimed>> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let now = ts(now);
    let mut rows = tx
        .prepare_cached(
            "UPDATE receipt_outbox SET state = 'sending'
             WHERE id IN (SELECT id FROM receipt_outbox
                          WHERE state = 'pending' AND next_attempt_at <= ?1
                          ORDER BY id LIMIT ?2)
             RETURNING id, election, user_id, lang, attempts",
        )?
        .query_map(params![now, receipts as i64], |r| claimed_from(r, true))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if broadcast > 0 {
        let mut queued = tx
            .prepare_cached(
                "UPDATE outbox SET state = 'sending'
                 WHERE id IN (
                     SELECT o.id FROM outbox o JOIN broadcasts b ON b.id = o.broadcast_id
                     WHERE o.state = 'pending' AND o.next_attempt_at <= ?1 AND b.status = 'queued'
                     ORDER BY o.id LIMIT ?2)
                 RETURNING id, broadcast_id, user_id, lang, attempts",
            )?
            .query_map(params![now, broadcast as i64], |r| claimed_from(r, false))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        // RETURNING gives no order; the queue's is the id's.
        queued.sort_by_key(|c| c.id);
        rows.extend(queued);
    }
    tx.commit()?;
    Ok(rows)
}

/// Writes back a batch of outcomes in one transaction. Returns how many rows failed for good.
pub fn record(conn: &mut Connection, done: &[Done]) -> Result<usize> {
    let tx = conn.transaction()?;
    let mut failed = 0;
    for d in done {
        let gave_up = record_row(&tx, d)?;
        failed += usize::from(gave_up);
    }
    tx.commit()?;
    Ok(failed)
}

/// Writes back one outcome, in either queue. Returns true when the row failed for good.
fn record_row(conn: &Connection, d: &Done) -> Result<bool> {
    let row = &d.row;
    match &d.result {
        Recorded::Sent => settle(conn, row, Settled::Sent(d.at))?,
        Recorded::Blocked(e) => {
            settle(conn, row, Settled::Blocked(e))?;
            super::users::mark_blocked(conn, row.user_id)?;
        }
        Recorded::Later(at) => back_to_pending(conn, row, Some(*at))?,
        Recorded::Retry {
            error,
            at,
            max_attempts,
        } => {
            if row.attempts + 1 >= *max_attempts {
                settle(conn, row, Settled::Failed(error))?;
                return Ok(true);
            }
            conn.prepare_cached(&format!(
                "UPDATE {} SET state = 'pending', attempts = attempts + 1,
                     last_error = ?2, next_attempt_at = ?3
                 WHERE id = ?1",
                row.table()
            ))?
            .execute(params![row.id, error, ts(*at)])?;
        }
        Recorded::Failed(e) => {
            settle(conn, row, Settled::Failed(e))?;
            return Ok(true);
        }
    }
    Ok(false)
}

/// How a row's fate was settled.
enum Settled<'a> {
    Sent(DateTime<Utc>),
    Blocked(&'a str),
    Failed(&'a str),
}

/// A row whose fate is known: a broadcast's row keeps it (the progress counts read it), a
/// receipt's row leaves its queue.
fn settle(conn: &Connection, row: &Claimed, how: Settled<'_>) -> Result<()> {
    if row.receipt_for.is_some() {
        conn.prepare_cached("DELETE FROM receipt_outbox WHERE id = ?1")?
            .execute([row.id])?;
        return Ok(());
    }
    match how {
        Settled::Sent(at) => mark_sent(conn, row.id, at)?,
        Settled::Blocked(error) => {
            conn.prepare_cached(
                "UPDATE outbox SET state = 'blocked', last_error = ?2 WHERE id = ?1",
            )?
            .execute(params![row.id, error])?;
        }
        Settled::Failed(error) => {
            conn.prepare_cached(
                "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?2
                 WHERE id = ?1",
            )?
            .execute(params![row.id, error])?;
        }
    }
    Ok(())
}

/// Claimed rows the worker did not get to (a stop): back to pending, no attempt counted.
pub fn release_all(conn: &mut Connection, rows: &[Claimed]) -> Result<()> {
    let tx = conn.transaction()?;
    for row in rows {
        back_to_pending(&tx, row, None)?;
    }
    tx.commit()?;
    Ok(())
}

/// A claimed row back in its queue without counting an attempt: due again at `at` (a
/// per-chat wait, a 429's pause) or as it was (a stop). Only a row still `sending` moves.
fn back_to_pending(conn: &Connection, row: &Claimed, at: Option<DateTime<Utc>>) -> Result<()> {
    conn.prepare_cached(&format!(
        "UPDATE {} SET state = 'pending', next_attempt_at = COALESCE(?2, next_attempt_at)
         WHERE id = ?1 AND state = 'sending'",
        row.table()
    ))?
    .execute(params![row.id, at.map(ts)])?;
    Ok(())
}

/// After a crash, rows left `sending` may or may not have reached Telegram; sending them
/// again repeats at most those that were in flight, which is the promise.
pub fn reset_in_flight(conn: &Connection) -> Result<usize> {
    let broadcasts = conn.execute(
        "UPDATE outbox SET state = 'pending' WHERE state = 'sending'",
        [],
    )?;
    let receipts = conn.execute(
        "UPDATE receipt_outbox SET state = 'pending' WHERE state = 'sending'",
        [],
    )?;
    Ok(broadcasts + receipts)
}

/// Atomically takes the oldest due row of a queued broadcast (the worker takes batches with
/// [`claim_batch`]; this one-row form serves tests that step through the queue).
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
        .query_row([ts(now)], |r| claimed_from(r, false))
        .optional()?)
}

pub fn mark_sent(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached("UPDATE outbox SET state = 'sent', sent_at = ?2 WHERE id = ?1")?
        .execute(params![id, ts(now)])?;
    Ok(())
}

/// When the next retry falls due, so an idle worker knows how long it may sleep.
pub fn next_due(conn: &Connection) -> Result<Option<DateTime<Utc>>> {
    let at: Option<String> = conn
        .prepare_cached(
            "SELECT MIN(at) FROM (
                 SELECT MIN(o.next_attempt_at) AS at FROM outbox o
                 JOIN broadcasts b ON b.id = o.broadcast_id
                 WHERE o.state = 'pending' AND b.status = 'queued'
                 UNION ALL
                 SELECT MIN(next_attempt_at) FROM receipt_outbox WHERE state = 'pending')",
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

    /// Writes back one outcome; how many rows failed for good (0 or 1).
    fn record_one(c: &mut Connection, row: &Claimed, result: Recorded) -> Result<usize> {
        let at = now();
        record(
            c,
            &[Done {
                row: row.clone(),
                result,
                at,
            }],
        )
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
                let retry = Recorded::Retry {
                    error: "502".into(),
                    at: later,
                    max_attempts: 2,
                };
                let row = claim_next(c, now())?.unwrap();
                assert_eq!(record_one(c, &row, retry.clone())?, 0);
                assert_eq!(claim_next(c, now())?, None, "not due yet");
                assert_eq!(next_due(c)?, parse_ts(&ts(later)));
                let row = claim_next(c, later)?.unwrap();
                assert_eq!(row.attempts, 1);
                assert_eq!(record_one(c, &row, retry)?, 1);
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
                record_one(c, &row, Recorded::Blocked("403".into()))?;
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
                release_all(c, std::slice::from_ref(&row))?;
                let again = claim_next(c, now())?.unwrap();
                assert_eq!((again.id, again.attempts), (row.id, 0));
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_batch_takes_receipts_first_and_outcomes_are_written_together() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                queued(c, 5);
                enqueue_receipt(c, 1, "E", Lang::En, now())?;
                enqueue_receipt(c, 1, "E", Lang::En, now())?; // a repeat queues nothing
                let batch = claim_batch(c, now(), 10, 2)?;
                let users: Vec<_> = batch
                    .iter()
                    .map(|r| (r.user_id, r.receipt_for.clone()))
                    .collect();
                assert_eq!(users, vec![(1, Some("E".to_owned())), (1, None), (2, None)]);
                assert_eq!(batch[0].lang, Lang::En);
                let later = now() + chrono::Duration::seconds(5);
                let done = |row: &Claimed, result| Done {
                    row: row.clone(),
                    result,
                    at: now(),
                };
                let failed = record(
                    c,
                    &[
                        done(&batch[0], Recorded::Sent),
                        done(&batch[1], Recorded::Later(later)),
                        done(&batch[2], Recorded::Failed("400".into())),
                    ],
                )?;
                assert_eq!(failed, 1);
                let receipts: i64 =
                    c.query_row("SELECT COUNT(*) FROM receipt_outbox", [], |r| r.get(0))?;
                assert_eq!(receipts, 0, "a sent receipt leaves the queue");
                // The deferred row waits; the next two go.
                let next: Vec<_> = claim_batch(c, now(), 10, 10)?
                    .iter()
                    .map(|r| r.user_id)
                    .collect();
                assert_eq!(next, vec![3, 4, 5]);
                assert_eq!(claim_batch(c, later, 10, 10)?[0].user_id, 1);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_receipt_in_flight_at_a_crash_goes_out_again() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                users::touch(c, 1, "x", None, Lang::Id, now()).unwrap();
                enqueue_receipt(c, 1, "E", Lang::Id, now())?;
                assert_eq!(claim_batch(c, now(), 10, 10)?.len(), 1);
                assert!(claim_batch(c, now(), 10, 10)?.is_empty());
                assert_eq!(reset_in_flight(c)?, 1);
                let again = claim_batch(c, now(), 10, 10)?;
                assert_eq!(again[0].receipt_for.as_deref(), Some("E"));
                // Telegram down: retried with an attempt counted, then given up.
                let retry = Recorded::Retry {
                    error: "502".into(),
                    at: now(),
                    max_attempts: 2,
                };
                let d = Done {
                    row: again[0].clone(),
                    result: retry.clone(),
                    at: now(),
                };
                assert_eq!(record(c, &[d])?, 0);
                let row = claim_batch(c, now(), 10, 10)?.remove(0);
                assert_eq!(row.attempts, 1);
                assert_eq!(
                    record(
                        c,
                        &[Done {
                            row,
                            result: retry,
                            at: now()
                        }]
                    )?,
                    1
                );
                Ok(())
            })
            .unwrap();
    }
}
