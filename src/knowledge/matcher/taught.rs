//! Examples taught in the deployment: a question an admin assigned to a rule (or to off-topic)
//! wins for itself and its close paraphrases.

use std::collections::HashMap;
use std::sync::Arc;

use super::super::normalize::Analysis;
use super::{Matcher, TAUGHT_MATCH, Taught, TaughtExample};

impl Matcher {
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
    pub(super) fn taught_terms(&self, a: &Analysis) -> Vec<(String, f32)> {
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
    pub(super) fn taught_match(&self, a: &Analysis) -> Option<(Option<usize>, f32)> {
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
}

/// Dot product of two vectors sorted by term.
pub(super) fn sorted_dot(a: &[(String, f32)], b: &[(String, f32)]) -> f32 {
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
