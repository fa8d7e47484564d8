//! `kb check`: everything that must hold for the knowledge base files, reported all at once so an
//! author can fix a file in one pass.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde::Deserialize;

use crate::i18n::Lang;

use super::kb::{self, RuleText, Topic, Verdict};

/// The rule whose answer is filled from the configuration.
pub(crate) const ELECTION_DATE: &str = "election_date";
/// The rule the matcher never declines (requests to rate candidates).
pub(crate) const CANDIDATE_RECOMMENDATION: &str = "candidate_recommendation";
pub(crate) const PLACEHOLDERS: [&str; 2] = ["{election_name}", "{election_date}"];
const MIN_EXAMPLES: usize = 3;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawKb {
    #[serde(default)]
    pub topics: BTreeMap<String, String>,
    #[serde(default)]
    pub rule: Vec<RawRule>,
    #[serde(default)]
    pub out_of_scope: RawOutOfScope,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOutOfScope {
    #[serde(default)]
    pub examples: Vec<String>,
}

// Fields default to empty so that a missing field is reported by `check` with the rule's id,
// rather than as a bare parse error.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub verdict: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub explanation: String,
    #[serde(default)]
    pub legal_basis: String,
    #[serde(default)]
    pub sanction: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub examples: Vec<String>,
}

impl RawRule {
    pub fn text(&self) -> RuleText {
        let sanction = self.sanction.trim();
        RuleText {
            title: self.title.trim().to_owned(),
            answer: self.answer.trim().to_owned(),
            explanation: self.explanation.trim().to_owned(),
            legal_basis: self.legal_basis.trim().to_owned(),
            sanction: (!sanction.is_empty()).then(|| sanction.to_owned()),
            keywords: self.keywords.clone(),
            examples: self.examples.clone(),
        }
    }
}

pub(crate) fn parse(src: &str) -> Result<RawKb, toml::de::Error> {
    toml::from_str(src)
}

/// One thing wrong with the knowledge base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub lang: Option<Lang>,
    pub rule: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(lang) = self.lang {
            write!(f, "[{lang}] ")?;
        }
        if let Some(rule) = &self.rule {
            write!(f, "{rule}: ")?;
        }
        f.write_str(&self.message)
    }
}

fn problem(lang: Option<Lang>, rule: Option<&str>, message: impl Into<String>) -> Problem {
    Problem {
        lang,
        rule: rule.map(str::to_owned),
        message: message.into(),
    }
}

/// Checks the embedded knowledge base.
pub fn check() -> Vec<Problem> {
    check_sources(kb::ID_SOURCE, kb::EN_SOURCE)
}

/// Checks the knowledge base given as the TOML text of each language.
pub fn check_sources(id: &str, en: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut parsed = Vec::new();
    for (lang, src) in [(Lang::Id, id), (Lang::En, en)] {
        match parse(src) {
            Ok(raw) => {
                check_one(lang, &raw, &mut problems);
                parsed.push((lang, raw));
            }
            Err(e) => problems.push(problem(
                Some(lang),
                None,
                format!("knowledge.toml does not parse: {e}"),
            )),
        }
    }
    if let [(_, id), (_, en)] = parsed.as_slice() {
        check_across(id, en, &mut problems);
    }
    problems
}

fn check_one(lang: Lang, raw: &RawKb, problems: &mut Vec<Problem>) {
    let l = Some(lang);
    for t in Topic::ALL {
        match raw.topics.get(t.as_str()) {
            Some(label) if !label.trim().is_empty() => {}
            _ => problems.push(problem(l, None, format!("topic '{t}' has no label"))),
        }
    }
    for key in raw.topics.keys() {
        if key.parse::<Topic>().is_err() {
            problems.push(problem(l, None, format!("unknown topic key '{key}'")));
        }
    }

    let mut seen = BTreeSet::new();
    let mut used_topics = BTreeSet::new();
    // An example listed under two rules (or also as out of scope) teaches the matcher nonsense.
    let mut example_owner: HashMap<String, &str> = HashMap::new();
    for r in &raw.rule {
        let id = r.id.as_str();
        let rl = Some(id).filter(|s| !s.is_empty());
        if id.is_empty() {
            problems.push(problem(l, None, "a rule has no id"));
        } else if !id.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            problems.push(problem(l, rl, "ids are lowercase snake_case"));
        }
        if !id.is_empty() && !seen.insert(id) {
            problems.push(problem(l, rl, "duplicate id"));
        }
        if let Err(e) = r.verdict.parse::<Verdict>() {
            problems.push(problem(l, rl, e));
        }
        match r.topic.parse::<Topic>() {
            Ok(t) => {
                used_topics.insert(t);
            }
            Err(e) => problems.push(problem(l, rl, e)),
        }
        for (field, value) in [
            ("title", &r.title),
            ("answer", &r.answer),
            ("explanation", &r.explanation),
            ("legal_basis", &r.legal_basis),
        ] {
            if value.trim().is_empty() {
                problems.push(problem(l, rl, format!("empty {field}")));
            }
        }
        let examples: Vec<&String> = r.examples.iter().filter(|e| !e.trim().is_empty()).collect();
        if examples.len() < MIN_EXAMPLES {
            problems.push(problem(
                l,
                rl,
                format!(
                    "{} examples, at least {MIN_EXAMPLES} needed",
                    examples.len()
                ),
            ));
        }
        for e in examples {
            let key = example_key(e);
            match example_owner.get(&key) {
                Some(other) if *other != id => problems.push(problem(
                    l,
                    rl,
                    format!("example \"{e}\" is also an example of {other}"),
                )),
                _ => {
                    example_owner.insert(key, id);
                }
            }
        }
        check_placeholders(lang, r, problems);
    }
    for t in Topic::ALL {
        if !used_topics.contains(&t) {
            problems.push(problem(l, None, format!("topic '{t}' has no rule")));
        }
    }
    for required in [ELECTION_DATE, CANDIDATE_RECOMMENDATION] {
        if !seen.contains(required) {
            problems.push(problem(
                l,
                Some(required),
                "missing rule (the code relies on it)",
            ));
        }
    }
    if raw.out_of_scope.examples.len() < MIN_EXAMPLES {
        problems.push(problem(
            l,
            None,
            format!("[out_of_scope] needs at least {MIN_EXAMPLES} examples"),
        ));
    }
    for e in &raw.out_of_scope.examples {
        if let Some(owner) = example_owner.get(&example_key(e)) {
            problems.push(problem(
                l,
                None,
                format!("out-of-scope example \"{e}\" is also an example of {owner}"),
            ));
        }
    }
}

fn example_key(e: &str) -> String {
    e.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// `{election_name}` and `{election_date}` are the only placeholders, and `election_date` needs both.
fn check_placeholders(lang: Lang, r: &RawRule, problems: &mut Vec<Problem>) {
    let l = Some(lang);
    let rl = Some(r.id.as_str());
    for (field, value) in [
        ("title", &r.title),
        ("answer", &r.answer),
        ("explanation", &r.explanation),
        ("legal_basis", &r.legal_basis),
        ("sanction", &r.sanction),
    ] {
        for ph in placeholders_in(value) {
            if !PLACEHOLDERS.contains(&ph) {
                problems.push(problem(
                    l,
                    rl,
                    format!("unknown placeholder {ph} in {field}"),
                ));
            }
        }
    }
    if r.id == ELECTION_DATE {
        for ph in PLACEHOLDERS {
            if !r.answer.contains(ph) {
                problems.push(problem(l, rl, format!("answer lacks {ph}")));
            }
        }
    }
}

fn placeholders_in(s: &str) -> impl Iterator<Item = &str> {
    s.match_indices('{').filter_map(move |(start, _)| {
        let end = s[start..].find('}')?;
        Some(&s[start..=start + end])
    })
}

fn check_across(id: &RawKb, en: &RawKb, problems: &mut Vec<Problem>) {
    let en_rules: HashMap<&str, &RawRule> = en.rule.iter().map(|r| (r.id.as_str(), r)).collect();
    let id_rules: HashMap<&str, &RawRule> = id.rule.iter().map(|r| (r.id.as_str(), r)).collect();
    for r in &id.rule {
        let rl = Some(r.id.as_str());
        match en_rules.get(r.id.as_str()) {
            None => problems.push(problem(Some(Lang::En), rl, "missing (present in id)")),
            Some(e) => {
                if e.verdict != r.verdict {
                    problems.push(problem(
                        None,
                        rl,
                        format!("verdict differs: id '{}', en '{}'", r.verdict, e.verdict),
                    ));
                }
                if e.topic != r.topic {
                    problems.push(problem(
                        None,
                        rl,
                        format!("topic differs: id '{}', en '{}'", r.topic, e.topic),
                    ));
                }
            }
        }
    }
    for r in &en.rule {
        if !id_rules.contains_key(r.id.as_str()) {
            problems.push(problem(
                Some(Lang::Id),
                Some(&r.id),
                "missing (present in en)",
            ));
        }
    }
}

/// Prints the result of [`check`]; `Ok(true)` when the knowledge base is sound.
pub fn kb_check(out: &mut impl std::io::Write) -> anyhow::Result<bool> {
    let problems = check();
    let kb = kb::kb();
    if problems.is_empty() {
        let examples: usize = kb
            .ids()
            .map(|id| {
                Lang::ALL
                    .iter()
                    .map(|&l| kb.rule(id, l).text.examples.len())
                    .sum::<usize>()
            })
            .sum();
        writeln!(
            out,
            "knowledge base ok: {} rules, {} topics, {} examples, {} out-of-scope examples, languages id and en",
            kb.len(),
            Topic::ALL.len(),
            examples,
            kb.out_of_scope().count(),
        )?;
        return Ok(true);
    }
    writeln!(out, "knowledge base: {} problem(s)", problems.len())?;
    for p in &problems {
        writeln!(out, "- {p}")?;
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = include_str!("testdata/id.toml");
    const EN: &str = include_str!("testdata/en.toml");

    fn messages(id: &str, en: &str) -> Vec<String> {
        check_sources(id, en)
            .iter()
            .map(|p| p.to_string())
            .collect()
    }

    #[test]
    fn the_fixture_is_sound_apart_from_its_small_size() {
        let found = messages(ID, EN);
        assert!(
            found
                .iter()
                .all(|m| m.ends_with("has no rule") || m.contains(CANDIDATE_RECOMMENDATION)),
            "{found:#?}"
        );
    }

    #[test]
    fn the_embedded_knowledge_base_is_sound() {
        let problems = check();
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn inconsistencies_between_languages_are_reported() {
        let en = EN
            .replace("id = \"election_date\"", "id = \"election_day\"")
            .replacen("verdict = \"allowed\"", "verdict = \"info\"", 1);
        let found = messages(ID, &en);
        assert!(found.contains(&"[en] election_date: missing (present in id)".to_owned()));
        assert!(found.contains(&"[id] election_day: missing (present in en)".to_owned()));
        assert!(
            found.contains(&"vote_at_tps: verdict differs: id 'allowed', en 'info'".to_owned())
        );
    }

    #[test]
    fn bad_rules_are_reported_with_their_id() {
        let id = ID
            .replace("verdict = \"forbidden\"", "verdict = \"banned\"")
            .replace("legal_basis = \"Keputusan KPU.\"", "legal_basis = \"\"")
            .replace("{election_date}", "{tanggal}")
            .replace(
                "examples = [\"Kapan coblosan?\", \"Tanggal berapa pilkada?\", \"Hari H kapan?\"]",
                "examples = [\"Kapan coblosan?\", \"Bolehkah ASN mencoblos?\"]",
            );
        let found = messages(&id, EN);
        for expected in [
            "[id] socmed_like_comment_share: unknown verdict 'banned'",
            "[id] election_date: empty legal_basis",
            "[id] election_date: unknown placeholder {tanggal} in answer",
            "[id] election_date: answer lacks {election_date}",
            "[id] election_date: 2 examples, at least 3 needed",
            "[id] election_date: example \"Bolehkah ASN mencoblos?\" is also an example of vote_at_tps",
        ] {
            assert!(
                found.contains(&expected.to_owned()),
                "{expected} not in {found:#?}"
            );
        }
    }

    #[test]
    fn duplicate_ids_and_parse_errors_are_reported() {
        let dup = format!(
            "{ID}\n[[rule]]\nid = \"vote_at_tps\"\nverdict = \"allowed\"\ntopic = \"voting\"\n"
        );
        // The appended rule lands after [out_of_scope]; TOML allows that.
        let found = messages(&dup, EN);
        assert!(
            found.contains(&"[id] vote_at_tps: duplicate id".to_owned()),
            "{found:#?}"
        );
        let found = messages("[[rule]\n", EN);
        assert!(found[0].starts_with("[id] knowledge.toml does not parse"));
    }

    #[test]
    fn kb_check_prints_a_summary() {
        let mut out = Vec::new();
        let ok = kb_check(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(ok, text.starts_with("knowledge base ok"), "{text}");
    }
}
