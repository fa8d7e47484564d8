//! CPU per update: netralitas-bot against a bare teloxide echo bot, both as their own
//! processes polling the same loopback fake Bot API, in one run.
//!
//!     cargo bench --bench update_cost
//!
//! Environment: `BENCH_UPDATES` (default 10000), `BENCH_USERS` (distinct senders, default
//! 1000). Each bot gets the same warm-up, then the same burst of text updates; the figure is
//! the process's own CPU time (user + system, from /proc/<pid>/stat) spent on the burst
//! divided by its length (the best of three bursts), not wall time: at these rates the fake
//! API is the bottleneck.
//! Two workloads for netralitas-bot: `/help` (the fixed cost every update pays: flood
//! control, the sender's row, the dialogue) and a neutrality question (plus the matcher).
//!
//! The echo bot is this same executable started again with `UPDATE_COST_ECHO=1`.

#[path = "../tests/common/bot_process.rs"]
mod bot_process;

use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use bot_process::BotProcess;
use fake_bot_api::{FakeBotApi, TestUser};
use netralitas_bot::domain::Role;
use netralitas_bot::i18n::Lang;
use netralitas_bot::telegram::commands;
use teloxide::prelude::*;

const FIRST_USER: i64 = 2_000_000;
const WARM_UP: usize = 500;
const ROUNDS: usize = 3;
const WAIT: Duration = Duration::from_secs(300);

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    if std::env::var_os("UPDATE_COST_ECHO").is_some() {
        echo_bot();
        return;
    }
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(compare());
}

/// The baseline: teloxide's own echo example, nothing added.
fn echo_bot() {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async {
            let bot = Bot::from_env();
            // With UPDATE_COST_REPLY set, the echo answers that text instead: the same reply
            // netralitas-bot sends, so the difference left is the bot's own work.
            let fixed = std::env::var("UPDATE_COST_REPLY").ok();
            teloxide::repl(bot, move |bot: Bot, msg: Message| {
                let reply = fixed
                    .clone()
                    .unwrap_or_else(|| msg.text().unwrap_or("?").to_owned());
                async move {
                    bot.send_message(msg.chat.id, reply).await?;
                    Ok(())
                }
            })
            .await;
        });
}

/// User + system CPU time of a process so far.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc/<pid>/stat");
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')').expect("stat format") + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_secs_f64(ticks as f64 / clock_ticks_per_second() as f64)
}

/// The kernel's `USER_HZ`, in which /proc reports CPU time.
fn clock_ticks_per_second() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    u64::try_from(hz).unwrap_or(100)
}

/// Pushes `n` text updates from `users` senders and waits for `n` more replies.
async fn burst(api: &FakeBotApi, first: i64, users: i64, n: usize, text: &str) -> Duration {
    let before = api.total_deliveries();
    let started = Instant::now();
    for i in 0..n {
        let user = TestUser::new(first + (i as i64 % users), "Penguji");
        api.push_update(api.text(&user, text));
    }
    loop {
        let done = api.total_deliveries() - before;
        if done >= n {
            return started.elapsed();
        }
        assert!(started.elapsed() < WAIT, "only {done} of {n} replies");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

struct Measured {
    per_update: Duration,
    wall: Duration,
}

/// The cheapest of `ROUNDS` bursts: other work on a shared machine only ever adds CPU time
/// (cache misses, migrations between cores), so the minimum is the least disturbed figure.
async fn measure(api: &FakeBotApi, pid: u32, users: i64, n: usize, text: &str) -> Measured {
    burst(api, FIRST_USER, users, WARM_UP, text).await;
    let mut best: Option<Measured> = None;
    for _ in 0..ROUNDS {
        // Settle: the last replies' bookkeeping finishes before the clock starts.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let cpu = cpu_time(pid);
        let wall = burst(api, FIRST_USER, users, n, text).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let per_update = (cpu_time(pid) - cpu) / n as u32;
        if best.as_ref().is_none_or(|b| per_update < b.per_update) {
            best = Some(Measured { per_update, wall });
        }
    }
    best.expect("at least one round")
}

fn spawn_echo(dir: &Path, api: &FakeBotApi, reply: Option<&str>) -> Child {
    let mut command = Command::new(std::env::current_exe().expect("own path"));
    if let Some(reply) = reply {
        command.env("UPDATE_COST_REPLY", reply);
    }
    command
        .current_dir(dir)
        .env_clear()
        .env("UPDATE_COST_ECHO", "1")
        .env("TELOXIDE_TOKEN", "123456:TEST-TOKEN")
        .env("TELOXIDE_API_URL", api.url())
        .spawn()
        .expect("the echo bot starts")
}

async fn compare() {
    let n: usize = env_or("BENCH_UPDATES", 10_000);
    let users: i64 = env_or("BENCH_USERS", 1_000);
    let question = "boleh gak sih PNS nge-like postingan calon bupati di IG?";

    let echo = |reply: Option<String>| async move {
        let api = FakeBotApi::start().await;
        api.set_record_calls(false);
        let dir = tempfile::tempdir().expect("temp dir");
        let mut child = spawn_echo(dir.path(), &api, reply.as_deref());
        let m = measure(&api, child.id(), users, n, "/help").await;
        let _ = child.kill();
        let _ = child.wait();
        m
    };
    let help_reply = commands::help_text(Lang::Id, Role::Asn);
    let echo_same = echo(Some(help_reply.clone())).await;
    let echo = echo(None).await;

    let ours = |text: &'static str| async move {
        let api = FakeBotApi::start().await;
        api.set_record_calls(false);
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("bench.db");
        let bot = BotProcess::spawn(
            dir.path(),
            &[
                ("TELOXIDE_TOKEN", "123456:TEST-TOKEN".to_owned()),
                ("TELOXIDE_API_URL", api.url()),
                ("DATABASE_PATH", db.display().to_string()),
                ("RUST_LOG", "warn".to_owned()),
                // Every sender sends n / users updates at once: flood control would (rightly)
                // drop most of them, and this measures the cost of answering.
                ("FLOOD_BURST", "1000000".to_owned()),
            ],
        );
        measure(&api, bot.pid(), users, n, text).await
    };
    let help = ours("/help").await;
    let asked = ours(question).await;

    let ratio = |m: &Measured| m.per_update.as_secs_f64() / echo.per_update.as_secs_f64();
    println!(
        "{n} updates from {users} users after {WARM_UP} warm-up, best of {ROUNDS} bursts; CPU of the bot process"
    );
    println!(
        "echo bot (teloxide repl)      {:>7.1} µs/update  (burst wall {:.2} s)",
        echo.per_update.as_secs_f64() * 1e6,
        echo.wall.as_secs_f64()
    );
    println!(
        "echo bot, /help's reply ({} B) {:>7.1} µs/update  (burst wall {:.2} s)",
        help_reply.len(),
        echo_same.per_update.as_secs_f64() * 1e6,
        echo_same.wall.as_secs_f64()
    );
    println!(
        "netralitas-bot /help          {:>7.1} µs/update  {:.2}× echo, {:.2}× echo with the same reply  (wall {:.2} s)",
        help.per_update.as_secs_f64() * 1e6,
        ratio(&help),
        help.per_update.as_secs_f64() / echo_same.per_update.as_secs_f64(),
        help.wall.as_secs_f64()
    );
    println!(
        "netralitas-bot question       {:>7.1} µs/update  {:.2}× echo  (wall {:.2} s)",
        asked.per_update.as_secs_f64() * 1e6,
        ratio(&asked),
        asked.wall.as_secs_f64()
    );
}
