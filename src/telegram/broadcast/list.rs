//! `/broadcasts`: the latest broadcasts and reminders with their progress.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use super::{audience_label, local_time};
use crate::app::broadcasts;
use crate::args;
use crate::i18n::Lang;
use crate::store::broadcasts::Status;
use crate::telegram::callback::{BroadcastAction, CallbackData};
use crate::telegram::keyboards::button;
use crate::telegram::reply::{say, sent};
use crate::telegram::{App, Caller, HandlerResult};

/// How many broadcasts `/broadcasts` lists.
const LIST_LIMIT: usize = 10;

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
pub async fn list(bot: Bot, app: Arc<App>, caller: Caller, chat: ChatId) -> HandlerResult {
    let lang = caller.lang;
    let items = broadcasts::recent(&app, LIST_LIMIT).await?;
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
