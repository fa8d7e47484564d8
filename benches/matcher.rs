//! Time per question of `Matcher::classify`, in process: `cargo bench --bench matcher`.
//! Uses the development questions (or a built-in sample when they are absent), repeated to at
//! least 20,000 calls, and prints the median, p99 and throughput.

use std::hint::black_box;
use std::time::Instant;

use netralitas_bot::knowledge::Matcher;

const DEV_SET: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/domain/questions-dev.jsonl"
);
const MIN_CALLS: usize = 20_000;

fn questions() -> Vec<String> {
    let from_file: Vec<String> = std::fs::read_to_string(DEV_SET)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["q"].as_str().map(str::to_owned))
        .collect();
    if !from_file.is_empty() {
        return from_file;
    }
    eprintln!("note: {DEV_SET} is absent; using a built-in sample");
    [
        "Bolehkah ASN like postingan paslon di IG?",
        "sy pns, blh gk ikut kampnye akbar cagub?",
        "Can a civil servant put up a candidate's banner at home?",
        "Kapan hari pencoblosan?",
        "Bagaimana cara mengajukan cuti tahunan?",
    ]
    .map(str::to_owned)
    .to_vec()
}

fn main() {
    let started = Instant::now();
    let matcher = Matcher::new();
    let build = started.elapsed();
    let questions = questions();

    // Warm-up: first-touch allocations and caches are not what a running bot sees.
    for q in &questions {
        black_box(matcher.classify(q));
    }

    let rounds = MIN_CALLS.div_ceil(questions.len());
    let mut times_ns: Vec<u128> = Vec::with_capacity(rounds * questions.len());
    let total = Instant::now();
    for _ in 0..rounds {
        for q in &questions {
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
    println!("matcher build: {:.1} ms", build.as_secs_f64() * 1000.0);
    println!(
        "classify: {} calls over {} questions",
        times_ns.len(),
        questions.len()
    );
    println!("median: {:.1} µs", at(0.5));
    println!("p99: {:.1} µs", at(0.99));
    println!("max: {:.1} µs", at(1.0));
    println!(
        "throughput: {:.0} questions/s",
        times_ns.len() as f64 / total.as_secs_f64()
    );
}
