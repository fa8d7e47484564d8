//! Reports as use cases, shared by the chat and the operator's command line: the /stats
//! report, and the export with its audit entry (written here and nowhere else).

use std::io::Write;

use rusqlite::Connection;

use super::App;
use crate::domain::UnitCode;
use crate::i18n::Lang;
use crate::reports::export::{self, ExportError, ExportSpec};
use crate::reports::stats::{self, StatsReport};
use crate::store::audit::{self, AuditEntry};
use crate::store::questions::{self, FeedbackCount};
use crate::store::users::{self, UserRecord};
use crate::store::{self, reports};

/// Who asked for an export, as the audit log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportedBy {
    /// An HR officer or admin in the chat.
    Officer(i64),
    /// The server operator on the command line (actor 0).
    Operator,
}

/// The /stats report as of today in the deployment's time zone.
pub fn stats(app: &App, c: &Connection) -> store::Result<StatsReport> {
    stats::build(
        c,
        &app.units,
        &app.config.election_name,
        app.config.timezone,
        app.today(),
    )
}

/// Writes the pledge export of `unit` (all units when `None`) to `out` and records who took
/// it. `progress` hears the rows written so far. Returns the number of data rows. Blocking:
/// the rows are read on the reader connection, whose lock is let go before the audit entry
/// goes through the writer.
pub fn export<W: Write>(
    app: &App,
    by: ExportedBy,
    unit: Option<&UnitCode>,
    lang: Lang,
    out: W,
    progress: &mut dyn FnMut(usize),
) -> Result<usize, ExportError> {
    let spec = ExportSpec {
        election: &app.config.election_name,
        unit,
        units: &app.units,
        tz: app.config.timezone,
        lang,
    };
    let rows = app
        .store
        .read_with(|c| export::write_csv(c, spec, out, progress))?;
    let scope = unit.map_or("all", UnitCode::as_str);
    let (actor, detail) = match by {
        ExportedBy::Officer(id) => (id, format!("unit={scope} rows={rows}")),
        ExportedBy::Operator => (0, format!("cli unit={scope} rows={rows}")),
    };
    app.store
        .with(|w| audit::record(w, actor, "export", &detail, app.now()))?;
    Ok(rows)
}

/// The rows an export of `unit` would have, to decide whether to show progress.
pub async fn export_rows(app: &App, unit: Option<UnitCode>) -> store::Result<i64> {
    app.store
        .read(move |c| reports::count_export_rows(c, unit.as_ref().map(UnitCode::as_str)))
        .await
}

/// The most asked questions the bot could not answer, with how often.
pub async fn unanswered(app: &App, limit: usize) -> store::Result<Vec<(String, i64)>> {
    app.store
        .read(move |c| questions::top_unanswered(c, limit))
        .await
}

/// Helpful and unhelpful votes per rule.
pub async fn feedback(app: &App) -> store::Result<Vec<FeedbackCount>> {
    app.store.read(questions::feedback_counts).await
}

/// The latest audit entries, newest first, each with its actor's record when known (the
/// operator, actor 0, has none).
pub async fn audit_log(
    app: &App,
    limit: usize,
) -> store::Result<Vec<(AuditEntry, Option<UserRecord>)>> {
    app.store
        .read(move |c| {
            audit::latest(c, limit)?
                .into_iter()
                .map(|e| {
                    let actor = match e.actor_id {
                        0 => None,
                        id => users::get(c, id)?,
                    };
                    Ok((e, actor))
                })
                .collect()
        })
        .await
}
