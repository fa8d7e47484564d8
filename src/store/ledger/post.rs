//! The daily post of the chain head to the owners. A copy of the head kept outside the
//! database is what reveals a recomputed chain or a cut-off end, so each owner gets it in
//! their private chat, through the outbox like a reminder: retried on Telegram's errors,
//! sent again after a crash, never twice for the same day.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::super::{Result, ts};
use crate::i18n::Lang;

/// Migration: chain-head posts queued before they had a kind of their own were stored as
/// reminders, and so listed in HR's `/broadcasts`; their keys name them.
pub const OWN_KIND: &str =
    "UPDATE broadcasts SET kind = 'chain_head' WHERE reminder_key LIKE '%|chain-head|%';";

/// One owner's post of one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadPost {
    /// Once per key, ever: the election, the local date and the owner.
    pub key: String,
    pub owner: i64,
    pub lang: Lang,
    /// The text as the owner reads it (the head and the counts, no personal data).
    pub text: String,
}

/// Queues `post` unless its key was queued before; true when queued now. Stored as a
/// system-made broadcast of its own kind (no author's role to re-check, and not listed in
/// HR's `/broadcasts`: it is the owners' private copy of the chain, not a broadcast) with a
/// fixed text and one recipient, so the delivery worker needs nothing new to send it.
pub fn post_head_once(conn: &mut Connection, post: &HeadPost, now: DateTime<Utc>) -> Result<bool> {
    let tx = conn.transaction()?;
    let inserted = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO broadcasts
                 (kind, created_by, status, mandatory, body, reminder_key, created_at, confirmed_at)
             VALUES ('chain_head', 0, 'queued', 1, ?1, ?2, ?3, ?3)",
        )?
        .execute(params![post.text, post.key, ts(now)])?;
    if inserted == 0 {
        return Ok(false);
    }
    let id = tx.last_insert_rowid();
    tx.prepare_cached(
        "INSERT INTO outbox (broadcast_id, user_id, lang, next_attempt_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id, post.owner, post.lang.code(), ts(now)])?;
    tx.commit()?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::broadcasts::{self, Content, list_page};
    use crate::store::{Store, outbox};

    #[test]
    fn a_head_post_is_queued_once_per_key_and_sent_as_plain_text() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                let post = HeadPost {
                    key: "E|2020-12-01|chain-head|9".into(),
                    owner: 9,
                    lang: Lang::En,
                    text: "head abc".into(),
                };
                let now = crate::store::test_now();
                assert!(post_head_once(c, &post, now)?);
                assert!(!post_head_once(c, &post, now)?);
                let row = outbox::claim_next(c, now)?.expect("one row for the owner");
                assert_eq!((row.user_id, row.lang), (9, Lang::En));
                let b = broadcasts::get(c, row.broadcast_id)?.unwrap();
                assert!(b.system_made, "no author to re-check");
                assert_eq!(
                    b.content,
                    Content::Text {
                        body: "head abc".into(),
                        entities: Vec::new()
                    }
                );
                assert!(outbox::claim_next(c, now)?.is_none());
                let (listed, total) = list_page(c, 0, 10)?;
                assert!(
                    listed.is_empty() && total == 0,
                    "not one of HR's broadcasts"
                );
                Ok(())
            })
            .unwrap();
    }
}
