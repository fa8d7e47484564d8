//! Questions answered per second end to end: text update in → matcher → HTML answer out,
//! against the loopback fake Bot API. `cargo bench --bench questions` (`BENCH_QUESTIONS`, default 3,000).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{TestUser, spawn_app};

const QUESTIONS: &[&str] = &[
    "bolehkah ASN like postingan paslon di IG?",
    "Apakah PNS boleh nyoblos di TPS?",
    "boleh gak pakai kaos partai ke kantor?",
    "Can I share the KPU voting schedule?",
    "kapan THR cair?",
    "apa sanksi kalau ikut kampanye?",
];

async fn run(n: usize) {
    let app = spawn_app().await;
    let before = app.api.count_calls_to("sendMessage");
    let start = Instant::now();
    for i in 0..n {
        // Distinct users: Telegram delivers each chat's updates in order, different chats in parallel.
        let user = TestUser::new(10_000 + i as i64, "Penanya");
        app.api
            .push_update(app.api.text(&user, QUESTIONS[i % QUESTIONS.len()]));
    }
    let deadline = start + Duration::from_secs(120);
    while app.api.count_calls_to("sendMessage") - before < n {
        assert!(Instant::now() < deadline, "answers missing after 120 s");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = start.elapsed();
    println!(
        "end-to-end: {n} questions answered in {:.2} s = {:.0} questions/s",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );
}

fn main() {
    let n = std::env::var("BENCH_QUESTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000);
    tokio::runtime::Runtime::new().unwrap().block_on(run(n));
}
