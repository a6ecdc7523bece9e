-- SPDX-FileCopyrightText: 2026 The Kabar developers
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Kabar's store, version 1: one account's folders, message summaries,
-- bodies, search index and pending operations.
--
-- Applied by KabarStore inside one transaction, which then sets
-- PRAGMA user_version = 1. Never edit a released version file: add
-- version-NNN.sql with the change instead.

-- "KBAR": tells our files from any other SQLite database.
PRAGMA application_id = 1262633298;

-- One row per folder of the server. The path is the full server name,
-- decoded to UTF-8 (IMAP's modified UTF-7 is decoded by the protocol layer).
CREATE TABLE folders (
  id              INTEGER PRIMARY KEY,
  path            TEXT NOT NULL UNIQUE,
  name            TEXT NOT NULL,
  -- A missing parent (not listed yet, or \NonExistent) leaves NULL; the
  -- store adopts children when the parent arrives. Deleting a parent does
  -- not delete its children: IMAP's DELETE does not either.
  parent_id       INTEGER REFERENCES folders (id) ON DELETE SET NULL,
  -- NULL for a flat namespace (LIST's NIL delimiter).
  delimiter       TEXT,
  role            TEXT NOT NULL DEFAULT 'none'
                  CHECK (role IN ('none', 'inbox', 'sent', 'drafts', 'trash',
                                  'junk', 'archive', 'all', 'flagged')),
  -- The LIST attributes as the server sent them, space separated.
  attributes      TEXT NOT NULL DEFAULT '',
  subscribed      INTEGER NOT NULL DEFAULT 0,
  -- IMAP sync state; 0 means not known yet.
  uidvalidity     INTEGER NOT NULL DEFAULT 0,
  uidnext         INTEGER NOT NULL DEFAULT 0,
  highestmodseq   INTEGER NOT NULL DEFAULT 0,
  -- When the flags of every message were last fetched (unix seconds): the
  -- resync without CONDSTORE is costly and is not run at every connection.
  last_flag_sync  INTEGER NOT NULL DEFAULT 0,
  -- Kept up to date, so a folder list never counts rows: by the triggers
  -- below, and for inserts by kabar_store_insert_summaries(), once a batch
  -- (a trigger a row made the sync's inserts a third slower).
  total_count     INTEGER NOT NULL DEFAULT 0,
  unread_count    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX folders_parent ON folders (parent_id);

-- One row per message summary (the envelope the list shows). The envelope
-- of a UID never changes on the server; flags, keywords and modseq do.
CREATE TABLE messages (
  -- AUTOINCREMENT: an id the UI still holds is never given to another
  -- message after a delete.
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  folder_id       INTEGER NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
  uid             INTEGER NOT NULL,
  -- KabarMessageFlags: 1 seen, 2 answered, 4 flagged, 8 deleted, 16 draft.
  flags           INTEGER NOT NULL DEFAULT 0,
  -- Other keywords ($Forwarded, $MDNSent, $Junk...), space separated.
  keywords        TEXT,
  modseq          INTEGER NOT NULL DEFAULT 0,
  -- Unix seconds, UTC. date is the Date header, or internal_date when the
  -- message has none, so the list always has an order.
  internal_date   INTEGER NOT NULL DEFAULT 0,
  date            INTEGER NOT NULL DEFAULT 0,
  size            INTEGER NOT NULL DEFAULT 0,
  subject         TEXT,
  from_name       TEXT,
  from_address    TEXT,
  -- RFC 5322 address lists in UTF-8 ("Name <addr>, "Doe, J" <j@x>"), as
  -- GMime's internet_address_list_to_string() writes and parses them.
  to_list         TEXT,
  cc_list         TEXT,
  -- Message-IDs without angle brackets; refs keeps the References header's
  -- ids, each in angle brackets, space separated.
  message_id      TEXT,
  in_reply_to     TEXT,
  refs            TEXT,
  -- 64-bit FNV-1a hashes of message_id and in_reply_to, for the threading
  -- lookups. Indexing the hashes rather than the ids makes those indexes a
  -- third of the size; as their keys are random, a batch rewrites most of
  -- their pages, and that was half the cost of the sync's inserts. A
  -- lookup compares the ids too, so a collision costs only a row read.
  message_id_hash INTEGER,
  in_reply_to_hash INTEGER,
  thread_id       INTEGER NOT NULL,
  has_attachments INTEGER NOT NULL DEFAULT 0,
  preview         TEXT,
  UNIQUE (folder_id, uid)
);
-- The message list pages through a folder newest first.
CREATE INDEX messages_folder_date ON messages (folder_id, date DESC, uid DESC);
-- Threading, and finding a message by its Message-ID: parents by their
-- Message-ID, replies that arrived before their parent by In-Reply-To, and
-- a thread's messages by its id.
CREATE INDEX messages_message_id ON messages (message_id_hash)
  WHERE message_id_hash IS NOT NULL;
CREATE INDEX messages_in_reply_to ON messages (in_reply_to_hash)
  WHERE in_reply_to_hash IS NOT NULL;
CREATE INDEX messages_thread ON messages (thread_id);

CREATE TRIGGER messages_count_delete AFTER DELETE ON messages
BEGIN
  UPDATE folders
     SET total_count = total_count - 1,
         unread_count = unread_count - ((old.flags & 1) = 0)
   WHERE id = old.folder_id;
END;

CREATE TRIGGER messages_count_seen AFTER UPDATE OF flags ON messages
  WHEN (old.flags & 1) != (new.flags & 1)
BEGIN
  UPDATE folders
     SET unread_count = unread_count + (CASE WHEN new.flags & 1 THEN -1 ELSE 1 END)
   WHERE id = new.folder_id;
END;

CREATE TRIGGER messages_count_move AFTER UPDATE OF folder_id ON messages
  WHEN old.folder_id != new.folder_id
BEGIN
  UPDATE folders
     SET total_count = total_count - 1,
         unread_count = unread_count - ((old.flags & 1) = 0)
   WHERE id = old.folder_id;
  UPDATE folders
     SET total_count = total_count + 1,
         unread_count = unread_count + ((new.flags & 1) = 0)
   WHERE id = new.folder_id;
END;

-- Bodies are fetched on demand. raw is the whole RFC 5322 message; text is
-- the plain text the MIME layer extracted from it for the search index, and
-- stays when raw is dropped to save space (fetched = 0 then).
CREATE TABLE bodies (
  message_id      INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  raw             BLOB,
  fetched         INTEGER NOT NULL DEFAULT 0,
  text            TEXT
);

-- The full-text index. External content: the text lives once, in messages
-- and bodies, and the index keeps only tokens. A contentless table would be
-- as small, but SQLite 3.40 can delete from one only when given the very
-- text that was indexed, and "rebuild" (after a tokenizer change) needs the
-- text too. This view is the content table; new messages are indexed from
-- it by kabar_store_insert_summaries(), once a batch (an FTS5 insert a row
-- made the sync's inserts several times slower), and the triggers below
-- issue their 'delete' commands from it, so the indexed text and the
-- deleted text are computed in one place.
CREATE VIEW message_search_source (id, subject, sender, recipients, body) AS
  SELECT m.id,
         m.subject,
         coalesce (m.from_name, '') || ' ' || coalesce (m.from_address, ''),
         coalesce (m.to_list, '') || ' ' || coalesce (m.cc_list, ''),
         b.text
    FROM messages AS m LEFT JOIN bodies AS b ON b.message_id = m.id;

-- unicode61's default categories split Devanagari words at their vowel
-- signs (U+093E...: categories Mc and Mn), so "समाचार" was indexed as
-- "सम", "च", "र". Taking the mark categories into tokens keeps Hindi words
-- whole; remove_diacritics still folds Latin accents (café = cafe).
-- columnsize = 0: results are ordered by date, not by bm25(), which is
-- what the table of column sizes is for; without it an insert writes one
-- B-tree less.
CREATE VIRTUAL TABLE message_search USING fts5 (
  subject, sender, recipients, body,
  content = 'message_search_source',
  content_rowid = 'id',
  columnsize = 0,
  tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
);

-- Before the row goes: the view must still show what was indexed. Its
-- body goes by the cascade afterwards, when the bodies triggers see no
-- message and leave the index alone.
CREATE TRIGGER messages_search_delete BEFORE DELETE ON messages
BEGIN
  INSERT INTO message_search (message_search, rowid, subject, sender, recipients, body)
    SELECT 'delete', id, subject, sender, recipients, body
      FROM message_search_source WHERE id = old.id;
END;

CREATE TRIGGER messages_search_before_update
  BEFORE UPDATE OF subject, from_name, from_address, to_list, cc_list ON messages
BEGIN
  INSERT INTO message_search (message_search, rowid, subject, sender, recipients, body)
    SELECT 'delete', id, subject, sender, recipients, body
      FROM message_search_source WHERE id = old.id;
END;

CREATE TRIGGER messages_search_after_update
  AFTER UPDATE OF subject, from_name, from_address, to_list, cc_list ON messages
BEGIN
  INSERT INTO message_search (rowid, subject, sender, recipients, body)
    SELECT id, subject, sender, recipients, body
      FROM message_search_source WHERE id = new.id;
END;

CREATE TRIGGER bodies_search_before_insert BEFORE INSERT ON bodies
BEGIN
  INSERT INTO message_search (message_search, rowid, subject, sender, recipients, body)
    SELECT 'delete', id, subject, sender, recipients, body
      FROM message_search_source WHERE id = new.message_id;
END;

CREATE TRIGGER bodies_search_after_insert AFTER INSERT ON bodies
BEGIN
  INSERT INTO message_search (rowid, subject, sender, recipients, body)
    SELECT id, subject, sender, recipients, body
      FROM message_search_source WHERE id = new.message_id;
END;

CREATE TRIGGER bodies_search_before_update BEFORE UPDATE OF text ON bodies
BEGIN
  INSERT INTO message_search (message_search, rowid, subject, sender, recipients, body)
    SELECT 'delete', id, subject, sender, recipients, body
      FROM message_search_source WHERE id = old.message_id;
END;

CREATE TRIGGER bodies_search_after_update AFTER UPDATE OF text ON bodies
BEGIN
  INSERT INTO message_search (rowid, subject, sender, recipients, body)
    SELECT id, subject, sender, recipients, body
      FROM message_search_source WHERE id = new.message_id;
END;

CREATE TRIGGER bodies_search_before_delete BEFORE DELETE ON bodies
  WHEN EXISTS (SELECT 1 FROM messages WHERE id = old.message_id)
BEGIN
  INSERT INTO message_search (message_search, rowid, subject, sender, recipients, body)
    SELECT 'delete', id, subject, sender, recipients, body
      FROM message_search_source WHERE id = old.message_id;
END;

CREATE TRIGGER bodies_search_after_delete AFTER DELETE ON bodies
  WHEN EXISTS (SELECT 1 FROM messages WHERE id = old.message_id)
BEGIN
  INSERT INTO message_search (rowid, subject, sender, recipients, body)
    SELECT id, subject, sender, recipients, body
      FROM message_search_source WHERE id = old.message_id;
END;

-- What the user did offline or before the server confirmed it, replayed in
-- id order. AUTOINCREMENT keeps that order even after the newest is removed.
CREATE TABLE pending_operations (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  kind            TEXT NOT NULL
                  CHECK (kind IN ('flags', 'move', 'copy', 'delete', 'append',
                                  'folder-create', 'folder-rename', 'folder-delete')),
  -- NULL for operations on a folder that no longer exists locally
  -- (folder-create, folder-delete): their payload names the path. An
  -- operation on a folder the store forgets goes with it.
  folder_id       INTEGER REFERENCES folders (id) ON DELETE CASCADE,
  -- The UIDs, in IMAP sequence-set syntax ("4,7:9"), or NULL.
  uid_set         TEXT,
  -- The arguments, JSON, read only by the replaying worker.
  payload         TEXT,
  created_at      INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT
);
CREATE INDEX pending_operations_folder ON pending_operations (folder_id);
