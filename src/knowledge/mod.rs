//! The knowledge base of neutrality rules, the matcher that maps a question to a rule, and the
//! rendering of answers. No Telegram types here: the bot and the CLI both build on this.

mod answer;
mod check;
mod cli;
mod eval_sets;
mod fuzzy;
mod kb;
mod lexicon;
mod linear;
mod matcher;
mod normalize;

pub use answer::{
    Answer, ElectionFacts, Section, TELEGRAM_LIMIT, escape_html, format_date, render_html,
    render_plain, verdict_mark,
};
pub use check::{Problem, check, check_sources, kb_check};
pub use cli::{AskInput, AskSetup, ask};
pub use eval_sets::{DEV_QUESTION_FILES, Labelled, parse_questions, read_questions};
pub use kb::{Kb, Rule, RuleId, RuleText, Topic, UnknownRule, Verdict, kb};
pub use matcher::{CANDIDATES, Candidate, Decision, Match, Matcher, Taught};
