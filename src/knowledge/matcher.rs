//! Question → rule. Both languages of the knowledge base are pooled, so a code-mixed question
//! meets the examples of either language. A question becomes a tf·idf vector of stems, stem pairs
//! and (weakly) character 4-grams; its score for a rule blends a softmax classifier trained on the
//! examples at start-up with cosine similarity to the nearest example and to the rule's profile
//! (examples, keywords and title together). The out-of-scope examples compete as a class of their
//! own. The result is a decision (answer, unsure, off-topic) with the three closest rules, and
//! examples taught in the deployment take precedence for the questions they match.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use crate::i18n::Lang;

use super::check;
use super::fuzzy::TypoIndex;
use super::kb::{Kb, RuleId, TrainingText, Verdict, kb};
use super::lexicon;
use super::linear::{Linear, Sample};
use super::normalize::{Analysis, Normalizer};

/// Below this score the bot declines rather than guess. A score blends the classifier's
/// probability with cosine similarities (nearest example, rule profile), all in [0, 1]. On the
/// development questions and our own harder sets, correct answers score from ~0.3 up; declining is
/// mostly done by the out-of-scope class winning, and this catches questions with too little in
/// them to match anything ("boleh gak ya pak?").
const THRESHOLD: f32 = 0.22;
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

    /// Class-level idf: a feature found in the examples of few rules tells rules apart; one found
    /// in every rule tells nothing.
    fn set_idf(&mut self, docs: &[(Class, TrainingKind, HashMap<u32, f32>)]) {
        let classes = self.ids.len() + 1;
        let mut seen_in: HashMap<u32, Vec<bool>> = HashMap::new();
        for (class, _, counts) in docs {
            let ci = self.class_index(*class);
            for f in counts.keys() {
                seen_in.entry(*f).or_insert_with(|| vec![false; classes])[ci] = true;
            }
        }
        self.idf = vec![0.0; self.names.len()];
        for (f, seen) in &seen_in {
            let df = seen.iter().filter(|&&s| s).count().max(1) as f32;
            self.idf[*f as usize] = (1.0 + classes as f32 / df).ln();
        }
        self.max_idf = (1.0 + classes as f32).ln();
    }

    /// Inverted indices of the examples and of the rule profiles, and the trained classifier.
    fn index_and_train(&mut self, docs: &[(Class, TrainingKind, HashMap<u32, f32>)]) {
        let mut profiles: Vec<HashMap<u32, f32>> = vec![HashMap::new(); self.ids.len()];
        let mut samples: Vec<(usize, f32, Vector)> = Vec::new();
        for (class, kind, counts) in docs {
            let v = self.weigh(counts);
            if v.is_empty() {
                continue;
            }
            let weight = match kind {
                TrainingKind::Example => 1.0,
                TrainingKind::Phrase => KEYWORD_WEIGHT,
            };
            if let Class::Rule(i) = class {
                for &(f, w) in &v {
                    *profiles[*i].entry(f).or_default() += w * weight;
                }
            }
            match kind {
                TrainingKind::Example => {
                    samples.push((self.class_index(*class), weight, self.model_input(&v)));
                    let e = u32::try_from(self.example_class.len()).unwrap_or(u32::MAX);
                    self.example_class.push(*class);
                    for (f, w) in v {
                        self.example_postings[f as usize].push((e, w));
                    }
                }
                // Keywords and titles are not questions: whether they hold an election word says
                // nothing about questions, so they go to the classifier without that input.
                TrainingKind::Phrase => samples.push((self.class_index(*class), weight, v)),
            }
        }
        for (i, p) in profiles.into_iter().enumerate() {
            let rule = u32::try_from(i).unwrap_or(u32::MAX);
            for (f, w) in normalise(p.into_iter().collect()) {
                self.profile_postings[f as usize].push((rule, w));
            }
        }
        let samples: Vec<Sample<'_>> = samples
            .iter()
            .map(|(class, weight, x)| Sample {
                x,
                class: *class,
                weight: *weight,
            })
            .collect();
        // One more input than there are features: "no election word".
        self.model = Linear::train(&samples, self.names.len() + 1, self.ids.len() + 1);
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
            Some(&(Some(i), s)) if s >= THRESHOLD || ranking.taught => Some((i, s)),
            // Taught as off-topic: nothing overrides the admin.
            _ if ranking.taught => None,
            // A request to rate candidates is answered (the bot explains it does not rate), never
            // declined as off-topic, even when it is worded like small talk.
            _ => best_rule.filter(|&(i, s)| {
                Some(i) == self.never_declined && ranking.election_word && s >= NEVER_DECLINED_FLOOR
            }),
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

    /// Replaces the examples taught in this deployment; the next [`Matcher::classify`] uses them.
    /// The same question, or a close paraphrase of it, then gets the taught rule (or the
    /// off-topic decline).
    pub fn set_taught(&self, taught: Vec<Taught>) {
        let examples: Vec<TaughtExample> = taught
            .iter()
            .filter_map(|t| {
                let class = match t.target {
                    Some(id) => Some(self.ids.iter().position(|&r| r == id)?),
                    None => None,
                };
                let terms = self.taught_terms(&self.analyse_query(&t.text));
                (!terms.is_empty()).then_some(TaughtExample { terms, class })
            })
            .collect();
        let mut slot = self.taught.write().unwrap_or_else(|e| e.into_inner());
        *slot = Arc::new(examples);
    }

    /// The stems of a question with idf weights, L2-normalised and sorted. Words the knowledge base
    /// never uses count at the highest idf: in a taught question they are what makes it that
    /// question.
    fn taught_terms(&self, a: &Analysis) -> Vec<(String, f32)> {
        let known = |w: &str| self.word_feature.contains_key(w);
        let mut terms: HashMap<String, f32> = HashMap::new();
        for w in a.sentences.iter().flat_map(|s| &s.words) {
            let (key, idf) = match self.feature_of(w) {
                Some(f) => (
                    self.names[f as usize].clone(),
                    self.idf.get(f as usize).copied().unwrap_or(0.0),
                ),
                None => (self.normalizer.stem(w, &known), self.max_idf),
            };
            if idf > 0.0 {
                terms.insert(key, idf);
            }
        }
        let mut v: Vec<(String, f32)> = terms.into_iter().collect();
        let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        for (_, w) in &mut v {
            *w /= norm;
        }
        v.sort_by(|x, y| x.0.cmp(&y.0));
        v
    }

    /// The taught class most similar to the question, if it reaches [`TAUGHT_MATCH`].
    fn taught_match(&self, a: &Analysis) -> Option<(Option<usize>, f32)> {
        let taught = Arc::clone(&self.taught.read().unwrap_or_else(|e| e.into_inner()));
        if taught.is_empty() {
            return None;
        }
        let q = self.taught_terms(a);
        taught
            .iter()
            .map(|t| (t.class, sorted_dot(&q, &t.terms)))
            .filter(|&(_, s)| s >= TAUGHT_MATCH)
            .max_by(|x, y| x.1.total_cmp(&y.1))
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

    /// Every class with its score, best first; `None` stands for out of scope.
    fn rank(&self, text: &str) -> Ranking {
        let analysis = self.analyse_query(text);
        let lang = analysis.lang;
        let weights = sentence_weights(&analysis);
        let (counts, unknown) = self.counts(&analysis, &|i| weights[i]);
        let mut q = self.weigh_raw(&counts);
        let election_word = self.has_election_word(&q);
        let words = analysis.sentences.iter().map(|s| s.words.len()).sum();
        let taught = self.taught_match(&analysis);
        if q.is_empty() && taught.is_none() {
            // Nothing to go on: every class at zero, rules in knowledge-base order, so that the
            // candidates are still there.
            let mut scores: Vec<(Option<usize>, f32)> =
                (0..self.ids.len()).map(|i| (Some(i), 0.0)).collect();
            scores.push((None, 0.0));
            return Ranking {
                scores,
                lang,
                election_word,
                words,
                taught: false,
            };
        }
        // Unknown words enlarge the norm (so lower every cosine) without matching anything.
        let known_norm2: f32 = q.iter().map(|(_, w)| w * w).sum();
        let unknown_w = unknown * UNKNOWN_WEIGHT * self.max_idf;
        let norm = (known_norm2 + unknown_w * unknown_w)
            .sqrt()
            .max(f32::MIN_POSITIVE);
        for (_, w) in &mut q {
            *w /= norm;
        }

        let mut example_sim = vec![0f32; self.example_class.len()];
        let mut profile_sim = vec![0f32; self.ids.len()];
        for &(f, w) in &q {
            for &(e, ew) in &self.example_postings[f as usize] {
                example_sim[e as usize] += w * ew;
            }
            for &(r, rw) in &self.profile_postings[f as usize] {
                profile_sim[r as usize] += w * rw;
            }
        }
        let mut nearest = vec![0f32; self.ids.len()];
        let mut out_of_scope = 0f32;
        for (e, &s) in example_sim.iter().enumerate() {
            match self.example_class[e] {
                Class::Rule(i) => nearest[i] = nearest[i].max(s),
                Class::OutOfScope => out_of_scope = out_of_scope.max(s),
            }
        }
        let p = self.model.probabilities(&self.model_input(&q));
        let mut ranking: Vec<(Option<usize>, f32)> = (0..self.ids.len())
            .map(|i| {
                let s = NEAREST_WEIGHT * nearest[i] + (1.0 - NEAREST_WEIGHT) * profile_sim[i];
                (Some(i), MODEL_WEIGHT * p[i] + (1.0 - MODEL_WEIGHT) * s)
            })
            .collect();
        // Out-of-scope questions share no common profile, so that class is scored on its
        // nearest example alone.
        let oos = MODEL_WEIGHT * p[self.ids.len()] + (1.0 - MODEL_WEIGHT) * out_of_scope;
        ranking.push((None, oos));
        if let Some((class, sim)) = taught {
            // A taught question outranks what the knowledge base alone would say.
            let top = ranking.iter().map(|r| r.1).fold(0.0, f32::max);
            if let Some(r) = ranking.iter_mut().find(|r| r.0 == class) {
                r.1 = r.1.max(top + 0.01).max(sim).min(1.0);
            }
        }
        ranking.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        Ranking {
            scores: ranking,
            lang,
            election_word,
            words,
            taught: taught.is_some(),
        }
    }

    fn has_election_word(&self, v: &[(u32, f32)]) -> bool {
        v.iter().any(|(f, _)| self.election_terms.contains(f))
    }

    /// Feature counts of an analysed text (stems and neighbouring stem pairs), each occurrence
    /// weighted by its sentence, plus the weight of words that matched no feature.
    fn counts(
        &self,
        a: &Analysis,
        sentence_weight: &dyn Fn(usize) -> f32,
    ) -> (HashMap<u32, f32>, f32) {
        let mut counts: HashMap<u32, f32> = HashMap::new();
        let mut unknown = 0f32;
        for (si, s) in a.sentences.iter().enumerate() {
            let sw = sentence_weight(si);
            let mut prev: Option<u32> = None;
            for (wi, w) in s.words.iter().enumerate() {
                for g in char_ngrams(w) {
                    if let Some(&gf) = self.grams.get(&g) {
                        *counts.entry(gf).or_default() += sw * NGRAM_WEIGHT;
                    }
                }
                let Some(f) = self.feature_of(w) else {
                    unknown += sw;
                    prev = None;
                    continue;
                };
                let focus = if s.focus == Some(wi) {
                    FOCUS_WEIGHT
                } else {
                    1.0
                };
                *counts.entry(f).or_default() += sw * focus;
                if let Some(&pf) = prev.and_then(|p| self.pairs.get(&(p, f))) {
                    *counts.entry(pf).or_default() += sw * BIGRAM_WEIGHT;
                }
                prev = Some(f);
            }
        }
        (counts, unknown)
    }

    fn analyse_query(&self, text: &str) -> Analysis {
        self.normalizer
            .analyse_with(text, &|w| self.typo_fix(w).map(str::to_owned))
    }

    /// The word a misspelt word was meant to be, if it is not a word we know and is close to
    /// one of the knowledge base's or the lexicon's words.
    fn typo_fix(&self, word: &str) -> Option<&str> {
        if self.word_feature.contains_key(word) || self.normalizer.is_indonesian(word) {
            return None;
        }
        let known = |w: &str| self.word_feature.contains_key(w);
        if self.stems.contains_key(&self.normalizer.stem(word, &known)) {
            return None;
        }
        self.typos.correct(word)
    }

    /// The feature of a normalised word: from the cache or by stemming. `None` when the
    /// knowledge base does not know the word.
    fn feature_of(&self, word: &str) -> Option<u32> {
        if let Some(&f) = self.word_feature.get(word) {
            return Some(f);
        }
        let known = |w: &str| self.word_feature.contains_key(w);
        self.stems.get(&self.normalizer.stem(word, &known)).copied()
    }

    /// The classifier's input: the question's vector plus the "no election word" signal, which
    /// has the index just past the last feature.
    fn model_input(&self, v: &[(u32, f32)]) -> Vector {
        let mut x = v.to_vec();
        if !self.has_election_word(v) {
            let extra = u32::try_from(self.idf.len()).unwrap_or(u32::MAX);
            x.push((extra, NO_ELECTION_TERM));
        }
        x
    }

    /// tf·idf with a damped term frequency.
    fn weigh_raw(&self, counts: &HashMap<u32, f32>) -> Vector {
        let mut v: Vector = counts
            .iter()
            .map(|(&f, &c)| {
                let idf = self.idf.get(f as usize).copied().unwrap_or(0.0);
                (f, (1.0 + c).ln() * idf)
            })
            .filter(|&(_, w)| w > 0.0)
            .collect();
        v.sort_by_key(|&(f, _)| f);
        v
    }

    /// tf·idf, L2-normalised.
    fn weigh(&self, counts: &HashMap<u32, f32>) -> Vector {
        normalise(self.weigh_raw(counts))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TrainingKind {
    Example,
    Phrase,
}

type TrainingDoc = (Class, TrainingKind, Analysis);

/// Every piece of knowledge base text the matcher learns from, analysed.
fn training_texts(kb: &Kb, ids: &[RuleId], normalizer: &Normalizer) -> Vec<TrainingDoc> {
    let mut training = Vec::new();
    for (i, &id) in ids.iter().enumerate() {
        for t in kb.training_text(id) {
            let (kind, text) = match t {
                TrainingText::Example(s) => (TrainingKind::Example, s),
                TrainingText::Keyword(s) | TrainingText::Title(s) => (TrainingKind::Phrase, s),
            };
            training.push((Class::Rule(i), kind, normalizer.analyse(text)));
        }
    }
    for s in kb.out_of_scope() {
        training.push((
            Class::OutOfScope,
            TrainingKind::Example,
            normalizer.analyse(s),
        ));
    }
    training
}

/// The features: the stems of the knowledge base's words, then pairs of neighbouring stems.
struct Vocabulary {
    word_count: HashMap<String, u32>,
    grams: HashMap<String, u32>,
    word_feature: HashMap<String, u32>,
    stems: HashMap<String, u32>,
    pairs: HashMap<(u32, u32), u32>,
    names: Vec<String>,
}

impl Vocabulary {
    fn new(normalizer: &Normalizer, training: &[TrainingDoc]) -> Vocabulary {
        let mut word_count: HashMap<String, u32> = HashMap::new();
        for (_, _, a) in training {
            for w in a.sentences.iter().flat_map(|s| &s.words) {
                *word_count.entry(w.clone()).or_default() += 1;
            }
        }
        let known = |w: &str| word_count.contains_key(w);
        let mut stems: HashMap<String, u32> = HashMap::new();
        let mut word_feature = HashMap::new();
        let mut words: Vec<&String> = word_count.keys().collect();
        // Sorted so that feature numbers, and with them tie-breaks, are the same on every run.
        words.sort();
        let mut names = Vec::new();
        for w in words {
            let stem = normalizer.stem(w, &known);
            let f = match stems.get(&stem) {
                Some(&f) => f,
                None => {
                    let f = u32::try_from(names.len()).unwrap_or(u32::MAX);
                    names.push(stem.clone());
                    stems.insert(stem, f);
                    f
                }
            };
            word_feature.insert(w.clone(), f);
        }
        let mut pairs: HashMap<(u32, u32), u32> = HashMap::new();
        for (_, _, a) in training {
            for s in &a.sentences {
                for pair in s.words.windows(2) {
                    let (Some(&x), Some(&y)) =
                        (word_feature.get(&pair[0]), word_feature.get(&pair[1]))
                    else {
                        continue;
                    };
                    if x != y && !pairs.contains_key(&(x, y)) {
                        pairs.insert((x, y), u32::try_from(names.len()).unwrap_or(u32::MAX));
                        names.push(format!("{}+{}", names[x as usize], names[y as usize]));
                    }
                }
            }
        }
        let mut grams: HashMap<String, u32> = HashMap::new();
        let mut all: Vec<&String> = word_count.keys().collect();
        all.sort();
        for w in all {
            for g in char_ngrams(w) {
                if !grams.contains_key(&g) {
                    grams.insert(g.clone(), u32::try_from(names.len()).unwrap_or(u32::MAX));
                    names.push(format!("#{g}"));
                }
            }
        }
        Vocabulary {
            word_count,
            grams,
            word_feature,
            stems,
            pairs,
            names,
        }
    }
}

/// The character n-grams of a word with its edges marked ("^cob", "cobl", …, "los$"); none for
/// words shorter than an n-gram, which are acronyms and function words.
fn char_ngrams(word: &str) -> Vec<String> {
    let chars: Vec<char> = std::iter::once('^')
        .chain(word.chars())
        .chain(std::iter::once('$'))
        .collect();
    if chars.len() < NGRAM + 2 {
        return Vec::new();
    }
    chars.windows(NGRAM).map(|w| w.iter().collect()).collect()
}

/// Dot product of two vectors sorted by term.
fn sorted_dot(a: &[(String, f32)], b: &[(String, f32)]) -> f32 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    dot
}

fn normalise(mut v: Vector) -> Vector {
    let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, w) in &mut v {
            *w /= norm;
        }
    }
    v.sort_by_key(|&(f, _)| f);
    v
}

/// In a message of several sentences the last question decides; the story before it is context
/// that still counts about half ("Ayah saya maju pilkada. Bolehkah saya ikut kampanye?" needs
/// the father), more the closer it is to the question.
fn sentence_weights(a: &Analysis) -> Vec<f32> {
    let n = a.sentences.len();
    let last_question = a
        .sentences
        .iter()
        .rposition(|s| s.is_question)
        .unwrap_or(n.saturating_sub(1));
    (0..n)
        .map(|i| {
            if i == last_question {
                1.0
            } else {
                // Later sentences are closer to the question.
                let position = if n > 1 {
                    i as f32 / (n - 1) as f32
                } else {
                    1.0
                };
                let question = if a.sentences[i].is_question {
                    0.15
                } else {
                    0.0
                };
                0.45 + 0.2 * position + question
            }
        })
        .collect()
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
        let target = RuleId::parse("party_event_speaker").unwrap();
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
