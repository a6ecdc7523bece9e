-- SPDX-FileCopyrightText: 2026 The Kabar developers
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Kabar's store, version 9: a body stored without its text runs no
-- trigger program (kabar-store-local.c).
--
-- The POP download inserts each message's raw body with no text: its
-- text is read later (version-008.sql). Three triggers ran for each of
-- those inserts, the two of the search index and the snippet's, and did
-- nothing for it: SQLite starts a trigger's program to evaluate its WHEN
-- clause, and the three were a sixth of the download's store write. One
-- trigger does their work now, and only for a body that has a text,
-- which took a tenth off that write.
--
-- A body is inserted only where there was none (no statement replaces
-- one), so the index held the message with no body text before: the
-- 'delete' gives it that, NULL, and needs no trigger before the insert.
-- message_search_source (version-003.sql) leaves a message waiting in
-- unindexed out, so neither statement touches the index for it.
DROP TRIGGER bodies_search_before_insert;
DROP TRIGGER bodies_search_after_insert;
DROP TRIGGER bodies_preview_insert;

CREATE TRIGGER bodies_text_insert AFTER INSERT ON bodies
  WHEN new.text IS NOT NULL
BEGIN
  INSERT INTO message_search (message_search, rowid, subject, sender, recipients, body)
    SELECT 'delete', id, subject, sender, recipients, NULL
      FROM message_search_source WHERE id = new.message_id;
  INSERT INTO message_search (rowid, subject, sender, recipients, body)
    SELECT id, subject, sender, recipients, body
      FROM message_search_source WHERE id = new.message_id;
  UPDATE messages SET preview = substr (new.text, 1, 300)
   WHERE id = new.message_id AND preview IS NULL;
END;
