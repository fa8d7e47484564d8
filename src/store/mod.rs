//! SQLite store. One connection behind a mutex; async callers hop to a blocking thread
//! through [`Store::run`], so no connection is ever held across an `.await`.

pub mod audit;
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
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Malformed(format!("cannot create {}: {e}", dir.display()))
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
        // Reports scan whole tables; reading them through a memory map skips a copy per
        // page. Pages count towards memory only while the kernel keeps them resident.
        conn.pragma_update(None, "mmap_size", 256 * 1024 * 1024)?;
        migrations::migrations().to_latest(&mut conn)?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs database work on a blocking thread.
    pub async fn run<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Join(e.to_string()))?
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

/// Current instant as stored: RFC 3339 UTC, which sorts as text.
pub fn now_utc() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
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
