//! Photos and documents: the bot's uploads, users' media updates, `getFile` and downloads.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::error::{ApiErr, ApiResult};
use crate::json::{put_inline_markup, require_chat};
use crate::messages::StoredMessage;
use crate::server::{Inner, api_response};
use crate::state::ServerState;
use crate::validate::{Content, check_caption};
use crate::{FakeBotApi, SentKind, TestUser};

pub(crate) struct StoredFile {
    pub(crate) file_id: String,
    pub(crate) unique_id: String,
    pub(crate) path: String,
    pub(crate) bytes: Vec<u8>,
}

impl ServerState {
    pub(crate) fn file_seq(&mut self) -> u64 {
        let id = self.next_file_id;
        self.next_file_id += 1;
        id
    }

    pub(crate) fn register_file(
        &mut self,
        prefix: &str,
        dir: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> Value {
        let n = self.file_seq();
        let file_id = format!("{prefix}-{n}-fake");
        let unique_id = format!("u{prefix}{n}");
        let path = format!("{dir}/file_{n}_{name}");
        let size = bytes.len();
        self.files.insert(
            file_id.clone(),
            StoredFile {
                file_id: file_id.clone(),
                unique_id: unique_id.clone(),
                path,
                bytes,
            },
        );
        json!({"file_id": file_id, "file_unique_id": unique_id, "file_size": size})
    }

    /// Keeps a photo or document the bot sent as message `(chat_id, id)`: `m` is its
    /// message so far, without the caption and keyboard `content` adds.
    fn store_media(
        &mut self,
        (chat_id, id): (i64, i32),
        mut m: Map<String, Value>,
        content: Content,
        kind: SentKind,
        file_name: Option<String>,
    ) -> ApiResult {
        if !content.words.is_empty() {
            m.insert("caption".into(), json!(content.words));
        }
        put_inline_markup(&mut m, content.markup.as_ref());
        let json = Value::Object(m);
        self.store(StoredMessage {
            text: content.words,
            parse_mode: content.parse_mode,
            reply_markup: content.markup,
            file_name,
            ..StoredMessage::new(chat_id, id, kind, json.clone())
        });
        Ok(json)
    }

    fn read_caption(&self, p: &Value) -> Result<Content, ApiErr> {
        Content::read(p, "caption", self.strict, check_caption)
    }

    pub(crate) fn send_photo(&mut self, p: &Value, file: Option<&(String, Vec<u8>)>) -> ApiResult {
        let chat_id = require_chat(p)?;
        let content = self.read_caption(p)?;
        let size = match (p.get("photo").and_then(Value::as_str), file) {
            (_, Some((_, bytes))) => bytes.len(),
            (Some(s), None) if !s.is_empty() && !s.starts_with("attach://") => 50_000,
            _ => return Err(ApiErr::bad("there is no photo in the request")),
        };
        let id = self.message_id();
        let n = self.file_seq();
        let mut m = self.base_message(id, chat_id);
        m.insert(
            "photo".into(),
            json!([
                {"file_id": format!("photo-{n}-s"), "file_unique_id": format!("uphoto{n}s"),
                 "file_size": size.min(2_000), "width": 90, "height": 90},
                {"file_id": format!("photo-{n}-m"), "file_unique_id": format!("uphoto{n}m"),
                 "file_size": size, "width": 1280, "height": 1280},
            ]),
        );
        self.store_media(
            (chat_id, id),
            m,
            content,
            SentKind::Photo,
            file.map(|f| f.0.clone()),
        )
    }

    pub(crate) fn send_document(
        &mut self,
        p: &Value,
        file: Option<&(String, Vec<u8>)>,
    ) -> ApiResult {
        let chat_id = require_chat(p)?;
        let content = self.read_caption(p)?;
        let (file_name, size) = match (p.get("document").and_then(Value::as_str), file) {
            (_, Some((name, bytes))) => (Some(name.clone()), bytes.len()),
            (Some(s), None) if !s.is_empty() && !s.starts_with("attach://") => (None, 10_000),
            _ => return Err(ApiErr::bad("there is no document in the request")),
        };
        if self.strict && size == 0 {
            return Err(ApiErr::bad("file must be non-empty"));
        }
        let id = self.message_id();
        let n = self.file_seq();
        let mut doc = Map::new();
        doc.insert("file_id".into(), json!(format!("doc-{n}-fake")));
        doc.insert("file_unique_id".into(), json!(format!("udoc{n}")));
        doc.insert("file_size".into(), json!(size));
        if let Some(name) = &file_name {
            doc.insert("file_name".into(), json!(name));
            doc.insert("mime_type".into(), json!(guess_mime(name)));
        }
        let mut m = self.base_message(id, chat_id);
        m.insert("document".into(), Value::Object(doc));
        self.store_media((chat_id, id), m, content, SentKind::Document, file_name)
    }

    pub(crate) fn get_file(&mut self, p: &Value) -> ApiResult {
        let id = p.get("file_id").and_then(Value::as_str).unwrap_or("");
        match self.files.get(id) {
            Some(f) => Ok(json!({
                "file_id": f.file_id,
                "file_unique_id": f.unique_id,
                "file_size": f.bytes.len(),
                "file_path": f.path,
            })),
            None => Err(ApiErr::bad("invalid file_id")),
        }
    }
}

impl FakeBotApi {
    /// A sticker from `user`.
    pub fn sticker(&self, user: &TestUser) -> Value {
        let mut m = self.incoming_message(user, user.id);
        let mut st = self.inner.lock();
        let mut sticker = st.register_file(
            "sticker",
            "stickers",
            "sticker.webp",
            b"RIFF\0\0\0\0WEBPVP8 ".to_vec(),
        );
        let obj = sticker.as_object_mut().expect("object");
        obj.insert("width".into(), json!(512));
        obj.insert("height".into(), json!(512));
        obj.insert("type".into(), json!("regular"));
        obj.insert("is_animated".into(), json!(false));
        obj.insert("is_video".into(), json!(false));
        obj.insert("emoji".into(), json!("👍"));
        obj.insert("set_name".into(), json!("TestStickers"));
        m.insert("sticker".into(), sticker);
        json!({ "message": m })
    }

    /// A photo (two sizes, no caption) from `user`.
    pub fn photo(&self, user: &TestUser) -> Value {
        let mut m = self.incoming_message(user, user.id);
        let mut st = self.inner.lock();
        let mut small = st.register_file(
            "uphoto",
            "photos",
            "s.jpg",
            b"\xFF\xD8\xFF\xE0 small".to_vec(),
        );
        let mut big = st.register_file(
            "uphoto",
            "photos",
            "m.jpg",
            b"\xFF\xD8\xFF\xE0 big photo".to_vec(),
        );
        small["width"] = json!(90);
        small["height"] = json!(67);
        big["width"] = json!(1280);
        big["height"] = json!(960);
        m.insert("photo".into(), json!([small, big]));
        json!({ "message": m })
    }

    /// A voice note from `user`.
    pub fn voice(&self, user: &TestUser) -> Value {
        let mut m = self.incoming_message(user, user.id);
        let mut st = self.inner.lock();
        let mut voice =
            st.register_file("voice", "voice", "voice.oga", b"OggS fake voice".to_vec());
        voice["duration"] = json!(3);
        voice["mime_type"] = json!("audio/ogg");
        m.insert("voice".into(), voice);
        json!({ "message": m })
    }

    /// A document `file_name` with `bytes` from `user`; the bot can `getFile` and download it.
    pub fn document(&self, user: &TestUser, file_name: &str, bytes: &[u8]) -> Value {
        let mut m = self.incoming_message(user, user.id);
        let mut st = self.inner.lock();
        let mut doc = st.register_file("udoc", "documents", file_name, bytes.to_vec());
        doc["file_name"] = json!(file_name);
        doc["mime_type"] = json!(guess_mime(file_name));
        m.insert("document".into(), doc);
        json!({ "message": m })
    }
}

pub(crate) fn download(inner: &Inner, path: &str) -> Response {
    let st = inner.lock();
    match st.files.values().find(|f| f.path == path) {
        Some(f) => (StatusCode::OK, f.bytes.clone()).into_response(),
        None => api_response(404, &ApiErr::new(404, "Not Found").body()),
    }
}

fn guess_mime(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" => "text/csv",
        "txt" => "text/plain",
        "json" => "application/json",
        "pdf" => "application/pdf",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xls" => "application/vnd.ms-excel",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}
