//! Who sent an update, loaded once per update before any handler runs.

use std::sync::Arc;

use teloxide::Bot;
use teloxide::types::{ChatKind, Update, UpdateKind, User};

use super::App;
use crate::app::users;
use crate::domain::Role;
use crate::i18n::Lang;
use crate::store::users::UserRecord;

#[derive(Debug, Clone)]
pub struct Caller {
    pub id: i64,
    pub lang: Lang,
    pub role: Role,
    pub record: UserRecord,
    /// True in a one-to-one chat with the bot; registration only happens there.
    pub private: bool,
}

fn sender(update: &Update) -> Option<(&User, bool)> {
    match &update.kind {
        UpdateKind::Message(m) | UpdateKind::EditedMessage(m) => {
            let private = matches!(m.chat.kind, ChatKind::Private(_));
            m.from.as_ref().map(|u| (u, private))
        }
        UpdateKind::CallbackQuery(q) => {
            let private = q
                .regular_message()
                .map(|m| matches!(m.chat.kind, ChatKind::Private(_)))
                .unwrap_or(true);
            Some((&q.from, private))
        }
        _ => None,
    }
}

/// Creates or refreshes the sender's row and resolves language and role.
/// Updates without a human sender (channel posts, other bots) go no further; neither does
/// one the store cannot take just now, after an apology to its sender.
pub async fn load(bot: Bot, app: Arc<App>, update: Update) -> Option<Caller> {
    let (user, private) = sender(&update)?;
    if user.is_bot {
        return None;
    }
    let id = i64::try_from(user.id.0).ok()?;
    let name = user.full_name();
    let username = user.username.clone();
    let lang = Lang::from_telegram(user.language_code.as_deref(), app.config.default_locale);
    let record = match users::seen(&app, id, name, username, lang).await {
        Ok(record) => record,
        Err(e) => {
            tracing::error!(error = %e, "cannot load the caller");
            super::reply::apologise(&bot, &app, &update).await;
            return None;
        }
    };
    Some(Caller {
        id,
        lang: record.language,
        role: app.role_of(id, record.granted_role),
        record,
        private,
    })
}
