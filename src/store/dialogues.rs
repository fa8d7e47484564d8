//! Persisted dialogue states, so a registration survives a restart of the bot.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, ts};

pub fn get(conn: &Connection, chat_id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT state FROM dialogues WHERE chat_id = ?1")?
        .query_row([chat_id], |r| r.get(0))
        .optional()?)
}

pub fn set(conn: &Connection, chat_id: i64, state_json: &str, at: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO dialogues (chat_id, state, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
    )?
    .execute(params![chat_id, state_json, ts(at)])?;
    Ok(())
}

pub fn remove(conn: &Connection, chat_id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("DELETE FROM dialogues WHERE chat_id = ?1")?
        .execute([chat_id])?
        == 1)
}

/// Deletes dialogues untouched since `cutoff`: an abandoned registration keeps a NIP, which
/// must not stay on file for someone who never pledged. Returns how many went.
pub fn prune_untouched_since(conn: &Connection, cutoff: DateTime<Utc>) -> Result<usize> {
    Ok(conn
        .prepare_cached("DELETE FROM dialogues WHERE updated_at < ?1")?
        .execute([ts(cutoff)])?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, test_now};

    #[test]
    fn only_dialogues_untouched_since_the_cutoff_are_pruned() {
        let store = Store::open_in_memory().unwrap();
        let now = test_now();
        store
            .with(|c| {
                set(c, 1, "{}", now - chrono::Duration::days(8))?;
                set(c, 2, "{}", now - chrono::Duration::days(6))?;
                let gone = prune_untouched_since(c, now - chrono::Duration::days(7))?;
                assert_eq!(gone, 1);
                assert!(get(c, 1)?.is_none());
                assert!(get(c, 2)?.is_some());
                Ok(())
            })
            .unwrap();
    }
}
