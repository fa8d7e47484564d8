//! `netralitas-bot ask`: the matcher and the answers without Telegram, one question or a stream of
//! them (one per line) for evaluation scripts.

use std::io::{self, BufRead, BufWriter, Write};

use chrono::NaiveDate;
use serde::Serialize;

use crate::i18n::Lang;

use super::answer::{Answer, ElectionFacts, render_plain};
use super::matcher::{Match, Matcher, Taught};

/// What to answer.
pub enum AskInput {
    Question(String),
    /// One question per line; every line gets an answer, an empty line an "unknown" one.
    Lines(Box<dyn BufRead>),
}

impl AskInput {
    /// The CLI argument: `-` reads questions from standard input.
    pub fn from_arg(arg: &str) -> AskInput {
        if arg == "-" {
            AskInput::Lines(Box::new(io::stdin().lock()))
        } else {
            AskInput::Question(arg.to_owned())
        }
    }
}

#[derive(Serialize)]
struct JsonLine<'a> {
    /// Null unless the bot answers outright.
    rule: Option<&'a str>,
    verdict: &'a str,
    score: f64,
    /// "answer", "unsure" (in scope, offer the candidates) or "off_topic".
    decision: &'static str,
    /// The closest rules, best first.
    candidates: Vec<JsonCandidate>,
}

#[derive(Serialize)]
struct JsonCandidate {
    rule: &'static str,
    score: f64,
}

/// Three decimals are plenty for a confidence and keep the lines short.
fn rounded(score: f32) -> f64 {
    (f64::from(score) * 1000.0).round() / 1000.0
}

/// What `ask` answers with: the election, the helpdesk, the date "days left" counts from
/// (the caller's clock) and the examples taught in the deployment's database.
pub struct AskSetup<'a> {
    pub facts: &'a ElectionFacts,
    pub helpdesk: &'a str,
    pub today: NaiveDate,
    pub taught: Vec<Taught>,
}

/// Answers the question(s): with `json`, one line `{"rule", "verdict", "score", "decision",
/// "candidates"}` per question in
/// input order; otherwise the plain answer in `lang` (default: the question's language).
pub fn ask(
    input: AskInput,
    json: bool,
    lang: Option<Lang>,
    setup: AskSetup<'_>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let AskSetup {
        facts,
        helpdesk,
        today,
        taught,
    } = setup;
    let matcher = Matcher::new();
    matcher.set_taught(taught);
    let mut out = BufWriter::new(out);
    let respond = |question: &str, out: &mut BufWriter<&mut _>, first: bool| -> io::Result<()> {
        let m = matcher.classify(question);
        if json {
            write_json(out, &m)
        } else {
            let lang = lang.unwrap_or(m.lang);
            let answer = match m.rule {
                Some(id) => Answer::for_rule(id, lang, facts, today),
                None => Answer::declined(lang, helpdesk),
            };
            if !first {
                writeln!(out, "\n---\n")?;
            }
            writeln!(out, "{}", render_plain(&answer))
        }
    };
    match input {
        AskInput::Question(q) => respond(&q, &mut out, true)?,
        AskInput::Lines(mut reader) => {
            let mut buf = Vec::new();
            let mut first = true;
            loop {
                buf.clear();
                if reader.read_until(b'\n', &mut buf)? == 0 {
                    break;
                }
                // A stray invalid byte should cost one question, not the whole run.
                let line = String::from_utf8_lossy(&buf);
                respond(line.trim_end_matches(['\n', '\r']), &mut out, first)?;
                first = false;
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn write_json(out: &mut impl Write, m: &Match) -> io::Result<()> {
    let line = JsonLine {
        rule: m.rule.map(|r| r.as_str()),
        verdict: m.verdict.map_or("unknown", |v| v.as_str()),
        score: rounded(m.score),
        decision: m.decision.as_str(),
        candidates: m
            .candidates
            .iter()
            .map(|c| JsonCandidate {
                rule: c.rule.as_str(),
                score: rounded(c.score),
            })
            .collect(),
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> ElectionFacts {
        ElectionFacts {
            name: "Pilkada 2024".into(),
            date: NaiveDate::from_ymd_opt(2024, 11, 27).unwrap(),
        }
    }

    fn run(input: AskInput, json: bool, lang: Option<Lang>) -> String {
        let mut out = Vec::new();
        let facts = facts();
        let setup = AskSetup {
            facts: &facts,
            helpdesk: "0800-1234",
            today: NaiveDate::from_ymd_opt(2024, 11, 1).unwrap(),
            taught: Vec::new(),
        };
        ask(input, json, lang, setup, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_mode_answers_every_line_in_order_even_empty_and_invalid_ones() {
        let input = b"Bolehkah ASN mencoblos di TPS?\n\n\xff\xfe\nKapan THR ASN cair?\r\n".to_vec();
        let text = run(
            AskInput::Lines(Box::new(io::Cursor::new(input))),
            true,
            None,
        );
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert_eq!(lines[0]["rule"], "vote_at_tps");
        assert_eq!(lines[0]["verdict"], "allowed");
        assert_eq!(lines[0]["decision"], "answer");
        assert_eq!(lines[0]["candidates"][0]["rule"], "vote_at_tps");
        for l in &lines[1..] {
            assert_eq!(l["rule"], serde_json::Value::Null);
            assert_eq!(l["verdict"], "unknown");
            assert_eq!(l["decision"], "off_topic");
        }
        for l in &lines {
            assert!(
                l["candidates"].as_array().is_some_and(|c| c.len() >= 3),
                "{l}"
            );
        }
    }

    #[test]
    fn plain_mode_answers_in_the_requested_language() {
        let q = || AskInput::Question("bolehkah ASN like postingan paslon?".into());
        assert!(run(q(), false, None).starts_with("❌ Dilarang"));
        assert!(run(q(), false, Some(Lang::En)).starts_with("❌ Forbidden"));
        let declined = run(AskInput::Question("halo bot apa kabar".into()), false, None);
        assert!(declined.contains("0800-1234"), "{declined}");
    }
}
