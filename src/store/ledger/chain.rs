//! The chain itself: how a record is encoded, committed and hashed, and how a row is
//! appended after the previous one.

use std::fmt;

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::super::{Result, StoreError};
use crate::domain::receipt::ReceiptInput;

/// One chained record, borrowed from the row being written or read.
#[derive(Debug, Clone, Copy)]
pub enum Record<'a> {
    Pledge {
        user_id: i64,
        election: &'a str,
        text_hash: &'a str,
        confirmed_at: &'a str,
        receipt_code: &'a str,
    },
    Audit {
        id: i64,
        at: &'a str,
        actor_id: i64,
        action: &'a str,
        detail: &'a str,
    },
}

pub(super) const PLEDGE: &str = "pledge";
pub(super) const AUDIT: &str = "audit";

impl Record<'_> {
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Record::Pledge { .. } => PLEDGE,
            Record::Audit { .. } => AUDIT,
        }
    }

    /// Links the ledger row to its record without naming the person: a receipt code is
    /// unique within its election, an audit id is unique.
    pub(super) fn record_key(&self) -> String {
        match self {
            Record::Pledge {
                election,
                receipt_code,
                ..
            } => pledge_key(receipt_code, election),
            Record::Audit { id, .. } => id.to_string(),
        }
    }

    pub(super) fn commitment(&self, salt: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        field(&mut h, b"netralitas-commitment-v1");
        field(&mut h, salt);
        match self {
            Record::Pledge { user_id, .. } => field(&mut h, &user_id.to_be_bytes()),
            Record::Audit {
                actor_id, detail, ..
            } => {
                field(&mut h, &actor_id.to_be_bytes());
                field(&mut h, detail.as_bytes());
            }
        }
        h.finalize().into()
    }

    pub(super) fn hash(&self, seq: i64, prev: &[u8], key: &str, commitment: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        field(&mut h, b"netralitas-ledger-v1");
        field(&mut h, prev);
        field(&mut h, &seq.to_be_bytes());
        field(&mut h, self.kind().as_bytes());
        field(&mut h, key.as_bytes());
        match self {
            Record::Pledge {
                election,
                text_hash,
                confirmed_at,
                receipt_code,
                ..
            } => {
                for f in [election, text_hash, confirmed_at, receipt_code] {
                    field(&mut h, f.as_bytes());
                }
            }
            Record::Audit { id, at, action, .. } => {
                field(&mut h, &id.to_be_bytes());
                field(&mut h, at.as_bytes());
                field(&mut h, action.as_bytes());
            }
        }
        field(&mut h, commitment);
        h.finalize().into()
    }

    pub(super) fn describe(&self) -> String {
        match self {
            Record::Pledge {
                election,
                receipt_code,
                ..
            } => format!("{receipt_code} ({election})"),
            Record::Audit { id, .. } => format!("audit #{id}"),
        }
    }
}

/// Owned copy of a record, for the rows verify and the migration read.
#[derive(Debug, Clone)]
pub(super) enum Owned {
    Pledge {
        user_id: i64,
        election: String,
        text_hash: String,
        confirmed_at: String,
        receipt_code: String,
    },
    Audit {
        id: i64,
        at: String,
        actor_id: i64,
        action: String,
        detail: String,
    },
}

impl Owned {
    pub(super) fn as_record(&self) -> Record<'_> {
        match self {
            Owned::Pledge {
                user_id,
                election,
                text_hash,
                confirmed_at,
                receipt_code,
            } => Record::Pledge {
                user_id: *user_id,
                election,
                text_hash,
                confirmed_at,
                receipt_code,
            },
            Owned::Audit {
                id,
                at,
                actor_id,
                action,
                detail,
            } => Record::Audit {
                id: *id,
                at,
                actor_id: *actor_id,
                action,
                detail,
            },
        }
    }

    pub(super) fn at(&self) -> &str {
        match self {
            Owned::Pledge { confirmed_at, .. } => confirmed_at,
            Owned::Audit { at, .. } => at,
        }
    }

    /// Every pledge row as chained, in no particular order.
    pub(super) fn all_pledges(conn: &Connection) -> rusqlite::Result<Vec<Owned>> {
        conn.prepare(
            "SELECT user_id, election, text_hash, confirmed_at, receipt_code FROM pledges",
        )?
        .query_map([], |r| {
            Ok(Owned::Pledge {
                user_id: r.get(0)?,
                election: r.get(1)?,
                text_hash: r.get(2)?,
                confirmed_at: r.get(3)?,
                receipt_code: r.get(4)?,
            })
        })?
        .collect()
    }

    /// Every audit row as chained, in no particular order.
    pub(super) fn all_audit(conn: &Connection) -> rusqlite::Result<Vec<Owned>> {
        conn.prepare("SELECT id, at, actor_id, action, detail FROM audit_log")?
            .query_map([], |r| {
                Ok(Owned::Audit {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    actor_id: r.get(2)?,
                    action: r.get(3)?,
                    detail: r.get(4)?,
                })
            })?
            .collect()
    }
}

/// Length-prefixed, so no two different records encode alike.
fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
}

fn pledge_key(receipt_code: &str, election: &str) -> String {
    format!("{receipt_code} {election}")
}

pub(super) const GENESIS: [u8; 32] = [0; 32];

/// Appends `record` to the chain. Call it inside [`atomically`], after the record's own
/// insert, so the write lock is already held when the head is read.
pub fn append(conn: &Connection, record: Record<'_>) -> Result<()> {
    let (last, prev) = head_raw(conn)?;
    let seq = last + 1;
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt)
        .map_err(|e| StoreError::Malformed(format!("no randomness for the ledger: {e}")))?;
    let key = record.record_key();
    let commitment = record.commitment(&salt);
    let hash = record.hash(seq, &prev, &key, &commitment);
    conn.prepare_cached(
        "INSERT INTO ledger (seq, kind, record_key, salt, commitment, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        seq,
        record.kind(),
        key,
        salt.as_slice(),
        commitment.as_slice(),
        prev.as_slice(),
        hash.as_slice()
    ])?;
    Ok(())
}

/// [`append`] for a pledge just inserted with `receipt_code`.
pub fn append_pledge(conn: &Connection, input: ReceiptInput<'_>, receipt_code: &str) -> Result<()> {
    append(
        conn,
        Record::Pledge {
            user_id: input.user_id,
            election: input.election,
            text_hash: input.text_hash,
            confirmed_at: input.confirmed_at,
            receipt_code,
        },
    )
}

pub(super) fn head_raw(conn: &Connection) -> Result<(i64, [u8; 32])> {
    let row: Option<(i64, Vec<u8>)> = conn
        .prepare_cached("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        None => Ok((0, GENESIS)),
        Some((seq, hash)) => {
            let hash = hash.try_into().map_err(|_| {
                StoreError::Malformed(format!("ledger entry #{seq}: hash is not 32 bytes"))
            })?;
            Ok((seq, hash))
        }
    }
}

/// The newest entry of the chain: what an admin writes down or posts elsewhere, so that
/// recomputing the chain or cutting its end off shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// How many entries the chain has (0 for an empty database).
    pub seq: i64,
    /// Hex SHA-256 of the newest entry; all zeros for an empty chain.
    pub hash: String,
}

impl fmt::Display for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{} {}", self.seq, self.hash)
    }
}

/// The current head, read without checking the chain (that is [`verify`]'s job).
pub fn head(conn: &Connection) -> Result<Head> {
    let (seq, hash) = head_raw(conn)?;
    Ok(Head {
        seq,
        hash: hex(&hash),
    })
}

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
