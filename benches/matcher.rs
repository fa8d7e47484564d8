//! Time per question of `Matcher::classify`, in process: `cargo bench --bench matcher`.
//! Uses the development questions and our own hard and two tuning sets (or a built-in sample when
//! the development questions are absent), repeated to at least 20,000 calls, and prints the time
//! to build the matcher, the median, p99 and throughput; then again with 200 questions taught in
//! the deployment, which every classify also compares against.

use std::hint::black_box;
use std::time::Instant;

use netralitas_bot::knowledge::{Matcher, RuleId, Taught, kb};

const DEV_SETS: [&str; 2] = [
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/domain/questions-dev.jsonl"
    ),
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/domain/questions-dev-added.jsonl"
    ),
];
const OWN_SETS: [&str; 3] = [
    include_str!("../src/knowledge/testdata/questions-hard.jsonl"),
    include_str!("../src/knowledge/testdata/questions-tuning.jsonl"),
    include_str!("../src/knowledge/testdata/questions-tuning2.jsonl"),
];
const MIN_CALLS: usize = 20_000;
const TAUGHT: usize = 200;

fn questions_of(jsonl: &str) -> Vec<String> {
    jsonl
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["q"].as_str().map(str::to_owned))
        .collect()
}

fn questions() -> Vec<String> {
    let mut all: Vec<String> = DEV_SETS
        .iter()
        .flat_map(|p| questions_of(&std::fs::read_to_string(p).unwrap_or_default()))
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
    all.extend(OWN_SETS.iter().flat_map(|s| questions_of(s)));
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
