-- SPDX-FileCopyrightText: 2026 The Kabar developers
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Kabar's store, version 7: the address book for completion
-- (kabar-store-addresses.c), and the moment a message queued with a delay
-- may go (kabar-store-outbox.c).
--
-- The address book is built from the messages table after the fact, a
-- batch of messages at a time, never by a trigger or by the sync's
-- inserts: parsing address lists is C's work (GMime), and the sync must
-- not pay for it. address_book_state keeps how far the messages were read.

CREATE TABLE address_book (
  id              INTEGER PRIMARY KEY,
  -- The address lower-cased: one person to every provider, and to the user.
  address_key     TEXT NOT NULL UNIQUE,
  -- As last seen, and the last name seen with it (NULL for none).
  address         TEXT NOT NULL,
  name            TEXT,
  -- How often the user wrote to it (To and Cc of sent mail), how often it
  -- was seen in From, To or Cc (sent mail included), and when last (unix
  -- seconds, the message's date).
  written         INTEGER NOT NULL DEFAULT 0,
  seen            INTEGER NOT NULL DEFAULT 0,
  last_date       INTEGER NOT NULL DEFAULT 0
);

-- The words a completion matches by prefix, case and accents folded: the
-- address itself and each word of the names seen with it. A range scan of
-- the primary key finds a prefix's addresses.
CREATE TABLE address_book_words (
  word            TEXT NOT NULL,
  address_id      INTEGER NOT NULL REFERENCES address_book (id) ON DELETE CASCADE,
  PRIMARY KEY (word, address_id)
) WITHOUT ROWID;
CREATE INDEX address_book_words_address ON address_book_words (address_id);

-- One row: the highest message id read into the book.
CREATE TABLE address_book_state (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  last_message_id INTEGER NOT NULL
);
INSERT INTO address_book_state (id, last_message_id) VALUES (1, 0);

-- Unix seconds before which a queued message must not go, whatever else
-- asks for it (the network coming back sends every retry at once, not a
-- message the user may still take back). 0: no such moment.
ALTER TABLE outbox ADD COLUMN not_before INTEGER NOT NULL DEFAULT 0;
