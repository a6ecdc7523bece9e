-- SPDX-FileCopyrightText: 2026 The Kabar developers
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Kabar's store, version 6: the message list sorted by sender and by
-- subject, and conversations (kabar-store-list.c).
--
-- The sort keys are columns, not indexes on expressions: the keys are
-- Unicode case folding and the stripping of reply prefixes, which only C
-- does (kabar_store_sender_key(), kabar_store_subject_key()), and an index
-- on a function of our own would make the database unusable to any
-- program without it, this file's own test included. Every insert of the
-- store gives the keys (a copy copies them); rows from before this
-- version, and any a later insert would leave without them, are filled
-- when the store opens, found through messages_unkeyed. No trigger on
-- insert: a trigger program runs for every row, and the sync inserts
-- many. A change of an envelope, which the store never makes, would
-- change them through the trigger below.
ALTER TABLE messages ADD COLUMN sender_key TEXT;
ALTER TABLE messages ADD COLUMN subject_key TEXT;

-- The indexes of the sender and subject sorts are made when a list is
-- first sorted that way (kabar-store-list.c), not here: their keys are in
-- no order the sync's inserts follow, so each batch rewrote most of their
-- pages, which made the inserts of a sync more than twice as costly, for
-- a sort that many never use.

-- The conversations of a folder are found by one pass over this index,
-- newest first: with thread_id in it, the pass never reads the table.
DROP INDEX messages_folder_date;
CREATE INDEX messages_folder_date
  ON messages (folder_id, date DESC, uid DESC, local_state, thread_id);

-- Rows without keys: empty once they are filled, so it costs an insert
-- nothing.
CREATE INDEX messages_unkeyed ON messages (id) WHERE sender_key IS NULL;

CREATE TRIGGER messages_sort_keys_update
  AFTER UPDATE OF subject, from_name, from_address ON messages
BEGIN
  UPDATE messages
     SET sender_key = kabar_sender_key (from_name, from_address),
         subject_key = kabar_subject_key (subject)
   WHERE id = new.id;
END;

-- The list's snippet: the start of the message's text, once its body is
-- here (the sync fetches envelopes only; bodies come on demand and ahead
-- of time for recent mail). The row shows it on one line. A trigger, as
-- bodies come in by several paths, one at a time.
CREATE TRIGGER bodies_preview_insert AFTER INSERT ON bodies
  WHEN new.text IS NOT NULL
BEGIN
  UPDATE messages SET preview = substr (new.text, 1, 300)
   WHERE id = new.message_id AND preview IS NULL;
END;

CREATE TRIGGER bodies_preview_update AFTER UPDATE OF text ON bodies
  WHEN new.text IS NOT NULL
BEGIN
  UPDATE messages SET preview = substr (new.text, 1, 300)
   WHERE id = new.message_id AND preview IS NULL;
END;

UPDATE messages
   SET preview = (SELECT substr (text, 1, 300) FROM bodies WHERE message_id = messages.id)
 WHERE preview IS NULL
   AND id IN (SELECT message_id FROM bodies WHERE text IS NOT NULL);
