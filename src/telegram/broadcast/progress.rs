//! The officer's one progress message, kept current by the delivery worker.

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, MessageId};

use super::list::grouped;
use crate::app::users;
use crate::args;
use crate::delivery::{SharedPacer, paced};
use crate::domain::broadcast::Progress;
use crate::i18n::{Arg, Lang};
use crate::store::broadcasts::Broadcast;
use crate::telegram::App;
use crate::telegram::callback::{BroadcastAction, CallbackData};
use crate::telegram::keyboards::button;

/// The counts every progress message shows, and the one figure that differs.
fn counts_text(lang: Lang, key: &str, id: i64, p: &Progress, last: (&'static str, Arg)) -> String {
    let g = |n| Arg::from(grouped(lang, n));
    lang.t_args(
        key,
        &[
            ("id", Arg::from(id)),
            ("sent", g(p.sent)),
            ("total", g(p.total)),
            ("failed", g(p.failed)),
            ("blocked", g(p.blocked)),
            last,
        ],
    )
}

pub fn progress_text(lang: Lang, id: i64, p: &Progress, rate: u32) -> String {
    let minutes = ("minutes", Arg::from(p.eta_minutes(rate)));
    counts_text(lang, "bc-progress", id, p, minutes)
}

pub fn final_text(lang: Lang, id: i64, p: &Progress) -> String {
    let cancelled = ("cancelled", Arg::from(grouped(lang, p.cancelled)));
    counts_text(lang, "bc-final", id, p, cancelled)
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
    let lang = users::language_of(app, b.created_by).await;
    let text = progress_text(lang, b.id, p, app.config.broadcast_rate);
    let stop = InlineKeyboardMarkup::new([[button(
        lang.t_args("btn-bc-stop", args!["id" => b.id]),
        CallbackData::Broadcast(BroadcastAction::Stop { id: b.id }),
    )]]);
    // Progress edits share the outbox's pace, so they can't push it over Telegram's limit.
    let _sent = paced(pacer).await;
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
    let lang = users::language_of(app, b.created_by).await;
    let text = final_text(lang, b.id, p);
    let sent = paced(pacer).await;
    if let Err(e) = bot
        .edit_message_text(ChatId(chat), MessageId(message), text.clone())
        .await
    {
        tracing::debug!(error = %e, broadcast = b.id, "final progress not shown");
    }
    drop(sent);
    let _sent = paced(pacer).await;
    if let Err(e) = bot.send_message(ChatId(chat), text).await {
        tracing::warn!(error = %e, broadcast = b.id, "final report not sent");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
