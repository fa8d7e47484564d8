//! Questions and answers in the chat: free text, /tanya, topic browsing, feedback.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, Me, MessageId, ParseMode};

use super::callback::CallbackData;
use super::keyboards::button;
use super::reply::{note_in_private, persistently, sent, stale};
use super::{App, Caller, HandlerResult};
use crate::app::questions;
use crate::i18n::Lang;
use crate::knowledge::{Answer, RuleId, Topic, Verdict, kb, render_html};

fn answer_keyboard(lang: Lang, rule: Option<RuleId>) -> InlineKeyboardMarkup {
    let mut rows = vec![vec![button(
        lang.t("btn-other-topics"),
        CallbackData::Topics,
    )]];
    if let Some(rule) = rule {
        let id = rule.as_str().to_owned();
        rows.push(vec![
            button(
                lang.t("btn-helpful"),
                CallbackData::Feedback {
                    rule: id.clone(),
                    helpful: true,
                },
            ),
            button(
                lang.t("btn-not-helpful"),
                CallbackData::Feedback {
                    rule: id,
                    helpful: false,
                },
            ),
        ]);
    }
    InlineKeyboardMarkup::new(rows)
}

/// Sends an answer as HTML messages; the buttons go under the last one.
async fn send_answer(
    bot: &Bot,
    app: &App,
    caller: &Caller,
    chat: ChatId,
    answer: &Answer,
) -> HandlerResult {
    let chunks = render_html(answer);
    let last = chunks.len().saturating_sub(1);
    for (i, chunk) in chunks.into_iter().enumerate() {
        let request = bot.send_message(chat, chunk).parse_mode(ParseMode::Html);
        let result = if i == last {
            persistently(request.reply_markup(answer_keyboard(caller.lang, answer.rule))).await
        } else {
            persistently(request).await
        };
        sent(app, caller.id, result).await?;
    }
    Ok(())
}

/// Answers a free-text question. Below the matcher's confidence the bot declines, gives the
/// helpdesk, and keeps the question for the admins' /unanswered report.
pub async fn answer_question(
    bot: &Bot,
    app: &App,
    caller: &Caller,
    chat: ChatId,
    question: &str,
) -> HandlerResult {
    let question = question.trim();
    if question.is_empty() {
        return show_topics(bot, app, caller, chat, None).await;
    }
    // The user's chosen language wins; the question's language only fills in for a
    // user who never chose (English questions from an Indonesian-default user still get Indonesian
    // labels, which the user can switch with /lang).
    match questions::ask(app, caller.id, question, caller.lang).await? {
        questions::Reply::Answer(answer) | questions::Reply::Declined(answer) => {
            send_answer(bot, app, caller, chat, &answer).await
        }
        questions::Reply::Unsure {
            question,
            candidates,
        } => {
            let keyboard = candidates_keyboard(caller.lang, question.unwrap_or(0), &candidates);
            let result = bot
                .send_message(chat, caller.lang.t("qa-unsure"))
                .reply_markup(keyboard)
                .await;
            sent(app, caller.id, result).await
        }
    }
}

/// A rule as a button label: its verdict mark and title.
pub fn rule_label(lang: Lang, id: RuleId) -> String {
    let rule = kb().rule(id, lang);
    let mark = match rule.verdict {
        Verdict::Allowed => "✅",
        Verdict::Forbidden => "❌",
        Verdict::Conditional => "⚠️",
        Verdict::Info => "ℹ️",
    };
    format!("{mark} {}", rule.text.title)
}

fn candidates_keyboard(lang: Lang, question: i64, candidates: &[RuleId]) -> InlineKeyboardMarkup {
    let mut rows: Vec<_> = candidates
        .iter()
        .map(|&id| {
            vec![button(
                rule_label(lang, id),
                CallbackData::Pick {
                    question,
                    rule: id.as_str().to_owned(),
                },
            )]
        })
        .collect();
    rows.push(vec![button(
        lang.t("btn-none-fits"),
        CallbackData::NoneFits(question),
    )]);
    InlineKeyboardMarkup::new(rows)
}

fn topics_keyboard(lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(
        kb().topics(lang)
            .map(|(topic, label)| {
                vec![button(
                    label,
                    CallbackData::Topic(topic.as_str().to_owned()),
                )]
            })
            .collect::<Vec<_>>(),
    )
}

/// The topic list, as a new message or in place of the one whose button was pressed.
pub async fn show_topics(
    bot: &Bot,
    app: &App,
    caller: &Caller,
    chat: ChatId,
    edit: Option<MessageId>,
) -> HandlerResult {
    let lang = caller.lang;
    let text = lang.t("qa-topics");
    let result = match edit {
        Some(id) => bot
            .edit_message_text(chat, id, text)
            .reply_markup(topics_keyboard(lang))
            .await
            .map(|_| ()),
        None => bot
            .send_message(chat, text)
            .reply_markup(topics_keyboard(lang))
            .await
            .map(|_| ()),
    };
    sent(app, caller.id, result).await
}

fn rules_keyboard(lang: Lang, topic: Topic) -> InlineKeyboardMarkup {
    let mut rows: Vec<_> = kb()
        .rules_of(topic)
        .map(|id| {
            vec![button(
                rule_label(lang, id),
                CallbackData::Rule(id.as_str().to_owned()),
            )]
        })
        .collect();
    rows.push(vec![button(lang.t("btn-back"), CallbackData::Topics)]);
    InlineKeyboardMarkup::new(rows)
}

/// /tanya and /ask: with text, answer it; without, offer the topics.
pub async fn tanya(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    msg: Message,
    question: String,
) -> HandlerResult {
    if question.trim().is_empty() {
        return show_topics(&bot, &app, &caller, msg.chat.id, None).await;
    }
    answer_question(&bot, &app, &caller, msg.chat.id, &question).await
}

pub async fn topics(bot: Bot, app: Arc<App>, caller: Caller, msg: Message) -> HandlerResult {
    show_topics(&bot, &app, &caller, msg.chat.id, None).await
}

/// Plain text outside a dialogue. In private chats every message is a question; in groups
/// only messages that mention the bot or reply to it, so the bot doesn't talk over people.
pub async fn on_text(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    me: Me,
    msg: Message,
) -> HandlerResult {
    let Some(text) = msg.text() else {
        return note_in_private(&bot, &app, &caller, msg.chat.id, "only-text").await;
    };
    if caller.private {
        return answer_question(&bot, &app, &caller, msg.chat.id, text).await;
    }
    let mention = format!("@{}", me.username());
    let mentions = text.to_lowercase().contains(&mention.to_lowercase());
    let replies_to_bot = msg
        .reply_to_message()
        .and_then(|m| m.from.as_ref())
        .is_some_and(|u| u.id == me.id);
    if !mentions && !replies_to_bot {
        return Ok(());
    }
    let question = text.replace(&mention, " ");
    answer_question(&bot, &app, &caller, msg.chat.id, &question).await
}

/// Buttons of topic browsing and feedback. Rule and topic names come from the client, so they
/// are looked up, never trusted.
pub async fn on_callback(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    q: CallbackQuery,
    data: CallbackData,
) -> HandlerResult {
    let lang = caller.lang;
    let Some(message) = q.regular_message() else {
        return stale(&bot, &q, lang).await;
    };
    let chat = message.chat.id;
    match data {
        CallbackData::Topics => {
            bot.answer_callback_query(q.id.clone()).await?;
            show_topics(&bot, &app, &caller, chat, Some(message.id)).await
        }
        CallbackData::Topic(name) => {
            let Some(topic) = Topic::ALL.into_iter().find(|t| t.as_str() == name) else {
                return stale(&bot, &q, lang).await;
            };
            bot.answer_callback_query(q.id.clone()).await?;
            let label = kb()
                .topics(lang)
                .find(|(t, _)| *t == topic)
                .map(|(_, l)| l.to_owned())
                .unwrap_or_default();
            let text = lang.t_args("qa-topic-rules", crate::args!["topic" => label]);
            let result = bot
                .edit_message_text(chat, message.id, text)
                .reply_markup(rules_keyboard(lang, topic))
                .await;
            sent(&app, caller.id, result).await
        }
        CallbackData::Rule(name) => {
            let Ok(rule) = RuleId::parse(&name) else {
                return stale(&bot, &q, lang).await;
            };
            bot.answer_callback_query(q.id.clone()).await?;
            let answer = questions::answer_for(&app, rule, lang);
            send_answer(&bot, &app, &caller, chat, &answer).await
        }
        CallbackData::Feedback { rule, helpful } => {
            let Ok(rule) = RuleId::parse(&rule) else {
                return stale(&bot, &q, lang).await;
            };
            questions::feedback(&app, caller.id, rule, helpful).await?;
            bot.answer_callback_query(q.id.clone())
                .text(lang.t("qa-feedback-thanks"))
                .await?;
            Ok(())
        }
        CallbackData::Pick { question, rule } => {
            let Ok(rule) = RuleId::parse(&rule) else {
                return stale(&bot, &q, lang).await;
            };
            bot.answer_callback_query(q.id.clone()).await?;
            let question = (question > 0).then_some(question);
            let answer = questions::pick(&app, caller.id, question, rule, lang).await?;
            send_answer(&bot, &app, &caller, chat, &answer).await
        }
        CallbackData::NoneFits(question) => {
            // Not stored (past the daily cap) or not this user's: nothing to release, but
            // the helpdesk is still given.
            if question > 0 && !questions::none_fits(&app, caller.id, question).await? {
                return stale(&bot, &q, lang).await;
            }
            bot.answer_callback_query(q.id.clone()).await?;
            let text = lang.t_args(
                "qa-none-fits",
                crate::args!["contact" => app.config.helpdesk_contact.clone()],
            );
            let result = bot.send_message(chat, text).await;
            sent(&app, caller.id, result).await
        }
        _ => stale(&bot, &q, lang).await,
    }
}
