//! Broadcast benchmark: 10,000 ASN through the outbox against the loopback fake Bot API
//! enforcing Telegram's limits (30 messages per second, 1,000 for paid broadcasts).
//!
//!     cargo bench --bench broadcast
//!     BENCH_USERS=100000 BENCH_RATE=1000 BENCH_PAID=1 cargo bench --bench broadcast
//!
//! Environment: `BENCH_USERS` (default 10000), `BENCH_RATE` (BROADCAST_RATE, default 30),
//! `BENCH_PAID` (1: PAID_BROADCAST=true), `BENCH_ASK` (1: other users ask `/status` about 4
//! times a second, idle and during the broadcast; default on when the rate leaves room for
//! those replies under the free 30/s, i.e. at 25/s or less, or when paid).
//! The bot runs as its own process (the release binary, `netralitas-bot run`), so its peak
//! RSS is measured apart from the fake API and this driver. HR queues the broadcast through
//! the chat, the way an officer does. Reports wall time against the floor N / rate,
//! duplicates, lost recipients, 429s, paid sends, the bot's peak RSS (VmHWM), and reply
//! latency to `/status` from other users while the broadcast runs, compared with idle.

#[path = "../tests/common/asn.rs"]
mod asn;
#[path = "../tests/common/bot_process.rs"]
mod bot_process;

use std::time::{Duration, Instant};

use bot_process::BotProcess;
use fake_bot_api::{FakeBotApi, TestUser};

const HR_ID: i64 = 8_000;
const FIRST_ASN: i64 = 1_000_000;
/// Users who ask questions during the broadcast; not in its audience.
const ASKERS: i64 = 20;
const FIRST_ASKER: i64 = 500;
/// Idle questions before the broadcast: enough that the idle p99 is not one outlier.
const IDLE_SAMPLES: usize = 300;
const WAIT: Duration = Duration::from_secs(30);

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// One `/status` from an asker, timed until the reply arrives.
async fn ask(api: &FakeBotApi, user: &TestUser) -> Option<Duration> {
    let seen = api.messages_to(user.id).len();
    let t = Instant::now();
    api.push_update(api.text(user, "/status"));
    let got = api
        .wait_for_messages(user.id, seen + 1, Duration::from_secs(30))
        .await;
    (got.len() > seen).then(|| t.elapsed())
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let n: i64 = env_or("BENCH_USERS", 10_000);
    let rate: u32 = env_or("BENCH_RATE", 30);
    let paid = env_or("BENCH_PAID", 0) == 1;
    let asking = env_or("BENCH_ASK", u8::from(paid || rate <= 25)) == 1;
    let api = FakeBotApi::start().await;
    api.set_rate_limit(Some(30));
    api.set_record_calls(false);
    let dir = tempfile::tempdir().expect("temp dir");
    let (db, _) = asn::database(dir.path(), FIRST_ASN..FIRST_ASN + n, "setda");

    let mut bot = BotProcess::spawn(
        dir.path(),
        &[
            ("TELOXIDE_TOKEN", "123456:TEST-TOKEN".to_owned()),
            ("TELOXIDE_API_URL", api.url()),
            ("DATABASE_PATH", db.display().to_string()),
            ("HR_IDS", HR_ID.to_string()),
            ("BROADCAST_RATE", rate.to_string()),
            ("PAID_BROADCAST", paid.to_string()),
            ("RUST_LOG", "warn".to_owned()),
        ],
    );
    let askers: Vec<TestUser> = (FIRST_ASKER..FIRST_ASKER + ASKERS)
        .map(|id| TestUser::new(id, "Penanya"))
        .collect();
    ask(&api, &askers[0]).await.expect("the bot answers");

    // Idle latency, at the same pace as during the broadcast (4 questions a second), so
    // the replies alone stay under the fake's 30/s.
    let mut idle = Vec::new();
    for i in 0..if asking { IDLE_SAMPLES } else { 0 } {
        let u = &askers[i % askers.len()];
        if let Some(d) = ask(&api, u).await {
            idle.push(d);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    idle.sort();

    let hr = TestUser::new(HR_ID, "Bu HR");
    let started =
        asn::broadcast_to_unit(&api, &hr, "Apel netralitas pukul 07.30", "setda", WAIT).await;
    eprintln!("queued; floor {:.0} s", n as f64 / f64::from(rate));

    // Ask questions while it runs (about 4 per second, well under the 30/s left over).
    let mut busy = Vec::new();
    let mut next_asker = 0usize;
    let mut last_print = Instant::now();
    let wall = loop {
        let done = api.chats_delivered_in(FIRST_ASN..FIRST_ASN + n) as i64;
        if done >= n {
            break started.elapsed();
        }
        if started.elapsed() > Duration::from_secs((n as u64 / u64::from(rate)) * 3 + 60) {
            eprintln!("timed out with {done}/{n} delivered");
            break started.elapsed();
        }
        if last_print.elapsed() > Duration::from_secs(30) {
            eprintln!(
                "… {done}/{n} after {:.0} s",
                started.elapsed().as_secs_f64()
            );
            last_print = Instant::now();
        }
        if !asking {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        }
        let u = &askers[next_asker % askers.len()];
        next_asker += 1;
        if let Some(d) = ask(&api, u).await {
            busy.push(d);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    busy.sort();

    let per_chat = api.deliveries_per_chat();
    let delivered = api.chats_delivered_in(FIRST_ASN..FIRST_ASN + n) as i64;
    let duplicates: usize = per_chat
        .iter()
        .filter(|(k, _)| (FIRST_ASN..FIRST_ASN + n).contains(*k))
        .map(|(_, c)| c.saturating_sub(1))
        .sum();
    let floor = n as f64 / f64::from(rate);
    let idle99 = percentile(&idle, 0.99);
    let busy99 = percentile(&busy, 0.99);
    println!(
        "broadcast benchmark: {n} recipients, BROADCAST_RATE={rate}, PAID_BROADCAST={paid}, \
         fake API limit 30/s free, 1000/s paid"
    );
    let secs = wall.as_secs_f64();
    println!(
        "  wall time      {secs:.1} s   floor N/rate {floor:.1} s   ratio {:.3}   achieved {:.1}/s = {:.3} × rate (target ≥ 0.97)",
        secs / floor,
        n as f64 / secs,
        n as f64 / secs / f64::from(rate)
    );
    println!("  duplicates     {duplicates} (target 0)");
    println!("  lost           {} (target 0)", n - delivered);
    let sends: usize = per_chat.values().sum();
    let refused = api.count_429();
    println!(
        "  429s received  {refused} of {} sends ({:.3} %; target ≤ 1 %)",
        sends + refused,
        100.0 * refused as f64 / (sends + refused).max(1) as f64
    );
    println!("  paid sends     {}", api.paid_sends());
    println!(
        "  peak RSS       {:.1} MB (VmHWM of the bot process; target < {})",
        bot.peak_rss_mb(),
        if paid { 100 } else { 50 }
    );
    if !asking {
        bot.kill9();
        return;
    }
    println!(
        "  reply latency  idle p50 {:.1} ms p99 {:.1} ms ({} samples) · during broadcast p50 {:.1} ms p99 {:.1} ms ({} samples) · p99 ratio {:.2} (target ≤ 2)",
        percentile(&idle, 0.5).as_secs_f64() * 1000.0,
        idle99.as_secs_f64() * 1000.0,
        idle.len(),
        percentile(&busy, 0.5).as_secs_f64() * 1000.0,
        busy99.as_secs_f64() * 1000.0,
        busy.len(),
        busy99.as_secs_f64() / idle99.as_secs_f64().max(1e-9)
    );
    bot.kill9();
}
