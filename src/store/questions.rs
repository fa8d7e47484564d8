//! What users asked that the bot could not answer, and whether answers helped.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::{Result, ts};
use crate::i18n::Lang;

/// Longer questions are cut: admins need the gist, and a flood must not bloat the file.
const MAX_STORED_CHARS: usize = 1000;

pub fn record_unanswered(
    conn: &Connection,
    user_id: Option<i64>,
    question: &str,
    lang: Lang,
    score: f32,
    at: DateTime<Utc>,
) -> Result<()> {
    let question = crate::domain::redact::mask_identity_numbers(question);
    let question: String = question.chars().take(MAX_STORED_CHARS).collect();
    conn.prepare_cached(
        "INSERT INTO unanswered_questions (user_id, question, lang, score, asked_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        user_id,
        question,
        lang.code(),
        score as f64,
        ts(at)
    ])?;
    Ok(())
}

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
