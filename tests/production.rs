//! From BotFather to production, on the real binary: start-up errors and exit codes, a
//! leftover webhook, webhook mode with its secret and health check, online backups, and the
//! deploy/ files.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use clap::Parser;
use common::{FakeBotApi, TestUser, asn};
use netralitas_bot::cli::Cli;
use netralitas_bot::store::{Store, pledges, users};
use serde_json::{Value, json};

const TOKEN: &str = "123456:PRODUCTION-TEST-TOKEN";
const WAIT: Duration = Duration::from_secs(30);

// -- the binary ---------------------------------------------------------------------------------

/// `netralitas-bot <args>` in `dir` with exactly `env`; stdout and stderr go to `bot.log` there.
fn spawn(dir: &Path, args: &[&str], env: &[(&str, String)]) -> Child {
    let log = std::fs::File::create(dir.join("bot.log")).expect("log file");
    Command::new(env!("CARGO_BIN_EXE_netralitas-bot"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log file"))
        .stderr(log)
        .spawn()
        .expect("the bot binary starts")
}

fn log(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("bot.log")).unwrap_or_default()
}

async fn exit_within(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().expect("wait for the bot") {
            return Some(status);
        }
        if tokio::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn wait_for_log(dir: &Path, what: &str, times: usize, timeout: Duration) -> String {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let text = log(dir);
        if text.matches(what).count() >= times {
            return text;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "'{what}' not logged {times} times within {timeout:?}:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn sigterm(child: &Child) {
    let ok = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs")
        .success();
    assert!(ok, "SIGTERM was not delivered");
}

fn assert_no_panic(log: &str) {
    for sign in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
        assert!(!log.contains(sign), "a panic in the log:\n{log}");
    }
}

fn base_env(api_url: String, db: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("TELOXIDE_TOKEN", TOKEN.to_owned()),
        ("TELOXIDE_API_URL", api_url),
        ("DATABASE_PATH", db.display().to_string()),
        ("RUST_LOG", "info".to_owned()),
    ]
}

// -- a Bot API front that remembers webhooks ----------------------------------------------------

/// Sits before the fake Bot API and keeps the one piece of state it lacks: the webhook.
/// While one is set, getUpdates gets Telegram's 409, as for a real bot.
#[derive(Default)]
struct Webhooks {
    /// The body of the last setWebhook (multipart, as teloxide sends it).
    current: Option<String>,
    deleted: Vec<Value>,
}

#[derive(Clone)]
struct Front {
    upstream: String,
    client: reqwest::Client,
    webhooks: Arc<Mutex<Webhooks>>,
}

impl Front {
    async fn start(upstream: &FakeBotApi, webhook: Option<&str>) -> (Front, String) {
        let front = Front {
            upstream: upstream.url(),
            client: teloxide::net::default_reqwest_settings()
                .no_proxy()
                .build()
                .expect("HTTP client"),
            webhooks: Arc::new(Mutex::new(Webhooks {
                current: webhook.map(str::to_owned),
                deleted: Vec::new(),
            })),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let app = Router::new().fallback(relay).with_state(front.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (front, url)
    }

    fn webhooks(&self) -> std::sync::MutexGuard<'_, Webhooks> {
        self.webhooks.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn answer(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn relay(State(front): State<Front>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let method = uri
        .path()
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let params: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    match method.as_str() {
        "setwebhook" => {
            front.webhooks().current = Some(String::from_utf8_lossy(&body).into_owned());
            return answer(StatusCode::OK, json!({"ok": true, "result": true}));
        }
        "deletewebhook" => {
            let mut hooks = front.webhooks();
            hooks.current = None;
            hooks.deleted.push(params);
            return answer(StatusCode::OK, json!({"ok": true, "result": true}));
        }
        "getupdates" if front.webhooks().current.is_some() => {
            return answer(
                StatusCode::CONFLICT,
                json!({"ok": false, "error_code": 409, "description":
                    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}),
            );
        }
        _ => {}
    }
    let mut request = front
        .client
        .post(format!(
            "{}{}",
            front.upstream,
            uri.path().trim_start_matches('/')
        ))
        .body(body.to_vec());
    if let Some(ct) = headers.get(header::CONTENT_TYPE) {
        request = request.header(header::CONTENT_TYPE, ct.as_bytes());
    }
    match request.send().await {
        Ok(r) => {
            let status =
                StatusCode::from_u16(r.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
            let bytes = r.bytes().await.unwrap_or_default().to_vec();
            (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response()
        }
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}

// -- start-up -----------------------------------------------------------------------------------

#[tokio::test]
async fn a_token_telegram_rejects_is_one_line_naming_the_variable_and_exit_code_2() {
    for (status, description) in [(401, "Unauthorized"), (404, "Not Found")] {
        let api = FakeBotApi::start().await;
        api.fail_next_with("getMe", 1, status, description);
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("netralitas.db");
        let mut bot = spawn(dir.path(), &["run"], &base_env(api.url(), &db));
        let code = exit_within(&mut bot, WAIT).await.expect("the bot exits");
        let text = log(dir.path());
        assert_eq!(code.code(), Some(2), "{status}: {text}");
        assert_eq!(text.trim().lines().count(), 1, "{status}: {text}");
        assert!(text.contains("TELOXIDE_TOKEN"), "{text}");
        assert!(
            !text.contains(TOKEN) && !text.contains("PRODUCTION-TEST"),
            "{text}"
        );
        assert_no_panic(&text);
        assert_eq!(
            api.count_calls_to("getUpdates"),
            0,
            "nothing was dispatched"
        );
    }
}

#[tokio::test]
async fn without_a_token_the_binary_says_so_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("netralitas.db");
    let mut bot = spawn(
        dir.path(),
        &["run"],
        &[("DATABASE_PATH", db.display().to_string())],
    );
    let code = exit_within(&mut bot, WAIT).await.expect("the bot exits");
    let text = log(dir.path());
    assert_eq!(code.code(), Some(2), "{text}");
    assert!(text.contains("TELOXIDE_TOKEN"), "{text}");
    assert_no_panic(&text);
}

#[tokio::test]
async fn with_telegram_unreachable_the_bot_keeps_retrying_and_sigterm_exits_0() {
    // A port nobody listens on: every call is refused at once.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("netralitas.db");
    let mut bot = spawn(
        dir.path(),
        &["run"],
        &base_env(format!("http://{closed}/"), &db),
    );
    // Attempts 1 and 2 come 1 s apart, 3 after 2 s more: it backs off and keeps going.
    let text = wait_for_log(dir.path(), "cannot reach Telegram", 3, WAIT).await;
    assert!(text.contains("retrying in 1s"), "{text}");
    assert!(text.contains("retrying in 2s"), "{text}");
    assert!(text.contains("retrying in 4s"), "{text}");
    assert!(
        !text.contains(TOKEN) && !text.contains("PRODUCTION-TEST"),
        "{text}"
    );
    assert!(
        bot.try_wait().unwrap().is_none(),
        "the bot gave up:\n{text}"
    );

    sigterm(&bot);
    let code = exit_within(&mut bot, Duration::from_secs(5))
        .await
        .expect("SIGTERM stops the bot");
    let text = log(dir.path());
    assert_eq!(code.code(), Some(0), "{text}");
    assert!(text.contains("SIGTERM received"), "{text}");
    assert_no_panic(&text);
}

#[tokio::test]
async fn a_leftover_webhook_is_deleted_keeping_pending_updates_and_polling_answers() {
    let api = FakeBotApi::start().await;
    let (front, url) = Front::start(&api, Some("https://old.example.org/hook")).await;
    let ani = TestUser::new(4101, "Ani");
    // Sent while the old webhook was still set: it must survive the switch.
    api.push_update(api.text(&ani, "/help"));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("netralitas.db");
    let mut bot = spawn(dir.path(), &["run"], &base_env(url, &db));

    let reply = api
        .wait_for_message(ani.id, |t| t.contains("/status"), WAIT)
        .await;
    let text = log(dir.path());
    assert!(reply.is_some(), "no answer to /help:\n{text}");
    {
        let hooks = front.webhooks();
        assert!(hooks.current.is_none());
        assert_eq!(hooks.deleted.len(), 1, "{:?}", hooks.deleted);
        let drop = hooks.deleted[0].get("drop_pending_updates");
        assert!(
            drop.is_none() || drop == Some(&json!(false)),
            "{:?}",
            hooks.deleted
        );
    }
    assert!(
        text.contains("deleted any webhook before polling"),
        "{text}"
    );

    sigterm(&bot);
    let code = exit_within(&mut bot, Duration::from_secs(15)).await;
    assert_eq!(code.and_then(|c| c.code()), Some(0), "{}", log(dir.path()));
    assert_no_panic(&log(dir.path()));
}

// -- webhook mode -------------------------------------------------------------------------------

const SECRET: &str = "Webhook_Secret-42";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct WebhookBot {
    api: FakeBotApi,
    front: Front,
    listen: String,
    dir: tempfile::TempDir,
    db: PathBuf,
    child: Child,
    http: reqwest::Client,
}

impl WebhookBot {
    async fn start() -> WebhookBot {
        let api = FakeBotApi::start().await;
        let (front, url) = Front::start(&api, None).await;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("netralitas.db");
        let listen = format!("127.0.0.1:{}", free_port());
        let mut env = base_env(url, &db);
        env.extend([
            (
                "WEBHOOK_URL",
                "https://bot.example.go.id/tg/hook".to_owned(),
            ),
            ("WEBHOOK_LISTEN", listen.clone()),
            ("WEBHOOK_SECRET", SECRET.to_owned()),
        ]);
        let child = spawn(dir.path(), &["run"], &env);
        let http = teloxide::net::default_reqwest_settings()
            .no_proxy()
            .build()
            .unwrap();
        let bot = WebhookBot {
            api,
            front,
            listen,
            dir,
            db,
            child,
            http,
        };
        let deadline = tokio::time::Instant::now() + WAIT;
        while bot.health().await != Some(200) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the webhook listener never came up:\n{}",
                log(bot.dir.path())
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bot
    }

    async fn health(&self) -> Option<u16> {
        let r = self
            .http
            .get(format!("http://{}/healthz", self.listen))
            .send()
            .await
            .ok()?;
        Some(r.status().as_u16())
    }

    /// Delivers `update` as Telegram would, with `secret` in the header (or none).
    async fn deliver(&self, path: &str, mut update: Value, secret: Option<&str>) -> u16 {
        update["update_id"] = json!(rand_id());
        let mut request = self
            .http
            .post(format!("http://{}{path}", self.listen))
            .header(header::CONTENT_TYPE, "application/json")
            .body(update.to_string());
        if let Some(s) = secret {
            request = request.header("X-Telegram-Bot-Api-Secret-Token", s);
        }
        request
            .send()
            .await
            .expect("the listener answers")
            .status()
            .as_u16()
    }
}

fn rand_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::SeqCst)
}

#[tokio::test]
async fn in_webhook_mode_only_updates_with_the_secret_are_handled() {
    let mut bot = WebhookBot::start().await;
    let set = bot
        .front
        .webhooks()
        .current
        .clone()
        .expect("setWebhook was called");
    assert!(set.contains("https://bot.example.go.id/tg/hook"), "{set}");
    assert!(set.contains(SECRET), "{set}");
    assert_eq!(
        bot.api.count_calls_to("getUpdates"),
        0,
        "no polling in webhook mode"
    );

    let eve = TestUser::new(4201, "Eve");
    let without = bot
        .deliver("/tg/hook", bot.api.text(&eve, "/help"), None)
        .await;
    let wrong = bot
        .deliver("/tg/hook", bot.api.text(&eve, "/help"), Some("guess"))
        .await;
    assert_eq!((without, wrong), (401, 401));

    let ani = TestUser::new(4202, "Ani");
    let status = bot
        .deliver("/tg/hook", bot.api.text(&ani, "/help"), Some(SECRET))
        .await;
    assert_eq!(status, 200);
    let reply = bot
        .api
        .wait_for_message(ani.id, |t| t.contains("/status"), WAIT)
        .await;
    assert!(reply.is_some(), "no answer:\n{}", log(bot.dir.path()));
    // Ani's answer came after Eve's attempts: had they been handled, Eve's would be there.
    assert!(
        bot.api.messages_to(eve.id).is_empty(),
        "a refused update was handled"
    );

    // Only the URL's path is served.
    let elsewhere = bot
        .deliver("/other", bot.api.text(&ani, "/help"), Some(SECRET))
        .await;
    assert_eq!(elsewhere, 404);

    sigterm(&bot.child);
    let code = exit_within(&mut bot.child, Duration::from_secs(15)).await;
    let text = log(bot.dir.path());
    assert_eq!(code.and_then(|c| c.code()), Some(0), "{text}");
    assert_no_panic(&text);
    // A clean stop takes the webhook down; Telegram keeps updates until the next start.
    assert!(bot.front.webhooks().current.is_none());
    assert_eq!(bot.front.webhooks().deleted.len(), 1);
}

#[tokio::test]
async fn healthz_answers_200_while_the_database_is_reachable_and_503_when_not() {
    let mut bot = WebhookBot::start().await;
    assert_eq!(bot.health().await, Some(200));
    let live = Store::open(&bot.db).unwrap();
    live.with(|c| Ok(c.execute_batch("ALTER TABLE users RENAME TO users_away")?))
        .unwrap();
    assert_eq!(bot.health().await, Some(503));
    live.with(|c| Ok(c.execute_batch("ALTER TABLE users_away RENAME TO users")?))
        .unwrap();
    assert_eq!(bot.health().await, Some(200));
    let _ = bot.child.kill();
    let _ = bot.child.wait();
}

// -- backups ------------------------------------------------------------------------------------

const ELECTION: &str = "Pemilu 2029";

fn pledge_rows(conn: &rusqlite_conn::Connection) -> Vec<(i64, String)> {
    let mut stmt = conn
        .prepare("SELECT user_id, receipt_code FROM pledges ORDER BY user_id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

mod rusqlite_conn {
    pub use netralitas_bot::store::rusqlite::Connection;
}

fn run_backup(dir: &Path, db: &Path, out: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_netralitas-bot"))
        .args(["backup", "--out", out.to_str().unwrap()])
        .current_dir(dir)
        .env_clear()
        .env("DATABASE_PATH", db)
        .output()
        .expect("the binary runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_copies_every_pledge_consistently_while_the_bot_writes() {
    use std::os::unix::fs::PermissionsExt;

    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("netralitas.db");
    let store = Store::open(&db).unwrap();
    asn::register(&store, 1..2001, "setda");
    let mut bot = spawn(dir.path(), &["run"], &base_env(api.url(), &db));
    let ani = TestUser::new(1, "Ani");
    api.push_update(api.text(&ani, "/help"));
    assert!(
        api.wait_for_message(ani.id, |t| t.contains("/status"), WAIT)
            .await
            .is_some(),
        "{}",
        log(dir.path())
    );

    // Pledges keep arriving, one transaction each, from another connection, while the bot
    // answers messages (each of which writes too).
    let writer = {
        let db = db.clone();
        std::thread::spawn(move || {
            let store = Store::open(&db).unwrap();
            for id in 1..2001 {
                store
                    .with(|c| pledges::confirm(c, id, ELECTION, "h", chrono::Utc::now()).map(|_| ()))
                    .unwrap();
                std::thread::sleep(Duration::from_millis(1));
            }
        })
    };
    for n in 0..20 {
        api.push_update(api.text(&TestUser::new(3000 + n, "Penanya"), "/help"));
    }
    let count = |c: &rusqlite_conn::Connection| -> i64 {
        c.query_row("SELECT COUNT(*) FROM pledges", [], |r| r.get(0))
            .unwrap()
    };
    let live = rusqlite_conn::Connection::open(&db).unwrap();
    while count(&live) < 200 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let before = count(&live);
    let mid = dir.path().join("mid.db");
    let output = run_backup(dir.path(), &db, &mid);
    let after = count(&live);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    writer.join().unwrap();

    let copy = rusqlite_conn::Connection::open(&mid).unwrap();
    let check: String = copy
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let copied = pledge_rows(&copy);
    // One snapshot: every pledge made before the backup, none torn, no gaps.
    assert!(
        (before..=after).contains(&(copied.len() as i64)),
        "{before} <= {} <= {after}",
        copied.len()
    );
    let all = pledge_rows(&live);
    assert_eq!(
        copied[..],
        all[..copied.len()],
        "the copy is a prefix of the live pledges"
    );
    let mode = std::fs::metadata(&mid).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");

    // Once the writes are done, a backup holds every pledge, and restores as a database the
    // bot opens.
    let full = dir.path().join("full.db");
    let output = run_backup(dir.path(), &db, &full);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("2000 pledges, integrity ok"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let restored = Store::open(&full).unwrap();
    let (rows, user) = restored
        .with(|c| {
            let rows = pledge_rows(c);
            Ok((rows, users::get(c, 2000)?))
        })
        .unwrap();
    assert_eq!(rows, pledge_rows(&live));
    assert_eq!(rows.len(), 2000);
    assert!(user.is_some());
    let _ = bot.kill();
    let _ = bot.wait();
}

#[test]
fn a_backup_without_a_database_fails_and_names_database_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("copy.db");
    let output = run_backup(dir.path(), &dir.path().join("absent.db"), &out);
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("DATABASE_PATH"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!out.exists());
}

// -- deploy/ ------------------------------------------------------------------------------------

fn deploy_file(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("deploy")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("deploy/{name}: {e}"))
}

/// `key=value` lines of a systemd unit (all sections).
fn unit_values(unit: &str, key: &str) -> Vec<String> {
    unit.lines()
        .filter_map(|l| l.trim().split_once('='))
        .filter(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim().to_owned())
        .collect()
}

#[test]
fn the_systemd_unit_runs_a_real_command_as_a_restartable_service() {
    let unit = deploy_file("netralitas-bot.service");
    let exec = unit_values(&unit, "ExecStart");
    assert_eq!(exec.len(), 1, "{exec:?}");
    let argv: Vec<&str> = exec[0].split_whitespace().collect();
    assert!(argv[0].ends_with("/netralitas-bot"), "{argv:?}");
    let cli = Cli::try_parse_from(&argv).unwrap_or_else(|e| panic!("{argv:?}: {e}"));
    assert!(
        matches!(cli.command, Some(netralitas_bot::cli::Cmd::Run)),
        "{argv:?}"
    );
    assert_eq!(unit_values(&unit, "Restart"), ["on-failure"]);
    assert_eq!(unit_values(&unit, "DynamicUser"), ["yes"]);
    assert_eq!(unit_values(&unit, "StateDirectory"), ["netralitas-bot"]);
    assert!(!unit_values(&unit, "EnvironmentFile").is_empty());
    // A rejected token (exit 2) is not retried forever.
    assert_eq!(unit_values(&unit, "RestartPreventExitStatus"), ["2"]);
    let db = unit_values(&unit, "Environment")
        .into_iter()
        .find(|e| e.contains("DATABASE_PATH="))
        .expect("DATABASE_PATH is set");
    assert!(db.contains("/var/lib/netralitas-bot/"), "{db}");
}

#[test]
fn the_systemd_unit_passes_systemd_analyze_verify_when_available() {
    let Ok(probe) = Command::new("systemd-analyze").arg("--version").output() else {
        eprintln!("systemd-analyze is not installed; skipped");
        return;
    };
    if !probe.status.success() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // verify resolves ExecStart's binary: point it at the one cargo built.
    let unit = deploy_file("netralitas-bot.service").replace(
        "/usr/local/bin/netralitas-bot",
        env!("CARGO_BIN_EXE_netralitas-bot"),
    );
    let path = dir.path().join("netralitas-bot.service");
    std::fs::write(&path, unit).unwrap();
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Lines about the host's other units (no systemd running in a container) are not ours.
    let ours: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("netralitas-bot"))
        .collect();
    assert!(ours.is_empty(), "{stderr}");
}

#[test]
fn the_dockerfile_builds_in_stages_and_runs_the_real_command_as_non_root() {
    let docker = deploy_file("Dockerfile");
    assert!(docker.matches("\nFROM ").count() + usize::from(docker.starts_with("FROM ")) >= 2);
    let user = docker
        .lines()
        .filter_map(|l| l.strip_prefix("USER "))
        .next_back()
        .expect("a USER line");
    assert_ne!(user.trim(), "root");
    assert_ne!(user.trim(), "0");
    assert!(docker.contains("VOLUME [\"/data\"]"), "{docker}");
    assert!(docker.contains("DATABASE_PATH=/data/"), "{docker}");
    let entry = docker
        .lines()
        .find_map(|l| l.strip_prefix("ENTRYPOINT "))
        .expect("an ENTRYPOINT");
    let cmd = docker
        .lines()
        .find_map(|l| l.strip_prefix("CMD "))
        .expect("a CMD");
    let mut argv: Vec<String> = serde_json::from_str(entry).expect("ENTRYPOINT in exec form");
    argv.extend(serde_json::from_str::<Vec<String>>(cmd).expect("CMD in exec form"));
    let cli = Cli::try_parse_from(&argv).unwrap_or_else(|e| panic!("{argv:?}: {e}"));
    assert!(
        matches!(cli.command, Some(netralitas_bot::cli::Cmd::Run)),
        "{argv:?}"
    );
}
