/* kabar-message-web.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The web engine's side of showing mail safely. The display model already
 * takes out every remote reference; this is the second layer, for what it
 * might miss: nothing of a message reaches the network unless the user
 * asked for it.
 */

#include "config.h"

#include "kabar-message-web.h"

#define FILTER_ID "kabar-block-network-v1"

/* WebKit's content rules have no alternation: block everything, then let
 * through what never leaves the machine (the message's own parts and the
 * document itself). */
static const char filter_rules[] =
  "["
  "{\"trigger\":{\"url-filter\":\".*\"},\"action\":{\"type\":\"block\"}},"
  "{\"trigger\":{\"url-filter\":\"^cid:\"},\"action\":{\"type\":\"ignore-previous-rules\"}},"
  "{\"trigger\":{\"url-filter\":\"^kabar-message:\"},\"action\":{\"type\":\"ignore-previous-rules\"}},"
  "{\"trigger\":{\"url-filter\":\"^data:\"},\"action\":{\"type\":\"ignore-previous-rules\"}},"
  "{\"trigger\":{\"url-filter\":\"^about:\"},\"action\":{\"type\":\"ignore-previous-rules\"}}"
  "]";

typedef struct
{
  KabarMessageWebCidFunc func;
  gpointer               data;
} CidServer;

static void
finish_with_error (WebKitURISchemeRequest *request,
                   const char             *uri)
{
  g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                         "The message has no part at %s", uri);

  webkit_uri_scheme_request_finish_error (request, error);
}

static void
serve_cid (WebKitURISchemeRequest *request,
           gpointer                user_data)
{
  WebKitWebView *web_view = webkit_uri_scheme_request_get_web_view (request);
  const char *uri = webkit_uri_scheme_request_get_uri (request);
  CidServer *server = web_view != NULL ? g_object_get_data (G_OBJECT (web_view), "kabar-cid-server") : NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autofree char *content_type = NULL;
  g_autoptr(GError) error = NULL;

  if (server == NULL)
    {
      finish_with_error (request, uri);
      return;
    }
  bytes = server->func (server->data, webkit_uri_scheme_request_get_path (request), &content_type, &error);
  if (bytes == NULL)
    {
      webkit_uri_scheme_request_finish_error (request, error);
      return;
    }
  stream = g_memory_input_stream_new_from_bytes (bytes);
  webkit_uri_scheme_request_finish (request, stream, g_bytes_get_size (bytes), content_type);
}

/* The document itself comes from load_html(); anything else asked of
 * this scheme is a relative URL in the message, and there is nothing
 * there. */
static void
serve_nothing (WebKitURISchemeRequest *request,
               gpointer                user_data)
{
  finish_with_error (request, webkit_uri_scheme_request_get_uri (request));
}

WebKitWebContext *
kabar_message_web_get_context (void)
{
  static WebKitWebContext *context;

  if (context == NULL)
    {
      WebKitSecurityManager *security;

      context = webkit_web_context_new ();
      /* Mail is small documents: one web process for all of them. */
      webkit_web_context_set_cache_model (context, WEBKIT_CACHE_MODEL_DOCUMENT_VIEWER);
      webkit_web_context_register_uri_scheme (context, "cid", serve_cid, NULL, NULL);
      webkit_web_context_register_uri_scheme (context, "kabar-message", serve_nothing, NULL, NULL);
      security = webkit_web_context_get_security_manager (context);
      /* Neither is the network: a message's page may show its own
       * parts, and other pages may not read them. */
      webkit_security_manager_register_uri_scheme_as_secure (security, "cid");
      webkit_security_manager_register_uri_scheme_as_secure (security, "kabar-message");
    }
  return context;
}

static void
on_download_started (WebKitNetworkSession *session,
                     WebKitDownload       *download,
                     gpointer              user_data)
{
  /* A message never downloads anything by itself; attachments are saved
   * from the model. */
  webkit_download_cancel (download);
}

WebKitNetworkSession *
kabar_message_web_get_network_session (void)
{
  static WebKitNetworkSession *session;

  if (session == NULL)
    {
      /* Ephemeral: no cache, no cookies, nothing kept between messages
       * that a sender could use to recognise a reader. */
      session = webkit_network_session_new_ephemeral ();
      webkit_cookie_manager_set_accept_policy (webkit_network_session_get_cookie_manager (session),
                                               WEBKIT_COOKIE_POLICY_ACCEPT_NEVER);
      g_signal_connect (session, "download-started", G_CALLBACK (on_download_started), NULL);
    }
  return session;
}

WebKitSettings *
kabar_message_web_new_settings (void)
{
  /* JavaScript stays on for Kabar's own calls (find, hover): the page's
   * scripts never run, as markup JavaScript is off. DNS prefetching and
   * hyperlink auditing are gone from WebKit (their settings do nothing),
   * and a prefetch link is a load the filter blocks. */
  return webkit_settings_new_with_settings ("enable-javascript", TRUE,
                                            "enable-javascript-markup", FALSE,
                                            "javascript-can-open-windows-automatically", FALSE,
                                            "javascript-can-access-clipboard", FALSE,
                                            "enable-html5-local-storage", FALSE,
                                            "enable-html5-database", FALSE,
                                            "enable-page-cache", FALSE,
                                            "allow-file-access-from-file-urls", FALSE,
                                            "allow-universal-access-from-file-urls", FALSE,
                                            "allow-top-navigation-to-data-urls", FALSE,
                                            "enable-webgl", FALSE,
                                            "enable-webaudio", FALSE,
                                            "enable-media", FALSE,
                                            "enable-media-stream", FALSE,
                                            "enable-mediasource", FALSE,
                                            "enable-encrypted-media", FALSE,
                                            "enable-media-capabilities", FALSE,
                                            "media-playback-requires-user-gesture", TRUE,
                                            "enable-fullscreen", FALSE,
                                            "enable-developer-extras", FALSE,
                                            "enable-site-specific-quirks", FALSE,
                                            "enable-back-forward-navigation-gestures", FALSE,
                                            "enable-write-console-messages-to-stdout", FALSE,
                                            "default-charset", "utf-8",
                                            NULL);
}

static void
cid_server_free (gpointer data)
{
  g_free (data);
}

void
kabar_message_web_set_cid_func (WebKitWebView          *web_view,
                                KabarMessageWebCidFunc  func,
                                gpointer                data)
{
  CidServer *server = NULL;

  if (func != NULL)
    {
      server = g_new0 (CidServer, 1);
      server->func = func;
      server->data = data;
    }
  g_object_set_data_full (G_OBJECT (web_view), "kabar-cid-server", server, cid_server_free);
}

/* --- the filter ------------------------------------------------------------------------- */

static WebKitUserContentFilter *filter;
static WebKitUserContentFilterStore *filter_store;
/* GTasks waiting for the filter to compile. */
static GPtrArray *filter_waiting;

static void
on_filter_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) waiting = g_steal_pointer (&filter_waiting);

  filter = webkit_user_content_filter_store_save_finish (WEBKIT_USER_CONTENT_FILTER_STORE (source),
                                                          result, &error);
  for (guint i = 0; i < waiting->len; i++)
    {
      GTask *task = g_ptr_array_index (waiting, i);

      if (filter != NULL)
        g_task_return_pointer (task, webkit_user_content_filter_ref (filter),
                               (GDestroyNotify) webkit_user_content_filter_unref);
      else
        g_task_return_new_error (task, error->domain, error->code,
                                 "Could not compile the filter that blocks remote content: %s",
                                 error->message);
    }
}

void
kabar_message_web_get_filter_async (GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, kabar_message_web_get_filter_async);
  if (filter != NULL)
    {
      g_task_return_pointer (task, webkit_user_content_filter_ref (filter),
                             (GDestroyNotify) webkit_user_content_filter_unref);
      return;
    }
  if (filter_waiting != NULL)
    {
      g_ptr_array_add (filter_waiting, g_steal_pointer (&task));
      return;
    }

  filter_waiting = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (filter_waiting, g_steal_pointer (&task));
  if (filter_store == NULL)
    {
      g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "kabar", "content-filters", NULL);

      filter_store = webkit_user_content_filter_store_new (path);
    }
  {
    g_autoptr(GBytes) rules = g_bytes_new_static (filter_rules, sizeof filter_rules - 1);

    /* Not cancellable: other views wait for the same compilation. */
    webkit_user_content_filter_store_save (filter_store, FILTER_ID, rules, NULL, on_filter_saved, NULL);
  }
}

WebKitUserContentFilter *
kabar_message_web_get_filter_finish (GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
kabar_message_web_is_openable_link (const char *uri)
{
  g_autofree char *scheme = uri != NULL ? g_uri_parse_scheme (uri) : NULL;

  return scheme != NULL
         && (g_ascii_strcasecmp (scheme, "http") == 0
             || g_ascii_strcasecmp (scheme, "https") == 0
             || g_ascii_strcasecmp (scheme, "mailto") == 0);
}
