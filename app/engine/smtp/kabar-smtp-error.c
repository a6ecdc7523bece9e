/* kabar-smtp-error.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kabar-smtp-error.h"
#include "kabar-net-error.h"

/* --- replies --------------------------------------------------------------- */

G_DEFINE_BOXED_TYPE (KabarSmtpReply, kabar_smtp_reply, kabar_smtp_reply_copy, kabar_smtp_reply_free)

KabarSmtpReply *
kabar_smtp_reply_copy (const KabarSmtpReply *reply)
{
  KabarSmtpReply *copy;

  g_return_val_if_fail (reply != NULL, NULL);

  copy = g_new0 (KabarSmtpReply, 1);
  copy->code = reply->code;
  copy->enhanced = g_strdup (reply->enhanced);
  copy->lines = g_strdupv (reply->lines);
  return copy;
}

void
kabar_smtp_reply_free (KabarSmtpReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->enhanced);
  g_strfreev (reply->lines);
  g_free (reply);
}

char *
kabar_smtp_reply_to_string (const KabarSmtpReply *reply)
{
  g_autofree char *joined = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (reply != NULL, NULL);

  joined = g_strjoinv (" ", reply->lines);
  text = *joined != '\0' ? g_strdup_printf ("%u %s", reply->code, joined) : g_strdup_printf ("%u", reply->code);
  /* A server's text is not ours to trust as UTF-8. */
  return g_utf8_make_valid (text, -1);
}

char *
kabar_smtp_reply_dup_text (const KabarSmtpReply *reply)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (reply != NULL, NULL);

  for (guint i = 0; reply->lines[i] != NULL; i++)
    {
      const char *line = reply->lines[i];

      if (reply->enhanced != NULL && g_str_has_prefix (line, reply->enhanced))
        line += strlen (reply->enhanced);
      while (*line == ' ')
        line++;
      if (text->len > 0 && *line != '\0')
        g_string_append_c (text, ' ');
      g_string_append (text, line);
    }
  return g_utf8_make_valid (text->str, -1);
}

/* --- refusals -------------------------------------------------------------- */

G_DEFINE_BOXED_TYPE (KabarSmtpRefusal, kabar_smtp_refusal, kabar_smtp_refusal_copy, kabar_smtp_refusal_free)

KabarSmtpRefusal *
kabar_smtp_refusal_new (const char           *address,
                        const KabarSmtpReply *reply)
{
  KabarSmtpRefusal *refusal = g_new0 (KabarSmtpRefusal, 1);

  refusal->address = g_strdup (address);
  refusal->reply = kabar_smtp_reply_copy (reply);
  return refusal;
}

KabarSmtpRefusal *
kabar_smtp_refusal_copy (const KabarSmtpRefusal *refusal)
{
  g_return_val_if_fail (refusal != NULL, NULL);

  return kabar_smtp_refusal_new (refusal->address, refusal->reply);
}

void
kabar_smtp_refusal_free (KabarSmtpRefusal *refusal)
{
  if (refusal == NULL)
    return;
  g_free (refusal->address);
  kabar_smtp_reply_free (refusal->reply);
  g_free (refusal);
}

/* --- the error domain ------------------------------------------------------ */

/* What the error carries beyond its message: GLib copies and frees it with
 * the GError, through GTasks and g_error_copy() alike. */
typedef struct
{
  KabarSmtpReply *reply;
  GPtrArray      *refusals;
} KabarSmtpErrorPrivate;

static void
kabar_smtp_error_private_init (KabarSmtpErrorPrivate *priv)
{
  priv->reply = NULL;
  priv->refusals = NULL;
}

static GPtrArray *
copy_refusals (GPtrArray *refusals)
{
  return g_ptr_array_copy (refusals, (GCopyFunc) (void (*) (void)) kabar_smtp_refusal_copy, NULL);
}

static void
kabar_smtp_error_private_copy (const KabarSmtpErrorPrivate *src,
                               KabarSmtpErrorPrivate       *dest)
{
  dest->reply = src->reply != NULL ? kabar_smtp_reply_copy (src->reply) : NULL;
  dest->refusals = src->refusals != NULL ? copy_refusals (src->refusals) : NULL;
}

static void
kabar_smtp_error_private_clear (KabarSmtpErrorPrivate *priv)
{
  g_clear_pointer (&priv->reply, kabar_smtp_reply_free);
  g_clear_pointer (&priv->refusals, g_ptr_array_unref);
}

G_DEFINE_EXTENDED_ERROR (KabarSmtpError, kabar_smtp_error)

const KabarSmtpReply *
kabar_smtp_error_get_reply (const GError *error)
{
  KabarSmtpErrorPrivate *priv = kabar_smtp_error_get_private (error);

  return priv != NULL ? priv->reply : NULL;
}

GPtrArray *
kabar_smtp_error_get_refusals (const GError *error)
{
  KabarSmtpErrorPrivate *priv = kabar_smtp_error_get_private (error);

  return priv != NULL ? priv->refusals : NULL;
}

gboolean
kabar_smtp_error_is_temporary (const GError *error)
{
  const KabarSmtpReply *reply;

  g_return_val_if_fail (error != NULL, FALSE);

  if (error->domain == KABAR_SMTP_ERROR)
    {
      GPtrArray *refusals = kabar_smtp_error_get_refusals (error);

      /* Refused recipients: one refused for good makes the send fail for
       * good too. */
      for (guint i = 0; refusals != NULL && i < refusals->len; i++)
        if (((KabarSmtpRefusal *) g_ptr_array_index (refusals, i))->reply->code / 100 != 4)
          return FALSE;
      reply = kabar_smtp_error_get_reply (error);
      return error->code == KABAR_SMTP_ERROR_TEMPORARY || (reply != NULL && reply->code / 100 == 4);
    }
  if (error->domain != KABAR_NET_ERROR)
    return FALSE;
  switch ((KabarNetError) error->code)
    {
    case KABAR_NET_ERROR_HOST_NOT_FOUND:
    case KABAR_NET_ERROR_CONNECTION_REFUSED:
    case KABAR_NET_ERROR_TIMED_OUT:
    case KABAR_NET_ERROR_NETWORK_UNREACHABLE:
    case KABAR_NET_ERROR_CLOSED:
    case KABAR_NET_ERROR_FAILED:
      return TRUE;
    case KABAR_NET_ERROR_CERTIFICATE:
    case KABAR_NET_ERROR_STARTTLS_NOT_OFFERED:
    case KABAR_NET_ERROR_STARTTLS_FAILED:
    case KABAR_NET_ERROR_STARTTLS_INJECTION:
    case KABAR_NET_ERROR_TLS_HANDSHAKE:
    case KABAR_NET_ERROR_NOT_TLS:
    case KABAR_NET_ERROR_LINE_TOO_LONG:
    case KABAR_NET_ERROR_PROTOCOL:
    default:
      return FALSE;
    }
}

GError *
kabar_smtp_error_new_reply (KabarSmtpError        code,
                            const KabarSmtpReply *reply,
                            const char           *format,
                            ...)
{
  GError *error;
  KabarSmtpErrorPrivate *priv;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (KABAR_SMTP_ERROR, code, format, args);
  va_end (args);
  priv = kabar_smtp_error_get_private (error);
  if (reply != NULL)
    priv->reply = kabar_smtp_reply_copy (reply);
  return error;
}

void
kabar_smtp_error_set_refusals (GError    *error,
                               GPtrArray *refusals)
{
  KabarSmtpErrorPrivate *priv = kabar_smtp_error_get_private (error);

  g_return_if_fail (priv != NULL);

  g_clear_pointer (&priv->refusals, g_ptr_array_unref);
  priv->refusals = copy_refusals (refusals);
}

GError *
kabar_smtp_error_new_refused (GPtrArray  *refusals,
                              const char *peer)
{
  g_autoptr(GString) reasons = g_string_new (NULL);
  KabarSmtpRefusal *first;
  KabarSmtpErrorPrivate *priv;
  GError *error;

  g_return_val_if_fail (refusals != NULL && refusals->len > 0, NULL);

  for (guint i = 0; i < refusals->len; i++)
    {
      KabarSmtpRefusal *refusal = g_ptr_array_index (refusals, i);
      g_autofree char *said = kabar_smtp_reply_to_string (refusal->reply);

      g_string_append_printf (reasons, "%s%s (%s)", i > 0 ? "; " : "", refusal->address, said);
    }
  first = g_ptr_array_index (refusals, 0);
  if (refusals->len == 1)
    error = g_error_new (KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_RECIPIENT_REFUSED,
                         "%s refused the recipient %s; the message went to nobody", peer, reasons->str);
  else
    error = g_error_new (KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_RECIPIENT_REFUSED,
                         "%s refused %u recipients: %s; the message went to nobody",
                         peer, refusals->len, reasons->str);
  priv = kabar_smtp_error_get_private (error);
  priv->reply = kabar_smtp_reply_copy (first->reply);
  priv->refusals = copy_refusals (refusals);
  return error;
}
