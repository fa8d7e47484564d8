//! teloxide's dialogue `Storage` on our own SQLite store, so a registration half-way
//! through survives a restart (and no second SQLite is linked through sqlx).

use std::sync::Arc;

use futures::future::BoxFuture;
use serde::{Serialize, de::DeserializeOwned};
use teloxide::dispatching::dialogue::Storage;
use teloxide::types::ChatId;

use crate::app::Clock;
use crate::store::{Store, StoreError, dialogues};

pub struct SqliteDialogues {
    store: Store,
    clock: Clock,
}

impl SqliteDialogues {
    pub fn new(store: Store, clock: Clock) -> Arc<Self> {
        Arc::new(SqliteDialogues { store, clock })
    }
}

impl<D> Storage<D> for SqliteDialogues
where
    D: Serialize + DeserializeOwned + Send + 'static,
{
    type Error = StoreError;

    fn remove_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
    ) -> BoxFuture<'static, Result<(), StoreError>>
    where
        D: Send + 'static,
    {
        Box::pin(async move {
            self.store
                .run(move |c| dialogues::remove(c, chat_id.0).map(|_| ()))
                .await
        })
    }

    fn update_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
        dialogue: D,
    ) -> BoxFuture<'static, Result<(), StoreError>>
    where
        D: Send + 'static,
    {
        Box::pin(async move {
            let json = serde_json::to_string(&dialogue)?;
            let now = self.clock.now();
            self.store
                .run(move |c| dialogues::set(c, chat_id.0, &json, now))
                .await
        })
    }

    fn get_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
    ) -> BoxFuture<'static, Result<Option<D>, StoreError>> {
        Box::pin(async move {
            let json = self
                .store
                .run(move |c| dialogues::get(c, chat_id.0))
                .await?;
            // A state saved by an older version that no longer parses restarts the dialogue
            // instead of wedging the chat.
            Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
        })
    }
}
