//! The million-input run: hostile inputs from a seeded generator through every parser that
//! reads user input, counting panics (and broken invariants) instead of stopping at the first.
//!
//! ```text
//! cargo bench --bench fuzz                     # 1,000,000 inputs, seed 12
//! FUZZ_INPUTS=5000000 FUZZ_SEED=7 cargo bench --bench fuzz
//! ```
//!
//! Every input goes through every parser of `tests/hostile/inputs.rs` (the same checks the
//! property tests run); every 1,000 inputs the accepted names among them are exported to CSV
//! and read back. Exits non-zero if anything panicked.

#[path = "../tests/hostile/inputs.rs"]
mod inputs;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use inputs::{PARSER_NAMES, Parsers, hostile_text};

const EXPORT_BATCH: usize = 1_000;
/// Failing inputs shown in full (cut to this many characters) at the end.
const SHOWN_FAILURES: usize = 5;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn main() {
    let total = env_number("FUZZ_INPUTS", 1_000_000) as usize;
    let seed = env_number("FUZZ_SEED", 12);
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let strategy = hostile_text();
    let parsers = Parsers::new();

    // A panic is what we count; its default report would print a million lines.
    std::panic::set_hook(Box::new(|_| {}));

    let mut panics = vec![0usize; PARSER_NAMES.len() + 1];
    let mut time_in = vec![Duration::ZERO; PARSER_NAMES.len() + 1];
    let mut failures: Vec<(&str, String)> = Vec::new();
    let mut batch: Vec<String> = Vec::with_capacity(EXPORT_BATCH);
    let (mut bytes, mut longest, mut calls) = (0usize, 0usize, 0usize);
    let started = Instant::now();

    for n in 1..=total {
        let input = strategy
            .new_tree(&mut runner)
            .expect("the generator never rejects")
            .current();
        bytes += input.len();
        longest = longest.max(input.len());
        for (which, name) in PARSER_NAMES.iter().enumerate() {
            let t = Instant::now();
            let outcome = catch_unwind(AssertUnwindSafe(|| parsers.feed(which, &input)));
            time_in[which] += t.elapsed();
            calls += 1;
            if outcome.is_err() {
                panics[which] += 1;
                if failures.len() < SHOWN_FAILURES {
                    failures.push((name, input.clone()));
                }
            }
        }
        batch.push(input);
        if batch.len() == EXPORT_BATCH || n == total {
            let t = Instant::now();
            let outcome = catch_unwind(AssertUnwindSafe(|| inputs::check_export(&batch)));
            time_in[PARSER_NAMES.len()] += t.elapsed();
            calls += 1;
            if outcome.is_err() {
                panics[PARSER_NAMES.len()] += 1;
                if failures.len() < SHOWN_FAILURES {
                    failures.push(("CSV export round trip", format!("{batch:?}")));
                }
            }
            batch.clear();
        }
        if n % 100_000 == 0 {
            eprintln!(
                "{n} inputs, {} panics, {:.0?}",
                panics.iter().sum::<usize>(),
                started.elapsed()
            );
        }
    }
    let elapsed = started.elapsed();
    let _ = std::panic::take_hook();

    println!(
        "fuzz: {total} inputs (seed {seed}, {:.1} MB, longest {longest} bytes) through {} parsers: \
         {calls} parser calls in {:.1?}, {} panics",
        bytes as f64 / 1e6,
        PARSER_NAMES.len() + 1,
        elapsed,
        panics.iter().sum::<usize>()
    );
    for (i, name) in PARSER_NAMES
        .iter()
        .chain(std::iter::once(&"CSV export round trip (batches of 1,000)"))
        .enumerate()
    {
        println!(
            "  {:<66} {:>9.1?} {:>6} panics",
            name, time_in[i], panics[i]
        );
    }
    for (parser, input) in &failures {
        let shown: String = input.chars().take(300).collect();
        println!("FAILED {parser}: {shown:?}");
    }
    if panics.iter().any(|&p| p > 0) {
        std::process::exit(1);
    }
}
