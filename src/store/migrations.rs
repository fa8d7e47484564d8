//! Schema versions. Append new migrations; never edit one that has shipped.

use rusqlite_migration::{M, Migrations};

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(INITIAL),
        M::up(super::audit::SCHEMA),
        M::up(super::outbox::SCHEMA),
        M::up(super::reports::SCHEMA),
    ])
}

const INITIAL: &str = r#"
        CREATE TABLE users (
            id            INTEGER PRIMARY KEY,          -- Telegram user id
            display_name  TEXT NOT NULL,
            username      TEXT,
            language      TEXT NOT NULL DEFAULT 'id',
            role          TEXT NOT NULL DEFAULT 'asn',  -- granted role; owners come from ADMIN_IDS
            employment    TEXT,                         -- pns | pppk | nonasn
            full_name     TEXT,
            nip           TEXT,
            unit_code     TEXT,
            registered_at TEXT,
            first_seen    TEXT NOT NULL,
            blocked       INTEGER NOT NULL DEFAULT 0,
            reminders_muted INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX users_unit ON users(unit_code);
        CREATE INDEX users_username ON users(username COLLATE NOCASE);

        -- Keyed by (user, election) without a rowid: one B-tree fewer to write per pledge.
        CREATE TABLE pledges (
            user_id      INTEGER NOT NULL REFERENCES users(id),
            election     TEXT NOT NULL,
            text_hash    TEXT NOT NULL,
            confirmed_at TEXT NOT NULL,                 -- UTC, RFC 3339
            receipt_code TEXT NOT NULL UNIQUE,
            PRIMARY KEY (user_id, election)
        ) WITHOUT ROWID;
        CREATE INDEX pledges_election_day ON pledges(election, confirmed_at);

        CREATE TABLE dialogues (
            chat_id    INTEGER PRIMARY KEY,
            state      TEXT NOT NULL,                   -- JSON of the dialogue state enum
            updated_at TEXT NOT NULL
        );

        CREATE TABLE unanswered_questions (
            id       INTEGER PRIMARY KEY,
            user_id  INTEGER,
            question TEXT NOT NULL,
            lang     TEXT NOT NULL,
            score    REAL NOT NULL,
            asked_at TEXT NOT NULL
        );

        CREATE TABLE feedback (
            user_id    INTEGER NOT NULL,
            rule_id    TEXT NOT NULL,
            helpful    INTEGER NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (user_id, rule_id)
        );
        "#;
