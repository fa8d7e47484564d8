//! Admin commands. The role gate sits in the schema; handlers here may assume it passed
//! but still re-read the role for anything that changes data.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::ParseMode;
use teloxide::utils::html;

use super::commands::AdminCommand;
use super::reply::sent;
use super::{App, Caller, HandlerResult};
use crate::args;
use crate::i18n::Lang;
use crate::store::pledges::{self, Totals};

pub async fn on_command(
    bot: Bot,
    app: Arc<App>,
    caller: Caller,
    msg: Message,
    cmd: AdminCommand,
) -> HandlerResult {
    match cmd {
        AdminCommand::Stats => stats(bot, app, caller, msg).await,
    }
}

/// Anyone without the role: one polite line, nothing about what the command would show.
pub async fn refuse(bot: Bot, app: Arc<App>, caller: Caller, msg: Message) -> HandlerResult {
    tracing::warn!(user_id = caller.id, "refused a privileged command");
    let result = bot
        .send_message(msg.chat.id, caller.lang.t("refused-role"))
        .await;
    sent(&app, caller.id, result).await
}

async fn stats(bot: Bot, app: Arc<App>, caller: Caller, msg: Message) -> HandlerResult {
    let election = app.config.election_name.clone();
    let totals = app
        .store
        .run(move |c| pledges::totals(c, &election))
        .await?;
    let text = render_stats(&app, caller.lang, &totals);
    let result = bot
        .send_message(msg.chat.id, text)
        .parse_mode(ParseMode::Html)
        .await;
    sent(&app, caller.id, result).await
}

/// Width of the unit column: the table must fit a phone screen in monospace.
const UNIT_WIDTH: usize = 16;

pub fn percent(part: i64, whole: i64) -> String {
    if whole == 0 {
        "0".into()
    } else {
        format!("{:.1}", part as f64 * 100.0 / whole as f64)
    }
}

pub fn render_stats(app: &App, lang: Lang, t: &Totals) -> String {
    let mut out = format!(
        "<b>{}</b>\n",
        html::escape(&lang.t_args(
            "stats-title",
            args!["election" => &app.config.election_name]
        ))
    );
    if t.registered == 0 {
        out.push_str(&html::escape(&lang.t("stats-empty")));
        return out;
    }
    out.push_str(&html::escape(&lang.t_args(
        "stats-totals",
        args!["registered" => t.registered, "pledged" => t.pledged, "percent" => percent(t.pledged, t.registered)],
    )));
    let mut rows: Vec<_> = t.per_unit.iter().collect();
    rows.sort_by(|a, b| {
        let share = |u: &pledges::UnitCount| u.pledged as f64 / u.registered.max(1) as f64;
        share(b)
            .total_cmp(&share(a))
            .then(b.registered.cmp(&a.registered))
    });
    let mut table = format!(
        "{:<UNIT_WIDTH$} {:>5} {:>5} {:>5}\n",
        lang.t("stats-unit-header"),
        "reg",
        "ikr",
        "%"
    );
    for u in rows {
        let name = u
            .unit_code
            .as_deref()
            .map(|c| {
                app.units
                    .find(c)
                    .map(|x| x.code.as_str().to_owned())
                    .unwrap_or_else(|| c.to_owned())
            })
            .unwrap_or_else(|| lang.t("stats-no-unit"));
        let name: String = name.chars().take(UNIT_WIDTH).collect();
        table.push_str(&format!(
            "{name:<UNIT_WIDTH$} {:>5} {:>5} {:>5}\n",
            u.registered,
            u.pledged,
            percent(u.pledged, u.registered)
        ));
    }
    out.push_str(&format!("\n<pre>{}</pre>", html::escape(&table)));
    out
}
