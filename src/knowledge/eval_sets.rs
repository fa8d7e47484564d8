//! The labelled questions the matcher is measured on, read the one way the evaluation test and
//! the matcher benchmark share: JSONL lines `{"q": …, "rule": …|null, "verdict": …}`. Our own
//! sets are compiled into those binaries with `include_str!`; the development questions belong to
//! the domain brief beside the checkout and may be absent, so they are read at run time.

use serde::Deserialize;

/// The development questions of the domain brief (with those added for the rules of 2026-11).
pub const DEV_QUESTION_FILES: [&str; 2] = [
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/domain/questions-dev.jsonl"
    ),
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/domain/questions-dev-added.jsonl"
    ),
];

/// One labelled question.
#[derive(Debug, Clone, Deserialize)]
pub struct Labelled {
    pub q: String,
    /// The rule it asks about; `None` for an off-topic question.
    pub rule: Option<String>,
    /// Given in the development set; derived from the rule otherwise.
    pub verdict: Option<String>,
}

/// The questions of a JSONL text; a line that does not parse is an error naming the set and the
/// line, since a set silently shorter than written would flatter the figures.
pub fn parse_questions(set: &str, jsonl: &str) -> Result<Vec<Labelled>, String> {
    jsonl
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| format!("{set}: {e}: {l}")))
        .collect()
}

/// The questions of every file of `paths` that exists, in order; `Ok(None)` when none exists.
pub fn read_questions(set: &str, paths: &[&str]) -> Result<Option<Vec<Labelled>>, String> {
    let mut all = Vec::new();
    let mut found = false;
    for path in paths {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                found = true;
                all.extend(parse_questions(set, &text)?);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{path}: {e}")),
        }
    }
    Ok(found.then_some(all))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_labels_and_skips_blank_lines() {
        let qs = parse_questions(
            "t",
            "{\"q\": \"a\", \"rule\": \"vote_at_tps\"}\n\n{\"q\": \"b\", \"rule\": null, \"verdict\": \"unknown\"}\n",
        )
        .unwrap();
        assert_eq!(qs.len(), 2);
        assert_eq!(qs[0].rule.as_deref(), Some("vote_at_tps"));
        assert_eq!(qs[1].rule, None);
        assert_eq!(qs[1].verdict.as_deref(), Some("unknown"));
    }

    #[test]
    fn a_broken_line_is_an_error_naming_the_set() {
        let err = parse_questions("tuning9", "{\"q\": \"a\"}\nnot json\n").unwrap_err();
        assert!(err.starts_with("tuning9: "), "{err}");
    }

    #[test]
    fn absent_files_are_none_not_empty() {
        let qs = read_questions("x", &["/nonexistent/netralitas/q.jsonl"]).unwrap();
        assert!(qs.is_none());
    }
}
