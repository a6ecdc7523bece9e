/* kabar-display-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the display model's files share: the charset fallbacks, the
 * converters from plain text, calendars and reports to HTML, and the HTML
 * sanitiser.
 */

#pragma once

#include <gmime/gmime.h>

G_BEGIN_DECLS

/* Deeper MIME trees are made to hurt, not to be read. */
#define KABAR_DISPLAY_MAX_DEPTH 32

/* --- charsets (kabar-display-charset.c) ------------------------------------------------- */

/* The charsets to try, after the declared one and UTF-8, for text whose
 * charset is missing or wrong, as language suggests ("ja_JP.UTF-8"), and
 * then windows-1252. NULL-terminated, static. */
const char * const *kabar_display_fallback_charsets (const char *language);

/* data as UTF-8: the declared charset when data fits it, UTF-8 when it
 * is, ISO-2022-JP when it looks like it, the fallbacks in turn, else
 * ISO-8859-1, which takes any byte. NUL bytes become U+FFFD. */
char *kabar_display_to_utf8 (const char         *data,
                             gsize               length,
                             const char         *charset,
                             const char * const *fallbacks);

/* --- plain text (kabar-display-text.c) -------------------------------------------------- */

/* A uuencoded block found in a text part. */
typedef struct
{
  char   *file_name;
  GBytes *data;
} KabarDisplayUuFile;

void kabar_display_uu_file_free (KabarDisplayUuFile *file);

/* text (UTF-8) as HTML into html: escaped, links clickable, quotes,
 * signature; format=flowed undone first when flowed. Uuencoded blocks are
 * taken out and added to uu_files (KabarDisplayUuFile *). */
void kabar_display_text_to_html (GString    *html,
                                 const char *text,
                                 gboolean    flowed,
                                 gboolean    delsp,
                                 GPtrArray  *uu_files);

/* text with &, <, >, " escaped, into html. */
void kabar_display_append_escaped (GString    *html,
                                   const char *text,
                                   gssize      length);

/* --- calendar and reports (kabar-display-calendar.c, -report.c) -------------------------- */

/* The events of an iCalendar text as HTML. */
void kabar_display_calendar_to_html (GString    *html,
                                     const char *ical);

/* A message/delivery-status body (UTF-8) as HTML: each recipient, its
 * action and status, explained. */
void kabar_display_delivery_status_to_html (GString    *html,
                                            const char *status);

/* --- HTML (kabar-display-sanitize.c) -------------------------------------------------------- */

typedef struct
{
  guint      n_remote;   /* remote references taken out (or, with remote on,
                          * kept) */
  GPtrArray *cids;       /* content IDs the HTML refers to (char *), without
                          * "cid:"; may be NULL when not wanted */
} KabarSanitizeResult;

/* The body of an HTML document (UTF-8) sanitised, appended to out as a
 * fragment: its <style> elements (and, with load_remote, its stylesheet
 * links) first, then the body's content. */
void kabar_display_sanitize_html (GString             *out,
                                  const char          *html,
                                  gsize                length,
                                  gboolean             load_remote,
                                  KabarSanitizeResult *result);

G_END_DECLS
