//! The user's own data (UU 27/2022 on Pelindungan Data Pribadi): everything the bot holds
//! about one person, and erasing it.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::pledges::{self, Pledge};
use super::users::{self, UserRecord};
use super::{Result, audit, ledger, usernames};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredQuestion {
    pub question: String,
    pub asked_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFeedback {
    pub rule_id: String,
    pub helpful: bool,
    pub updated_at: String,
}

/// Everything stored about one user, for `/dataku`.
#[derive(Debug, Clone)]
pub struct UserData {
    /// Profile and granted role (owners from `ADMIN_IDS` are the caller's to add).
    pub profile: Option<UserRecord>,
    /// Every pledge with its receipt code, oldest first.
    pub pledges: Vec<Pledge>,
    /// Unanswered questions kept for the knowledge-base maintainers, oldest first.
    pub questions: Vec<StoredQuestion>,
    pub feedback: Vec<StoredFeedback>,
    /// Usernames the bot has seen them use.
    pub usernames: Vec<String>,
    /// Whether a conversation (e.g. a registration half done) is saved for them.
    pub open_dialogue: bool,
}

pub fn user_data(conn: &Connection, user_id: i64) -> Result<UserData> {
    let profile = users::get(conn, user_id)?;
    let elections: Vec<String> = conn
        .prepare_cached(
            "SELECT election FROM pledges WHERE user_id = ?1 ORDER BY confirmed_at, election",
        )?
        .query_map([user_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut pledges = Vec::with_capacity(elections.len());
    for election in elections {
        pledges.extend(pledges::get(conn, user_id, &election)?);
    }
    let questions = conn
        .prepare_cached(
            "SELECT question, asked_at FROM unanswered_questions WHERE user_id = ?1
             ORDER BY asked_at, id",
        )?
        .query_map([user_id], |r| {
            Ok(StoredQuestion {
                question: r.get(0)?,
                asked_at: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let feedback = conn
        .prepare_cached(
            "SELECT rule_id, helpful, updated_at FROM feedback WHERE user_id = ?1
             ORDER BY updated_at, rule_id",
        )?
        .query_map([user_id], |r| {
            Ok(StoredFeedback {
                rule_id: r.get(0)?,
                helpful: r.get(1)?,
                updated_at: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let open_dialogue = super::dialogues::get(conn, user_id)?.is_some();
    Ok(UserData {
        profile,
        pledges,
        questions,
        feedback,
        usernames: usernames::history(conn, user_id)?,
        open_dialogue,
    })
}

/// What an erasure removed, in numbers only: this is also what the audit entry says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Erased {
    pub questions: usize,
    pub feedback: usize,
    pub usernames: usize,
    pub dialogue: bool,
}

/// Erases `user_id`'s name, NIP, usernames, stored questions, feedback and any saved
/// conversation, in one transaction, and audits that it happened (counts only). `None`
/// when the bot doesn't know the user.
///
/// Kept on purpose: the Telegram id (the bot needs it to answer them at all, and it keeps
/// one pledge per person), unit, employment type, registration time and role, so the
/// pledge stays counted per unit, anonymously; the pledge rows and the audit log, which
/// the chain protects and which hold no name or NIP. Telegram sends the display name and
/// username with every later message, so the bot sees those again if the user writes again.
pub fn erase_user(conn: &Connection, user_id: i64, at: DateTime<Utc>) -> Result<Option<Erased>> {
    ledger::atomically(conn, || {
        let known = conn
            .prepare_cached(
                "UPDATE users SET display_name = '', username = NULL, full_name = NULL, nip = NULL
                 WHERE id = ?1",
            )?
            .execute([user_id])?;
        if known == 0 {
            return Ok(None);
        }
        let delete = |sql: &str| -> Result<usize> {
            Ok(conn.prepare_cached(sql)?.execute(params![user_id])?)
        };
        let erased = Erased {
            questions: delete("DELETE FROM unanswered_questions WHERE user_id = ?1")?,
            feedback: delete("DELETE FROM feedback WHERE user_id = ?1")?,
            usernames: delete("DELETE FROM usernames WHERE user_id = ?1")?,
            // A private chat's id is the user's id.
            dialogue: delete("DELETE FROM dialogues WHERE chat_id = ?1")? > 0,
        };
        audit::record(
            conn,
            user_id,
            "erase_self",
            &format!(
                "questions={} feedback={} usernames={} dialogue={}",
                erased.questions, erased.feedback, erased.usernames, erased.dialogue
            ),
            at,
        )?;
        Ok(Some(erased))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Employment, FullName, Nip, UnitCode};
    use crate::i18n::Lang;
    use crate::store::{Store, questions};

    const NAME: &str = "Budi Santoso";
    const NIP: &str = "198503122010011002";

    fn registered(store: &Store) {
        store
            .with(|c| {
                users::touch(
                    c,
                    1,
                    "Budi S",
                    Some("budi_asn"),
                    Lang::Id,
                    crate::store::test_now(),
                )?;
                let nip =
                    Nip::parse(NIP, chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()).unwrap();
                users::register(
                    c,
                    1,
                    Employment::Pns,
                    &FullName::parse(NAME).unwrap(),
                    Some(&nip),
                    &UnitCode::parse("dinkes").unwrap(),
                    crate::store::test_now(),
                )?;
                users::register_pppk(c, 2, "dinkes")?;
                pledges::confirm(c, 1, "E", "h", crate::store::test_now())?;
                pledges::confirm(c, 2, "E", "h", crate::store::test_now())?;
                questions::record_unanswered(
                    c,
                    Some(1),
                    "Saya Budi Santoso, bolehkah ikut kampanye?",
                    Lang::Id,
                    0.1,
                    crate::store::test_now(),
                )?;
                questions::record_unanswered(
                    c,
                    Some(2),
                    "Kapan THR cair?",
                    Lang::Id,
                    0.1,
                    crate::store::test_now(),
                )?;
                questions::record_feedback(c, 1, "vote_at_tps", true, crate::store::test_now())?;
                crate::store::dialogues::set(
                    c,
                    1,
                    r#"{"ReceiveNip":{"name":"Budi Santoso"}}"#,
                    crate::store::test_now(),
                )?;
                audit::record(c, 9, "grant_hr", "user=1", crate::store::test_now())?;
                Ok(())
            })
            .unwrap();
    }

    /// Every text value in every table, with where it was found.
    fn all_text(c: &Connection) -> Vec<(String, String)> {
        let tables: Vec<String> = c
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let mut found = Vec::new();
        for table in tables {
            let mut stmt = c.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
            let columns = stmt.column_count();
            let mut rows = stmt.query([]).unwrap();
            while let Some(row) = rows.next().unwrap() {
                for i in 0..columns {
                    if let rusqlite::types::ValueRef::Text(t) = row.get_ref(i).unwrap() {
                        found.push((table.clone(), String::from_utf8_lossy(t).into_owned()));
                    }
                }
            }
        }
        found
    }

    #[test]
    fn the_user_sees_everything_held_about_them() {
        let store = Store::open_in_memory().unwrap();
        registered(&store);
        let data = store.with(|c| user_data(c, 1)).unwrap();
        let profile = data.profile.unwrap();
        let registration = profile.registration.expect("registered");
        assert_eq!(registration.name.as_str(), NAME);
        assert_eq!(registration.nip.as_ref().map(|n| n.as_str()), Some(NIP));
        assert_eq!(data.pledges.len(), 1);
        assert!(data.pledges[0].receipt_code.starts_with("IKR-"));
        assert_eq!(data.questions.len(), 1);
        assert_eq!(data.feedback.len(), 1);
        assert_eq!(data.usernames, vec!["budi_asn"]);
        assert!(data.open_dialogue);
        // Nothing of another user.
        let other = store.with(|c| user_data(c, 2)).unwrap();
        assert_eq!(other.questions[0].question, "Kapan THR cair?");
        assert!(other.feedback.is_empty());
    }

    #[test]
    fn erasure_leaves_no_name_or_nip_and_keeps_the_counts_and_the_chain() {
        let store = Store::open_in_memory().unwrap();
        registered(&store);
        let before = store.with(|c| pledges::totals(c, "E")).unwrap();
        let erased = store
            .with(|c| erase_user(c, 1, crate::store::test_now()))
            .unwrap()
            .unwrap();
        assert_eq!(
            erased,
            Erased {
                questions: 1,
                feedback: 1,
                usernames: 1,
                dialogue: true
            }
        );
        store
            .with(|c| {
                for (table, text) in all_text(c) {
                    for secret in [NAME, "Budi", NIP, "budi_asn"] {
                        assert!(!text.contains(secret), "{secret} left in {table}: {text}");
                    }
                }
                assert_eq!(pledges::totals(c, "E")?, before);
                let ok = ledger::verify(c)?.unwrap();
                assert_eq!(ok.pledges, 2);
                let last = &audit::latest(c, 1)?[0];
                assert_eq!((last.actor_id, last.action.as_str()), (1, "erase_self"));
                let data = user_data(c, 1)?;
                assert!(data.questions.is_empty() && data.usernames.is_empty());
                assert_eq!(data.pledges.len(), 1, "the pledge stays, anonymous");
                // The other user's question is untouched.
                assert_eq!(user_data(c, 2)?.questions.len(), 1);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_nip_typed_in_a_question_is_stored_masked() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                questions::record_unanswered(
                    c,
                    Some(1),
                    "nip saya 19850312 201001 1 002 belum terdaftar",
                    Lang::Id,
                    0.1,
                    crate::store::test_now(),
                )?;
                let top = questions::top_unanswered(c, 10)?;
                assert_eq!(top[0].0, "nip saya ******** ****** * *** belum terdaftar");
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn erasing_an_unknown_user_changes_nothing() {
        let store = Store::open_in_memory().unwrap();
        registered(&store);
        let head = store.with(|c| ledger::head(c)).unwrap();
        assert_eq!(
            store
                .with(|c| erase_user(c, 404, crate::store::test_now()))
                .unwrap(),
            None
        );
        assert_eq!(store.with(|c| ledger::head(c)).unwrap(), head);
    }
}
