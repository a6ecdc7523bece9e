-- SPDX-FileCopyrightText: 2026 The Kabar developers
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Kabar's store, version 3: the sync's new messages are indexed for search
-- after they are inserted, not by the insert (kabar_store_index_pending()).
--
-- Indexing was a quarter of the cost of the sync's inserts. The sync's
-- store thread now indexes while it waits for the network, and what is
-- left when a folder's sync ends.
--
-- A message is in the index unless its id is in unindexed. An
-- external-content FTS5 table given a 'delete' for a row it never indexed
-- is corrupted ("database disk image is malformed"), so the content view
-- leaves unindexed messages out: the triggers of version-001.sql, which
-- issue their 'delete' commands from it, find nothing to delete for them
-- and index nothing for them either (a body set before the message is
-- indexed waits for it), and FTS5's 'integrity-check' and 'rebuild' see
-- the very rows the index has. kabar_store_index_pending() indexes a
-- message whole, from message_search_text, when it takes it out of
-- unindexed.

-- A rowid table: the sync's ids are ascending, so its inserts append, and
-- kabar_store_index_pending() takes the oldest from the front. No foreign
-- key: messages_unindexed_delete below removes the row of a message that
-- goes (a foreign key made every delete of a message look here twice).
CREATE TABLE unindexed (
  message_id      INTEGER PRIMARY KEY
);

-- After the row went: messages_search_delete, before it, still saw it
-- unindexed, and issued no 'delete'.
CREATE TRIGGER messages_unindexed_delete AFTER DELETE ON messages
BEGIN
  DELETE FROM unindexed WHERE message_id = old.id;
END;

-- The text of every message, indexed or not: what
-- kabar_store_index_pending() indexes.
CREATE VIEW message_search_text (id, subject, sender, recipients, body) AS
  SELECT m.id,
         m.subject,
         coalesce (m.from_name, '') || ' ' || coalesce (m.from_address, ''),
         coalesce (m.to_list, '') || ' ' || coalesce (m.cc_list, ''),
         b.text
    FROM messages AS m LEFT JOIN bodies AS b ON b.message_id = m.id;

-- The content table of message_search (version-001.sql): the indexed
-- messages only.
DROP VIEW message_search_source;
CREATE VIEW message_search_source (id, subject, sender, recipients, body) AS
  SELECT id, subject, sender, recipients, body
    FROM message_search_text AS t
   WHERE NOT EXISTS (SELECT 1 FROM unindexed AS u WHERE u.message_id = t.id);
