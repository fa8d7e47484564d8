//! `/broadcast` and `/broadcast_at`: the officer's text (or message) becomes a draft.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::{MessageEntity, MessageEntityKind};

use super::keyboards::audience_question;
use crate::app::broadcasts::{self, Draft};
use crate::args;
use crate::domain::broadcast::{
    BroadcastText, MAX_TEXT_CHARS, ScheduleError, TextError, parse_schedule,
};
use crate::telegram::reply::{say, sent};
use crate::telegram::{App, Caller, HandlerResult};

/// The part of `text` from byte `start` on, with the formatting entities that fall in it
/// moved to match. Telegram counts entity offsets in UTF-16 code units.
fn tail_with_entities(
    text: &str,
    entities: &[MessageEntity],
    start: usize,
) -> (String, Vec<MessageEntity>) {
    let tail = &text[start..];
    let shift = text[..start].encode_utf16().count();
    let len = tail.encode_utf16().count();
    let moved = entities
        .iter()
        .filter(|e| e.offset >= shift && !matches!(e.kind, MessageEntityKind::BotCommand))
        .map(|e| MessageEntity {
            kind: e.kind.clone(),
            offset: e.offset - shift,
            length: e.length.min(len.saturating_sub(e.offset - shift)),
        })
        .filter(|e| e.length > 0)
        .collect();
    (tail.to_owned(), moved)
}

/// `/broadcast <text>`, `/broadcast_at <date> <time> <text>`, or either as a reply to one of
/// the officer's own messages (whose formatting is kept).
pub async fn compose(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    msg: Message,
    scheduled: bool,
) -> HandlerResult {
    let lang = caller.lang;
    let chat = msg.chat.id;
    let text = msg.text().unwrap_or_default();
    let cmd_end = text.find(char::is_whitespace).unwrap_or(text.len());
    let args = &text[cmd_end..];
    let now = app.now();
    let tz = app.config.timezone;
    let (at, start) = if scheduled {
        match parse_schedule(args, tz, now) {
            Ok((at, offset)) => (Some(at), cmd_end + offset),
            Err(ScheduleError::Malformed) => {
                let example = (now + chrono::Duration::days(1))
                    .with_timezone(&tz)
                    .format("%Y-%m-%d 07:00")
                    .to_string();
                let reply = lang.t_args(
                    "bc-usage-at",
                    args!["example" => example, "tz" => tz.name()],
                );
                return say(&bot, &app, &caller, chat, reply).await;
            }
            Err(ScheduleError::InPast) => {
                let reply = lang.t_args(
                    "bc-in-past",
                    args!["now" => now.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()],
                );
                return say(&bot, &app, &caller, chat, reply).await;
            }
        }
    } else {
        (None, cmd_end + (args.len() - args.trim_start().len()))
    };
    let (body, entities) = tail_with_entities(text, msg.entities().unwrap_or_default(), start);

    let draft = if !body.trim().is_empty() {
        match BroadcastText::parse(&body) {
            Ok(t) => Draft::Text(t, entities),
            Err(TextError::TooLong(count)) => {
                let reply = lang.t_args(
                    "bc-too-long",
                    args!["count" => count, "max" => MAX_TEXT_CHARS],
                );
                return say(&bot, &app, &caller, chat, reply).await;
            }
            Err(TextError::Empty) => {
                return say(&bot, &app, &caller, chat, lang.t("bc-usage")).await;
            }
        }
    } else if let Some(source) = msg.reply_to_message() {
        if source.from.as_ref().map(|u| u.id.0) != Some(caller.id as u64) {
            return say(&bot, &app, &caller, chat, lang.t("bc-reply-own")).await;
        }
        match source.text() {
            Some(t) => {
                let t = match BroadcastText::parse(t) {
                    Ok(t) => t,
                    Err(_) => return say(&bot, &app, &caller, chat, lang.t("bc-usage")).await,
                };
                Draft::Text(t, source.entities().unwrap_or_default().to_vec())
            }
            None => Draft::Copy {
                chat: source.chat.id.0,
                message: source.id.0,
            },
        }
    } else {
        let usage = if scheduled {
            "bc-usage-at-short"
        } else {
            "bc-usage"
        };
        return say(&bot, &app, &caller, chat, lang.t(usage)).await;
    };
    let draft = broadcasts::create_draft(&app, caller.id, draft, at).await?;
    let (text, keyboard) = audience_question(lang, draft);
    let result = bot.send_message(chat, text).reply_markup(keyboard).await;
    sent(&app, caller.id, result).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_is_cut_off_and_formatting_follows_the_text() {
        let text = "/broadcast 🙂 *Apel* pagi";
        let entities = vec![
            MessageEntity {
                kind: MessageEntityKind::BotCommand,
                offset: 0,
                length: 10,
            },
            MessageEntity {
                kind: MessageEntityKind::Bold,
                offset: 14,
                length: 6,
            },
        ];
        let start = "/broadcast ".len();
        let (tail, moved) = tail_with_entities(text, &entities, start);
        assert_eq!(tail, "🙂 *Apel* pagi");
        assert_eq!(moved.len(), 1);
        // 11 UTF-16 units of "/broadcast " are gone.
        assert_eq!((moved[0].offset, moved[0].length), (3, 6));
    }
}
