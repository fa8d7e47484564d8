//! The matcher against labelled questions: the development questions of the domain brief, and a
//! harder set of our own (slang, typos, long stories, English, code-mixing, the edge cases of the
//! brief's section 2). Prints verdict accuracy, rule accuracy and how many out-of-scope questions
//! are declined. The same figures are measured on held-out questions, so the knowledge base never
//! contains any of these questions.

use netralitas_bot::knowledge::{Matcher, RuleId, kb};
use serde::Deserialize;

const DEV_SET: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/domain/questions-dev.jsonl"
);
const HARD_SET: &str = include_str!("../src/knowledge/testdata/questions-hard.jsonl");

#[derive(Deserialize)]
struct Question {
    q: String,
    rule: Option<String>,
    /// Given in the dev set; derived from the rule otherwise.
    verdict: Option<String>,
}

struct Figures {
    verdict: f64,
    rule: f64,
    declined: f64,
}

fn pct(n: usize, of: usize) -> f64 {
    if of == 0 {
        100.0
    } else {
        100.0 * n as f64 / of as f64
    }
}

fn evaluate(name: &str, jsonl: &str) -> Figures {
    let questions: Vec<Question> = jsonl
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a question line is JSON"))
        .collect();
    assert!(!questions.is_empty());
    let matcher = Matcher::new();
    let (mut verdict_ok, mut rule_ok, mut oos, mut oos_ok) = (0, 0, 0, 0);
    let mut misses = Vec::new();
    for q in &questions {
        let expected_verdict = match (&q.verdict, &q.rule) {
            (Some(v), _) => v.clone(),
            (None, None) => "unknown".to_owned(),
            (None, Some(r)) => {
                let id = RuleId::parse(r).unwrap_or_else(|e| panic!("{name}: {e}"));
                kb().verdict(id).as_str().to_owned()
            }
        };
        if let Some(r) = &q.rule {
            assert!(RuleId::parse(r).is_ok(), "{name} names unknown rule {r}");
        }
        let m = matcher.classify(&q.q);
        let rule = m.rule.map(RuleId::as_str);
        let verdict = m.verdict.map_or("unknown", |v| v.as_str());
        verdict_ok += usize::from(verdict == expected_verdict);
        rule_ok += usize::from(rule == q.rule.as_deref());
        if q.rule.is_none() {
            oos += 1;
            oos_ok += usize::from(rule.is_none());
        }
        if rule != q.rule.as_deref() {
            misses.push(format!(
                "  expected {} ({expected_verdict}), got {} ({verdict}, score {:.2}): {}",
                q.rule.as_deref().unwrap_or("null"),
                rule.unwrap_or("null"),
                m.score,
                q.q
            ));
        }
    }
    let n = questions.len();
    let figures = Figures {
        verdict: pct(verdict_ok, n),
        rule: pct(rule_ok, n),
        declined: pct(oos_ok, oos),
    };
    println!("{name}: {n} questions");
    println!(
        "verdict accuracy: {:.1}% ({verdict_ok}/{n})",
        figures.verdict
    );
    println!("rule accuracy: {:.1}% ({rule_ok}/{n})", figures.rule);
    println!(
        "out of scope declined: {:.1}% ({oos_ok}/{oos})",
        figures.declined
    );
    println!("misclassified: {}", misses.len());
    for m in &misses {
        println!("{m}");
    }
    figures
}

#[test]
fn the_matcher_answers_the_development_questions() {
    let Ok(text) = std::fs::read_to_string(DEV_SET) else {
        eprintln!("note: {DEV_SET} is absent; skipping the evaluation");
        return;
    };
    let f = evaluate("dev questions", &text);
    assert!(
        f.verdict >= 95.0,
        "verdict accuracy {:.1}% < 95%",
        f.verdict
    );
    assert!(f.rule >= 90.0, "rule accuracy {:.1}% < 90%", f.rule);
    assert!(
        f.declined >= 90.0,
        "out-of-scope declined {:.1}% < 90%",
        f.declined
    );
}

/// Our own questions guard against a change (to the lexicon, the weights or the knowledge base)
/// that fits the development questions at the cost of everything else.
#[test]
fn the_matcher_answers_harder_questions_of_our_own() {
    let f = evaluate("hard questions", HARD_SET);
    assert!(
        f.verdict >= 95.0,
        "verdict accuracy {:.1}% < 95%",
        f.verdict
    );
    assert!(f.rule >= 92.0, "rule accuracy {:.1}% < 92%", f.rule);
    assert!(
        f.declined >= 95.0,
        "out-of-scope declined {:.1}% < 95%",
        f.declined
    );
}
