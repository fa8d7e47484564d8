//! From raw text to the words the matcher compares: lowercase, sentences, chat spelling and
//! abbreviations rewritten, function words dropped, Indonesian and English stemming.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer as EnglishStemmer};
use sastrawi::{Dictionary, Stemmer as IndonesianStemmer};

use crate::i18n::Lang;

use super::lexicon;

/// Longer words are not words a question needs (URLs, pasted hashes); they are cut so that
/// stemming and typo search stay cheap on hostile input.
const MAX_WORD_CHARS: usize = 32;
/// A question sits at the end of a long story, so only the last words of a very long message are
/// read; this also bounds the time spent on a 4,000-character paste.
const MAX_WORDS: usize = 160;
/// What follows "eh" when a user corrects themselves mid-sentence.
const SELF_CORRECTION: &[&str] = &["maksudnya", "maksud", "maksudku", "mksdnya", "mksd"];

/// One sentence of a question, as normalised words.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sentence {
    pub words: Vec<String>,
    /// Has a question mark or a question word ("boleh", "apakah", "can", ...).
    pub is_question: bool,
    /// Index in `words` of the action asked about: the first content word after "boleh",
    /// "bolehkah", "can I", "allowed to"... ("bolehkah saya [melaporkan] camat yang ...").
    pub focus: Option<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct Analysis {
    pub sentences: Vec<Sentence>,
    pub lang: Lang,
}

pub(crate) struct Normalizer {
    rewrites: HashMap<&'static str, &'static str>,
    phrases: HashMap<(&'static str, &'static str), &'static str>,
    reduplicated: HashMap<&'static str, &'static str>,
    stopwords: HashSet<&'static str>,
    markers: HashSet<&'static str>,
    frames: HashSet<&'static str>,
    focus_skip: HashSet<&'static str>,
    english: HashSet<&'static str>,
    indonesian: HashSet<&'static str>,
    dictionary: &'static Dictionary,
    id_stemmer: IndonesianStemmer<'static>,
    en_stemmer: EnglishStemmer,
}

fn dictionary() -> &'static Dictionary {
    static DICT: OnceLock<Dictionary> = OnceLock::new();
    DICT.get_or_init(Dictionary::new)
}

impl Normalizer {
    pub fn new() -> Normalizer {
        let dictionary = dictionary();
        Normalizer {
            rewrites: lexicon::REWRITES
                .iter()
                .flat_map(|t| t.iter().copied())
                .collect(),
            reduplicated: lexicon::REDUPLICATED.iter().copied().collect(),
            phrases: lexicon::PHRASES
                .iter()
                .map(|&(a, b, r)| ((a, b), r))
                .collect(),
            stopwords: lexicon::STOPWORDS.iter().copied().collect(),
            markers: lexicon::QUESTION_MARKERS.iter().copied().collect(),
            frames: lexicon::PERMISSION_FRAMES.iter().copied().collect(),
            focus_skip: lexicon::FOCUS_SKIP.iter().copied().collect(),
            english: lexicon::ENGLISH_HINTS.iter().copied().collect(),
            indonesian: lexicon::INDONESIAN_HINTS.iter().copied().collect(),
            dictionary,
            id_stemmer: IndonesianStemmer::new(dictionary),
            en_stemmer: EnglishStemmer::create(Algorithm::English),
        }
    }

    /// Splits `text` into sentences of normalised (not yet stemmed) words and tells its language.
    pub fn analyse(&self, text: &str) -> Analysis {
        self.analyse_with(text, &|_| None)
    }

    /// Like [`Normalizer::analyse`], with `fix` offered every word the lexicon does not know
    /// before it is rewritten: the matcher corrects typos there ("paslno" → "paslon", which
    /// then becomes "pasangan calon").
    pub fn analyse_with(&self, text: &str, fix: &dyn Fn(&str) -> Option<String>) -> Analysis {
        let mut raw = split(text);
        keep_last_words(&mut raw, |s| &mut s.words);
        let (mut en, mut id) = (0usize, 0usize);
        for w in raw.iter().flat_map(|s| &s.words) {
            en += usize::from(self.english.contains(w.as_str()));
            id += usize::from(self.indonesian.contains(w.as_str()));
        }
        let lang = if en > id { Lang::En } else { Lang::Id };

        let mut sentences: Vec<Sentence> = Vec::with_capacity(raw.len());
        for sentence in raw.iter().map(|s| self.sentence(s, fix)) {
            if !sentence.words.is_empty() {
                sentences.push(sentence);
            } else if let Some(prev) = sentences.last_mut() {
                // "…saya share videonya. Boleh?": the bare question is about the sentence before.
                prev.is_question |= sentence.is_question;
            }
        }
        Analysis { sentences, lang }
    }

    /// Every word the lexicon itself spells: rewrite sources and stopwords. Typos are corrected
    /// towards these as well as towards the knowledge base's words.
    pub fn lexicon_words(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.rewrites.keys().chain(self.stopwords.iter()).copied()
    }

    fn sentence(&self, s: &RawSentence, fix: &dyn Fn(&str) -> Option<String>) -> Sentence {
        let is_question =
            s.question_mark || s.words.iter().any(|w| self.markers.contains(w.as_str()));
        let mut words: Vec<String> = Vec::with_capacity(s.words.len());
        let mut focus = None;
        let mut after_frame = false;
        let mut prev_raw: Option<&str> = None;
        // Right after a comma, no two-word phrase reaches back over it: "terima kasih bapak,
        // saya mau bertanya" addresses someone, while "bapak saya" is one's father.
        let mut after_comma = false;
        for w in &s.words {
            if w == COMMA {
                after_comma = true;
                prev_raw = None;
                continue;
            }
            // "bagi-bagi" (handing out) is not the preposition "bagi": a reduplicated word may mean
            // something its single form does not.
            let redup = prev_raw == Some(w.as_str());
            // "… eh maksudnya calon bupati": a self-correction, not a question about what
            // neutrality means.
            let correction = prev_raw == Some("eh") && SELF_CORRECTION.contains(&w.as_str());
            prev_raw = Some(w.as_str());
            if correction {
                continue;
            }
            if redup {
                if let Some(r) = self.reduplicated.get(w.as_str()) {
                    words.extend(r.split(' ').map(str::to_owned));
                }
                continue;
            }
            let listed =
                self.rewrites.contains_key(w.as_str()) || self.stopwords.contains(w.as_str());
            let fixed = if listed { None } else { fix(w) };
            let w = fixed.as_ref().unwrap_or(w);
            if self.frames.contains(w.as_str()) {
                after_frame = focus.is_none();
            }
            let parts = match self.rewrite_of(w) {
                Some(r) => r.split(' ').collect::<Vec<_>>(),
                None => vec![w.as_str()],
            };
            for p in parts {
                if p.is_empty() {
                    continue;
                }
                // Before the stopwords: "sih" of "masa sih" is one.
                if let Some(r) = words
                    .last()
                    .filter(|_| !after_comma)
                    .and_then(|l| self.phrases.get(&(l.as_str(), p)).copied())
                {
                    words.pop();
                    if focus == Some(words.len()) && r.is_empty() {
                        focus = None;
                    }
                    words.extend(r.split(' ').filter(|w| !w.is_empty()).map(str::to_owned));
                    continue;
                }
                if self.stopwords.contains(p) {
                    continue;
                }
                // Reduplication ("kata-kata") and stutters count once.
                if words.last().is_some_and(|l| l == p) {
                    continue;
                }
                // The subject ("bolehkah ASN ...") is not the action, nor is a light verb.
                if after_frame && !self.focus_skip.contains(p) {
                    focus = Some(words.len());
                    after_frame = false;
                }
                words.push(p.to_owned());
                after_comma = false;
            }
        }
        Sentence {
            words,
            is_question,
            focus,
        }
    }

    /// The rewrite of a word, or of the word without its possessive ("bojoku", "kakakmu"), which
    /// the stemmer would strip but only after the rewrite had been missed.
    fn rewrite_of(&self, w: &str) -> Option<&'static str> {
        if let Some(r) = self.rewrites.get(w) {
            return Some(r);
        }
        ["ku", "mu", "nya"]
            .iter()
            .filter_map(|p| w.strip_suffix(p))
            .filter(|b| b.len() >= 3)
            .find_map(|b| self.rewrites.get(b).copied())
            .filter(|r| !r.is_empty())
    }

    /// The stem of one normalised word. `known` tells whether a form occurs in the knowledge base,
    /// which lets informal prefixes be stripped from loanwords ("ngelike" → "like").
    pub fn stem(&self, word: &str, known: &dyn Fn(&str) -> bool) -> String {
        if word.chars().any(|c| c.is_ascii_digit()) {
            let trimmed = word.trim_start_matches('0');
            return if trimmed.is_empty() { "0" } else { trimmed }.to_owned();
        }
        if !word.is_ascii() {
            return word.to_owned();
        }
        if let Some(s) = self.indonesian_root(word) {
            return s;
        }
        for candidate in informal_candidates(word) {
            if let Some(s) = self.indonesian_root(&candidate) {
                return s;
            }
            if known(&candidate) {
                return self.en_stemmer.stem(&candidate).into_owned();
            }
        }
        // Not Indonesian as far as the dictionary knows: an English word, a name or an acronym.
        self.en_stemmer.stem(word).into_owned()
    }

    fn indonesian_root(&self, word: &str) -> Option<String> {
        if self.dictionary.find(word) {
            return Some(word.to_owned());
        }
        let s = self.id_stemmer.stem_word(word);
        (s != word && self.dictionary.find(&s)).then(|| s.into_owned())
    }

    /// Whether the Indonesian dictionary has this word or its root: such a word is spelt right
    /// even when the knowledge base never uses it.
    pub fn is_indonesian(&self, word: &str) -> bool {
        word.is_ascii() && self.indonesian_root(word).is_some()
    }
}

/// Colloquial Jakarta/Javanese-influenced verb forms the stemmer does not know: "ngajak" (ajak),
/// "nyebar" (sebar), "masang" (pasang), "nulis" (tulis), "ngelike", "laporin", "dishare", and the
/// regional "bacoblos", "laporke".
fn informal_candidates(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut bases = vec![word.to_owned()];
    if let Some(b) = word.strip_suffix("in").filter(|b| b.len() >= 3) {
        bases.push(b.to_owned());
    }
    if let Some(b) = word.strip_suffix("nya").filter(|b| b.len() >= 3) {
        bases.push(b.to_owned());
    }
    // Javanese "-ke" for "-kan": "laporke", "umumke".
    if let Some(b) = word.strip_suffix("ke").filter(|b| b.len() >= 4) {
        bases.push(b.to_owned());
    }
    for b in bases {
        if let Some(r) = b.strip_prefix("nge").filter(|r| r.len() >= 3) {
            out.push(r.to_owned());
        }
        if let Some(r) = b.strip_prefix("ng").filter(|r| r.len() >= 3) {
            out.push(r.to_owned());
            out.push(format!("k{r}"));
        }
        if let Some(r) = b.strip_prefix("ny").filter(|r| r.len() >= 3) {
            out.push(format!("c{r}"));
            out.push(format!("s{r}"));
        }
        if let Some(r) = b
            .strip_prefix('m')
            .filter(|r| r.len() >= 3 && starts_with_vowel(r))
        {
            out.push(format!("p{r}"));
        }
        if let Some(r) = b
            .strip_prefix('n')
            .filter(|r| r.len() >= 3 && starts_with_vowel(r))
        {
            out.push(format!("t{r}"));
        }
        if let Some(r) = b.strip_prefix("di").filter(|r| r.len() >= 3) {
            out.push(r.to_owned());
        }
        // Manado, Ambon and Banjar "ba-" for "ber-/me-": "bacoblos", "bapost".
        if let Some(r) = b.strip_prefix("ba").filter(|r| r.len() >= 4) {
            out.push(r.to_owned());
        }
        out.push(b);
    }
    out.retain(|c| c != word);
    out
}

fn starts_with_vowel(s: &str) -> bool {
    s.starts_with(['a', 'e', 'i', 'o', 'u'])
}

/// Stands in a raw sentence's words where a comma was: no word of text is ever spelt so.
const COMMA: &str = ",";

struct RawSentence {
    words: Vec<String>,
    question_mark: bool,
}

/// Lowercases and cuts text into sentences of words. English clitics are dropped ("don't" →
/// "don", "candidate's" → "candidate"), other apostrophes inside a word vanish ("Jum'at" →
/// "jumat"); any other non-alphanumeric character separates words.
fn split(text: &str) -> Vec<RawSentence> {
    let mut sentences = Vec::new();
    let mut current = RawSentence {
        words: Vec::new(),
        question_mark: false,
    };
    let mut word = String::new();
    let mut word_chars = 0usize;
    let mut prev: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            if word_chars < MAX_WORD_CHARS {
                word.extend(c.to_lowercase());
                word_chars += 1;
            }
        } else if matches!(c, '\'' | '’' | '`')
            && !word.is_empty()
            && chars.peek().is_some_and(|n| n.is_alphanumeric())
        {
            // Inside a word: English clitics go ("I'll", "candidate's", "don't" → "don"), other
            // apostrophes join ("Jum'at").
            let mut suffix = String::new();
            while let Some(n) = chars.next_if(|n| n.is_alphanumeric()) {
                suffix.extend(n.to_lowercase());
            }
            if !matches!(suffix.as_str(), "ll" | "re" | "ve" | "d" | "m" | "s" | "t") {
                for n in suffix.chars() {
                    if word_chars < MAX_WORD_CHARS {
                        word.push(n);
                        word_chars += 1;
                    }
                }
            }
        } else {
            flush_word(&mut word, &mut word_chars, &mut current.words);
            if matches!(c, ',' | '，') && current.words.last().is_some_and(|w| w != COMMA) {
                current.words.push(COMMA.to_owned());
            }
            let decimal_point = c == '.'
                && prev.is_some_and(|p| p.is_ascii_digit())
                && chars.peek().is_some_and(|n| n.is_ascii_digit());
            let ends =
                matches!(c, '?' | '!' | ';' | '\n' | '？' | '。') || (c == '.' && !decimal_point);
            if c == '?' || c == '？' {
                current.question_mark = true;
            }
            if ends && !current.words.is_empty() {
                // "...?!" keeps the mark on the sentence it ends.
                while chars
                    .peek()
                    .is_some_and(|n| matches!(n, '?' | '!' | '.' | '？'))
                {
                    if chars.next().is_some_and(|n| n == '?' || n == '？') {
                        current.question_mark = true;
                    }
                }
                sentences.push(std::mem::replace(
                    &mut current,
                    RawSentence {
                        words: Vec::new(),
                        question_mark: false,
                    },
                ));
            }
        }
        prev = Some(c);
    }
    flush_word(&mut word, &mut word_chars, &mut current.words);
    if !current.words.is_empty() {
        sentences.push(current);
    }
    sentences
}

fn flush_word(word: &mut String, chars: &mut usize, words: &mut Vec<String>) {
    // Chat shorthand for reduplication: "bapak2", "bagi2" mean "bapak-bapak", "bagi-bagi", and
    // "ikut2an" is "ikut-ikutan". The word is written twice, as "bagi-bagi" splits.
    if word.len() > 2
        && word.is_ascii()
        && let Some(i) = word.find('2').filter(|&i| {
            i >= 2
                && word[..i].chars().all(|c| c.is_ascii_alphabetic())
                && word[i + 1..].chars().all(|c| c.is_ascii_alphabetic())
        })
    {
        let (base, suffix) = (word[..i].to_owned(), word[i + 1..].to_owned());
        *chars = 0;
        word.clear();
        words.push(base.clone());
        words.push(base + &suffix);
        return;
    }
    // Single letters are noise ("e" of "e-ktp", initials) except the ones the lexicon rewrites
    // and the H of "hari H", election day.
    if *chars > 1
        || matches!(word.as_str(), "g" | "x" | "h")
        || word.chars().all(|c| c.is_ascii_digit()) && !word.is_empty()
    {
        words.push(std::mem::take(word));
    } else {
        word.clear();
    }
    *chars = 0;
}

/// Keeps the last [`MAX_WORDS`] words of a message (a question sits at the end of a long story).
fn keep_last_words<T>(sentences: &mut Vec<T>, words: impl Fn(&mut T) -> &mut Vec<String>) {
    let mut budget = MAX_WORDS;
    let mut keep_from = sentences.len();
    while keep_from > 0 && budget > 0 {
        keep_from -= 1;
        let w = words(&mut sentences[keep_from]);
        if w.len() > budget {
            let cut = w.len() - budget;
            w.drain(..cut);
        }
        budget -= w.len();
    }
    sentences.drain(..keep_from);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let n = Normalizer::new();
        n.analyse(text)
            .sentences
            .into_iter()
            .flat_map(|s| s.words)
            .collect()
    }

    fn stems(text: &str) -> Vec<String> {
        let n = Normalizer::new();
        let known = |w: &str| matches!(w, "like" | "share" | "follow");
        words(text).iter().map(|w| n.stem(w, &known)).collect()
    }

    #[test]
    fn addressing_bapak_before_saya_names_no_relative() {
        let w = words("Terima kasih bapak, saya mau bertanya, bolehkah ASN ikut kampanye?");
        assert!(!w.iter().any(|w| w == "ayah"), "{w:?}");
        // Without the comma it is one's father.
        let w = words("Bapak saya maju pilkada, bolehkah saya ikut kampanye?");
        assert!(w.iter().any(|w| w == "ayah"), "{w:?}");
    }

    #[test]
    fn slang_and_abbreviations_become_standard_words() {
        assert_eq!(
            words("Sy gak blh nge-like IG paslon yg dgn timses?"),
            // A candidate pair stays "paslon": "pasangan" would stem to "pasang", putting up.
            ["like", "instagram", "paslon", "calon", "tim", "sukses"]
        );
        assert_eq!(
            words("cagub & caleg di WA, medsos, FB"),
            [
                "calon",
                "gubernur",
                "calon",
                "legislatif",
                "whatsapp",
                "media",
                "sosial",
                "facebook"
            ]
        );
        assert_eq!(
            words("komen utk cabup emg tdk boleh?"),
            ["komentar", "calon", "bupati"]
        );
    }

    #[test]
    fn regional_function_words_fall_away_around_the_content_words() {
        assert_eq!(
            words("sa PNS, sa boleh pake baju partai ka tra?"),
            ["asn", "pakai", "baju", "partai"]
        );
        assert_eq!(words("abdi meunang teu milu nyoblos?"), ["coblos"]);
        assert_eq!(
            words("ambo buliah ikuik pemilu indak?"),
            ["coblos", "pemilu"]
        );
        assert_eq!(words("ulun kawa kah ikut kampanye?"), ["ikut", "kampanye"]);
    }

    #[test]
    fn phrases_and_reduplication_keep_their_meaning() {
        // Taking part in the election as a voter, not as a candidate.
        assert_eq!(
            words("masa sih ASN gak boleh ikut pemilu?"),
            ["asn", "coblos", "pemilu"]
        );
        // "bagi-bagi" hands out; "bagi" alone is a preposition.
        assert_eq!(words("bagi-bagi amplop"), ["membagi", "amplop"]);
        assert_eq!(words("bagi2 amplop"), ["membagi", "amplop"]);
        assert_eq!(words("ikut2an kampanye"), ["ikut", "kampanye"]);
        assert_eq!(
            words("cagub/cawagub"),
            ["calon", "gubernur", "calon", "wakil", "gubernur"]
        );
    }

    #[test]
    fn indonesian_affixes_reduce_to_the_root() {
        assert_eq!(stems("menyukai suka"), ["like", "suka"]);
        assert_eq!(stems("disukai"), ["like"]);
        assert_eq!(stems("kesukaan"), ["suka"]);
        assert_eq!(stems("membagikan"), ["share"]);
        assert_eq!(stems("bagikan"), ["share"]);
        assert_eq!(stems("pembagian"), ["bagi"]);
        assert_eq!(stems("mencoblos coblos nyoblos"), ["coblos"]);
        assert_eq!(
            stems("ngajakin masang nyebarin laporin"),
            // Spreading is sharing (`lexicon::topics`).
            ["ajak", "pasang", "share", "lapor"]
        );
        assert_eq!(stems("ngefollow dishare"), ["follow", "share"]);
    }

    #[test]
    fn english_words_are_stemmed_in_english() {
        assert_eq!(
            stems("candidates campaigning banners"),
            ["candid", "campaign", "banner"]
        );
    }

    #[test]
    fn the_language_is_told_by_its_function_words() {
        let n = Normalizer::new();
        assert_eq!(n.analyse("Can I like a candidate's post?").lang, Lang::En);
        assert_eq!(n.analyse("Boleh like postingan paslon?").lang, Lang::Id);
        assert_eq!(n.analyse("sy mau share post KPU boleh?").lang, Lang::Id);
        assert_eq!(n.analyse("").lang, Lang::Id);
    }

    #[test]
    fn sentences_are_split_and_questions_marked() {
        let n = Normalizer::new();
        let a =
            n.analyse("Kemarin saya nonton debat. Terus saya share videonya! Itu boleh dibagikan");
        assert_eq!(a.sentences.len(), 3);
        assert!(!a.sentences[0].is_question);
        assert!(a.sentences[2].is_question);
        let a = n.analyse("Kemarin saya nonton debat. Terus saya share videonya. Boleh?");
        assert_eq!(a.sentences.len(), 2);
        assert!(a.sentences[1].is_question);
        let a = n.analyse("Harga 2.500 rupiah. Ok?");
        assert_eq!(a.sentences[0].words, ["harga", "2", "500", "rupiah"]);
        assert_eq!(
            words("I'll share the candidate's post, don't I?"),
            ["share", "candidate", "post"]
        );
        assert_eq!(
            words("bapak2 guru2 terima amplop2"),
            ["bapak", "guru", "terima", "amplop"]
        );
    }

    #[test]
    fn hostile_input_is_bounded() {
        let n = Normalizer::new();
        let long = "kampanye ".repeat(1000) + &"x".repeat(5000);
        let a = n.analyse(&long);
        let count: usize = a.sentences.iter().map(|s| s.words.len()).sum();
        assert!(count <= MAX_WORDS);
        assert!(
            a.sentences
                .iter()
                .flat_map(|s| &s.words)
                .all(|w| w.chars().count() <= MAX_WORD_CHARS)
        );
        assert!(n.analyse("🙏🙏🙏 ?!").sentences.is_empty());
        assert_eq!(n.stem("é", &|_| false), "é");
    }
}
