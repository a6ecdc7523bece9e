-- SPDX-FileCopyrightText: 2026 The Kabar developers
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Kabar's store, version 8: a downloaded message's text is read after it
-- is stored (kabar-store-local.c).
--
-- The POP download stores each message's raw body and the summary read
-- from its header block. Its text for the search index, its snippet and
-- its attachment mark need a whole MIME parse, which cost more than the
-- server took to send a small message: kabar_store_read_pending_texts()
-- reads them afterwards, then indexes the message. The mark is written in
-- the message's own transaction, so a crash between the two leaves it for
-- the next call, and the message waits in unindexed (version-003.sql)
-- until its text is here.

-- A rowid table, as unindexed: the download's ids are ascending, so its
-- inserts append, and the reader takes the oldest from the front.
CREATE TABLE text_pending (
  message_id      INTEGER PRIMARY KEY
);

CREATE TRIGGER messages_text_pending_delete AFTER DELETE ON messages
BEGIN
  DELETE FROM text_pending WHERE message_id = old.id;
END;

-- A message still in unindexed is in no view the index reads from
-- (message_search_source), so these triggers of version-001.sql found
-- nothing to do for it; they still ran two queries of that view for each
-- body the download stored, and for each text read later. The same
-- triggers, skipped at once for such a message.
DROP TRIGGER bodies_search_before_insert;
CREATE TRIGGER bodies_search_before_insert BEFORE INSERT ON bodies
  WHEN NOT EXISTS (SELECT 1 FROM unindexed WHERE message_id = new.message_id)
BEGIN
  INSERT INTO message_search (message_search, rowid, subject, sender, recipients, body)
    SELECT 'delete', id, subject, sender, recipients, body
      FROM message_search_source WHERE id = new.message_id;
END;

DROP TRIGGER bodies_search_after_insert;
CREATE TRIGGER bodies_search_after_insert AFTER INSERT ON bodies
  WHEN NOT EXISTS (SELECT 1 FROM unindexed WHERE message_id = new.message_id)
BEGIN
  INSERT INTO message_search (rowid, subject, sender, recipients, body)
    SELECT id, subject, sender, recipients, body
      FROM message_search_source WHERE id = new.message_id;
END;

DROP TRIGGER bodies_search_before_update;
CREATE TRIGGER bodies_search_before_update BEFORE UPDATE OF text ON bodies
  WHEN NOT EXISTS (SELECT 1 FROM unindexed WHERE message_id = old.message_id)
BEGIN
  INSERT INTO message_search (message_search, rowid, subject, sender, recipients, body)
    SELECT 'delete', id, subject, sender, recipients, body
      FROM message_search_source WHERE id = old.message_id;
END;

DROP TRIGGER bodies_search_after_update;
CREATE TRIGGER bodies_search_after_update AFTER UPDATE OF text ON bodies
  WHEN NOT EXISTS (SELECT 1 FROM unindexed WHERE message_id = new.message_id)
BEGIN
  INSERT INTO message_search (rowid, subject, sender, recipients, body)
    SELECT id, subject, sender, recipients, body
      FROM message_search_source WHERE id = new.message_id;
END;
