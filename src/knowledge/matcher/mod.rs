//! Question → rule. Both languages of the knowledge base are pooled, so a code-mixed question
//! meets the examples of either language. A question becomes a tf·idf vector of stems, stem pairs
//! and (weakly) character 4-grams; its score for a rule blends a softmax classifier trained on the
//! examples at start-up with cosine similarity to the nearest example and to the rule's profile
//! (examples, keywords and title together). The out-of-scope examples compete as a class of their
//! own. The result is a decision (answer, unsure, off-topic) with the three closest rules, and
//! examples taught in the deployment take precedence for the questions they match.

mod score;
mod taught;
mod train;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use crate::i18n::Lang;

use super::check;
use super::fuzzy::TypoIndex;
use super::kb::{Kb, RuleId, Verdict, kb};
use super::lexicon;
use super::linear::Linear;
use super::normalize::Normalizer;
use score::sentence_weights;
use train::{TrainingKind, Vocabulary, training_texts};

/// Below this score the bot declines rather than guess. A score blends the classifier's
/// probability with cosine similarities (nearest example, rule profile), all in [0, 1]. On the
/// development questions and our own harder sets, correct answers score from ~0.3 up; declining is
/// mostly done by the out-of-scope class winning, and this catches questions with too little in
/// them to match anything ("boleh gak ya pak?").
const THRESHOLD: f32 = 0.18;
/// From this score the best rule is answered whatever the runner-up scores; between
/// [`THRESHOLD`] and here, only when it scores [`NEAR_THRESHOLD_LEAD`] times the runner-up.
const CLEAR_SCORE: f32 = 0.22;
const NEAR_THRESHOLD_LEAD: f32 = 1.6;
/// A single word ("pemilu?") names a topic, not a question: the bot offers the candidates.
const MIN_ANSWER_WORDS: usize = 2;
/// The least score the never-declined rule (`candidate_recommendation`) needs when the question
/// would otherwise be declined.
const NEVER_DECLINED_FLOOR: f32 = 0.1;
/// The nearest example is the sharper signal; the profile smooths over wording no example has.
const NEAREST_WEIGHT: f32 = 0.6;
/// Share of the trained classifier's probability in the final score; the rest is similarity.
/// Accuracy hardly moves between 0.5 and 0.8; higher values separate right answers from
/// out-of-scope questions more cleanly.
const MODEL_WEIGHT: f32 = 0.7;
/// Value of the classifier's extra input "no election word in the question" (see
/// `lexicon::ELECTION_TERMS`), on the scale of one word of a normalised vector.
const NO_ELECTION_TERM: f32 = 1.0;
/// Extra weight of the action a question asks about ("bolehkah saya [melaporkan] camat yang
/// mengarahkan warga ..."): the action decides the rule, not the story around it.
const FOCUS_WEIGHT: f32 = 1.5;
/// Word pairs ("tim sukses", "like post") are evidence on top of their words, but weaker alone.
const BIGRAM_WEIGHT: f32 = 0.6;
/// Character 4-grams of a word (with its edges) are weak evidence of their own: they meet a form no
/// example spells ("mamiliah", "nyoblosnya", "ngelike") through the pieces it shares with one.
const NGRAM_WEIGHT: f32 = 0.25;
const NGRAM: usize = 4;
/// Keywords and titles are phrases, not questions: they shape the profile without dominating it.
const KEYWORD_WEIGHT: f32 = 0.5;
/// A content word the knowledge base has never seen: the question is partly about something
/// else, which lowers every similarity (its share of the idf scale).
const UNKNOWN_WEIGHT: f32 = 0.5;

/// When the out-of-scope class wins a question that names the election, the best rule is still
/// answered from this score if it leads the second rule by [`LEAD_RATIO`].
const LEAD_FLOOR: f32 = 0.2;
const LEAD_RATIO: f32 = 2.0;
/// A question of a word or two ("pemilu?") says too little to be answered against the
/// out-of-scope class.
const LEAD_MIN_WORDS: usize = 3;

/// Rules about the rules in general (what the sanctions are, which law, when the rules apply).
/// A question that also names an act belongs to the act's rule, whose answer gives that act's
/// sanction and basis ("Apa hukumannya kalau ASN ikut kampanye?" is about attending campaigns).
const GENERAL_RULES: &[&str] = &["sanctions", "legal_basis", "applies_when"];
/// How close an act's rule must come to a general rule on top for the act to take its place.
const ACT_OVER_GENERAL: f32 = 0.4;
/// The score from which the act a question names, once the words that speak for the general
/// rule are set aside, takes the general rule's place.
const ACT_ALONE: f32 = 0.5;

/// How many rules a match offers as candidates when the bot is unsure ("Maksud Anda salah satu
/// ini?" shows two or three of them).
pub const CANDIDATES: usize = 3;
/// Without an election word, a question whose best rule scores below this is about something else.
/// An election word alone keeps a question in scope: declining a neutrality question as off-topic
/// is the worse mistake, since the unsure path still lets the user pick the rule.
const OFF_TOPIC_CEILING: f32 = 0.3;
/// Cosine similarity (over stems, unknown words included) from which a question counts as the same
/// as, or a close paraphrase of, an example an admin taught: below it the taught example is only
/// one more hint.
const TAUGHT_MATCH: f32 = 0.6;

/// Every class with its score, best first (`None` = out of scope), and what else `classify` needs.
struct Ranking {
    scores: Vec<(Option<usize>, f32)>,
    lang: Lang,
    election_word: bool,
    /// Words left after normalisation.
    words: usize,
    /// The question matched an example taught in this deployment, whose class is on top.
    taught: bool,
}

/// What the bot should do with a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Sure enough to answer with this rule outright.
    Answer(RuleId),
    /// About elections or neutrality, but no rule is clear enough: offer the candidates.
    Unsure,
    /// Clearly about something else (salary, leave, transfers, recipes): the off-topic decline.
    OffTopic,
}

impl Decision {
    /// The name used in `ask --json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Answer(_) => "answer",
            Decision::Unsure => "unsure",
            Decision::OffTopic => "off_topic",
        }
    }
}

/// A rule the question may be about, with its score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub rule: RuleId,
    pub score: f32,
}

/// A question an admin assigned in this deployment: to a rule, or (`target: None`) to off-topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taught {
    pub text: String,
    pub target: Option<RuleId>,
}

/// A taught question as the matcher compares it: stems (known or not) with idf weights.
struct TaughtExample {
    terms: Vec<(String, f32)>,
    class: Option<usize>,
}

/// The outcome of classifying one question.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// `Some` only when the bot answers outright (`decision` is `Decision::Answer`).
    pub rule: Option<RuleId>,
    pub verdict: Option<Verdict>,
    /// Confidence in [0, 1] that the question is about `rule`; when declined, the score of the
    /// closest rule (low, or beaten by the out-of-scope class).
    pub score: f32,
    /// The language the question was written in.
    pub lang: Lang,
    /// Answer, unsure (offer `candidates`) or off-topic.
    pub decision: Decision,
    /// The best [`CANDIDATES`] rules with their scores, best first (fewer only when the knowledge
    /// base has fewer rules).
    pub candidates: Vec<Candidate>,
}

/// Which class a training document belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Rule(usize),
    OutOfScope,
}

type Vector = Vec<(u32, f32)>;

pub struct Matcher {
    kb: &'static Kb,
    ids: Vec<RuleId>,
    normalizer: Normalizer,
    /// Normalised word → its stem's feature, for every word of the knowledge base. Doubles as the
    /// stemming cache: the words of most questions are all here.
    word_feature: HashMap<String, u32>,
    /// Stem → feature.
    stems: HashMap<String, u32>,
    /// Feature → readable name, for [`Matcher::explain`].
    names: Vec<String>,
    /// Neighbouring stems → feature.
    pairs: HashMap<(u32, u32), u32>,
    /// Character n-grams of the knowledge base's words → feature.
    grams: HashMap<String, u32>,
    idf: Vec<f32>,
    typos: TypoIndex,
    /// feature → (example, weight), examples L2-normalised.
    example_postings: Vec<Vec<(u32, f32)>>,
    example_class: Vec<Class>,
    /// feature → (rule, weight), rule profiles L2-normalised.
    profile_postings: Vec<Vec<(u32, f32)>>,
    max_idf: f32,
    /// Index of `candidate_recommendation` among `ids`.
    never_declined: Option<usize>,
    /// Indices of [`GENERAL_RULES`] among `ids`.
    general: Vec<usize>,
    /// Index of `sanctions` among `ids`: the general rule a named act takes over alone.
    sanctions: Option<usize>,
    /// Features of the words in `lexicon::ELECTION_TERMS`.
    election_terms: HashSet<u32>,
    model: Linear,
    /// The examples taught in this deployment, replaced as a whole by [`Matcher::set_taught`].
    taught: RwLock<Arc<Vec<TaughtExample>>>,
}

impl Default for Matcher {
    fn default() -> Self {
        Matcher::new()
    }
}

impl Matcher {
    /// Builds the matcher over the embedded knowledge base. Does all the work up front (tens of
    /// milliseconds) so that classifying stays well under a millisecond.
    pub fn new() -> Matcher {
        Matcher::with_kb(kb())
    }

    pub fn with_kb(kb: &'static Kb) -> Matcher {
        let normalizer = Normalizer::new();
        let ids: Vec<RuleId> = kb.ids().collect();
        let training = training_texts(kb, &ids, &normalizer);
        let vocabulary = Vocabulary::new(&normalizer, &training);
        let never_declined = ids
            .iter()
            .position(|id| id.as_str() == check::CANDIDATE_RECOMMENDATION);
        let general = GENERAL_RULES
            .iter()
            .filter_map(|g| ids.iter().position(|id| id.as_str() == *g))
            .collect();
        let sanctions = ids.iter().position(|id| id.as_str() == "sanctions");
        let n_features = vocabulary.names.len();
        let typos = TypoIndex::new(&vocabulary.word_count, normalizer.lexicon_words());
        let mut matcher = Matcher {
            kb,
            ids,
            normalizer,
            typos,
            word_feature: vocabulary.word_feature,
            stems: vocabulary.stems,
            names: vocabulary.names,
            pairs: vocabulary.pairs,
            grams: vocabulary.grams,
            idf: Vec::new(),
            example_postings: vec![Vec::new(); n_features],
            example_class: Vec::new(),
            profile_postings: vec![Vec::new(); n_features],
            max_idf: 1.0,
            never_declined,
            general,
            sanctions,
            election_terms: HashSet::new(),
            model: Linear::train(&[], 0, 0),
            taught: RwLock::new(Arc::new(Vec::new())),
        };
        matcher.election_terms = lexicon::ELECTION_TERMS
            .iter()
            .flat_map(|t| matcher.normalizer.analyse(t).sentences)
            .flat_map(|s| s.words)
            .filter_map(|w| matcher.feature_of(&w))
            .collect();
        let docs: Vec<(Class, TrainingKind, HashMap<u32, f32>)> = training
            .iter()
            .map(|(c, k, a)| (*c, *k, matcher.counts(a, &|_| 1.0).0))
            .collect();
        matcher.set_idf(&docs);
        matcher.index_and_train(&docs);
        matcher
    }

    /// Rules are classes 0..n; out of scope is class n.
    fn class_index(&self, class: Class) -> usize {
        match class {
            Class::Rule(i) => i,
            Class::OutOfScope => self.ids.len(),
        }
    }

    /// Classifies one question. Never panics; empty or meaningless input gives `rule: None`.
    pub fn classify(&self, text: &str) -> Match {
        let ranking = self.rank(text);
        let best_rule = ranking.scores.iter().find_map(|&(i, s)| i.map(|i| (i, s)));
        let pick = match ranking.scores.first() {
            Some(&(Some(i), s))
                if (s >= THRESHOLD
                    && ranking.words >= MIN_ANSWER_WORDS
                    && self.leads(&ranking, s))
                    || ranking.taught =>
            {
                Some((i, s))
            }
            // Taught as off-topic: nothing overrides the admin.
            _ if ranking.taught => None,
            // A request to rate candidates is answered (the bot explains it does not rate), never
            // declined as off-topic, even when it is worded like small talk.
            _ => best_rule
                .filter(|&(i, s)| {
                    Some(i) == self.never_declined
                        && ranking.election_word
                        && s >= NEVER_DECLINED_FLOOR
                })
                .or_else(|| self.clear_lead(&ranking)),
        };
        let candidates: Vec<Candidate> = ranking
            .scores
            .iter()
            .filter_map(|&(i, s)| {
                i.map(|i| Candidate {
                    rule: self.ids[i],
                    score: s.clamp(0.0, 1.0),
                })
            })
            .take(CANDIDATES)
            .collect();
        match pick {
            Some((i, s)) => {
                let id = self.ids[i];
                Match {
                    rule: Some(id),
                    verdict: Some(self.kb.verdict(id)),
                    score: s.clamp(0.0, 1.0),
                    lang: ranking.lang,
                    decision: Decision::Answer(id),
                    candidates,
                }
            }
            None => {
                let best = best_rule.map_or(0.0, |(_, s)| s.clamp(0.0, 1.0));
                let off_topic = if ranking.taught {
                    // An admin said so for this very question.
                    true
                } else {
                    !ranking.election_word && (best < OFF_TOPIC_CEILING || ranking.words == 0)
                };
                Match {
                    rule: None,
                    verdict: None,
                    score: best,
                    lang: ranking.lang,
                    decision: if off_topic {
                        Decision::OffTopic
                    } else {
                        Decision::Unsure
                    },
                    candidates,
                }
            }
        }
    }

    /// Just above the threshold a rule is answered only with a clear lead over the runner-up:
    /// between two rules that both half fit, the user picks.
    fn leads(&self, ranking: &Ranking, s1: f32) -> bool {
        let s2 = ranking
            .scores
            .iter()
            .filter_map(|&(i, s)| i.map(|_| s))
            .nth(1)
            .unwrap_or(0.0);
        s1 >= CLEAR_SCORE || s1 >= NEAR_THRESHOLD_LEAD * s2
    }

    /// The out-of-scope class won, yet the question names the election and one rule stands well
    /// clear of the others: a question in scope worded unlike any example (a long story, a
    /// dialect) loses to the out-of-scope class on its unknown words, not on its meaning.
    fn clear_lead(&self, ranking: &Ranking) -> Option<(usize, f32)> {
        if !ranking.election_word || ranking.words < LEAD_MIN_WORDS {
            return None;
        }
        let mut rules = ranking
            .scores
            .iter()
            .filter_map(|&(i, s)| i.map(|i| (i, s)));
        let (best, s1) = rules.next()?;
        let s2 = rules.next().map_or(0.0, |r| r.1);
        (s1 >= LEAD_FLOOR && s1 >= LEAD_RATIO * s2).then_some((best, s1))
    }

    /// The best `n` candidates with their scores (`None` = out of scope), for evaluation output.
    pub fn top(&self, text: &str, n: usize) -> Vec<(Option<RuleId>, f32)> {
        self.rank(text)
            .scores
            .into_iter()
            .take(n)
            .map(|(i, s)| (i.map(|i| self.ids[i]), s))
            .collect()
    }

    /// The features read from a question with their weights, heaviest first, and the weight of
    /// unknown words: what to look at when a question lands on the wrong rule.
    pub fn explain(&self, text: &str) -> String {
        let analysis = self.analyse_query(text);
        let weights = sentence_weights(&analysis);
        let (counts, unknown) = self.counts(&analysis, &|i| weights[i]);
        let mut v = self.weigh_raw(&counts);
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut out: Vec<String> = v
            .iter()
            .map(|(f, w)| format!("{}={w:.2}", self.names[*f as usize]))
            .collect();
        out.push(format!("unknown={unknown:.2}"));
        if !self.has_election_word(&v) {
            out.push("no-election-word".to_owned());
        }
        out.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;
    use crate::knowledge::answer::{Answer, render_html, render_plain};

    fn matcher() -> &'static Matcher {
        static M: OnceLock<Matcher> = OnceLock::new();
        M.get_or_init(Matcher::new)
    }

    fn rule(text: &str) -> Option<&'static str> {
        matcher().classify(text).rule.map(RuleId::as_str)
    }

    #[test]
    fn slang_and_abbreviations_are_understood() {
        assert_eq!(
            rule("sy gk blh nge-like IG paslon ya?"),
            Some("socmed_like_comment_share")
        );
        assert_eq!(rule("pns blh jd timses cagub gak?"), Some("campaign_team"));
        assert_eq!(
            rule("emg asn gak blh komen di fb caleg?"),
            Some("socmed_like_comment_share")
        );
    }

    #[test]
    fn affixed_forms_meet_their_roots() {
        assert_eq!(
            rule("ASN menyukai unggahan calon bupati, boleh?"),
            Some("socmed_like_comment_share")
        );
        assert_eq!(rule("pns nyoblos di tps boleh?"), Some("vote_at_tps"));
        assert_eq!(
            rule("Bolehkah pegawai ikut mencoblos?"),
            Some("vote_at_tps")
        );
    }

    #[test]
    fn typos_are_tolerated() {
        assert_eq!(
            rule("bolehkah asn memsang spandku caleg di rumhnya?"),
            Some("install_banner")
        );
        assert_eq!(
            rule("bolehkah PNS ikut kampnye akbar paslon?"),
            Some("attend_campaign")
        );
        assert_eq!(
            rule("Can a civil servnt attnd a campain rally?"),
            Some("attend_campaign")
        );
    }

    #[test]
    fn a_negated_question_keeps_the_rule_of_its_action() {
        let m = matcher().classify("Apakah ASN dilarang ikut nyoblos di TPS?");
        assert_eq!(m.rule.map(RuleId::as_str), Some("vote_at_tps"));
        assert_eq!(m.verdict, Some(Verdict::Allowed));
        let m =
            matcher().classify("Cuma kasih jempol di postingan caleg itu bukan pelanggaran kan?");
        assert_eq!(
            m.rule.map(RuleId::as_str),
            Some("socmed_like_comment_share")
        );
        assert_eq!(m.verdict, Some(Verdict::Forbidden));
    }

    #[test]
    fn the_sanction_of_a_named_act_is_the_acts() {
        // The words of the sanctions alone would win; set aside, campaigning wins clearly.
        assert_eq!(
            rule("kalau pns kampanye hukumannya apa"),
            Some("attend_campaign")
        );
        assert_eq!(
            rule("sanksi pelanggaran netralitas apa saja?"),
            Some("sanctions")
        );
    }

    #[test]
    fn the_object_decides_for_social_media_verbs() {
        assert_eq!(
            rule("Boleh like postingan Bawaslu soal lokasi TPS?"),
            Some("share_official_info")
        );
        assert_eq!(
            rule("Boleh like postingan tim sukses cabup?"),
            Some("socmed_like_comment_share")
        );
        assert_eq!(rule("Boleh like foto liburan teman di IG?"), None);
    }

    #[test]
    fn in_a_long_story_the_question_at_the_end_decides() {
        let story = "Kemarin saya nonton debat cagub di rumah bareng keluarga. Lalu adik saya kirim \
                     potongan video debat dari akun timses ke grup keluarga. Saya teruskan video itu \
                     ke grup kantor. Yang saya teruskan itu melanggar tidak?";
        assert_eq!(rule(story), Some("socmed_like_comment_share"));
    }

    #[test]
    fn english_questions_are_answered_and_detected() {
        let m = matcher().classify("Can I wear a party t-shirt on the weekend?");
        assert_eq!(m.rule.map(RuleId::as_str), Some("campaign_attributes"));
        assert_eq!(m.lang, Lang::En);
        assert_eq!(
            matcher().classify("Bolehkah PNS pakai kaos partai?").lang,
            Lang::Id
        );
        assert_eq!(
            rule("Is it okay to accept an envelope of cash from a candidate?"),
            Some("money_politics")
        );
    }

    #[test]
    fn requests_to_rate_candidates_are_never_out_of_scope() {
        for q in [
            "Bot, menurutmu cagub mana yang paling oke?",
            "Kasih rekomendasi caleg yang bagus dong",
            "Who is the best candidate for mayor?",
        ] {
            assert_eq!(rule(q), Some("candidate_recommendation"), "{q}");
        }
    }

    #[test]
    fn out_of_scope_questions_are_declined() {
        for q in [
            "Gimana cara ngajuin cuti tahunan lewat aplikasi?",
            "Berapa besaran tukin golongan III?",
            "selamat pagi bot",
        ] {
            let m = matcher().classify(q);
            assert_eq!(m.rule, None, "{q}");
            assert_eq!(m.verdict, None);
        }
    }

    #[test]
    fn any_input_classifies_and_renders_without_panicking() {
        let facts = crate::knowledge::ElectionFacts {
            name: "<Pilkada & co>".into(),
            date: chrono::NaiveDate::from_ymd_opt(2024, 11, 27).unwrap(),
        };
        let long = "Saya mau tanya soal kampanye dan <b>spanduk</b> & baliho. ".repeat(70);
        assert!(long.len() >= 4000);
        let inputs = [
            "",
            "   ",
            "🙏🙏🙏",
            "?!?!",
            long.as_str(),
            "<script>alert('x')</script> bolehkah like postingan paslon?",
            "'; DROP TABLE pledges; -- boleh kampanye?",
            "ẞ İ ﬁ \u{0}\u{202e} 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ٣٤٥",
            &"a".repeat(5000),
            &"kampanye ".repeat(600),
        ];
        for q in inputs {
            let m = matcher().classify(q);
            assert!((0.0..=1.0).contains(&m.score), "{q}: {}", m.score);
            let answer = match m.rule {
                Some(id) => Answer::for_rule(id, m.lang, &facts, facts.date),
                None => Answer::declined(m.lang, "<helpdesk>"),
            };
            assert!(!render_plain(&answer).is_empty());
            for html in render_html(&answer) {
                assert!(!html.contains("<script"));
                assert!(!html.contains("<helpdesk>") && !html.contains("<Pilkada"));
            }
        }
        assert_eq!(matcher().classify("").rule, None);
        assert_eq!(matcher().classify("🙏🙏🙏").rule, None);
    }

    #[test]
    fn a_taught_question_and_its_paraphrase_get_the_taught_rule_at_once() {
        // Its own matcher: teaching changes what every later question gets.
        let m = Matcher::new();
        let question = "Bolehkah ASN jadi juri lomba mewarnai yang disponsori ormas sayap partai?";
        let paraphrase = "asn boleh gak jadi juri lomba mewarnai sponsor ormas sayap partai";
        // Taught to a rule the knowledge base alone would not give it.
        let target = RuleId::parse("campaign_team").unwrap();
        assert_ne!(m.classify(question).rule, Some(target));
        m.set_taught(vec![Taught {
            text: question.to_owned(),
            target: Some(target),
        }]);
        for q in [question, paraphrase] {
            let got = m.classify(q);
            assert_eq!(got.rule, Some(target), "{q}");
            assert_eq!(got.decision, Decision::Answer(target), "{q}");
            assert_eq!(got.candidates[0].rule, target, "{q}");
        }
        // Unrelated questions keep their rules.
        assert_eq!(
            m.classify("Bolehkah PNS pasang baliho caleg di rumah?")
                .rule
                .map(RuleId::as_str),
            Some("install_banner")
        );
        // Replacing the taught examples drops the old ones.
        m.set_taught(Vec::new());
        assert_ne!(m.classify(question).rule, Some(target));
    }

    #[test]
    fn a_question_taught_as_off_topic_is_declined() {
        let m = Matcher::new();
        let question = "Boleh pasang spanduk ucapan HUT dinas di pagar kantor?";
        m.set_taught(vec![Taught {
            text: question.to_owned(),
            target: None,
        }]);
        let got = m.classify(question);
        assert_eq!(got.rule, None);
        assert_eq!(got.decision, Decision::OffTopic);
        assert!(got.candidates.len() >= CANDIDATES);
    }

    #[test]
    fn unsure_election_questions_are_not_declined_as_off_topic() {
        for q in ["pemilu?", "soal pilkada gimana ya pak", "netralitas"] {
            let got = matcher().classify(q);
            assert_ne!(got.decision, Decision::OffTopic, "{q}");
            assert_eq!(got.candidates.len(), CANDIDATES, "{q}");
        }
        for q in [
            "Resep rendang yang empuk gimana?",
            "Kapan gaji ke-13 cair?",
            "",
        ] {
            let got = matcher().classify(q);
            assert_eq!(got.decision, Decision::OffTopic, "{q}");
            assert_eq!(got.rule, None, "{q}");
            assert_eq!(got.candidates.len(), CANDIDATES, "{q}");
        }
    }

    #[test]
    fn dialect_function_words_and_phrases_keep_the_rule() {
        for (q, want) in [
            ("abdi PNS, meunang teu milu nyoblos?", "vote_at_tps"),
            ("ulun ASN kawa kah ikut pemilu?", "vote_at_tps"),
            ("bukannya ASN dilarang nyoblos?", "vote_at_tps"),
            (
                "PNS ikut2an bagi2 amplop dari caleg, boleh?",
                "money_politics",
            ),
        ] {
            assert_eq!(rule(q), Some(want), "{q}");
        }
    }

    #[test]
    fn scores_are_higher_for_clear_questions() {
        let clear = matcher().classify("Bolehkah ASN menjadi anggota partai politik?");
        let vague = matcher().classify("boleh gak ya pak?");
        assert!(clear.score > 0.5, "{}", clear.score);
        assert!(vague.rule.is_none());
    }
}
