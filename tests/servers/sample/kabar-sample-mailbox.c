/* kabar-sample-mailbox.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "kabar-sample-mailbox.h"

#include <string.h>

#include "kabar-sample-mailbox-private.h"

/* The cast. Time zones make the Date headers believable: Jakarta, Delhi,
 * Berlin, Tokyo, New York. */
enum { WIB = 7 * 60, IST = 5 * 60 + 30, CET = 60, JST = 9 * 60, EST = -5 * 60 };

static const Person cast[] = {
  [AYU]     = { "Ayu Pratiwi", "ayu.pratiwi@example.co.id", WIB, "Ayu" },
  [BUDI]    = { "Budi Santoso", "budi.santoso@example.co.id", WIB, "Budi" },
  [DEWI]    = { "Dewi Lestari", "dewi.lestari@example.co.id", WIB, "Dewi" },
  [SRI]     = { "Sri Wahyuni", "sri.wahyuni@example.co.id", WIB, "Sri" },
  [RINA]    = { "Rina Kusuma", "rina.kusuma@example.net", WIB, "Rina" },
  [RAHUL]   = { "Rahul Sharma", "rahul.sharma@example.in", IST, "Rahul" },
  [PRIYA]   = { "Priya Nair", "priya.nair@example.in", IST, "Priya" },
  [SUNITA]  = { "सुनीता शर्मा", "sunita.sharma@example.in", IST, "सुनीता" },
  [ANJALI]  = { "Anjali Verma", "anjali.verma@example.in", IST, "Anjali" },
  [ARJUN]   = { "Arjun Mehta", "arjun.mehta@example.in", IST, "Arjun" },
  [MEERA]   = { "Meera Iyer", "meera.iyer@example.com", IST, "Meera" },
  [SARAH]   = { "Sarah O'Connor", "sarah.oconnor@example.org", EST, "Sarah" },
  [LUKAS]   = { "Lukas Becker", "lukas.becker@example.org", CET, "Lukas" },
  [KENJI]   = { "Kenji Watanabe", "kenji.watanabe@example.net", JST, "Kenji" },
  [EMILY]   = { "Emily Chen", "emily.chen@example.com", EST, "Emily" },
  [DIGEST]  = { "Open Source Digest", "digest@newsletter.example.org", 0, "Open" },
  [BERITA]  = { "Kabar Teknologi", "redaksi@berita.example.co.id", WIB, "Kabar" },
  [CI]      = { "Kabar CI", "ci-noreply@ci.example.org", 0, "Kabar" },
  [TOKO]    = { "Toko Buku Nusantara", "pesanan@toko.example.co.id", WIB, "Toko" },
  [PASAR]   = { "Pasar Daring", "noreply@pasar.example.co.id", WIB, "Pasar" },
  [ISP]     = { "Jaringan Nusantara", "tagihan@jaringan.example.co.id", WIB, "Jaringan" },
  [TRAVEL]  = { "Nusa Travel", "booking@travel.example.co.id", WIB, "Nusa" },
  [HOTEL]   = { "Hotel Melati Yogyakarta", "reservasi@melati.example.co.id", WIB, "Hotel" },
};

const Person *
person (Gen *gen,
        Who  who)
{
  if (who == ME)
    return &gen->owner;
  return &cast[who];
}

/* Random numbers: everything goes through the seeded GRand. */

int
rand_range (Gen *gen,
            int  lo,
            int  hi)
{
  return g_rand_int_range (gen->rand, lo, hi + 1);
}

gboolean
chance (Gen    *gen,
        double  p)
{
  return g_rand_double (gen->rand) < p;
}

const char *
pick (Gen                *gen,
      const char * const *items,
      gsize               n)
{
  return items[g_rand_int_range (gen->rand, 0, (gint32) n)];
}

/* Dates */

GDateTime *
at_day (Gen       *gen,
        Who        who,
        double     days_ago,
        int        hour,
        int        minute)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (person (gen, who)->tz_minutes * 60);
  g_autoptr(GDateTime) local_now = g_date_time_to_timezone (gen->now, tz);
  g_autoptr(GDateTime) day = g_date_time_add_seconds (local_now, -days_ago * 86400.0);
  GDateTime *when = g_date_time_new (tz, g_date_time_get_year (day), g_date_time_get_month (day),
                                     g_date_time_get_day_of_month (day), hour, minute,
                                     rand_range (gen, 0, 59));

  /* "Today at 18:00" may still be ahead of now. */
  if (g_date_time_compare (when, gen->now) > 0)
    {
      g_date_time_unref (when);
      when = g_date_time_add_minutes (local_now, -rand_range (gen, 5, 90));
    }
  return when;
}

GDateTime *
later (Gen       *gen,
       GDateTime *date,
       Who        who,
       int        min_minutes,
       int        max_minutes)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (person (gen, who)->tz_minutes * 60);
  g_autoptr(GDateTime) moved = g_date_time_add_seconds (date, rand_range (gen, min_minutes * 60,
                                                                          max_minutes * 60));
  GDateTime *local = g_date_time_to_timezone (moved, tz);
  int hour = g_date_time_get_hour (local);

  /* People answer after they wake up, not at three in the morning. */
  if (hour < 7 || hour >= 23)
    {
      g_autoptr(GDateTime) night = local;
      g_autoptr(GDateTime) morning = g_date_time_add_hours (night, hour < 7 ? 7 - hour : 31 - hour);

      local = g_date_time_add_minutes (morning, rand_range (gen, 0, 90) - g_date_time_get_minute (morning));
    }
  if (g_date_time_compare (local, gen->now) > 0)
    {
      g_date_time_unref (local);
      local = g_date_time_add_minutes (gen->now, -1);
    }
  return local;
}

static const char * const en_days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
static const char * const en_months[] = {
  "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};
static const char * const id_days[] = { "Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min" };
static const char * const id_months[] = {
  "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
};
static const char * const long_months[] = {
  "January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December",
};
static const char * const id_long_months[] = {
  "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
  "September", "Oktober", "November", "Desember",
};

/* Names are spelled out here: strftime would follow the locale of
 * whoever runs the generator and the bytes would differ. */
char *
format_day (GDateTime *date,
            Language   language)
{
  int weekday = g_date_time_get_day_of_week (date) - 1;
  int month = g_date_time_get_month (date) - 1;

  if (language == ID)
    return g_strdup_printf ("%s, %d %s %d", id_days[weekday], g_date_time_get_day_of_month (date),
                            id_months[month], g_date_time_get_year (date));
  return g_strdup_printf ("%s, %d %s %d", en_days[weekday], g_date_time_get_day_of_month (date),
                          en_months[month], g_date_time_get_year (date));
}

char *
format_long_date (GDateTime *date,
                  Language   language)
{
  int month = g_date_time_get_month (date) - 1;

  return g_strdup_printf ("%d %s %d", g_date_time_get_day_of_month (date),
                          language == ID ? id_long_months[month] : long_months[month],
                          g_date_time_get_year (date));
}

const char *
month_name (int      month,
            Language language)
{
  return language == ID ? id_long_months[month - 1] : long_months[month - 1];
}

/* Templates: "{key}" is replaced by the value given for key. */
char *
fill (const char *template,
      ...)
{
  g_autoptr(GString) text = g_string_new (template);
  const char *key;
  va_list args;

  va_start (args, template);
  while ((key = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);
      g_autofree char *marker = g_strconcat ("{", key, "}", NULL);

      g_string_replace (text, marker, value, 0);
    }
  va_end (args);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* MIME building blocks */

static char *
next_token (Gen *gen)
{
  return g_strdup_printf ("%08x%04x", g_rand_int (gen->rand), gen->serial++);
}

static void
encode_for_7bit (GMimePart *part)
{
  g_mime_part_set_content_encoding (part,
                                    g_mime_part_get_best_content_encoding (part,
                                                                           GMIME_ENCODING_CONSTRAINT_7BIT));
}

static void
wrap_line (GString    *out,
           const char *line,
           guint       width)
{
  while (g_utf8_strlen (line, -1) > width)
    {
      const char *limit = g_utf8_offset_to_pointer (line, width);
      const char *space = limit;

      while (space > line && *space != ' ')
        space--;
      if (space == line)
        {
          /* One long word, a URL say: leave it whole. */
          space = strchr (limit, ' ');
          if (space == NULL)
            break;
        }
      g_string_append_len (out, line, space - line);
      g_string_append_c (out, '\n');
      line = space + 1;
    }
  g_string_append (out, line);
}

/* Plain text as mail clients send it: lines of at most `width` characters.
 * Quoted lines are left alone, they were wrapped when first sent. */
char *
wrap_text (const char *text,
           guint       width)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);
  guint i;

  for (i = 0; lines[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, '\n');
      if (lines[i][0] == '>')
        g_string_append (out, lines[i]);
      else
        wrap_line (out, lines[i], width);
    }
  return g_string_free (out, FALSE);
}

GMimeObject *
text_part (const char *subtype,
           const char *text)
{
  GMimeTextPart *part = g_mime_text_part_new_with_subtype (subtype);
  g_autofree char *wrapped = NULL;

  if (g_str_equal (subtype, "plain"))
    text = wrapped = wrap_text (text, 72);
  g_mime_text_part_set_charset (part, "utf-8");
  g_mime_text_part_set_text (part, text);
  encode_for_7bit (GMIME_PART (part));
  return GMIME_OBJECT (part);
}

GMimeObject *
multipart (Gen        *gen,
           const char *subtype,
           ...)
{
  GMimeMultipart *multipart = g_mime_multipart_new_with_subtype (subtype);
  g_autofree char *token = next_token (gen);
  g_autofree char *boundary = g_strdup_printf ("=-kabar-%s", token);
  GMimeObject *part;
  va_list args;

  /* GMime would pick a random boundary: same seed, same bytes. */
  g_mime_multipart_set_boundary (multipart, boundary);
  va_start (args, subtype);
  while ((part = va_arg (args, GMimeObject *)) != NULL)
    {
      g_mime_multipart_add (multipart, part);
      g_object_unref (part);
    }
  va_end (args);
  return GMIME_OBJECT (multipart);
}

static GMimePart *
binary_part (const char *mime_type,
             GBytes     *data)
{
  g_auto(GStrv) type = g_strsplit (mime_type, "/", 2);
  GMimePart *part = g_mime_part_new_with_type (type[0], type[1]);
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new_with_buffer (g_bytes_get_data (data, NULL),
                                                                     g_bytes_get_size (data));
  g_autoptr(GMimeDataWrapper) content = g_mime_data_wrapper_new_with_stream (stream,
                                                                             GMIME_CONTENT_ENCODING_DEFAULT);

  g_mime_part_set_content (part, content);
  if (g_str_has_prefix (mime_type, "text/"))
    {
      g_mime_object_set_content_type_parameter (GMIME_OBJECT (part), "charset", "utf-8");
      encode_for_7bit (part);
    }
  else
    {
      g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_BASE64);
    }
  return part;
}

GMimeObject *
attachment (const char *mime_type,
            const char *filename,
            GBytes     *data)
{
  GMimePart *part = binary_part (mime_type, data);

  g_mime_object_set_disposition (GMIME_OBJECT (part), GMIME_DISPOSITION_ATTACHMENT);
  /* Also the Content-Type name, which older clients read instead. */
  g_mime_part_set_filename (part, filename);
  g_bytes_unref (data);
  return GMIME_OBJECT (part);
}

GMimeObject *
inline_image (Gen         *gen,
              const char  *filename,
              GBytes      *png,
              char       **content_id)
{
  GMimePart *part = binary_part ("image/png", png);
  g_autofree char *token = next_token (gen);

  *content_id = g_strdup_printf ("%s.%s@kabar.example.org", filename, token);
  g_mime_part_set_content_id (part, *content_id);
  g_mime_object_set_disposition (GMIME_OBJECT (part), GMIME_DISPOSITION_INLINE);
  g_mime_part_set_filename (part, filename);
  g_bytes_unref (png);
  return GMIME_OBJECT (part);
}

/* html may use {cid}, the image's Content-ID. */
GMimeObject *
related_html (Gen        *gen,
              const char *html,
              const char *filename,
              GBytes     *png)
{
  g_autofree char *content_id = NULL;
  GMimeObject *image = inline_image (gen, filename, png, &content_id);
  g_autofree char *with_cid = fill (html, "cid", content_id, NULL);
  GMimeObject *related = multipart (gen, "related", text_part ("html", with_cid), image, NULL);

  g_mime_object_set_content_type_parameter (related, "type", "text/html");
  return related;
}

/* Messages */

static InternetAddress *
mailbox (const Person *who)
{
  return internet_address_mailbox_new (who->name, who->address);
}

static void
add_people (InternetAddressList *list,
            Gen                 *gen,
            const Who           *who)
{
  for (; who != NULL && *who != NOBODY; who++)
    {
      g_autoptr(InternetAddress) address = mailbox (person (gen, *who));
      internet_address_list_add (list, address);
    }
}

static void
record_free (gpointer data)
{
  Record *record = data;

  g_free (record->folder);
  g_free (record->message_id);
  g_clear_object (&record->message);
  g_clear_pointer (&record->received, g_date_time_unref);
  g_free (record);
}

/* Mail filed away by the owner: the last three months stay in INBOX, the
 * three before in Archive, older mail goes to Archive/<year>. */
static char *
inbox_or_archive (Gen       *gen,
                  GDateTime *date)
{
  GTimeSpan age = g_date_time_difference (gen->now, date);

  if (age < 90 * G_TIME_SPAN_DAY)
    return g_strdup ("INBOX");
  if (age < 180 * G_TIME_SPAN_DAY)
    return g_strdup ("Archive");
  return g_strdup_printf ("Archive/%d", g_date_time_get_year (date));
}

Record *
post (Gen        *gen,
      const Mail *mail)
{
  g_autoptr(GMimeMessage) message = g_mime_message_new (TRUE);
  g_autofree char *token = next_token (gen);
  g_autofree char *stamp = NULL;
  const Person *from = person (gen, mail->from);
  const char *domain = strchr (from->address, '@') + 1;
  Record *record = g_new0 (Record, 1);

  g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_FROM, from->name, from->address);
  add_people (g_mime_message_get_addresses (message, GMIME_ADDRESS_TYPE_TO), gen, mail->to);
  add_people (g_mime_message_get_addresses (message, GMIME_ADDRESS_TYPE_CC), gen, mail->cc);
  g_mime_message_set_subject (message, mail->subject, "utf-8");
  g_mime_message_set_date (message, mail->date);

  stamp = g_date_time_format (mail->date, "%Y%m%d%H%M%S");
  record->message_id = g_strdup_printf ("%s.%s@%s", stamp, token, domain);
  g_mime_message_set_message_id (message, record->message_id);
  if (mail->in_reply_to != NULL)
    {
      g_autofree char *bracketed = g_strdup_printf ("<%s>", mail->in_reply_to);
      g_mime_object_set_header (GMIME_OBJECT (message), "In-Reply-To", bracketed, NULL);
    }
  if (mail->references != NULL)
    g_mime_object_set_header (GMIME_OBJECT (message), "References", mail->references, NULL);
  if (mail->headers != NULL)
    {
      guint i;
      for (i = 0; mail->headers[i] != NULL; i += 2)
        g_mime_object_set_header (GMIME_OBJECT (message), mail->headers[i], mail->headers[i + 1], NULL);
    }
  g_mime_message_set_mime_part (message, mail->body);
  g_object_unref (mail->body);

  record->message = g_steal_pointer (&message);
  record->flags = mail->flags;
  if (mail->draft)
    {
      record->folder = g_strdup ("Drafts");
      record->flags |= KABAR_SAMPLE_DRAFT | KABAR_SAMPLE_SEEN;
      record->received = g_date_time_ref (mail->date);
    }
  else if (mail->from == ME)
    {
      record->folder = g_strdup ("Sent");
      record->flags |= KABAR_SAMPLE_SEEN;
      record->received = g_date_time_ref (mail->date);
    }
  else
    {
      record->folder = mail->folder ? g_strdup (mail->folder) : inbox_or_archive (gen, mail->date);
      record->incoming = TRUE;
      /* Delivery takes a few seconds to a couple of minutes. */
      record->received = g_date_time_add_seconds (mail->date, rand_range (gen, 2, 150));
      if (g_date_time_compare (record->received, gen->now) > 0)
        {
          g_date_time_unref (record->received);
          record->received = g_date_time_ref (gen->now);
        }
    }
  record->newsletter = mail->newsletter;
  g_date_time_unref (mail->date);
  g_ptr_array_add (gen->records, record);
  return record;
}

/* Threads */

static char *
attribution (const Person *who,
             GDateTime    *date,
             Language      language)
{
  g_autofree char *day = format_day (date, language);
  g_autofree char *time = g_strdup_printf ("%02d.%02d", g_date_time_get_hour (date),
                                           g_date_time_get_minute (date));

  if (language == ID)
    return g_strdup_printf ("Pada %s pukul %s, %s <%s> menulis:", day, time, who->name, who->address);
  time[2] = ':';
  return g_strdup_printf ("On %s at %s, %s <%s> wrote:", day, time, who->name, who->address);
}

static char *
quote (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GString) quoted = g_string_new (NULL);
  guint i;

  for (i = 0; lines[i] != NULL; i++)
    {
      if (lines[i + 1] == NULL && lines[i][0] == '\0')
        break;
      g_string_append (quoted, lines[i][0] == '>' ? ">" : "> ");
      g_string_append (quoted, lines[i]);
      g_string_append_c (quoted, '\n');
    }
  return g_string_free (g_steal_pointer (&quoted), FALSE);
}

void
thread_init (Thread     *thread,
             const char *subject,
             Language    language)
{
  memset (thread, 0, sizeof *thread);
  thread->subject = g_strdup (subject);
  thread->language = language;
  thread->references = g_string_new (NULL);
}

void
thread_clear (Thread *thread)
{
  g_free (thread->subject);
  g_free (thread->last_text);
  g_clear_pointer (&thread->last_date, g_date_time_unref);
  g_string_free (thread->references, TRUE);
}

/* Adds the next message of the thread: "Re:", quoting, In-Reply-To and
 * References are taken care of; the owner's replies go to Sent and mark
 * what they answer. attachments end with NULL. */
Record *
thread_post (Gen         *gen,
             Thread      *thread,
             Mail        *mail,
             const char  *text,
             ...)
{
  g_autofree char *subject = NULL;
  g_autofree char *full_text = NULL;
  g_autofree char *in_reply_to = NULL;
  g_autofree char *references = NULL;
  GMimeObject *body;
  GMimeObject *extra;
  GPtrArray *parts = g_ptr_array_new ();
  GDateTime *date;
  Record *record;
  va_list args;

  if (thread->last_id != NULL)
    {
      g_autofree char *said = attribution (person (gen, thread->last_from), thread->last_date,
                                           thread->language);
      g_autofree char *quoted = quote (thread->last_text);

      subject = g_str_has_prefix (thread->subject, "Re: ") ? g_strdup (thread->subject)
                                                            : g_strconcat ("Re: ", thread->subject, NULL);
      full_text = g_strdup_printf ("%s\n%s\n%s", text, said, quoted);
      in_reply_to = g_strdup (thread->last_id);
      references = g_strdup (thread->references->str);
    }
  else
    {
      subject = g_strdup (thread->subject);
      full_text = g_strdup (text);
    }

  body = text_part ("plain", full_text);
  va_start (args, text);
  while ((extra = va_arg (args, GMimeObject *)) != NULL)
    g_ptr_array_add (parts, extra);
  va_end (args);
  if (parts->len > 0)
    {
      guint i;
      GMimeObject *mixed = multipart (gen, "mixed", body, NULL);

      for (i = 0; i < parts->len; i++)
        {
          g_mime_multipart_add (GMIME_MULTIPART (mixed), g_ptr_array_index (parts, i));
          g_object_unref (g_ptr_array_index (parts, i));
        }
      body = mixed;
    }
  g_ptr_array_unref (parts);

  mail->subject = subject;
  mail->body = body;
  mail->in_reply_to = in_reply_to;
  mail->references = references;
  date = g_date_time_ref (mail->date);
  record = post (gen, mail);

  if (mail->from == ME && thread->last_record != NULL && thread->last_record->incoming)
    thread->last_record->flags |= KABAR_SAMPLE_ANSWERED;
  thread->last_record = record;
  thread->last_id = record->message_id;
  thread->last_from = mail->from;
  g_free (thread->last_text);
  thread->last_text = wrap_text (text, 72);
  g_clear_pointer (&thread->last_date, g_date_time_unref);
  thread->last_date = date;
  if (thread->references->len > 0)
    g_string_append_c (thread->references, ' ');
  g_string_append_printf (thread->references, "<%s>", record->message_id);
  return record;
}

/* Flags the owner would have set by reading: most old mail is read; some of
 * the last days' is not, and newsletters often stay unread for a while. */
static void
settle_flags (Gen *gen)
{
  guint i;

  for (i = 0; i < gen->records->len; i++)
    {
      Record *record = g_ptr_array_index (gen->records, i);
      GTimeSpan age = g_date_time_difference (gen->now, record->received);

      if (!record->incoming || (record->flags & KABAR_SAMPLE_SEEN))
        continue;
      if (record->flags & KABAR_SAMPLE_ANSWERED)
        {
          record->flags |= KABAR_SAMPLE_SEEN;
          continue;
        }
      if (record->newsletter)
        {
          if (age > 30 * G_TIME_SPAN_DAY || !chance (gen, 0.5))
            record->flags |= KABAR_SAMPLE_SEEN;
        }
      else if (age > 8 * G_TIME_SPAN_DAY || !chance (gen, 0.7))
        {
          record->flags |= KABAR_SAMPLE_SEEN;
        }
    }
}

static char *
owner_first_name (const char *name,
                  const char *address)
{
  const char *space = strchr (name, ' ');

  if (name == address)
    return g_strndup (address, strchr (address, '@') - address);
  return space ? g_strndup (name, space - name) : g_strdup (name);
}

static int
compare_records (gconstpointer a,
                 gconstpointer b)
{
  const Record *ra = *(const Record * const *) a;
  const Record *rb = *(const Record * const *) b;
  int by_date = g_date_time_compare (ra->received, rb->received);

  /* Ties keep the order of creation: g_ptr_array_sort is not stable. */
  if (by_date != 0)
    return by_date;
  return ra->serial < rb->serial ? -1 : ra->serial > rb->serial;
}

static gboolean
emit_all (Gen                     *gen,
          KabarSampleMessageFunc   func,
          gpointer                 user_data,
          GError                 **error)
{
  g_autoptr(GMimeFormatOptions) options = g_mime_format_options_new ();
  guint i;

  g_mime_format_options_set_newline_format (options, GMIME_NEWLINE_FORMAT_UNIX);
  for (i = 0; i < gen->records->len; i++)
    {
      Record *record = g_ptr_array_index (gen->records, i);
      record->serial = i;
    }
  g_ptr_array_sort (gen->records, compare_records);

  for (i = 0; i < gen->records->len; i++)
    {
      Record *record = g_ptr_array_index (gen->records, i);
      char *text = g_mime_object_to_string (GMIME_OBJECT (record->message), options);
      g_autoptr(GBytes) bytes = g_bytes_new_take (text, strlen (text));

      if (!func (record->folder, bytes, record->flags, record->received, user_data, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
kabar_sample_mailbox_generate (const char              *address,
                               const char              *display_name,
                               guint32                  seed,
                               GDateTime               *now,
                               KabarSampleMessageFunc   func,
                               gpointer                 user_data,
                               GError                 **error)
{
  Gen gen = { 0 };
  gboolean ok;

  g_return_val_if_fail (address != NULL && strchr (address, '@') != NULL, FALSE);
  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  g_mime_init ();

  gen.rand = g_rand_new_with_seed (seed);
  gen.now = now;
  gen.owner.name = display_name != NULL && *display_name != '\0' ? display_name : address;
  gen.owner.address = address;
  gen.owner.tz_minutes = WIB;
  gen.owner_first = owner_first_name (gen.owner.name, address);
  gen.owner.first = gen.owner_first;
  gen.records = g_ptr_array_new_with_free_func (record_free);

  add_all_scenarios (&gen);
  settle_flags (&gen);
  ok = emit_all (&gen, func, user_data, error);

  g_ptr_array_unref (gen.records);
  g_rand_free (gen.rand);
  g_free (gen.owner_first);
  return ok;
}
