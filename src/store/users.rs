//! Registered users and what the bot knows about them.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{Result, now_utc};
use crate::domain::{Employment, FullName, Nip, Role, UnitCode};
use crate::i18n::Lang;

#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: i64,
    pub display_name: String,
    pub username: Option<String>,
    pub language: Lang,
    /// The role granted in the bot; owners from `ADMIN_IDS` are layered on top by the caller.
    pub granted_role: Role,
    pub employment: Option<Employment>,
    pub full_name: Option<String>,
    pub nip: Option<String>,
    pub unit_code: Option<String>,
    pub registered: bool,
    pub blocked: bool,
    pub reminders_muted: bool,
}

const COLUMNS: &str = "id, display_name, username, language, role, employment, full_name, nip, \
                       unit_code, registered_at, blocked, reminders_muted";

fn from_row(r: &Row<'_>) -> rusqlite::Result<UserRecord> {
    let language: String = r.get(3)?;
    let role: String = r.get(4)?;
    let employment: Option<String> = r.get(5)?;
    Ok(UserRecord {
        id: r.get(0)?,
        display_name: r.get(1)?,
        username: r.get(2)?,
        language: language.parse().unwrap_or_default(),
        granted_role: Role::parse(&role).unwrap_or(Role::Asn),
        employment: employment.as_deref().and_then(Employment::parse),
        full_name: r.get(6)?,
        nip: r.get(7)?,
        unit_code: r.get(8)?,
        registered: r.get::<_, Option<String>>(9)?.is_some(),
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
) -> Result<UserRecord> {
    conn.prepare_cached(
        "INSERT INTO users (id, display_name, username, language, first_seen)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name,
                                       username = excluded.username, blocked = 0",
    )?
    .execute(params![
        id,
        display_name,
        username,
        language.code(),
        now_utc()
    ])?;
    super::usernames::seen(conn, id, username)?;
    Ok(get(conn, id)?.expect("row was just upserted"))
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<UserRecord>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?)
}

pub fn find_by_username(conn: &Connection, username: &str) -> Result<Option<UserRecord>> {
    let name = username.trim_start_matches('@');
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM users WHERE username = ?1 COLLATE NOCASE"
        ))?
        .query_row([name], from_row)
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
    touch(conn, id, "x", None, Lang::Id)?;
    let name = FullName::parse("X").expect("a valid name");
    let unit = UnitCode::parse(unit).expect("a valid unit code");
    register(conn, id, Employment::Pppk, &name, None, &unit)
}

pub fn register(
    conn: &Connection,
    id: i64,
    employment: Employment,
    name: &FullName,
    nip: Option<&Nip>,
    unit: &UnitCode,
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
        now_utc()
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
                let u = touch(c, 7, "Sari", Some("sari"), Lang::En)?;
                assert_eq!(u.language, Lang::En);
                assert!(!u.registered);
                mark_blocked(c, 7)?;
                assert!(get(c, 7)?.unwrap().blocked);
                // Language chosen earlier is kept; the display name is refreshed.
                let u = touch(c, 7, "Sari W", None, Lang::Id)?;
                assert_eq!(u.language, Lang::En);
                assert_eq!(u.display_name, "Sari W");
                assert!(!u.blocked);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn registration_is_stored() {
        let store = Store::open_in_memory().unwrap();
        store
            .with(|c| {
                touch(c, 1, "Budi", Some("Budi_ASN"), Lang::Id)?;
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
                )?;
                let u = get(c, 1)?.unwrap();
                assert!(u.registered);
                assert_eq!(u.employment, Some(Employment::Pns));
                assert_eq!(u.unit_code.as_deref(), Some("dinkes"));
                assert_eq!(find_by_username(c, "@budi_asn")?.unwrap().id, 1);
                assert!(set_role(c, 1, Role::Hr)?);
                assert_eq!(with_roles(c)?.len(), 1);
                Ok(())
            })
            .unwrap();
    }
}
