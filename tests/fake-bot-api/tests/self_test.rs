//! Self-test of the fake Telegram Bot API: the real teloxide client against it proves the
//! wire format (requests parse, responses deserialise into teloxide's types).

use std::time::{Duration, Instant};

use fake_bot_api::{BOT_ID, BOT_USERNAME, FakeBotApi, SentKind, TestUser};
use serde_json::{Value, json};
use teloxide::prelude::*;
use teloxide::types::{
    ChatId, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, KeyboardButton, KeyboardMarkup,
    MessageId, ParseMode, UpdateKind,
};
use teloxide::update_listeners::Polling;
use teloxide::{ApiError, RequestError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const WAIT: Duration = Duration::from_secs(5);

fn keyboard() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[
        InlineKeyboardButton::callback("Ya", "yes"),
        InlineKeyboardButton::callback("Tidak", "no"),
    ]])
}

/// A bare HTTP/1.1 request, for encodings teloxide never uses (GET, urlencoded forms).
async fn raw(
    api: &FakeBotApi,
    method: &str,
    path: &str,
    content_type: &str,
    body: &str,
) -> (u16, Value) {
    let mut stream = tokio::net::TcpStream::connect(api.addr()).await.unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let response = String::from_utf8(response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap())
}

#[tokio::test]
async fn get_me_and_startup_calls() {
    let api = FakeBotApi::start().await;
    assert!(api.url().starts_with("http://127.0.0.1:") && api.url().ends_with('/'));
    let bot = api.bot();
    let me = bot.get_me().await.unwrap();
    assert_eq!(me.id, UserId(BOT_ID as u64));
    assert!(me.is_bot);
    assert_eq!(me.username(), BOT_USERNAME);
    assert!(me.can_join_groups);
    assert!(!me.can_read_all_group_messages);
    assert!(!me.supports_inline_queries);

    let info = bot.get_webhook_info().await.unwrap();
    assert!(info.url.is_none());
    bot.delete_webhook().await.unwrap();
    bot.set_my_commands([teloxide::types::BotCommand::new("start", "Mulai")])
        .await
        .unwrap();
    assert_eq!(
        api.my_commands(),
        Some(json!([{"command": "start", "description": "Mulai"}]))
    );
    let commands = bot.get_my_commands().await.unwrap();
    assert_eq!(commands[0].command, "start");
    let err = bot
        .set_my_commands([teloxide::types::BotCommand::new("Bad-Name", "x")])
        .await
        .unwrap_err();
    assert!(
        matches!(err, RequestError::Api(ApiError::Unknown(ref s)) if s == "Bad Request: BOT_COMMAND_INVALID")
    );
    bot.delete_my_commands().await.unwrap();
    assert_eq!(api.my_commands(), None);
    bot.set_chat_menu_button().await.unwrap();
    bot.send_chat_action(ChatId(5), teloxide::types::ChatAction::Typing)
        .await
        .unwrap();
    bot.close().await.unwrap();
    bot.log_out().await.unwrap();

    let methods: Vec<String> = api.calls().into_iter().map(|c| c.method).collect();
    assert_eq!(methods[..3], ["getMe", "getWebhookInfo", "deleteWebhook"]);
    assert_eq!(api.calls_to("sendChatAction")[0].chat_id(), Some(5));
    assert_eq!(
        api.calls_to("sendChatAction")[0].str_param("action"),
        Some("typing")
    );
}

#[tokio::test]
async fn send_edit_and_callbacks() {
    let api = FakeBotApi::start().await;
    let bot = api.bot();
    let user = TestUser::new(42, "Siti").with_username("siti");

    let sent = bot
        .send_message(ChatId(42), "Setuju?")
        .reply_markup(keyboard())
        .await
        .unwrap();
    assert_eq!(sent.text(), Some("Setuju?"));
    assert_eq!(sent.chat.id, ChatId(42));
    assert!(sent.chat.is_private());
    assert_eq!(sent.from.as_ref().unwrap().id, UserId(BOT_ID as u64));
    assert_eq!(sent.reply_markup(), Some(&keyboard()));

    let call = api.calls_to("sendMessage").pop().unwrap();
    assert_eq!(call.params["chat_id"], json!(42));
    assert_eq!(
        call.params["reply_markup"]["inline_keyboard"][0][1]["callback_data"],
        "no"
    );

    // The user presses "Ya": the callback carries the bot's message.
    api.push_update(api.callback(&user, sent.id.0, "yes"));
    let updates = bot.get_updates().await.unwrap();
    let UpdateKind::CallbackQuery(q) = &updates[0].kind else {
        panic!("not a callback: {:?}", updates[0].kind)
    };
    assert_eq!(q.data.as_deref(), Some("yes"));
    assert_eq!(q.from.id, UserId(42));
    assert_eq!(q.from.username.as_deref(), Some("siti"));
    let message = q.regular_message().expect("accessible message");
    assert_eq!(message.id, sent.id);
    assert_eq!(message.text(), Some("Setuju?"));
    assert_eq!(message.reply_markup(), Some(&keyboard()));
    bot.answer_callback_query(q.id.clone())
        .text("OK")
        .await
        .unwrap();
    // Answering twice (or an unknown id) is an error, as on Telegram.
    let err = bot.answer_callback_query(q.id.clone()).await.unwrap_err();
    assert!(matches!(err, RequestError::Api(ApiError::InvalidQueryId)));

    let edited = bot
        .edit_message_text(ChatId(42), sent.id, "Terima kasih, <b>Siti</b>")
        .parse_mode(ParseMode::Html)
        .await
        .unwrap();
    assert_eq!(edited.text(), Some("Terima kasih, <b>Siti</b>"));
    assert!(edited.edit_date().is_some());
    assert!(
        edited.reply_markup().is_none(),
        "an edit without markup drops the keyboard"
    );
    let err = bot
        .edit_message_text(ChatId(42), sent.id, "Terima kasih, <b>Siti</b>")
        .parse_mode(ParseMode::Html)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        RequestError::Api(ApiError::MessageNotModified)
    ));
    let with_keyboard = bot
        .edit_message_reply_markup(ChatId(42), sent.id)
        .reply_markup(keyboard())
        .await
        .unwrap();
    assert_eq!(with_keyboard.reply_markup(), Some(&keyboard()));

    let messages = api.messages_to(42);
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].message_id, sent.id.0);
    assert_eq!(messages[0].text, "Terima kasih, <b>Siti</b>");
    assert_eq!(messages[0].parse_mode.as_deref(), Some("HTML"));
    assert_eq!(messages[0].edits, 2);
    assert_eq!(messages[0].button_data("Tidak").as_deref(), Some("no"));

    // Edits of unknown / user messages fail like on Telegram.
    let err = bot
        .edit_message_text(ChatId(42), MessageId(9_999), "x")
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        RequestError::Api(ApiError::MessageToEditNotFound)
    ));
    let own = api.text(&user, "hello");
    let own_id = own["message"]["message_id"].as_i64().unwrap() as i32;
    let err = bot
        .edit_message_text(ChatId(42), MessageId(own_id), "x")
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        RequestError::Api(ApiError::MessageCantBeEdited)
    ));

    bot.delete_message(ChatId(42), sent.id).await.unwrap();
    assert!(api.messages_to(42)[0].deleted);
    let err = bot.delete_message(ChatId(42), sent.id).await.unwrap_err();
    assert!(matches!(
        err,
        RequestError::Api(ApiError::MessageToDeleteNotFound)
    ));

    // A reply keyboard is recorded but, as on Telegram, not echoed in the Message.
    let reply_kb = KeyboardMarkup::new([[KeyboardButton::new("Menu")]]);
    let m = bot
        .send_message(ChatId(42), "pilih")
        .reply_markup(reply_kb)
        .await
        .unwrap();
    assert_eq!(m.text(), Some("pilih"));
    assert!(api.messages_to(42)[1].reply_markup.as_ref().unwrap()["keyboard"].is_array());
    assert_eq!(api.deliveries_per_chat()[&42], 2);
}

#[tokio::test]
async fn strict_validation() {
    let api = FakeBotApi::start().await;
    let bot = api.bot();
    let cant_parse = |e: RequestError| match e {
        RequestError::Api(ApiError::CantParseEntities(s)) => s,
        other => panic!("expected CantParseEntities, got {other:?}"),
    };
    let html_error = |text: &'static str| {
        let bot = bot.clone();
        async move {
            let sent = bot
                .send_message(ChatId(1), text)
                .parse_mode(ParseMode::Html);
            cant_parse(sent.await.unwrap_err())
        }
    };
    assert_eq!(
        html_error("baris<br>baru").await,
        "Bad Request: can't parse entities: Unsupported start tag \"br\" at byte offset 5"
    );
    for (text, expected) in [
        ("a < b", "Unsupported start tag \"\" at byte offset 2"),
        (
            "<b>tebal",
            "Can't find end tag corresponding to start tag \"b\"",
        ),
        (
            "<b><i>x</b></i>",
            "Unmatched end tag at byte offset 7, expected \"</i>\", found \"</b>\"",
        ),
    ] {
        let error = html_error(text).await;
        assert!(error.contains(expected), "{text}: {error}");
    }
    // Valid HTML, escaped entities and the same text without parse_mode are fine.
    bot.send_message(
        ChatId(1),
        "<b>a</b> &lt;3 &amp; <a href=\"https://x.id/?a=1&b=2\">tautan</a> <code>x</code> <tg-spoiler>s</tg-spoiler>",
    )
    .parse_mode(ParseMode::Html)
    .await
    .unwrap();
    bot.send_message(ChatId(1), "a < b").await.unwrap();

    let e = bot.send_message(ChatId(1), "  ").await.unwrap_err();
    assert!(matches!(e, RequestError::Api(ApiError::MessageTextIsEmpty)));
    let e = bot
        .send_message(ChatId(1), "x".repeat(4097))
        .await
        .unwrap_err();
    assert!(matches!(e, RequestError::Api(ApiError::MessageIsTooLong)));
    bot.send_message(ChatId(1), "é".repeat(4096)).await.unwrap();
    let long_data =
        InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("x", "d".repeat(65))]]);
    let e = bot
        .send_message(ChatId(1), "x")
        .reply_markup(long_data)
        .await
        .unwrap_err();
    assert!(matches!(e, RequestError::Api(ApiError::ButtonDataInvalid)));

    // Lenient mode accepts it all.
    api.set_strict(false);
    bot.send_message(ChatId(1), "baris<br>baru")
        .parse_mode(ParseMode::Html)
        .await
        .unwrap();
    let made_up = bot
        .edit_message_text(ChatId(1), MessageId(5_000), "edited")
        .await
        .unwrap();
    assert_eq!(made_up.text(), Some("edited"));
    assert!(api.messages_to(1).iter().all(|m| m.message_id != 5_000));
    assert_eq!(api.count_by_status(400), 7);
}

#[tokio::test]
async fn uploads_are_recorded() {
    let api = FakeBotApi::start().await;
    let bot = api.bot();
    let csv = b"nip,nama\n198503122010011002,Siti\n".to_vec();
    let doc = bot
        .send_document(
            ChatId(77),
            InputFile::memory(csv.clone()).file_name("x.csv"),
        )
        .caption("Rekap <b>harian</b>")
        .parse_mode(ParseMode::Html)
        .await
        .unwrap();
    let d = doc.document().expect("document message");
    assert_eq!(d.file_name.as_deref(), Some("x.csv"));
    assert_eq!(d.file.size as usize, csv.len());
    assert_eq!(
        d.mime_type.as_ref().map(|m| m.essence_str()),
        Some("text/csv")
    );
    assert_eq!(doc.caption(), Some("Rekap <b>harian</b>"));

    let call = api.calls_to("sendDocument").pop().unwrap();
    assert_eq!(call.file, Some(("x.csv".to_owned(), csv)));
    assert_eq!(call.chat_id(), Some(77));
    assert_eq!(
        call.params["chat_id"],
        json!(77),
        "multipart numbers are decoded"
    );
    assert_eq!(call.params["parse_mode"], "HTML");
    assert!(call.str_param("document").unwrap().starts_with("attach://"));

    let png = vec![0x89, b'P', b'N', b'G', 0, 1, 2, 3];
    let photo = bot
        .send_photo(
            ChatId(-1_001_234_567_890),
            InputFile::memory(png.clone()).file_name("chart.png"),
        )
        .caption("2024")
        .reply_markup(keyboard())
        .await
        .unwrap();
    assert!(photo.chat.is_supergroup());
    assert_eq!(photo.photo().unwrap().len(), 2);
    assert_eq!(photo.caption(), Some("2024"));
    assert_eq!(photo.reply_markup(), Some(&keyboard()));
    let call = api.calls_to("sendPhoto").pop().unwrap();
    assert_eq!(call.file, Some(("chart.png".to_owned(), png)));
    assert_eq!(call.params["caption"], "2024", "captions stay strings");
    assert_eq!(
        call.params["reply_markup"]["inline_keyboard"][0][0]["text"],
        "Ya"
    );

    // A photo by file id: no upload, plain JSON.
    let again = bot
        .send_photo(
            ChatId(77),
            InputFile::file_id(photo.photo().unwrap()[1].file.id.clone()),
        )
        .await
        .unwrap();
    assert!(again.photo().is_some());
    assert!(api.calls_to("sendPhoto").pop().unwrap().file.is_none());

    let history = api.history(77);
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].kind, SentKind::Document);
    assert_eq!(history[0].file_name.as_deref(), Some("x.csv"));
    assert!(
        api.messages_to(77).is_empty(),
        "messages_to lists texts only"
    );
    assert_eq!(api.deliveries_per_chat()[&77], 2);

    // A user's document can be fetched with getFile and downloaded.
    let user = TestUser::new(8, "Andi");
    api.push_update(api.document(&user, "data.csv", b"a,b\n1,2\n"));
    let updates = bot.get_updates().await.unwrap();
    let UpdateKind::Message(m) = &updates[0].kind else {
        panic!()
    };
    let file = bot
        .get_file(m.document().unwrap().file.id.clone())
        .await
        .unwrap();
    let mut bytes = Vec::new();
    teloxide::net::Download::download_file(&bot, &file.path, &mut bytes)
        .await
        .unwrap();
    assert_eq!(bytes, b"a,b\n1,2\n");
}

#[tokio::test]
async fn update_kinds_and_offsets() {
    let api = FakeBotApi::start().await;
    let bot = api.bot();
    let user = TestUser::new(100, "Budi")
        .with_last_name("Santoso")
        .with_language("en");
    let first = api.push_update(api.text(&user, "/start unit_dinsos"));
    api.push_update(api.group_text(&user, -5_001, "/ikrar@netralitas_test_bot"));
    api.push_update(api.sticker(&user));
    api.push_update(api.photo(&user));
    api.push_update(api.voice(&user));
    api.push_update(api.edited_text(&user, "/start diedit"));
    api.push_update(api.callback(&user, 12_345, "p:ok"));
    assert_eq!(api.pending_updates().len(), 7);

    let updates = bot.get_updates().await.unwrap();
    assert_eq!(updates.len(), 7);
    assert_eq!(updates[0].id.0, first);
    let kinds: Vec<&UpdateKind> = updates.iter().map(|u| &u.kind).collect();
    let UpdateKind::Message(m) = kinds[0] else {
        panic!("{:?}", kinds[0])
    };
    assert_eq!(m.text(), Some("/start unit_dinsos"));
    assert!(m.chat.is_private());
    let from = m.from.as_ref().unwrap();
    assert_eq!(from.full_name(), "Budi Santoso");
    assert_eq!(from.language_code.as_deref(), Some("en"));
    let entity = &m.parse_entities().unwrap()[0];
    assert_eq!(
        entity.kind(),
        &teloxide::types::MessageEntityKind::BotCommand
    );
    assert_eq!(entity.text(), "/start");
    let UpdateKind::Message(g) = kinds[1] else {
        panic!("{:?}", kinds[1])
    };
    assert!(g.chat.is_group());
    assert_eq!(g.chat.id, ChatId(-5_001));
    let UpdateKind::Message(s) = kinds[2] else {
        panic!()
    };
    assert!(s.sticker().is_some());
    let UpdateKind::Message(p) = kinds[3] else {
        panic!()
    };
    assert_eq!(p.photo().unwrap().len(), 2);
    let UpdateKind::Message(v) = kinds[4] else {
        panic!()
    };
    assert_eq!(v.voice().unwrap().duration.seconds(), 3);
    let UpdateKind::EditedMessage(e) = kinds[5] else {
        panic!("{:?}", kinds[5])
    };
    assert_eq!(e.text(), Some("/start diedit"));
    assert_eq!(e.id, m.id, "edits the user's latest private message");
    let UpdateKind::CallbackQuery(q) = kinds[6] else {
        panic!()
    };
    assert_eq!(q.regular_message().unwrap().id, MessageId(12_345));

    // Nothing confirmed until an offset is sent.
    assert_eq!(bot.get_updates().await.unwrap().len(), 7);
    let last = updates[6].id.as_offset();
    let rest = bot.get_updates().offset(last - 2).limit(1).await.unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].id, updates[5].id);
    assert_eq!(api.pending_updates().len(), 2);
    assert!(!api.wait_until_consumed(Duration::from_millis(50)).await);
    bot.get_updates().offset(last).timeout(0).await.unwrap();
    assert!(api.wait_until_consumed(Duration::ZERO).await);
    assert!(api.pending_updates().is_empty());

    // Negative offset keeps only the newest updates.
    for i in 0..3 {
        api.push_text(&user, &format!("m{i}"));
    }
    let newest = bot.get_updates().offset(-1).await.unwrap();
    assert_eq!(newest.len(), 1);
    assert_eq!(api.pending_updates().len(), 1);
}

#[tokio::test]
async fn long_poll_returns_when_an_update_arrives() {
    let api = FakeBotApi::start().await;
    let bot = api.bot();
    let user = TestUser::new(5, "Rina");

    // An empty long poll waits for the full timeout.
    let started = Instant::now();
    assert!(bot.get_updates().timeout(1).await.unwrap().is_empty());
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );

    let poller = tokio::spawn({
        let bot = bot.clone();
        async move {
            let started = Instant::now();
            let updates = bot.get_updates().timeout(10).await.unwrap();
            (updates, started.elapsed())
        }
    });
    let mark = api.mark();
    api.wait_for_call_since(mark, |c| c.method == "getUpdates", WAIT)
        .await
        .expect("poll arrived");
    tokio::time::sleep(Duration::from_millis(100)).await;
    api.push_text(&user, "halo");
    let (updates, elapsed) = poller.await.unwrap();
    assert_eq!(updates.len(), 1);
    assert!(
        elapsed < Duration::from_secs(2),
        "returned after {elapsed:?}"
    );

    // A second poller replaces a parked one, which gets 409 like on Telegram.
    let next = updates[0].id.as_offset();
    bot.get_updates().offset(next).await.unwrap();
    let stale = tokio::spawn({
        let bot = bot.clone();
        async move { bot.get_updates().timeout(10).await }
    });
    let mark = api.mark();
    api.wait_for_call_since(mark, |c| c.method == "getUpdates", WAIT)
        .await
        .unwrap();
    let fresh = bot.get_updates().timeout(0).await.unwrap();
    assert!(fresh.is_empty());
    let err = stale.await.unwrap().unwrap_err();
    assert!(matches!(
        err,
        RequestError::Api(ApiError::TerminatedByOtherGetUpdates)
    ));
}

#[tokio::test]
async fn chat_faults_and_rate_limit() {
    let api = FakeBotApi::start().await;
    let bot = api.bot();
    api.block_chat(10);
    api.deactivate_chat(11);
    api.chat_not_found(12);
    let e = bot.send_message(ChatId(10), "hi").await.unwrap_err();
    assert!(
        matches!(e, RequestError::Api(ApiError::BotBlocked)),
        "{e:?}"
    );
    let e = bot.send_message(ChatId(11), "hi").await.unwrap_err();
    assert!(
        matches!(e, RequestError::Api(ApiError::UserDeactivated)),
        "{e:?}"
    );
    let e = bot
        .send_document(
            ChatId(10),
            InputFile::memory(b"x".to_vec()).file_name("a.txt"),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, RequestError::Api(ApiError::BotBlocked)));
    let e = bot.send_message(ChatId(12), "hi").await.unwrap_err();
    assert!(matches!(e, RequestError::Api(ApiError::ChatNotFound)));
    assert_eq!(api.count_by_status(403), 3);
    api.unblock_chat(10);
    bot.send_message(ChatId(10), "hi again").await.unwrap();

    api.set_rate_limit(Some(3));
    api.set_retry_after(2);
    for chat in 20..23 {
        bot.send_message(ChatId(chat), "broadcast").await.unwrap();
    }
    let e = bot.send_message(ChatId(23), "broadcast").await.unwrap_err();
    let RequestError::RetryAfter(after) = e else {
        panic!("expected RetryAfter, got {e:?}")
    };
    assert_eq!(after.seconds(), 2);
    // Chat actions are not rate limited; failed sends are recorded with their status.
    bot.send_chat_action(ChatId(23), teloxide::types::ChatAction::Typing)
        .await
        .unwrap();
    assert_eq!(api.count_429(), 1);
    assert_eq!(api.calls_to("sendMessage").last().unwrap().status, 429);
    tokio::time::sleep(Duration::from_millis(1_050)).await;
    bot.send_message(ChatId(23), "broadcast").await.unwrap();
    let deliveries = api.deliveries_per_chat();
    assert!((20..24).all(|c| deliveries[&c] == 1));
    assert!(!deliveries.contains_key(&11));
}

#[tokio::test]
async fn paid_sends_are_recorded_and_get_the_higher_limit() {
    let api = FakeBotApi::start().await;
    let bot = api.bot();
    api.set_rate_limit(Some(2));
    for chat in 30..32 {
        bot.send_message(ChatId(chat), "free").await.unwrap();
    }
    let e = bot.send_message(ChatId(32), "free").await.unwrap_err();
    assert!(matches!(e, RequestError::RetryAfter(_)), "{e:?}");
    // Over the free limit, a paid send still goes (up to 1,000/s in all).
    for chat in 32..40 {
        bot.send_message(ChatId(chat), "paid")
            .allow_paid_broadcast(true)
            .await
            .unwrap();
    }
    assert_eq!(api.paid_sends(), 8);
    assert!(api.last_message_to(35).unwrap().paid);
    assert!(!api.last_message_to(30).unwrap().paid);
}

#[tokio::test]
async fn per_chat_limits_allow_a_short_burst_then_one_a_second() {
    let api = FakeBotApi::start().await;
    let bot = api.bot();
    // Off by default: a conversation can be played at full speed.
    for _ in 0..10 {
        bot.send_message(ChatId(50), "fast").await.unwrap();
    }
    api.set_per_chat_limits(true);
    for _ in 0..fake_bot_api::PRIVATE_BURST as usize {
        bot.send_message(ChatId(51), "burst").await.unwrap();
    }
    let e = bot
        .send_message(ChatId(51), "one too many")
        .await
        .unwrap_err();
    let RequestError::RetryAfter(after) = e else {
        panic!("expected RetryAfter, got {e:?}")
    };
    assert_eq!(after.seconds(), 1);
    // Other chats are not held up by this one.
    bot.send_message(ChatId(52), "other").await.unwrap();
    tokio::time::sleep(Duration::from_millis(1_050)).await;
    bot.send_message(ChatId(51), "a second later")
        .await
        .unwrap();
    // A group: 20 at once, then 20 a minute.
    for _ in 0..fake_bot_api::GROUP_BURST as usize {
        bot.send_message(ChatId(-100), "group").await.unwrap();
    }
    let e = bot.send_message(ChatId(-100), "group").await.unwrap_err();
    let RequestError::RetryAfter(after) = e else {
        panic!("expected RetryAfter, got {e:?}")
    };
    assert_eq!(after.seconds(), 3);
}

#[tokio::test]
async fn raw_http_encodings_and_errors() {
    let api = FakeBotApi::start().await;
    let (status, body) = raw(&api, "GET", "/bot1:x/getMe", "text/plain", "").await;
    assert_eq!(status, 200);
    assert_eq!(body["result"]["username"], BOT_USERNAME);

    let (status, body) = raw(
        &api,
        "GET",
        "/bot1:x/sendMessage?chat_id=9&text=halo+dunia%21",
        "text/plain",
        "",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["result"]["text"], "halo dunia!");

    let form = "chat_id=-42&text=123&reply_markup=%7B%22inline_keyboard%22%3A%5B%5B%7B%22text%22%3A%22a%22%2C%22callback_data%22%3A%22b%22%7D%5D%5D%7D";
    let (status, body) = raw(
        &api,
        "POST",
        "/bot1:x/SENDMESSAGE",
        "application/x-www-form-urlencoded",
        form,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["result"]["chat"]["type"], "group");
    let call = api.calls().pop().unwrap();
    assert_eq!(call.method, "sendMessage");
    assert_eq!(call.params["chat_id"], json!(-42));
    assert_eq!(call.params["text"], json!("123"));
    assert_eq!(
        call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
        "b"
    );

    let (status, body) = raw(&api, "POST", "/bot1:x/frobnicate", "application/json", "{}").await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 404, "description": "Not Found: method not found"})
    );

    let send = || {
        raw(
            &api,
            "POST",
            "/bot1:x/sendMessage",
            "application/json",
            r#"{"chat_id":1,"text":"x"}"#,
        )
    };
    api.fail_next("sendMessage", 2, 502);
    for _ in 0..2 {
        let (status, body) = send().await;
        assert_eq!(status, 502);
        assert_eq!(body["description"], "Bad Gateway");
        assert_eq!(body["error_code"], 502);
    }
    api.set_rate_limit(Some(0));
    let (status, body) = send().await;
    assert_eq!(status, 429);
    assert_eq!(body["parameters"], json!({"retry_after": 1}));
    assert_eq!(body["description"], "Too Many Requests: retry after 1");
    assert_eq!(api.count_by_status(502), 2);
}

/// teloxide sleeps 10 s after any 5xx answer before returning the error (see
/// `teloxide_core::net::request::DELAY_ON_SERVER_ERROR`), so this test is slow by nature.
#[tokio::test]
async fn server_errors_map_to_unknown_api_errors() {
    let api = FakeBotApi::start().await;
    let bot = api.bot();
    api.fail_next("sendMessage", 1, 500);
    let started = Instant::now();
    let e = bot.send_message(ChatId(1), "x").await.unwrap_err();
    assert!(
        matches!(e, RequestError::Api(ApiError::Unknown(ref s)) if s == "Internal Server Error"),
        "{e:?}"
    );
    assert!(started.elapsed() >= Duration::from_secs(10));
    bot.send_message(ChatId(1), "x").await.unwrap();
    assert_eq!(api.count_by_status(500), 1);
}

#[tokio::test]
async fn dispatcher_echo_with_long_polling_and_shutdown() {
    let api = FakeBotApi::start().await;
    let bot = api.bot();
    let handler = Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
        let text = msg.text().unwrap_or("<no text>").to_owned();
        bot.send_message(msg.chat.id, format!("echo: {text}"))
            .await?;
        respond(())
    });
    let (shutdown, running) = spawn_polling(bot, handler);

    let user = TestUser::new(300, "Echo");
    let started = Instant::now();
    api.push_text(&user, "/start");
    api.push_update(api.sticker(&user));
    let reply = api
        .wait_for_message(300, |t| t == "echo: /start", WAIT)
        .await
        .expect("echo reply");
    assert_eq!(reply.chat_id, 300);
    api.wait_for_message(300, |t| t == "echo: <no text>", WAIT)
        .await
        .expect("sticker echo");
    // Callback queries are not handled by a message-only handler, but are consumed.
    api.push_update(api.callback(&user, reply.message_id, "x"));
    assert!(api.wait_until_consumed(WAIT).await);
    println!("first replies after {:?}", started.elapsed());

    // Long polling picks up later updates immediately.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent_at = Instant::now();
    api.push_text(&user, "lagi");
    api.wait_for_message(300, |t| t == "echo: lagi", WAIT)
        .await
        .unwrap();
    assert!(
        sent_at.elapsed() < Duration::from_millis(900),
        "{:?}",
        sent_at.elapsed()
    );

    let methods: Vec<String> = api.calls().into_iter().map(|c| c.method).collect();
    // A hand-built `Polling` skips getWebhookInfo/deleteWebhook unless `.delete_webhook().await`
    // is called on its builder; `Dispatcher::dispatch()` (polling_default) does call it.
    assert_eq!(methods[0], "getMe", "{methods:?}");

    let stopping = Instant::now();
    stop_dispatcher(&shutdown, running).await;
    assert!(
        stopping.elapsed() < Duration::from_secs(2),
        "{:?}",
        stopping.elapsed()
    );
    // The final getUpdates confirms what was fetched.
    assert!(api.pending_updates().is_empty());
    let last = api.calls_to("getUpdates").pop().unwrap();
    assert_eq!(last.params["timeout"], 0);
    assert_eq!(api.messages_to(300).len(), 3);
}

#[tokio::test]
async fn throughput_of_concurrent_sends() {
    use futures::StreamExt;
    let api = FakeBotApi::start().await;
    let bot = api.bot();
    let n = 2_000;
    let started = Instant::now();
    futures::stream::iter(0..n)
        .map(|i| {
            let bot = bot.clone();
            async move {
                bot.send_message(ChatId(10_000 + i), "Pengumuman")
                    .await
                    .unwrap()
            }
        })
        .buffer_unordered(32)
        .collect::<Vec<_>>()
        .await;
    let elapsed = started.elapsed();
    let rate = n as f64 / elapsed.as_secs_f64();
    println!("{n} sendMessage in {elapsed:?} ({rate:.0}/s)");
    let deliveries = api.deliveries_per_chat();
    assert_eq!(deliveries.len(), n as usize);
    assert!(deliveries.values().all(|&c| c == 1));
    assert!(rate > 500.0, "{rate:.0} sendMessage/s");
    let found = api
        .wait_for_call(|c| c.chat_id() == Some(10_000 + n - 1), WAIT)
        .await;
    assert!(found.is_some());
}

/// A dispatcher long-polling the fake (1 s timeout) with `handler`, in a task of its own.
fn spawn_polling(
    bot: Bot,
    handler: teloxide::dispatching::UpdateHandler<RequestError>,
) -> (
    teloxide::dispatching::ShutdownToken,
    tokio::task::JoinHandle<()>,
) {
    let listener = Polling::builder(bot.clone())
        .timeout(Duration::from_secs(1))
        .build();
    let mut dispatcher = Dispatcher::builder(bot, handler).build();
    let shutdown = dispatcher.shutdown_token();
    let running = tokio::spawn(async move {
        dispatcher
            .dispatch_with_listener(
                listener,
                teloxide::error_handlers::LoggingErrorHandler::with_custom_text("polling"),
            )
            .await;
    });
    (shutdown, running)
}

/// `ShutdownToken::shutdown()` fails with `IdleShutdownError` until the dispatcher has done
/// `getMe` and entered its loop; a stop that gives up then and awaits the dispatcher task hangs
/// forever. Retry until it is accepted (or the task ended, e.g. because `getMe` failed).
async fn stop_dispatcher(
    shutdown: &teloxide::dispatching::ShutdownToken,
    running: tokio::task::JoinHandle<()>,
) {
    loop {
        match shutdown.shutdown() {
            Ok(done) => {
                done.await;
                break;
            }
            Err(_idle) if !running.is_finished() => {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            Err(_idle) => break,
        }
    }
    running.await.unwrap();
}

#[tokio::test]
async fn shutdown_right_after_spawning_needs_a_retry() {
    let api = FakeBotApi::start().await;
    let bot = api.bot();
    let handler = Update::filter_message().endpoint(|| async { respond(()) });
    let (shutdown, running) = spawn_polling(bot, handler);
    assert!(
        shutdown.shutdown().is_err(),
        "not dispatching yet: the shutdown request is refused, not queued"
    );
    let started = Instant::now();
    stop_dispatcher(&shutdown, running).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(!api.calls_to("getMe").is_empty());
}

#[tokio::test]
async fn copy_message_copies_what_a_user_sent_and_refuses_what_nobody_sent() {
    let api = FakeBotApi::start().await;
    let bot = api.bot();
    let hr = TestUser::new(8000, "Bu HR");
    let photo = api.photo(&hr);
    let source = MessageId(photo["message"]["message_id"].as_i64().unwrap() as i32);
    let copy = bot
        .copy_message(ChatId(42), ChatId(hr.id), source)
        .await
        .unwrap();
    assert_ne!(copy, source);
    assert_eq!(api.copies_to(42), vec![(hr.id, source.0)]);
    assert_eq!(api.deliveries_per_chat().get(&42), Some(&1));
    assert!(
        api.messages_to(42).is_empty(),
        "a copy is not a text message"
    );

    let missing = bot
        .copy_message(ChatId(42), ChatId(hr.id), MessageId(9_999))
        .await;
    assert!(matches!(missing, Err(RequestError::Api(_))), "{missing:?}");
    assert_eq!(api.copies_to(42).len(), 1);
}
