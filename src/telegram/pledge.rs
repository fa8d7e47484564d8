//! The pledge flow: /start, registration dialogue, pledge confirmation, receipt, /status, /lang.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use teloxide::prelude::*;
use teloxide::types::{ChatId, MaybeInaccessibleMessage, Me};

use super::callback::CallbackData;
use super::reply::{say, sent, stale};
use super::{App, Caller, HandlerError, HandlerResult, PledgeDialogue, keyboards};
use crate::delivery::Wakeup;
use crate::domain::{Employment, FullName, Nip, UnitCode};
use crate::i18n::Lang;
use crate::store::pledges::Pledge;
use crate::store::users::{Registration, UserRecord};
use crate::{app, args};
use dptree::case;
use teloxide::dispatching::UpdateHandler;

/// Where a registration stands. Each step carries what was collected so far.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum State {
    #[default]
    Idle,
    Employment,
    Name {
        employment: Employment,
    },
    Nip {
        employment: Employment,
        name: FullName,
    },
    Unit {
        employment: Employment,
        name: FullName,
        nip: Option<Nip>,
    },
}

impl State {
    /// States that wait for typed text (as opposed to a button).
    pub fn expects_text(&self) -> bool {
        matches!(self, State::Name { .. } | State::Nip { .. })
    }
}

pub async fn start(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    msg: Message,
    payload: String,
) -> HandlerResult {
    let lang = caller.lang;
    let mut text = format!(
        "{}\n{}",
        lang.t_args(
            "start-greeting",
            args!["name" => caller.record.display_name.clone()]
        ),
        lang.t_args(
            "start-intro",
            args!["election" => &app.config.election_name]
        ),
    );
    // Deep link t.me/<bot>?start=unit_<code>: HR shares one per agency.
    if let Some(unit) = payload
        .trim()
        .strip_prefix("unit_")
        .and_then(|c| app.units.find(c))
        && caller.private
        && caller.record.registration.is_none()
    {
        app::pledge::preselect_unit(&app, caller.id, unit.code.clone()).await?;
        text.push_str("\n\n");
        text.push_str(&lang.t_args("start-unit-selected", args!["unit" => &unit.name]));
    }
    with_main_menu(&bot, &app, &caller, msg.chat.id, text, lang).await
}

/// /ikrar: registered users see the pledge (or their receipt); others start registering.
pub async fn ikrar(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    me: Me,
    dialogue: PledgeDialogue,
    chat: ChatId,
) -> HandlerResult {
    let lang = caller.lang;
    if !caller.private {
        let link = format!("https://t.me/{}?start=ikrar", me.username());
        return say(
            &bot,
            &app,
            &caller,
            chat,
            lang.t_args("group-use-private", args!["link" => link]),
        )
        .await;
    }
    if let Some(existing) = app::pledge::current(&app, caller.id).await? {
        dialogue.exit().await?;
        return send_existing_receipt(&bot, &app, &caller, chat, &existing).await;
    }
    if caller.record.registration.is_some() {
        dialogue.exit().await?;
        return show_pledge(&bot, &app, &caller, chat).await;
    }
    dialogue.update(State::Employment).await?;
    let text = format!(
        "{}\n\n{}",
        lang.t("reg-intro"),
        lang.t("reg-ask-employment")
    );
    let result = bot
        .send_message(chat, text)
        .reply_markup(keyboards::employment(lang))
        .await;
    sent(&app, caller.id, result).await
}

async fn show_pledge(bot: &Bot, app: &App, caller: &Caller, chat: ChatId) -> HandlerResult {
    let lang = caller.lang;
    let text = format!(
        "{}\n\n{}",
        lang.t("pledge-intro"),
        app.pledge_text.render(lang, &app.config.election_name)
    );
    let result = bot
        .send_message(chat, text)
        .reply_markup(keyboards::pledge(lang))
        .await;
    sent(app, caller.id, result).await
}

/// The unit's name for a stored code; the bare code when the unit list no longer has it.
fn unit_name(app: &App, code: Option<&str>) -> String {
    code.map_or_else(|| "-".to_owned(), |c| app.units.name_or_code(c))
}

pub fn receipt_text(app: &App, lang: Lang, user: &UserRecord, p: &Pledge) -> String {
    let registration = user.registration.as_ref();
    let name = registration.map_or(user.display_name.as_str(), |r| r.name.as_str());
    let unit = unit_name(app, registration.map(|r| r.unit.as_str()));
    let local = p.confirmed_at.with_timezone(&app.config.timezone);
    lang.t_args(
        "receipt",
        args![
            "name" => name,
            "unit" => unit,
            "election" => &p.election,
            "time" => local.format("%d-%m-%Y %H:%M %Z").to_string(),
            "code" => &p.receipt_code,
        ],
    )
}

/// The receipt of a pledge made earlier, shown again (a new pledge's receipt goes out
/// through the outbox).
async fn send_existing_receipt(
    bot: &Bot,
    app: &App,
    caller: &Caller,
    chat: ChatId,
    p: &Pledge,
) -> HandlerResult {
    let lang = caller.lang;
    // Receipts are only shown to users registered before this update, so the caller's record
    // loaded for it is current.
    let text = format!(
        "{}\n\n{}",
        lang.t_args("receipt-existing", args!["election" => &p.election]),
        receipt_text(app, lang, &caller.record, p)
    );
    say(bot, app, caller, chat, text).await
}

pub async fn status(bot: Bot, app: Arc<App>, caller: Caller, chat: ChatId) -> HandlerResult {
    let lang = caller.lang;
    let Some(r) = &caller.record.registration else {
        return say(&bot, &app, &caller, chat, lang.t("status-unregistered")).await;
    };
    let unit = unit_name(&app, Some(r.unit.as_str()));
    // Only the owner sees this, in their own chat, yet the NIP is still masked: screenshots travel.
    let nip = r
        .nip
        .as_ref()
        .map(Nip::masked)
        .unwrap_or_else(|| lang.t("status-no-nip"));
    let mut text = lang.t_args(
        "status-registered",
        args![
            "name" => r.name.as_str(),
            "employment" => lang.t(r.employment.label_key()),
            "nip" => nip,
            "unit" => unit,
        ],
    );
    match app::pledge::current(&app, caller.id).await? {
        Some(p) => {
            text.push_str("\n\n");
            text.push_str(&receipt_text(&app, lang, &caller.record, &p));
        }
        None => {
            text.push_str("\n\n");
            text.push_str(&lang.t_args(
                "status-not-pledged",
                args!["election" => &app.config.election_name],
            ));
        }
    }
    say(&bot, &app, &caller, chat, text).await
}

pub async fn switch_lang(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    chat: ChatId,
    to: Lang,
) -> HandlerResult {
    app::pledge::set_language(&app, caller.id, to).await?;
    with_main_menu(&bot, &app, &caller, chat, to.t("lang-set"), to).await
}

/// `text` with the main menu's buttons (pledge, status, ask) under it, in `lang`.
async fn with_main_menu(
    bot: &Bot,
    app: &App,
    caller: &Caller,
    chat: ChatId,
    text: String,
    lang: Lang,
) -> HandlerResult {
    let result = bot
        .send_message(chat, text)
        .reply_markup(keyboards::main_menu(lang))
        .await;
    sent(app, caller.id, result).await
}

pub async fn cancel(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    dialogue: PledgeDialogue,
    chat: ChatId,
) -> HandlerResult {
    dialogue.exit().await?;
    say(&bot, &app, &caller, chat, caller.lang.t("reg-cancelled")).await
}

// ---- Registration steps -------------------------------------------------------------

async fn ask_name(bot: &Bot, app: &App, caller: &Caller, chat: ChatId) -> HandlerResult {
    let lang = caller.lang;
    let result = bot
        .send_message(chat, lang.t("reg-ask-name"))
        .reply_markup(keyboards::use_name(lang, &caller.record.display_name))
        .await;
    sent(app, caller.id, result).await
}

async fn ask_nip(
    bot: &Bot,
    app: &App,
    caller: &Caller,
    chat: ChatId,
    employment: Employment,
) -> HandlerResult {
    let lang = caller.lang;
    let result = if employment.requires_nip() {
        bot.send_message(chat, lang.t("reg-ask-nip-required")).await
    } else {
        bot.send_message(chat, lang.t("reg-ask-nip-optional"))
            .reply_markup(keyboards::skip_nip(lang))
            .await
    };
    sent(app, caller.id, result).await
}

async fn ask_unit(bot: &Bot, app: &App, caller: &Caller, chat: ChatId) -> HandlerResult {
    let lang = caller.lang;
    let (_, pages) = app.units.page(0, keyboards::UNITS_PER_PAGE);
    let text = lang.t_args("reg-ask-unit", args!["page" => 1usize, "pages" => pages]);
    let markup = keyboards::units(
        lang,
        &app.units,
        0,
        caller.record.unit_hint().map(UnitCode::as_str),
    );
    let result = bot.send_message(chat, text).reply_markup(markup).await;
    sent(app, caller.id, result).await
}

/// Messages in the middle of a registration: typed answers where the step expects text,
/// a reminder to use the buttons where it expects a tap.
pub fn dialogue_steps() -> UpdateHandler<HandlerError> {
    dptree::entry()
        .branch(dptree::filter(|state: State| state.expects_text()).endpoint(receive_text))
        .branch(case![State::Employment].endpoint(expect_button))
        .branch(
            case![State::Unit {
                employment,
                name,
                nip
            }]
            .endpoint(expect_button),
        )
}

/// Typed text while the dialogue waits for a name or a NIP.
pub async fn receive_text(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    dialogue: PledgeDialogue,
    state: State,
    msg: Message,
) -> HandlerResult {
    let lang = caller.lang;
    let chat = msg.chat.id;
    let Some(text) = msg.text() else {
        return say(&bot, &app, &caller, chat, lang.t("reg-expect-text")).await;
    };
    match state {
        State::Name { employment } => match FullName::parse(text) {
            Ok(name) => {
                dialogue.update(State::Nip { employment, name }).await?;
                ask_nip(&bot, &app, &caller, chat, employment).await
            }
            Err(e) => say(&bot, &app, &caller, chat, lang.t(e.message_key())).await,
        },
        State::Nip { employment, name } => match Nip::parse(text, app.today()) {
            Ok(nip) => {
                dialogue
                    .update(State::Unit {
                        employment,
                        name,
                        nip: Some(nip),
                    })
                    .await?;
                ask_unit(&bot, &app, &caller, chat).await
            }
            Err(e) => {
                let count = text.chars().filter(|c| c.is_ascii_digit()).count();
                let reply = lang.t_args(e.message_key(), args!["count" => count]);
                say(&bot, &app, &caller, chat, reply).await
            }
        },
        _ => say(&bot, &app, &caller, chat, lang.t("reg-expect-button")).await,
    }
}

/// A message (text or not) while the dialogue waits for a button.
pub async fn expect_button(bot: Bot, app: Arc<App>, caller: Caller, msg: Message) -> HandlerResult {
    say(
        &bot,
        &app,
        &caller,
        msg.chat.id,
        caller.lang.t("reg-expect-button"),
    )
    .await
}

/// Buttons of the pledge flow. Each is checked against the dialogue state it belongs to:
/// a stale or forged button gets a short notice and changes nothing.
#[allow(clippy::too_many_arguments)]
pub async fn on_callback(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    dialogue: PledgeDialogue,
    state: State,
    q: CallbackQuery,
    data: CallbackData,
    wakeup: Wakeup,
) -> HandlerResult {
    let lang = caller.lang;
    let chat = dialogue.chat_id();
    let ack = bot.answer_callback_query(q.id.clone());
    match (data, state) {
        (CallbackData::Employment(code), State::Employment) => {
            let Some(employment) = Employment::parse(&code) else {
                return stale(&bot, &q, lang).await;
            };
            ack.await?;
            dialogue.update(State::Name { employment }).await?;
            ask_name(&bot, &app, &caller, chat).await
        }
        (CallbackData::UseTelegramName, State::Name { employment }) => {
            ack.await?;
            match FullName::parse(&caller.record.display_name) {
                Ok(name) => {
                    dialogue.update(State::Nip { employment, name }).await?;
                    ask_nip(&bot, &app, &caller, chat, employment).await
                }
                Err(e) => say(&bot, &app, &caller, chat, lang.t(e.message_key())).await,
            }
        }
        (CallbackData::SkipNip, State::Nip { employment, name }) if !employment.requires_nip() => {
            ack.await?;
            dialogue
                .update(State::Unit {
                    employment,
                    name,
                    nip: None,
                })
                .await?;
            ask_unit(&bot, &app, &caller, chat).await
        }
        (CallbackData::UnitPage(page), State::Unit { .. }) => {
            ack.await?;
            let Some(message) = q.message.as_ref().map(MaybeInaccessibleMessage::id) else {
                return Ok(());
            };
            let (_, pages) = app.units.page(page, keyboards::UNITS_PER_PAGE);
            let page = page.min(pages - 1);
            let text = lang.t_args("reg-ask-unit", args!["page" => page + 1, "pages" => pages]);
            let markup = keyboards::units(
                lang,
                &app.units,
                page,
                caller.record.unit_hint().map(UnitCode::as_str),
            );
            let result = bot
                .edit_message_text(chat, message, text)
                .reply_markup(markup)
                .await;
            sent(&app, caller.id, result).await
        }
        (
            CallbackData::Unit(code),
            State::Unit {
                employment,
                name,
                nip,
            },
        ) => {
            let Some(unit) = app.units.find(&code) else {
                return stale(&bot, &q, lang).await;
            };
            ack.await?;
            let registration = Registration {
                employment,
                name,
                nip,
                unit: unit.code.clone(),
            };
            app::pledge::register(&app, caller.id, registration).await?;
            dialogue.exit().await?;
            if let Some(message) = q.message.as_ref().map(MaybeInaccessibleMessage::id) {
                let text = lang.t_args("reg-unit-chosen", args!["unit" => &unit.name]);
                sent(
                    &app,
                    caller.id,
                    bot.edit_message_text(chat, message, text).await,
                )
                .await?;
            }
            show_pledge(&bot, &app, &caller, chat).await
        }
        (CallbackData::PledgeConfirm, state) => {
            confirm(bot, app, caller, dialogue, state, q, wakeup).await
        }
        (CallbackData::PledgeCancel, _) => {
            ack.await?;
            clear_buttons(&bot, &app, &caller, &q).await?;
            say(&bot, &app, &caller, chat, lang.t("pledge-cancelled")).await
        }
        _ => stale(&bot, &q, lang).await,
    }
}

/// Confirms the pledge. Valid from any state for a registered user, and idempotent:
/// a double tap or replayed callback leaves one row and shows the same receipt. A new
/// pledge's receipt was queued with it and goes out through the outbox (durable); a repeat
/// gets the existing receipt as a plain reply.
async fn confirm(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    dialogue: PledgeDialogue,
    state: State,
    q: CallbackQuery,
    wakeup: Wakeup,
) -> HandlerResult {
    if caller.record.registration.is_none() || !caller.private {
        return stale(&bot, &q, caller.lang).await;
    }
    let chat = dialogue.chat_id();
    let (p, created) = app::pledge::confirm(&app, caller.id, caller.lang).await?;
    if created {
        // The receipt goes out through the outbox (durable across a 429 or a restart); the
        // note on the spinner says at once that the pledge is stored.
        wakeup.wake();
        bot.answer_callback_query(q.id.clone())
            .text(caller.lang.t("pledge-logged-toast"))
            .await?;
    } else {
        bot.answer_callback_query(q.id.clone()).await?;
    }
    if state != State::Idle {
        dialogue.exit().await?;
    }
    if created {
        clear_buttons(&bot, &app, &caller, &q).await
    } else {
        let (cleared, receipt) = tokio::join!(
            clear_buttons(&bot, &app, &caller, &q),
            send_existing_receipt(&bot, &app, &caller, chat, &p),
        );
        cleared.and(receipt)
    }
}

/// Removes the buttons from the message that carried them, so the choice can't be repeated.
/// Best effort: the pledge is already logged, and a forged callback may point at a message
/// the bot can't edit; that must not cost the user their receipt.
async fn clear_buttons(bot: &Bot, app: &App, caller: &Caller, q: &CallbackQuery) -> HandlerResult {
    if let Some(m) = q.regular_message() {
        let result = bot.edit_message_reply_markup(m.chat.id, m.id).await;
        if let Err(e) = sent(app, caller.id, result).await {
            tracing::debug!(error = %e, "could not remove the buttons");
        }
    }
    Ok(())
}
