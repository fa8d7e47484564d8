//! teloxide's dialogue `Storage` on our own SQLite store, so a registration half-way
//! through survives a restart (and no second SQLite is linked through sqlx).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use serde::{Serialize, de::DeserializeOwned};
use teloxide::dispatching::dialogue::Storage;
use teloxide::types::ChatId;

use crate::app::Clock;
use crate::store::{Store, StoreError, dialogues};

pub struct SqliteDialogues {
    store: Store,
    clock: Clock,
    /// Chats known to have no dialogue: most updates come from people who are not
    /// registering, and this spares each of them a read (and `exit` a delete). Only this
    /// process writes dialogues, the prunes and erasure only delete, and teloxide hands one
    /// chat's updates to its handlers one at a time, so an entry here never goes stale.
    absent: Mutex<HashSet<i64>>,
}

/// Past this many chats the set starts again empty: memory stays bounded, and a miss only
/// costs the read it would have cost anyway.
const ABSENT_CAP: usize = 200_000;

impl SqliteDialogues {
    pub fn new(store: Store, clock: Clock) -> Arc<Self> {
        Arc::new(SqliteDialogues {
            store,
            clock,
            absent: Mutex::new(HashSet::new()),
        })
    }

    fn known_absent(&self, chat: i64) -> bool {
        self.lock().contains(&chat)
    }

    fn note_absent(&self, chat: i64, absent: bool) {
        let mut set = self.lock();
        if !absent {
            set.remove(&chat);
            return;
        }
        if set.len() >= ABSENT_CAP {
            set.clear();
        }
        set.insert(chat);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<i64>> {
        self.absent
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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
            if self.known_absent(chat_id.0) {
                return Ok(());
            }
            self.store
                .run(move |c| dialogues::remove(c, chat_id.0).map(|_| ()))
                .await?;
            self.note_absent(chat_id.0, true);
            Ok(())
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
            // Forgotten before the write: if the write fails, the next read asks the store.
            self.note_absent(chat_id.0, false);
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
            if self.known_absent(chat_id.0) {
                return Ok(None);
            }
            let json = self
                .store
                .point_read(move |c| dialogues::get(c, chat_id.0))
                .await?;
            if json.is_none() {
                self.note_absent(chat_id.0, true);
            }
            // A state saved by an older version that no longer parses restarts the dialogue
            // instead of wedging the chat.
            Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
        })
    }
}
