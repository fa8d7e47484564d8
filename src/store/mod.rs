//! SQLite store. One writing connection behind a mutex; async callers hop to a blocking
//! thread through [`Store::run`], so no connection is ever held across an `.await`. Reports,
//! exports and other long reads go through [`Store::read`]: a second, read-only connection
//! with its own lock, so (WAL lets a reader and a writer work at once) a long report never
//! delays a pledge.

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
use rusqlite::{Connection, OpenFlags};

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
    /// Read-only connection to the same file; `None` for an in-memory database, which a
    /// second connection would not see (reads then share the writer).
    reader: Option<Arc<Mutex<Connection>>>,
    /// A second read-only connection for point reads made on the async thread itself (the
    /// sender's row and dialogue, on every update): never held for longer than one such
    /// read, so waiting for it costs microseconds, where a report can hold `reader` for a
    /// second. `None` for an in-memory database.
    lookup: Option<Arc<Mutex<Connection>>>,
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
        let mut store = Self::setup(Connection::open(path)?)?;
        // Opened after the migrations, so they see the current schema.
        store.reader = Some(Arc::new(Mutex::new(Self::open_reader(path)?)));
        store.lookup = Some(Arc::new(Mutex::new(Self::open_reader(path)?)));
        Ok(store)
    }

    fn open_reader(path: &Path) -> Result<Connection> {
        let reader = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        reader.busy_timeout(Duration::from_secs(5))?;
        reader.pragma_update(None, "mmap_size", 256 * 1024 * 1024)?;
        Ok(reader)
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
            reader: None,
            lookup: None,
        })
    }

    /// Read-only work (reports, exports, lists) on the reader connection, on a blocking
    /// thread. A write there fails with SQLite's "readonly database" error.
    pub async fn read<T, E, F>(&self, f: F) -> std::result::Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Connection) -> std::result::Result<T, E> + Send + 'static,
    {
        let conn = self.reader.clone().unwrap_or_else(|| self.conn.clone());
        tokio::task::spawn_blocking(move || {
            let guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&guard)
        })
        .await
        .map_err(|e| E::from(StoreError::Join(e.to_string())))?
    }

    /// As [`Store::read`], synchronously, for the CLI, tests and benchmarks.
    pub fn read_with<T, E>(
        &self,
        f: impl FnOnce(&Connection) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let conn = self.reader.as_ref().unwrap_or(&self.conn);
        let guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&guard)
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

    /// A point read on the calling (async) thread, sparing the hand-off to a blocking
    /// thread that [`Store::run`] pays (and, under load, the blocking pool's new threads).
    /// On the lookup connection: in WAL a read never waits for a writer, and this
    /// connection is only ever held for one such read. An in-memory store has none; the
    /// writer's connection serves when it is free this instant, and `None` says it wasn't.
    /// Only for reads of a row or two, never a scan.
    pub fn read_now<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Option<Result<T>> {
        if let Some(lookup) = self.lookup_conn() {
            return Some(f(&lookup));
        }
        let guard = self.conn.try_lock().ok()?;
        Some(f(&guard))
    }

    /// A point read (a row or two) that must not wait behind a report: on the lookup
    /// connection in place when there is one (see [`Store::read_now`]), else on the reader.
    pub async fn point_read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        if let Some(lookup) = self.lookup_conn() {
            return f(&lookup);
        }
        self.read(f).await
    }

    /// The lookup connection, locked (a file-backed store only).
    fn lookup_conn(&self) -> Option<std::sync::MutexGuard<'_, Connection>> {
        self.lookup
            .as_ref()
            .map(|l| l.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
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

/// "Now" for unit tests, which have no injected [`crate::app::Clock`] to ask.
#[cfg(test)]
pub(crate) fn test_now() -> DateTime<Utc> {
    crate::app::Clock::system().now()
}

/// For the row readers' tests: spoils stored values with each SQL batch in turn and checks
/// that `read` then fails naming the row (`"<table> row <id>"`) and the batch's column.
#[cfg(test)]
pub(crate) fn assert_corruption_is_named<T: std::fmt::Debug>(
    c: &Connection,
    read: impl Fn(&Connection) -> Result<T>,
    row: &str,
    spoils: &[(&str, &str)],
) {
    for (spoil, column) in spoils {
        c.execute_batch(spoil).unwrap();
        let err = read(c).unwrap_err().to_string();
        assert!(err.contains(row) && err.contains(column), "{err}");
    }
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

    #[tokio::test]
    async fn a_long_read_does_not_hold_up_a_write() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("r.db")).unwrap();
        store
            .with(|c| Ok(c.execute_batch("CREATE TABLE t (x INTEGER)")?))
            .unwrap();
        // A report that holds its connection for a while, as /export does at 100,000 users.
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let reader = store.clone();
        let report = tokio::spawn(async move {
            reader
                .read(move |c| {
                    let n: i64 = c.query_row("SELECT count(*) FROM t", [], |r| r.get(0))?;
                    started_tx.send(()).unwrap();
                    std::thread::sleep(Duration::from_millis(1_500));
                    Ok::<_, StoreError>(n)
                })
                .await
        });
        tokio::task::spawn_blocking(move || started_rx.recv().unwrap())
            .await
            .unwrap();
        let began = std::time::Instant::now();
        store
            .run(|c| Ok::<_, StoreError>(c.execute("INSERT INTO t VALUES (1)", [])?))
            .await
            .unwrap();
        let waited = began.elapsed();
        assert!(
            waited < Duration::from_millis(500),
            "the write waited {waited:?} behind the report"
        );
        // The report saw the table as it was when it began.
        assert_eq!(report.await.unwrap().unwrap(), 0);
        // And the reader really is read-only.
        let refused = store.read_with(|c| c.execute("INSERT INTO t VALUES (2)", []));
        assert!(refused.is_err());
        let n: i64 = store
            .read_with(|c| c.query_row("SELECT count(*) FROM t", [], |r| r.get(0)))
            .unwrap();
        assert_eq!(n, 1);
    }
}
