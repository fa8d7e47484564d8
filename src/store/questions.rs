//! What users asked that the bot could not answer, and whether answers helped.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, ts};
use crate::i18n::Lang;

/// Longer questions are cut: admins need the gist, and a flood must not bloat the file.
const MAX_STORED_CHARS: usize = 1000;

/// Normalised text, the key of de-duplication (per user) and of /unanswered's grouping:
/// lower case, letters and digits only, single spaces.
pub fn normalize(question: &str) -> String {
    question
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// How many questions one user may leave per day, and whether the question waits for the
/// user's answer to the candidate buttons before the admins see it.
#[derive(Debug, Clone, Copy)]
pub struct Keep {
    pub per_user_per_day: u32,
    pub pending: bool,
}

/// Stores a question the bot could not answer and returns its id. The same user asking the
/// same (normalised) text again gets the stored row's id back; a user past the daily cap
/// gets `None` and nothing is stored, so one person cannot flood the admins' list.
pub fn keep_unanswered(
    conn: &Connection,
    user_id: Option<i64>,
    question: &str,
    lang: Lang,
    score: f32,
    at: DateTime<Utc>,
    keep: Keep,
) -> Result<Option<i64>> {
    // A NIP or NIK typed into a question is masked before anything keeps or shows it.
    let question = crate::domain::redact::mask_identity_numbers(question);
    let question: String = question.chars().take(MAX_STORED_CHARS).collect();
    let normalized = normalize(&question);
    if let Some(user) = user_id {
        let existing: Option<i64> = conn
            .prepare_cached(
                "SELECT id FROM unanswered_questions WHERE user_id = ?1 AND normalized = ?2
                 ORDER BY id DESC LIMIT 1",
            )?
            .query_row(params![user, normalized], |r| r.get(0))
            .optional()?;
        if let Some(id) = existing {
            return Ok(Some(id));
        }
        let since = ts(at - chrono::Duration::days(1));
        let today: i64 = conn
            .prepare_cached(
                "SELECT COUNT(*) FROM unanswered_questions WHERE user_id = ?1 AND asked_at > ?2",
            )?
            .query_row(params![user, since], |r| r.get(0))?;
        if today >= i64::from(keep.per_user_per_day) {
            return Ok(None);
        }
    }
    conn.prepare_cached(
        "INSERT INTO unanswered_questions
             (user_id, question, lang, score, asked_at, normalized, pending)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        user_id,
        question,
        lang.code(),
        score as f64,
        ts(at),
        normalized,
        keep.pending
    ])?;
    Ok(Some(conn.last_insert_rowid()))
}

/// Stores a question for the admins with no daily cap (imports, tests).
pub fn record_unanswered(
    conn: &Connection,
    user_id: Option<i64>,
    question: &str,
    lang: Lang,
    score: f32,
    at: DateTime<Utc>,
) -> Result<()> {
    let keep = Keep {
        per_user_per_day: u32::MAX,
        pending: false,
    };
    keep_unanswered(conn, user_id, question, lang, score, at, keep).map(|_| ())
}

/// The user said none of the offered rules fit: the question goes to the admins' list.
/// False when the id is not one of this user's questions (a stale or forged button).
pub fn release_pending(conn: &Connection, id: i64, user_id: i64) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE unanswered_questions SET pending = 0 WHERE id = ?1 AND user_id = ?2",
        )?
        .execute(params![id, user_id])?;
    Ok(n > 0)
}

/// The user picked one of the offered rules: the question was answered after all.
pub fn resolve_pending(conn: &Connection, id: i64, user_id: i64) -> Result<()> {
    conn.prepare_cached(
        "DELETE FROM unanswered_questions WHERE id = ?1 AND user_id = ?2 AND pending = 1",
    )?
    .execute(params![id, user_id])?;
    Ok(())
}

/// Forgets questions asked before `before` (the retention period); returns how many.
pub fn prune_unanswered(conn: &Connection, before: DateTime<Utc>) -> Result<usize> {
    Ok(conn
        .prepare_cached("DELETE FROM unanswered_questions WHERE asked_at < ?1")?
        .execute([ts(before)])?)
}

/// One line of /unanswered: the newest question of a group of equal normalised texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenQuestion {
    pub id: i64,
    pub question: String,
    pub count: i64,
}

/// Questions for the admins, grouped by normalised text, newest first, without those
/// still waiting for the asker's choice and those already taught.
pub fn open_questions(conn: &Connection, offset: usize, limit: usize) -> Result<Vec<OpenQuestion>> {
    let mut stmt = conn.prepare_cached(
        "SELECT MAX(id), COUNT(*) FROM unanswered_questions q
         WHERE pending = 0
           AND NOT EXISTS (SELECT 1 FROM taught_examples t WHERE t.normalized = q.normalized)
         GROUP BY normalized ORDER BY MAX(id) DESC LIMIT ?1 OFFSET ?2",
    )?;
    let groups: Vec<(i64, i64)> = stmt
        .query_map(params![limit as i64, offset as i64], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    groups
        .into_iter()
        .map(|(id, count)| {
            let question = conn
                .prepare_cached("SELECT question FROM unanswered_questions WHERE id = ?1")?
                .query_row([id], |r| r.get(0))?;
            Ok(OpenQuestion {
                id,
                question,
                count,
            })
        })
        .collect()
}

/// The text of a stored question, if it still exists.
pub fn question_text(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT question FROM unanswered_questions WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// A question an admin assigned: `rule_id` None means off-topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaughtRow {
    pub id: i64,
    pub question: String,
    pub rule_id: Option<String>,
}

/// Stores (or replaces) the teaching of question `id`.
pub fn teach(
    conn: &Connection,
    id: i64,
    question: &str,
    rule_id: Option<&str>,
    by: i64,
    at: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO taught_examples (id, question, normalized, rule_id, taught_by, taught_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(id) DO UPDATE SET rule_id = excluded.rule_id,
             taught_by = excluded.taught_by, taught_at = excluded.taught_at",
    )?
    .execute(params![
        id,
        question,
        normalize(question),
        rule_id,
        by,
        ts(at)
    ])?;
    Ok(())
}

/// Removes the teaching of question `id`; false when there was none.
pub fn untaught(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("DELETE FROM taught_examples WHERE id = ?1")?
        .execute([id])?
        > 0)
}

pub fn taught(conn: &Connection) -> Result<Vec<TaughtRow>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, question, rule_id FROM taught_examples ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok(TaughtRow {
            id: r.get(0)?,
            question: r.get(1)?,
            rule_id: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn taught_count(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM taught_examples")?
        .query_row([], |r| r.get(0))?)
}

/// Taught examples outlive the retention of the questions they came from: they hold no
/// user id, and they are the deployment's knowledge.
pub const TEACH_SCHEMA: &str = r#"
    ALTER TABLE unanswered_questions ADD COLUMN normalized TEXT NOT NULL DEFAULT '';
    ALTER TABLE unanswered_questions ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
    UPDATE unanswered_questions SET normalized = lower(trim(question));
    CREATE INDEX unanswered_user_text ON unanswered_questions(user_id, normalized);
    CREATE INDEX unanswered_asked_at ON unanswered_questions(asked_at);
    CREATE TABLE taught_examples (
        id         INTEGER PRIMARY KEY,             -- the unanswered question it came from
        question   TEXT NOT NULL,
        normalized TEXT NOT NULL,
        rule_id    TEXT,                            -- NULL: off-topic
        taught_by  INTEGER NOT NULL,
        taught_at  TEXT NOT NULL
    );
"#;

/// The most frequent unanswered questions (case- and space-insensitive), most asked first.
pub fn top_unanswered(conn: &Connection, limit: usize) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT MIN(question), COUNT(*) AS n FROM unanswered_questions
         GROUP BY lower(trim(question)) ORDER BY n DESC, MAX(asked_at) DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One vote per user per rule; pressing again changes the vote instead of adding one.
pub fn record_feedback(
    conn: &Connection,
    user_id: i64,
    rule_id: &str,
    helpful: bool,
    at: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO feedback (user_id, rule_id, helpful, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(user_id, rule_id) DO UPDATE SET helpful = excluded.helpful,
                                                    updated_at = excluded.updated_at",
    )?
    .execute(params![user_id, rule_id, helpful, ts(at)])?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackCount {
    pub rule_id: String,
    pub helpful: i64,
    pub unhelpful: i64,
}

/// Per-rule votes, the rules with the most 👎 first.
pub fn feedback_counts(conn: &Connection) -> Result<Vec<FeedbackCount>> {
    let mut stmt = conn.prepare_cached(
        "SELECT rule_id, SUM(helpful), SUM(1 - helpful) AS bad FROM feedback
         GROUP BY rule_id ORDER BY bad DESC, SUM(helpful) ASC, rule_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(FeedbackCount {
            rule_id: r.get(0)?,
            helpful: r.get(1)?,
            unhelpful: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn unanswered_questions_are_grouped_by_frequency() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                record_unanswered(
                    c,
                    Some(1),
                    "Kapan THR cair?",
                    Lang::Id,
                    0.1,
                    crate::store::test_now(),
                )?;
                record_unanswered(
                    c,
                    Some(2),
                    "kapan thr cair? ",
                    Lang::Id,
                    0.1,
                    crate::store::test_now(),
                )?;
                record_unanswered(
                    c,
                    None,
                    "Gaji ke-13?",
                    Lang::Id,
                    0.2,
                    crate::store::test_now(),
                )?;
                record_unanswered(
                    c,
                    None,
                    &"x".repeat(5000),
                    Lang::Id,
                    0.0,
                    crate::store::test_now(),
                )?;
                let top = top_unanswered(c, 10)?;
                assert_eq!(top[0].1, 2);
                assert!(
                    top.iter()
                        .all(|(q, _)| q.chars().count() <= MAX_STORED_CHARS)
                );
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn pending_questions_belong_to_their_asker_and_old_ones_are_pruned() {
        let store = Store::open_in_memory().unwrap();
        let now = crate::store::test_now();
        let keep = Keep {
            per_user_per_day: 20,
            pending: true,
        };
        store
            .with(|c| {
                let id =
                    keep_unanswered(c, Some(1), "Kampanye?", Lang::Id, 0.2, now, keep)?.unwrap();
                assert!(open_questions(c, 0, 10)?.is_empty(), "pending is hidden");
                assert!(!release_pending(c, id, 2)?, "another user's question");
                assert!(release_pending(c, id, 1)?);
                assert_eq!(open_questions(c, 0, 10)?[0].id, id);
                let old = now - chrono::Duration::days(200);
                record_unanswered(c, Some(3), "lama", Lang::Id, 0.1, old)?;
                assert_eq!(prune_unanswered(c, now - chrono::Duration::days(180))?, 1);
                assert_eq!(open_questions(c, 0, 10)?.len(), 1);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn feedback_is_one_vote_per_user_and_rule() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                record_feedback(c, 1, "vote_at_tps", true, crate::store::test_now())?;
                record_feedback(c, 1, "vote_at_tps", false, crate::store::test_now())?;
                record_feedback(c, 2, "vote_at_tps", false, crate::store::test_now())?;
                record_feedback(c, 2, "hand_gesture", true, crate::store::test_now())?;
                let counts = feedback_counts(c)?;
                assert_eq!(
                    counts[0],
                    FeedbackCount {
                        rule_id: "vote_at_tps".into(),
                        helpful: 0,
                        unhelpful: 2
                    }
                );
                assert_eq!(counts[1].helpful, 1);
                Ok(())
            })
            .unwrap();
    }
}
