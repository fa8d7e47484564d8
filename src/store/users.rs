//! Registered users and what the bot knows about them.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{Corrupt, Result, ts};
use crate::domain::{Employment, FullName, Nip, Role, UnitCode};
use crate::i18n::Lang;

/// What a registered user told the bot, as the domain types it was parsed into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub employment: Employment,
    pub name: FullName,
    /// PNS have one; PPPK and non-ASN staff may not.
    pub nip: Option<Nip>,
    pub unit: UnitCode,
}

#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: i64,
    pub display_name: String,
    pub username: Option<String>,
    pub language: Lang,
    /// The role granted in the bot; owners from `ADMIN_IDS` are layered on top by the caller.
    pub granted_role: Role,
    /// `None` until the user has finished registering.
    pub registration: Option<Registration>,
    /// A unit chosen through a deep link before registering.
    pub preselected_unit: Option<UnitCode>,
    pub blocked: bool,
    pub reminders_muted: bool,
}

impl UserRecord {
    /// The unit to offer first when (re-)registering: the registered one, or the one a deep
    /// link chose.
    pub fn unit_hint(&self) -> Option<&UnitCode> {
        self.registration
            .as_ref()
            .map(|r| &r.unit)
            .or(self.preselected_unit.as_ref())
    }
}

const COLUMNS: &str = "id, display_name, username, language, role, employment, full_name, nip, \
                       unit_code, registered_at, blocked, reminders_muted";

fn corrupt(id: i64, index: usize, column: &'static str, value: &str) -> rusqlite::Error {
    Corrupt::at("users", id, index, column, value)
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<UserRecord> {
    let id: i64 = r.get(0)?;
    let text = |index: usize| -> rusqlite::Result<Option<String>> { r.get(index) };
    let language: String = r.get(3)?;
    let language = Lang::parse(&language).ok_or_else(|| corrupt(id, 3, "language", &language))?;
    let role: String = r.get(4)?;
    let granted_role = Role::parse(&role).ok_or_else(|| corrupt(id, 4, "role", &role))?;
    let employment = text(5)?
        .map(|e| Employment::parse(&e).ok_or_else(|| corrupt(id, 5, "employment", &e)))
        .transpose()?;
    let name = text(6)?
        .map(|n| FullName::parse(&n).map_err(|_| corrupt(id, 6, "full_name", &n)))
        .transpose()?;
    let nip = text(7)?
        .map(|n| Nip::try_from(n.clone()).map_err(|_| corrupt(id, 7, "nip", &n)))
        .transpose()?;
    let unit = text(8)?
        .map(|u| UnitCode::parse(&u).ok_or_else(|| corrupt(id, 8, "unit_code", &u)))
        .transpose()?;
    let registered = r.get::<_, Option<String>>(9)?.is_some();
    // A registered row without a name is one whose owner erased their data
    // (`privacy::erase_user`): their pledge stays counted, but they are no longer registered.
    let erased = registered && name.is_none();
    let (registration, preselected_unit) = if erased {
        (None, None)
    } else if registered {
        let missing = |column| corrupt(id, 9, column, "");
        let registration = Registration {
            employment: employment.ok_or_else(|| missing("employment"))?,
            name: name.ok_or_else(|| missing("full_name"))?,
            nip,
            unit: unit.ok_or_else(|| missing("unit_code"))?,
        };
        (Some(registration), None)
    } else {
        (None, unit)
    };
    Ok(UserRecord {
        id,
        display_name: r.get(1)?,
        username: r.get(2)?,
        language,
        granted_role,
        registration,
        preselected_unit,
        blocked: r.get(10)?,
        reminders_muted: r.get(11)?,
    })
}

/// Records that a user wrote to the bot: creates them on first contact (in the language
/// their Telegram app uses), refreshes the name, and clears `blocked`: someone who writes
/// has evidently unblocked the bot.
pub fn touch(
    conn: &Connection,
    id: i64,
    display_name: &str,
    username: Option<&str>,
    language: Lang,
    at: DateTime<Utc>,
) -> Result<UserRecord> {
    // Nearly every update comes from someone already on file with the same name: a read
    // then answers it, and the write (a WAL frame and the write lock) is skipped.
    if let Some(known) = get(conn, id)?
        && is_current(&known, display_name, username)
    {
        return Ok(known);
    }
    conn.prepare_cached(
        "INSERT INTO users (id, display_name, username, language, first_seen)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name,
                                       username = excluded.username, blocked = 0",
    )?
    .execute(params![id, display_name, username, language.code(), ts(at)])?;
    super::usernames::seen(conn, id, username, at)?;
    Ok(get(conn, id)?.expect("row was just upserted"))
}

/// Whether [`touch`] would change nothing: same names, and not marked blocked.
pub fn is_current(known: &UserRecord, display_name: &str, username: Option<&str>) -> bool {
    !known.blocked && known.display_name == display_name && known.username.as_deref() == username
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<UserRecord>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?)
}

pub fn set_language(conn: &Connection, id: i64, lang: Lang) -> Result<()> {
    conn.prepare_cached("UPDATE users SET language = ?2 WHERE id = ?1")?
        .execute(params![id, lang.code()])?;
    Ok(())
}

/// A deep link `unit_<code>` chooses the unit before registration starts.
pub fn preselect_unit(conn: &Connection, id: i64, unit: &UnitCode) -> Result<()> {
    conn.prepare_cached("UPDATE users SET unit_code = ?2 WHERE id = ?1")?
        .execute(params![id, unit.as_str()])?;
    Ok(())
}

/// For tests: a PPPK (no NIP needed) seen and registered in `unit`.
#[cfg(test)]
pub fn register_pppk(conn: &Connection, id: i64, unit: &str) -> Result<()> {
    let now = super::test_now();
    touch(conn, id, "x", None, Lang::Id, now)?;
    let name = FullName::parse("X").expect("a valid name");
    let unit = UnitCode::parse(unit).expect("a valid unit code");
    register(conn, id, Employment::Pppk, &name, None, &unit, now)
}

pub fn register(
    conn: &Connection,
    id: i64,
    employment: Employment,
    name: &FullName,
    nip: Option<&Nip>,
    unit: &UnitCode,
    at: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE users SET employment = ?2, full_name = ?3, nip = ?4, unit_code = ?5,
                          registered_at = COALESCE(registered_at, ?6)
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        employment.code(),
        name.as_str(),
        nip.map(Nip::as_str),
        unit.as_str(),
        ts(at)
    ])?;
    Ok(())
}

/// Telegram answered 403: the user blocked the bot or deleted their account.
pub fn mark_blocked(conn: &Connection, id: i64) -> Result<()> {
    conn.prepare_cached("UPDATE users SET blocked = 1 WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

pub fn set_role(conn: &Connection, id: i64, role: Role) -> Result<bool> {
    let changed = conn
        .prepare_cached("UPDATE users SET role = ?2 WHERE id = ?1")?
        .execute(params![id, role.code()])?;
    Ok(changed == 1)
}

pub fn set_reminders_muted(conn: &Connection, id: i64, muted: bool) -> Result<()> {
    conn.prepare_cached("UPDATE users SET reminders_muted = ?2 WHERE id = ?1")?
        .execute(params![id, muted])?;
    Ok(())
}

/// Users holding a granted role (for `/roles` and per-chat command menus).
pub fn with_roles(conn: &Connection) -> Result<Vec<UserRecord>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users WHERE role != 'asn' ORDER BY role DESC, id"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn touch_creates_then_refreshes_and_unblocks() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                let u = touch(
                    c,
                    7,
                    "Sari",
                    Some("sari"),
                    Lang::En,
                    crate::store::test_now(),
                )?;
                assert_eq!(u.language, Lang::En);
                assert!(u.registration.is_none());
                mark_blocked(c, 7)?;
                assert!(get(c, 7)?.unwrap().blocked);
                // Language chosen earlier is kept; the display name is refreshed.
                let u = touch(c, 7, "Sari W", None, Lang::Id, crate::store::test_now())?;
                assert_eq!(u.language, Lang::En);
                assert_eq!(u.display_name, "Sari W");
                assert!(!u.blocked);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn an_unchanged_sender_is_not_written_again() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                let now = crate::store::test_now();
                touch(c, 8, "Budi", Some("budi"), Lang::Id, now)?;
                let before = c.total_changes();
                let u = touch(c, 8, "Budi", Some("budi"), Lang::Id, now)?;
                assert_eq!(
                    c.total_changes(),
                    before,
                    "nothing changed, nothing written"
                );
                assert_eq!(u.display_name, "Budi");
                // A new username is written, and so is a return after blocking the bot.
                touch(c, 8, "Budi", Some("budi_baru"), Lang::Id, now)?;
                assert!(c.total_changes() > before);
                mark_blocked(c, 8)?;
                let before = c.total_changes();
                assert!(!touch(c, 8, "Budi", Some("budi_baru"), Lang::Id, now)?.blocked);
                assert!(c.total_changes() > before);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_corrupt_stored_value_is_an_error_naming_the_row() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                register_pppk(c, 9, "dinkes")?;
                crate::store::assert_corruption_is_named(
                    c,
                    |c| get(c, 9),
                    "users row 9",
                    &[
                        (
                            "UPDATE users SET employment = 'pilot' WHERE id = 9",
                            "employment",
                        ),
                        (
                            "UPDATE users SET employment = 'pppk', language = 'xx' WHERE id = 9",
                            "language",
                        ),
                    ],
                );
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn registration_is_stored() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                touch(
                    c,
                    1,
                    "Budi",
                    Some("Budi_ASN"),
                    Lang::Id,
                    crate::store::test_now(),
                )?;
                let nip = Nip::parse(
                    "198503122010011002",
                    chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
                )
                .unwrap();
                let unit = UnitCode::parse("dinkes").unwrap();
                register(
                    c,
                    1,
                    Employment::Pns,
                    &FullName::parse("Budi Santoso").unwrap(),
                    Some(&nip),
                    &unit,
                    crate::store::test_now(),
                )?;
                let u = get(c, 1)?.unwrap();
                let r = u.registration.expect("registered");
                assert_eq!(r.employment, Employment::Pns);
                assert_eq!(r.unit.as_str(), "dinkes");
                assert_eq!(r.nip, Some(nip));
                assert_eq!(r.name.as_str(), "Budi Santoso");
                assert_eq!(u.username.as_deref(), Some("Budi_ASN"));
                assert!(set_role(c, 1, Role::Hr)?);
                assert_eq!(with_roles(c)?.len(), 1);
                Ok(())
            })
            .unwrap();
    }
}
