/* kabar-outgoing-body.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <gmime/gmime.h>

G_BEGIN_DECLS

/* A file that goes with a message: an attachment, or an image its HTML
 * shows inline. */
typedef struct
{
  GBytes *data;
  char   *file_name;     /* any Unicode */
  char   *content_type;  /* "type/subtype" */
  char   *content_id;    /* inline images only, without angle brackets */
} KabarOutgoingFile;

/* content_type NULL: guessed from the name and the data. */
KabarOutgoingFile *kabar_outgoing_file_new          (GBytes            *data,
                                                     const char        *file_name,
                                                     const char        *content_type,
                                                     const char        *content_id);
void               kabar_outgoing_file_free         (KabarOutgoingFile *file);
/* The name a user knows the file by, in UTF-8. */
char              *kabar_outgoing_file_display_name (GFile             *file);

/* What goes into a message's body. */
typedef struct
{
  const char *text;           /* NULL for none */
  const char *html;           /* NULL for none */
  GPtrArray  *inline_images;  /* KabarOutgoingFile */
  GPtrArray  *attachments;    /* KabarOutgoingFile */
} KabarOutgoingBody;

/* The MIME tree, with only the levels the content needs:
 * mixed(related(alternative(plain, html), images...), attachments...).
 * Every part 7-bit clean. */
GMimeObject       *kabar_outgoing_body_build        (const KabarOutgoingBody *body);

G_END_DECLS
