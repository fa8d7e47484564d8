//! The Bot API's error answer.

use serde_json::{Value, json};

#[derive(Clone, Debug)]
pub(crate) struct ApiErr {
    pub(crate) status: u16,
    pub(crate) description: String,
    pub(crate) retry_after: Option<u64>,
}

impl ApiErr {
    pub(crate) fn new(status: u16, description: impl Into<String>) -> Self {
        Self {
            status,
            description: description.into(),
            retry_after: None,
        }
    }

    pub(crate) fn bad(description: &str) -> Self {
        Self::new(400, format!("Bad Request: {description}"))
    }

    pub(crate) fn body(&self) -> Value {
        let mut body = json!({
            "ok": false,
            "error_code": self.status,
            "description": self.description,
        });
        if let Some(s) = self.retry_after {
            body["parameters"] = json!({ "retry_after": s });
        }
        body
    }
}

pub(crate) type ApiResult = Result<Value, ApiErr>;
