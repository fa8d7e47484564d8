//! Usernames change hands on Telegram. Every username a user was seen with is kept, so a
//! grant by `@username` can refuse when the name has meant more than one person.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::users::{self, UserRecord};
use super::{Result, ts};

/// Records that `user_id` uses `username` now. Cheap on every message: a name already
/// known for this user writes nothing.
pub fn seen(
    conn: &Connection,
    user_id: i64,
    username: Option<&str>,
    at: DateTime<Utc>,
) -> Result<()> {
    let Some(name) = username.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(());
    };
    conn.prepare_cached(
        "INSERT OR IGNORE INTO usernames (username, user_id, first_seen) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![name, user_id, ts(at)])?;
    Ok(())
}

/// Who `@username` can mean.
#[derive(Debug, Clone)]
pub enum UsernameMatch {
    /// No known user has ever used it.
    Unknown,
    /// Exactly one known user has used it, ever.
    One(UserRecord),
    /// Several users share or have shared it: the caller must ask for the numeric id.
    /// The ids, ascending.
    Ambiguous(Vec<i64>),
}

/// Resolves a username (with or without `@`, any case) against everything seen.
pub fn resolve(conn: &Connection, username: &str) -> Result<UsernameMatch> {
    let name = username.trim().trim_start_matches('@');
    if name.is_empty() {
        return Ok(UsernameMatch::Unknown);
    }
    let ids: Vec<i64> = conn
        .prepare_cached(
            "SELECT user_id FROM usernames WHERE username = ?1
             UNION
             SELECT id FROM users WHERE username = ?1 COLLATE NOCASE
             ORDER BY 1",
        )?
        .query_map([name], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    match ids.as_slice() {
        [] => Ok(UsernameMatch::Unknown),
        [id] => Ok(match users::get(conn, *id)? {
            Some(user) => UsernameMatch::One(user),
            None => UsernameMatch::Unknown,
        }),
        _ => Ok(UsernameMatch::Ambiguous(ids)),
    }
}

/// Every username `user_id` was seen with, oldest first (for the user's own data view).
pub fn history(conn: &Connection, user_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT username FROM usernames WHERE user_id = ?1 ORDER BY first_seen, username",
    )?;
    let rows = stmt.query_map([user_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::store::Store;

    /// A message from user `id` with this name and username.
    fn seen_as(c: &Connection, id: i64, name: &str, username: Option<&str>) -> Result<()> {
        users::touch(c, id, name, username, Lang::Id, crate::store::test_now())?;
        Ok(())
    }

    fn one(m: UsernameMatch) -> i64 {
        match m {
            UsernameMatch::One(u) => u.id,
            other => panic!("expected one user, got {other:?}"),
        }
    }

    #[test]
    fn a_username_used_by_one_person_resolves_to_them() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                seen_as(c, 1, "Budi", Some("budi_asn"))?;
                seen_as(c, 1, "Budi", Some("budi_asn"))?;
                assert_eq!(one(resolve(c, "@Budi_ASN")?), 1);
                assert!(matches!(resolve(c, "@nobody")?, UsernameMatch::Unknown));
                assert!(matches!(resolve(c, "@")?, UsernameMatch::Unknown));
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_username_that_changed_hands_is_ambiguous() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                seen_as(c, 1, "Budi", Some("kepegawaian"))?;
                // Budi renames himself; Sari takes the freed name.
                seen_as(c, 1, "Budi", Some("budi_baru"))?;
                seen_as(c, 2, "Sari", Some("Kepegawaian"))?;
                match resolve(c, "@kepegawaian")? {
                    UsernameMatch::Ambiguous(ids) => assert_eq!(ids, vec![1, 2]),
                    other => panic!("{other:?}"),
                }
                assert_eq!(one(resolve(c, "budi_baru")?), 1);
                let mut seen = history(c, 1)?;
                seen.sort();
                assert_eq!(seen, vec!["budi_baru", "kepegawaian"]);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn users_without_a_username_record_nothing() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                seen_as(c, 1, "Budi", None)?;
                seen_as(c, 2, "Ani", Some("  "))?;
                let n: i64 = c.query_row("SELECT COUNT(*) FROM usernames", [], |r| r.get(0))?;
                assert_eq!(n, 0);
                Ok(())
            })
            .unwrap();
    }
}
