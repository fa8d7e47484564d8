//! Other users' reply latency while an officer exports 100,000 rows.
//!
//!     cargo bench --bench export_latency
//!
//! Reports the p99 of `/status` round trips (update in, reply out, loopback fake Bot API)
//! from users who are not exporting, idle and while `/export` of `BENCH_USERS` (default
//! 100,000) registered users runs again and again. Reports and exports read through their
//! own read-only connection (`Store::read`), so they should not hold up the handlers that
//! write. Target: during ≤ 2× idle. `BENCH_ROUNDS` sets the idle samples (default 90).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{HR_ID, TestApp, TestUser, asn, spawn_app_with};

const EXPORTS: usize = 20;

/// One round trip from a user never seen before (a person doesn't send /status many times a
/// second; a fresh user also pays the first-contact write).
async fn round_trip(app: &TestApp, next_id: &mut i64) -> Duration {
    *next_id += 1;
    let u = TestUser::indonesian(*next_id, "Sabar");
    let began = Instant::now();
    app.say(&u, "/status").await;
    began.elapsed()
}

fn p99(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    let i = (samples.len() * 99).div_ceil(100).saturating_sub(1);
    samples[i.min(samples.len() - 1)]
}

fn env_or(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let users = env_or("BENCH_USERS", 100_000) as i64;
    let rounds = env_or("BENCH_ROUNDS", 90);
    let app = spawn_app_with(&[]).await;
    asn::register(&app.store(), 1_000_000..1_000_000 + users, "setda");
    let mut next_id = 50_000;
    round_trip(&app, &mut next_id).await;
    let mut idle = Vec::new();
    for _ in 0..rounds {
        idle.push(round_trip(&app, &mut next_id).await);
    }

    let hr = TestUser::indonesian(HR_ID, "Kepegawaian");
    let mut during = Vec::new();
    let mut export_times = Vec::new();
    for _ in 0..EXPORTS {
        let before = app.api.count_calls_to("sendDocument");
        let began = Instant::now();
        app.api.push_update(app.api.text(&hr, "/export"));
        while app.api.count_calls_to("sendDocument") == before {
            during.push(round_trip(&app, &mut next_id).await);
            assert!(began.elapsed() < Duration::from_secs(120), "no export");
        }
        export_times.push(began.elapsed());
    }
    let (idle_p99, during_p99) = (p99(idle), p99(during.clone()));
    let mean_export = export_times.iter().sum::<Duration>() / EXPORTS as u32;
    println!(
        "/status p99 for other users: idle {:.1} ms, during /export of {users} rows {:.1} ms \
         ({:.2}× idle; {} samples over {EXPORTS} exports of {:.2} s each on average)",
        idle_p99.as_secs_f64() * 1e3,
        during_p99.as_secs_f64() * 1e3,
        during_p99.as_secs_f64() / idle_p99.as_secs_f64(),
        during.len(),
        mean_export.as_secs_f64()
    );
}
