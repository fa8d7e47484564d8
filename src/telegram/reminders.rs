//! `/pengingat` (`/reminders`): the reminder schedule, and muting the optional reminders.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use super::callback::CallbackData;
use super::keyboards::button;
use super::reply::sent;
use super::{App, Caller, HandlerResult};
use crate::args;
use crate::i18n::Lang;
use crate::reminders::{ReminderKind, Schedule};

/// The schedule as the user reads it: upcoming reminders in local time, then the mute state.
pub fn schedule_text(
    app: &App,
    lang: Lang,
    muted: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let schedule = Schedule::from_config(&app.config);
    let tz = app.config.timezone;
    let mut text = lang.t_args(
        "rem-title",
        args![
            "election" => &app.config.election_name,
            "date" => app.config.election_date.format("%d-%m-%Y").to_string(),
        ],
    );
    let upcoming: Vec<_> = schedule
        .reminders()
        .into_iter()
        .filter(|r| r.at > now && now < schedule.election_start())
        .collect();
    if upcoming.is_empty() {
        text.push('\n');
        text.push_str(&lang.t("rem-none"));
    }
    for r in upcoming {
        let key = match r.kind {
            ReminderKind::Pledge => "rem-line-pledge",
            ReminderKind::Neutral => "rem-line-neutral",
        };
        text.push('\n');
        text.push_str(&lang.t_args(
            key,
            args!["time" => r.at.with_timezone(&tz).format("%d-%m-%Y %H:%M %Z").to_string()],
        ));
    }
    text.push_str("\n\n");
    text.push_str(&lang.t(if muted { "rem-muted" } else { "rem-unmuted" }));
    text
}

fn keyboard(lang: Lang, muted: bool) -> InlineKeyboardMarkup {
    let (key, mute) = if muted {
        ("btn-rem-unmute", false)
    } else {
        ("btn-rem-mute", true)
    };
    InlineKeyboardMarkup::new([[button(lang.t(key), CallbackData::Reminders { mute })]])
}

pub async fn show(bot: Bot, app: Arc<App>, caller: Caller, chat: ChatId) -> HandlerResult {
    let muted = caller.record.reminders_muted;
    let text = schedule_text(&app, caller.lang, muted, app.now());
    let result = bot
        .send_message(chat, text)
        .reply_markup(keyboard(caller.lang, muted))
        .await;
    sent(&app, caller.id, result).await
}

/// The mute button: sets the state it names (so a double tap is harmless) and redraws.
pub async fn set_muted(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    q: CallbackQuery,
    mute: bool,
) -> HandlerResult {
    let id = caller.id;
    crate::app::pledge::set_reminders_muted(&app, id, mute).await?;
    bot.answer_callback_query(q.id.clone()).await?;
    let text = schedule_text(&app, caller.lang, mute, app.now());
    match q.regular_message() {
        Some(m) => {
            let result = bot
                .edit_message_text(m.chat.id, m.id, text)
                .reply_markup(keyboard(caller.lang, mute))
                .await;
            sent(&app, id, result).await
        }
        None => sent(&app, id, bot.send_message(ChatId(id), text).await).await,
    }
}
