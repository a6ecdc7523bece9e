-- SPDX-FileCopyrightText: 2026 The Kabar developers
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Kabar's store, version 10: Microsoft Graph accounts (kabar-store-graph.c).
--
-- Graph names folders and messages by opaque ids and has no UIDs: each
-- message the sync stores takes a local uid in its folder (as POP's do),
-- so everything keyed by uid works unchanged, and its remote id is kept
-- here. Message ids are immutable on the server (Prefer: IdType=
-- "ImmutableId"): a message moved by another device keeps its remote id,
-- and its row here moves with it, keeping its local id.

CREATE TABLE graph_folders (
  folder_id         INTEGER PRIMARY KEY REFERENCES folders (id) ON DELETE CASCADE,
  remote_id         TEXT NOT NULL UNIQUE,
  -- NULL at the top: the mailbox's root folder is never listed.
  parent_remote_id  TEXT,
  display_name      TEXT NOT NULL,
  -- The folder's messages delta link; NULL: the next sync is a full one.
  delta_link        TEXT
);

CREATE TABLE graph_messages (
  message_row       INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  remote_id         TEXT NOT NULL UNIQUE,
  -- Set on each of a folder's messages when a full sync of it starts,
  -- cleared as the server lists the message: those still set when the
  -- full sync ends are no longer on the server.
  unconfirmed       INTEGER NOT NULL DEFAULT 0
);

-- Named values: the folder tree's delta link, the well-known folders,
-- and the organizer's links.
CREATE TABLE graph_state (
  name              TEXT PRIMARY KEY,
  value             TEXT NOT NULL
);
