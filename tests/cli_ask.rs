//! `netralitas-bot ask` as a user runs it: the built binary, questions in, answers out.

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_netralitas-bot");

fn command() -> Command {
    let mut cmd = Command::new(BIN);
    // A bare environment, away from any .env: `ask` needs no Telegram token, and a developer's
    // settings must not change the answers.
    cmd.env_clear()
        .current_dir(std::env::temp_dir())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("RUST_LOG", "error");
    cmd
}

#[test]
fn ask_json_answers_each_stdin_line_in_order() {
    let questions = [
        "Bolehkah ASN menghadiri kampanye akbar calon gubernur?",
        "",
        "Boleh gak PNS pasang baliho caleg di pagar rumah?",
        "Kapan THR pegawai dibayarkan?",
        "When is the vote?",
    ];
    let lines = ask_json(&questions);
    assert_eq!(lines.len(), questions.len(), "{lines:?}");
    let expected = [
        ("attend_campaign", "forbidden"),
        ("", "unknown"),
        ("install_banner", "forbidden"),
        ("", "unknown"),
        ("election_date", "info"),
    ];
    for (line, (rule, verdict)) in lines.iter().zip(expected) {
        if rule.is_empty() {
            assert!(line["rule"].is_null(), "{line}");
            assert_ne!(line["decision"], "answer", "{line}");
        } else {
            assert_eq!(line["rule"], rule, "{line}");
            assert_eq!(line["decision"], "answer", "{line}");
            assert_eq!(line["candidates"][0]["rule"], rule, "{line}");
        }
        assert_eq!(line["verdict"], verdict, "{line}");
        let score = line["score"].as_f64().expect("a numeric score");
        assert!((0.0..=1.0).contains(&score));
        assert_candidates(line);
    }
    // Salary is off-topic.
    assert_eq!(lines[3]["decision"], "off_topic", "{}", lines[3]);
}

/// At least three candidates, each a rule with a score in [0, 1], best first.
fn assert_candidates(line: &serde_json::Value) {
    let candidates = line["candidates"].as_array().expect("a candidates array");
    assert!(candidates.len() >= 3, "{line}");
    let scores: Vec<f64> = candidates
        .iter()
        .map(|c| {
            assert!(c["rule"].as_str().is_some_and(|r| !r.is_empty()), "{line}");
            c["score"].as_f64().expect("a numeric candidate score")
        })
        .collect();
    assert!(scores.iter().all(|s| (0.0..=1.0).contains(s)), "{line}");
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{line}");
}

/// Runs `ask --json -` on the questions, one per stdin line; one JSON value per line out.
fn ask_json(questions: &[&str]) -> Vec<serde_json::Value> {
    let mut child = command()
        .args(["ask", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin
        .write_all((questions.join("\n") + "\n").as_bytes())
        .expect("questions are written");
    drop(stdin);
    let out = child.wait_with_output().expect("the binary finishes");
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

/// The questions the bot was known to get wrong: dialect, compounds, "ikut pemilu" as voting,
/// doubting forms, and the sanctions asked about in a story.
#[test]
fn ask_json_answers_the_wordings_it_once_missed() {
    let cases = [
        (
            "Boleh tidak ASN memberikan like di media sosial kepada calon gubernur-wakil gubernur?",
            "socmed_like_comment_share",
            "forbidden",
        ),
        ("apakah ASN boleh ikut pemilu?", "vote_at_tps", "allowed"),
        (
            "kalau PNS ketahuan berpihak waktu pilkada, sanksinya apa aja?",
            "sanctions",
            "info",
        ),
        (
            "sa PNS, sa boleh pake baju partai ka tra?",
            "campaign_attributes",
            "forbidden",
        ),
        (
            "masa sih ASN gak boleh ikut pemilu?",
            "vote_at_tps",
            "allowed",
        ),
    ];
    let questions: Vec<&str> = cases.iter().map(|c| c.0).collect();
    let lines = ask_json(&questions);
    assert_eq!(lines.len(), cases.len());
    for (line, (q, rule, verdict)) in lines.iter().zip(cases) {
        assert_eq!(line["rule"], rule, "{q}: {line}");
        assert_eq!(line["verdict"], verdict, "{q}: {line}");
        assert_eq!(line["decision"], "answer", "{q}: {line}");
        assert_candidates(line);
    }
}

#[test]
fn ask_json_tells_unsure_election_questions_from_off_topic_ones() {
    let lines = ask_json(&["pemilu?", "Resep rendang yang empuk gimana?"]);
    assert!(lines[0]["rule"].is_null(), "{}", lines[0]);
    assert_eq!(lines[0]["decision"], "unsure", "{}", lines[0]);
    assert!(lines[1]["rule"].is_null(), "{}", lines[1]);
    assert_eq!(lines[1]["decision"], "off_topic", "{}", lines[1]);
    for line in &lines {
        assert_candidates(line);
    }
}

#[test]
fn ask_in_plain_text_starts_with_the_verdict_mark() {
    let out = command()
        .args(["ask", "bolehkah ASN like postingan paslon?"])
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("utf-8 output");
    assert!(stdout.contains("❌"), "{stdout}");
    assert!(stdout.starts_with("❌ Dilarang"), "{stdout}");
}
