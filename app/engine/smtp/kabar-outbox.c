/* kabar-outbox.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The outbox's thread runs a loop: take what the other threads asked for
 * (stop, a wake, the network), then send the next due message or wait
 * for a wake or the next retry. Each send is sequential code that runs the
 * thread's own main context while it waits (kabar-sync-wait.h).
 */

#include "config.h"

#include "kabar-backoff.h"
#include "kabar-graph-send.h"
#include "kabar-net-error.h"
#include "kabar-oauth2.h"
#include "kabar-outbox.h"
#include "kabar-secrets.h"
#include "kabar-smtp-client.h"
#include "kabar-store-outbox.h"
#include "kabar-sync-cancel.h"
#include "kabar-sync-thread.h"
#include "kabar-sync-wait.h"

#define CONNECT_TIMEOUT_SECONDS 60
/* Bounds the wait for the TLS state of a closed connection to go. */
#define DRAIN_SECONDS 5

enum
{
  CHANGED,
  SENT,
  FAILED,
  ACCOUNT_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _KabarOutbox
{
  GObject          parent_instance;

  KabarAccount    *account;
  KabarStore      *store;
  GMainContext    *owner;
  guint            retry_initial_ms;
  guint            retry_max_ms;
  KabarOutboxHook  hook;
  gpointer         hook_data;
  GThread         *thread;

  /* Asked by the other threads, under the mutex. */
  GMutex           mutex;
  gboolean         poked;
  gboolean         stopping;
  gboolean         network_available;
  gboolean         send_all_now;
  gboolean         unblock;
  GCancellable    *cancellable;

  /* The outbox's thread only. */
  GMainContext    *context;
  KabarSmtpClient *client;
  /* A Graph account's transport, in place of SMTP. */
  KabarGraphClient *graph;
  KabarBackoff    *backoff;
  GSource         *timer;
  /* A refused sign-in: nothing more is tried until a wake. */
  gboolean         blocked;
  /* "account-error" said so, and has to say when it works again. */
  gboolean         account_error_shown;
  /* The store could not record a step (a full disk): nothing is tried
   * before this (monotonic time), or the same message would go to the
   * server and be dropped again and again. */
  gint64           paused_until;
};

G_DEFINE_FINAL_TYPE (KabarOutbox, kabar_outbox, G_TYPE_OBJECT)

/* --- signals, on the owner's thread ------------------------------------------- */

typedef struct
{
  KabarOutbox *outbox;
  guint        signal;
  gint64       id;
  char        *message_id;
  gint64       folder_id;
  GError      *error;
} Emission;

static gboolean
emission_run (gpointer data)
{
  Emission *emission = data;
  KabarOutbox *self = emission->outbox;

  switch (emission->signal)
    {
    case CHANGED:
      g_signal_emit (self, signals[CHANGED], 0);
      break;
    case SENT:
      g_signal_emit (self, signals[SENT], 0, emission->id, emission->message_id,
                     emission->folder_id);
      break;
    case FAILED:
      g_signal_emit (self, signals[FAILED], 0, emission->id, emission->error);
      break;
    case ACCOUNT_ERROR:
    default:
      g_signal_emit (self, signals[ACCOUNT_ERROR], 0, emission->error);
      break;
    }
  return G_SOURCE_REMOVE;
}

static void
emission_free (gpointer data)
{
  Emission *emission = data;

  g_object_unref (emission->outbox);
  g_free (emission->message_id);
  g_clear_error (&emission->error);
  g_free (emission);
}

/* Holds the outbox until it ran: stop() joins the thread, so the last
 * reference can never be dropped here. */
static void
emit_later (KabarOutbox  *self,
            guint         signal,
            gint64        id,
            const char   *message_id,
            gint64        folder_id,
            const GError *error)
{
  Emission *emission = g_new0 (Emission, 1);
  GSource *source = g_idle_source_new ();

  emission->outbox = g_object_ref (self);
  emission->signal = signal;
  emission->id = id;
  emission->message_id = g_strdup (message_id);
  emission->folder_id = folder_id;
  emission->error = error != NULL ? g_error_copy (error) : NULL;
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emission_run, emission, emission_free);
  g_source_set_static_name (source, "[kabar] outbox");
  g_source_attach (source, self->owner);
  g_source_unref (source);
}

/* --- waiting -------------------------------------------------------------------- */

static void
poke (KabarOutbox *self)
{
  g_mutex_lock (&self->mutex);
  self->poked = TRUE;
  g_mutex_unlock (&self->mutex);
  g_main_context_wakeup (self->context);
}

static gboolean
on_timer (gpointer data)
{
  KabarOutbox *self = data;

  g_clear_pointer (&self->timer, g_source_unref);
  poke (self);
  return G_SOURCE_REMOVE;
}

static void
clear_timer (KabarOutbox *self)
{
  if (self->timer == NULL)
    return;
  g_source_destroy (self->timer);
  g_clear_pointer (&self->timer, g_source_unref);
}

static void
arm_timer_ms (KabarOutbox *self,
              gint64       ms)
{
  clear_timer (self);
  self->timer = g_timeout_source_new ((guint) CLAMP (ms, 1, G_MAXUINT));
  g_source_set_callback (self->timer, on_timer, self, NULL);
  g_source_attach (self->timer, self->context);
}

static void
arm_timer (KabarOutbox *self,
           gint64       seconds)
{
  arm_timer_ms (self, CLAMP (seconds, 1, G_MAXUINT / 1000) * 1000);
}

static gboolean
was_poked (KabarOutbox *self)
{
  gboolean poked;

  g_mutex_lock (&self->mutex);
  poked = self->poked;
  g_mutex_unlock (&self->mutex);
  return poked;
}

/* Until a poke: a wake, the network, a stop or the timer. */
static void
wait_for_poke (KabarOutbox *self)
{
  while (!was_poked (self))
    g_main_context_iteration (self->context, TRUE);
}

/* --- the connection --------------------------------------------------------------- */

static void
run_hook (KabarOutbox      *self,
          KabarOutboxStage  stage,
          gint64            id)
{
  if (self->hook != NULL)
    self->hook (stage, id, self->hook_data);
}

static char *
lookup_secret (KabarOutbox  *self,
               GError      **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GError *lookup_error = NULL;
  char *secret;

  kabar_secrets_lookup_async (kabar_account_get_id (self->account), KABAR_SECRET_SMTP,
                              self->cancellable, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  secret = kabar_secrets_lookup_finish (result, &lookup_error);
  if (lookup_error != NULL)
    {
      g_propagate_prefixed_error (error, lookup_error,
                                  "Could not read the sending password of %s from the keyring: ",
                                  kabar_account_get_address (self->account));
      return NULL;
    }
  if (secret == NULL)
    g_set_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_AUTHENTICATION_FAILED,
                 "The keyring holds no sending password for %s",
                 kabar_account_get_address (self->account));
  return secret;
}

static KabarSmtpClient *
open_client (KabarOutbox  *self,
             GError      **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KabarCertificateProblem) problem = NULL;
  KabarSmtpClient *client;

  kabar_smtp_client_connect_async (kabar_account_get_host (self->account, KABAR_SERVER_OUTGOING),
                                   kabar_account_get_port (self->account, KABAR_SERVER_OUTGOING),
                                   kabar_account_get_security (self->account, KABAR_SERVER_OUTGOING),
                                   kabar_account_get_pinned_certificate (self->account,
                                                                         KABAR_SERVER_OUTGOING),
                                   CONNECT_TIMEOUT_SECONDS, NULL, self->cancellable,
                                   kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  client = kabar_smtp_client_connect_finish (result, &problem, error);
  return client;
}

static gboolean
authenticate_with_token (KabarOutbox      *self,
                         KabarSmtpClient  *client,
                         const char       *token,
                         GError          **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_smtp_client_authenticate_async (client, KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN,
                                        kabar_account_get_user_name (self->account,
                                                                     KABAR_SERVER_OUTGOING),
                                        token, self->cancellable, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  return kabar_smtp_client_authenticate_finish (client, result, error);
}

/* A refused token may have been revoked or cut short before its time: a
 * fresh one is tried once, on the same connection (SMTP allows another
 * AUTH after a failed one), before the sign-in counts as refused. */
static gboolean
sign_in_with_token (KabarOutbox      *self,
                    KabarSmtpClient  *client,
                    GError          **error)
{
  for (guint attempt = 0;; attempt++)
    {
      GError *auth_error = NULL;
      char *token = kabar_oauth2_wait_for_access_token (self->account, self->cancellable, error);
      gboolean done;

      if (token == NULL)
        return FALSE;
      done = authenticate_with_token (self, client, token, &auth_error);
      kabar_secrets_free (token);
      if (done)
        return TRUE;
      if (attempt > 0 ||
          !g_error_matches (auth_error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_AUTHENTICATION_FAILED))
        {
          g_propagate_error (error, auth_error);
          return FALSE;
        }
      g_error_free (auth_error);
      kabar_oauth2_forget_access_token (self->account);
    }
}

static gboolean
sign_in (KabarOutbox      *self,
         KabarSmtpClient  *client,
         GError          **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  char *secret;
  gboolean done;

  if (kabar_account_get_auth_method (self->account) == KABAR_AUTH_OAUTH2)
    return sign_in_with_token (self, client, error);
  secret = lookup_secret (self, error);
  if (secret == NULL)
    return FALSE;
  kabar_smtp_client_authenticate_async (client, KABAR_SASL_CREDENTIAL_PASSWORD,
                                        kabar_account_get_user_name (self->account,
                                                                     KABAR_SERVER_OUTGOING),
                                        secret, self->cancellable, kabar_sync_wait_done, &slot);
  kabar_secrets_free (secret);
  result = kabar_sync_wait (&slot);
  done = kabar_smtp_client_authenticate_finish (client, result, error);
  return done;
}

static gboolean
on_drain_tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* The connection's last callbacks hold its TLS state until they ran on
 * this context: run them, within a bound, or every QUIT would leak it. */
static void
drain_connection (KabarOutbox *self,
                  GWeakRef    *connection)
{
  gint64 deadline = g_get_monotonic_time () + DRAIN_SECONDS * G_USEC_PER_SEC;
  GSource *tick = g_timeout_source_new (10);

  g_source_set_callback (tick, on_drain_tick, NULL, NULL);
  g_source_attach (tick, self->context);
  while (g_get_monotonic_time () < deadline)
    {
      GObject *alive = g_weak_ref_get (connection);

      if (alive == NULL)
        break;
      g_object_unref (alive);
      g_main_context_iteration (self->context, TRUE);
    }
  g_source_destroy (tick);
  g_source_unref (tick);
}

/* QUIT, whatever state the connection is in: on a dead one it fails at
 * once, and the connection closes either way. */
static void
close_client (KabarOutbox *self)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KabarSmtpClient) client = g_steal_pointer (&self->client);
  GWeakRef connection;

  if (client == NULL)
    return;
  kabar_smtp_client_quit_async (client, NULL, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  kabar_smtp_client_quit_finish (client, result, NULL);
  g_weak_ref_init (&connection, kabar_smtp_client_get_connection (client));
  g_clear_object (&client);
  g_clear_object (&result);
  drain_connection (self, &connection);
  g_weak_ref_clear (&connection);
}

static gboolean
is_sign_in_error (const GError *error)
{
  return g_error_matches (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_AUTHENTICATION_FAILED) ||
         g_error_matches (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_BASIC_AUTH_DISABLED) ||
         g_error_matches (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_AUTHENTICATION_UNAVAILABLE);
}

static gboolean
ensure_client (KabarOutbox  *self,
               gint64        id,
               GError      **error)
{
  g_autoptr(KabarSmtpClient) client = NULL;

  if (self->client != NULL)
    return TRUE;
  client = open_client (self, error);
  if (client == NULL)
    return FALSE;
  if (!sign_in (self, client, error))
    {
      self->client = g_steal_pointer (&client);
      close_client (self);
      return FALSE;
    }
  self->client = g_steal_pointer (&client);
  if (self->account_error_shown)
    {
      self->account_error_shown = FALSE;
      emit_later (self, ACCOUNT_ERROR, 0, NULL, 0, NULL);
    }
  run_hook (self, KABAR_OUTBOX_STAGE_SIGNED_IN, id);
  return TRUE;
}

/* --- one message --------------------------------------------------------------------- */

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
report_store_error (KabarOutbox  *self,
                    gint64        id,
                    const GError *error)
{
  g_autoptr(GError) reported = NULL;
  guint delay_ms;

  /* The user discarded it while it was being sent: before the "." that
   * leaves nothing sent, which is what they asked for. */
  if (g_error_matches (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND))
    {
      g_debug ("Outbox message %" G_GINT64_FORMAT " went meanwhile: %s", id, error->message);
      return;
    }
  reported = g_error_new (error->domain, error->code,
                          "The outbox of %s could not record what happened to a message: %s",
                          kabar_account_get_address (self->account), error->message);
  /* The "failed" signal tells the user; the log keeps it too. */
  g_message ("%s", reported->message);
  /* The back-off's draw may be near nothing: a store that just failed
   * is given at least the first retry's delay. */
  delay_ms = MAX (kabar_backoff_next_delay (self->backoff), self->retry_initial_ms);
  self->paused_until = g_get_monotonic_time () + (gint64) delay_ms * 1000;
  emit_later (self, FAILED, id, NULL, 0, reported);
}

/* A handshake cut by the network looks like one the server refused: the
 * message waits and is tried again, never failed for good by a cut. */
static gboolean
is_temporary (const GError *error)
{
  return kabar_smtp_error_is_temporary (error) ||
         g_error_matches (error, KABAR_NET_ERROR, KABAR_NET_ERROR_TLS_HANDSHAKE) ||
         (error->domain == KABAR_OAUTH2_ERROR && !kabar_oauth2_error_needs_user (error));
}

/* No OAuth2 token for the account (the sign-in was revoked, or the
 * account's client ID is refused): nothing is wrong with the message,
 * which waits, queued and due at once, for kabar_outbox_wake() after the
 * user signed in again; failing it would take it out of the outbox. */
static void
keep_for_sign_in (KabarOutbox  *self,
                  gint64        id,
                  const GError *failure)
{
  g_autoptr(GError) error = NULL;

  if (!kabar_store_outbox_defer (self->store, id, failure->message, now_unix (), &error))
    report_store_error (self, id, error);
  self->blocked = TRUE;
  self->account_error_shown = TRUE;
  emit_later (self, ACCOUNT_ERROR, 0, NULL, 0, failure);
  emit_later (self, CHANGED, 0, NULL, 0, NULL);
}

/* A failure before the "." or a definite verdict after it. */
static void
give_up_or_defer (KabarOutbox  *self,
                  gint64        id,
                  const GError *failure)
{
  g_autoptr(GError) error = NULL;

  if (g_error_matches (failure, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (kabar_oauth2_error_needs_user (failure)
      || g_error_matches (failure, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_UNAUTHORIZED))
    {
      keep_for_sign_in (self, id, failure);
      return;
    }
  if (is_temporary (failure))
    {
      guint delay_ms = kabar_backoff_next_delay (self->backoff);

      /* Whatever the network said, the next pass keeps to the schedule. */
      g_mutex_lock (&self->mutex);
      self->send_all_now = FALSE;
      g_mutex_unlock (&self->mutex);
      if (!kabar_store_outbox_defer (self->store, id, failure->message,
                                     now_unix () + MAX (1, (delay_ms + 999) / 1000), &error))
        report_store_error (self, id, error);
    }
  else
    {
      if (!kabar_store_outbox_fail (self->store, id, failure->message, &error))
        report_store_error (self, id, error);
      else
        emit_later (self, FAILED, id, NULL, 0, failure);
      /* A refused password refuses every message: wait for the user. */
      if (is_sign_in_error (failure))
        {
          self->blocked = TRUE;
          self->account_error_shown = TRUE;
          emit_later (self, ACCOUNT_ERROR, 0, NULL, 0, failure);
        }
    }
  emit_later (self, CHANGED, 0, NULL, 0, NULL);
}

static gboolean
send_data (KabarOutbox       *self,
           KabarOutboxEntry  *entry,
           GBytes            *raw,
           GError           **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_smtp_client_send_data_async (self->client, entry->sender,
                                     (const char * const *) entry->recipients, raw,
                                     self->cancellable, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  return kabar_smtp_client_send_data_finish (self->client, result, error);
}

/* Not cancellable: once the "." may go, the verdict is worth the wait. */
static gboolean
finish_data (KabarOutbox             *self,
             KabarSmtpDeliveryState  *state,
             GError                 **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_smtp_client_finish_data_async (self->client, NULL, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  return kabar_smtp_client_finish_data_finish (self->client, result, state, error);
}

static void
complete (KabarOutbox      *self,
          KabarOutboxEntry *entry)
{
  g_autoptr(GError) error = NULL;
  gint64 sent_folder_id = 0;

  kabar_backoff_reset (self->backoff);
  run_hook (self, KABAR_OUTBOX_STAGE_ACCEPTED, entry->id);
  /* Outlook.com files what it sends itself: a copy of ours would be a
   * duplicate. */
  if (!kabar_store_outbox_complete (self->store, entry->id,
                                    !kabar_account_get_server_files_sent (self->account),
                                    &sent_folder_id, &error))
    {
      /* It went, and stays SENDING: the next start makes it UNCONFIRMED,
       * never sent again. */
      report_store_error (self, entry->id, error);
      return;
    }
  emit_later (self, SENT, entry->id, entry->message_id, sent_folder_id, NULL);
  emit_later (self, CHANGED, 0, NULL, 0, NULL);
}

static void
leave_unconfirmed (KabarOutbox  *self,
                   gint64        id,
                   const GError *failure)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) reported = g_error_copy (failure);

  g_prefix_error (&reported, "The message may have been sent: ");
  if (!kabar_store_outbox_mark_unconfirmed (self->store, id, reported->message, &error))
    report_store_error (self, id, error);
  emit_later (self, FAILED, id, NULL, 0, reported);
  emit_later (self, CHANGED, 0, NULL, 0, NULL);
}

/* The "." and its verdict, once SENDING is on disk. */
static void
finish_message (KabarOutbox      *self,
                KabarOutboxEntry *entry)
{
  g_autoptr(GError) error = NULL;
  KabarSmtpDeliveryState state = KABAR_SMTP_DELIVERY_NOT_SENT;

  if (finish_data (self, &state, &error))
    {
      complete (self, entry);
      return;
    }
  if (error->domain != KABAR_SMTP_ERROR)
    close_client (self);
  if (state == KABAR_SMTP_DELIVERY_MAYBE_SENT)
    leave_unconfirmed (self, entry->id, error);
  else
    give_up_or_defer (self, entry->id, error);
}

static void
send_message (KabarOutbox *self,
              gint64       id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarOutboxEntry) entry = kabar_store_outbox_get (self->store, id, &error);
  g_autoptr(GBytes) raw = entry != NULL ? kabar_store_outbox_get_raw (self->store, id, &error) : NULL;

  if (raw == NULL)
    {
      /* Discarded meanwhile, or the disk failed: nothing was sent. */
      report_store_error (self, id, error);
      return;
    }
  if (!ensure_client (self, id, &error))
    {
      give_up_or_defer (self, id, error);
      return;
    }
  if (!send_data (self, entry, raw, &error))
    {
      /* The client reset the transaction, or closed the connection. */
      close_client (self);
      give_up_or_defer (self, id, error);
      return;
    }
  run_hook (self, KABAR_OUTBOX_STAGE_DATA_WRITTEN, id);
  if (!kabar_store_outbox_mark_sending (self->store, id, &error))
    {
      /* Without SENDING on disk (the disk failed, or the user took the
       * message back: it is gone) the "." must not go: a connection closed
       * before it sends nothing. RSET cannot end it: after DATA's 354
       * every line is the message's, RSET too, until the ".". */
      g_clear_object (&self->client);
      report_store_error (self, id, error);
      return;
    }
  run_hook (self, KABAR_OUTBOX_STAGE_MARKED_SENDING, id);
  finish_message (self, entry);
}

/* --- a Graph account: sendMail ---------------------------------------------------------- *
 *
 * No "." to mark the moment: a message is SENDING from just before its
 * sendMail request until the server's answer. When the answer is lost (a
 * cut, a 5xx, a stop), or Kabar stopped meanwhile, Sent Items tells: the
 * server files what it sent there. Found, it was sent; not found, it is
 * queued again. Until Sent Items can be asked, it stays SENDING. */

static gboolean
uses_graph (KabarOutbox *self)
{
  return kabar_account_get_incoming_kind (self->account) == KABAR_INCOMING_GRAPH;
}

/* Made on the outbox's thread, its context pushed. */
static KabarGraphClient *
graph_client (KabarOutbox *self)
{
  if (self->graph == NULL)
    self->graph = kabar_graph_client_new (self->account);
  return self->graph;
}

static gboolean
is_graph_refusal (const GError *error)
{
  return g_error_matches (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_REFUSED)
         || g_error_matches (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_FORBIDDEN)
         || g_error_matches (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_NOT_FOUND);
}

static void
graph_signed_in (KabarOutbox *self)
{
  if (!self->account_error_shown)
    return;
  self->account_error_shown = FALSE;
  emit_later (self, ACCOUNT_ERROR, 0, NULL, 0, NULL);
}

/* Sent Items could not be asked: nothing more is tried for a while. */
static void
pause_graph (KabarOutbox  *self,
             const GError *failure)
{
  guint delay_ms = kabar_backoff_next_delay (self->backoff);

  g_debug ("The outbox of %s cannot tell whether a message went: %s",
           kabar_account_get_address (self->account), failure->message);
  self->paused_until = g_get_monotonic_time () + (gint64) delay_ms * 1000;
}

/* A SENDING message: sent when Sent Items has it, else queued again. FALSE
 * when that cannot be known now. */
static gboolean
confirm_graph (KabarOutbox      *self,
               KabarOutboxEntry *entry)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;

  if (!kabar_graph_find_message (graph_client (self), "sentitems", entry->message_id, &found,
                                 self->cancellable, &error))
    {
      if (kabar_oauth2_error_needs_user (error)
          || g_error_matches (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_UNAUTHORIZED))
        {
          self->blocked = TRUE;
          self->account_error_shown = TRUE;
          emit_later (self, ACCOUNT_ERROR, 0, NULL, 0, error);
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        pause_graph (self, error);
      return FALSE;
    }
  graph_signed_in (self);
  if (found != NULL)
    complete (self, entry);
  else if (!kabar_store_outbox_defer (self->store, entry->id, entry->last_error, now_unix (), &error))
    report_store_error (self, entry->id, error);
  else
    emit_later (self, CHANGED, 0, NULL, 0, NULL);
  return TRUE;
}

/* Before anything is sent: every SENDING message is settled. FALSE when
 * one could not be. */
static gboolean
confirm_sending (KabarOutbox *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = kabar_store_outbox_list (self->store, &error);

  if (entries == NULL)
    {
      report_store_error (self, 0, error);
      return FALSE;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      KabarOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (entry->state == KABAR_OUTBOX_SENDING && !confirm_graph (self, entry))
        return FALSE;
    }
  return TRUE;
}

static void
send_by_graph (KabarOutbox *self,
               gint64       id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarOutboxEntry) entry = kabar_store_outbox_get (self->store, id, &error);
  g_autoptr(GBytes) raw = entry != NULL ? kabar_store_outbox_get_raw (self->store, id, &error) : NULL;

  if (raw == NULL || !kabar_store_outbox_mark_sending (self->store, id, &error))
    {
      /* Discarded meanwhile, or the disk failed: nothing was sent. */
      report_store_error (self, id, error);
      return;
    }
  run_hook (self, KABAR_OUTBOX_STAGE_MARKED_SENDING, id);
  if (kabar_graph_send_message (graph_client (self), raw, self->cancellable, &error))
    {
      graph_signed_in (self);
      complete (self, entry);
      return;
    }
  if (kabar_oauth2_error_needs_user (error)
      || g_error_matches (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_UNAUTHORIZED)
      || is_graph_refusal (error))
    {
      /* The server said no: nothing went. */
      give_up_or_defer (self, id, error);
      return;
    }
  /* It may have gone: the next round asks Sent Items. */
  g_debug ("The outbox of %s lost the answer to a message: %s",
           kabar_account_get_address (self->account), error->message);
}

/* --- the thread -------------------------------------------------------------------- */

typedef struct
{
  gboolean stop;
  gboolean network_available;
  gboolean send_all_now;
} Requests;

static Requests
take_requests (KabarOutbox *self)
{
  Requests requests;

  g_mutex_lock (&self->mutex);
  self->poked = FALSE;
  requests.stop = self->stopping;
  requests.network_available = self->network_available;
  requests.send_all_now = self->send_all_now;
  /* The user fixed the password, or the network came back. */
  if (self->unblock)
    self->blocked = FALSE;
  self->unblock = FALSE;
  g_mutex_unlock (&self->mutex);
  return requests;
}

/* One round: send the next message, or wait. FALSE to end. */
static gboolean
step (KabarOutbox *self)
{
  Requests requests = take_requests (self);
  g_autoptr(GError) error = NULL;
  gint64 earliest = 0;
  gint64 now = now_unix ();
  gint64 id;

  if (requests.stop)
    return FALSE;
  if (!requests.network_available || self->blocked)
    {
      close_client (self);
      wait_for_poke (self);
      return TRUE;
    }
  if (self->paused_until > g_get_monotonic_time ())
    {
      close_client (self);
      arm_timer_ms (self, (self->paused_until - g_get_monotonic_time ()) / 1000 + 1);
      wait_for_poke (self);
      return TRUE;
    }
  if (uses_graph (self) && !confirm_sending (self))
    return TRUE;
  id = kabar_store_outbox_next_due (self->store, requests.send_all_now ? G_MAXINT64 : now,
                                    &earliest, &error);
  if (error != NULL)
    g_warning ("The outbox of %s cannot be read: %s",
               kabar_account_get_address (self->account), error->message);
  if (id == 0)
    {
      g_mutex_lock (&self->mutex);
      self->send_all_now = FALSE;
      g_mutex_unlock (&self->mutex);
      close_client (self);
      if (earliest > 0 && error == NULL)
        arm_timer (self, earliest - now);
      wait_for_poke (self);
      return TRUE;
    }
  clear_timer (self);
  if (uses_graph (self))
    send_by_graph (self, id);
  else
    send_message (self, id);
  return TRUE;
}

static void
recover (KabarOutbox *self)
{
  g_autoptr(GError) error = NULL;

  if (!kabar_store_outbox_recover (self->store, &error))
    g_warning ("The outbox of %s could not be recovered: %s",
               kabar_account_get_address (self->account), error->message);
  emit_later (self, CHANGED, 0, NULL, 0, NULL);
}

static gpointer
outbox_thread (gpointer data)
{
  KabarOutbox *self = data;

  kabar_sync_thread_lower_priority ();
  g_main_context_push_thread_default (self->context);
  /* What a Graph account left SENDING is settled by Sent Items instead. */
  if (!uses_graph (self))
    recover (self);
  while (step (self))
    ;
  close_client (self);
  g_clear_object (&self->graph);
  while (g_main_context_iteration (self->context, FALSE))
    ;
  clear_timer (self);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

/* --- the object ------------------------------------------------------------------- */

KabarOutbox *
kabar_outbox_new (KabarAccount *account,
                  KabarStore   *store)
{
  KabarOutbox *self;

  g_return_val_if_fail (KABAR_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (KABAR_IS_STORE (store), NULL);

  self = g_object_new (KABAR_TYPE_OUTBOX, NULL);
  self->account = g_object_ref (account);
  self->store = g_object_ref (store);
  return self;
}

void
kabar_outbox_set_retry_limits (KabarOutbox *self,
                               guint        initial_ms,
                               guint        max_ms)
{
  g_return_if_fail (KABAR_IS_OUTBOX (self));
  g_return_if_fail (self->thread == NULL);
  g_return_if_fail (initial_ms > 0 && initial_ms <= max_ms);

  self->retry_initial_ms = initial_ms;
  self->retry_max_ms = max_ms;
}

void
kabar_outbox_set_hook_for_testing (KabarOutbox     *self,
                                   KabarOutboxHook  hook,
                                   gpointer         data)
{
  g_return_if_fail (KABAR_IS_OUTBOX (self));
  g_return_if_fail (self->thread == NULL);

  self->hook = hook;
  self->hook_data = data;
}

void
kabar_outbox_start (KabarOutbox *self)
{
  g_autofree char *name = NULL;

  g_return_if_fail (KABAR_IS_OUTBOX (self));

  if (self->thread != NULL)
    return;
  g_mutex_lock (&self->mutex);
  self->stopping = FALSE;
  self->poked = FALSE;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_mutex_unlock (&self->mutex);
  self->blocked = FALSE;
  kabar_backoff_set_limits (self->backoff, self->retry_initial_ms, self->retry_max_ms);
  name = g_strdup_printf ("smtp-%s", kabar_account_get_id (self->account));
  self->thread = g_thread_new (name, outbox_thread, self);
}

void
kabar_outbox_stop (KabarOutbox *self)
{
  g_return_if_fail (KABAR_IS_OUTBOX (self));

  if (self->thread == NULL)
    return;
  g_mutex_lock (&self->mutex);
  self->stopping = TRUE;
  kabar_sync_cancel_on_context (self->cancellable, self->context);
  g_mutex_unlock (&self->mutex);
  poke (self);
  g_thread_join (g_steal_pointer (&self->thread));
}

void
kabar_outbox_wake (KabarOutbox *self)
{
  g_return_if_fail (KABAR_IS_OUTBOX (self));

  g_mutex_lock (&self->mutex);
  self->send_all_now = TRUE;
  self->unblock = TRUE;
  g_mutex_unlock (&self->mutex);
  poke (self);
}

void
kabar_outbox_set_network_available (KabarOutbox *self,
                                    gboolean     available)
{
  g_return_if_fail (KABAR_IS_OUTBOX (self));

  g_mutex_lock (&self->mutex);
  if (available && !self->network_available)
    self->send_all_now = self->unblock = TRUE;
  self->network_available = available;
  g_mutex_unlock (&self->mutex);
  poke (self);
}

static void
kabar_outbox_dispose (GObject *object)
{
  kabar_outbox_stop (KABAR_OUTBOX (object));
  G_OBJECT_CLASS (kabar_outbox_parent_class)->dispose (object);
}

static void
kabar_outbox_finalize (GObject *object)
{
  KabarOutbox *self = KABAR_OUTBOX (object);

  g_clear_object (&self->account);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->backoff, kabar_backoff_free);
  g_main_context_unref (self->context);
  g_main_context_unref (self->owner);
  g_mutex_clear (&self->mutex);
  G_OBJECT_CLASS (kabar_outbox_parent_class)->finalize (object);
}

static void
kabar_outbox_class_init (KabarOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kabar_outbox_dispose;
  object_class->finalize = kabar_outbox_finalize;

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  signals[SENT] =
    g_signal_new ("sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_INT64);
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[ACCOUNT_ERROR] =
    g_signal_new ("account-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
kabar_outbox_init (KabarOutbox *self)
{
  g_mutex_init (&self->mutex);
  self->context = g_main_context_new ();
  self->owner = g_main_context_ref_thread_default ();
  self->network_available = TRUE;
  self->retry_initial_ms = KABAR_OUTBOX_DEFAULT_RETRY_INITIAL_MS;
  self->retry_max_ms = KABAR_OUTBOX_DEFAULT_RETRY_MAX_MS;
  self->backoff = kabar_backoff_new ();
}
