/* kabar-message-files.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kabar-message-files.h"

/* --- writing bytes ------------------------------------------------------------------------ */

static void
on_bytes_written (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autofree char *name = g_file_get_parse_name (G_FILE (source));

  if (g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_prefix_error (&error, "Could not write %s: ", name);
  g_task_return_error (task, error);
}

void
kabar_message_files_write_async (gpointer             source_object,
                                 gpointer             source_tag,
                                 GBytes              *bytes,
                                 GFile               *file,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task = g_task_new (source_object, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  /* Mail is private: the file is the user's alone, as Kabar's store is. */
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                       cancellable, on_bytes_written, task);
}

gboolean
kabar_message_files_write_finish (GAsyncResult  *result,
                                  GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* A file the user asked for and did not get must not fail in silence:
 * they would think they have it. The error names the file and why. */
static void
show_failure (GtkWindow    *window,
              const char   *heading,
              const GError *error)
{
  GtkWidget *dialog = adw_message_dialog_new (window, heading, error->message);

  g_debug ("%s: %s", heading, error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The window to show a failure over, held until the work is done. */
static GtkWindow *
ref_window (GtkWidget *widget)
{
  GtkRoot *root = widget != NULL ? gtk_widget_get_root (widget) : NULL;

  return GTK_IS_WINDOW (root) ? g_object_ref (GTK_WINDOW (root)) : NULL;
}

static GtkWindow *
ref_chooser_window (GtkNativeDialog *chooser)
{
  GtkWindow *window = gtk_native_dialog_get_transient_for (chooser);

  return window != NULL ? g_object_ref (window) : NULL;
}

/* user_data: the window (a reference), or NULL. */
static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GtkWindow) window = user_data;
  g_autoptr(GError) error = NULL;

  if (!kabar_message_files_write_finish (result, &error))
    show_failure (window, _("Could Not Save"), error);
}

/* --- choosing where ----------------------------------------------------------------------- */

static GtkFileChooserNative *
new_chooser (GtkWidget            *parent,
             const char           *title,
             GtkFileChooserAction  action,
             KabarMessageDisplay  *display)
{
  GtkRoot *root = gtk_widget_get_root (parent);
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, action, NULL, NULL);

  g_object_set_data_full (G_OBJECT (chooser), "kabar-display", g_object_ref (display), g_object_unref);
  return chooser;
}

static KabarMessageDisplay *
chooser_display (GtkNativeDialog *chooser)
{
  return g_object_get_data (G_OBJECT (chooser), "kabar-display");
}

static void
on_message_file_chosen (GtkNativeDialog *chooser,
                        int              response,
                        gpointer         user_data)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      kabar_message_files_write_async (NULL, kabar_message_files_save_message,
                                       kabar_message_display_get_raw (chooser_display (chooser)),
                                       file, NULL, on_written, ref_chooser_window (chooser));
    }
  g_object_unref (chooser);
}

/* A file name from the subject: what the user would type, without the
 * characters no file system takes. */
static char *
eml_name (KabarMessageDisplay *display)
{
  const char *subject = kabar_message_display_get_subject (display);
  g_autofree char *name = g_strdup (*subject != '\0' ? subject : _("Message"));

  g_strdelimit (name, "/\\:*?\"<>|", '_');
  if (name[0] == '.')
    name[0] = '_';
  return g_strconcat (name, ".eml", NULL);
}

void
kabar_message_files_save_message (GtkWidget           *parent,
                                  KabarMessageDisplay *display)
{
  GtkFileChooserNative *chooser = new_chooser (parent, _("Save Message"), GTK_FILE_CHOOSER_ACTION_SAVE, display);
  g_autofree char *file_name = eml_name (display);

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), file_name);
  g_signal_connect (chooser, "response", G_CALLBACK (on_message_file_chosen), NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static KabarDisplayAttachment *
get_attachment (KabarMessageDisplay *display,
                guint                index)
{
  GPtrArray *attachments = kabar_message_display_get_attachments (display);

  return index < attachments->len ? g_ptr_array_index (attachments, index) : NULL;
}

static void
on_attachment_file_chosen (GtkNativeDialog *chooser,
                           int              response,
                           gpointer         user_data)
{
  guint index = GPOINTER_TO_UINT (user_data);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = kabar_message_display_dup_attachment_data (chooser_display (chooser), index, &error);

      if (bytes != NULL)
        kabar_message_files_write_async (NULL, kabar_message_files_save_attachment, bytes, file, NULL,
                                         on_written, ref_chooser_window (chooser));
      else
        show_failure (gtk_native_dialog_get_transient_for (chooser), _("Could Not Save"), error);
    }
  g_object_unref (chooser);
}

void
kabar_message_files_save_attachment (GtkWidget           *parent,
                                     KabarMessageDisplay *display,
                                     guint                index)
{
  KabarDisplayAttachment *attachment = get_attachment (display, index);
  GtkFileChooserNative *chooser;

  if (attachment == NULL)
    return;
  chooser = new_chooser (parent, _("Save Attachment"), GTK_FILE_CHOOSER_ACTION_SAVE, display);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), attachment->file_name);
  g_signal_connect (chooser, "response", G_CALLBACK (on_attachment_file_chosen), GUINT_TO_POINTER (index));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* --- every attachment into a folder ------------------------------------------------------- */

typedef struct
{
  GFile     *folder;
  GPtrArray *names;
  GPtrArray *contents;
} SaveAll;

static void
save_all_free (SaveAll *save)
{
  g_object_unref (save->folder);
  g_ptr_array_unref (save->names);
  g_ptr_array_unref (save->contents);
  g_free (save);
}

static GFileOutputStream *
create_unique (GFile         *folder,
               const char    *name,
               GCancellable  *cancellable,
               GError       **error)
{
  const char *dot = strrchr (name, '.');
  gsize stem_length = dot != NULL && dot != name ? (gsize) (dot - name) : strlen (name);
  g_autofree char *stem = g_strndup (name, stem_length);
  const char *extension = name + stem_length;

  for (guint n = 1; n < 1000; n++)
    {
      g_autofree char *candidate = n == 1 ? g_strdup (name) : g_strdup_printf ("%s (%u)%s", stem, n, extension);
      g_autoptr(GFile) file = g_file_get_child (folder, candidate);
      g_autoptr(GError) local_error = NULL;
      GFileOutputStream *stream = g_file_create (file, G_FILE_CREATE_PRIVATE, cancellable, &local_error);

      if (stream != NULL)
        return stream;
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "Could not save %s: ", candidate);
          return NULL;
        }
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
               "Could not save %s: the folder has too many files of that name", name);
  return NULL;
}

static void
save_all_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  SaveAll *save = data;
  GError *error = NULL;

  for (guint i = 0; i < save->names->len; i++)
    {
      g_autoptr(GFileOutputStream) stream = create_unique (save->folder, g_ptr_array_index (save->names, i),
                                                           cancellable, &error);
      GBytes *bytes = g_ptr_array_index (save->contents, i);

      if (stream == NULL
          || !g_output_stream_write_all (G_OUTPUT_STREAM (stream), g_bytes_get_data (bytes, NULL),
                                         g_bytes_get_size (bytes), NULL, cancellable, &error)
          || !g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_folder_chosen (GtkNativeDialog *chooser,
                  int              response,
                  gpointer         user_data)
{
  KabarMessageDisplay *display = chooser_display (chooser);
  GPtrArray *attachments = kabar_message_display_get_attachments (display);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      SaveAll *save = g_new0 (SaveAll, 1);
      g_autoptr(GTask) task = g_task_new (NULL, NULL, on_written, ref_chooser_window (chooser));
      g_autoptr(GError) unreadable = NULL;

      save->folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      save->names = g_ptr_array_new_with_free_func (g_free);
      save->contents = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      for (guint i = 0; i < attachments->len; i++)
        {
          KabarDisplayAttachment *attachment = g_ptr_array_index (attachments, i);
          GBytes *bytes = kabar_message_display_dup_attachment_data (display, i,
                                                                     unreadable == NULL ? &unreadable : NULL);

          /* The others are still saved; the user hears which was not. */
          if (bytes == NULL)
            continue;
          g_ptr_array_add (save->names, g_strdup (attachment->file_name));
          g_ptr_array_add (save->contents, bytes);
        }
      g_task_set_source_tag (task, kabar_message_files_save_all);
      g_task_set_task_data (task, save, (GDestroyNotify) save_all_free);
      g_task_run_in_thread (task, save_all_thread);
      if (unreadable != NULL)
        show_failure (gtk_native_dialog_get_transient_for (chooser), _("Could Not Save"), unreadable);
    }
  g_object_unref (chooser);
}

void
kabar_message_files_save_all (GtkWidget           *parent,
                              KabarMessageDisplay *display)
{
  GtkFileChooserNative *chooser = new_chooser (parent, _("Save All Attachments"),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, display);

  g_signal_connect (chooser, "response", G_CALLBACK (on_folder_chosen), NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* --- opening in another application ------------------------------------------------------- */

/* One private folder for the process, made on first use: the other
 * application may still read its copy after the view moved on. */
static char *open_directory;

typedef struct
{
  char       *directory;
  char       *name;
  GBytes     *bytes;
  GdkDisplay *gdk_display;
  GtkWindow  *window;
} OpenCopy;

static void
open_copy_free (OpenCopy *copy)
{
  g_free (copy->directory);
  g_free (copy->name);
  g_bytes_unref (copy->bytes);
  g_object_unref (copy->gdk_display);
  g_clear_object (&copy->window);
  g_free (copy);
}

static void
write_copy_thread (GTask        *task,
                   gpointer      source,
                   gpointer      data,
                   GCancellable *cancellable)
{
  OpenCopy *copy = data;
  GError *error = NULL;
  g_autofree char *path = NULL;

  if (copy->directory == NULL)
    copy->directory = g_dir_make_tmp ("kabar-open-XXXXXX", &error);
  if (copy->directory == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  path = g_build_filename (copy->directory, copy->name, NULL);
  if (!g_file_set_contents_full (path, g_bytes_get_data (copy->bytes, NULL), g_bytes_get_size (copy->bytes),
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&path), g_free);
}

/* user_data: the window (a reference), or NULL. */
static void
on_launched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GtkWindow) window = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    show_failure (window, _("Could Not Open Attachment"), error);
}

static void
on_copy_written (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  OpenCopy *copy = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *uri = NULL;
  g_autoptr(GdkAppLaunchContext) context = NULL;

  if (path == NULL)
    {
      show_failure (copy->window, _("Could Not Open Attachment"), error);
      return;
    }
  if (open_directory == NULL)
    open_directory = g_strdup (copy->directory);
  uri = g_filename_to_uri (path, NULL, NULL);
  context = gdk_display_get_app_launch_context (copy->gdk_display);
  g_app_info_launch_default_for_uri_async (uri, G_APP_LAUNCH_CONTEXT (context), NULL, on_launched,
                                           copy->window != NULL ? g_object_ref (copy->window) : NULL);
}

void
kabar_message_files_open_attachment (GtkWidget           *parent,
                                     KabarMessageDisplay *display,
                                     guint                index)
{
  KabarDisplayAttachment *attachment = get_attachment (display, index);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  OpenCopy *copy;
  GBytes *bytes;

  if (attachment == NULL)
    return;
  bytes = kabar_message_display_dup_attachment_data (display, index, &error);
  if (bytes == NULL)
    {
      g_autoptr(GtkWindow) window = ref_window (parent);

      show_failure (window, _("Could Not Open Attachment"), error);
      return;
    }
  copy = g_new0 (OpenCopy, 1);
  copy->window = ref_window (parent);
  copy->directory = g_strdup (open_directory);
  copy->name = g_strdup (attachment->file_name);
  copy->bytes = bytes;
  copy->gdk_display = g_object_ref (gtk_widget_get_display (parent));
  task = g_task_new (NULL, NULL, on_copy_written, NULL);
  g_task_set_source_tag (task, kabar_message_files_open_attachment);
  g_task_set_task_data (task, copy, (GDestroyNotify) open_copy_free);
  g_task_run_in_thread (task, write_copy_thread);
}
