//! Checking the whole chain against the pledges and the audit log.

use std::collections::HashMap;
use std::fmt;

use rusqlite::Connection;

use super::super::Result;
use super::chain::{AUDIT, GENESIS, Head, Owned, PLEDGE, hex};
use crate::i18n::Lang;

/// A whole chain that checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub pledges: usize,
    pub audit_entries: usize,
    pub head: Head,
}

impl fmt::Display for Verified {
    /// The line `netralitas-bot verify` prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ok: {} pledges, {} audit entries, head {}",
            self.pledges, self.audit_entries, self.head.hash
        )
    }
}

/// The first thing found wrong, naming the record (by receipt code or audit id, never by
/// person) and the ledger entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub seq: Option<i64>,
    pub record: String,
    pub problem: Problem,
}

/// What is wrong with the chain: shown to owners in their language (`key`), printed by the
/// CLI and logged in English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    TwinReceipt,
    Gap,
    Reordered,
    UnknownKind,
    RecordMissing,
    FieldEdited,
    RecordDiffers,
    Unchained,
}

impl Problem {
    pub const ALL: [Problem; 8] = [
        Problem::TwinReceipt,
        Problem::Gap,
        Problem::Reordered,
        Problem::UnknownKind,
        Problem::RecordMissing,
        Problem::FieldEdited,
        Problem::RecordDiffers,
        Problem::Unchained,
    ];

    /// The locale key of its description.
    pub fn key(self) -> &'static str {
        match self {
            Problem::TwinReceipt => "verify-problem-twin-receipt",
            Problem::Gap => "verify-problem-gap",
            Problem::Reordered => "verify-problem-reordered",
            Problem::UnknownKind => "verify-problem-unknown-kind",
            Problem::RecordMissing => "verify-problem-record-missing",
            Problem::FieldEdited => "verify-problem-field-edited",
            Problem::RecordDiffers => "verify-problem-record-differs",
            Problem::Unchained => "verify-problem-unchained",
        }
    }
}

/// The English description from the locale (the CLI and the logs), so that the text is
/// written once.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&Lang::En.t(self.key()))
    }
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.seq {
            Some(seq) => write!(
                f,
                "broken at ledger entry #{seq}, {}: {}",
                self.record, self.problem
            ),
            None => write!(f, "broken: {}: {}", self.record, self.problem),
        }
    }
}

/// Checks the whole chain and that pledges, audit log and ledger agree one to one.
/// `Ok(Err(..))` is a broken chain; `Err(..)` a database that could not be read at all.
pub fn verify(conn: &Connection) -> Result<std::result::Result<Verified, Broken>> {
    // One read transaction: the bot may be confirming pledges while the CLI verifies, and
    // the three tables must be read at the same instant. A deferred one, which takes no
    // write lock: a check over every pledge must not hold up the pledges being confirmed
    // (and it can run on a read-only connection). Inside a caller's transaction the
    // snapshot is already one.
    if !conn.is_autocommit() {
        return verify_snapshot(conn);
    }
    conn.prepare_cached("BEGIN DEFERRED")?.execute([])?;
    let checked = verify_snapshot(conn);
    // Nothing was written: ending the read can't lose anything, and its error matters less
    // than the check's.
    let _ = conn.execute_batch("COMMIT");
    checked
}

fn verify_snapshot(conn: &Connection) -> Result<std::result::Result<Verified, Broken>> {
    let mut pledges: HashMap<String, Owned> = HashMap::new();
    for record in Owned::all_pledges(conn)? {
        let key = record.as_record().record_key();
        if let Some(twin) = pledges.insert(key, record) {
            return Ok(Err(Broken {
                seq: None,
                record: twin.as_record().describe(),
                problem: Problem::TwinReceipt,
            }));
        }
    }
    let pledge_count = pledges.len();

    let mut audit: HashMap<String, Owned> = Owned::all_audit(conn)?
        .into_iter()
        .map(|record| (record.as_record().record_key(), record))
        .collect();
    let audit_count = audit.len();

    let mut prev = GENESIS;
    let mut last_seq = 0i64;
    let mut stmt = conn.prepare(
        "SELECT seq, kind, record_key, salt, commitment, prev_hash, hash FROM ledger ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let kind: String = r.get(1)?;
        let key: String = r.get(2)?;
        let salt: Vec<u8> = r.get(3)?;
        let commitment: Vec<u8> = r.get(4)?;
        let stored_prev: Vec<u8> = r.get(5)?;
        let stored_hash: Vec<u8> = r.get(6)?;
        let broken = |record: String, problem| {
            Ok(Err(Broken {
                seq: Some(seq),
                record,
                problem,
            }))
        };
        let entry = format!("{kind} {key}");
        if seq != last_seq + 1 {
            return broken(entry, Problem::Gap);
        }
        if stored_prev != prev {
            return broken(entry, Problem::Reordered);
        }
        let table = match kind.as_str() {
            PLEDGE => &mut pledges,
            AUDIT => &mut audit,
            _ => return broken(entry, Problem::UnknownKind),
        };
        let Some(record) = table.remove(&key) else {
            return broken(entry, Problem::RecordMissing);
        };
        let record = record.as_record();
        if record.commitment(&salt).as_slice() != commitment {
            return broken(record.describe(), Problem::FieldEdited);
        }
        let hash = record.hash(seq, &prev, &key, &commitment);
        if hash.as_slice() != stored_hash {
            return broken(record.describe(), Problem::RecordDiffers);
        }
        prev = hash;
        last_seq = seq;
    }
    let mut unchained: Vec<&Owned> = pledges.values().chain(audit.values()).collect();
    unchained.sort_by(|a, b| a.at().cmp(b.at()));
    if let Some(first) = unchained.first() {
        return Ok(Err(Broken {
            seq: None,
            record: first.as_record().describe(),
            problem: Problem::Unchained,
        }));
    }
    Ok(Ok(Verified {
        pledges: pledge_count,
        audit_entries: audit_count,
        head: Head {
            seq: last_seq,
            hash: hex(&prev),
        },
    }))
}
