//! Online backup: a consistent copy of the live database, taken with SQLite's backup API
//! while the bot keeps writing (WAL lets the copy read one snapshot without blocking it).

use std::fs::{self, OpenOptions};
use std::io;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

/// What a finished backup holds, for the operator's log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    pub pages: i64,
    pub bytes: u64,
    pub pledges: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("DATABASE_PATH: {0} does not exist")]
    NoDatabase(PathBuf),
    #[error("{path}: {source}")]
    File { path: PathBuf, source: io::Error },
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("the database stayed locked for 5 s; try again")]
    Busy,
    #[error("the copy failed its integrity check: {0}")]
    Corrupt(String),
}

/// Copies the database at `source` to `out` (replaced if present), readable by the owner
/// only, and checks the copy before it appears under its name.
pub fn backup(source: &Path, out: &Path) -> Result<BackupReport, BackupError> {
    if !source.exists() {
        return Err(BackupError::NoDatabase(source.to_owned()));
    }
    // Read-only: a backup must never create, migrate or lock out the live database.
    let src = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    src.busy_timeout(Duration::from_secs(5))?;

    let partial = partial_path(out);
    let file_err = |path: &Path| {
        let path = path.to_owned();
        move |source| BackupError::File { path, source }
    };
    // The copy holds every NIP and pledge: it is created 0600 before a byte is written, and
    // the mode is set again because a pre-existing file keeps its old one.
    let _ = fs::remove_file(&partial);
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&partial)
        .map_err(file_err(&partial))?;
    fs::set_permissions(&partial, fs::Permissions::from_mode(0o600)).map_err(file_err(&partial))?;

    let result = copy_and_check(&src, &partial);
    let report = match result {
        Ok(report) => report,
        Err(e) => {
            let _ = fs::remove_file(&partial);
            return Err(e);
        }
    };
    fs::rename(&partial, out).map_err(file_err(out))?;
    let bytes = fs::metadata(out).map_err(file_err(out))?.len();
    Ok(BackupReport { bytes, ..report })
}

fn copy_and_check(src: &Connection, partial: &Path) -> Result<BackupReport, BackupError> {
    let mut dst = Connection::open(partial)?;
    let pages = {
        let backup = Backup::new(src, &mut dst)?;
        // All pages in one step (-1): the copy reads a single snapshot under one read
        // transaction, so writes the bot makes meanwhile cannot restart or tear it.
        let mut tries = 0;
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More | StepResult::Busy | StepResult::Locked if tries < 100 => {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                _ => return Err(BackupError::Busy),
            }
        }
        i64::from(backup.progress().pagecount)
    };
    // A copy of a WAL database is in WAL mode too; a backup file is one self-contained file.
    dst.pragma_update(None, "journal_mode", "DELETE")?;
    let check: String = dst.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(BackupError::Corrupt(check));
    }
    let pledges = dst.query_row("SELECT COUNT(*) FROM pledges", [], |r| r.get(0))?;
    dst.close().map_err(|(_, e)| e)?;
    // The rename that publishes the copy must not reach the disk before its content.
    OpenOptions::new()
        .read(true)
        .open(partial)
        .and_then(|f| f.sync_all())
        .map_err(|source| BackupError::File {
            path: partial.to_owned(),
            source,
        })?;
    Ok(BackupReport {
        pages,
        bytes: 0,
        pledges,
    })
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    out.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, pledges, users};

    #[test]
    fn the_copy_is_private_complete_and_self_contained() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("live.db");
        let store = Store::open(&db).unwrap();
        let now = crate::store::test_now();
        store
            .with(|c| {
                for id in 1..=3 {
                    users::touch(c, id, "ASN", None, crate::i18n::Lang::Id, now)?;
                    pledges::confirm(c, id, "Pemilu 2029", "h", now)?;
                }
                Ok(())
            })
            .unwrap();
        let out = dir.path().join("copy.db");
        // A stale, world-readable file of that name is replaced by a private one.
        fs::write(&out, "old").unwrap();
        fs::set_permissions(&out, fs::Permissions::from_mode(0o644)).unwrap();

        let report = backup(&db, &out).unwrap();
        assert_eq!(report.pledges, 3);
        assert!(report.pages > 0);
        assert_eq!(report.bytes, fs::metadata(&out).unwrap().len());
        let mode = fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
        assert!(!partial_path(&out).exists());
        let copy = Connection::open(&out).unwrap();
        let journal: String = copy
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(journal, "delete");

        // With the bot stopped (no -wal beside the database) it works the same.
        drop(store);
        assert_eq!(backup(&db, &out).unwrap().pledges, 3);
    }

    #[test]
    fn a_missing_database_is_named_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("copy.db");
        let e = backup(&dir.path().join("absent.db"), &out).unwrap_err();
        assert!(e.to_string().starts_with("DATABASE_PATH:"), "{e}");
        assert!(!out.exists());
    }
}
