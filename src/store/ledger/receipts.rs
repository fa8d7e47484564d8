//! Receipt codes: the deployment's secret, new codes, and checking a code someone shows.

use rusqlite::Connection;

use super::super::{Result, StoreError};
use crate::domain::pledge;
use crate::domain::receipt::{self, ReceiptInput, ReceiptKey};

/// This deployment's receipt secret (created by the migration at first start).
pub fn receipt_key(conn: &Connection) -> Result<ReceiptKey> {
    let bytes: Vec<u8> = conn
        .prepare_cached("SELECT key FROM receipt_key WHERE id = 1")?
        .query_row([], |r| r.get(0))?;
    ReceiptKey::from_bytes(&bytes)
        .ok_or_else(|| StoreError::Malformed("receipt_key: not 32 bytes".into()))
}

/// The receipt code for a new pledge (see [`receipt::code`]).
pub fn new_receipt_code(conn: &Connection, input: ReceiptInput<'_>) -> Result<String> {
    Ok(receipt::code(
        &receipt_key(conn)?,
        input.user_id,
        input.election,
    ))
}

/// What anyone may learn from a genuine receipt code: enough to recognise it, nothing
/// that identifies the person beyond their initials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptCheck {
    pub receipt_code: String,
    pub election: String,
    /// The unit the pledger is registered in now, if any.
    pub unit_code: Option<String>,
    pub confirmed_at: chrono::DateTime<chrono::Utc>,
    /// e.g. "B. S."; `None` once the person erased their name.
    pub initials: Option<String>,
}

/// Whether `code` (as typed: any case, with or without dashes) is a pledge of this
/// deployment. Codes issued before the secret existed (the permutation keyed by the
/// election name) stay valid. A row whose code matches neither scheme was not written by
/// the bot and is not vouched for. When a code exists in several elections, the newest
/// pledge is returned.
pub fn check_receipt(conn: &Connection, code: &str) -> Result<Option<ReceiptCheck>> {
    let Some(code) = receipt::normalize(code) else {
        return Ok(None);
    };
    let key = receipt_key(conn)?;
    // A scan rather than an index: checks are rare, and an index on codes would cost every
    // confirmation a random page write (it halved the insert rate when measured).
    let mut stmt = conn.prepare_cached(
        "SELECT p.user_id, p.election, p.confirmed_at, u.unit_code, u.full_name
         FROM pledges p LEFT JOIN users u ON u.id = p.user_id
         WHERE p.receipt_code = ?1",
    )?;
    let mut rows = stmt.query([&code])?;
    let mut best: Option<ReceiptCheck> = None;
    while let Some(r) = rows.next()? {
        let user_id: i64 = r.get(0)?;
        let election: String = r.get(1)?;
        let confirmed_at: String = r.get(2)?;
        let genuine = receipt::code(&key, user_id, &election) == code
            || pledge::receipt_code(user_id, &election) == code;
        if !genuine {
            continue;
        }
        let Ok(at) = chrono::DateTime::parse_from_rfc3339(&confirmed_at) else {
            continue;
        };
        let full_name: Option<String> = r.get(4)?;
        let found = ReceiptCheck {
            receipt_code: code.clone(),
            election,
            unit_code: r.get(3)?,
            confirmed_at: at.with_timezone(&chrono::Utc),
            initials: full_name
                .map(|n| receipt::initials(&n))
                .filter(|i| !i.is_empty()),
        };
        if best
            .as_ref()
            .is_none_or(|b| b.confirmed_at < found.confirmed_at)
        {
            best = Some(found);
        }
    }
    Ok(best)
}
