//! `netralitas-bot verify` and private files, through the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use netralitas_bot::domain::{Employment, FullName, Nip, UnitCode};
use netralitas_bot::i18n::Lang;
use netralitas_bot::store::rusqlite::Connection;
use netralitas_bot::store::{Store, audit, pledges, privacy, users};

const ELECTION: &str = "Pilkada Serentak 2020";

struct Db {
    dir: tempfile::TempDir,
    path: PathBuf,
}

/// A database as the bot leaves it: five registered users, their pledges, an audit entry.
fn database() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("netralitas.db");
    let store = Store::open(&path).unwrap();
    store
        .with(|c| {
            let unit = UnitCode::parse("dinkes").unwrap();
            let joined = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
            for id in 1..=5 {
                users::touch(
                    c,
                    id,
                    "Budi",
                    Some(&format!("budi{id}")),
                    Lang::Id,
                    chrono::Utc::now(),
                )?;
                let nip = Nip::parse(&format!("19850312201001100{id}"), joined).unwrap();
                let name =
                    FullName::parse(&format!("Budi Santoso {}", "X".repeat(id as usize))).unwrap();
                users::register(
                    c,
                    id,
                    Employment::Pns,
                    &name,
                    Some(&nip),
                    &unit,
                    chrono::Utc::now(),
                )?;
                pledges::confirm(c, id, ELECTION, "h", chrono::Utc::now())?;
            }
            audit::record(c, 1, "grant_hr", "user=2", chrono::Utc::now())?;
            Ok(())
        })
        .unwrap();
    Db { dir, path }
}

fn run(db: &Db, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_netralitas-bot"))
        .args(args)
        .current_dir(db.dir.path())
        .env("DATABASE_PATH", &db.path)
        .env_remove("TELOXIDE_TOKEN")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

fn verify(db: &Db) -> (i32, String) {
    let out = run(db, &["verify"]);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
    )
}

/// Tampering as someone with the file would: triggers dropped first.
fn tamper(db: &Db, sql: &str) {
    let conn = Connection::open(&db.path).unwrap();
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(triggers.len() >= 6, "{triggers:?}");
    for t in triggers {
        conn.execute_batch(&format!("DROP TRIGGER \"{t}\""))
            .unwrap();
    }
    conn.execute_batch(sql).unwrap();
}

#[test]
fn an_untouched_database_verifies() {
    let db = database();
    let (code, out) = verify(&db);
    assert_eq!(code, 0, "{out}");
    let head = out
        .strip_prefix("ok: 5 pledges, 1 audit entries, head ")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(head.len(), 64);
    assert!(head.chars().all(|c| c.is_ascii_hexdigit()));
    let store = Store::open(&db.path).unwrap();
    let expected = store
        .with(|c| netralitas_bot::store::ledger::head(c))
        .unwrap();
    assert_eq!(head, expected.hash);
}

#[test]
fn the_database_still_verifies_after_an_erasure() {
    let db = database();
    let store = Store::open(&db.path).unwrap();
    assert!(
        store
            .with(|c| privacy::erase_user(c, 3, chrono::Utc::now()))
            .unwrap()
            .is_some()
    );
    drop(store);
    let (code, out) = verify(&db);
    assert_eq!(code, 0, "{out}");
    // The erasure itself is an audited, chained entry.
    assert!(
        out.starts_with("ok: 5 pledges, 2 audit entries, head "),
        "{out}"
    );
}

#[test]
fn an_edited_pledge_fails_verification() {
    let db = database();
    tamper(
        &db,
        "UPDATE pledges SET confirmed_at = '2020-12-09T00:00:00.000Z' WHERE user_id = 4",
    );
    let (code, out) = verify(&db);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("ledger entry #4, IKR-"), "{out}");
}

#[test]
fn a_deleted_pledge_fails_verification() {
    let db = database();
    tamper(&db, "DELETE FROM pledges WHERE user_id = 2");
    let (code, out) = verify(&db);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("ledger entry #2"), "{out}");
}

#[test]
fn two_swapped_pledges_fail_verification() {
    let db = database();
    tamper(
        &db,
        "UPDATE pledges SET user_id = -1 WHERE user_id = 2;
         UPDATE pledges SET user_id = 2 WHERE user_id = 3;
         UPDATE pledges SET user_id = 3 WHERE user_id = -1;",
    );
    let (code, out) = verify(&db);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("ledger entry #2"), "{out}");
}

#[test]
fn swapped_ledger_entries_fail_verification() {
    let db = database();
    tamper(
        &db,
        "UPDATE ledger SET seq = -1 WHERE seq = 3;
         UPDATE ledger SET seq = 3 WHERE seq = 4;
         UPDATE ledger SET seq = 4 WHERE seq = -1;",
    );
    let (code, out) = verify(&db);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("ledger entry #3"), "{out}");
}

#[test]
fn verify_does_not_create_a_missing_database() {
    let db = database();
    std::fs::remove_file(&db.path).unwrap();
    let out = run(&db, &["verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!db.path.exists());
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn database_and_export_are_private_under_umask_022() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db {
        path: dir.path().join("fresh.db"),
        dir,
    };
    let out_csv = db.dir.path().join("export.csv");
    let status = Command::new("sh")
        .arg("-c")
        .arg(r#"umask 022 && exec "$0" export --out "$1""#)
        .arg(env!("CARGO_BIN_EXE_netralitas-bot"))
        .arg(&out_csv)
        .current_dir(db.dir.path())
        .env("DATABASE_PATH", &db.path)
        .env_remove("TELOXIDE_TOKEN")
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(mode(&db.path), 0o600);
    assert_eq!(mode(&out_csv), 0o600);
}

#[test]
fn a_database_readable_by_others_is_tightened_at_start() {
    use std::os::unix::fs::PermissionsExt;
    let db = database();
    std::fs::set_permissions(&db.path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(&db, &["verify"]);
    assert!(out.status.success());
    assert_eq!(mode(&db.path), 0o600);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("now 0600"), "{log}");
}
