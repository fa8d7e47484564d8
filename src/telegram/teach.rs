//! Teaching the matcher from the admins' /unanswered list: by buttons or by /teach and
//! /untaught. Every button re-checks the admin role when pressed: callback data is forgeable.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use super::callback::{CallbackData, TeachAction};
use super::keyboards::button;
use super::qa::rule_label;
use super::reply::{self, say, stale};
use super::{App, Caller, HandlerResult};
use crate::app::questions::{self, Target, TeachError};
use crate::args;
use crate::domain::Role;
use crate::i18n::Lang;
use crate::knowledge::{RuleId, Topic, kb};

/// Entries per page of /unanswered.
const LISTED: usize = 10;
/// A question is shown up to this many characters.
const QUESTION_CHARS: usize = 200;

fn shown(question: &str) -> String {
    question
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(QUESTION_CHARS)
        .collect()
}

/// /unanswered: stored questions newest first, each with its #id and teaching buttons.
pub async fn unanswered(bot: Bot, app: Arc<App>, caller: Caller, chat: ChatId) -> HandlerResult {
    unanswered_page(&bot, &app, &caller, chat, 0).await
}

/// One page of /unanswered, with buttons to the neighbouring pages.
async fn unanswered_page(
    bot: &Bot,
    app: &App,
    caller: &Caller,
    chat: ChatId,
    page: usize,
) -> HandlerResult {
    let (bot, app, caller) = (bot.clone(), app, caller);
    let lang = caller.lang;
    // One more than a page tells whether there is a next one.
    let mut open = questions::open_questions(app, page * LISTED, LISTED + 1).await?;
    let more = open.len() > LISTED;
    open.truncate(LISTED);
    if open.is_empty() {
        return say(&bot, app, caller, chat, lang.t("unanswered-empty")).await;
    }
    let mut text = lang.t("teach-unanswered-title");
    let mut rows = Vec::new();
    for q in &open {
        text.push('\n');
        text.push_str(&lang.t_args(
            "teach-unanswered-line",
            args!["count" => q.count, "question" => shown(&q.question), "id" => q.id],
        ));
        rows.push(vec![
            button(
                lang.t_args("btn-teach", args!["id" => q.id]),
                CallbackData::Teach(TeachAction::Start { question: q.id }),
            ),
            button(
                lang.t_args("btn-teach-oos", args!["id" => q.id]),
                CallbackData::Teach(TeachAction::OffTopic { question: q.id }),
            ),
        ]);
    }
    let mut pages = Vec::new();
    if page > 0 {
        pages.push(button(
            lang.t("btn-page-newer"),
            CallbackData::Teach(TeachAction::Page { page: page - 1 }),
        ));
    }
    if more && page + 1 < 1000 {
        pages.push(button(
            lang.t("btn-page-older"),
            CallbackData::Teach(TeachAction::Page { page: page + 1 }),
        ));
    }
    if !pages.is_empty() {
        rows.push(pages);
    }
    // Plain text, no parse mode: a question typed as "<b>" shows as typed.
    let result = bot
        .send_message(chat, text)
        .reply_markup(InlineKeyboardMarkup::new(rows))
        .await;
    super::reply::sent(app, caller.id, result).await
}

/// `/teach <id> <rule_id>` or `/teach <id> oos`.
fn parse_teach(args: &str) -> Option<(i64, Target)> {
    let mut words = args.split_whitespace();
    let id = words.next()?.trim_start_matches('#').parse().ok()?;
    let target = match words.next()? {
        "oos" | "off" | "offtopic" => Target::OffTopic,
        rule => Target::Rule(RuleId::parse(rule).ok()?),
    };
    words.next().is_none().then_some((id, target))
}

fn taught_text(lang: Lang, id: i64, target: Target) -> String {
    match target {
        Target::Rule(rule) => lang.t_args(
            "teach-done",
            args!["id" => id, "rule" => rule_label(lang, rule)],
        ),
        Target::OffTopic => lang.t_args("teach-done-oos", args!["id" => id]),
    }
}

fn refusal(lang: Lang, e: &TeachError) -> Option<String> {
    match e {
        TeachError::NoQuestion(id) => Some(lang.t_args("teach-no-question", args!["id" => *id])),
        TeachError::NotTaught(id) => Some(lang.t_args("untaught-none", args!["id" => *id])),
        TeachError::Store(_) => None,
    }
}

/// What /teach and /untaught answer: the outcome, or the refusal a person can act on;
/// only a store failure is an error (the apology).
fn command_reply<T>(
    lang: Lang,
    result: Result<T, TeachError>,
    done: impl FnOnce(T) -> String,
) -> Result<String, TeachError> {
    match result {
        Ok(value) => Ok(done(value)),
        Err(e) => refusal(lang, &e).ok_or(e),
    }
}

pub async fn teach(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    chat: ChatId,
    args: String,
) -> HandlerResult {
    let lang = caller.lang;
    let Some((id, target)) = parse_teach(&args) else {
        return say(&bot, &app, &caller, chat, lang.t("teach-usage")).await;
    };
    let result = questions::teach(&app, caller.id, id, target).await;
    let text = command_reply(lang, result, |_| taught_text(lang, id, target))?;
    say(&bot, &app, &caller, chat, text).await
}

pub async fn untaught(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    chat: ChatId,
    args: String,
) -> HandlerResult {
    let lang = caller.lang;
    let Some(id) = args
        .trim()
        .trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
    else {
        return say(&bot, &app, &caller, chat, lang.t("untaught-usage")).await;
    };
    let result = questions::untaught(&app, caller.id, id).await;
    let text = command_reply(lang, result, |()| {
        lang.t_args("untaught-done", args!["id" => id])
    })?;
    say(&bot, &app, &caller, chat, text).await
}

/// The teaching buttons of /unanswered: topic, then rule, or off-topic.
pub async fn on_callback(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    q: CallbackQuery,
    action: TeachAction,
) -> HandlerResult {
    let lang = caller.lang;
    if !reply::officer_button_allowed(&bot, &q, &caller, caller.role >= Role::Admin, "teach")
        .await?
    {
        return Ok(());
    }
    let Some(message) = q.regular_message() else {
        return stale(&bot, &q, lang).await;
    };
    let chat = message.chat.id;
    let (question, target) = match action {
        TeachAction::Page { page } => {
            bot.answer_callback_query(q.id.clone()).await?;
            return unanswered_page(&bot, &app, &caller, chat, page).await;
        }
        TeachAction::Start { question } => {
            bot.answer_callback_query(q.id.clone()).await?;
            let rows: Vec<_> = kb()
                .topics(lang)
                .map(|(topic, label)| {
                    vec![button(
                        label,
                        CallbackData::Teach(TeachAction::Topic {
                            question,
                            topic: topic.as_str().to_owned(),
                        }),
                    )]
                })
                .collect();
            let text = lang.t_args("teach-pick-topic", args!["id" => question]);
            let result = bot
                .send_message(chat, text)
                .reply_markup(InlineKeyboardMarkup::new(rows))
                .await;
            return super::reply::sent(&app, caller.id, result).await;
        }
        TeachAction::Topic { question, topic } => {
            let Some(topic) = Topic::ALL.into_iter().find(|t| t.as_str() == topic) else {
                return stale(&bot, &q, lang).await;
            };
            bot.answer_callback_query(q.id.clone()).await?;
            let rows: Vec<_> = kb()
                .rules_of(topic)
                .map(|id| {
                    vec![button(
                        rule_label(lang, id),
                        CallbackData::Teach(TeachAction::Rule {
                            question,
                            rule: id.as_str().to_owned(),
                        }),
                    )]
                })
                .collect();
            let text = lang.t_args("teach-pick-rule", args!["id" => question]);
            let result = bot
                .edit_message_text(chat, message.id, text)
                .reply_markup(InlineKeyboardMarkup::new(rows))
                .await;
            return super::reply::sent(&app, caller.id, result).await;
        }
        TeachAction::Rule { question, rule } => {
            let Ok(rule) = RuleId::parse(&rule) else {
                return stale(&bot, &q, lang).await;
            };
            (question, Target::Rule(rule))
        }
        TeachAction::OffTopic { question } => (question, Target::OffTopic),
    };
    let text = match questions::teach(&app, caller.id, question, target).await {
        Ok(_) => taught_text(lang, question, target),
        Err(e) => match refusal(lang, &e) {
            Some(_) => return stale(&bot, &q, lang).await,
            None => return Err(e.into()),
        },
    };
    bot.answer_callback_query(q.id.clone()).await?;
    let result = bot.send_message(chat, text).await;
    super::reply::sent(&app, caller.id, result).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teach_arguments_are_parsed_strictly() {
        assert_eq!(parse_teach("7 oos"), Some((7, Target::OffTopic)));
        assert!(matches!(
            parse_teach("#7 vote_at_tps"),
            Some((7, Target::Rule(_)))
        ));
        for bad in ["", "7", "x oos", "7 no_such_rule", "7 oos extra"] {
            assert_eq!(parse_teach(bad), None, "{bad}");
        }
    }
}
