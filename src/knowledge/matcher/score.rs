//! Scoring one question against every class: its features, the similarities to examples and
//! profiles, and the classifier's probabilities blended into one ranking.

use std::collections::{BTreeMap, HashMap};

use super::super::kb::Verdict;
use super::super::normalize::Analysis;
use super::train::char_ngrams;
use super::{
    ACT_ALONE, ACT_OVER_GENERAL, BIGRAM_WEIGHT, CANDIDATES, Class, FOCUS_WEIGHT, MODEL_WEIGHT,
    Matcher, NEAREST_WEIGHT, NGRAM_WEIGHT, NO_ELECTION_TERM, Ranking, UNKNOWN_WEIGHT, Vector,
};

impl Matcher {
    /// Every class with its score, best first; `None` stands for out of scope.
    pub(super) fn rank(&self, text: &str) -> Ranking {
        let analysis = self.analyse_query(text);
        let lang = analysis.lang;
        let weights = sentence_weights(&analysis);
        let (counts, unknown) = self.counts(&analysis, &|i| weights[i]);
        let q = self.weigh_raw(&counts);
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
        let unknown_w = unknown * UNKNOWN_WEIGHT * self.max_idf;
        let mut ranking = self.score_vector(&q, unknown_w);
        if let Some((class, sim)) = taught {
            // A taught question outranks what the knowledge base alone would say.
            let top = ranking.iter().map(|r| r.1).fold(0.0, f32::max);
            if let Some(r) = ranking.iter_mut().find(|r| r.0 == class) {
                r.1 = r.1.max(top + 0.01).max(sim).min(1.0);
            }
        }
        sort(&mut ranking);
        if taught.is_none() {
            self.prefer_the_act(&mut ranking, &q, unknown_w);
        }
        Ranking {
            scores: ranking,
            lang,
            election_word,
            words,
            taught: taught.is_some(),
        }
    }

    /// Every class's score for a question's tf·idf vector (unsorted); `unknown_w` is the
    /// magnitude of its words the knowledge base does not know.
    fn score_vector(&self, raw: &[(u32, f32)], unknown_w: f32) -> Vec<(Option<usize>, f32)> {
        // Unknown words enlarge the norm (so lower every cosine) without matching anything.
        let known_norm2: f32 = raw.iter().map(|(_, w)| w * w).sum();
        let norm = (known_norm2 + unknown_w * unknown_w)
            .sqrt()
            .max(f32::MIN_POSITIVE);
        let q: Vector = raw.iter().map(|&(f, w)| (f, w / norm)).collect();
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
        ranking
    }

    /// A general rule on top yields to the act the question names (see
    /// [`super::GENERAL_RULES`]); the two swap places and scores. The act is named when its
    /// rule comes close, or, for the sanctions, when it wins clearly once the words that speak
    /// for them are set aside ("hukuman pns yg kampanye apa" is about campaigning once
    /// "hukuman" is gone). Not for the legal basis or when the rules apply: there the act is
    /// the subject ("pasal berapa yang melarang dukungan calon?", "setelah coblosan masih harus
    /// netral?"), while a sanction is always the sanction of an act.
    fn prefer_the_act(
        &self,
        ranking: &mut [(Option<usize>, f32)],
        q: &[(u32, f32)],
        unknown_w: f32,
    ) {
        let Some(&(Some(top), s_top)) = ranking.first() else {
            return;
        };
        if !self.general.contains(&top) {
            return;
        }
        let act = ranking.iter().take(CANDIDATES).position(|&(i, s)| {
            i.is_some_and(|i| {
                !self.general.contains(&i) && self.kb.verdict(self.ids[i]) != Verdict::Info
            }) && s >= ACT_OVER_GENERAL * s_top
        });
        let act = act.or_else(|| {
            if self.sanctions != Some(top) {
                return None;
            }
            let rest: Vector = q
                .iter()
                .copied()
                .filter(|&(f, _)| self.model.strongest_class(f) != Some(top))
                .collect();
            let mut without = self.score_vector(&rest, unknown_w);
            sort(&mut without);
            let (Some(i), s) = *without.first()? else {
                return None;
            };
            let is_act =
                !self.general.contains(&i) && self.kb.verdict(self.ids[i]) != Verdict::Info;
            (is_act && s >= ACT_ALONE).then(|| ranking.iter().position(|r| r.0 == Some(i)))?
        });
        if let Some(j) = act {
            let s_act = ranking[j].1;
            ranking.swap(0, j);
            ranking[0].1 = s_top;
            ranking[j].1 = s_act;
        }
    }

    pub(super) fn has_election_word(&self, v: &[(u32, f32)]) -> bool {
        v.iter().any(|(f, _)| self.election_terms.contains(f))
    }

    /// Feature counts of an analysed text (stems and neighbouring stem pairs), each occurrence
    /// weighted by its sentence, plus the magnitude of the words that matched no feature. Each
    /// unknown word is a dimension of its own, so their magnitude is the root of their squared
    /// weights: a long story with many words the knowledge base never uses is not ten times as
    /// far from every rule as a question with one such word, only about three times.
    pub(super) fn counts(
        &self,
        a: &Analysis,
        sentence_weight: &dyn Fn(usize) -> f32,
    ) -> (HashMap<u32, f32>, f32) {
        let mut counts: HashMap<u32, f32> = HashMap::new();
        // Ordered, so that the sum below is the same on every call (classifying is deterministic).
        let mut unknown: BTreeMap<&str, f32> = BTreeMap::new();
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
                    *unknown.entry(w.as_str()).or_default() += sw;
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
        let unknown = unknown.values().map(|c| c * c).sum::<f32>().sqrt();
        (counts, unknown)
    }

    pub(super) fn analyse_query(&self, text: &str) -> Analysis {
        self.normalizer
            .analyse_with(text, &|w| self.typo_fix(w).map(str::to_owned))
    }

    /// The word a misspelt word was meant to be, if it is not a word we know and is close to
    /// one of the knowledge base's or the lexicon's words.
    pub(super) fn typo_fix(&self, word: &str) -> Option<&str> {
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
    pub(super) fn feature_of(&self, word: &str) -> Option<u32> {
        if let Some(&f) = self.word_feature.get(word) {
            return Some(f);
        }
        let known = |w: &str| self.word_feature.contains_key(w);
        self.stems.get(&self.normalizer.stem(word, &known)).copied()
    }

    /// The classifier's input: the question's vector plus the "no election word" signal, which
    /// has the index just past the last feature.
    pub(super) fn model_input(&self, v: &[(u32, f32)]) -> Vector {
        let mut x = v.to_vec();
        if !self.has_election_word(v) {
            let extra = u32::try_from(self.idf.len()).unwrap_or(u32::MAX);
            x.push((extra, NO_ELECTION_TERM));
        }
        x
    }

    /// tf·idf with a damped term frequency.
    pub(super) fn weigh_raw(&self, counts: &HashMap<u32, f32>) -> Vector {
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
    pub(super) fn weigh(&self, counts: &HashMap<u32, f32>) -> Vector {
        normalise(self.weigh_raw(counts))
    }
}

/// Best first; ties in class order, so that ranking is the same on every run.
fn sort(ranking: &mut [(Option<usize>, f32)]) {
    ranking.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
}

pub(super) fn normalise(mut v: Vector) -> Vector {
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
pub(super) fn sentence_weights(a: &Analysis) -> Vec<f32> {
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
