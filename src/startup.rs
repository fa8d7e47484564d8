//! Wires configuration, store and workers into a running bot, and stops them together.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use teloxide::dispatching::ShutdownToken;
use teloxide::error_handlers::LoggingErrorHandler;
use teloxide::prelude::*;
use teloxide::update_listeners::{Polling, UpdateListener};
use tokio::task::JoinHandle;

use crate::app::{App, Clock, retention};
use crate::config::Config;
use crate::delivery::{Wakeup, Workers};
use crate::domain::{PledgeText, Units};
use crate::store::Store;
use crate::telegram::flood::{FloodGate, Guarded};
use crate::telegram::outlet::TelegramOutlet;
use crate::telegram::storage::SqliteDialogues;
use crate::telegram::{commands, schema};

/// How long one getUpdates call waits on Telegram. Long enough to keep idle traffic low,
/// short enough that a shutdown doesn't hang on an open poll.
pub const POLL_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a stop waits for in-flight work before aborting it.
pub const STOP_GRACE: Duration = Duration::from_secs(10);

/// Opens the store and loads the deployment's files: everything the bot needs before it
/// talks to Telegram, so a bad file stops start-up with a clear message.
pub fn build_app(config: Config, clock: Clock) -> anyhow::Result<Arc<App>> {
    let store = Store::open(&config.database_path).with_context(|| {
        format!(
            "DATABASE_PATH: cannot open {}",
            config.database_path.display()
        )
    })?;
    let units = Units::load(config.units_file.as_deref()).context("UNITS_FILE")?;
    let pledge_text = PledgeText::load(config.pledge_file.as_deref())
        .map_err(|e| anyhow::anyhow!("PLEDGE_FILE: {e}"))?;
    Ok(App::new(config, store, units, pledge_text, clock))
}

pub fn bot(config: &Config) -> anyhow::Result<Bot> {
    let token = config.require_token()?;
    let Some(raw) = &config.api_url else {
        return Ok(Bot::new(token.expose()));
    };
    let url: url::Url = raw
        .parse()
        .map_err(|_| anyhow::anyhow!("TELOXIDE_API_URL: not a valid URL"))?;
    // A local Bot API server is reached directly: an HTTP_PROXY meant for the internet
    // (common on government networks and CI runners) must not swallow loopback traffic.
    let local = matches!(
        url.host_str(),
        Some("127.0.0.1" | "localhost" | "::1" | "[::1]")
    );
    let bot = if local {
        let client = teloxide::net::default_reqwest_settings()
            .no_proxy()
            .build()
            .context("cannot build the HTTP client")?;
        Bot::with_client(token.expose(), client)
    } else {
        Bot::new(token.expose())
    };
    Ok(bot.set_api_url(url))
}

/// A started bot: the dispatcher and its workers, stoppable as one.
pub struct Running {
    pub app: Arc<App>,
    shutdown: ShutdownToken,
    dispatcher: JoinHandle<Result<(), teloxide::RequestError>>,
    workers: Workers,
    /// Deletes abandoned registration dialogues now and then; it holds nothing worth
    /// finishing (each prune is one transaction), so a stop simply aborts it.
    pruner: JoinHandle<()>,
}

impl Running {
    /// Stops polling, lets in-flight handlers finish, and waits for the dispatcher to end.
    pub async fn stop(mut self) {
        self.pruner.abort();
        let shutdown = self.shutdown.clone();
        let dispatcher = &mut self.dispatcher;
        let graceful = async move {
            // teloxide refuses a shutdown until the dispatcher is polling (IdleShutdownError);
            // a stop that comes right after start must wait for that moment, not give up.
            loop {
                match shutdown.shutdown() {
                    Ok(done) => {
                        done.await;
                        break;
                    }
                    Err(_) if !dispatcher.is_finished() => {
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                    Err(_) => break,
                }
            }
            let _ = dispatcher.await;
        };
        // What teloxide does on a stop: the polling stream makes one last getUpdates with
        // `limit = 1, timeout = 0` and the offset after the last update it yielded, which
        // confirms to Telegram every update already handed to the dispatcher; then the
        // dispatcher drains every chat's queue (each admitted update is handled) before it
        // ends. So an update is confirmed only once the dispatcher owns it, and the grace
        // below is what lets it finish. A stop must still end if a handler hangs: after the
        // grace the dispatcher is aborted, and the updates it still held (confirmed, not
        // handled) are lost; the warning says so. Webhook updates are answered 200 on
        // receipt, the same way.
        if tokio::time::timeout(STOP_GRACE, graceful).await.is_err() {
            tracing::warn!(
                "the dispatcher did not stop within {STOP_GRACE:?}; aborting it (updates still queued are lost)"
            );
            self.dispatcher.abort();
        }
        self.workers.stop(STOP_GRACE).await;
    }

    /// Runs until the dispatcher ends on its own (teloxide's ctrl-c handler, or a failure).
    pub async fn wait(self) {
        let _ = self.dispatcher.await;
        self.pruner.abort();
        self.workers.stop(STOP_GRACE).await;
    }

    /// Runs until `stop` resolves, then stops everything: exit 0. Or until the dispatcher
    /// ends on its own: fine after teloxide's own ctrl-c handler, an error (so the process
    /// exits non-zero and a supervisor restarts it) when getMe failed or the dispatcher task
    /// died. A handler's panic does not end it: the handler tree catches it per update
    /// (`schema::apologise_on_error`).
    pub async fn run_until(
        mut self,
        stop: impl std::future::Future<Output = ()>,
    ) -> anyhow::Result<()> {
        let ended = tokio::select! {
            () = stop => None,
            ended = &mut self.dispatcher => Some(ended),
        };
        let Some(ended) = ended else {
            self.stop().await;
            return Ok(());
        };
        self.pruner.abort();
        self.workers.stop(STOP_GRACE).await;
        match ended {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(anyhow::anyhow!("the dispatcher could not start: {e}")),
            Err(e) => Err(anyhow::anyhow!("the dispatcher failed: {e}")),
        }
    }
}

/// Runs the dispatcher on `listener`; a failed first getMe ends it with an error rather than
/// teloxide's panic.
async fn dispatch<L>(
    mut dispatcher: Dispatcher<
        Bot,
        crate::telegram::HandlerError,
        teloxide::dispatching::DefaultKey,
    >,
    listener: L,
) -> Result<(), teloxide::RequestError>
where
    L: UpdateListener + Send,
    L::Err: std::fmt::Debug,
{
    dispatcher
        .try_dispatch_with_listener(
            listener,
            LoggingErrorHandler::with_custom_text("receiving updates from Telegram failed"),
        )
        .await
}

/// Retention, at start and every [`retention::PRUNE_EVERY`] after: abandoned registration
/// dialogues, and unanswered questions past UNANSWERED_RETENTION_DAYS. One task, so a stop
/// has one thing to end.
async fn prune(app: Arc<App>) {
    let mut every = tokio::time::interval(retention::PRUNE_EVERY);
    loop {
        every.tick().await;
        match retention::prune_dialogues(&app).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(dialogues = n, "deleted abandoned registration dialogues"),
            Err(e) => tracing::error!(error = %e, "cannot prune abandoned dialogues"),
        }
        match crate::app::questions::prune(&app).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(pruned = n, "old unanswered questions deleted"),
            Err(e) => tracing::error!(error = %e, "pruning unanswered questions failed"),
        }
    }
}

pub async fn start(config: Config, poll_timeout: Duration) -> anyhow::Result<Running> {
    start_with_clock(config, poll_timeout, Clock::system()).await
}

/// As [`start`], with "now" shifted (tests place it relative to the election).
pub async fn start_with_clock(
    config: Config,
    poll_timeout: Duration,
    clock: Clock,
) -> anyhow::Result<Running> {
    let bot = bot(&config)?;
    let app = build_app(config, clock)?;
    // Build the matcher's index now rather than on the first user's question.
    tokio::task::spawn_blocking(|| {
        crate::app::questions::matcher();
    })
    .await?;
    // The examples admins taught this deployment apply from the first question.
    let taught = crate::app::questions::reload_taught(&app).await?;
    tracing::info!(taught, "taught examples loaded");
    if let Err(e) = commands::publish_default_menu(&bot).await {
        // The menu is a convenience; the bot works without it.
        tracing::warn!(error = %e, "could not publish the command menu");
    }
    crate::telegram::roles::publish_officer_menus(&bot, &app).await;

    // The outbox worker paces itself: interactive replies never wait behind a broadcast.
    let wakeup = Wakeup::new();
    let outlet = TelegramOutlet {
        bot: bot.clone(),
        app: app.clone(),
    };
    let workers = Workers::spawn(outlet, app.clone(), wakeup.clone());

    let gate = FloodGate::new(app.config.flood);
    let dispatcher = Dispatcher::builder(bot.clone(), schema::schema())
        .dependencies(dptree::deps![
            app.clone(),
            SqliteDialogues::new(app.store.clone(), app.clock),
            wakeup,
            gate.clone()
        ])
        .default_handler(|_| async {})
        .error_handler(LoggingErrorHandler::with_custom_text(
            "an update handler failed",
        ))
        .enable_ctrlc_handler()
        .build();
    let shutdown = dispatcher.shutdown_token();
    let lang = app.config.default_locale;
    let dispatcher = match &app.config.webhook {
        None => {
            let listener = Polling::builder(bot.clone()).timeout(poll_timeout).build();
            let listener = Guarded::new(listener, gate, bot, lang);
            tokio::spawn(dispatch(dispatcher, listener))
        }
        Some(hook) => {
            let listener = crate::webhook::listen(bot.clone(), hook, app.store.clone()).await?;
            let listener = Guarded::new(listener, gate, bot, lang);
            tokio::spawn(dispatch(dispatcher, listener))
        }
    };
    let pruner = tokio::spawn(prune(app.clone()));
    tracing::info!("bot started");
    Ok(Running {
        app,
        shutdown,
        dispatcher,
        workers,
        pruner,
    })
}
