//! Other users' reply latency while one user floods the bot.
//!
//! `cargo bench --bench flood` reports the p99 of `/status` round trips (update in, reply
//! out, loopback fake Bot API) for three users, idle and while a fourth sends 400 messages
//! at once, with the shipped limits (`FLOOD_BURST=20`, `FLOOD_RATE=1`). Target: flood p99
//! ≤ 2× idle. `BENCH_ROUNDS` sets the round trips per user and phase (default 30).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{TestApp, TestUser, spawn_app_with};

/// `rounds` round trips for each of three users; each sample is a fresh user, so no
/// measured user ever meets their own limit (a person doesn't send /status 30 times a
/// second), only the flooder's effect on the bot.
async fn round_trips(app: &TestApp, first_id: &mut i64, rounds: usize) -> Vec<Duration> {
    let mut all = Vec::new();
    for _ in 0..rounds * 3 {
        *first_id += 1;
        let u = TestUser::indonesian(*first_id, "Sabar");
        let began = Instant::now();
        app.say(&u, "/status").await;
        all.push(began.elapsed());
    }
    all
}

fn p99(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    let i = (samples.len() * 99).div_ceil(100).saturating_sub(1);
    samples[i.min(samples.len() - 1)]
}

#[tokio::main]
async fn main() {
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let app = spawn_app_with(&[("FLOOD_BURST", "20"), ("FLOOD_RATE", "1")]).await;
    let mut next_id = 50_000;
    round_trips(&app, &mut next_id, 1).await;
    let idle = p99(round_trips(&app, &mut next_id, rounds).await);

    let flooder = TestUser::indonesian(60_000, "Banjir");
    let mut during = Vec::new();
    for _ in 0..rounds.div_ceil(10) {
        for i in 0..400 {
            app.api.push_update(
                app.api
                    .text(&flooder, &format!("bolehkah saya ikut kampanye nomor {i}?")),
            );
        }
        during.extend(round_trips(&app, &mut next_id, 10).await);
    }
    let flood = p99(during);
    println!(
        "/status p99 for other users: idle {:.1} ms, during a 400-message flood {:.1} ms ({:.2}× idle)",
        idle.as_secs_f64() * 1e3,
        flood.as_secs_f64() * 1e3,
        flood.as_secs_f64() / idle.as_secs_f64()
    );
}
