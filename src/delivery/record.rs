//! Writes the outcomes of outbox requests back in batches: whatever arrived while the last
//! transaction ran goes into the next one, so the cost per row falls as the rate rises.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedReceiver;

use crate::app::App;
use crate::store::outbox::{self, Done};

/// Outcomes written per transaction at most.
const MAX_BATCH: usize = 1_000;

/// Runs until every sender is gone and the channel is drained.
pub(super) async fn run(app: Arc<App>, mut results: UnboundedReceiver<Done>) {
    let mut buf = Vec::with_capacity(MAX_BATCH);
    while results.recv_many(&mut buf, MAX_BATCH).await > 0 {
        let batch = std::mem::take(&mut buf);
        let rows = batch.len();
        match app.store.run(move |c| outbox::record(c, &batch)).await {
            Ok(0) => {}
            Ok(failed) => tracing::warn!(failed, "outbox rows failed for good"),
            // The rows stay `sending` and go out again after a restart: a repeat, not a loss.
            Err(e) => tracing::error!(error = %e, rows, "cannot record deliveries"),
        }
    }
}
