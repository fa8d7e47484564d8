//! The buttons of a draft and of a running broadcast: the draft's state machine.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, MaybeInaccessibleMessage, MessageId};

use super::keyboards::{audience_question, preview_keyboard, unit_question};
use super::{audience_label, local_time};
use crate::args;
use crate::delivery::Wakeup;
use crate::domain::broadcast::Audience;

use crate::app::broadcasts;
use crate::store::broadcasts::{Confirmed, Status};
use crate::telegram::callback::{AudienceChoice, BroadcastAction};
use crate::telegram::reply::{say, sent, stale};
use crate::telegram::{App, Caller, HandlerResult};

/// Buttons of the broadcast flow (the role gate already passed, just now).
pub async fn on_callback(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    wakeup: Wakeup,
    q: CallbackQuery,
    action: BroadcastAction,
) -> HandlerResult {
    let lang = caller.lang;
    let Some(message) = q.message.as_ref().map(MaybeInaccessibleMessage::id) else {
        return stale(&bot, &q, lang).await;
    };
    let chat = ChatId(caller.id);
    let me = caller.id;
    let Some(id) = action.id() else {
        // A list page: shown in the officer's private chat, wherever the button was.
        bot.answer_callback_query(q.id.clone()).await?;
        let page = match action {
            BroadcastAction::ListPage { page } => page,
            _ => 0,
        };
        return super::list::list(bot, app, caller, chat, page).await;
    };
    let Some(b) = broadcasts::get(&app, id).await? else {
        return stale(&bot, &q, lang).await;
    };
    // Drafts are private to their author; stopping a running one is checked by the store.
    if !matches!(action, BroadcastAction::Stop { .. })
        && (b.created_by != me || b.status != Status::Draft)
    {
        return stale(&bot, &q, lang).await;
    }
    bot.answer_callback_query(q.id.clone()).await?;
    let edit = |text: String, markup: Option<InlineKeyboardMarkup>| {
        let req = bot.edit_message_text(chat, message, text);
        match markup {
            Some(m) => req.reply_markup(m),
            None => req,
        }
    };
    match action {
        BroadcastAction::Audience { choice, .. } => {
            let audience = match choice {
                AudienceChoice::All => Audience::All,
                AudienceChoice::Unpledged => Audience::Unpledged,
                AudienceChoice::Again => {
                    let (text, keyboard) = audience_question(lang, id);
                    return sent(&app, me, edit(text, Some(keyboard)).await).await;
                }
                AudienceChoice::Unit => {
                    let (text, keyboard) = unit_question(&app, lang, id, 0);
                    return sent(&app, me, edit(text, Some(keyboard)).await).await;
                }
            };
            choose(&bot, &app, &caller, message, id, audience).await
        }
        BroadcastAction::UnitPage { page, .. } => {
            let (text, keyboard) = unit_question(&app, lang, id, page);
            sent(&app, me, edit(text, Some(keyboard)).await).await
        }
        BroadcastAction::Unit { code, .. } => {
            let Some(unit) = app.units.find(&code) else {
                // A unit dropped from UNITS_FILE since the list was drawn: show the list again.
                let (text, keyboard) = unit_question(&app, lang, id, 0);
                return sent(&app, me, edit(text, Some(keyboard)).await).await;
            };
            let audience = Audience::Unit(unit.code.as_str().to_owned());
            choose(&bot, &app, &caller, message, id, audience).await
        }
        BroadcastAction::Mandatory { .. } => {
            broadcasts::toggle_mandatory(&app, id, me).await?;
            show_preview(&bot, &app, &caller, message, id).await
        }
        BroadcastAction::Confirm { .. } => {
            let outcome = broadcasts::confirm(&app, id, me, Some((me, message.0))).await?;
            let text = match outcome {
                Confirmed::Queued(n) => {
                    wakeup.wake();
                    lang.t_args("bc-queued", args!["id" => id, "count" => n])
                }
                Confirmed::Scheduled(at) => lang.t_args(
                    "bc-scheduled",
                    args![
                        "id" => id,
                        "time" => local_time(&app, at),
                        "audience" => audience_label(&app, lang, b.audience.as_ref()),
                    ],
                ),
                Confirmed::NoAudience => {
                    let (text, keyboard) = audience_question(lang, id);
                    return sent(&app, me, edit(text, Some(keyboard)).await).await;
                }
                Confirmed::NotADraft => lang.t("bc-not-open"),
            };
            sent(&app, me, edit(text, None).await).await
        }
        BroadcastAction::Discard { .. } => {
            broadcasts::cancel(&app, id, me, caller.role.is_admin()).await?;
            sent(&app, me, edit(lang.t("bc-discarded"), None).await).await
        }
        BroadcastAction::ListPage { .. } => Ok(()),
        BroadcastAction::Stop { .. } => {
            // Any officer may stop any broadcast: the role gate ran for this very press.
            let outcome = broadcasts::cancel(&app, id, me, caller.role.is_hr()).await?;
            let text = super::list::cancelled_text(lang, id, outcome, || lang.t("bc-not-open"));
            say(&bot, &app, &caller, chat, text).await
        }
    }
}

async fn choose(
    bot: &Bot,
    app: &App,
    caller: &Caller,
    message: MessageId,
    id: i64,
    audience: Audience,
) -> HandlerResult {
    let me = caller.id;
    broadcasts::set_audience(app, id, me, audience).await?;
    show_preview(bot, app, caller, message, id).await
}

/// The preview: audience, recipient count right now, mandatory or not, and when.
async fn show_preview(
    bot: &Bot,
    app: &App,
    caller: &Caller,
    message: MessageId,
    id: i64,
) -> HandlerResult {
    let lang = caller.lang;
    let found = broadcasts::preview(app, id).await?;
    let Some((b, count)) = found else {
        return Ok(());
    };
    let when = match b.scheduled_at {
        Some(at) => lang.t_args("bc-when-at", args!["time" => local_time(app, at)]),
        None => lang.t("bc-when-now"),
    };
    let mode = if b.mandatory {
        lang.t("bc-mode-mandatory")
    } else {
        lang.t("bc-mode-optional")
    };
    let text = lang.t_args(
        "bc-preview",
        args![
            "id" => id,
            "audience" => audience_label(app, lang, b.audience.as_ref()),
            "count" => count,
            "mode" => mode,
            "when" => when,
        ],
    );
    let result = bot
        .edit_message_text(ChatId(caller.id), message, text)
        .reply_markup(preview_keyboard(lang, &b))
        .await;
    sent(app, caller.id, result).await
}
