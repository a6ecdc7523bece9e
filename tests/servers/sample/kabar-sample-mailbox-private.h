/* kabar-sample-mailbox-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-sample-gmime.h"

#include "kabar-sample-mailbox.h"

G_BEGIN_DECLS

typedef enum {
  ME,
  AYU, BUDI, DEWI, SRI, RINA,
  RAHUL, PRIYA, SUNITA, ANJALI, ARJUN, MEERA,
  SARAH, LUKAS, KENJI, EMILY,
  DIGEST, BERITA, CI, TOKO, PASAR, ISP, TRAVEL, HOTEL,
  NOBODY,
} Who;

typedef enum {
  EN,
  ID,
  HI,
} Language;

typedef struct {
  const char *name;
  const char *address;
  int tz_minutes;
  const char *first;
} Person;

typedef struct {
  char *folder;
  GMimeMessage *message;
  char *message_id;
  KabarSampleFlags flags;
  GDateTime *received;
  gboolean incoming;
  gboolean newsletter;
  guint serial;
} Record;

typedef struct {
  GRand *rand;
  GDateTime *now;
  Person owner;
  char *owner_first;
  GPtrArray *records;
  guint serial;
} Gen;

/* One message to add. post() takes body and date. */
typedef struct {
  Who from;
  const Who *to;                 /* ends with NOBODY */
  const Who *cc;
  const char *subject;
  GDateTime *date;
  GMimeObject *body;
  const char *folder;            /* NULL: INBOX or Archive by age */
  const char *in_reply_to;
  const char *references;
  const char * const *headers;   /* name, value, ..., NULL */
  KabarSampleFlags flags;
  gboolean draft;
  gboolean newsletter;
} Mail;

typedef struct {
  char *subject;
  Language language;
  GString *references;
  const char *last_id;
  Who last_from;
  char *last_text;
  GDateTime *last_date;
  Record *last_record;
} Thread;

#define PEOPLE(...) ((const Who[]) { __VA_ARGS__, NOBODY })

const Person *person           (Gen *gen, Who who);
int           rand_range       (Gen *gen, int lo, int hi);
gboolean      chance           (Gen *gen, double p);
const char   *pick             (Gen *gen, const char * const *items, gsize n);
#define PICK(gen, array) pick ((gen), (array), G_N_ELEMENTS (array))

GDateTime    *at_day           (Gen *gen, Who who, double days_ago, int hour, int minute);
GDateTime    *later            (Gen *gen, GDateTime *date, Who who, int min_minutes, int max_minutes);
char         *format_day       (GDateTime *date, Language language);
char         *format_long_date (GDateTime *date, Language language);
const char   *month_name       (int month, Language language);
char         *fill             (const char *template, ...) G_GNUC_NULL_TERMINATED;

char         *wrap_text        (const char *text, guint width);
GMimeObject  *text_part        (const char *subtype, const char *text);
GMimeObject  *multipart        (Gen *gen, const char *subtype, ...) G_GNUC_NULL_TERMINATED;
GMimeObject  *attachment       (const char *mime_type, const char *filename, GBytes *data);
GMimeObject  *inline_image     (Gen *gen, const char *filename, GBytes *png, char **content_id);
GMimeObject  *related_html     (Gen *gen, const char *html, const char *filename, GBytes *png);

Record       *post             (Gen *gen, const Mail *mail);
void          thread_init      (Thread *thread, const char *subject, Language language);
void          thread_clear     (Thread *thread);
Record       *thread_post      (Gen *gen, Thread *thread, Mail *mail, const char *text, ...)
                               G_GNUC_NULL_TERMINATED;

/* kabar-sample-media.c */
typedef enum {
  PICTURE_LOGO,
  PICTURE_DIYA,
  PICTURE_SCREENSHOT,
  PICTURE_BEACH,
  PICTURE_TEMPLE,
} Picture;

GBytes       *make_png         (Picture picture, guint variant);
GBytes       *make_pdf         (const char *title, const char * const *lines);
GBytes       *bytes_of         (const char *text);

/* kabar-sample-scenarios.c */
void          add_all_scenarios (Gen *gen);

G_END_DECLS
