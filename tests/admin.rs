//! End to end: reports for HR and admins (/stats, /chart, /export, /unanswered, /feedback,
//! /audit), their refusals, and the operator's CLI.

mod common;

use std::time::Duration;

use common::{HR_ID, OWNER_ID, REPLY_TIMEOUT, TestApp, TestUser, spawn_app, spawn_app_with};
use netralitas_bot::domain::{Employment, FullName, UnitCode};
use netralitas_bot::i18n::Lang;
use netralitas_bot::reports::chart;
use netralitas_bot::store::{audit, pledges, questions, users};

const ELECTION: &str = "Pilkada Serentak 2020";

fn owner() -> TestUser {
    TestUser::indonesian(OWNER_ID, "Pemilik")
}

fn hr() -> TestUser {
    TestUser::indonesian(HR_ID, "Petugas HR")
}

/// Registers `id` in `unit` (and pledges) straight in the store: the pledge flow has its
/// own tests; here only the numbers matter.
fn seed(app: &TestApp, id: i64, name: &str, unit: &str, pledged: bool) {
    app.store()
        .with(|c| {
            users::touch(c, id, name, None, Lang::Id, common::now())?;
            users::register(
                c,
                id,
                Employment::Pppk,
                &FullName::parse(name).unwrap(),
                None,
                &UnitCode::parse(unit).unwrap(),
                common::now(),
            )?;
            if pledged {
                pledges::confirm(c, id, ELECTION, "h", common::now())?;
            }
            Ok(())
        })
        .unwrap();
}

fn seed_many(app: &TestApp, n: i64) {
    app.store()
        .with(|c| {
            let tx = c.transaction()?;
            for id in 100_000..100_000 + n {
                users::touch(&tx, id, "x", None, Lang::Id, common::now())?;
                users::register(
                    &tx,
                    id,
                    Employment::Pns,
                    &FullName::parse(&format!("Pegawai {id}")).unwrap(),
                    None,
                    &UnitCode::parse("dinkes").unwrap(),
                    common::now(),
                )?;
            }
            tx.commit()?;
            Ok(())
        })
        .unwrap();
}

fn units_file(dir: &tempfile::TempDir) -> String {
    let path = dir.path().join("units.csv");
    std::fs::write(
        &path,
        "code,name,headcount\ndinkes,Dinas Kesehatan,10\ndisdik,Dinas Pendidikan,\nkec_a,Kecamatan Ciléungsi,4\n",
    )
    .unwrap();
    path.display().to_string()
}

async fn wait_call(app: &TestApp, mark: usize, method: &str) -> common::fake_bot_api::Call {
    app.api
        .wait_for_call_since(mark, |c| c.method == method, REPLY_TIMEOUT)
        .await
        .unwrap_or_else(|| panic!("no {method} within {REPLY_TIMEOUT:?}"))
}

fn read_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .expect("the CSV starts with a UTF-8 BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.expect("valid CSV").iter().map(str::to_owned).collect())
        .collect()
}

fn today() -> String {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Jakarta)
        .format("%Y-%m-%d")
        .to_string()
}

#[tokio::test]
async fn hr_officers_see_stats_per_unit_and_per_day() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(&[("UNITS_FILE", &units_file(&dir))]).await;
    seed(&app, 1, "Ani", "dinkes", true);
    seed(&app, 2, "Budi", "dinkes", true);
    seed(&app, 3, "Citra", "dinkes", false);
    seed(&app, 4, "Dedi", "disdik", false);

    let text = app.say(&hr(), "/stats").await;
    let sent = app.api.last_message_to(HR_ID).unwrap();
    assert_eq!(sent.parse_mode.as_deref(), Some("HTML"));
    assert!(text.contains("Terdaftar: 4 · Berikrar: 2 (50 %)"), "{text}");
    assert_eq!(text.matches("<pre>").count(), 2, "{text}");
    // dinkes (66 %) before disdik (0 %); the unit nobody registered from is listed too.
    let dinkes = text.find("dinkes").unwrap();
    assert!(dinkes < text.find("disdik").unwrap() && text.contains("kec_a"));
    assert!(text.contains("%Pgw"), "headcount column: {text}");
    let pre = text
        .split("<pre>")
        .nth(1)
        .unwrap()
        .split("</pre>")
        .next()
        .unwrap();
    assert!(pre.lines().all(|l| l.chars().count() <= 32), "{pre}");
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Jakarta)
        .format("%d-%m")
        .to_string();
    assert!(text.contains(&format!("{today}     2 ")), "{text}");
}

#[tokio::test]
async fn the_chart_is_a_png_with_one_bar_per_unit() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(&[("UNITS_FILE", &units_file(&dir))]).await;
    seed(&app, 1, "Ani", "dinkes", true);
    seed(&app, 2, "Budi", "disdik", true);
    seed(&app, 3, "Citra", "kec_a", true);
    seed(&app, 4, "Dedi", "kec_a", false);

    let mark = app.api.mark();
    app.api.push_update(app.api.text(&owner(), "/chart"));
    let call = wait_call(&app, mark, "sendPhoto").await;
    let caption = call.str_param("caption").unwrap();
    assert!(
        caption.contains("3 dari 4") && !caption.contains('\n'),
        "{caption}"
    );
    let (name, bytes) = call.file.expect("the PNG is uploaded");
    assert!(name.ends_with(".png"));

    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a valid PNG");
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).expect("valid PNG data");
    assert_eq!(
        (info.width, info.height),
        (chart::WIDTH, chart::height_for(3))
    );
    let x = (chart::BAR_X0 + 1) as usize;
    let color = [chart::BAR_COLOR.0, chart::BAR_COLOR.1, chart::BAR_COLOR.2];
    let mut bars = 0;
    let mut inside = false;
    for y in 0..info.height as usize {
        let p = y * info.line_size + x * 3;
        let is_bar = buf[p..p + 3] == color;
        bars += usize::from(is_bar && !inside);
        inside = is_bar;
    }
    assert_eq!(bars, 3);
}

#[tokio::test]
async fn the_export_round_trips_through_a_csv_reader_and_is_audited() {
    let app = spawn_app().await;
    seed(&app, 1, "Ni Luh Putu Ayu, S.Kep.", "dinkes", true);
    seed(&app, 2, "Andi \"Ucok\" Siregar", "disdik", false);

    let mark = app.api.mark();
    app.api.push_update(app.api.text(&hr(), "/export"));
    let call = wait_call(&app, mark, "sendDocument").await;
    let (name, bytes) = call.file.expect("the CSV is uploaded");
    assert_eq!(name, format!("ikrar-pilkada-serentak-2020-{}.csv", today()));
    let rows = read_csv(&bytes);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][0], "Nama");
    assert_eq!(rows[1][0], "Ni Luh Putu Ayu, S.Kep.");
    assert_eq!(rows[1][3..6], ["dinkes", "Dinas Kesehatan", "Ya"]);
    assert!(rows[1][7].starts_with("IKR-"));
    assert_eq!(rows[2][0], "Andi \"Ucok\" Siregar");
    assert_eq!(rows[2][5..], ["Belum", "", ""]);

    let entries = app.store().with(|c| audit::latest(c, 5)).unwrap();
    assert_eq!(entries[0].action, "export");
    assert_eq!(entries[0].actor_id, HR_ID);
    assert_eq!(entries[0].detail, "unit=all rows=2");
}

#[tokio::test]
async fn a_unit_export_has_only_that_unit_and_an_empty_one_still_has_its_header() {
    let app = spawn_app().await;
    seed(&app, 1, "Ani", "dinkes", true);
    seed(&app, 2, "Budi", "disdik", false);

    let mark = app.api.mark();
    app.api
        .push_update(app.api.text(&owner(), "/export DINKES"));
    let (name, bytes) = wait_call(&app, mark, "sendDocument").await.file.unwrap();
    assert!(name.contains("-dinkes-"), "{name}");
    let rows = read_csv(&bytes);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][0], "Ani");

    let mark = app.api.mark();
    app.api
        .push_update(app.api.text(&owner(), "/export setwan"));
    let (_, bytes) = wait_call(&app, mark, "sendDocument").await.file.unwrap();
    assert_eq!(read_csv(&bytes).len(), 1, "header only");
}

#[tokio::test]
async fn an_unknown_unit_code_gets_a_polite_answer_and_no_file() {
    let app = spawn_app().await;
    let text = app.say(&owner(), "/export dinas_rahasia").await;
    assert!(
        text.contains("dinas_rahasia") && text.contains("setda"),
        "{text}"
    );
    assert!(app.api.calls_to("sendDocument").is_empty());
    let entries = app.store().with(|c| audit::latest(c, 5)).unwrap();
    assert!(entries.iter().all(|e| e.action != "export"));
}

#[tokio::test]
async fn a_big_export_edits_one_status_message() {
    let app = spawn_app().await;
    seed_many(&app, 6_000);
    let mark = app.api.mark();
    app.api.push_update(app.api.text(&owner(), "/export"));
    let (_, bytes) = wait_call(&app, mark, "sendDocument").await.file.unwrap();
    assert_eq!(read_csv(&bytes).len(), 6_001);
    let done = Lang::Id.t_args("export-done", netralitas_bot::args!["total" => 6_000usize]);
    let edited = app
        .api
        .wait_for_call_since(
            mark,
            |c| c.method == "editMessageText" && c.text() == Some(done.as_str()),
            REPLY_TIMEOUT,
        )
        .await;
    assert!(edited.is_some(), "the status message was not finished");
    let statuses: Vec<_> = app
        .api
        .messages_to(OWNER_ID)
        .into_iter()
        .filter(|m| m.text.starts_with('⏳') || m.text.starts_with('✅'))
        .collect();
    assert_eq!(statuses.len(), 1, "one status message, edited");
}

#[tokio::test]
async fn unanswered_questions_and_feedback_are_reported_to_admins() {
    let app = spawn_app().await;
    app.store()
        .with(|c| {
            questions::record_unanswered(
                c,
                Some(1),
                "Kapan THR cair?",
                Lang::Id,
                0.1,
                common::now(),
            )?;
            questions::record_unanswered(
                c,
                Some(2),
                "kapan thr cair?",
                Lang::Id,
                0.1,
                common::now(),
            )?;
            questions::record_unanswered(
                c,
                Some(3),
                "<b>Boleh</b> ikut kampanye?",
                Lang::Id,
                0.1,
                common::now(),
            )?;
            questions::record_feedback(c, 1, "hand_gesture", true, common::now())?;
            questions::record_feedback(c, 1, "vote_at_tps", false, common::now())?;
            questions::record_feedback(c, 2, "vote_at_tps", false, common::now())?;
            Ok(())
        })
        .unwrap();
    let text = app.say(&owner(), "/unanswered").await;
    // Newest first: the question asked last leads, the twice-asked one follows, counted once.
    assert!(
        text.lines().nth(1).unwrap().contains("<b>Boleh</b>"),
        "{text}"
    );
    let second = text.lines().nth(2).unwrap();
    assert!(
        second.starts_with("2× ") && second.to_lowercase().contains("kapan thr cair?"),
        "{text}"
    );
    assert!(text.contains("<b>Boleh</b>"), "shown as typed: {text}");
    assert_eq!(app.api.last_message_to(OWNER_ID).unwrap().parse_mode, None);

    let text = app.say(&owner(), "/feedback").await;
    let lines: Vec<_> = text.lines().skip(1).collect();
    assert_eq!(
        lines,
        ["👎 2 · 👍 0 · vote_at_tps", "👎 0 · 👍 1 · hand_gesture"]
    );
}

#[tokio::test]
async fn empty_reports_say_so() {
    let app = spawn_app().await;
    assert_eq!(
        app.say(&owner(), "/unanswered").await,
        Lang::Id.t("unanswered-empty")
    );
    assert_eq!(
        app.say(&owner(), "/feedback").await,
        Lang::Id.t("feedback-empty")
    );
    assert!(
        app.say(&owner(), "/stats")
            .await
            .contains(&Lang::Id.t("stats-empty"))
    );
}

#[tokio::test]
async fn the_audit_shows_the_latest_entries_newest_first() {
    let app = spawn_app().await;
    app.store()
        .with(|c| {
            for i in 0..25 {
                audit::record(c, 0, "backup", &format!("n={i}"), common::now())?;
            }
            Ok(())
        })
        .unwrap();
    let text = app.say(&owner(), "/audit").await;
    let lines: Vec<_> = text.lines().skip(1).collect();
    assert_eq!(lines.len(), 20);
    assert!(
        lines[0].ends_with("backup n=24") && lines[0].contains("operator server"),
        "{text}"
    );
}

#[tokio::test]
async fn people_without_the_role_are_refused_every_report_and_nothing_leaks() {
    let app = spawn_app().await;
    seed(&app, 1, "Ani", "dinkes", true);
    app.store()
        .with(|c| {
            questions::record_unanswered(c, Some(1), "rahasia?", Lang::Id, 0.1, common::now())
        })
        .unwrap();
    let refused = Lang::Id.t("refused-role");
    let asn = TestUser::indonesian(555, "Biasa");
    for cmd in [
        "/stats",
        "/chart",
        "/export",
        "/export dinkes",
        "/unanswered",
        "/feedback",
        "/audit",
    ] {
        assert_eq!(app.say(&asn, cmd).await, refused, "{cmd}");
    }
    // HR may read reports but not the admin ones.
    for cmd in ["/unanswered", "/feedback", "/audit"] {
        assert_eq!(app.say(&hr(), cmd).await, refused, "{cmd}");
    }
    assert!(app.api.calls_to("sendPhoto").is_empty());
    assert!(app.api.calls_to("sendDocument").is_empty());
    let entries = app.store().with(|c| audit::latest(c, 5)).unwrap();
    assert!(entries.is_empty());
}

#[tokio::test]
async fn reports_are_not_posted_into_a_group() {
    let app = spawn_app().await;
    seed(&app, 1, "Ani", "dinkes", true);
    let group = -100_123;
    app.api
        .push_update(app.api.group_text(&owner(), group, "/export"));
    let msg = app
        .api
        .wait_for_message(group, |_| true, REPLY_TIMEOUT)
        .await
        .expect("an answer in the group");
    assert_eq!(msg.text, Lang::Id.t("reports-private-only"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(app.api.calls_to("sendDocument").is_empty());
}

#[tokio::test]
async fn english_speaking_officers_get_english_reports() {
    let app = spawn_app().await;
    seed(&app, 1, "Ani", "dinkes", true);
    let officer = TestUser::english(OWNER_ID, "Owner");
    let text = app.say(&officer, "/stats").await;
    assert!(
        text.contains("Registered: 1 · Pledged: 1 (100 %)"),
        "{text}"
    );
}

#[test]
fn the_operator_cli_prints_stats_and_writes_an_audited_export() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("netralitas.db");
    let out = dir.path().join("pledges.csv");
    let bin = env!("CARGO_BIN_EXE_netralitas-bot");
    let run = |args: &[&str]| {
        std::process::Command::new(bin)
            .args(args)
            .current_dir(dir.path())
            .env_remove("TELOXIDE_TOKEN")
            .env("DATABASE_PATH", &db)
            .env("DEFAULT_LOCALE", "en")
            .env("ELECTION_NAME", ELECTION)
            .output()
            .expect("the binary runs")
    };
    let stats = run(&["stats"]);
    assert!(
        stats.status.success(),
        "{}",
        String::from_utf8_lossy(&stats.stderr)
    );
    let stdout = String::from_utf8(stats.stdout).unwrap();
    assert!(stdout.contains("Pilkada Serentak 2020"), "{stdout}");

    let export = run(&["export", "--out", out.to_str().unwrap(), "--unit", "dinkes"]);
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let rows = read_csv(&std::fs::read(&out).unwrap());
    assert_eq!(
        rows,
        vec![vec![
            "Name",
            "Employment",
            "NIP",
            "Unit code",
            "Work unit",
            "Pledged",
            "Pledge time (Asia/Jakarta)",
            "Receipt code",
        ]]
    );
    let bad = run(&["export", "--out", out.to_str().unwrap(), "--unit", "nope"]);
    assert!(!bad.status.success());

    let store = netralitas_bot::store::Store::open(&db).unwrap();
    let entries = store.with(|c| audit::latest(c, 5)).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0].actor_id, entries[0].action.as_str()),
        (0, "export")
    );
}
