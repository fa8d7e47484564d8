//! Time per question of `Matcher::classify`, in process: `cargo bench --bench matcher`.
//! Uses the development questions and our own hard and two tuning sets (or a built-in sample when
//! the development questions are absent), repeated to at least 20,000 calls, and prints the time
//! to build the matcher, the median, p99 and throughput; then again with 200 questions taught in
//! the deployment, which every classify also compares against.

use std::hint::black_box;
use std::time::Instant;

use netralitas_bot::knowledge::{
    DEV_QUESTION_FILES, Matcher, RuleId, Taught, kb, parse_questions, read_questions,
};

const OWN_SETS: [&str; 3] = [
    include_str!("../src/knowledge/testdata/questions-hard.jsonl"),
    include_str!("../src/knowledge/testdata/questions-tuning.jsonl"),
    include_str!("../src/knowledge/testdata/questions-tuning2.jsonl"),
];
const MIN_CALLS: usize = 20_000;
const TAUGHT: usize = 200;

fn questions_of(set: &str, jsonl: &str) -> Vec<String> {
    parse_questions(set, jsonl)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|q| q.q)
        .collect()
}

fn questions() -> Vec<String> {
    let mut all: Vec<String> = read_questions("dev", &DEV_QUESTION_FILES)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_default()
        .into_iter()
        .map(|q| q.q)
        .collect();
    if all.is_empty() {
        eprintln!("note: the development questions are absent; using a built-in sample");
        all.extend(
            [
                "Bolehkah ASN like postingan paslon di IG?",
                "sy pns, blh gk ikut kampnye akbar cagub?",
                "Can a civil servant put up a candidate's banner at home?",
                "Kapan hari pencoblosan?",
                "Bagaimana cara mengajukan cuti tahunan?",
            ]
            .map(str::to_owned),
        );
    }
    all.extend(OWN_SETS.iter().flat_map(|s| questions_of("own", s)));
    all
}

fn measure(label: &str, matcher: &Matcher, questions: &[String]) {
    // Warm-up: first-touch allocations and caches are not what a running bot sees.
    for q in questions {
        black_box(matcher.classify(q));
    }
    let rounds = MIN_CALLS.div_ceil(questions.len());
    let mut times_ns: Vec<u128> = Vec::with_capacity(rounds * questions.len());
    let total = Instant::now();
    for _ in 0..rounds {
        for q in questions {
            let t = Instant::now();
            black_box(matcher.classify(black_box(q)));
            times_ns.push(t.elapsed().as_nanos());
        }
    }
    let total = total.elapsed();
    times_ns.sort_unstable();
    let at = |p: f64| {
        let i = ((times_ns.len() as f64 * p).ceil() as usize).clamp(1, times_ns.len()) - 1;
        times_ns[i] as f64 / 1000.0
    };
    println!(
        "{label}: {} calls over {} questions",
        times_ns.len(),
        questions.len()
    );
    println!("  median: {:.1} µs", at(0.5));
    println!("  p99: {:.1} µs", at(0.99));
    println!("  max: {:.1} µs", at(1.0));
    println!(
        "  throughput: {:.0} questions/s",
        times_ns.len() as f64 / total.as_secs_f64()
    );
}

fn main() {
    let started = Instant::now();
    let matcher = Matcher::new();
    let build = started.elapsed();
    println!("matcher build: {:.1} ms", build.as_secs_f64() * 1000.0);
    let questions = questions();
    measure("classify", &matcher, &questions);

    let rules: Vec<RuleId> = kb().ids().collect();
    let taught: Vec<Taught> = questions
        .iter()
        .take(TAUGHT)
        .enumerate()
        .map(|(i, q)| Taught {
            text: q.clone(),
            target: rules.get(i % rules.len().max(1)).copied(),
        })
        .collect();
    let started = Instant::now();
    matcher.set_taught(taught);
    println!(
        "set_taught({TAUGHT}): {:.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    measure("classify with taught examples", &matcher, &questions);
}
