//! Broadcasts (HR announcements and reminders): drafts, confirmation with the recipients
//! queued in the same transaction, scheduling and cancellation here; what `/broadcasts` and
//! the progress reports read in `progress`, the scheduler's reminders in `reminders`.

use chrono::{DateTime, Utc};
use rusqlite::types::ToSql;
use rusqlite::{Connection, OptionalExtension, Row, params};

use teloxide::types::MessageEntity;

use super::{Corrupt, Result, audit, parse_ts, ts};
use crate::domain::broadcast::Audience;

mod progress;
mod reminders;

pub use progress::{finish_if_done, list_page, progress, queued_ids};
pub use reminders::{create_reminder, reminder_exists};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Draft,
    Scheduled,
    Queued,
    Done,
    Cancelled,
    /// A reminder missed while the bot was down and superseded by a later one.
    Skipped,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Scheduled => "scheduled",
            Status::Queued => "queued",
            Status::Done => "done",
            Status::Cancelled => "cancelled",
            Status::Skipped => "skipped",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        [
            Status::Draft,
            Status::Scheduled,
            Status::Queued,
            Status::Done,
            Status::Cancelled,
            Status::Skipped,
        ]
        .into_iter()
        .find(|x| x.code() == s)
    }

    /// Still to be delivered (or confirmed), so it can be cancelled.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Draft | Status::Scheduled | Status::Queued)
    }
}

/// What the recipients receive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// HR text with its formatting entities (stored as JSON, as Telegram sends them).
    Text {
        body: String,
        entities: Vec<MessageEntity>,
    },
    /// A non-text message of the HR officer (photo with caption, document), copied as is.
    Copy { chat: i64, message: i32 },
    /// A reminder, rendered in each recipient's language.
    Reminder { key: String, days_before: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broadcast {
    pub id: i64,
    /// Made by the bot itself (reminders, the owners' chain-head posts): no author to re-check.
    pub system_made: bool,
    pub created_by: i64,
    pub status: Status,
    pub audience: Option<Audience>,
    pub mandatory: bool,
    pub content: Content,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub status_chat: Option<i64>,
    pub status_message: Option<i32>,
}

const COLUMNS: &str = "id, kind, created_by, status, audience, mandatory, body, entities, \
                       source_chat, source_message, message_key, days_before, scheduled_at, \
                       created_at, status_chat, status_message";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Broadcast> {
    let id: i64 = r.get(0)?;
    let corrupt = |index, column, value: &str| Corrupt::at("broadcasts", id, index, column, value);
    let instant = |index, column| -> rusqlite::Result<Option<DateTime<Utc>>> {
        r.get::<_, Option<String>>(index)?
            .map(|s| parse_ts(&s).ok_or_else(|| corrupt(index, column, &s)))
            .transpose()
    };
    let kind: String = r.get(1)?;
    let status: String = r.get(3)?;
    let status = Status::parse(&status).ok_or_else(|| corrupt(3, "status", &status))?;
    let audience = r
        .get::<_, Option<String>>(4)?
        .map(|a| Audience::parse(&a).ok_or_else(|| corrupt(4, "audience", &a)))
        .transpose()?;
    let body: Option<String> = r.get(6)?;
    let source_chat: Option<i64> = r.get(8)?;
    let source_message: Option<i32> = r.get(9)?;
    let key: Option<String> = r.get(10)?;
    let content = match (key, source_chat.zip(source_message)) {
        (Some(key), _) => Content::Reminder {
            key,
            days_before: r.get::<_, Option<i64>>(11)?.unwrap_or(0),
        },
        (None, Some((chat, message))) => Content::Copy { chat, message },
        (None, None) => {
            let entities = match r.get::<_, Option<String>>(7)? {
                Some(json) => {
                    serde_json::from_str(&json).map_err(|_| corrupt(7, "entities", &json))?
                }
                None => Vec::new(),
            };
            Content::Text {
                body: body.ok_or_else(|| corrupt(6, "body", ""))?,
                entities,
            }
        }
    };
    Ok(Broadcast {
        id,
        system_made: kind != "hr",
        created_by: r.get(2)?,
        status,
        audience,
        mandatory: r.get(5)?,
        content,
        scheduled_at: instant(12, "scheduled_at")?,
        created_at: instant(13, "created_at")?.ok_or_else(|| corrupt(13, "created_at", ""))?,
        status_chat: r.get(14)?,
        status_message: r.get(15)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<Broadcast>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM broadcasts WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?)
}

/// A new HR draft of text. The audit log gets its id and length, never the body.
pub fn create_text_draft(
    conn: &Connection,
    created_by: i64,
    body: &str,
    entities: &[MessageEntity],
    scheduled_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let entities_json = if entities.is_empty() {
        None
    } else {
        Some(serde_json::to_string(entities)?)
    };
    conn.prepare_cached(
        "INSERT INTO broadcasts (kind, created_by, status, body, entities, scheduled_at, created_at)
         VALUES ('hr', ?1, 'draft', ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        created_by,
        body,
        entities_json,
        scheduled_at.map(ts),
        ts(now)
    ])?;
    let id = conn.last_insert_rowid();
    let detail = format!("created #{id} ({} chars)", body.chars().count());
    audit::record(conn, created_by, "broadcast", &detail, now)?;
    Ok(id)
}

/// A new HR draft that copies one of the officer's own messages (media with a caption).
pub fn create_copy_draft(
    conn: &Connection,
    created_by: i64,
    chat: i64,
    message: i32,
    scheduled_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO broadcasts (kind, created_by, status, source_chat, source_message,
                                 scheduled_at, created_at)
         VALUES ('hr', ?1, 'draft', ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        created_by,
        chat,
        message,
        scheduled_at.map(ts),
        ts(now)
    ])?;
    let id = conn.last_insert_rowid();
    audit::record(
        conn,
        created_by,
        "broadcast",
        &format!("created #{id} (copy)"),
        now,
    )?;
    Ok(id)
}

/// Chooses the audience of the actor's own draft. False when it isn't a draft of theirs.
pub fn set_audience(conn: &Connection, id: i64, actor: i64, audience: &Audience) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE broadcasts SET audience = ?3
             WHERE id = ?1 AND created_by = ?2 AND status = 'draft'",
        )?
        .execute(params![id, actor, audience.code()])?;
    Ok(n == 1)
}

/// Switches a draft between mandatory (reaches users who muted reminders) and optional.
pub fn toggle_mandatory(conn: &Connection, id: i64, actor: i64) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE broadcasts SET mandatory = 1 - mandatory
             WHERE id = ?1 AND created_by = ?2 AND status = 'draft'",
        )?
        .execute(params![id, actor])?;
    Ok(n == 1)
}

/// The `FROM users u WHERE …` part selecting an audience, with its named parameters.
fn audience_filter<'a>(
    audience: &'a Audience,
    mandatory: bool,
    election: &'a &'a str,
) -> (String, Vec<(&'static str, &'a dyn ToSql)>) {
    // Someone who blocked the bot would only cost a 403; they are counted out up front.
    let mut sql = String::from("FROM users u WHERE u.blocked = 0");
    let mut params: Vec<(&'static str, &dyn ToSql)> = Vec::new();
    if !mandatory {
        sql.push_str(" AND u.reminders_muted = 0");
    }
    let unpledged = " AND NOT EXISTS (SELECT 1 FROM pledges p
                                      WHERE p.user_id = u.id AND p.election = :election)";
    match audience {
        Audience::All => {}
        Audience::Unpledged => {
            sql.push_str(unpledged);
            params.push((":election", election));
        }
        Audience::RegisteredUnpledged => {
            sql.push_str(" AND u.registered_at IS NOT NULL");
            sql.push_str(unpledged);
            params.push((":election", election));
        }
        Audience::Unit(code) => {
            sql.push_str(" AND u.registered_at IS NOT NULL AND u.unit_code = :unit");
            params.push((":unit", code));
        }
    }
    (sql, params)
}

/// How many users an audience reaches right now (the preview's count).
pub fn count_audience(
    conn: &Connection,
    audience: &Audience,
    mandatory: bool,
    election: &str,
) -> Result<i64> {
    let (filter, params) = audience_filter(audience, mandatory, &election);
    Ok(conn
        .prepare_cached(&format!("SELECT COUNT(*) {filter}"))?
        .query_row(params.as_slice(), |r| r.get(0))?)
}

/// Queues one outbox row per recipient. `INSERT OR IGNORE` with the unique key makes a
/// repeated call harmless.
fn enqueue(
    conn: &Connection,
    id: i64,
    audience: &Audience,
    mandatory: bool,
    election: &str,
    now: DateTime<Utc>,
) -> Result<usize> {
    let (filter, mut params) = audience_filter(audience, mandatory, &election);
    let now = ts(now);
    params.push((":bid", &id));
    params.push((":now", &now));
    Ok(conn
        .prepare_cached(&format!(
            "INSERT OR IGNORE INTO outbox (broadcast_id, user_id, lang, next_attempt_at)
             SELECT :bid, u.id, u.language, :now {filter} ORDER BY u.id"
        ))?
        .execute(params.as_slice())?)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmed {
    /// Recipients queued; delivery starts now.
    Queued(usize),
    /// Recipients will be queued at this instant.
    Scheduled(DateTime<Utc>),
    /// Not an open draft of this officer (already confirmed, cancelled, or someone else's).
    NotADraft,
    /// No audience chosen yet.
    NoAudience,
}

/// Confirms the actor's draft: queues every recipient in the same transaction that changes
/// the status, so a crash leaves either a draft or a fully queued broadcast. A draft
/// scheduled for later is queued by [`activate_due`] when its time comes, so "not yet
/// pledged" means not yet pledged at sending time.
pub fn confirm(
    conn: &mut Connection,
    id: i64,
    actor: i64,
    election: &str,
    now: DateTime<Utc>,
    status_message: Option<(i64, i32)>,
) -> Result<Confirmed> {
    let tx = conn.transaction()?;
    let Some(b) = get(&tx, id)? else {
        return Ok(Confirmed::NotADraft);
    };
    if b.status != Status::Draft || b.created_by != actor {
        return Ok(Confirmed::NotADraft);
    }
    let Some(audience) = b.audience.clone() else {
        return Ok(Confirmed::NoAudience);
    };
    let (chat, message) = status_message.unzip();
    let outcome = match b.scheduled_at.filter(|at| *at > now) {
        Some(at) => {
            tx.prepare_cached(
                "UPDATE broadcasts SET status = 'scheduled', confirmed_at = ?2,
                     status_chat = ?3, status_message = ?4 WHERE id = ?1",
            )?
            .execute(params![id, ts(now), chat, message])?;
            audit::record(
                &tx,
                actor,
                "broadcast",
                &format!("scheduled #{id} audience={} at {}", audience.code(), ts(at)),
                now,
            )?;
            Confirmed::Scheduled(at)
        }
        None => {
            tx.prepare_cached(
                "UPDATE broadcasts SET status = 'queued', confirmed_at = ?2,
                     status_chat = ?3, status_message = ?4 WHERE id = ?1",
            )?
            .execute(params![id, ts(now), chat, message])?;
            let n = enqueue(&tx, id, &audience, b.mandatory, election, now)?;
            audit::record(
                &tx,
                actor,
                "broadcast",
                &format!(
                    "confirmed #{id} audience={} recipients={n}",
                    audience.code()
                ),
                now,
            )?;
            Confirmed::Queued(n)
        }
    };
    tx.commit()?;
    Ok(outcome)
}

/// Queues the recipients of scheduled broadcasts whose time has come. Returns their ids.
pub fn activate_due(conn: &mut Connection, now: DateTime<Utc>, election: &str) -> Result<Vec<i64>> {
    let due: Vec<Broadcast> = {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM broadcasts WHERE status = 'scheduled' AND scheduled_at <= ?1"
        ))?;
        stmt.query_map([ts(now)], from_row)?
            .collect::<rusqlite::Result<_>>()?
    };
    let mut ids = Vec::new();
    for b in due {
        let Some(audience) = b.audience else { continue };
        let tx = conn.transaction()?;
        let changed = tx
            .prepare_cached(
                "UPDATE broadcasts SET status = 'queued' WHERE id = ?1 AND status = 'scheduled'",
            )?
            .execute([b.id])?;
        if changed == 1 {
            let n = enqueue(&tx, b.id, &audience, b.mandatory, election, now)?;
            tracing::info!(
                broadcast = b.id,
                recipients = n,
                "scheduled broadcast queued"
            );
            ids.push(b.id);
        }
        tx.commit()?;
    }
    Ok(ids)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancelled {
    /// Cancelled; this many recipients will not receive it.
    Done(usize),
    /// Already finished or cancelled.
    NotOpen,
    /// Someone else's broadcast, and the actor may not cancel others'.
    NotAllowed,
    NotFound,
}

/// Cancels an open broadcast: its creator may, and anyone `may_cancel_others`. Rows
/// already in flight finish.
pub fn cancel(
    conn: &mut Connection,
    id: i64,
    actor: i64,
    may_cancel_others: bool,
    now: DateTime<Utc>,
) -> Result<Cancelled> {
    let tx = conn.transaction()?;
    let Some(b) = get(&tx, id)? else {
        return Ok(Cancelled::NotFound);
    };
    if b.created_by != actor && !may_cancel_others {
        return Ok(Cancelled::NotAllowed);
    }
    if !b.status.is_open() {
        return Ok(Cancelled::NotOpen);
    }
    let n = cancel_in(&tx, id, actor, now, "")?;
    tx.commit()?;
    Ok(Cancelled::Done(n))
}

/// Cancels one broadcast inside the caller's transaction and audits it; `why` is appended
/// to the audit detail. Returns the recipients who will not receive it.
fn cancel_in(
    conn: &Connection,
    id: i64,
    actor: i64,
    now: DateTime<Utc>,
    why: &str,
) -> Result<usize> {
    conn.prepare_cached(
        "UPDATE broadcasts SET status = 'cancelled', finished_at = ?2 WHERE id = ?1",
    )?
    .execute(params![id, ts(now)])?;
    let n = conn
        .prepare_cached(
            "UPDATE outbox SET state = 'cancelled' WHERE broadcast_id = ?1 AND state = 'pending'",
        )?
        .execute([id])?;
    audit::record(
        conn,
        actor,
        "broadcast",
        &format!("cancelled #{id} unsent={n}{why}"),
        now,
    )?;
    Ok(n)
}

/// Cancels every scheduled or running broadcast of `author`, in the caller's transaction (a
/// revocation's), so nothing of theirs goes out once the role is gone. Returns how many
/// broadcasts were cancelled.
pub fn cancel_all_by(
    conn: &Connection,
    author: i64,
    actor: i64,
    now: DateTime<Utc>,
) -> Result<usize> {
    let ids: Vec<i64> = conn
        .prepare_cached(
            "SELECT id FROM broadcasts
             WHERE kind = 'hr' AND created_by = ?1 AND status IN ('scheduled', 'queued')",
        )?
        .query_map([author], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in &ids {
        cancel_in(conn, *id, actor, now, " (author's role revoked)")?;
    }
    Ok(ids.len())
}

/// The worker found the author of a running broadcast without the role: the broadcast is
/// cancelled (audited under the system's id 0) together with the rows it had just claimed.
pub fn cancel_orphaned(
    conn: &mut Connection,
    id: i64,
    claimed_rows: &[i64],
    now: DateTime<Utc>,
) -> Result<usize> {
    let tx = conn.transaction()?;
    for row in claimed_rows {
        tx.prepare_cached(
            "UPDATE outbox SET state = 'cancelled' WHERE id = ?1 AND state = 'sending'",
        )?
        .execute([row])?;
    }
    let open = get(&tx, id)?.is_some_and(|b| b.status.is_open());
    let n = if open {
        cancel_in(&tx, id, 0, now, " (author no longer HR)")?
    } else {
        0
    };
    tx.commit()?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::store::{Store, pledges, users};

    fn user(c: &Connection, id: i64, unit: Option<&str>) {
        match unit {
            Some(unit) => users::register_pppk(c, id, unit).unwrap(),
            None => {
                users::touch(c, id, "x", None, Lang::Id, crate::store::test_now()).unwrap();
            }
        }
    }

    /// A text broadcast by `author` to everyone, confirmed: queued now, or scheduled `at`.
    fn confirmed(
        c: &mut Connection,
        author: i64,
        at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> i64 {
        let id = create_text_draft(c, author, "x", &[], at, now).unwrap();
        set_audience(c, id, author, &Audience::All).unwrap();
        confirm(c, id, author, "E", now, None).unwrap();
        id
    }

    fn outbox_count(c: &Connection) -> i64 {
        c.query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn audiences_select_the_right_users() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                user(c, 1, Some("dinkes"));
                user(c, 2, Some("dinkes"));
                user(c, 3, Some("disdik"));
                user(c, 4, None);
                user(c, 5, Some("disdik"));
                users::mark_blocked(c, 5)?;
                users::set_reminders_muted(c, 3, true)?;
                pledges::confirm(c, 1, "E", "h", crate::store::test_now())?;
                let count = |a: &Audience, m: bool| count_audience(c, a, m, "E").unwrap();
                assert_eq!(count(&Audience::All, true), 4);
                assert_eq!(count(&Audience::All, false), 3);
                assert_eq!(count(&Audience::Unpledged, true), 3);
                assert_eq!(count(&Audience::RegisteredUnpledged, true), 2);
                assert_eq!(count(&Audience::Unit("dinkes".into()), true), 2);
                assert_eq!(count(&Audience::Unit("disdik".into()), false), 0);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_corrupt_stored_value_is_an_error_naming_the_row() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                let now = crate::store::test_now();
                let id = create_text_draft(c, 50, "x", &[], None, now)?;
                crate::store::assert_corruption_is_named(
                    c,
                    |c| get(c, id),
                    &format!("broadcasts row {id}"),
                    &[
                        (
                            &format!("UPDATE broadcasts SET status = 'lost' WHERE id = {id}"),
                            "status",
                        ),
                        (
                            &format!(
                                "UPDATE broadcasts SET status = 'draft', entities = '[{{' \
                                 WHERE id = {id}"
                            ),
                            "entities",
                        ),
                    ],
                );
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn confirming_queues_everyone_once_and_only_for_the_author() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                for id in 1..=3 {
                    user(c, id, Some("dinkes"));
                }
                let now = crate::store::test_now();
                let id = create_text_draft(c, 50, "Apel pagi", &[], None, now)?;
                assert_eq!(confirm(c, id, 50, "E", now, None)?, Confirmed::NoAudience);
                assert!(!set_audience(c, id, 51, &Audience::All)?, "not the author");
                assert!(set_audience(c, id, 50, &Audience::All)?);
                assert_eq!(confirm(c, id, 51, "E", now, None)?, Confirmed::NotADraft);
                assert_eq!(
                    confirm(c, id, 50, "E", now, Some((50, 7)))?,
                    Confirmed::Queued(3)
                );
                assert_eq!(confirm(c, id, 50, "E", now, None)?, Confirmed::NotADraft);
                assert_eq!(outbox_count(c), 3);
                let b = get(c, id)?.unwrap();
                assert_eq!((b.status, b.status_message), (Status::Queued, Some(7)));
                let log = audit::latest(c, 10)?;
                assert!(log.iter().all(|e| !e.detail.contains("Apel")));
                assert_eq!(log.len(), 2);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn scheduled_broadcasts_are_queued_when_due() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                user(c, 1, Some("dinkes"));
                let now = crate::store::test_now();
                let at = now + chrono::Duration::hours(1);
                let id = create_text_draft(c, 50, "x", &[], Some(at), now)?;
                set_audience(c, id, 50, &Audience::All)?;
                assert_eq!(
                    confirm(c, id, 50, "E", now, None)?,
                    Confirmed::Scheduled(parse_ts(&ts(at)).unwrap())
                );
                assert_eq!(outbox_count(c), 0);
                assert!(activate_due(c, now, "E")?.is_empty());
                assert_eq!(activate_due(c, at, "E")?, vec![id]);
                assert!(activate_due(c, at, "E")?.is_empty());
                assert_eq!(outbox_count(c), 1);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn cancelling_stops_the_unsent_rows() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                for id in 1..=3 {
                    user(c, id, None);
                }
                let now = crate::store::test_now();
                let id = confirmed(c, 50, None, now);
                let row = crate::store::outbox::claim_next(c, now)?.unwrap();
                crate::store::outbox::mark_sent(c, row.id, now)?;
                assert_eq!(
                    cancel(c, id, 51, false, crate::store::test_now())?,
                    Cancelled::NotAllowed
                );
                assert_eq!(
                    cancel(c, id, 51, true, crate::store::test_now())?,
                    Cancelled::Done(2)
                );
                assert_eq!(
                    cancel(c, id, 50, false, crate::store::test_now())?,
                    Cancelled::NotOpen
                );
                let p = progress(c, id)?;
                assert_eq!((p.sent, p.cancelled, p.remaining), (1, 2, 0));
                assert!(crate::store::outbox::claim_next(c, now)?.is_none());
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn revoking_an_author_cancels_their_scheduled_and_running_broadcasts_only() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                for id in 1..=3 {
                    user(c, id, None);
                }
                let now = crate::store::test_now();
                let later = now + chrono::Duration::hours(1);
                let running = confirmed(c, 50, None, now);
                let scheduled = confirmed(c, 50, Some(later), now);
                let other = confirmed(c, 51, None, now);
                let draft = create_text_draft(c, 50, "y", &[], None, now)?;
                assert_eq!(cancel_all_by(c, 50, 1, now)?, 2);
                for id in [running, scheduled] {
                    assert_eq!(get(c, id)?.unwrap().status, Status::Cancelled);
                }
                assert_eq!(get(c, other)?.unwrap().status, Status::Queued);
                assert_eq!(get(c, draft)?.unwrap().status, Status::Draft);
                assert_eq!(progress(c, running)?.cancelled, 3);
                assert_eq!(cancel_all_by(c, 50, 1, now)?, 0);
                let (page, total) = list_page(c, 0, 10)?;
                assert_eq!(total, 3);
                assert_eq!(page[0].id, other, "open ones first");
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_reminder_is_created_once_per_key() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                user(c, 1, Some("dinkes"));
                user(c, 2, Some("dinkes"));
                users::set_reminders_muted(c, 2, true)?;
                let now = crate::store::test_now();
                let a = Audience::RegisteredUnpledged;
                assert_eq!(
                    create_reminder(c, "k1", "reminder-pledge", &a, 7, "E", now, true)?,
                    Some(1)
                );
                assert_eq!(
                    create_reminder(c, "k1", "reminder-pledge", &a, 7, "E", now, true)?,
                    None
                );
                assert_eq!(
                    create_reminder(c, "k0", "reminder-pledge", &a, 14, "E", now, false)?,
                    Some(0)
                );
                assert!(reminder_exists(c, "k0")?);
                assert_eq!(outbox_count(c), 1);
                let id = queued_ids(c)?[0];
                assert!(!finish_if_done(c, id, now)?);
                Ok(())
            })
            .unwrap();
    }
}
