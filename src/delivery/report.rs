//! The progress reporter: keeps each HR officer's progress message current and closes
//! broadcasts once nothing is left to send.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use super::{Ctx, Outlet, PROGRESS_EVERY, stopped};
use crate::domain::broadcast::Progress;
use crate::store::StoreError;
use crate::store::broadcasts;

/// Keeps each HR officer's progress message current and closes finished broadcasts.
pub(super) async fn run<O: Outlet>(ctx: Arc<Ctx<O>>, mut stop: watch::Receiver<bool>) {
    let mut shown: HashMap<i64, (Instant, Progress)> = HashMap::new();
    loop {
        if let Err(e) = report_once(&ctx, &mut shown).await {
            tracing::error!(error = %e, "cannot report broadcast progress");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stopped(&mut stop) => break,
        }
    }
}

async fn report_once<O: Outlet>(
    ctx: &Ctx<O>,
    shown: &mut HashMap<i64, (Instant, Progress)>,
) -> crate::store::Result<()> {
    let ids = ctx.app.store.run(|c| broadcasts::queued_ids(c)).await?;
    for id in ids {
        let now = ctx.app.now();
        let (b, p, finished) = ctx
            .app
            .store
            .run(move |c| {
                let finished = broadcasts::finish_if_done(c, id, now)?;
                Ok::<_, StoreError>((
                    broadcasts::get(c, id)?,
                    broadcasts::progress(c, id)?,
                    finished,
                ))
            })
            .await?;
        let Some(b) = b else { continue };
        if finished {
            shown.remove(&id);
            tracing::info!(
                broadcast = id,
                sent = p.sent,
                failed = p.failed,
                blocked = p.blocked,
                "broadcast finished"
            );
            ctx.outlet.finished(&b, &p, &ctx.pacer).await;
            continue;
        }
        let due = shown
            .get(&id)
            .is_none_or(|(at, last)| *last != p && at.elapsed() >= PROGRESS_EVERY);
        if due {
            shown.insert(id, (Instant::now(), p));
            ctx.outlet.progress(&b, &p, &ctx.pacer).await;
        }
    }
    Ok(())
}
