//! Typo tolerance: a misspelt word is replaced by the closest word of the knowledge base's
//! vocabulary, found through a deletion index (the SymSpell idea) rather than by scanning.

use std::collections::HashMap;

/// Edit distance allowed for a word of this many characters. Short words are left alone: at four
/// letters one edit already turns one real word into another ("calon"/"salon" are 5, "pose"/"pos").
pub(crate) fn max_edits(chars: usize) -> usize {
    match chars {
        0..=4 => 0,
        5..=7 => 1,
        _ => 2,
    }
}

pub(crate) struct TypoIndex {
    words: Vec<String>,
    /// How often each word occurs in the knowledge base; breaks ties towards common words.
    weight: Vec<u32>,
    /// Every word and every form with one or two characters deleted → word indices.
    deletes: HashMap<String, Vec<u32>>,
}

impl TypoIndex {
    /// Indexes `vocabulary` (word → how often it occurs) and `extra` words (counted once).
    pub fn new<'a, 'b>(
        vocabulary: &'a HashMap<String, u32>,
        extra: impl Iterator<Item = &'b str>,
    ) -> TypoIndex {
        let mut counts: HashMap<&str, u32> =
            vocabulary.iter().map(|(w, &c)| (w.as_str(), c)).collect();
        for w in extra {
            counts.entry(w).or_insert(1);
        }
        let mut words: Vec<(&str, u32)> = counts.into_iter().collect();
        // Sorted so that ties are broken the same way on every run.
        words.sort();
        let mut index = TypoIndex {
            words: Vec::with_capacity(words.len()),
            weight: Vec::with_capacity(words.len()),
            deletes: HashMap::new(),
        };
        for (w, count) in words {
            let chars = w.chars().count();
            let edits = max_edits(chars);
            if edits == 0 || !w.is_ascii() {
                continue;
            }
            let i = u32::try_from(index.words.len()).unwrap_or(u32::MAX);
            for d in deletions(w, edits) {
                let slot = index.deletes.entry(d).or_default();
                if slot.last() != Some(&i) {
                    slot.push(i);
                }
            }
            index.words.push(w.to_owned());
            index.weight.push(count);
        }
        index
    }

    /// The vocabulary word closest to `word` within the allowed edits, if any.
    pub fn correct(&self, word: &str) -> Option<&str> {
        // Nothing in the vocabulary is this long; a long token is a paste, not a typo.
        if !word.is_ascii() || word.len() > 20 {
            return None;
        }
        let edits = max_edits(word.len());
        if edits == 0 {
            return None;
        }
        let mut best: Option<(usize, usize, std::cmp::Reverse<u32>, u32)> = None;
        for d in deletions(word, edits) {
            let Some(candidates) = self.deletes.get(&d) else {
                continue;
            };
            for &i in candidates {
                let cand = &self.words[i as usize];
                // The candidate's own limit applies too: "posting" must not become a 5-letter word
                // two edits away.
                let limit = edits.min(max_edits(cand.len()));
                let dist = osa_distance(word.as_bytes(), cand.as_bytes());
                if dist == 0 || dist > limit {
                    continue;
                }
                // Among equally close words, one of the same length (a swapped or mistyped
                // letter, the commonest slips) beats one a letter longer or shorter, and then
                // the more common word wins: "snaksi" is "sanksi" rather than "saksi".
                let key = (
                    dist,
                    cand.len().abs_diff(word.len()),
                    std::cmp::Reverse(self.weight[i as usize]),
                    i,
                );
                if best.is_none_or(|b| key < b) {
                    best = Some(key);
                }
            }
        }
        best.map(|(_, _, _, i)| self.words[i as usize].as_str())
    }
}

/// The word itself and every form with up to `edits` characters removed.
fn deletions(word: &str, edits: usize) -> Vec<String> {
    let mut out = vec![word.to_owned()];
    let mut frontier = vec![word.to_owned()];
    for _ in 0..edits {
        let mut next = Vec::new();
        for w in &frontier {
            for (i, _) in w.char_indices() {
                let mut d = String::with_capacity(w.len());
                d.push_str(&w[..i]);
                d.push_str(&w[i + w[i..].chars().next().map_or(0, char::len_utf8)..]);
                next.push(d);
            }
        }
        next.sort();
        next.dedup();
        out.extend(next.iter().cloned());
        frontier = next;
    }
    out.sort();
    out.dedup();
    out
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbouring letters ("kampnaye") each count one.
fn osa_distance(a: &[u8], b: &[u8]) -> usize {
    let (n, m) = (a.len(), b.len());
    let mut prev2 = vec![0usize; m + 1];
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0usize; m + 1];
    for i in 1..=n {
        cur[0] = i;
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[m]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(words: &[&str]) -> TypoIndex {
        TypoIndex::new(
            &words.iter().map(|w| (w.to_string(), 1)).collect(),
            ["paslon"].into_iter(),
        )
    }

    #[test]
    fn distance_counts_swaps_as_one_edit() {
        assert_eq!(osa_distance(b"kampanye", b"kampnaye"), 1);
        assert_eq!(osa_distance(b"kampanye", b"kampanya"), 1);
        assert_eq!(osa_distance(b"", b"abc"), 3);
    }

    #[test]
    fn typos_are_corrected_within_the_length_limits() {
        let idx = index(&["kampanye", "spanduk", "baliho", "pilkada", "calon"]);
        assert_eq!(idx.correct("kampnaye"), Some("kampanye"));
        assert_eq!(idx.correct("kampany"), Some("kampanye"));
        assert_eq!(idx.correct("kmpanyee"), Some("kampanye"));
        assert_eq!(idx.correct("spandul"), Some("spanduk"));
        assert_eq!(idx.correct("pilkda"), Some("pilkada"));
        assert_eq!(idx.correct("paslno"), Some("paslon"));
        let idx = index(&["saksi", "sanksi"]);
        assert_eq!(idx.correct("snaksi"), Some("sanksi"));
        // Too short to guess, or too far.
        assert_eq!(idx.correct("calo"), None);
        assert_eq!(idx.correct("balkon"), None);
        assert_eq!(idx.correct("kampanye"), None);
    }
}
