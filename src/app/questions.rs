//! Questions: the matcher's verdict with its answer, the questions it could not answer kept
//! for the admins, and whether an answer helped.

use std::sync::OnceLock;

use super::App;
use crate::i18n::Lang;
use crate::knowledge::{Answer, Decision, ElectionFacts, Matcher, RuleId, Taught};
use crate::store::{self, audit, questions};

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

/// What the bot says to a question.
#[derive(Debug)]
pub enum Reply {
    /// Sure enough: the rule's answer.
    Answer(Answer),
    /// About neutrality but unclear: offer these rules. `question` is the stored question
    /// (None past the user's daily cap), released to the admins if none fits.
    Unsure {
        question: Option<i64>,
        candidates: Vec<RuleId>,
    },
    /// Not about neutrality: decline with the helpdesk; the question is kept for /unanswered.
    Declined(Answer),
}

fn keep(app: &App, pending: bool) -> questions::Keep {
    questions::Keep {
        per_user_per_day: app.config.unanswered_per_user_per_day,
        pending,
    }
}

/// Answers a question of `user` in `lang`: outright, with candidate rules, or declined.
pub async fn ask(app: &App, user: i64, question: &str, lang: Lang) -> store::Result<Reply> {
    let m = matcher().classify(question);
    let pending = match m.decision {
        Decision::Answer(rule) => return Ok(Reply::Answer(answer_for(app, rule, lang))),
        Decision::Unsure if !m.candidates.is_empty() => true,
        Decision::Unsure | Decision::OffTopic => false,
    };
    let (text, now, keep) = (question.to_owned(), app.now(), keep(app, pending));
    let id = app
        .store
        .run(move |c| questions::keep_unanswered(c, Some(user), &text, m.lang, m.score, now, keep))
        .await?;
    Ok(if pending {
        Reply::Unsure {
            question: id,
            candidates: m.candidates.iter().map(|c| c.rule).collect(),
        }
    } else {
        Reply::Declined(Answer::declined(lang, &app.config.helpdesk_contact))
    })
}

/// The asker picked an offered rule: it counts as a helpful vote for that rule, and the
/// question leaves the pending list (it was answered).
pub async fn pick(
    app: &App,
    user: i64,
    question: Option<i64>,
    rule: RuleId,
    lang: Lang,
) -> store::Result<Answer> {
    let now = app.now();
    app.store
        .run(move |c| {
            let tx = c.transaction()?;
            if let Some(id) = question {
                questions::resolve_pending(&tx, id, user)?;
            }
            questions::record_feedback(&tx, user, rule.as_str(), true, now)?;
            tx.commit()?;
            Ok::<_, store::StoreError>(())
        })
        .await?;
    Ok(answer_for(app, rule, lang))
}

/// None of the offered rules fit: the question goes to the admins' /unanswered. False for a
/// question that is not the caller's (forged or pruned).
pub async fn none_fits(app: &App, user: i64, question: i64) -> store::Result<bool> {
    app.store
        .run(move |c| questions::release_pending(c, question, user))
        .await
}

/// What a question is taught as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Rule(RuleId),
    OffTopic,
}

#[derive(Debug, thiserror::Error)]
pub enum TeachError {
    #[error("no stored question #{0}")]
    NoQuestion(i64),
    #[error("question #{0} was not taught")]
    NotTaught(i64),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// Loads every taught example of this deployment into the matcher at start-up. An empty
/// list is not applied: the matcher starts empty, and the matcher is one per process (tests
/// run several bots in one process).
pub async fn reload_taught(app: &App) -> store::Result<usize> {
    let rows = app.store.run(|c| questions::taught(c)).await?;
    let n = rows.len();
    if n > 0 {
        apply_taught(rows);
    }
    Ok(n)
}

/// The taught examples stored in the database at `path`, for `netralitas-bot ask`. No file,
/// no examples: asking never creates a database.
pub fn stored_taught(path: &std::path::Path) -> store::Result<Vec<Taught>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let rows = store::Store::open(path)?.with(|c| questions::taught(c))?;
    Ok(as_taught(rows))
}

fn apply_taught(rows: Vec<questions::TaughtRow>) {
    matcher().set_taught(as_taught(rows));
}

fn as_taught(rows: Vec<questions::TaughtRow>) -> Vec<Taught> {
    rows.into_iter()
        .filter_map(|r| {
            let target = match r.rule_id {
                // A rule removed from the knowledge base since: its example no longer applies.
                Some(id) => Some(RuleId::parse(&id).ok()?),
                None => None,
            };
            Some(Taught {
                text: r.question,
                target,
            })
        })
        .collect()
}

/// Assigns stored question `id` to a rule or to off-topic, audited, and applies it at once.
pub async fn teach(app: &App, admin: i64, id: i64, target: Target) -> Result<String, TeachError> {
    let now = app.now();
    let (question, rows) = app
        .store
        .run(move |c| {
            let tx = c.transaction().map_err(store::StoreError::from)?;
            let question = questions::question_text(&tx, id)?.ok_or(TeachError::NoQuestion(id))?;
            let rule = match target {
                Target::Rule(r) => Some(r.as_str()),
                Target::OffTopic => None,
            };
            questions::teach(&tx, id, &question, rule, admin, now)?;
            let detail = format!("#{id} -> {}", rule.unwrap_or("oos"));
            audit::record(&tx, admin, "teach", &detail, now)?;
            let rows = questions::taught(&tx)?;
            tx.commit().map_err(store::StoreError::from)?;
            Ok::<_, TeachError>((question, rows))
        })
        .await?;
    apply_taught(rows);
    Ok(question)
}

/// Removes the teaching of question `id`, audited, and applies it at once.
pub async fn untaught(app: &App, admin: i64, id: i64) -> Result<(), TeachError> {
    let now = app.now();
    let rows = app
        .store
        .run(move |c| {
            let tx = c.transaction().map_err(store::StoreError::from)?;
            if !questions::untaught(&tx, id)? {
                return Err(TeachError::NotTaught(id));
            }
            audit::record(&tx, admin, "untaught", &format!("#{id}"), now)?;
            let rows = questions::taught(&tx)?;
            tx.commit().map_err(store::StoreError::from)?;
            Ok(rows)
        })
        .await?;
    apply_taught(rows);
    Ok(())
}

/// Deletes unanswered questions past the retention period.
pub async fn prune(app: &App) -> store::Result<usize> {
    let before =
        app.now() - chrono::Duration::days(i64::from(app.config.unanswered_retention_days));
    app.store
        .run(move |c| questions::prune_unanswered(c, before))
        .await
}

/// Stored questions for /unanswered, newest first.
pub async fn open_questions(
    app: &App,
    offset: usize,
    limit: usize,
) -> store::Result<Vec<questions::OpenQuestion>> {
    app.store
        .run(move |c| questions::open_questions(c, offset, limit))
        .await
}

/// Whether the answer of `rule` helped `user`; a second vote replaces the first.
pub async fn feedback(app: &App, user: i64, rule: RuleId, helpful: bool) -> store::Result<()> {
    let now = app.now();
    app.store
        .run(move |c| questions::record_feedback(c, user, rule.as_str(), helpful, now))
        .await
}

/// How many questions admins have taught this deployment (shown in /stats).
pub async fn taught_count(app: &App) -> store::Result<i64> {
    app.store.run(|c| questions::taught_count(c)).await
}
