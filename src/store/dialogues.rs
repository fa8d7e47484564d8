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
