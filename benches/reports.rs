//! `cargo bench --bench reports`: /stats and /export with 100,000 registered users.
//! Targets: /stats query + render < 200 ms, full export to CSV bytes < 1 s.
//!
//! A plain timing loop (no harness): the figures that matter are wall-clock times of whole
//! operations, reported as min and median over a few runs.

use std::time::{Duration, Instant};

use chrono::{Days, Utc};
use netralitas_bot::domain::Units;
use netralitas_bot::domain::pledge::{self, receipt_code};
use netralitas_bot::i18n::Lang;
use netralitas_bot::reports::export::{self, ExportSpec};
use netralitas_bot::reports::stats;
use netralitas_bot::store::Store;
use netralitas_bot::store::rusqlite::params;

const USERS: i64 = 100_000;
const ELECTION: &str = "Pilkada Serentak 2020";
const RUNS: usize = 7;

fn seed(store: &Store, units: &Units) {
    let codes: Vec<&str> = units.all().iter().map(|u| u.code.as_str()).collect();
    let now = Utc::now();
    // Full-size values, so scans read as many pages as a real database.
    let text_hash = pledge::text_hash("ikrar");
    store
        .with(|c| {
            let tx = c.transaction()?;
            {
                let mut user = tx.prepare(
                    "INSERT INTO users (id, display_name, username, language, employment,
                                        full_name, nip, unit_code, registered_at, first_seen)
                     VALUES (?1, ?2, NULL, 'id', ?3, ?2, ?4, ?5, ?6, ?6)",
                )?;
                let mut pledge = tx.prepare(
                    "INSERT INTO pledges (user_id, election, text_hash, confirmed_at, receipt_code)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?;
                for id in 1..=USERS {
                    let at = (now - Days::new((id % 20) as u64))
                        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
                    let pns = id % 3 != 0;
                    user.execute(params![
                        id,
                        format!("Pegawai Nomor {id}"),
                        if pns { "pns" } else { "pppk" },
                        pns.then(|| format!("19850312201001{:04}", id % 10_000)),
                        codes[(id as usize) % codes.len()],
                        at
                    ])?;
                    // Seven in ten have pledged.
                    if id % 10 < 7 {
                        pledge.execute(params![
                            id,
                            ELECTION,
                            text_hash,
                            at,
                            receipt_code(id, ELECTION)
                        ])?;
                    }
                }
            }
            tx.commit()?;
            Ok(())
        })
        .expect("seeding");
}

fn time<T>(name: &str, target: Duration, mut f: impl FnMut() -> T) -> T {
    let mut times = Vec::with_capacity(RUNS);
    let mut last = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        last = Some(f());
        times.push(start.elapsed());
    }
    times.sort();
    let (min, median) = (times[0], times[RUNS / 2]);
    let verdict = if median < target { "ok" } else { "OVER TARGET" };
    println!(
        "{name:<28} min {:>8.1} ms   median {:>8.1} ms   target < {} ms   {verdict}",
        min.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3,
        target.as_millis()
    );
    last.expect("at least one run")
}

fn main() {
    // `cargo test --benches` runs this with --bench absent; keep that quick.
    if !std::env::args().any(|a| a == "--bench") {
        println!("reports bench: run with `cargo bench --bench reports`");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("bench.db")).expect("open store");
    let units = Units::sample();
    let start = Instant::now();
    seed(&store, &units);
    println!(
        "seeded {USERS} registered users ({} units) in {:.1} s",
        units.all().len(),
        start.elapsed().as_secs_f64()
    );
    let tz = chrono_tz::Asia::Jakarta;
    let today = Utc::now().with_timezone(&tz).date_naive();

    let html = time("/stats query + render", Duration::from_millis(200), || {
        let report = store
            .with(|c| stats::build(c, &units, ELECTION, tz, today))
            .expect("stats");
        report.render(Lang::Id, 70).html()
    });
    assert!(html.contains("100000"), "every user counted");

    let (bytes, rows) = time("/export all to CSV bytes", Duration::from_secs(1), || {
        let spec = ExportSpec {
            election: ELECTION,
            unit: None,
            units: &units,
            tz,
            lang: Lang::Id,
        };
        store
            .with(|c| {
                export::to_bytes(c, spec, &mut |_| {})
                    .map_err(|e| netralitas_bot::store::StoreError::Malformed(e.to_string()))
            })
            .expect("export")
    });
    assert_eq!(rows, USERS as usize);
    println!("export size: {:.1} MiB", bytes.len() as f64 / 1_048_576.0);
}
