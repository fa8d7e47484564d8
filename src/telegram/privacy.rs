//! Personal replies (status, the user's own data) and the privacy notice.

use teloxide::prelude::*;
use teloxide::types::{ChatId, Me};

use super::reply::say;
use super::{App, Caller, HandlerResult};
use crate::app::privacy::{self, PrivacyError};
use crate::args;
use crate::i18n::Lang;
use crate::store::ledger::{Broken, Verified};

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

/// The chain's state in `lang`: what /verify shows and the owners get every day.
pub fn chain_text(lang: Lang, checked: &Result<Verified, Broken>) -> String {
    match checked {
        Ok(v) => lang.t_args(
            "verify-ok",
            args![
                "pledges" => v.pledges,
                "audit" => v.audit_entries,
                "seq" => v.head.seq.to_string(),
                "head" => &v.head.hash,
            ],
        ),
        Err(broken) => lang.t_args("verify-broken", args!["problem" => broken.to_string()]),
    }
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
    say(&bot, &app, &caller, chat, chain_text(caller.lang, &checked)).await
}
