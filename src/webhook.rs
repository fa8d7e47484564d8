//! Webhook mode: Telegram pushes updates to our HTTP listener (behind a TLS-terminating
//! reverse proxy) instead of the bot long-polling for them.

use std::convert::Infallible;

use anyhow::Context;
use axum::http::StatusCode;
use axum::routing::get;
use teloxide::Bot;
use teloxide::update_listeners::UpdateListener;
use teloxide::update_listeners::webhooks::{Options, axum_to_router};

use crate::config::Webhook;
use crate::store::Store;

/// Where a load balancer or `docker healthcheck` asks whether the bot can serve.
pub const HEALTH_PATH: &str = "/healthz";

/// Binds `WEBHOOK_LISTEN`, registers `WEBHOOK_URL` with its secret at Telegram, and serves
/// the URL's path (updates) and [`HEALTH_PATH`] until the dispatcher stops the listener.
pub async fn listen(
    bot: Bot,
    hook: &Webhook,
    store: Store,
) -> anyhow::Result<impl UpdateListener<Err = Infallible> + use<>> {
    // Bound before setWebhook, so Telegram's first delivery finds us listening and a taken
    // port stops start-up instead of leaving Telegram pointed at nothing.
    let tcp = tokio::net::TcpListener::bind(hook.listen)
        .await
        .with_context(|| format!("WEBHOOK_LISTEN: cannot listen on {}", hook.listen))?;
    // teloxide's route answers 401, and never handles the update, when the
    // X-Telegram-Bot-Api-Secret-Token header doesn't match.
    let options =
        Options::new(hook.listen, hook.url.clone()).secret_token(hook.secret.expose().to_owned());
    let (listener, stopped, router) = axum_to_router(bot, options)
        .await
        .context("WEBHOOK_URL: Telegram did not accept the webhook (setWebhook)")?;
    let router = router.route(HEALTH_PATH, get(move || health(store.clone())));
    tokio::spawn(async move {
        if let Err(e) = axum::serve(tcp, router)
            .with_graceful_shutdown(stopped)
            .await
        {
            tracing::error!(error = %e, "the webhook listener failed");
        }
    });
    tracing::info!(
        listen = %hook.listen,
        path = hook.url.path(),
        "webhook set; receiving updates from Telegram"
    );
    Ok(listener)
}

/// 200 while the database answers a read of a real table, 503 otherwise.
async fn health(store: Store) -> (StatusCode, &'static str) {
    let probe = store
        .run(|c| {
            c.query_row("SELECT COUNT(*) FROM users WHERE id = 0", [], |r| {
                r.get::<_, i64>(0)
            })?;
            Ok::<(), crate::store::StoreError>(())
        })
        .await;
    match probe {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(e) => {
            tracing::warn!(error = %e, "health check: the database is not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}
