-- SPDX-FileCopyrightText: 2026 The Kabar developers
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Kabar's store, version 5: the senders whose messages may load remote
-- content (kabar-store-senders.c).

-- The user chose "Always for this sender" in the message view. Remote
-- content tells the sender when and where a message was read, so this is
-- the user's word per address, never guessed.
CREATE TABLE remote_content_senders (
  -- Lower case: mail addresses are matched without regard to case, as
  -- every provider does.
  address     TEXT PRIMARY KEY,
  -- Unix seconds.
  allowed_at  INTEGER NOT NULL
) WITHOUT ROWID;
