-- SPDX-FileCopyrightText: 2026 The Kabar developers
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Kabar's store, version 11: contacts, calendar and To Do of an
-- Exchange-style (Microsoft Graph) account (kabar-store-organizer.c).
--
-- Ids are the server's, kept as given. What the sync reads is a copy the
-- next delta corrects; only the user's task changes (pending) exist
-- nowhere else until the server has them. The sync's delta links and the
-- calendar's window are named values in graph_state (version-010.sql).

CREATE TABLE organizer_contacts (
  id              TEXT PRIMARY KEY,
  -- The contact folder's id, '' for the default one: a folder's full sync
  -- prunes its own contacts only.
  folder          TEXT NOT NULL,
  display_name    TEXT NOT NULL,
  company         TEXT,
  job_title       TEXT,
  -- Each a line.
  addresses       TEXT NOT NULL,
  phones          TEXT NOT NULL
);
CREATE INDEX organizer_contacts_folder ON organizer_contacts (folder);

-- Completion and the contacts' search: the folded words of the name, the
-- company and each address (as address_book_words of version-007.sql).
CREATE TABLE organizer_contact_words (
  word            TEXT NOT NULL,
  contact_id      TEXT NOT NULL REFERENCES organizer_contacts (id) ON DELETE CASCADE,
  PRIMARY KEY (word, contact_id)
) WITHOUT ROWID;
CREATE INDEX organizer_contact_words_contact ON organizer_contact_words (contact_id);

CREATE TABLE organizer_events (
  id              TEXT PRIMARY KEY,
  subject         TEXT NOT NULL,
  location        TEXT,
  organizer       TEXT,
  -- Unix seconds, UTC.
  start           INTEGER NOT NULL,
  end             INTEGER NOT NULL,
  all_day         INTEGER NOT NULL,
  cancelled       INTEGER NOT NULL
);
CREATE INDEX organizer_events_start ON organizer_events (start);

CREATE TABLE organizer_task_lists (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  is_default      INTEGER NOT NULL
);

CREATE TABLE organizer_tasks (
  -- The server's, or 'local:…' for a task added here and not sent yet.
  id              TEXT PRIMARY KEY,
  list_id         TEXT NOT NULL REFERENCES organizer_task_lists (id) ON DELETE CASCADE,
  title           TEXT NOT NULL,
  completed       INTEGER NOT NULL,
  important       INTEGER NOT NULL,
  -- Unix seconds, 0 for none.
  due             INTEGER NOT NULL,
  completed_at    INTEGER NOT NULL,
  created         INTEGER NOT NULL,
  -- The user's change waiting for the server: 0 none, 1 added, 2 status.
  pending         INTEGER NOT NULL DEFAULT 0,
  -- Counts the user's changes, so that one sent while another came is not
  -- taken for the last.
  serial          INTEGER NOT NULL DEFAULT 0,
  -- An add first sent then (0: never): a retry looks for it first.
  tried_at        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX organizer_tasks_list ON organizer_tasks (list_id, completed);
CREATE INDEX organizer_tasks_pending ON organizer_tasks (pending) WHERE pending != 0;
