-- SPDX-FileCopyrightText: 2026 The Kabar developers
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Kabar's store, version 2: the user's changes are shown before the server
-- confirms them (kabar-store-changes.c).
--
-- A change is applied to the messages at once and queued as a pending
-- operation in the same transaction. Until the server confirms it:
--  - a message moved away or deleted for good stays in its folder, hidden,
--    so that a refusal can bring it back; the server still has it, so the
--    sync keeps seeing its UID;
--  - a message moved, copied or appended here has no UID yet: its row is
--    provisional, with a negative uid (-id), which no server UID can take,
--    so UNIQUE (folder_id, uid) still holds;
--  - a message whose flags the user changed keeps them, whatever the
--    server reports, until the change is replayed.

-- 0: as the server has it. 1: hidden (moved away or deleted, not yet on
-- the server). 2: provisional (made here, not yet on the server).
-- BETWEEN, not IN (0, 1, 2): SQLite checks an IN list through a temporary
-- table it builds at every insert, which doubled the cost of the sync's.
ALTER TABLE messages ADD COLUMN local_state INTEGER NOT NULL DEFAULT 0
  CHECK (local_state BETWEEN 0 AND 2);

-- The message list leaves hidden rows out. With local_state in the index,
-- the rows a page skips (its OFFSET) are filtered on the index alone:
-- reading each from the table made the last page of 100,000 messages
-- several times slower.
DROP INDEX messages_folder_date;
CREATE INDEX messages_folder_date ON messages (folder_id, date DESC, uid DESC, local_state);

-- Set, and flushed to disk, before a copy, move, append or folder command
-- goes to the server: a replay that finds it set knows the command may
-- have been carried out before the connection was lost.
ALTER TABLE pending_operations ADD COLUMN started INTEGER NOT NULL DEFAULT 0;
-- An append's message, kept with the operation rather than only as the
-- provisional row's body, so it survives its folder being reset.
ALTER TABLE pending_operations ADD COLUMN data BLOB;

-- The messages of an operation: one row per message it names. The UID and
-- Message-ID are copied, as the message's row may go (the sync deletes what
-- another client expunged) while the operation still has to be replayed.
--
-- The message ids are not foreign keys: a row that goes leaves an id that
-- names nothing, as AUTOINCREMENT never gives it to another message, and
-- every statement here looks the id up in messages. Foreign keys made
-- every delete of a message look here, twice: resetting a folder and
-- applying an EXPUNGE took twice as long.
CREATE TABLE pending_messages (
  operation_id    INTEGER NOT NULL REFERENCES pending_operations (id) ON DELETE CASCADE,
  -- The message acted on, in the operation's folder; NULL for an append.
  source_id       INTEGER,
  -- The provisional row the operation made (move, copy, append).
  target_id       INTEGER,
  -- The source's UID on the server, 0 for an append.
  uid             INTEGER NOT NULL DEFAULT 0,
  -- The source's Message-ID, without angle brackets: how a replay that
  -- may have reached the server finds what it already copied.
  message_id      TEXT,
  -- A flag change: the flags before it, to restore on a refusal. While a
  -- row has one, the server's flags do not overwrite the user's.
  old_flags       INTEGER,
  -- 1 when the operation hid the source (move, delete).
  hides           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX pending_messages_operation ON pending_messages (operation_id);
-- The sync's flag updates look up each message here.
CREATE INDEX pending_messages_source ON pending_messages (source_id);

-- An operation that goes without being completed or undone by
-- kabar-store-changes.c (its folder was reset or deleted, or it was
-- removed by id) lets go of its messages: what it hid shows again and what
-- it made goes. The server's state then wins at the next sync. Completing
-- an operation turns its provisional rows into ordinary ones first, and
-- deletes the rows it hid, so this finds nothing left to do.
CREATE TRIGGER pending_messages_release AFTER DELETE ON pending_messages
BEGIN
  UPDATE messages SET local_state = 0
   WHERE old.hides AND id = old.source_id AND local_state = 1;
  DELETE FROM messages WHERE id = old.target_id AND local_state = 2;
END;

-- The folder counters count what the list shows: hidden rows are not in
-- them, provisional ones are. A row counts 1 in total_count unless hidden,
-- and 1 in unread_count unless hidden or \Seen; the triggers add what a
-- change of its flags, visibility or folder changes in that.
DROP TRIGGER messages_count_delete;
DROP TRIGGER messages_count_seen;
DROP TRIGGER messages_count_move;

CREATE TRIGGER messages_count_delete AFTER DELETE ON messages
  WHEN old.local_state != 1
BEGIN
  UPDATE folders
     SET total_count = total_count - 1,
         unread_count = unread_count - ((old.flags & 1) = 0)
   WHERE id = old.folder_id;
END;

-- The sync's flag updates fire this one, once a row whose \Seen changed:
-- one folder, one statement.
CREATE TRIGGER messages_count_update AFTER UPDATE OF flags, local_state ON messages
  WHEN old.folder_id = new.folder_id
   AND ((old.local_state = 1) != (new.local_state = 1)
        OR (old.local_state != 1 AND (old.flags & 1) != (new.flags & 1)))
BEGIN
  UPDATE folders
     SET total_count = total_count + (new.local_state != 1) - (old.local_state != 1),
         unread_count = unread_count
                        + (new.local_state != 1 AND (new.flags & 1) = 0)
                        - (old.local_state != 1 AND (old.flags & 1) = 0)
   WHERE id = new.folder_id;
END;

CREATE TRIGGER messages_count_move AFTER UPDATE OF folder_id ON messages
  WHEN old.folder_id != new.folder_id
BEGIN
  UPDATE folders
     SET total_count = total_count - (old.local_state != 1),
         unread_count = unread_count - (old.local_state != 1 AND (old.flags & 1) = 0)
   WHERE id = old.folder_id;
  UPDATE folders
     SET total_count = total_count + (new.local_state != 1),
         unread_count = unread_count + (new.local_state != 1 AND (new.flags & 1) = 0)
   WHERE id = new.folder_id;
END;
