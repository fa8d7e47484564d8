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
    let stdout = String::from_utf8(out.stdout).expect("utf-8 output");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), questions.len(), "{stdout}");
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
        } else {
            assert_eq!(line["rule"], rule, "{line}");
        }
        assert_eq!(line["verdict"], verdict, "{line}");
        let score = line["score"].as_f64().expect("a numeric score");
        assert!((0.0..=1.0).contains(&score));
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
