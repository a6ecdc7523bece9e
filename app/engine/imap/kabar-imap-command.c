/* kabar-imap-command.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A command is built as segments: the text up to a synchronizing literal's
 * announcement ends a segment that waits for the server's "+", and the
 * literal's data starts the next one. Without literals, or with LITERAL+,
 * the whole command is written at once.
 */

#include "config.h"

#include <string.h>

#include "kabar-imap-command.h"
#include "kabar-imap-utf7.h"

/* RFC 7888: LITERAL- allows non-synchronizing literals up to this size. */
#define LITERAL_MINUS_MAX 4096

static void
segment_free (KabarImapSegment *segment)
{
  g_bytes_unref (segment->bytes);
  g_free (segment);
}

KabarImapCommand *
kabar_imap_command_new (const char           *name,
                        KabarImapLiteralMode  literal_mode)
{
  KabarImapCommand *command = g_new0 (KabarImapCommand, 1);

  g_ref_count_init (&command->ref_count);
  command->name = g_strdup (name);
  command->literal_mode = literal_mode;
  command->text = g_string_new (name);
  command->segments = g_ptr_array_new_with_free_func ((GDestroyNotify) segment_free);
  return command;
}

KabarImapCommand *
kabar_imap_command_ref (KabarImapCommand *command)
{
  g_ref_count_inc (&command->ref_count);
  return command;
}

/* Segments of secret commands hold passwords and tokens, in bytes this
 * command made: wipe them. */
static void
wipe_segments (KabarImapCommand *command)
{
  for (guint i = 0; i < command->segments->len; i++)
    {
      KabarImapSegment *segment = g_ptr_array_index (command->segments, i);
      gsize size;
      gpointer data = (gpointer) g_bytes_get_data (segment->bytes, &size);

      if (data != NULL)
        memset (data, 0, size);
    }
  if (command->text != NULL)
    memset (command->text->str, 0, command->text->len);
}

void
kabar_imap_command_unref (KabarImapCommand *command)
{
  if (!g_ref_count_dec (&command->ref_count))
    return;
  if (command->flags & KABAR_IMAP_COMMAND_SECRET)
    wipe_segments (command);
  if (command->cancel_source != NULL)
    {
      g_source_destroy (command->cancel_source);
      g_source_unref (command->cancel_source);
    }
  if (command->data_free != NULL && command->data != NULL)
    command->data_free (command->data);
  g_clear_object (&command->task);
  g_clear_error (&command->error);
  g_ptr_array_unref (command->segments);
  if (command->text != NULL)
    g_string_free (command->text, TRUE);
  g_free (command->name);
  g_free (command->tag);
  g_free (command);
}

void
kabar_imap_command_set_data (KabarImapCommand *command,
                             gpointer          data,
                             GDestroyNotify    data_free)
{
  command->data = data;
  command->data_free = data_free;
}

static void
push_segment (KabarImapCommand *command,
              GBytes           *bytes,
              gboolean          wait)
{
  KabarImapSegment *segment = g_new0 (KabarImapSegment, 1);

  segment->bytes = bytes;
  segment->wait = wait;
  g_ptr_array_add (command->segments, segment);
}

/* The text so far becomes a segment of its own. */
static void
flush_text (KabarImapCommand *command,
            gboolean          wait)
{
  gsize length = command->text->len;

  push_segment (command, g_bytes_new_take (g_string_free (command->text, FALSE), length), wait);
  command->text = g_string_new (NULL);
}

void
kabar_imap_command_add_atom (KabarImapCommand *command,
                             const char       *atom)
{
  g_string_append_c (command->text, ' ');
  g_string_append (command->text, atom);
}

void
kabar_imap_command_add_printf (KabarImapCommand *command,
                               const char       *format,
                               ...)
{
  va_list args;

  g_string_append_c (command->text, ' ');
  va_start (args, format);
  g_string_append_vprintf (command->text, format, args);
  va_end (args);
}

void
kabar_imap_command_add_literal (KabarImapCommand *command,
                                GBytes           *data)
{
  gsize size = g_bytes_get_size (data);
  gboolean plus = command->literal_mode == KABAR_IMAP_LITERAL_PLUS ||
                  (command->literal_mode == KABAR_IMAP_LITERAL_MINUS && size <= LITERAL_MINUS_MAX);

  g_string_append_printf (command->text, " {%" G_GSIZE_FORMAT "%s}\r\n", size, plus ? "+" : "");
  flush_text (command, !plus);
  push_segment (command, g_bytes_ref (data), FALSE);
}

/* RFC 3501 quoted strings are 7-bit text without CR and LF. */
static gboolean
can_quote (const char *text)
{
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    if (*p >= 0x80 || *p == '\r' || *p == '\n')
      return FALSE;
  return TRUE;
}

void
kabar_imap_command_add_string (KabarImapCommand *command,
                               const char       *text)
{
  g_autoptr(GBytes) bytes = NULL;

  if (!can_quote (text))
    {
      bytes = g_bytes_new (text, strlen (text));
      kabar_imap_command_add_literal (command, bytes);
      return;
    }
  g_string_append (command->text, " \"");
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\\' || *p == '"')
        g_string_append_c (command->text, '\\');
      g_string_append_c (command->text, *p);
    }
  g_string_append_c (command->text, '"');
}

void
kabar_imap_command_add_mailbox (KabarImapCommand *command,
                                const char       *mailbox)
{
  g_autofree char *encoded = NULL;

  /* INBOX is INBOX in any case, and never encoded. */
  if (g_ascii_strcasecmp (mailbox, "INBOX") == 0)
    {
      kabar_imap_command_add_atom (command, "INBOX");
      return;
    }
  encoded = kabar_imap_utf7_encode (mailbox);
  kabar_imap_command_add_string (command, encoded);
}

void
kabar_imap_command_add_flags (KabarImapCommand   *command,
                              const char * const *flags)
{
  g_string_append (command->text, " (");
  for (guint i = 0; flags != NULL && flags[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (command->text, ' ');
      g_string_append (command->text, flags[i]);
    }
  g_string_append_c (command->text, ')');
}

void
kabar_imap_command_end (KabarImapCommand *command)
{
  g_string_append (command->text, "\r\n");
  flush_text (command, FALSE);
  g_string_free (command->text, TRUE);
  command->text = NULL;
}

char *
kabar_imap_command_describe (KabarImapCommand *command)
{
  KabarImapSegment *first;
  gsize size;
  const char *data;

  if ((command->flags & KABAR_IMAP_COMMAND_SECRET) || command->segments->len == 0)
    return g_strdup_printf ("%s %s …", command->tag != NULL ? command->tag : "-", command->name);
  first = g_ptr_array_index (command->segments, 0);
  data = g_bytes_get_data (first->bytes, &size);
  while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == '\r'))
    size--;
  return g_strdup_printf ("%s %.*s%s", command->tag != NULL ? command->tag : "-",
                          (int) MIN (size, 200), data, size > 200 || command->segments->len > 1 ? " …" : "");
}

/* --- completion ------------------------------------------------------------ */

static GTask *
steal_task (KabarImapCommand *command)
{
  if (command->cancel_source != NULL)
    {
      g_source_destroy (command->cancel_source);
      g_clear_pointer (&command->cancel_source, g_source_unref);
    }
  return g_steal_pointer (&command->task);
}

void
kabar_imap_command_return_error (KabarImapCommand *command,
                                 GError           *error)
{
  g_autoptr(GTask) task = steal_task (command);

  if (task == NULL)
    {
      g_error_free (error);
      return;
    }
  g_task_return_error (task, error);
}

void
kabar_imap_command_return_pointer (KabarImapCommand *command,
                                   gpointer          result,
                                   GDestroyNotify    result_free)
{
  g_autoptr(GTask) task = NULL;

  if (command->error != NULL)
    {
      if (result_free != NULL && result != NULL)
        result_free (result);
      kabar_imap_command_return_error (command, g_steal_pointer (&command->error));
      return;
    }
  task = steal_task (command);
  if (task == NULL)
    {
      if (result_free != NULL && result != NULL)
        result_free (result);
      return;
    }
  g_task_return_pointer (task, result, result_free);
}

void
kabar_imap_command_return_boolean (KabarImapCommand *command)
{
  g_autoptr(GTask) task = NULL;

  if (command->error != NULL)
    {
      kabar_imap_command_return_error (command, g_steal_pointer (&command->error));
      return;
    }
  task = steal_task (command);
  if (task != NULL)
    g_task_return_boolean (task, TRUE);
}

void
kabar_imap_command_take_error (KabarImapCommand *command,
                               GError           *error)
{
  if (command->error == NULL)
    command->error = error;
  else
    g_error_free (error);
}
