//! Personal replies (status, the user's own data) and the privacy notice.

use teloxide::prelude::*;
use teloxide::types::{ChatId, InlineKeyboardMarkup, Me};

use super::callback::{CallbackData, EraseStep};
use super::keyboards::button;
use super::reply::{say, sent, stale};
use super::{App, Caller, HandlerResult};
use crate::app::privacy::{self, PrivacyError};
use crate::args;
use crate::domain::Nip;

/// In a group, a personal reply would show the caller's name, unit, masked NIP and receipt
/// to everyone there: instead a short note points to the private chat. True when the note
/// was sent and the caller's handler must stop.
pub async fn redirected_to_private(
    bot: &Bot,
    app: &App,
    caller: &Caller,
    me: &Me,
    chat: ChatId,
) -> Result<bool, crate::telegram::HandlerError> {
    if caller.private {
        return Ok(false);
    }
    let link = format!("https://t.me/{}", me.username());
    let text = caller
        .lang
        .t_args("personal-private-only", args!["link" => link]);
    say(bot, app, caller, chat, text).await?;
    Ok(true)
}

/// Personal status, private chats only.
pub async fn status(
    bot: Bot,
    app: std::sync::Arc<App>,
    caller: Caller,
    me: Me,
    chat: ChatId,
) -> HandlerResult {
    if redirected_to_private(&bot, &app, &caller, &me, chat).await? {
        return Ok(());
    }
    super::pledge::status(bot, app, caller, chat).await
}

/// /cek: anyone may check a receipt code; the answer names the election, unit, date and
/// initials only, and a made-up code gets the same polite "not found" as a mistyped one.
pub async fn check_receipt(
    bot: Bot,
    app: std::sync::Arc<App>,
    caller: Caller,
    chat: ChatId,
    raw: String,
) -> HandlerResult {
    let lang = caller.lang;
    let raw = raw.trim();
    if raw.is_empty() {
        return say(&bot, &app, &caller, chat, lang.t("cek-usage")).await;
    }
    let text = match privacy::check_receipt(&app, raw).await {
        Ok(r) => lang.t_args(
            "cek-found",
            args![
                "code" => r.code,
                "election" => r.election,
                "unit" => r.unit.unwrap_or_else(|| lang.t("cek-unknown-unit")),
                "date" => r.date.format("%d-%m-%Y").to_string(),
                "initials" => r.initials.unwrap_or_else(|| lang.t("cek-no-initials")),
            ],
        ),
        Err(PrivacyError::Malformed | PrivacyError::NotFound) => {
            // Echoed cut short and as plain characters: the text is the stranger's own.
            let shown: String = raw.chars().take(24).collect();
            lang.t_args("cek-not-found", args!["code" => shown])
        }
        Err(e) => return Err(e.into()),
    };
    say(&bot, &app, &caller, chat, text).await
}

/// /verify (admins): the whole chain checked, with its head to write down elsewhere.
pub async fn verify(
    bot: Bot,
    app: std::sync::Arc<App>,
    caller: Caller,
    chat: ChatId,
) -> HandlerResult {
    let checked = privacy::verify_chain(&app).await?;
    if let Err(broken) = &checked {
        tracing::error!(%broken, "ledger chain broken");
    }
    say(
        &bot,
        &app,
        &caller,
        chat,
        privacy::chain_text(caller.lang, &checked),
    )
    .await
}

/// /dataku: everything the bot holds about the caller, in their private chat only, with
/// the button that erases it.
pub async fn my_data(
    bot: Bot,
    app: std::sync::Arc<App>,
    caller: Caller,
    me: Me,
    chat: ChatId,
) -> HandlerResult {
    if redirected_to_private(&bot, &app, &caller, &me, chat).await? {
        return Ok(());
    }
    let lang = caller.lang;
    let data = privacy::my_data(&app, caller.id).await?;
    let none = || lang.t("dataku-none");
    let mut text = lang.t("dataku-header");
    if let Some(p) = &data.profile {
        let r = p.registration.as_ref();
        text.push_str("\n\n");
        text.push_str(&lang.t_args(
            "dataku-profile",
            args![
                "display" => if p.display_name.is_empty() { none() } else { p.display_name.clone() },
                "name" => r.map_or_else(none, |r| r.name.as_str().to_owned()),
                // Masked even here: screenshots of this screen travel too.
                "nip" => r.and_then(|r| r.nip.as_ref()).map_or_else(none, Nip::masked),
                "employment" => r.map_or_else(none, |r| lang.t(r.employment.label_key())),
                "unit" => r.map_or_else(none, |r| app.units.name_or_code(r.unit.as_str())),
                "role" => super::roles::role_label(lang, caller.role),
            ],
        ));
    }
    text.push_str("\n\n");
    text.push_str(&lang.t("dataku-pledges"));
    if data.pledges.is_empty() {
        text.push(' ');
        text.push_str(&none());
    }
    for p in &data.pledges {
        text.push('\n');
        let date = p.confirmed_at.with_timezone(&app.config.timezone);
        text.push_str(&lang.t_args(
            "dataku-pledge-line",
            args![
                "election" => &p.election,
                "date" => date.format("%d-%m-%Y").to_string(),
                "code" => &p.receipt_code,
            ],
        ));
    }
    let names = if data.usernames.is_empty() {
        none()
    } else {
        data.usernames
            .iter()
            .map(|u| format!("@{u}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    text.push_str("\n\n");
    text.push_str(&lang.t_args("dataku-usernames", args!["names" => names]));
    text.push('\n');
    text.push_str(&lang.t_args("dataku-questions", args!["count" => data.questions.len()]));
    for q in data.questions.iter().take(20) {
        text.push('\n');
        let short: String = q.question.chars().take(150).collect();
        text.push_str(&lang.t_args("dataku-question-line", args!["question" => short]));
    }
    text.push('\n');
    text.push_str(&lang.t_args("dataku-feedback", args!["count" => data.feedback.len()]));
    let text = super::admin::cut(text);
    let keyboard = InlineKeyboardMarkup::new([[button(
        lang.t("btn-erase-me"),
        CallbackData::Erase {
            step: EraseStep::Ask,
            user: caller.id,
        },
    )]]);
    let result = bot.send_message(chat, text).reply_markup(keyboard).await;
    sent(&app, caller.id, result).await
}

/// The erasure buttons. Callback data can be forged: the data is erased only when the
/// presser is the user it names, in their private chat, at the moment of the press.
pub async fn on_erase(
    bot: Bot,
    app: std::sync::Arc<App>,
    caller: Caller,
    q: CallbackQuery,
    step: EraseStep,
    user: i64,
) -> HandlerResult {
    if user != caller.id || !caller.private {
        tracing::warn!(user_id = caller.id, "erasure button for someone else");
        return stale(&bot, &q, caller.lang).await;
    }
    bot.answer_callback_query(q.id.clone()).await?;
    let lang = caller.lang;
    let chat = ChatId(caller.id);
    match step {
        EraseStep::Ask => {
            let keyboard = InlineKeyboardMarkup::new([[
                button(
                    lang.t("btn-erase-yes"),
                    CallbackData::Erase {
                        step: EraseStep::Yes,
                        user,
                    },
                ),
                button(
                    lang.t("btn-erase-no"),
                    CallbackData::Erase {
                        step: EraseStep::No,
                        user,
                    },
                ),
            ]]);
            let result = bot
                .send_message(chat, lang.t("erase-confirm"))
                .reply_markup(keyboard)
                .await;
            sent(&app, caller.id, result).await
        }
        EraseStep::No => say(&bot, &app, &caller, chat, lang.t("erase-kept")).await,
        EraseStep::Yes => {
            privacy::erase_me(&app, caller.id).await?;
            say(&bot, &app, &caller, chat, lang.t("erase-done")).await
        }
    }
}
