//! An owner's backup through the chat: the same consistent online copy as
//! `netralitas-bot backup --out`, written 0600 beside the database (the service's private
//! state directory, not a shared /tmp), audited, and deleted once the adapter has sent it.

use std::path::{Path, PathBuf};

use super::App;
use crate::store::backup::{self, BackupError, BackupReport};
use crate::store::{StoreError, audit};

/// A finished copy on disk. Dropping it deletes the file, so the copy of everyone's NIP
/// never outlives the request, whether sending worked or not.
#[derive(Debug)]
pub struct BackupFile {
    pub path: PathBuf,
    pub report: BackupReport,
}

impl Drop for BackupFile {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_file(&self.path) {
            tracing::error!(error = %e, "could not delete a sent backup copy");
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BackupFailed {
    #[error(transparent)]
    Copy(#[from] BackupError),
    #[error("the backup task stopped: {0}")]
    Join(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A hidden, unguessable name beside the database.
fn temp_path(db: &Path) -> Result<PathBuf, BackupFailed> {
    let mut random = [0u8; 12];
    getrandom::getrandom(&mut random)
        .map_err(|e| StoreError::Malformed(format!("no randomness for a backup name: {e}")))?;
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let dir = db.parent().filter(|p| !p.as_os_str().is_empty());
    let name = format!(".netralitas-backup-{hex}.db");
    Ok(dir.map_or_else(|| PathBuf::from(&name), |d| d.join(&name)))
}

/// Copies the live database for `owner` and records it in the audit log (counts only).
/// The caller has checked that `owner` is an owner.
pub async fn for_owner(app: &App, owner: i64) -> Result<BackupFile, BackupFailed> {
    let db = app.config.database_path.clone();
    let path = temp_path(&db)?;
    let out = path.clone();
    // Copying reads the whole file: a blocking thread, not an async worker.
    let report = tokio::task::spawn_blocking(move || backup::backup(&db, &out))
        .await
        .map_err(|e| BackupFailed::Join(e.to_string()))??;
    let file = BackupFile { path, report };
    let now = app.now();
    let detail = format!(
        "pledges={} bytes={}",
        file.report.pledges, file.report.bytes
    );
    app.store
        .run(move |c| audit::record(c, owner, "backup", &detail, now))
        .await?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_temporary_copy_sits_hidden_beside_the_database() {
        let a = temp_path(Path::new("/var/lib/netralitas/netralitas.db")).unwrap();
        let b = temp_path(Path::new("/var/lib/netralitas/netralitas.db")).unwrap();
        assert_eq!(a.parent(), Some(Path::new("/var/lib/netralitas")));
        let name = a.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(".netralitas-backup-") && name.ends_with(".db"),
            "{name}"
        );
        assert_ne!(a, b);
        let bare = temp_path(Path::new("netralitas.db")).unwrap();
        assert!(bare.parent() == Some(Path::new("")), "{bare:?}");
    }
}
