//! The knowledge base: one TOML file per language under `locales/<lang>/knowledge.toml`, embedded at
//! compile time, parsed once, and turned into types that can only hold consistent data.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

use super::check;

pub(crate) const ID_SOURCE: &str = include_str!("../../locales/id/knowledge.toml");
pub(crate) const EN_SOURCE: &str = include_str!("../../locales/en/knowledge.toml");

/// What a rule says about the action asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Allowed,
    Forbidden,
    Conditional,
    Info,
}

impl Verdict {
    pub const ALL: [Verdict; 4] = [
        Verdict::Allowed,
        Verdict::Forbidden,
        Verdict::Conditional,
        Verdict::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allowed => "allowed",
            Verdict::Forbidden => "forbidden",
            Verdict::Conditional => "conditional",
            Verdict::Info => "info",
        }
    }
}

impl FromStr for Verdict {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Verdict::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("unknown verdict '{s}'"))
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The groups shown by `/topik`, in the order they are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    SocialMedia,
    Campaign,
    Attributes,
    Facilities,
    Gifts,
    Candidacy,
    Voting,
    Sanctions,
}

impl Topic {
    pub const ALL: [Topic; 8] = [
        Topic::SocialMedia,
        Topic::Campaign,
        Topic::Attributes,
        Topic::Facilities,
        Topic::Gifts,
        Topic::Candidacy,
        Topic::Voting,
        Topic::Sanctions,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::SocialMedia => "social_media",
            Topic::Campaign => "campaign",
            Topic::Attributes => "attributes",
            Topic::Facilities => "facilities",
            Topic::Gifts => "gifts",
            Topic::Candidacy => "candidacy",
            Topic::Voting => "voting",
            Topic::Sanctions => "sanctions",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl FromStr for Topic {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Topic::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| format!("unknown topic '{s}'"))
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The id of a rule that exists in the knowledge base, in every language. Only a [`Kb`] hands these
/// out, so holding one means `Kb::rule` will find it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RuleId {
    index: u16,
    name: &'static str,
}

impl RuleId {
    /// Looks an id up in the embedded knowledge base.
    pub fn parse(s: &str) -> Result<RuleId, UnknownRule> {
        kb().rule_id(s).ok_or_else(|| UnknownRule(s.to_owned()))
    }

    pub fn as_str(self) -> &'static str {
        self.name
    }

    pub(crate) fn index(self) -> usize {
        usize::from(self.index)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl FromStr for RuleId {
    type Err = UnknownRule;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RuleId::parse(s)
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no rule '{0}' in the knowledge base")]
pub struct UnknownRule(pub String);

/// The text of one rule in one language.
#[derive(Debug, Clone)]
pub struct RuleText {
    pub title: String,
    /// One line; `election_date`'s holds `{election_name}` and `{election_date}`.
    pub answer: String,
    pub explanation: String,
    pub legal_basis: String,
    /// `None` where the knowledge base states no sanction.
    pub sanction: Option<String>,
    pub keywords: Vec<String>,
    pub examples: Vec<String>,
}

/// A rule as seen in one language.
#[derive(Debug, Clone, Copy)]
pub struct Rule<'a> {
    pub id: RuleId,
    pub verdict: Verdict,
    pub topic: Topic,
    pub lang: Lang,
    pub text: &'a RuleText,
}

#[derive(Debug)]
struct Entry {
    id: String,
    verdict: Verdict,
    topic: Topic,
    /// Indexed by [`lang_index`].
    text: [RuleText; 2],
}

/// The typed knowledge base. Rules that are inconsistent across languages are left out; `check`
/// reports them, and CI fails on any report.
#[derive(Debug)]
pub struct Kb {
    entries: Vec<Entry>,
    by_name: HashMap<String, usize>,
    topic_labels: [[String; 8]; 2],
    out_of_scope: [Vec<String>; 2],
}

pub(crate) fn lang_index(lang: Lang) -> usize {
    match lang {
        Lang::Id => 0,
        Lang::En => 1,
    }
}

/// The embedded knowledge base, parsed on first use.
pub fn kb() -> &'static Kb {
    static KB: OnceLock<Kb> = OnceLock::new();
    KB.get_or_init(|| Kb::from_sources(ID_SOURCE, EN_SOURCE))
}

impl Kb {
    /// Builds a knowledge base from the TOML of both languages, keeping what is consistent.
    /// Never fails: a file that does not parse gives an empty knowledge base (and a `check` report).
    pub fn from_sources(id: &str, en: &str) -> Kb {
        let raw = [check::parse(id).ok(), check::parse(en).ok()];
        let [Some(raw_id), Some(raw_en)] = raw else {
            return Kb::empty();
        };
        let en_rules: HashMap<&str, &check::RawRule> =
            raw_en.rule.iter().map(|r| (r.id.as_str(), r)).collect();
        let mut entries: Vec<Entry> = Vec::new();
        let mut by_name = HashMap::new();
        for r_id in &raw_id.rule {
            let Some(r_en) = en_rules.get(r_id.id.as_str()) else {
                continue;
            };
            let (Ok(verdict), Ok(topic)) = (r_id.verdict.parse(), r_id.topic.parse()) else {
                continue;
            };
            if r_en.verdict != r_id.verdict
                || r_en.topic != r_id.topic
                || by_name.contains_key(&r_id.id)
                // RuleId keeps its index in a u16.
                || entries.len() >= usize::from(u16::MAX)
            {
                continue;
            }
            by_name.insert(r_id.id.clone(), entries.len());
            entries.push(Entry {
                id: r_id.id.clone(),
                verdict,
                topic,
                text: [r_id.text(), r_en.text()],
            });
        }
        let labels = |raw: &check::RawKb| {
            Topic::ALL.map(|t| raw.topics.get(t.as_str()).cloned().unwrap_or_default())
        };
        Kb {
            entries,
            by_name,
            topic_labels: [labels(&raw_id), labels(&raw_en)],
            out_of_scope: [
                raw_id.out_of_scope.examples.clone(),
                raw_en.out_of_scope.examples.clone(),
            ],
        }
    }

    fn empty() -> Kb {
        Kb {
            entries: Vec::new(),
            by_name: HashMap::new(),
            topic_labels: Default::default(),
            out_of_scope: Default::default(),
        }
    }

    /// Hands out ids only from a knowledge base that lives for the whole program, so an id can
    /// carry its name without a lookup.
    pub fn rule_id(&'static self, name: &str) -> Option<RuleId> {
        let index = *self.by_name.get(name)?;
        Some(self.id_at(index))
    }

    fn id_at(&'static self, index: usize) -> RuleId {
        RuleId {
            // from_sources keeps the count below u16::MAX.
            index: u16::try_from(index).unwrap_or(u16::MAX),
            name: &self.entries[index].id,
        }
    }

    /// Every rule id, in file order.
    pub fn ids(&'static self) -> impl Iterator<Item = RuleId> + 'static {
        (0..self.entries.len()).map(|i| self.id_at(i))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// A rule in one language. Ids come only from a `Kb`, so the index is valid.
    pub fn rule(&self, id: RuleId, lang: Lang) -> Rule<'_> {
        let e = &self.entries[id.index()];
        Rule {
            id,
            verdict: e.verdict,
            topic: e.topic,
            lang,
            text: &e.text[lang_index(lang)],
        }
    }

    pub fn verdict(&self, id: RuleId) -> Verdict {
        self.rule(id, Lang::Id).verdict
    }

    /// The rules of one topic, in file order.
    pub fn rules_of(&'static self, topic: Topic) -> impl Iterator<Item = RuleId> + 'static {
        self.ids()
            .filter(move |id| self.entries[id.index()].topic == topic)
    }

    /// Topics in display order with their label in `lang`.
    pub fn topics(&self, lang: Lang) -> impl Iterator<Item = (Topic, &str)> + '_ {
        Topic::ALL
            .into_iter()
            .map(move |t| (t, self.topic_labels[lang_index(lang)][t.index()].as_str()))
    }

    /// Questions the bot must decline, in both languages (the matcher's competing class).
    pub fn out_of_scope(&self) -> impl Iterator<Item = &str> + '_ {
        self.out_of_scope.iter().flatten().map(String::as_str)
    }

    /// Example questions of a rule in both languages, for the matcher.
    pub(crate) fn training_text(&self, id: RuleId) -> impl Iterator<Item = TrainingText<'_>> + '_ {
        let e = &self.entries[id.index()];
        e.text.iter().flat_map(|t| {
            t.examples
                .iter()
                .map(|s| TrainingText::Example(s.as_str()))
                .chain(t.keywords.iter().map(|s| TrainingText::Keyword(s.as_str())))
                .chain(std::iter::once(TrainingText::Title(t.title.as_str())))
        })
    }
}

/// Where a piece of matcher training text comes from: examples are whole questions, keywords and
/// titles only describe the rule.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TrainingText<'a> {
    Example(&'a str),
    Keyword(&'a str),
    Title(&'a str),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> &'static Kb {
        static KB: OnceLock<Kb> = OnceLock::new();
        KB.get_or_init(|| {
            Kb::from_sources(
                include_str!("testdata/id.toml"),
                include_str!("testdata/en.toml"),
            )
        })
    }

    #[test]
    fn rules_are_found_by_id_in_both_languages() {
        let kb = fixture();
        let id = kb.rule_id("vote_at_tps").unwrap();
        assert_eq!(id.as_str(), "vote_at_tps");
        assert_eq!(kb.rule(id, Lang::Id).verdict, Verdict::Allowed);
        assert_eq!(
            kb.rule(id, Lang::En).text.title,
            "Voting at the polling station"
        );
        assert!(kb.rule(id, Lang::Id).text.sanction.is_none());
        assert!(kb.rule_id("no_such_rule").is_none());
    }

    #[test]
    fn topics_come_in_display_order_with_their_rules() {
        let kb = fixture();
        let topics: Vec<_> = kb.topics(Lang::En).map(|(t, _)| t).collect();
        assert_eq!(topics, Topic::ALL);
        let voting: Vec<_> = kb.rules_of(Topic::Voting).map(RuleId::as_str).collect();
        assert_eq!(voting, ["vote_at_tps", "election_date"]);
    }

    #[test]
    fn a_broken_file_gives_an_empty_knowledge_base_not_a_panic() {
        let kb = Kb::from_sources("this is [not toml", "");
        assert!(kb.is_empty());
    }

    #[test]
    fn the_embedded_knowledge_base_has_rules() {
        assert!(kb().len() >= 3);
        assert!(RuleId::parse("election_date").is_ok());
        assert!("nope".parse::<RuleId>().is_err());
    }
}
