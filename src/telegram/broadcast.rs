//! HR broadcasts: compose, choose the audience, preview, confirm; list and cancel; progress.
//!
//! The role gate is in the schema (message and callback branches). Every button re-checks
//! that the draft belongs to the officer pressing it; the store refuses anything that is no
//! longer an open draft, so a replayed or forged button changes nothing.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, MaybeInaccessibleMessage, MessageEntity,
    MessageEntityKind, MessageId,
};

use super::callback::{AudienceChoice, BroadcastAction, CallbackData};
use super::commands::HrCommand;
use super::keyboards::button;
use super::reply::{say, sent};
use super::{App, Caller, HandlerResult};
use crate::args;
use crate::delivery::message::{
    Audience, BroadcastText, MAX_TEXT_CHARS, Progress, ScheduleError, TextError, parse_schedule,
};
use crate::delivery::{SharedPacer, Wakeup, paced};
use crate::i18n::Lang;
use crate::store::broadcasts::{self, Broadcast, Cancelled, Confirmed, Status};
use crate::store::users;

/// How many broadcasts `/broadcasts` lists.
const LIST_LIMIT: usize = 10;
const UNITS_PER_PAGE: usize = 8;

pub async fn on_command(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    msg: Message,
    cmd: HrCommand,
) -> HandlerResult {
    let chat = msg.chat.id;
    if !caller.private {
        return say(&bot, &app, &caller, chat, caller.lang.t("bc-private-only")).await;
    }
    match cmd {
        HrCommand::Broadcast(_) => compose(bot, app, caller, msg, false).await,
        HrCommand::BroadcastAt(_) => compose(bot, app, caller, msg, true).await,
        HrCommand::Broadcasts => list(bot, app, caller, chat).await,
    }
}

/// Anyone without the HR or admin role: one line, and a log entry without the text.
pub async fn refuse(bot: Bot, app: Arc<App>, caller: Caller, msg: Message) -> HandlerResult {
    tracing::warn!(user_id = caller.id, "refused a broadcast command");
    let result = bot
        .send_message(msg.chat.id, caller.lang.t("refused-role"))
        .await;
    sent(&app, caller.id, result).await
}

/// A broadcast button pressed by someone without the role (now).
pub async fn refuse_button(bot: Bot, caller: Caller, q: CallbackQuery) -> HandlerResult {
    tracing::warn!(user_id = caller.id, "refused a broadcast button");
    bot.answer_callback_query(q.id.clone())
        .text(caller.lang.t("refused-role"))
        .show_alert(true)
        .await?;
    Ok(())
}

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
async fn compose(
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

    let id = caller.id;
    let draft = if !body.trim().is_empty() {
        match BroadcastText::parse(&body) {
            Ok(t) => {
                let entities = (!entities.is_empty())
                    .then(|| serde_json::to_string(&entities).ok())
                    .flatten();
                text_draft(&app, id, t, entities, at, now).await?
            }
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
                let entities = source
                    .entities()
                    .filter(|e| !e.is_empty())
                    .and_then(|e| serde_json::to_string(e).ok());
                text_draft(&app, id, t, entities, at, now).await?
            }
            None => {
                let (from, message) = (source.chat.id.0, source.id.0);
                app.store
                    .run(move |c| broadcasts::create_copy_draft(c, id, from, message, at, now))
                    .await?
            }
        }
    } else {
        let usage = if scheduled {
            "bc-usage-at-short"
        } else {
            "bc-usage"
        };
        return say(&bot, &app, &caller, chat, lang.t(usage)).await;
    };
    tracing::info!(
        user_id = caller.id,
        broadcast = draft,
        "broadcast draft created"
    );
    let (text, keyboard) = audience_question(lang, draft);
    let result = bot.send_message(chat, text).reply_markup(keyboard).await;
    sent(&app, caller.id, result).await
}

/// "To whom?" with its buttons: asked for a new draft, and again when a choice is undone.
fn audience_question(lang: Lang, id: i64) -> (String, InlineKeyboardMarkup) {
    let choice = |key: &str, choice| {
        vec![button(
            lang.t(key),
            CallbackData::Broadcast(BroadcastAction::Audience { id, choice }),
        )]
    };
    let keyboard = InlineKeyboardMarkup::new([
        choice("btn-bc-all", AudienceChoice::All),
        choice("btn-bc-unpledged", AudienceChoice::Unpledged),
        choice("btn-bc-unit", AudienceChoice::Unit),
        vec![discard_button(lang, id)],
    ]);
    (
        lang.t_args("bc-choose-audience", args!["id" => id]),
        keyboard,
    )
}

fn discard_button(lang: Lang, id: i64) -> InlineKeyboardButton {
    button(
        lang.t("btn-bc-discard"),
        CallbackData::Broadcast(BroadcastAction::Discard { id }),
    )
}

/// One page of the unit picker, with its heading.
fn unit_question(app: &App, lang: Lang, id: i64, page: usize) -> (String, InlineKeyboardMarkup) {
    let (slice, pages) = app.units.page(page, UNITS_PER_PAGE);
    let page = page.min(pages.saturating_sub(1));
    let mut rows: Vec<Vec<InlineKeyboardButton>> = slice
        .iter()
        .map(|u| {
            vec![button(
                u.name.clone(),
                CallbackData::Broadcast(BroadcastAction::Unit {
                    id,
                    code: u.code.as_str().to_owned(),
                }),
            )]
        })
        .collect();
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(button(
            lang.t("btn-prev"),
            CallbackData::Broadcast(BroadcastAction::UnitPage { id, page: page - 1 }),
        ));
    }
    if page + 1 < pages {
        nav.push(button(
            lang.t("btn-next"),
            CallbackData::Broadcast(BroadcastAction::UnitPage { id, page: page + 1 }),
        ));
    }
    if !nav.is_empty() {
        rows.push(nav);
    }
    rows.push(vec![discard_button(lang, id)]);
    let heading = lang.t_args(
        "bc-choose-unit",
        args!["page" => page + 1, "pages" => pages],
    );
    (heading, InlineKeyboardMarkup::new(rows))
}

fn preview_keyboard(lang: Lang, b: &Broadcast) -> InlineKeyboardMarkup {
    let id = b.id;
    let toggle = if b.mandatory {
        "btn-bc-make-optional"
    } else {
        "btn-bc-make-mandatory"
    };
    InlineKeyboardMarkup::new([
        vec![button(
            lang.t("btn-bc-confirm"),
            CallbackData::Broadcast(BroadcastAction::Confirm { id }),
        )],
        vec![button(
            lang.t(toggle),
            CallbackData::Broadcast(BroadcastAction::Mandatory { id }),
        )],
        vec![
            button(
                lang.t("btn-bc-change-audience"),
                CallbackData::Broadcast(BroadcastAction::Audience {
                    id,
                    choice: AudienceChoice::Again,
                }),
            ),
            discard_button(lang, id),
        ],
    ])
}

pub fn audience_label(app: &App, lang: Lang, a: Option<&Audience>) -> String {
    match a {
        None => "-".into(),
        Some(Audience::All) => lang.t("bc-audience-all"),
        Some(Audience::Unpledged) => lang.t("bc-audience-unpledged"),
        Some(Audience::RegisteredUnpledged) => lang.t("bc-audience-reg-unpledged"),
        Some(Audience::Unit(code)) => {
            let name = app
                .units
                .find(code)
                .map(|u| u.name.clone())
                .unwrap_or_else(|| code.clone());
            lang.t_args("bc-audience-unit", args!["unit" => name])
        }
    }
}

fn local_time(app: &App, at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&app.config.timezone)
        .format("%d-%m-%Y %H:%M %Z")
        .to_string()
}

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
    let id = action.id();
    let Some(b) = app.store.run(move |c| broadcasts::get(c, id)).await? else {
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
            app.store
                .run(move |c| broadcasts::toggle_mandatory(c, id, me))
                .await?;
            show_preview(&bot, &app, &caller, message, id).await
        }
        BroadcastAction::Confirm { .. } => {
            let election = app.config.election_name.clone();
            let now = app.now();
            let outcome = app
                .store
                .run(move |c| broadcasts::confirm(c, id, me, &election, now, Some((me, message.0))))
                .await?;
            let text = match outcome {
                Confirmed::Queued(n) => {
                    tracing::info!(
                        user_id = me,
                        broadcast = id,
                        recipients = n,
                        "broadcast confirmed"
                    );
                    wakeup.wake();
                    lang.t_args("bc-queued", args!["id" => id, "count" => n])
                }
                Confirmed::Scheduled(at) => {
                    tracing::info!(user_id = me, broadcast = id, "broadcast scheduled");
                    lang.t_args(
                        "bc-scheduled",
                        args![
                            "id" => id,
                            "time" => local_time(&app, at),
                            "audience" => audience_label(&app, lang, b.audience.as_ref()),
                        ],
                    )
                }
                Confirmed::NoAudience => {
                    let (text, keyboard) = audience_question(lang, id);
                    return sent(&app, me, edit(text, Some(keyboard)).await).await;
                }
                Confirmed::NotADraft => lang.t("bc-not-open"),
            };
            sent(&app, me, edit(text, None).await).await
        }
        BroadcastAction::Discard { .. } => {
            let admin = caller.role.is_admin();
            let now = app.now();
            app.store
                .run(move |c| broadcasts::cancel(c, id, me, admin, now))
                .await?;
            sent(&app, me, edit(lang.t("bc-discarded"), None).await).await
        }
        BroadcastAction::Stop { .. } => {
            let admin = caller.role.is_admin();
            let now = app.now();
            let outcome = app
                .store
                .run(move |c| broadcasts::cancel(c, id, me, admin, now))
                .await?;
            let text = match outcome {
                Cancelled::Done(n) => {
                    tracing::info!(
                        user_id = me,
                        broadcast = id,
                        unsent = n,
                        "broadcast cancelled"
                    );
                    lang.t_args("bc-cancelled", args!["id" => id, "count" => n])
                }
                Cancelled::NotAllowed => lang.t("bc-not-yours"),
                Cancelled::NotOpen | Cancelled::NotFound => lang.t("bc-not-open"),
            };
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
    app.store
        .run(move |c| broadcasts::set_audience(c, id, me, &audience))
        .await?;
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
    let election = app.config.election_name.clone();
    let found = app
        .store
        .run(move |c| {
            let Some(b) = broadcasts::get(c, id)? else {
                return Ok(None);
            };
            let count = match &b.audience {
                Some(a) => broadcasts::count_audience(c, a, b.mandatory, &election)?,
                None => 0,
            };
            Ok(Some((b, count)))
        })
        .await?;
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

async fn stale(bot: &Bot, q: &CallbackQuery, lang: Lang) -> HandlerResult {
    bot.answer_callback_query(q.id.clone())
        .text(lang.t("callback-stale"))
        .await?;
    Ok(())
}

fn status_label(lang: Lang, s: Status) -> String {
    lang.t(match s {
        Status::Draft => "bc-status-draft",
        Status::Scheduled => "bc-status-scheduled",
        Status::Queued => "bc-status-queued",
        Status::Done => "bc-status-done",
        Status::Cancelled => "bc-status-cancelled",
        Status::Skipped => "bc-status-skipped",
    })
}

/// `/broadcasts`: the latest broadcasts and reminders with their progress; open ones get a
/// cancel button.
async fn list(bot: Bot, app: Arc<App>, caller: Caller, chat: ChatId) -> HandlerResult {
    let lang = caller.lang;
    let items = app
        .store
        .run(|c| {
            broadcasts::recent(c, LIST_LIMIT)?
                .into_iter()
                .map(|b| {
                    let p = broadcasts::progress(c, b.id)?;
                    Ok((b, p))
                })
                .collect::<crate::store::Result<Vec<_>>>()
        })
        .await?;
    if items.is_empty() {
        return say(&bot, &app, &caller, chat, lang.t("bc-list-empty")).await;
    }
    let mut text = lang.t("bc-list-title");
    let mut rows = Vec::new();
    for (b, p) in &items {
        let what = if b.is_reminder {
            lang.t("bc-kind-reminder")
        } else {
            audience_label(&app, lang, b.audience.as_ref())
        };
        let when = b
            .scheduled_at
            .or(b.created_at)
            .map(|at| local_time(&app, at))
            .unwrap_or_default();
        text.push('\n');
        text.push_str(&lang.t_args(
            "bc-list-item",
            args![
                "id" => b.id,
                "status" => status_label(lang, b.status),
                "what" => what,
                "when" => when,
                "sent" => grouped(lang, p.sent),
                "total" => grouped(lang, p.total),
                "failed" => grouped(lang, p.failed),
                "blocked" => grouped(lang, p.blocked),
            ],
        ));
        if b.status.is_open() && !b.is_reminder {
            rows.push(vec![button(
                lang.t_args("btn-bc-stop", args!["id" => b.id]),
                CallbackData::Broadcast(BroadcastAction::Stop { id: b.id }),
            )]);
        }
    }
    let result = bot
        .send_message(chat, text)
        .reply_markup(InlineKeyboardMarkup::new(rows))
        .await;
    sent(&app, caller.id, result).await
}

/// Thousands grouped the way each language writes them: 3.983 in Indonesian, 3,983 in
/// English. Fluent's own number formatting doesn't group.
pub fn grouped(lang: Lang, n: i64) -> String {
    let sep = match lang {
        Lang::Id => '.',
        Lang::En => ',',
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(d);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

pub fn progress_text(lang: Lang, id: i64, p: &Progress, rate: u32) -> String {
    let g = |n| grouped(lang, n);
    lang.t_args(
        "bc-progress",
        args![
            "id" => id,
            "sent" => g(p.sent),
            "total" => g(p.total),
            "failed" => g(p.failed),
            "blocked" => g(p.blocked),
            "minutes" => p.eta_minutes(rate),
        ],
    )
}

pub fn final_text(lang: Lang, id: i64, p: &Progress) -> String {
    let g = |n| grouped(lang, n);
    lang.t_args(
        "bc-final",
        args![
            "id" => id,
            "sent" => g(p.sent),
            "total" => g(p.total),
            "failed" => g(p.failed),
            "blocked" => g(p.blocked),
            "cancelled" => g(p.cancelled),
        ],
    )
}

async fn officer_lang(app: &App, user_id: i64) -> Lang {
    app.store
        .run(move |c| users::get(c, user_id))
        .await
        .ok()
        .flatten()
        .map(|u| u.language)
        .unwrap_or(app.config.default_locale)
}

/// Edits the officer's one progress message (called by the delivery reporter).
pub async fn report_progress(
    bot: &Bot,
    app: &App,
    pacer: &SharedPacer,
    b: &Broadcast,
    p: &Progress,
) {
    let (Some(chat), Some(message)) = (b.status_chat, b.status_message) else {
        return;
    };
    let lang = officer_lang(app, b.created_by).await;
    let text = progress_text(lang, b.id, p, app.config.broadcast_rate);
    let stop = InlineKeyboardMarkup::new([[button(
        lang.t_args("btn-bc-stop", args!["id" => b.id]),
        CallbackData::Broadcast(BroadcastAction::Stop { id: b.id }),
    )]]);
    // Progress edits share the outbox's pace, so they can't push it over Telegram's limit.
    paced(pacer).await;
    if let Err(e) = bot
        .edit_message_text(ChatId(chat), MessageId(message), text)
        .reply_markup(stop)
        .await
    {
        tracing::debug!(error = %e, broadcast = b.id, "progress message not updated");
    }
}

/// The last edit of the progress message, and a new message so the officer is notified.
pub async fn report_final(bot: &Bot, app: &App, pacer: &SharedPacer, b: &Broadcast, p: &Progress) {
    let (Some(chat), Some(message)) = (b.status_chat, b.status_message) else {
        return;
    };
    let lang = officer_lang(app, b.created_by).await;
    let text = final_text(lang, b.id, p);
    paced(pacer).await;
    if let Err(e) = bot
        .edit_message_text(ChatId(chat), MessageId(message), text.clone())
        .await
    {
        tracing::debug!(error = %e, broadcast = b.id, "final progress not shown");
    }
    paced(pacer).await;
    if let Err(e) = bot.send_message(ChatId(chat), text).await {
        tracing::warn!(error = %e, broadcast = b.id, "final report not sent");
    }
}

/// Saves a text draft with its formatting entities (JSON), returning the draft's id.
async fn text_draft(
    app: &App,
    author: i64,
    text: BroadcastText,
    entities: Option<String>,
    at: Option<chrono::DateTime<chrono::Utc>>,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::store::Result<i64> {
    app.store
        .run(move |c| {
            broadcasts::create_text_draft(c, author, text.as_str(), entities.as_deref(), at, now)
        })
        .await
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

    #[test]
    fn numbers_are_grouped_per_language() {
        assert_eq!(grouped(Lang::Id, 3983), "3.983");
        assert_eq!(grouped(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(grouped(Lang::Id, 12), "12");
        assert_eq!(grouped(Lang::Id, 100), "100");
    }

    #[test]
    fn progress_reads_like_the_spec() {
        let p = Progress {
            total: 3983,
            sent: 1200,
            failed: 3,
            blocked: 12,
            cancelled: 0,
            remaining: 2768,
        };
        let text = progress_text(Lang::Id, 7, &p, 25);
        assert!(text.contains("1.200/3.983"), "{text}");
        assert!(
            text.contains("gagal 3 · diblokir 12 · selesai ± 2 menit"),
            "{text}"
        );
    }
}
