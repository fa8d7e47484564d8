//! SQLite store. One connection behind a mutex; async callers hop to a blocking thread
//! through [`Store::run`], so no connection is ever held across an `.await`.

pub mod audit;
pub mod backup;
pub mod broadcasts;
pub mod dialogues;
pub mod ledger;
mod migrations;
pub mod outbox;
pub mod pledges;
pub mod privacy;
pub mod private_file;
pub mod questions;
pub mod reports;
pub mod usernames;
pub mod users;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

pub use rusqlite;

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("database migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("stored value is malformed: {0}")]
    Malformed(String),
    #[error("cannot create the database directory {path}: {source}")]
    Directory {
        path: String,
        source: std::io::Error,
    },
    #[error("encoding a value to store: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("database worker stopped: {0}")]
    Join(String),
}

#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Directory {
                path: dir.display().to_string(),
                source,
            })?;
        }
        private_file::prepare_database(path).map_err(|e| {
            StoreError::Malformed(format!("cannot make {} private: {e}", path.display()))
        })?;
        Self::setup(Connection::open(path)?)
    }

    pub fn open_in_memory() -> Result<Store> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Store> {
        // WAL lets the CLI read (stats, export) while the bot writes; the busy timeout
        // covers the moments a second process holds the write lock.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(Duration::from_secs(5))?;
        // A deferred transaction that reads before it writes fails at once with
        // SQLITE_BUSY_SNAPSHOT (the busy timeout does not apply) when another process (the
        // CLI, a second writer) committed meanwhile: take the write lock when it begins.
        conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
        // Reports scan whole tables; reading them through a memory map skips a copy per
        // page. Pages count towards memory only while the kernel keeps them resident.
        conn.pragma_update(None, "mmap_size", 256 * 1024 * 1024)?;
        migrations::migrations().to_latest(&mut conn)?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs database work on a blocking thread. The work may fail with its own error type
    /// (a use case's, say), as long as a store error converts into it.
    pub async fn run<T, E, F>(&self, f: F) -> std::result::Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut Connection) -> std::result::Result<T, E> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| E::from(StoreError::Join(e.to_string())))?
    }

    /// Synchronous access for the CLI, tests and benchmarks.
    pub fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut guard = self
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut guard)
    }
}

/// A stored value that no longer parses: an error naming the row, never a silent default.
#[derive(Debug, thiserror::Error)]
#[error("{table} row {id}: stored {column} {value:?} is not valid")]
pub struct Corrupt {
    pub table: &'static str,
    pub id: i64,
    pub column: &'static str,
    pub value: String,
}

impl Corrupt {
    /// As the error a row mapper returns, so `query_row` and `query_map` pass it on.
    pub fn at(
        table: &'static str,
        id: i64,
        index: usize,
        column: &'static str,
        value: &str,
    ) -> rusqlite::Error {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            Box::new(Corrupt {
                table,
                id,
                column,
                value: value.chars().take(40).collect(),
            }),
        )
    }
}

/// An instant as stored: RFC 3339 UTC with milliseconds, which sorts as text. Every stamp
/// comes from the caller's clock, so a test can run the whole bot at any date.
pub fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// "Now" for unit tests, which have no [`crate::app::Clock`] to ask.
#[cfg(test)]
pub(crate) fn test_now() -> DateTime<Utc> {
    Utc::now()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations::migrations().validate().unwrap();
    }

    #[test]
    fn a_file_database_is_created_in_wal_mode_with_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/netralitas.db");
        let store = Store::open(&path).unwrap();
        assert!(path.exists());
        store
            .with(|c| {
                let mode: String = c.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
                let fk: i64 = c.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
                assert_eq!(mode, "wal");
                assert_eq!(fk, 1);
                Ok(())
            })
            .unwrap();
        drop(store);
        // Re-opening an up-to-date file is a no-op, not an error.
        Store::open(&path).unwrap();
    }
}
