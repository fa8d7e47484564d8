//! The HTTP server and its handle: routing `/bot<TOKEN>/<method>` and `/file/bot<TOKEN>/<path>`
//! to the state, and waiting for what tests expect.

use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::error::ApiErr;
use crate::files::download;
use crate::rate_limit::is_rate_limited;
use crate::state::ServerState;
use crate::updates::get_updates;
use crate::wire::{parse_params, percent_decode};
use crate::{Call, DEFAULT_TOKEN};

/// Uploads up to this size are accepted (Telegram's limit for bots is 50 MB).
const MAX_BODY: usize = 64 * 1024 * 1024;

pub(crate) struct Inner {
    pub(crate) addr: SocketAddr,
    pub(crate) state: Mutex<ServerState>,
    /// Woken when an update is pushed or a newer `getUpdates` arrives.
    pub(crate) updates_changed: Notify,
    /// Woken after every recorded call and every state change tests may wait for.
    pub(crate) changed: Notify,
    pub(crate) poll_epoch: AtomicU64,
}

impl Inner {
    pub(crate) fn lock(&self) -> MutexGuard<'_, ServerState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

struct ServerTask(JoinHandle<()>);

impl Drop for ServerTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The fake Bot API server. Cheap to clone; the server stops when the last clone is dropped.
#[derive(Clone)]
pub struct FakeBotApi {
    pub(crate) inner: Arc<Inner>,
    _task: Arc<ServerTask>,
}

impl FakeBotApi {
    /// Binds 127.0.0.1 on a free port and serves in a background task.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake Bot API");
        let addr = listener.local_addr().expect("local address");
        let inner = Arc::new(Inner {
            addr,
            state: Mutex::new(ServerState::new()),
            updates_changed: Notify::new(),
            changed: Notify::new(),
            poll_epoch: AtomicU64::new(0),
        });
        let app = Router::new()
            .fallback(handle)
            .with_state(inner.clone())
            .layer(DefaultBodyLimit::max(MAX_BODY));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            inner,
            _task: Arc::new(ServerTask(task)),
        }
    }

    /// Base URL for `TELOXIDE_API_URL` / `Bot::set_api_url`, e.g. `http://127.0.0.1:41234/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.inner.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// A token to give the bot. Any token is accepted.
    pub fn token(&self) -> String {
        DEFAULT_TOKEN.to_owned()
    }

    /// A teloxide `Bot` talking to this server (token [`DEFAULT_TOKEN`], no proxy).
    pub fn bot(&self) -> teloxide::Bot {
        let client = teloxide::net::default_reqwest_settings()
            .no_proxy()
            .build()
            .expect("reqwest client");
        teloxide::Bot::with_client(self.token(), client)
            .set_api_url(self.url().parse().expect("fake API URL"))
    }

    /// Telegram-like validation (on by default). Off: any text/markup is accepted, edits of
    /// unknown messages succeed, unknown callback query ids are accepted.
    pub fn set_strict(&self, strict: bool) {
        self.inner.lock().strict = strict;
    }

    pub(crate) async fn wait_until<T>(
        &self,
        timeout: Duration,
        mut check: impl FnMut(&ServerState) -> Option<T>,
    ) -> Option<T> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.inner.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(found) = check(&self.inner.lock()) {
                return Some(found);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return check(&self.inner.lock());
            }
        }
    }
}

async fn handle(
    State(inner): State<Arc<Inner>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let at = Instant::now();
    let segments: Vec<&str> = uri.path().split('/').filter(|s| !s.is_empty()).collect();
    if let Some(i) = segments.iter().position(|s| *s == "file")
        && segments.get(i + 1).is_some_and(|s| s.starts_with("bot"))
        && segments.len() > i + 2
    {
        // teloxide percent-encodes the '/' of the file path
        return download(&inner, &percent_decode(&segments[i + 2..].join("/"), false));
    }
    let n = segments.len();
    if n < 2 || !segments[n - 2].starts_with("bot") {
        return api_response(404, &ApiErr::new(404, "Not Found").body());
    }
    let method = segments[n - 1];
    let (params, file) = match parse_params(&uri, &headers, &body) {
        Ok(parsed) => parsed,
        Err(e) => return api_response(400, &ApiErr::bad(&e).body()),
    };
    if method.eq_ignore_ascii_case("getUpdates") {
        return get_updates(&inner, params, at).await;
    }
    let canonical = canonical_method(method);
    if canonical.is_some_and(is_rate_limited) {
        let late = inner.lock().faults.arrival_delay();
        if let Some(delay) = late {
            tokio::time::sleep(delay).await;
        }
    }
    let (status, body) = {
        let mut st = inner.lock();
        let result = match canonical {
            Some(m) => st.execute(m, &params, file.as_ref()),
            None => Err(ApiErr::new(404, "Not Found: method not found")),
        };
        let (status, body) = match result {
            Ok(v) => (200, json!({"ok": true, "result": v})),
            Err(e) => (e.status, e.body()),
        };
        st.log.count_status(status);
        if st.log.record {
            st.log.calls.push(Call {
                method: canonical.map_or_else(|| method.to_owned(), str::to_owned),
                params,
                file,
                at,
                status,
            });
        }
        (status, body)
    };
    inner.changed.notify_waiters();
    let delay = inner.lock().faults.send_delay;
    if canonical.is_some_and(is_rate_limited) && !delay.is_zero() {
        // Delivered already: a client killed during the wait never learns it was.
        tokio::time::sleep(delay).await;
    }
    api_response(status, &body)
}

pub(crate) fn api_response(status: u16, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).expect("serialise JSON");
    let mut response = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        bytes,
    )
        .into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

pub(crate) fn canonical_method(name: &str) -> Option<&'static str> {
    const METHODS: &[&str] = &[
        "getUpdates",
        "getMe",
        "logOut",
        "close",
        "deleteWebhook",
        "getWebhookInfo",
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "copyMessage",
        "sendChatAction",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "deleteMessage",
        "deleteMessages",
        "answerCallbackQuery",
        "setMyCommands",
        "getMyCommands",
        "deleteMyCommands",
        "setChatMenuButton",
        "getChatMenuButton",
        "setMyDescription",
        "setMyShortDescription",
        "setMyName",
        "getFile",
        "pinChatMessage",
        "unpinChatMessage",
        "leaveChat",
    ];
    METHODS
        .iter()
        .copied()
        .find(|m| m.eq_ignore_ascii_case(name))
}
