//! The delivery worker's view of Telegram: [`Outlet`] implemented with a `Bot`.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::MessageId;
use teloxide::{ApiError, RequestError};

use super::App;
use super::broadcast::progress;
use super::reply::is_unreachable;
use crate::args;
use crate::delivery::{Outcome, Outlet, SharedPacer};
use crate::domain::broadcast::Progress;
use crate::store::broadcasts::{Broadcast, Content};
use crate::store::outbox::Claimed;
use crate::store::pledges::{self, Pledge};
use crate::store::users::{self, UserRecord};

pub struct TelegramOutlet {
    pub bot: Bot,
    pub app: Arc<App>,
}

impl Outlet for TelegramOutlet {
    async fn send(&self, row: &Claimed, content: &Content) -> Outcome {
        let chat = ChatId(row.user_id);
        let bot = &self.bot;
        // Paid broadcasts: Telegram lets them through up to 1,000/s and bills the bot's Stars.
        let paid = self.app.config.paid_broadcast;
        let result = match content {
            Content::Text { body, entities } => {
                let mut req = bot.send_message(chat, body).allow_paid_broadcast(paid);
                if !entities.is_empty() {
                    req = req.entities(entities.clone());
                }
                req.await.map(|_| ())
            }
            Content::Copy {
                chat: from,
                message,
            } => bot
                .copy_message(chat, ChatId(*from), MessageId(*message))
                .allow_paid_broadcast(paid)
                .await
                .map(|_| ()),
            Content::Reminder { key, days_before } => {
                let text = row.lang.t_args(
                    key,
                    args!["election" => &self.app.config.election_name, "days" => *days_before],
                );
                bot.send_message(chat, text)
                    .allow_paid_broadcast(paid)
                    .await
                    .map(|_| ())
            }
        };
        classify(result)
    }

    async fn send_receipt(&self, row: &Claimed, election: &str) -> Outcome {
        let (user, pledge) = match receipt_parts(&self.app, row.user_id, election).await {
            Ok(Some(parts)) => parts,
            // Erased (/dataku) between the pledge and now: nothing left to confirm.
            Ok(None) => return Outcome::Failed("pledge no longer stored".into()),
            Err(e) => return Outcome::Retry(e.to_string()),
        };
        let text = super::pledge::receipt_text(&self.app, row.lang, &user, &pledge);
        classify(
            self.bot
                .send_message(ChatId(row.user_id), text)
                .await
                .map(|_| ()),
        )
    }

    async fn progress(&self, b: &Broadcast, p: &Progress, pacer: &SharedPacer) {
        progress::report_progress(&self.bot, &self.app, pacer, b, p).await;
    }

    async fn finished(&self, b: &Broadcast, p: &Progress, pacer: &SharedPacer) {
        progress::report_final(&self.bot, &self.app, pacer, b, p).await;
    }
}

/// The user and the pledge a receipt shows, read when it is sent (the receipt carries the
/// user's current name and unit, as `/status` does).
async fn receipt_parts(
    app: &App,
    user: i64,
    election: &str,
) -> crate::store::Result<Option<(UserRecord, Pledge)>> {
    let election = election.to_owned();
    app.store
        .point_read(move |c| {
            let Some(u) = users::get(c, user)? else {
                return Ok(None);
            };
            Ok(pledges::get(c, user, &election)?.map(|p| (u, p)))
        })
        .await
}

/// Sorts Telegram's answer: 403s are final, 429 pauses, server and network trouble retries,
/// and any other refusal (a malformed request) would fail the same way again.
pub fn classify(result: Result<(), RequestError>) -> Outcome {
    let err = match result {
        Ok(()) => return Outcome::Sent,
        Err(e) => e,
    };
    let text: String = err.to_string().chars().take(200).collect();
    match &err {
        RequestError::RetryAfter(s) => Outcome::RetryAfter(s.duration()),
        e if is_unreachable(e) => Outcome::Blocked(text),
        RequestError::Network(_)
        | RequestError::Io(_)
        | RequestError::InvalidJson { .. }
        | RequestError::Api(ApiError::Unknown(_)) => Outcome::Retry(text),
        _ => Outcome::Failed(text),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn telegram_answers_are_classified() {
        use teloxide::types::Seconds;
        assert_eq!(classify(Ok(())), Outcome::Sent);
        assert_eq!(
            classify(Err(RequestError::RetryAfter(Seconds::from_seconds(3)))),
            Outcome::RetryAfter(Duration::from_secs(3))
        );
        assert!(matches!(
            classify(Err(RequestError::Api(ApiError::BotBlocked))),
            Outcome::Blocked(_)
        ));
        assert!(matches!(
            classify(Err(RequestError::Api(ApiError::Unknown(
                "Bad Gateway".into()
            )))),
            Outcome::Retry(_)
        ));
        assert!(matches!(
            classify(Err(RequestError::Api(ApiError::MessageTextIsEmpty))),
            Outcome::Failed(_)
        ));
    }
}
