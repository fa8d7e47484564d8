//! Questions: the matcher's verdict with its answer, the questions it could not answer kept
//! for the admins, and whether an answer helped.

use std::sync::OnceLock;

use super::App;
use crate::i18n::Lang;
use crate::knowledge::{Answer, ElectionFacts, Matcher, RuleId};
use crate::store::{self, questions};

/// Built once per process: the matcher precomputes its index from the knowledge base.
pub fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(Matcher::new)
}

pub fn facts(app: &App) -> ElectionFacts {
    ElectionFacts {
        name: app.config.election_name.clone(),
        date: app.config.election_date,
    }
}

/// The answer of one rule, counting days to the election from today.
pub fn answer_for(app: &App, rule: RuleId, lang: Lang) -> Answer {
    Answer::for_rule(rule, lang, &facts(app), app.today())
}

/// Answers a question of `user` in `lang`. Below the matcher's confidence the answer
/// declines and gives the helpdesk, and the question is kept for /unanswered.
pub async fn ask(app: &App, user: i64, question: &str, lang: Lang) -> store::Result<Answer> {
    let m = matcher().classify(question);
    match m.rule {
        Some(rule) => Ok(answer_for(app, rule, lang)),
        None => {
            let (text, now) = (question.to_owned(), app.now());
            app.store
                .run(move |c| {
                    questions::record_unanswered(c, Some(user), &text, m.lang, m.score, now)
                })
                .await?;
            Ok(Answer::declined(lang, &app.config.helpdesk_contact))
        }
    }
}

/// Whether the answer of `rule` helped `user`; a second vote replaces the first.
pub async fn feedback(app: &App, user: i64, rule: RuleId, helpful: bool) -> store::Result<()> {
    let now = app.now();
    app.store
        .run(move |c| questions::record_feedback(c, user, rule.as_str(), helpful, now))
        .await
}
