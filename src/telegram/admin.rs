//! Report commands for HR and admins (/stats, /chart, /export, /unanswered, /feedback,
//! /audit) and the entry point of role management (in `roles`). The role gate is a filter in
//! the schema built from [`AdminCommand::required_role`], evaluated with the role loaded for
//! this update.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use teloxide::prelude::*;
use teloxide::types::{InputFile, MessageId, ParseMode};

use super::commands::AdminCommand;
use super::reply::{say, sent};
use super::{App, Caller, HandlerError, HandlerResult, roles};
use crate::app::reports::{self, ExportedBy};
use crate::app::roles::Change;
use crate::args;
use crate::domain::{Role, UnitCode};
use crate::i18n::Lang;
use crate::reports::chart::{self, ChartBar};
use crate::reports::export::{self, ExportError};
use crate::reports::stats;
use crate::store::StoreError;
use teloxide::dispatching::UpdateHandler;

/// Table rows that keep a /stats message under Telegram's 4096 characters.
const TELEGRAM_MAX_UNITS: usize = 70;
/// Exports above this many rows get a status message that is edited while they are built.
pub const BIG_EXPORT_ROWS: i64 = 5_000;
/// How often the status message of a big export is edited (Telegram limits edits too).
const PROGRESS_INTERVAL: Duration = Duration::from_millis(1500);
/// Plain-text replies are cut here, below Telegram's 4096-character limit.
const MAX_TEXT: usize = 3900;
/// Telegram refuses documents a bot uploads above 50 MB.
const MAX_UPLOAD: u64 = 50 * 1024 * 1024;

/// Admin and owner commands: served when the caller's role (loaded for this very update)
/// allows the command, refused politely otherwise.
pub fn commands() -> UpdateHandler<HandlerError> {
    teloxide::filter_command::<AdminCommand, _>()
        .branch(
            dptree::filter(|c: Caller, cmd: AdminCommand| allowed(&c, &cmd)).endpoint(on_command),
        )
        .endpoint(refuse)
}

pub fn allowed(caller: &Caller, cmd: &AdminCommand) -> bool {
    caller.role >= cmd.required_role()
}

/// The command's name for logs: never its argument, which may name a person.
fn command_name(cmd: &AdminCommand) -> &'static str {
    match cmd {
        AdminCommand::Stats => "stats",
        AdminCommand::Chart => "chart",
        AdminCommand::Export(_) => "export",
        AdminCommand::Unanswered => "unanswered",
        AdminCommand::Teach(_) => "teach",
        AdminCommand::Untaught(_) => "untaught",
        AdminCommand::Feedback => "feedback",
        AdminCommand::GrantAdmin(_) => "grant_admin",
        AdminCommand::RevokeAdmin(_) => "revoke_admin",
        AdminCommand::GrantHr(_) => "grant_hr",
        AdminCommand::RevokeHr(_) => "revoke_hr",
        AdminCommand::Roles => "roles",
        AdminCommand::Audit => "audit",
        AdminCommand::Verify => "verify",
        AdminCommand::Backup => "backup",
    }
}

pub async fn on_command(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    msg: Message,
    cmd: AdminCommand,
) -> HandlerResult {
    let chat = msg.chat.id;
    // Reports carry names and NIPs: they go to the officer alone, never into a group.
    if !caller.private {
        tracing::info!(
            user_id = caller.id,
            command = command_name(&cmd),
            "officer command in a group"
        );
        return say(
            &bot,
            &app,
            &caller,
            chat,
            caller.lang.t("reports-private-only"),
        )
        .await;
    }
    tracing::info!(
        user_id = caller.id,
        command = command_name(&cmd),
        "officer command"
    );
    // The four role changes are one use case, told apart by the change they ask for.
    let (change, target) = match cmd {
        AdminCommand::Stats => return stats(bot, app, caller, chat).await,
        AdminCommand::Chart => return chart(bot, app, caller, chat).await,
        AdminCommand::Export(unit) => return export(bot, app, caller, chat, unit).await,
        AdminCommand::Unanswered => return super::teach::unanswered(bot, app, caller, chat).await,
        AdminCommand::Teach(args) => {
            return super::teach::teach(bot, app, caller, chat, args).await;
        }
        AdminCommand::Untaught(args) => {
            return super::teach::untaught(bot, app, caller, chat, args).await;
        }
        AdminCommand::Feedback => return feedback(bot, app, caller, chat).await,
        AdminCommand::Audit => return audit_log(bot, app, caller, chat).await,
        AdminCommand::Verify => return super::privacy::verify(bot, app, caller, chat).await,
        AdminCommand::Roles => return roles::list(bot, app, caller, chat).await,
        AdminCommand::Backup => return backup(bot, app, caller, chat).await,
        AdminCommand::GrantAdmin(target) => (Change::Grant(Role::Admin), target),
        AdminCommand::RevokeAdmin(target) => (Change::Revoke(Role::Admin), target),
        AdminCommand::GrantHr(target) => (Change::Grant(Role::Hr), target),
        AdminCommand::RevokeHr(target) => (Change::Revoke(Role::Hr), target),
    };
    roles::change(bot, app, caller, chat, change, target).await
}

/// Anyone without the role: one polite line, nothing about what the command would show.
pub async fn refuse(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    msg: Message,
    cmd: AdminCommand,
) -> HandlerResult {
    tracing::warn!(
        user_id = caller.id,
        role = caller.role.code(),
        command = command_name(&cmd),
        "refused a privileged command"
    );
    super::reply::refuse(&bot, &app, &caller, msg.chat.id).await
}

async fn load_stats(app: &Arc<App>) -> Result<stats::StatsReport, StoreError> {
    let a = app.clone();
    app.store.read(move |c| reports::stats(&a, c)).await
}

async fn stats(bot: Bot, app: Arc<App>, caller: Caller, chat: ChatId) -> HandlerResult {
    let report = load_stats(&app).await?;
    let mut html = report.render(caller.lang, TELEGRAM_MAX_UNITS).html();
    let taught = crate::app::questions::taught_count(&app).await?;
    html.push_str("\n\n");
    html.push_str(&caller.lang.t_args("stats-taught", args!["count" => taught]));
    let result = bot
        .send_message(chat, html)
        .parse_mode(ParseMode::Html)
        .await;
    sent(&app, caller.id, result).await
}

async fn chart(bot: Bot, app: Arc<App>, caller: Caller, chat: ChatId) -> HandlerResult {
    let report = load_stats(&app).await?;
    let lang = caller.lang;
    let bars: Vec<ChartBar> = report
        .units
        .iter()
        .map(|u| ChartBar {
            label: match &u.code {
                Some(_) if !u.name.is_empty() => u.name.clone(),
                Some(code) => code.clone(),
                None => lang.t("stats-no-unit"),
            },
            done: u.pledged,
            base: u.completion_base(),
        })
        .collect();
    if bars.is_empty() {
        return say(&bot, &app, &caller, chat, lang.t("chart-empty")).await;
    }
    let election = app.config.election_name.clone();
    let title = lang.t_args("chart-title", args!["election" => &election]);
    // Rasterising is CPU work: keep it off the async workers.
    let drawn = tokio::task::spawn_blocking(move || chart::render(&title, &bars)).await?;
    let picture = match drawn {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "chart rendering failed");
            return say(&bot, &app, &caller, chat, lang.t("reports-failed")).await;
        }
    };
    let today = app.today();
    let caption = lang.t_args(
        "chart-caption",
        args![
            "election" => &election,
            "date" => today.format("%d-%m-%Y").to_string(),
            "pledged" => report.pledged,
            "registered" => report.registered
        ],
    );
    let file = InputFile::memory(picture.png).file_name(format!(
        "grafik-ikrar-{}-{}.png",
        crate::reports::slug(&election),
        today.format("%Y-%m-%d")
    ));
    let result = bot.send_photo(chat, file).caption(caption).await;
    sent(&app, caller.id, result).await
}

/// `/export [unit code]`: the CSV as a document. Big exports edit one status message with
/// their progress so the officer knows the bot is working.
async fn export(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    chat: ChatId,
    arg: String,
) -> HandlerResult {
    let lang = caller.lang;
    let arg = arg.trim().to_owned();
    let unit: Option<UnitCode> = if arg.is_empty() {
        None
    } else {
        match app.units.find(&arg) {
            Some(u) => Some(u.code.clone()),
            None => {
                let text = unknown_unit_text(&app, lang, &arg);
                return say(&bot, &app, &caller, chat, text).await;
            }
        }
    };

    let count_unit = unit.clone();
    let total = reports::export_rows(&app, count_unit).await?;
    let status = if total > BIG_EXPORT_ROWS {
        let text = export_progress(lang, total, 0);
        match bot.send_message(chat, text).await {
            Ok(m) => Some(m.id),
            Err(e) => {
                tracing::warn!(error = %e, "could not send the export status message");
                None
            }
        }
    } else {
        None
    };

    let done = Arc::new(AtomicUsize::new(0));
    let job = {
        let (a, done, unit) = (app.clone(), done.clone(), unit.clone());
        async move {
            tokio::task::spawn_blocking(move || {
                let mut bytes = Vec::new();
                let rows = reports::export(
                    &a,
                    ExportedBy::Officer(caller.id),
                    unit.as_ref(),
                    lang,
                    &mut bytes,
                    &mut |n| done.store(n, Ordering::Relaxed),
                )?;
                Ok::<_, ExportError>((bytes, rows))
            })
            .await
            .map_err(|e| ExportError::from(StoreError::Join(e.to_string())))?
        }
    };
    let (bytes, rows) = with_progress(&bot, chat, status, lang, total, &done, job).await?;

    let today = app.today();
    let name = export::file_name(&app.config.election_name, unit.as_ref(), today);
    let scope = match &unit {
        Some(u) => app.units.name_or_code(u.as_str()),
        None => lang.t("export-scope-all"),
    };
    let caption = lang.t_args(
        "export-caption",
        args!["election" => &app.config.election_name, "scope" => scope, "rows" => rows],
    );
    let result = bot
        .send_document(chat, InputFile::memory(bytes).file_name(name))
        .caption(caption)
        .await;
    if let Some(id) = status {
        let text = lang.t_args("export-done", args!["total" => rows]);
        if let Err(e) = bot.edit_message_text(chat, id, text).await {
            tracing::warn!(error = %e, "could not finish the export status message");
        }
    }
    sent(&app, caller.id, result).await
}

/// Waits for the export, editing the status message (if any) as rows are written.
async fn with_progress<T, E>(
    bot: &Bot,
    chat: ChatId,
    status: Option<MessageId>,
    lang: Lang,
    total: i64,
    done: &AtomicUsize,
    job: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let mut job = std::pin::pin!(job);
    let mut shown = 0;
    loop {
        tokio::select! {
            result = &mut job => return result,
            _ = tokio::time::sleep(PROGRESS_INTERVAL), if status.is_some() => {
                let now = done.load(Ordering::Relaxed);
                if let (Some(id), true) = (status, now != shown) {
                    shown = now;
                    let text = export_progress(lang, total, now);
                    if let Err(e) = bot.edit_message_text(chat, id, text).await {
                        tracing::debug!(error = %e, "export progress edit failed");
                    }
                }
            }
        }
    }
}

fn export_progress(lang: Lang, total: i64, done: usize) -> String {
    lang.t_args("export-progress", args!["total" => total, "done" => done])
}

fn unknown_unit_text(app: &App, lang: Lang, raw: &str) -> String {
    let examples: Vec<&str> = app
        .units
        .all()
        .iter()
        .take(3)
        .map(|u| u.code.as_str())
        .collect();
    // The code is echoed back: cut it so a pasted essay doesn't come back whole.
    let shown: String = raw.chars().take(30).collect();
    lang.t_args(
        "export-unknown-unit",
        args!["code" => shown, "examples" => examples.join(", ")],
    )
}

/// Cuts a reply below Telegram's limit on a line boundary.
pub(super) fn cut(mut text: String) -> String {
    if text.chars().count() > MAX_TEXT {
        let end = text
            .char_indices()
            .nth(MAX_TEXT)
            .map_or(text.len(), |(i, _)| i);
        let end = text[..end].rfind('\n').unwrap_or(end);
        text.truncate(end);
        text.push_str("\n…");
    }
    text
}

/// `/backup` (owners, private chat): the database as a document. One status message is
/// edited as the copy is made and sent; the temporary copy is deleted in any case.
async fn backup(bot: Bot, app: Arc<App>, caller: Caller, chat: ChatId) -> HandlerResult {
    let lang = caller.lang;
    let status = match bot
        .send_message(chat, lang.t("backup-progress-copying"))
        .await
    {
        Ok(m) => Some(m.id),
        Err(e) => {
            tracing::warn!(error = %e, "could not send the backup status message");
            None
        }
    };
    let show = |text: String| {
        let (bot, app, caller) = (&bot, &app, &caller);
        async move {
            match status {
                Some(id) => {
                    if let Err(e) = bot.edit_message_text(chat, id, text).await {
                        tracing::debug!(error = %e, "backup status not updated");
                    }
                    Ok(())
                }
                None => say(bot, app, caller, chat, text).await,
            }
        }
    };
    let file = match crate::app::backup::for_owner(&app, caller.id).await {
        Ok(file) => file,
        Err(e) => {
            tracing::error!(error = %e, "backup for an owner failed");
            return show(lang.t("backup-failed")).await;
        }
    };
    let (pledges, bytes) = (file.report.pledges, file.report.bytes);
    let size = human_size(bytes);
    if bytes > MAX_UPLOAD {
        return show(lang.t_args("backup-too-big", args!["size" => size])).await;
    }
    show(lang.t_args(
        "backup-progress-sending",
        args!["pledges" => pledges, "size" => &size],
    ))
    .await?;
    let today = app.today();
    let election = &app.config.election_name;
    let name = format!(
        "netralitas-{}-{}.db",
        crate::reports::slug(election),
        today.format("%Y-%m-%d")
    );
    let caption = lang.t_args(
        "backup-caption",
        args![
            "election" => election,
            "date" => today.format("%d-%m-%Y").to_string(),
            "pledges" => pledges,
        ],
    );
    let result = bot
        .send_document(chat, InputFile::file(&file.path).file_name(name))
        .caption(caption)
        .await;
    drop(file);
    if result.is_ok() {
        show(lang.t_args("backup-done", args!["pledges" => pledges, "size" => size])).await?;
    }
    sent(&app, caller.id, result).await
}

fn human_size(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

async fn feedback(bot: Bot, app: Arc<App>, caller: Caller, chat: ChatId) -> HandlerResult {
    let lang = caller.lang;
    let counts = reports::feedback(&app).await?;
    let text = if counts.is_empty() {
        lang.t("feedback-empty")
    } else {
        let mut text = lang.t("feedback-title");
        for f in counts.iter().take(40) {
            text.push('\n');
            text.push_str(&lang.t_args(
                "feedback-line",
                args!["bad" => f.unhelpful, "good" => f.helpful, "rule" => &f.rule_id],
            ));
        }
        text
    };
    say(&bot, &app, &caller, chat, cut(text)).await
}

async fn audit_log(bot: Bot, app: Arc<App>, caller: Caller, chat: ChatId) -> HandlerResult {
    let lang = caller.lang;
    let tz = app.config.timezone;
    let lines: Vec<String> = reports::audit_log(&app, 20)
        .await?
        .into_iter()
        .map(|(e, actor)| {
            let actor = match (e.actor_id, actor) {
                (0, _) => lang.t("audit-operator"),
                (_, Some(u)) => format!("{} ({})", crate::app::roles::display_name(&u), u.id),
                (id, None) => id.to_string(),
            };
            let time = chrono::DateTime::parse_from_rfc3339(&e.at)
                .map(|t| t.with_timezone(&tz).format("%d-%m-%Y %H:%M").to_string())
                .unwrap_or(e.at);
            lang.t_args(
                "audit-line",
                args!["time" => time, "actor" => actor, "action" => e.action, "detail" => e.detail],
            )
        })
        .collect();
    let text = if lines.is_empty() {
        lang.t("audit-empty")
    } else {
        format!("{}\n{}", lang.t("audit-title"), lines.join("\n"))
    };
    say(&bot, &app, &caller, chat, cut(text)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_command_names_the_least_role_that_may_run_it() {
        assert_eq!(AdminCommand::Stats.required_role(), Role::Hr);
        assert_eq!(AdminCommand::Export("x".into()).required_role(), Role::Hr);
        assert_eq!(
            AdminCommand::GrantHr(String::new()).required_role(),
            Role::Admin
        );
        assert_eq!(AdminCommand::Audit.required_role(), Role::Admin);
        assert_eq!(
            AdminCommand::RevokeAdmin(String::new()).required_role(),
            Role::Owner
        );
        assert_eq!(AdminCommand::Backup.required_role(), Role::Owner);
        assert_eq!(
            command_name(&AdminCommand::GrantHr("@sari".into())),
            "grant_hr"
        );
    }

    #[test]
    fn long_replies_are_cut_on_a_line() {
        let text = (0..1000).map(|i| format!("line {i}\n")).collect::<String>();
        let out = cut(text);
        assert!(out.chars().count() <= MAX_TEXT + 2);
        assert!(out.ends_with("\n…"));
        assert_eq!(cut("short".into()), "short");
    }
}
