//! `/broadcasts`: the latest broadcasts and reminders with their progress.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use super::{audience_label, local_time};
use crate::app::broadcasts;
use crate::args;
use crate::i18n::Lang;
use crate::store::broadcasts::{Cancelled, Status};
use crate::telegram::callback::{BroadcastAction, CallbackData};
use crate::telegram::keyboards::button;
use crate::telegram::reply::{say, sent};
use crate::telegram::{App, Caller, HandlerResult};

/// How many broadcasts one page of `/broadcasts` lists.
const PAGE_SIZE: usize = 10;

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

/// `/broadcasts` and its page buttons: every broadcast and reminder, open ones first, with
/// their progress; open ones get a cancel button. A page past the end shows the last one, so
/// an old button still lands somewhere sensible.
pub async fn list(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    chat: ChatId,
    page: usize,
) -> HandlerResult {
    let lang = caller.lang;
    let (items, total, page) = broadcasts::page(&app, page, PAGE_SIZE).await?;
    if total == 0 {
        return say(&bot, &app, &caller, chat, lang.t("bc-list-empty")).await;
    }
    let pages = total.div_ceil(PAGE_SIZE);
    let mut text = lang.t("bc-list-title");
    let mut rows = Vec::new();
    for (b, p) in &items {
        let what = if b.system_made {
            lang.t("bc-kind-reminder")
        } else {
            audience_label(&app, lang, b.audience.as_ref())
        };
        let when = local_time(&app, b.scheduled_at.unwrap_or(b.created_at));
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
        if b.status.is_open() && !b.system_made {
            rows.push(vec![button(
                lang.t_args("btn-bc-stop", args!["id" => b.id]),
                CallbackData::Broadcast(BroadcastAction::Stop { id: b.id }),
            )]);
        }
    }
    if pages > 1 {
        text.push_str("\n\n");
        text.push_str(&lang.t_args(
            "bc-list-page",
            args!["page" => page + 1, "pages" => pages, "total" => total],
        ));
        let mut nav = Vec::new();
        if page > 0 {
            nav.push(button(
                lang.t("btn-bc-page-prev"),
                CallbackData::Broadcast(BroadcastAction::ListPage { page: page - 1 }),
            ));
        }
        if page + 1 < pages {
            nav.push(button(
                lang.t("btn-bc-page-next"),
                CallbackData::Broadcast(BroadcastAction::ListPage { page: page + 1 }),
            ));
        }
        rows.push(nav);
    }
    let result = bot
        .send_message(chat, text)
        .reply_markup(InlineKeyboardMarkup::new(rows))
        .await;
    sent(&app, caller.id, result).await
}

/// `/cancel_broadcast <id>`: any HR officer or admin (the schema checked the role for this
/// very update) may cancel any open broadcast; a made-up number gets a polite no.
pub async fn cancel_by_command(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    chat: ChatId,
    raw: String,
) -> HandlerResult {
    let lang = caller.lang;
    let raw = raw.trim();
    let Some(id) = raw
        .trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
    else {
        return say(&bot, &app, &caller, chat, lang.t("bc-cancel-usage")).await;
    };
    let outcome = broadcasts::cancel(&app, id, caller.id, caller.role.is_hr()).await?;
    let not_open = || lang.t_args("bc-cancel-unknown", args!["id" => id]);
    let text = cancelled_text(lang, id, outcome, not_open);
    say(&bot, &app, &caller, chat, text).await
}

/// What an officer is told after stopping broadcast `id`; `not_open` words the answer for a
/// broadcast already over or never there, which a typed number and a pressed button put
/// differently.
pub(super) fn cancelled_text(
    lang: Lang,
    id: i64,
    outcome: Cancelled,
    not_open: impl FnOnce() -> String,
) -> String {
    match outcome {
        Cancelled::Done(n) => lang.t_args("bc-cancelled", args!["id" => id, "count" => n]),
        Cancelled::NotAllowed => lang.t("bc-not-yours"),
        Cancelled::NotOpen | Cancelled::NotFound => not_open(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_per_language() {
        assert_eq!(grouped(Lang::Id, 3983), "3.983");
        assert_eq!(grouped(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(grouped(Lang::Id, 12), "12");
        assert_eq!(grouped(Lang::Id, 100), "100");
    }
}
