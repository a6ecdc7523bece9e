-- SPDX-FileCopyrightText: 2026 The Kabar developers
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Kabar's store, version 4: the outbox, and what a POP account remembers
-- of the server's messages (kabar-store-outbox.c, kabar-store-local.c).

-- Messages waiting to be sent. They exist nowhere else: every write that
-- decides whether one is sent is committed with synchronous=FULL.
CREATE TABLE outbox (
  -- AUTOINCREMENT: an id the sender or the UI still holds never names
  -- another message after this one went.
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  -- Without angle brackets.
  message_id      TEXT,
  -- The envelope: MAIL FROM, and the RCPT TO addresses (Bcc included),
  -- one a line (no address holds a line break: SMTP could not send it).
  sender          TEXT NOT NULL,
  recipients      TEXT NOT NULL,
  -- The size of the message (in outbox_messages), in bytes.
  size            INTEGER NOT NULL,
  -- 'sending' is set just before the end of the data goes: a row found in
  -- it at start-up may have been sent, and becomes 'unconfirmed', which is
  -- never sent again unless the user asks.
  state           TEXT NOT NULL DEFAULT 'queued'
                  CHECK (state IN ('queued', 'sending', 'unconfirmed', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  -- Unix seconds.
  next_attempt    INTEGER NOT NULL DEFAULT 0,
  -- The server's words at the last failure.
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  -- Where the sent copy goes; NULL when the provider files it itself, or
  -- when that folder went meanwhile (the message is still sent).
  sent_folder_id  INTEGER REFERENCES folders (id) ON DELETE SET NULL
);
-- The sender's next message: the oldest queued one that is due.
CREATE INDEX outbox_due ON outbox (state, next_attempt, id);
CREATE INDEX outbox_sent_folder ON outbox (sent_folder_id)
  WHERE sent_folder_id IS NOT NULL;

-- The message as it goes on the wire, CRLF, apart from its state: SQLite
-- rewrites a row whole, and each change of state (sending, then gone)
-- rewrote the message with it, twice the size of a 10 MB message in the
-- write-ahead log at every send.
CREATE TABLE outbox_messages (
  outbox_id       INTEGER PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
  raw             BLOB NOT NULL
);

-- Every message a POP account downloaded, by the server's UIDL: what not
-- to download again, and what the server may delete under the account's
-- policy. A row is forgotten once the server no longer lists its UIDL.
CREATE TABLE pop_messages (
  uidl              TEXT PRIMARY KEY,
  -- The message it became; NULL once that went here. Not a foreign key,
  -- as in pending_messages: the triggers below follow the row instead.
  message_row       INTEGER,
  -- Unix seconds.
  downloaded_at     INTEGER NOT NULL,
  -- Deleted for good here, or lying in the trash.
  deleted_locally   INTEGER NOT NULL DEFAULT 0,
  deleted_on_server INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX pop_messages_row ON pop_messages (message_row)
  WHERE message_row IS NOT NULL;

-- A message that goes was deleted for good here (or went with its
-- folder). Moves keep the row (kabar_store_complete_pending_locally()),
-- so this is not a move.
CREATE TRIGGER pop_messages_row_delete AFTER DELETE ON messages
BEGIN
  UPDATE pop_messages SET message_row = NULL, deleted_locally = 1
   WHERE message_row = old.id;
END;

-- Moving into the trash deletes it for the server; moving it out again
-- takes that back. Moves between other folders change nothing.
CREATE TRIGGER pop_messages_row_move AFTER UPDATE OF folder_id ON messages
  WHEN old.folder_id != new.folder_id
BEGIN
  UPDATE pop_messages
     SET deleted_locally = EXISTS (SELECT 1 FROM folders
                                   WHERE id = new.folder_id AND role = 'trash')
   WHERE message_row = new.id;
END;
