//! The matcher against the development questions of the domain brief: verdict accuracy, rule
//! accuracy, and how many out-of-scope questions are declined. The same figures are measured on
//! held-out questions, so the knowledge base never contains these questions.

use netralitas_bot::knowledge::{Matcher, RuleId};
use serde::Deserialize;

const DEV_SET: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/domain/questions-dev.jsonl"
);

#[derive(Deserialize)]
struct Question {
    q: String,
    rule: Option<String>,
    verdict: String,
}

fn pct(n: usize, of: usize) -> f64 {
    if of == 0 {
        100.0
    } else {
        100.0 * n as f64 / of as f64
    }
}

#[test]
fn the_matcher_answers_the_development_questions() {
    let Ok(text) = std::fs::read_to_string(DEV_SET) else {
        eprintln!("note: {DEV_SET} is absent; skipping the evaluation");
        return;
    };
    let questions: Vec<Question> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a dev question line is JSON"))
        .collect();
    assert!(!questions.is_empty());
    for q in &questions {
        if let Some(r) = &q.rule {
            assert!(RuleId::parse(r).is_ok(), "dev set names unknown rule {r}");
        }
    }

    let matcher = Matcher::new();
    let (mut verdict_ok, mut rule_ok, mut oos, mut oos_ok) = (0, 0, 0, 0);
    let mut misses = Vec::new();
    for q in &questions {
        let m = matcher.classify(&q.q);
        let rule = m.rule.map(RuleId::as_str);
        let verdict = m.verdict.map_or("unknown", |v| v.as_str());
        verdict_ok += usize::from(verdict == q.verdict);
        rule_ok += usize::from(rule == q.rule.as_deref());
        if q.rule.is_none() {
            oos += 1;
            oos_ok += usize::from(rule.is_none());
        }
        if rule != q.rule.as_deref() {
            misses.push(format!(
                "  expected {} ({}), got {} ({verdict}, score {:.2}): {}",
                q.rule.as_deref().unwrap_or("null"),
                q.verdict,
                rule.unwrap_or("null"),
                m.score,
                q.q
            ));
        }
    }
    let n = questions.len();
    let (v, r, o) = (pct(verdict_ok, n), pct(rule_ok, n), pct(oos_ok, oos));
    println!("dev questions: {n}");
    println!("verdict accuracy: {v:.1}% ({verdict_ok}/{n})");
    println!("rule accuracy: {r:.1}% ({rule_ok}/{n})");
    println!("out of scope declined: {o:.1}% ({oos_ok}/{oos})");
    println!("misclassified: {}", misses.len());
    for m in &misses {
        println!("{m}");
    }
    assert!(v >= 95.0, "verdict accuracy {v:.1}% < 95%");
    assert!(r >= 90.0, "rule accuracy {r:.1}% < 90%");
    assert!(o >= 90.0, "out-of-scope declined {o:.1}% < 90%");
}
