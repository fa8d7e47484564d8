//! Personal data kept no longer than needed.

use super::App;
use crate::store::{self, audit, dialogues};

/// How often the bot looks for abandoned dialogues. Retention is counted in days, so an
/// hour late is well within it, and each look is one DELETE.
pub const PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Deletes registration dialogues untouched for `DIALOGUE_RETENTION_DAYS` (they hold a
/// NIP typed by someone who never confirmed), with an audit entry when any went.
pub async fn prune_dialogues(app: &App) -> store::Result<usize> {
    let now = app.now();
    let cutoff = now - chrono::Duration::days(i64::from(app.config.dialogue_retention_days));
    let days = app.config.dialogue_retention_days;
    app.store
        .run(move |c| {
            let tx = c.transaction()?;
            let gone = dialogues::prune_untouched_since(&tx, cutoff)?;
            if gone > 0 {
                let detail = format!("dialogues={gone} older_than_days={days}");
                audit::record(&tx, 0, "prune-dialogues", &detail, now)?;
            }
            tx.commit()?;
            Ok(gone)
        })
        .await
}
