//! Files that hold personal data (the database, its WAL and shared-memory files, CSV
//! exports) are readable by their owner only, whatever the umask.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// Owner read and write, nobody else.
pub const MODE: u32 = 0o600;

/// Creates (or truncates) `path` for writing with mode 0600. A file that already existed
/// with a looser mode is tightened before anything is written into it.
pub fn create(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, MODE);
    let file = options.open(path)?;
    // The mode above applies only when the file is new.
    tighten_open(&file, path)?;
    Ok(file)
}

/// Before SQLite opens `db`: creates it empty with mode 0600 if it doesn't exist (SQLite
/// then gives its `-wal` and `-shm` files the same mode), and tightens the database and
/// those files when an older version left them readable by others.
pub fn prepare_database(db: &Path) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, MODE);
    match options.open(db) {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    for path in [db.to_path_buf(), sibling(db, "-wal"), sibling(db, "-shm")] {
        match File::open(&path) {
            Ok(file) => tighten_open(&file, &path)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn sibling(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(unix)]
fn tighten_open(file: &File, path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = file.metadata()?.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        file.set_permissions(std::fs::Permissions::from_mode(mode & 0o700 | MODE))?;
        // The path is the operator's configuration, not personal data.
        tracing::warn!(
            file = %path.display(),
            was = format!("{mode:o}"),
            "file with personal data was readable by others; now 0600"
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn tighten_open(_file: &File, _path: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;
    use crate::store::Store;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn with_umask_022() {
        // SAFETY: umask has no memory-safety preconditions. 022 is what a usual login
        // shell sets and what other tests of this process expect anyway.
        unsafe {
            libc::umask(0o022);
        }
    }

    #[test]
    fn a_new_database_and_its_wal_and_shm_are_private() {
        with_umask_022();
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("n.db");
        let store = Store::open(&db).unwrap();
        store
            .with(|c| crate::store::audit::record(c, 0, "export", "x", crate::store::test_now()))
            .unwrap();
        // The connection is still open, so the WAL and shared-memory files exist.
        for path in [db.clone(), sibling(&db, "-wal"), sibling(&db, "-shm")] {
            assert!(path.exists(), "{}", path.display());
            assert_eq!(mode(&path), 0o600, "{}", path.display());
        }
    }

    #[test]
    fn an_existing_loose_database_is_tightened_at_start() {
        with_umask_022();
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("n.db");
        drop(Store::open(&db).unwrap());
        let shm = sibling(&db, "-shm");
        std::fs::write(&shm, b"").unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(&shm, std::fs::Permissions::from_mode(0o666)).unwrap();
        prepare_database(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        assert_eq!(mode(&sibling(&db, "-shm")), 0o600);
    }

    #[test]
    fn exports_are_created_private_and_loose_ones_tightened() {
        with_umask_022();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("pledges.csv");
        drop(create(&out).unwrap());
        assert_eq!(mode(&out), 0o600);
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
        drop(create(&out).unwrap());
        assert_eq!(mode(&out), 0o600);
    }
}
