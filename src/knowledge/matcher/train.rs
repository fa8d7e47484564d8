//! Learning from the knowledge base at start-up: the features (stems, stem pairs, character
//! n-grams), their idf, the inverted indices of examples and rule profiles, and the classifier.

use std::collections::HashMap;

use super::super::kb::{Kb, RuleId, TrainingText};
use super::super::linear::{Linear, Sample};
use super::super::normalize::{Analysis, Normalizer};
use super::score::normalise;
use super::{Class, KEYWORD_WEIGHT, Matcher, NGRAM, Vector};

impl Matcher {
    /// Class-level idf: a feature found in the examples of few rules tells rules apart; one found
    /// in every rule tells nothing.
    pub(super) fn set_idf(&mut self, docs: &[(Class, TrainingKind, HashMap<u32, f32>)]) {
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
    pub(super) fn index_and_train(&mut self, docs: &[(Class, TrainingKind, HashMap<u32, f32>)]) {
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TrainingKind {
    Example,
    Phrase,
}

pub(super) type TrainingDoc = (Class, TrainingKind, Analysis);

/// Every piece of knowledge base text the matcher learns from, analysed.
pub(super) fn training_texts(kb: &Kb, ids: &[RuleId], normalizer: &Normalizer) -> Vec<TrainingDoc> {
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
pub(super) struct Vocabulary {
    pub(super) word_count: HashMap<String, u32>,
    pub(super) grams: HashMap<String, u32>,
    pub(super) word_feature: HashMap<String, u32>,
    pub(super) stems: HashMap<String, u32>,
    pub(super) pairs: HashMap<(u32, u32), u32>,
    pub(super) names: Vec<String>,
}

impl Vocabulary {
    pub(super) fn new(normalizer: &Normalizer, training: &[TrainingDoc]) -> Vocabulary {
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
pub(super) fn char_ngrams(word: &str) -> Vec<String> {
    let chars: Vec<char> = std::iter::once('^')
        .chain(word.chars())
        .chain(std::iter::once('$'))
        .collect();
    if chars.len() < NGRAM + 2 {
        return Vec::new();
    }
    chars.windows(NGRAM).map(|w| w.iter().collect()).collect()
}
