//! The kill -9 crash matrix on the real binary: at least 20 kill points, drawn at random
//! from a printed seed (`CRASH_SEED=<n>` replays a run), across registration, pledge
//! confirmation, teaching a question and a broadcast. Each point: run the flow up to a step,
//! send that step's update, SIGKILL the bot a few milliseconds later, restart it, finish the
//! flow as a person would (cancel and start over where needed), then check that nothing was
//! lost: every pledge whose receipt was seen is stored, every broadcast recipient got it, no
//! message repeated beyond the rows in flight at the kill, the database passes
//! `PRAGMA integrity_check` and `netralitas-bot verify` exits 0.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::asn;
use common::bot_process::BotProcess;
use common::{FakeBotApi, HR_ID, OWNER_ID, TestUser};
use netralitas_bot::i18n::Lang;
use netralitas_bot::store::Store;

const KILLS: usize = 22;
const RECIPIENTS: i64 = 20;
const FIRST_ASN: i64 = 100_000;
const WAIT: Duration = Duration::from_secs(15);
const PLEDGE_STEPS: usize = 6;

/// xorshift64*: enough to spread kill points, and replayable from the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[derive(Debug, Clone, Copy)]
enum Flow {
    /// Registration steps 0..5, then the pledge confirmation (step 5).
    Pledge {
        step: usize,
    },
    Teach,
    Broadcast {
        after_ms: u64,
    },
}

fn count(db: &Path, sql: &str) -> i64 {
    Store::open(db)
        .unwrap()
        .with(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
        .unwrap()
}

/// Pushes `update` and waits for a new message to `chat` that `pred` accepts.
async fn step(
    api: &FakeBotApi,
    chat: i64,
    update: serde_json::Value,
    pred: impl Fn(&str) -> bool,
) -> Option<(i32, String)> {
    let seen = api.messages_to(chat).len();
    api.push_update(update);
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        if let Some(m) = api.messages_to(chat)[seen..].iter().find(|m| pred(&m.text)) {
            return Some((m.message_id, m.text.clone()));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    None
}

fn nip(n: i64) -> String {
    format!("19850312201001{}{:03}", 1 + n % 2, 100 + n)
}

/// The update of pledge step `k` for `user`, built from what the bot last showed.
fn pledge_update(api: &FakeBotApi, user: &TestUser, k: usize, n: i64) -> serde_json::Value {
    let press = |label: &str| {
        let (m, d) = api.newest_button(user.id, label);
        api.callback(user, m, &d)
    };
    match k {
        0 => api.text(user, "/ikrar"),
        1 => press("PNS"),
        2 => api.text(user, "Siti Rahmawati"),
        3 => api.text(user, &nip(n)),
        4 => press("Dinas Kesehatan"),
        _ => press("Saya berikrar"),
    }
}

fn pledge_expect(k: usize) -> &'static str {
    [
        "Langkah 1/4",
        "Langkah 2/4",
        "Langkah 3/4",
        "Langkah 4/4",
        "IKRAR NETRALITAS",
        "tercatat",
    ][k]
}

/// `/batal` from `user`, answered: updates of one chat are handled in order, so whatever
/// was fetched again after the restart (the update the kill interrupted) is done by then.
async fn settle(api: &FakeBotApi, user: &TestUser) {
    let cancelled = Lang::Id.t("reg-cancelled");
    step(api, user.id, api.text(user, "/batal"), |t| t == cancelled)
        .await
        .expect("/batal is answered after the restart");
}

/// Drives the pledge flow from /ikrar, each step waiting for its answer. A user whose
/// registration was stored before the kill goes straight to the pledge text, as in the chat.
async fn pledge_from_start(api: &FakeBotApi, user: &TestUser, n: i64) {
    let (_, first) = step(api, user.id, api.text(user, "/ikrar"), |t| {
        t.contains("Langkah 1/4") || t.contains("IKRAR NETRALITAS")
    })
    .await
    .unwrap_or_else(|| panic!("/ikrar of user {} not answered", user.id));
    let from = if first.contains("IKRAR NETRALITAS") {
        PLEDGE_STEPS - 1
    } else {
        1
    };
    for k in from..PLEDGE_STEPS {
        let update = pledge_update(api, user, k, n);
        let want = pledge_expect(k);
        step(api, user.id, update, |t| t.contains(want))
            .await
            .unwrap_or_else(|| {
                let seen: Vec<String> = api
                    .messages_to(user.id)
                    .into_iter()
                    .map(|m| m.text)
                    .collect();
                panic!(
                    "pledge step {k} of user {} not answered: {seen:#?}",
                    user.id
                )
            });
    }
}

/// SIGKILL, then the outbox rows the dead process left `sending`: the only messages that may
/// go out twice (a delivery that reached Telegram but whose answer was not recorded).
/// Counted at every kill, as a broadcast's last rows can still be in flight during the next
/// flow.
fn kill_and_count(bot: &mut BotProcess, db: &Path) -> i64 {
    bot.kill9();
    count(db, "SELECT COUNT(*) FROM outbox WHERE state = 'sending'")
}

fn env(api: &FakeBotApi, db: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("TELOXIDE_TOKEN", api.token()),
        ("TELOXIDE_API_URL", api.url()),
        ("DATABASE_PATH", db.display().to_string()),
        ("ADMIN_IDS", OWNER_ID.to_string()),
        ("HR_IDS", HR_ID.to_string()),
        ("BROADCAST_RATE", "30".to_owned()),
        ("ELECTION_NAME", "Pilkada Serentak 2020".to_owned()),
        ("ELECTION_DATE", "2020-12-09".to_owned()),
        ("FLOOD_BURST", "100000".to_owned()),
    ]
}

/// Waits until the restarted bot answers at all (it has polled, migrated, published menus).
async fn until_up(api: &FakeBotApi) {
    let probe = TestUser::indonesian(77_777, "Probe");
    step(api, probe.id, api.text(&probe, "/help"), |_| true)
        .await
        .expect("the bot comes back after a restart");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_at_random_points_loses_no_pledge_and_no_recipient() {
    let started = Instant::now();
    let seed = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("crash matrix seed: CRASH_SEED={seed}");
    let mut rng = Rng(seed);

    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let (db, recipients) = asn::database(dir.path(), FIRST_ASN..FIRST_ASN + RECIPIENTS, "setda");
    let mut bot = BotProcess::spawn(dir.path(), &env(&api, &db));
    until_up(&api).await;

    let hr = TestUser::indonesian(HR_ID, "Bu HR");
    let owner = TestUser::indonesian(OWNER_ID, "Pemilik");
    let mut receipts_seen: Vec<i64> = Vec::new();
    let mut pledgers: Vec<i64> = Vec::new();
    let mut in_flight_total = 0i64;
    let mut broadcasts: Vec<String> = Vec::new();
    let mut taught: Vec<i64> = Vec::new();

    let kills: usize = std::env::var("CRASH_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(KILLS);
    for kill in 0..kills {
        let flow = match rng.below(4) {
            0 | 1 => Flow::Pledge {
                step: rng.below(PLEDGE_STEPS as u64) as usize,
            },
            2 => Flow::Teach,
            _ => Flow::Broadcast {
                after_ms: rng.below(600),
            },
        };
        let delay = Duration::from_millis(rng.below(25));
        eprintln!("kill {kill}: {flow:?}, {delay:?} after the update");
        let n = kill as i64;
        match flow {
            Flow::Pledge { step: k } => {
                let user = TestUser::indonesian(200_000 + n, "Siti");
                pledgers.push(user.id);
                for j in 0..k {
                    let update = pledge_update(&api, &user, j, n);
                    let want = pledge_expect(j);
                    step(&api, user.id, update, |t| t.contains(want))
                        .await
                        .unwrap_or_else(|| panic!("step {j} of user {}", user.id));
                }
                api.push_update(pledge_update(&api, &user, k, n));
                tokio::time::sleep(delay).await;
                in_flight_total += kill_and_count(&mut bot, &db);
                if api
                    .messages_to(user.id)
                    .iter()
                    .any(|m| m.text.contains("tercatat"))
                {
                    receipts_seen.push(user.id);
                }
                let t = Instant::now();
                bot.restart();
                until_up(&api).await;
                eprintln!("  back up in {:.2} s", t.elapsed().as_secs_f64());
                settle(&api, &user).await;
                let stored = count(
                    &db,
                    &format!("SELECT COUNT(*) FROM pledges WHERE user_id = {}", user.id),
                );
                // A receipt the user saw names a pledge that survived the kill.
                assert!(
                    stored == 1 || !receipts_seen.contains(&user.id),
                    "user {} saw a receipt but the pledge is gone",
                    user.id
                );
                if stored == 0 {
                    pledge_from_start(&api, &user, n).await;
                }
            }
            Flow::Teach => {
                let question = format!("apakah boleh hadir di acara ke-{kill} paslon?");
                let id: i64 = Store::open(&db)
                    .unwrap()
                    .with(|c| {
                        c.execute(
                            "INSERT INTO unanswered_questions
                                 (user_id, question, lang, score, asked_at, normalized)
                             VALUES (300000, ?1, 'id', 0.1, ?2, ?1)",
                            // Asked now, by the bot's clock: older ones the start-up prunes.
                            [question.clone(), netralitas_bot::store::ts(common::now())],
                        )?;
                        Ok(c.last_insert_rowid())
                    })
                    .unwrap();
                taught.push(id);
                api.push_update(api.text(&owner, &format!("/teach {id} vote_at_tps")));
                tokio::time::sleep(delay).await;
                in_flight_total += kill_and_count(&mut bot, &db);
                let t = Instant::now();
                bot.restart();
                until_up(&api).await;
                eprintln!("  back up in {:.2} s", t.elapsed().as_secs_f64());
                settle(&api, &owner).await;
                let sql = format!("SELECT COUNT(*) FROM taught_examples WHERE id = {id}");
                if count(&db, &sql) == 0 {
                    let done = step(
                        &api,
                        OWNER_ID,
                        api.text(&owner, &format!("/teach {id} vote_at_tps")),
                        |t| t.contains(&id.to_string()),
                    )
                    .await;
                    assert!(done.is_some(), "/teach {id} is answered after the restart");
                }
            }
            Flow::Broadcast { after_ms } => {
                let tag = format!("Apel netralitas #{kill}.");
                broadcasts.push(tag.clone());
                // Each send answers 40 ms late, so the broadcast has requests in flight.
                api.set_send_delay(Duration::from_millis(40));
                asn::broadcast_to_unit(&api, &hr, &tag, "setda", WAIT).await;
                tokio::time::sleep(Duration::from_millis(after_ms) + delay).await;
                in_flight_total += kill_and_count(&mut bot, &db);
                let t = Instant::now();
                bot.restart();
                until_up(&api).await;
                eprintln!("  back up in {:.2} s", t.elapsed().as_secs_f64());
                // Every recipient gets it, without a new request from anyone.
                let deadline = Instant::now() + WAIT;
                loop {
                    let got = recipients
                        .iter()
                        .filter(|id| api.messages_to(**id).iter().any(|m| m.text.contains(&tag)))
                        .count();
                    if got == recipients.len() {
                        break;
                    }
                    assert!(
                        Instant::now() < deadline,
                        "{tag}: only {got} of {} recipients",
                        recipients.len()
                    );
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                api.set_send_delay(Duration::ZERO);
            }
        }
        eprintln!("  done at {:.1} s", started.elapsed().as_secs_f64());
    }
    // The last rows' answers are recorded before the bot stops for good.
    let deadline = Instant::now() + WAIT;
    while count(
        &db,
        "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sending')",
    ) > 0
    {
        assert!(Instant::now() < deadline, "the outbox never drained");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    bot.kill9();

    // 0 pledges lost: every receipt seen names a stored pledge, and everyone who set out
    // to pledge has exactly one.
    for id in &pledgers {
        let n = count(
            &db,
            &format!("SELECT COUNT(*) FROM pledges WHERE user_id = {id}"),
        );
        assert_eq!(n, 1, "user {id} has {n} pledges");
    }
    // Every question taught once.
    for id in &taught {
        let n = count(
            &db,
            &format!("SELECT COUNT(*) FROM taught_examples WHERE id = {id}"),
        );
        assert_eq!(n, 1, "question {id}");
    }
    // 0 recipients lost (checked per broadcast above); repeats only of rows in flight.
    let mut repeats = 0i64;
    for tag in &broadcasts {
        for id in &recipients {
            let got = api
                .messages_to(*id)
                .iter()
                .filter(|m| m.text.contains(tag.as_str()))
                .count() as i64;
            repeats += (got - 1).max(0);
        }
    }
    assert!(
        repeats <= in_flight_total,
        "{repeats} repeated messages, {in_flight_total} in flight at the kills"
    );
    let unsent = count(
        &db,
        "SELECT COUNT(*) FROM outbox WHERE state NOT IN ('sent')",
    );
    assert_eq!(unsent, 0, "outbox rows left unsent");

    let check: String = Store::open(&db)
        .unwrap()
        .with(|c| Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(check, "ok");
    let verify = std::process::Command::new(env!("CARGO_BIN_EXE_netralitas-bot"))
        .arg("verify")
        .current_dir(dir.path())
        .env_clear()
        .env("DATABASE_PATH", &db)
        .env("TELOXIDE_TOKEN", "1:unused")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&verify.stdout);
    assert!(verify.status.success(), "verify: {said}");
    eprintln!(
        "crash matrix: {kills} kills (seed {seed}): {} pledgers ({} receipts seen before a \
         kill), {} questions taught, {} broadcasts x {RECIPIENTS}: {repeats} repeats <= {in_flight_total} \
         in flight; verify: {}; {:.1} s",
        pledgers.len(),
        receipts_seen.len(),
        taught.len(),
        broadcasts.len(),
        said.trim(),
        started.elapsed().as_secs_f64()
    );
}
