/* kabar-test-bed.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* prctl, nftw, renameat, futimens... */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <libsoup/soup.h>

#include "kabar-test-bed.h"
#include "kabar-test-client.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define START_TIMEOUT_US     (15 * G_USEC_PER_SEC)
#define TERM_TIMEOUT_US      (10 * G_USEC_PER_SEC)
#define KILL_TIMEOUT_US      (5 * G_USEC_PER_SEC)
#define DELIVER_TIMEOUT_US   (20 * G_USEC_PER_SEC)
#define POLL_INTERVAL_US     (5 * 1000)
#define LOG_TAIL_LINES       15
/* Debian's; the master is not on PATH. */
#define POSTFIX_DAEMON_DIRECTORY "/usr/lib/postfix/sbin"
/* Marks the failures that another start, on other ports, can cure. */
#define PORT_IN_USE "already in use"

/* What Dovecot 2.3.19 advertises after login with this configuration, in
 * its order. The capability test compares it with the live server, so a
 * Dovecot update that changes the list shows up there. */
static const char *const default_imap_capabilities[] = {
  "IMAP4rev1", "SASL-IR", "LOGIN-REFERRALS", "ID", "ENABLE", "IDLE", "SORT",
  "SORT=DISPLAY", "THREAD=REFERENCES", "THREAD=REFS", "THREAD=ORDEREDSUBJECT",
  "MULTIAPPEND", "URL-PARTIAL", "CATENATE", "UNSELECT", "CHILDREN",
  "NAMESPACE", "UIDPLUS", "LIST-EXTENDED", "I18NLEVEL=1", "CONDSTORE",
  "QRESYNC", "ESEARCH", "ESORT", "SEARCHRES", "WITHIN", "CONTEXT=SEARCH",
  "LIST-STATUS", "BINARY", "MOVE", "SNIPPET=FUZZY", "PREVIEW=FUZZY",
  "PREVIEW", "STATUS=SIZE", "SAVEDATE", "LITERAL+", "NOTIFY", "METADATA",
  "SPECIAL-USE", "COMPRESS=DEFLATE", "QUOTA", NULL,
};

static const struct
{
  const char *name;
  const char *special_use;
} special_mailboxes[] = {
  { "Drafts", "\\Drafts" },
  { "Sent", "\\Sent" },
  { "Trash", "\\Trash" },
  { "Junk", "\\Junk" },
  { "Archive", "\\Archive" },
};

static const char *const port_names[KABAR_TEST_BED_N_PORTS] = {
  "IMAP", "IMAPS", "POP3", "POP3S", "LMTP", "submission", "submissions", "MX",
};

typedef struct
{
  const char *name;
  GSubprocess *process;
  int pid;
  char *log_path;
  char *output_path;           /* the master's stdout and stderr */
} Server;

struct _KabarTestBed
{
  GObject parent_instance;

  char *dir;
  char *cert_path;
  char *key_path;
  GTlsCertificate *certificate;
  GPtrArray *users;            /* NULL-terminated addresses */
  GHashTable *passwords;
  GPtrArray *dropped_capabilities;
  GString *dovecot_extra;
  GString *postfix_extra;
  guint16 pinned_ports[KABAR_TEST_BED_N_PORTS];
  guint16 ports[KABAR_TEST_BED_N_PORTS];
  Server dovecot;
  Server postfix;
  guint next_message;

  /* OAuth2: the introspection endpoint Dovecot asks, and what it knows. */
  SoupServer *introspection;
  GHashTable *tokens;          /* token -> address */
  /* Tokens are added from a token server's thread while Dovecot asks. */
  GMutex      tokens_lock;
};

G_DEFINE_FINAL_TYPE (KabarTestBed, kabar_test_bed, G_TYPE_OBJECT)

/* --- Beds still running at exit ------------------------------------------ */

static GMutex live_beds_lock;
static GPtrArray *live_beds;

static void
stop_live_beds (void)
{
  g_autoptr(GPtrArray) beds = NULL;

  g_mutex_lock (&live_beds_lock);
  beds = live_beds != NULL ? g_ptr_array_copy (live_beds, NULL, NULL) : NULL;
  g_mutex_unlock (&live_beds_lock);

  for (guint i = 0; beds != NULL && i < beds->len; i++)
    kabar_test_bed_stop (g_ptr_array_index (beds, i));
}

static void
register_live_bed (KabarTestBed *self)
{
  static gsize registered = 0;

  /* A test that returns from main() without unreffing its bed still
   * stops the servers; one that crashes relies on PR_SET_PDEATHSIG. */
  if (g_once_init_enter (&registered))
    {
      atexit (stop_live_beds);
      g_once_init_leave (&registered, 1);
    }

  g_mutex_lock (&live_beds_lock);
  if (live_beds == NULL)
    live_beds = g_ptr_array_new ();
  if (!g_ptr_array_find (live_beds, self, NULL))
    g_ptr_array_add (live_beds, self);
  g_mutex_unlock (&live_beds_lock);
}

static void
unregister_live_bed (KabarTestBed *self)
{
  g_mutex_lock (&live_beds_lock);
  if (live_beds != NULL)
    g_ptr_array_remove (live_beds, self);
  g_mutex_unlock (&live_beds_lock);
}

/* --- Small helpers --------------------------------------------------------- */

static gboolean
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *what,
                 const char  *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "%s %s: %s", what, path, g_strerror (saved_errno));
  return FALSE;
}

static char *
find_program (const char *name)
{
  char *path = g_find_program_in_path (name);

  /* Test environments often run with a PATH that lacks the sbin folders. */
  if (path == NULL)
    path = g_build_filename ("/usr/sbin", name, NULL);
  return path;
}

static char *
file_tail (const char *path)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) tail = g_string_new (NULL);
  guint n_lines;

  if (!g_file_get_contents (path, &contents, NULL, NULL) || *g_strstrip (contents) == '\0')
    return g_strdup ("  (nothing)\n");
  lines = g_strsplit (contents, "\n", -1);
  n_lines = g_strv_length (lines);
  for (guint i = n_lines > LOG_TAIL_LINES ? n_lines - LOG_TAIL_LINES : 0; i < n_lines; i++)
    g_string_append_printf (tail, "  %s\n", lines[i]);
  return g_string_free (g_steal_pointer (&tail), FALSE);
}

/* Runs a short tool to completion; its output is the error message. */
static gboolean
run_tool (const char *const  *argv,
          GError            **error)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) output = NULL;
  g_autofree char *text = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, error);
  if (process == NULL || !g_subprocess_communicate (process, NULL, NULL, &output, NULL, error))
    return FALSE;
  if (g_subprocess_get_successful (process))
    return TRUE;

  text = g_utf8_make_valid (g_bytes_get_data (output, NULL), g_bytes_get_size (output));
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s failed: %s", argv[0], g_strstrip (text));
  return FALSE;
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length)
{
  while (length > 0)
    {
      ssize_t written = write (fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written < 0)
        return FALSE;
      data += written;
      length -= (gsize) written;
    }
  return TRUE;
}

static gboolean
make_dir (const char  *path,
          guint        mode,
          uid_t        uid,
          gid_t        gid,
          GError     **error)
{
  if (mkdir (path, mode) != 0 && errno != EEXIST)
    return set_errno_error (error, errno, "Could not create", path);
  /* chmod too: mkdir's mode passes through the umask. */
  if (chmod (path, mode) != 0 || chown (path, uid, gid) != 0)
    return set_errno_error (error, errno, "Could not set the owner of", path);
  return TRUE;
}

static gboolean
lookup_user (const char  *name,
             uid_t       *uid,
             gid_t       *gid,
             GError     **error)
{
  struct passwd *entry = getpwnam (name);

  if (entry == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "There is no system user \"%s\": are Dovecot and Postfix installed?", name);
      return FALSE;
    }
  *uid = entry->pw_uid;
  *gid = entry->pw_gid;
  return TRUE;
}

/* Replaces @NAME@ by its value; an unknown @NAME@ is an error, so a typo in
 * a template can't reach a server as a literal. */
static char *
fill_template (const char  *template_name,
               GHashTable  *values,
               GError     **error)
{
  g_autofree char *path = g_build_filename (KABAR_TEST_BED_SRCDIR, template_name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p;

  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;

  for (p = text; *p != '\0'; p++)
    {
      gsize span = p[0] == '@' ? strspn (p + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") : 0;
      g_autofree char *name = NULL;
      const char *value;

      if (span == 0 || p[span + 1] != '@')
        {
          g_string_append_c (out, *p);
          continue;
        }
      name = g_strndup (p + 1, span);
      value = g_hash_table_lookup (values, name);
      if (value == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: no value for @%s@", path, name);
          return NULL;
        }
      g_string_append (out, value);
      p += span + 1;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
set_value (GHashTable *values,
           const char *name,
           const char *format,
           ...) G_GNUC_PRINTF (3, 4);

static void
set_value (GHashTable *values,
           const char *name,
           const char *format,
           ...)
{
  va_list args;

  va_start (args, format);
  g_hash_table_insert (values, (gpointer) name, g_strdup_vprintf (format, args));
  va_end (args);
}

static gboolean
write_template (const char  *template_name,
                GHashTable  *values,
                const char  *path,
                GError     **error)
{
  g_autofree char *text = fill_template (template_name, values, error);

  return text != NULL && g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

/* --- Processes and ports ---------------------------------------------------- */

static GArray *process_trees (const int *roots,
                              guint      n_roots);

static gboolean
read_process_stat (int   pid,
                   char *state,
                   int  *ppid,
                   int  *pgid)
{
  char path[64];
  g_autofree char *contents = NULL;
  const char *after_name;

  g_snprintf (path, sizeof path, "/proc/%d/stat", pid);
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  /* The command name may hold spaces and parentheses: skip to the last ')'. */
  after_name = strrchr (contents, ')');
  return after_name != NULL && sscanf (after_name + 1, " %c %d %d", state, ppid, pgid) == 3;
}

/* A zombie has exited: only its reaping is pending. */
static gboolean
process_alive (int pid)
{
  char state = 'X';
  int ppid, pgid;

  return read_process_stat (pid, &state, &ppid, &pgid) && state != 'Z' && state != 'X';
}

/* Port to socket inode of every listening socket on 127.0.0.1 (or all
 * addresses), from /proc/net/tcp rather than by probe connections: a probe
 * would start a login process in Dovecot, an smtpd in Postfix, and fill
 * their logs. */
static GHashTable *
listening_sockets (void)
{
  g_autoptr(GHashTable) sockets = g_hash_table_new (NULL, NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/net/tcp", &contents, NULL, NULL))
    return g_steal_pointer (&sockets);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      guint address, port, state;
      gulong inode;

      /* Addresses are in network order read as a little-endian number:
       * 0100007F is 127.0.0.1; 0A is LISTEN. */
      if (sscanf (lines[i], " %*u: %x:%x %*x:%*x %x %*x:%*x %*x:%*x %*x %*u %*u %lu",
                  &address, &port, &state, &inode) == 4
          && state == 0x0A && (address == 0x0100007F || address == 0))
        g_hash_table_insert (sockets, GUINT_TO_POINTER (port), GSIZE_TO_POINTER (inode));
    }
  return g_steal_pointer (&sockets);
}

/* The inodes of the sockets the processes of a server hold open. */
static GHashTable *
socket_inodes (int root)
{
  g_autoptr(GArray) pids = process_trees (&root, 1);
  GHashTable *inodes = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < pids->len; i++)
    {
      g_autofree char *fd_dir = g_strdup_printf ("/proc/%d/fd", g_array_index (pids, int, i));
      g_autoptr(GDir) dir = g_dir_open (fd_dir, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (fd_dir, name, NULL);
          g_autofree char *target = g_file_read_link (path, NULL);
          gulong inode;

          if (target != NULL && sscanf (target, "socket:[%lu]", &inode) == 1)
            g_hash_table_add (inodes, GSIZE_TO_POINTER (inode));
        }
    }
  return inodes;
}

/* Listening, and by this server: a port the server failed to bind may be
 * listening too, by whoever took it. */
static gboolean
all_listening (KabarTestBed     *self,
               Server           *server,
               KabarTestBedPort  first,
               KabarTestBedPort  last)
{
  g_autoptr(GHashTable) sockets = listening_sockets ();
  g_autoptr(GHashTable) owned = NULL;

  for (KabarTestBedPort port = first; port <= last; port++)
    if (!g_hash_table_contains (sockets, GUINT_TO_POINTER (self->ports[port])))
      return FALSE;
  owned = socket_inodes (server->pid);
  for (KabarTestBedPort port = first; port <= last; port++)
    if (!g_hash_table_contains (owned, g_hash_table_lookup (sockets, GUINT_TO_POINTER (self->ports[port]))))
      return FALSE;
  return TRUE;
}

static gboolean
port_bindable (guint16 port)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  address = g_inet_socket_address_new_from_string (KABAR_TEST_BED_HOST, port);
  /* With SO_REUSEADDR, as the servers bind: a closed connection in
   * TIME_WAIT doesn't make a port unusable. */
  return socket != NULL && g_socket_bind (socket, address, TRUE, NULL);
}

/* All at once, each socket held until the last is picked, so the ports
 * differ; the servers bind them a moment later (a race the start's retry
 * covers). */
static gboolean
pick_ports (KabarTestBed      *self,
            KabarTestBedPort   first,
            KabarTestBedPort   last,
            GError           **error)
{
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);

  for (KabarTestBedPort port = first; port <= last; port++)
    {
      g_autoptr(GSocket) socket = NULL;
      g_autoptr(GSocketAddress) any = NULL;
      g_autoptr(GSocketAddress) bound = NULL;

      if (self->pinned_ports[port] != 0)
        {
          self->ports[port] = self->pinned_ports[port];
          continue;
        }
      socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
      any = g_inet_socket_address_new_from_string (KABAR_TEST_BED_HOST, 0);
      if (socket == NULL || !g_socket_bind (socket, any, FALSE, error)
          || (bound = g_socket_get_local_address (socket, error)) == NULL)
        return FALSE;
      self->ports[port] = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
      g_ptr_array_add (held, g_steal_pointer (&socket));
    }
  return TRUE;
}

typedef struct
{
  pid_t parent;
} ChildSetup;

/* Runs in the child between fork and exec: async-signal-safe calls only. */
static void
child_setup (gpointer user_data)
{
  const ChildSetup *setup = user_data;

  /* Its own process group lets a stop kill the server's children too, and
   * keeps a terminal's Ctrl+C, which goes to the whole foreground group,
   * from killing a server before the bed stops it in order. */
  setpgid (0, 0);
  prctl (PR_SET_PDEATHSIG, SIGTERM);
  /* If the test died before prctl, no signal would ever come. */
  if (getppid () != setup->parent)
    _exit (127);
}

static gboolean
spawn_server (KabarTestBed        *self,
              Server              *server,
              const char *const   *argv,
              GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  ChildSetup setup = { getpid () };

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_cwd (launcher, self->dir);
  g_subprocess_launcher_set_stdout_file_path (launcher, server->output_path);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, &setup, NULL);
  server->process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (server->process == NULL)
    return FALSE;
  server->pid = atoi (g_subprocess_get_identifier (server->process));
  return TRUE;
}

static gboolean
wait_until (gboolean (*done) (gpointer data),
            gpointer   data,
            gint64     timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (POLL_INTERVAL_US);
    }
  return TRUE;
}

static gboolean
server_exited (gpointer data)
{
  return !process_alive (((Server *) data)->pid);
}

static void
signal_tree (int root,
             int signal_number)
{
  g_autoptr(GArray) pids = process_trees (&root, 1);

  for (guint i = 0; i < pids->len; i++)
    kill (g_array_index (pids, int, i), signal_number);
}

/* Waits for the server's own process; its children are the caller's. */
static void
finish_server (Server *server)
{
  if (server->process == NULL)
    return;

  if (!wait_until (server_exited, server, TERM_TIMEOUT_US))
    {
      g_message ("%s did not stop within %d s of SIGTERM: killing it",
                 server->name, (int) (TERM_TIMEOUT_US / G_USEC_PER_SEC));
      signal_tree (server->pid, SIGKILL);
      wait_until (server_exited, server, KILL_TIMEOUT_US);
    }
  /* It has exited: this only collects GLib's reaping. */
  g_subprocess_wait (server->process, NULL, NULL);
  g_clear_object (&server->process);
  server->pid = 0;
}

static char *
exit_description (GSubprocess *process)
{
  if (g_subprocess_get_if_exited (process))
    return g_strdup_printf ("it exited with status %d", g_subprocess_get_exit_status (process));
  if (g_subprocess_get_if_signaled (process))
    return g_strdup_printf ("it was killed by signal %d", g_subprocess_get_term_sig (process));
  return g_strdup ("it stopped");
}

static char *
ports_in_use (KabarTestBed     *self,
              KabarTestBedPort  first,
              KabarTestBedPort  last)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (KabarTestBedPort port = first; port <= last; port++)
    if (!port_bindable (self->ports[port]))
      g_string_append_printf (text, "%sport %u (%s) is " PORT_IN_USE " by another process",
                              text->len > 0 ? "; " : "", self->ports[port], port_names[port]);
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static gboolean
start_failed (Server      *server,
              const char  *reason,
              GError     **error)
{
  g_autofree char *output_tail = file_tail (server->output_path);
  g_autofree char *log_tail = file_tail (server->log_path);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               "%s did not start: %s.\nLast lines of %s:\n%sLast lines of %s:\n%s",
               server->name, reason, server->output_path, output_tail,
               server->log_path, log_tail);
  return FALSE;
}

static gboolean
server_died (KabarTestBed      *self,
             Server            *server,
             KabarTestBedPort   first,
             KabarTestBedPort   last,
             GError           **error)
{
  g_autofree char *how = NULL;
  g_autofree char *clash = NULL;
  g_autofree char *reason = NULL;

  g_subprocess_wait (server->process, NULL, NULL);
  how = exit_description (server->process);
  g_clear_object (&server->process);
  /* Children it started before it gave up. */
  signal_tree (server->pid, SIGKILL);
  server->pid = 0;
  /* Postfix's master reports a failed bind to syslog only, which test
   * machines lack: look for ourselves. */
  clash = ports_in_use (self, first, last);
  reason = clash != NULL ? g_strdup_printf ("%s; %s", how, clash) : g_steal_pointer (&how);
  return start_failed (server, reason, error);
}

static gboolean
wait_until_listening (KabarTestBed      *self,
                      Server            *server,
                      KabarTestBedPort   first,
                      KabarTestBedPort   last,
                      GError           **error)
{
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_US;

  while (!all_listening (self, server, first, last))
    {
      if (!process_alive (server->pid))
        return server_died (self, server, first, last, error);
      if (g_get_monotonic_time () > deadline)
        {
          signal_tree (server->pid, SIGTERM);
          finish_server (server);
          return start_failed (server, "its ports did not open within 15 seconds", error);
        }
      g_usleep (POLL_INTERVAL_US);
    }
  return TRUE;
}

/* --- Dovecot ------------------------------------------------------------------- */

static char *
imap_capability_setting (KabarTestBed *self)
{
  g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;
  g_autofree char *joined = NULL;

  if (self->dropped_capabilities->len == 0)
    return g_strdup ("");
  for (guint i = 0; default_imap_capabilities[i] != NULL; i++)
    if (!g_ptr_array_find_with_equal_func (self->dropped_capabilities, default_imap_capabilities[i],
                                           g_str_equal, NULL))
      g_strv_builder_add (kept, default_imap_capabilities[i]);
  list = g_strv_builder_end (kept);
  joined = g_strjoinv (" ", list);
  /* A full list, not "+...": Dovecot then adds nothing of its own, so
   * what is left out is really gone, before and after login. */
  return g_strdup_printf ("imap_capability = %s", joined);
}

static char *
mailboxes_setting (KabarTestBed *self)
{
  gboolean special_use = !g_ptr_array_find_with_equal_func (self->dropped_capabilities, "SPECIAL-USE",
                                                            g_str_equal, NULL);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (special_mailboxes); i++)
    {
      g_string_append_printf (text, "  mailbox %s {\n    auto = subscribe\n", special_mailboxes[i].name);
      /* A server without SPECIAL-USE doesn't mark its folders either. */
      if (special_use)
        g_string_append_printf (text, "    special_use = %s\n", special_mailboxes[i].special_use);
      g_string_append (text, "  }\n");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
dovecot_config_path (KabarTestBed *self)
{
  return g_build_filename (self->dir, "dovecot", "dovecot.conf", NULL);
}

static gboolean
write_dovecot_config (KabarTestBed  *self,
                      GError       **error)
{
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autofree char *path = dovecot_config_path (self);
  g_autofree char *auth_dict = g_build_filename (self->dir, "dovecot", "auth-dict.conf", NULL);
  uid_t uid;
  gid_t gid;

  if (!lookup_user ("nobody", &uid, &gid, error))
    return FALSE;
  set_value (values, "DIR", "%s", self->dir);
  set_value (values, "CERT", "%s", self->cert_path);
  set_value (values, "KEY", "%s", self->key_path);
  set_value (values, "MAIL_UID", "%u", (guint) uid);
  set_value (values, "MAIL_GID", "%u", (guint) gid);
  g_hash_table_insert (values, (gpointer) "MAILBOXES", mailboxes_setting (self));
  g_hash_table_insert (values, (gpointer) "IMAP_CAPABILITY", imap_capability_setting (self));
  set_value (values, "IMAP_PORT", "%u", self->ports[KABAR_TEST_BED_PORT_IMAP]);
  set_value (values, "IMAPS_PORT", "%u", self->ports[KABAR_TEST_BED_PORT_IMAPS]);
  set_value (values, "POP3_PORT", "%u", self->ports[KABAR_TEST_BED_PORT_POP3]);
  set_value (values, "POP3S_PORT", "%u", self->ports[KABAR_TEST_BED_PORT_POP3S]);
  set_value (values, "LMTP_PORT", "%u", self->ports[KABAR_TEST_BED_PORT_LMTP]);
  set_value (values, "EXTRA", "%s", self->dovecot_extra->str);
  return write_template ("dovecot.conf.in", values, path, error)
         && write_template ("dovecot-auth-dict.conf.in", values, auth_dict, error);
}

static gboolean
start_dovecot_once (KabarTestBed  *self,
                    GError       **error)
{
  g_autofree char *dovecot = find_program ("dovecot");
  g_autofree char *config = dovecot_config_path (self);
  const char *argv[] = { dovecot, "-F", "-c", config, NULL };

  return pick_ports (self, KABAR_TEST_BED_PORT_IMAP, KABAR_TEST_BED_PORT_LMTP, error)
         && write_dovecot_config (self, error)
         && spawn_server (self, &self->dovecot, argv, error)
         && wait_until_listening (self, &self->dovecot,
                                  KABAR_TEST_BED_PORT_IMAP, KABAR_TEST_BED_PORT_LMTP, error);
}

/* --- Postfix ------------------------------------------------------------------- */

static gboolean
make_postfix_dirs (KabarTestBed  *self,
                   GError       **error)
{
  /* What "postfix check" (post-install create-missing) would make, in a
   * few milliseconds instead of its 2.5 s. */
  static const struct
  {
    const char *name;
    guint mode;
    gboolean postdrop;
  } queue_dirs[] = {
    { "active", 0700, FALSE }, { "bounce", 0700, FALSE }, { "corrupt", 0700, FALSE },
    { "defer", 0700, FALSE }, { "deferred", 0700, FALSE }, { "flush", 0700, FALSE },
    { "hold", 0700, FALSE }, { "incoming", 0700, FALSE }, { "private", 0700, FALSE },
    { "saved", 0700, FALSE }, { "trace", 0700, FALSE },
    { "maildrop", 0730, TRUE }, { "public", 0710, TRUE },
  };
  g_autofree char *top = g_build_filename (self->dir, "postfix", NULL);
  g_autofree char *etc = g_build_filename (top, "etc", NULL);
  g_autofree char *queue = g_build_filename (top, "queue", NULL);
  g_autofree char *pid = g_build_filename (queue, "pid", NULL);
  g_autofree char *data = g_build_filename (top, "data", NULL);
  struct group *postdrop = getgrnam ("postdrop");
  uid_t uid;
  gid_t gid;

  if (!lookup_user ("postfix", &uid, &gid, error))
    return FALSE;
  if (postdrop == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "There is no group \"postdrop\": is Postfix installed?");
      return FALSE;
    }
  if (!make_dir (top, 0755, 0, 0, error) || !make_dir (etc, 0755, 0, 0, error)
      || !make_dir (queue, 0755, 0, 0, error) || !make_dir (pid, 0755, 0, 0, error)
      || !make_dir (data, 0700, uid, gid, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (queue_dirs); i++)
    {
      g_autofree char *path = g_build_filename (queue, queue_dirs[i].name, NULL);

      if (!make_dir (path, queue_dirs[i].mode, uid, queue_dirs[i].postdrop ? postdrop->gr_gid : 0, error))
        return FALSE;
    }
  return TRUE;
}

/* Postfix re-reads a configuration file changed less than a second ago,
 * every 300 ms, until it has "cooled down": up to two seconds per start. */
static gboolean
backdate (const char  *path,
          GError     **error)
{
  struct timespec times[2];

  times[0].tv_sec = times[1].tv_sec = time (NULL) - 60;
  times[0].tv_nsec = times[1].tv_nsec = 0;
  if (utimensat (AT_FDCWD, path, times, 0) != 0)
    return set_errno_error (error, errno, "Could not set the time of", path);
  return TRUE;
}

static gboolean
write_postfix_config (KabarTestBed  *self,
                      GError       **error)
{
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autofree char *etc = g_build_filename (self->dir, "postfix", "etc", NULL);
  g_autofree char *main_cf = g_build_filename (etc, "main.cf", NULL);
  g_autofree char *master_cf = g_build_filename (etc, "master.cf", NULL);
  g_autofree char *sink_map = g_build_filename (etc, "sink.regexp", NULL);
  const char *sink_rules =
    "# Any domain but the test domain: to the sink mailbox.\n"
    "if !/@" KABAR_TEST_BED_DOMAIN "$/\n"
    "/./ " KABAR_TEST_BED_SINK "\n"
    "endif\n";

  set_value (values, "DIR", "%s", self->dir);
  set_value (values, "CERT", "%s", self->cert_path);
  set_value (values, "KEY", "%s", self->key_path);
  set_value (values, "LMTP_PORT", "%u", self->ports[KABAR_TEST_BED_PORT_LMTP]);
  set_value (values, "MX_PORT", "%u", self->ports[KABAR_TEST_BED_PORT_MX]);
  set_value (values, "SUBMISSION_PORT", "%u", self->ports[KABAR_TEST_BED_PORT_SUBMISSION]);
  set_value (values, "SUBMISSIONS_PORT", "%u", self->ports[KABAR_TEST_BED_PORT_SUBMISSIONS]);
  set_value (values, "EXTRA", "%s", self->postfix_extra->str);
  return write_template ("postfix-main.cf.in", values, main_cf, error)
         && write_template ("postfix-master.cf.in", values, master_cf, error)
         && g_file_set_contents_full (sink_map, sink_rules, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error)
         && backdate (main_cf, error) && backdate (master_cf, error) && backdate (sink_map, error);
}

/* Postfix's master changes its effective uid while it starts, and the
 * kernel then forgets its PR_SET_PDEATHSIG: this shell keeps it and passes
 * a SIGTERM on. It leads the process group, so the master, its child, can
 * still make its own session. It exits with the master's status, once the master is gone. */
static const char postfix_guard[] =
  "trap 'kill -TERM \"$child\" 2>/dev/null' TERM\n"
  "\"$@\" &\n"
  "child=$!\n"
  "while :; do\n"
  "  wait \"$child\"; status=$?\n"
  "  kill -0 \"$child\" 2>/dev/null || exit \"$status\"\n"
  "done\n";

static gboolean
start_postfix_once (KabarTestBed  *self,
                    GError       **error)
{
  g_autofree char *etc = g_build_filename (self->dir, "postfix", "etc", NULL);
  const char *argv[] = {
    "/bin/sh", "-c", postfix_guard, "kabar-test-bed-postfix",
    POSTFIX_DAEMON_DIRECTORY "/master", "-c", etc, NULL,
  };
  g_autofree char *clash = NULL;

  if (!pick_ports (self, KABAR_TEST_BED_PORT_SUBMISSION, KABAR_TEST_BED_PORT_MX, error))
    return FALSE;
  /* The master would only tell syslog, after a second's pause. */
  clash = ports_in_use (self, KABAR_TEST_BED_PORT_SUBMISSION, KABAR_TEST_BED_PORT_MX);
  if (clash != NULL)
    return start_failed (&self->postfix, clash, error);

  /* Run directly rather than through "postfix start": the master then is
   * in the foreground, our grandchild below the guard, stoppable by PID. */
  return make_postfix_dirs (self, error)
         && write_postfix_config (self, error)
         && spawn_server (self, &self->postfix, argv, error)
         && wait_until_listening (self, &self->postfix,
                                  KABAR_TEST_BED_PORT_SUBMISSION, KABAR_TEST_BED_PORT_MX, error);
}

/* --- Starting and stopping ----------------------------------------------------- */

static gboolean
start_with_retry (KabarTestBed      *self,
                  gboolean         (*start_once) (KabarTestBed *, GError **),
                  KabarTestBedPort   first,
                  KabarTestBedPort   last,
                  GError           **error)
{
  g_autoptr(GError) local_error = NULL;

  if (start_once (self, &local_error))
    return TRUE;
  /* Another process may take a port between our pick and the server's
   * bind: pick again, once. */
  if (strstr (local_error->message, PORT_IN_USE) != NULL)
    {
      g_clear_error (&local_error);
      if (start_once (self, &local_error))
        return TRUE;
    }
  /* Not ours: a stop must not wait for them to close. */
  for (KabarTestBedPort port = first; port <= last; port++)
    self->ports[port] = 0;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

gboolean
kabar_test_bed_start (KabarTestBed         *self,
                      KabarTestBedServers   servers,
                      GError              **error)
{
  g_return_val_if_fail (KABAR_IS_TEST_BED (self), FALSE);

  register_live_bed (self);
  if (servers & KABAR_TEST_BED_POSTFIX)
    servers |= KABAR_TEST_BED_DOVECOT;
  if ((servers & KABAR_TEST_BED_DOVECOT) && self->dovecot.process == NULL
      && !start_with_retry (self, start_dovecot_once,
                            KABAR_TEST_BED_PORT_IMAP, KABAR_TEST_BED_PORT_LMTP, error))
    return FALSE;
  if ((servers & KABAR_TEST_BED_POSTFIX) && self->postfix.process == NULL
      && !start_with_retry (self, start_postfix_once,
                            KABAR_TEST_BED_PORT_SUBMISSION, KABAR_TEST_BED_PORT_MX, error))
    return FALSE;
  return TRUE;
}

static gboolean
pids_gone (gpointer data)
{
  GArray *pids = data;

  for (guint i = 0; i < pids->len; i++)
    if (process_alive (g_array_index (pids, int, i)))
      return FALSE;
  return TRUE;
}

typedef struct
{
  guint16 ports[KABAR_TEST_BED_N_PORTS];
} PortSet;

static gboolean
ports_closed (gpointer data)
{
  const PortSet *set = data;
  g_autoptr(GHashTable) listening = listening_sockets ();

  for (guint i = 0; i < KABAR_TEST_BED_N_PORTS; i++)
    if (set->ports[i] != 0 && g_hash_table_contains (listening, GUINT_TO_POINTER (set->ports[i])))
      return FALSE;
  return TRUE;
}

static void
signal_all (GArray *pids,
            int     signal_number)
{
  for (guint i = 0; i < pids->len; i++)
    kill (g_array_index (pids, int, i), signal_number);
}

void
kabar_test_bed_stop (KabarTestBed *self)
{
  int roots[] = { self->dovecot.pid, self->postfix.pid };
  g_autoptr(GArray) pids = NULL;
  g_autoptr(GArray) leftovers = NULL;
  PortSet ports;

  g_return_if_fail (KABAR_IS_TEST_BED (self));

  memcpy (ports.ports, self->ports, sizeof ports.ports);
  /* Every process, not only the masters: Dovecot's master alone waits a
   * second for its log process, then leaves the login processes that
   * proxy open TLS sessions running, with their log and anvil. */
  pids = process_trees (roots, G_N_ELEMENTS (roots));
  signal_all (pids, SIGTERM);
  if (!wait_until (pids_gone, pids, TERM_TIMEOUT_US))
    {
      g_message ("The test bed's servers did not stop within %d s of SIGTERM: killing them",
                 (int) (TERM_TIMEOUT_US / G_USEC_PER_SEC));
      signal_all (pids, SIGKILL);
      wait_until (pids_gone, pids, KILL_TIMEOUT_US);
    }
  finish_server (&self->postfix);
  finish_server (&self->dovecot);

  /* Anything a master started after the snapshot still has its group. */
  leftovers = process_trees (roots, G_N_ELEMENTS (roots));
  signal_all (leftovers, SIGKILL);
  wait_until (pids_gone, leftovers, KILL_TIMEOUT_US);

  if (!wait_until (ports_closed, &ports, KILL_TIMEOUT_US))
    g_message ("The test bed's ports are still open after its servers stopped");
  memset (self->ports, 0, sizeof self->ports);
}

gboolean
kabar_test_bed_is_running (KabarTestBed        *self,
                           KabarTestBedServers  server)
{
  g_return_val_if_fail (KABAR_IS_TEST_BED (self), FALSE);

  if (server == KABAR_TEST_BED_POSTFIX)
    return self->postfix.process != NULL && process_alive (self->postfix.pid);
  return self->dovecot.process != NULL && process_alive (self->dovecot.pid);
}

typedef struct
{
  int pid;
  int ppid;
  int pgid;
} ProcessEntry;

static GArray *
list_processes (void)
{
  GArray *processes = g_array_new (FALSE, FALSE, sizeof (ProcessEntry));
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      ProcessEntry entry = { g_ascii_isdigit (name[0]) ? atoi (name) : 0, 0, 0 };
      char state;

      if (entry.pid > 0 && read_process_stat (entry.pid, &state, &entry.ppid, &entry.pgid)
          && state != 'Z')
        g_array_append_val (processes, entry);
    }
  return processes;
}

/* The servers' process trees: children of a member, and members of a
 * member's process group (orphans of a master that is already gone). */
static GArray *
process_trees (const int *roots,
               guint      n_roots)
{
  g_autoptr(GArray) processes = list_processes ();
  g_autoptr(GHashTable) members = g_hash_table_new (NULL, NULL);
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (int));
  gboolean grew = TRUE;

  for (guint i = 0; i < n_roots; i++)
    if (roots[i] > 0)
      g_hash_table_add (members, GINT_TO_POINTER (roots[i]));
  while (grew)
    {
      grew = FALSE;
      for (guint i = 0; i < processes->len; i++)
        {
          ProcessEntry *entry = &g_array_index (processes, ProcessEntry, i);

          if (!g_hash_table_contains (members, GINT_TO_POINTER (entry->pid))
              && (g_hash_table_contains (members, GINT_TO_POINTER (entry->ppid))
                  || g_hash_table_contains (members, GINT_TO_POINTER (entry->pgid))))
            grew = g_hash_table_add (members, GINT_TO_POINTER (entry->pid)) || grew;
        }
    }
  for (guint i = 0; i < processes->len; i++)
    if (g_hash_table_contains (members, GINT_TO_POINTER (g_array_index (processes, ProcessEntry, i).pid)))
      g_array_append_val (pids, g_array_index (processes, ProcessEntry, i).pid);
  return pids;
}

GArray *
kabar_test_bed_list_pids (KabarTestBed *self)
{
  int roots[] = { self->dovecot.pid, self->postfix.pid };

  g_return_val_if_fail (KABAR_IS_TEST_BED (self), NULL);
  return process_trees (roots, G_N_ELEMENTS (roots));
}

/* --- The object ---------------------------------------------------------------- */

static void
remove_tree (const char *path);

static void
kabar_test_bed_finalize (GObject *object)
{
  KabarTestBed *self = KABAR_TEST_BED (object);

  kabar_test_bed_stop (self);
  g_mutex_clear (&self->tokens_lock);
  unregister_live_bed (self);
  if (self->dir != NULL && g_getenv ("KABAR_TEST_BED_KEEP") == NULL)
    remove_tree (self->dir);

  g_free (self->dir);
  g_free (self->cert_path);
  g_free (self->key_path);
  g_clear_object (&self->certificate);
  g_ptr_array_unref (self->users);
  g_hash_table_unref (self->passwords);
  g_ptr_array_unref (self->dropped_capabilities);
  g_string_free (self->dovecot_extra, TRUE);
  g_string_free (self->postfix_extra, TRUE);
  if (self->introspection != NULL)
    soup_server_disconnect (self->introspection);
  g_clear_object (&self->introspection);
  g_clear_pointer (&self->tokens, g_hash_table_unref);
  g_free (self->dovecot.log_path);
  g_free (self->dovecot.output_path);
  g_free (self->postfix.log_path);
  g_free (self->postfix.output_path);

  G_OBJECT_CLASS (kabar_test_bed_parent_class)->finalize (object);
}

static void
kabar_test_bed_class_init (KabarTestBedClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kabar_test_bed_finalize;
}

static void
kabar_test_bed_init (KabarTestBed *self)
{
  g_mutex_init (&self->tokens_lock);
  self->users = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  self->passwords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->dropped_capabilities = g_ptr_array_new_with_free_func (g_free);
  self->dovecot_extra = g_string_new (NULL);
  self->postfix_extra = g_string_new (NULL);
  self->dovecot.name = "Dovecot";
  self->postfix.name = "Postfix";
}

static int
remove_entry (const char        *path,
              const struct stat *info,
              int                type,
              struct FTW        *ftw)
{
  remove (path);
  return 0;
}

static void
remove_tree (const char *path)
{
  nftw (path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static gboolean
check_parents_searchable (const char  *dir,
                          GError     **error)
{
  g_autofree char *path = g_path_get_dirname (dir);

  /* Dovecot's and Postfix's processes drop root and must reach the files. */
  while (strcmp (path, "/") != 0 && strcmp (path, ".") != 0)
    {
      struct stat info;
      char *parent;

      if (stat (path, &info) != 0)
        return set_errno_error (error, errno, "Could not inspect", path);
      if ((info.st_mode & S_IXOTH) == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                       "%s is not world-executable: the mail servers, which drop root, "
                       "could not reach the test bed in %s (chmod 0755 it, or set "
                       "KABAR_TEST_TMPDIR to another folder)", path, dir);
          return FALSE;
        }
      parent = g_path_get_dirname (path);
      g_free (path);
      path = parent;
    }
  return TRUE;
}

static gboolean
make_certificate (KabarTestBed  *self,
                  GError       **error)
{
  g_autofree char *openssl = find_program ("openssl");
  const char *argv[] = {
    openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
    "-nodes", "-days", "30", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
    "-keyout", self->key_path, "-out", self->cert_path, NULL,
  };

  if (!run_tool (argv, error))
    return FALSE;
  /* With its key: servers of the tests' own (Graph) serve it too. */
  self->certificate = g_tls_certificate_new_from_files (self->cert_path, self->key_path, error);
  return self->certificate != NULL;
}

static gboolean
make_bed_dirs (KabarTestBed  *self,
               GError       **error)
{
  g_autofree char *dovecot = g_build_filename (self->dir, "dovecot", NULL);
  g_autofree char *run = g_build_filename (dovecot, "run", NULL);
  g_autofree char *state = g_build_filename (dovecot, "state", NULL);
  g_autofree char *mail = g_build_filename (self->dir, "mail", NULL);
  g_autofree char *home = g_build_filename (self->dir, "home", NULL);
  g_autofree char *users = g_build_filename (self->dir, "users", NULL);
  g_autofree char *passdb = g_build_filename (users, "passdb", NULL);
  g_autofree char *userdb = g_build_filename (users, "userdb", NULL);
  uid_t uid;
  gid_t gid;

  return lookup_user ("nobody", &uid, &gid, error)
         && make_dir (users, 0755, 0, 0, error)
         && make_dir (passdb, 0755, 0, 0, error)
         && make_dir (userdb, 0755, 0, 0, error)
         && make_dir (dovecot, 0755, 0, 0, error)
         && make_dir (run, 0755, 0, 0, error)
         && make_dir (state, 0755, 0, 0, error)
         && make_dir (mail, 0755, uid, gid, error)
         && make_dir (home, 0755, uid, gid, error);
}

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if ((guchar) *p < 0x20)
        g_string_append_printf (out, "\\u%04x", (guint) (guchar) *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* Dovecot lowercases user names before it looks them up (%Lu), and so the
 * file names and mail folders are in lower case. */
static gboolean
write_user (KabarTestBed  *self,
            const char    *address,
            const char    *password,
            GError       **error)
{
  g_autofree char *name = g_ascii_strdown (address, -1);
  g_autofree char *passdb = g_build_filename (self->dir, "users", "passdb", name, NULL);
  g_autofree char *userdb = g_build_filename (self->dir, "users", "userdb", name, NULL);
  g_autoptr(GString) json = g_string_new ("{\"password\": ");
  g_autofree char *scheme_and_password = g_strconcat ("{PLAIN}", password, NULL);

  append_json_string (json, scheme_and_password);
  g_string_append (json, "}\n");
  /* Atomic: a login at the same moment sees the old file or the new one. */
  return g_file_set_contents_full (userdb, "{}\n", -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error)
         && g_file_set_contents_full (passdb, json->str, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

static gboolean
insert_user (KabarTestBed  *self,
             const char    *address,
             const char    *password,
             GError       **error)
{
  if (!g_hash_table_contains (self->passwords, address))
    g_ptr_array_add (self->users, g_strdup (address));
  g_hash_table_insert (self->passwords, g_strdup (address), g_strdup (password));
  return write_user (self, address, password, error);
}

static gboolean
insert_default_user (KabarTestBed  *self,
                     const char    *local_part,
                     GError       **error)
{
  g_autofree char *address = g_strdup_printf ("%s@%s", local_part, KABAR_TEST_BED_DOMAIN);
  g_autofree char *password = g_strdup_printf ("%s-password", local_part);

  return insert_user (self, address, password, error);
}

KabarTestBed *
kabar_test_bed_new (GError **error)
{
  g_autoptr(KabarTestBed) self = g_object_new (KABAR_TYPE_TEST_BED, NULL);
  const char *parent = g_getenv ("KABAR_TEST_TMPDIR");
  g_autofree char *template = NULL;

  if (parent == NULL || *parent == '\0')
    parent = g_get_tmp_dir ();
  /* Short: Dovecot's sockets live below it, and socket paths are limited
   * to 107 bytes. */
  template = g_build_filename (parent, "kbed-XXXXXX", NULL);
  if (g_mkdtemp_full (template, 0755) == NULL)
    {
      set_errno_error (error, errno, "Could not create", template);
      return NULL;
    }
  self->dir = g_steal_pointer (&template);
  self->cert_path = g_build_filename (self->dir, "cert.pem", NULL);
  self->key_path = g_build_filename (self->dir, "key.pem", NULL);
  self->dovecot.log_path = g_build_filename (self->dir, "dovecot.log", NULL);
  self->dovecot.output_path = g_build_filename (self->dir, "dovecot.out", NULL);
  self->postfix.log_path = g_build_filename (self->dir, "postfix.log", NULL);
  self->postfix.output_path = g_build_filename (self->dir, "postfix.out", NULL);

  /* mkdtemp's mode passes through the umask. */
  if (chmod (self->dir, 0755) != 0)
    {
      set_errno_error (error, errno, "Could not make world-readable", self->dir);
      return NULL;
    }
  if (!check_parents_searchable (self->dir, error) || !make_bed_dirs (self, error)
      || !make_certificate (self, error))
    return NULL;

  if (!insert_default_user (self, "alice", error) || !insert_default_user (self, "bob", error)
      || !insert_default_user (self, "sink", error))
    return NULL;
  return g_steal_pointer (&self);
}

/* --- Settings and accessors ----------------------------------------------------- */

void
kabar_test_bed_add_user (KabarTestBed *self,
                         const char   *address,
                         const char   *password)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (KABAR_IS_TEST_BED (self));
  g_return_if_fail (address != NULL && strchr (address, '@') != NULL);
  /* The address names files. */
  g_return_if_fail (strchr (address, '/') == NULL && address[0] != '.');
  g_return_if_fail (password != NULL);

  if (!insert_user (self, address, password, &error))
    g_critical ("Could not write the test bed's users: %s", error->message);
}

const char *const *
kabar_test_bed_get_users (KabarTestBed *self)
{
  g_return_val_if_fail (KABAR_IS_TEST_BED (self), NULL);
  return (const char *const *) self->users->pdata;
}

const char *
kabar_test_bed_get_password (KabarTestBed *self,
                             const char   *address)
{
  g_return_val_if_fail (KABAR_IS_TEST_BED (self), NULL);
  return g_hash_table_lookup (self->passwords, address);
}

const char *const *
kabar_test_bed_get_default_imap_capabilities (void)
{
  return default_imap_capabilities;
}

void
kabar_test_bed_drop_imap_capability (KabarTestBed *self,
                                     const char   *capability)
{
  g_return_if_fail (KABAR_IS_TEST_BED (self));
  g_return_if_fail (g_strv_contains (default_imap_capabilities, capability));
  g_return_if_fail (strcmp (capability, "IMAP4rev1") != 0);

  if (!g_ptr_array_find_with_equal_func (self->dropped_capabilities, capability, g_str_equal, NULL))
    g_ptr_array_add (self->dropped_capabilities, g_strdup (capability));
}

void
kabar_test_bed_add_dovecot_config (KabarTestBed *self,
                                   const char   *lines)
{
  g_return_if_fail (KABAR_IS_TEST_BED (self));
  g_string_append_printf (self->dovecot_extra, "%s\n", lines);
}

/* --- OAuth2 ------------------------------------------------------------------ */

/* RFC 7662 token introspection, as Dovecot's oauth2 passdb asks it. */
static void
on_introspect (SoupServer        *server,
               SoupServerMessage *message,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  KabarTestBed *self = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  g_autofree char *form = g_strndup (body->data, body->length);
  g_autoptr(GHashTable) fields = soup_form_decode (form);
  const char *address;
  g_autofree char *reply = NULL;

  g_mutex_lock (&self->tokens_lock);
  address = g_hash_table_lookup (self->tokens, g_hash_table_lookup (fields, "token"));
  reply = address != NULL
    ? g_strdup_printf ("{\"active\": true, \"username\": \"%s\"}", address)
    : g_strdup ("{\"active\": false}");
  g_mutex_unlock (&self->tokens_lock);

  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, reply, strlen (reply));
}

static guint16
start_introspection (KabarTestBed *self)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;
  guint16 port;

  self->introspection = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->introspection, "/introspect", on_introspect, self, NULL);
  if (!soup_server_listen_local (self->introspection, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("The bed's token introspection endpoint could not listen: %s", error->message);
  uris = soup_server_get_uris (self->introspection);
  port = (guint16) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return port;
}

void
kabar_test_bed_enable_oauth2 (KabarTestBed *self)
{
  g_autofree char *args_path = NULL;
  g_autofree char *args = NULL;
  g_autofree char *config = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (KABAR_IS_TEST_BED (self));
  g_return_if_fail (self->introspection == NULL);

  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  args_path = g_build_filename (self->dir, "oauth2.conf", NULL);
  args = g_strdup_printf ("introspection_mode = post\n"
                          "introspection_url = http://127.0.0.1:%u/introspect\n"
                          "username_attribute = username\n",
                          start_introspection (self));
  if (!g_file_set_contents (args_path, args, -1, &error))
    g_error ("Could not write %s: %s", args_path, error->message);

  /* Passwords keep their passdb; the token mechanisms get this one. */
  config = g_strdup_printf ("auth_mechanisms = plain login xoauth2 oauthbearer\n"
                            "passdb {\n"
                            "  driver = oauth2\n"
                            "  mechanisms = xoauth2 oauthbearer\n"
                            "  args = %s\n"
                            "}\n", args_path);
  kabar_test_bed_add_dovecot_config (self, config);
}

void
kabar_test_bed_add_oauth2_token (KabarTestBed *self,
                                 const char   *token,
                                 const char   *address)
{
  g_return_if_fail (KABAR_IS_TEST_BED (self));
  g_return_if_fail (self->tokens != NULL);

  g_mutex_lock (&self->tokens_lock);
  g_hash_table_replace (self->tokens, g_strdup (token), g_strdup (address));
  g_mutex_unlock (&self->tokens_lock);
}

void
kabar_test_bed_add_postfix_config (KabarTestBed *self,
                                   const char   *lines)
{
  g_return_if_fail (KABAR_IS_TEST_BED (self));
  g_string_append_printf (self->postfix_extra, "%s\n", lines);
}

void
kabar_test_bed_set_port (KabarTestBed     *self,
                         KabarTestBedPort  port,
                         guint16           number)
{
  g_return_if_fail (KABAR_IS_TEST_BED (self));
  g_return_if_fail (port < KABAR_TEST_BED_N_PORTS);
  self->pinned_ports[port] = number;
}

guint16
kabar_test_bed_get_port (KabarTestBed     *self,
                         KabarTestBedPort  port)
{
  g_return_val_if_fail (KABAR_IS_TEST_BED (self), 0);
  g_return_val_if_fail (port < KABAR_TEST_BED_N_PORTS, 0);
  return self->ports[port];
}

const char *
kabar_test_bed_get_port_name (KabarTestBedPort port)
{
  g_return_val_if_fail (port < KABAR_TEST_BED_N_PORTS, NULL);
  return port_names[port];
}

GTlsCertificate *
kabar_test_bed_get_certificate (KabarTestBed *self)
{
  g_return_val_if_fail (KABAR_IS_TEST_BED (self), NULL);
  return self->certificate;
}

const char *
kabar_test_bed_get_certificate_path (KabarTestBed *self)
{
  g_return_val_if_fail (KABAR_IS_TEST_BED (self), NULL);
  return self->cert_path;
}

const char *
kabar_test_bed_get_directory (KabarTestBed *self)
{
  g_return_val_if_fail (KABAR_IS_TEST_BED (self), NULL);
  return self->dir;
}

const char *
kabar_test_bed_get_log_path (KabarTestBed        *self,
                             KabarTestBedServers  server)
{
  g_return_val_if_fail (KABAR_IS_TEST_BED (self), NULL);
  return server == KABAR_TEST_BED_POSTFIX ? self->postfix.log_path : self->dovecot.log_path;
}

char *
kabar_test_bed_get_user_root (KabarTestBed *self,
                              const char   *address)
{
  const char *at;
  g_autofree char *local_part = NULL;
  g_autofree char *domain = NULL;

  g_return_val_if_fail (KABAR_IS_TEST_BED (self), NULL);
  g_return_val_if_fail (address != NULL, NULL);
  at = strchr (address, '@');
  g_return_val_if_fail (at != NULL && at != address && at[1] != '\0', NULL);

  /* mail_location's %d/%n, of the lowercased name. */
  local_part = g_ascii_strdown (address, at - address);
  domain = g_ascii_strdown (at + 1, -1);
  return g_build_filename (self->dir, "mail", domain, local_part, NULL);
}

/* --- The maildir writer -------------------------------------------------------- */

typedef struct
{
  int tmp_fd;
  int cur_fd;
  uid_t uid;
  gid_t gid;
} Maildir;

static void
maildir_close (Maildir *maildir)
{
  if (maildir->tmp_fd >= 0)
    close (maildir->tmp_fd);
  if (maildir->cur_fd >= 0)
    close (maildir->cur_fd);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Maildir, maildir_close)

static gboolean
is_inbox (const char *folder)
{
  return g_ascii_strcasecmp (folder, "INBOX") == 0;
}

static gboolean
folder_name_valid (const char *folder)
{
  g_auto(GStrv) parts = NULL;

  if (folder == NULL || *folder == '\0' || !g_utf8_validate (folder, -1, NULL))
    return FALSE;
  parts = g_strsplit (folder, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] == '\0' || strcmp (parts[i], ".") == 0 || strcmp (parts[i], "..") == 0)
      return FALSE;
  return TRUE;
}

static char *
folder_path (KabarTestBed *self,
             const char   *address,
             const char   *folder)
{
  g_autofree char *root = kabar_test_bed_get_user_root (self, address);

  return g_build_filename (root, is_inbox (folder) ? "INBOX" : folder, NULL);
}

/* Every folder from <dir>/mail down, owned by the mail user as if Dovecot
 * had made it. */
static gboolean
make_mail_dirs (KabarTestBed  *self,
                const char    *path,
                GError       **error)
{
  g_autofree char *mail = g_build_filename (self->dir, "mail", NULL);
  g_autofree char *partial = NULL;
  uid_t uid;
  gid_t gid;

  g_assert (g_str_has_prefix (path, mail));
  if (!lookup_user ("nobody", &uid, &gid, error))
    return FALSE;
  for (const char *slash = strchr (path + strlen (mail) + 1, '/'); slash != NULL;
       slash = strchr (slash + 1, '/'))
    {
      g_free (partial);
      partial = g_strndup (path, slash - path);
      if (!g_file_test (partial, G_FILE_TEST_IS_DIR) && !make_dir (partial, 0700, uid, gid, error))
        return FALSE;
    }
  return make_dir (path, 0700, uid, gid, error);
}

/* Dovecot's own way: an exclusive ".lock" that becomes the file by rename.
 * Its format 2 separates hierarchy levels with tabs. */
static gboolean
subscribe (KabarTestBed  *self,
           const char    *address,
           const char    *folder,
           GError       **error)
{
  g_autofree char *root = kabar_test_bed_get_user_root (self, address);
  g_autofree char *path = g_build_filename (root, "subscriptions", NULL);
  g_autofree char *lock_path = g_strconcat (path, ".lock", NULL);
  g_autofree char *entry = g_strdelimit (g_strdup_printf ("\n%s\n", folder), "/", '\t');
  g_autofree char *contents = NULL;
  g_autofree char *updated = NULL;
  gint64 deadline = g_get_monotonic_time () + KILL_TIMEOUT_US;
  uid_t uid;
  gid_t gid;
  int fd;

  if (!lookup_user ("nobody", &uid, &gid, error))
    return FALSE;
  while ((fd = open (lock_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
    {
      if (errno != EEXIST || g_get_monotonic_time () > deadline)
        return set_errno_error (error, errno, "Could not lock", path);
      g_usleep (POLL_INTERVAL_US);
    }
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    contents = g_strdup ("V\t2\n\n");
  updated = strstr (contents, entry) != NULL ? g_strdup (contents)
                                             : g_strconcat (contents, entry + 1, NULL);
  if (!write_all (fd, updated, strlen (updated)) || fchown (fd, uid, gid) != 0
      || close (fd) != 0 || rename (lock_path, path) != 0)
    {
      int saved_errno = errno;

      unlink (lock_path);
      return set_errno_error (error, saved_errno, "Could not write", path);
    }
  return TRUE;
}

static gboolean
doveadm (KabarTestBed  *self,
         GError       **error,
         ...) G_GNUC_NULL_TERMINATED;

static gboolean
doveadm (KabarTestBed  *self,
         GError       **error,
         ...)
{
  g_autofree char *program = find_program ("doveadm");
  g_autofree char *config = dovecot_config_path (self);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, program);
  g_ptr_array_add (argv, (gpointer) "-c");
  g_ptr_array_add (argv, config);
  va_start (args, error);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  return run_tool ((const char *const *) argv->pdata, error);
}

static gboolean
ensure_folder (KabarTestBed  *self,
               const char    *address,
               const char    *folder,
               GError       **error)
{
  g_autofree char *path = folder_path (self, address, folder);
  static const char *const subdirs[] = { "cur", "new", "tmp" };

  if (!is_inbox (folder) && !g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      /* Dovecot's mailbox list index hides a folder made behind its back
       * from the sessions already open: make it through Dovecot, when it
       * runs. */
      if (kabar_test_bed_is_running (self, KABAR_TEST_BED_DOVECOT))
        {
          if (!doveadm (self, error, "mailbox", "create", "-s", "-u", address, folder, NULL))
            return FALSE;
        }
      else if (!make_mail_dirs (self, path, error) || !subscribe (self, address, folder, error))
        return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *subdir = g_build_filename (path, subdirs[i], NULL);

      if (!g_file_test (subdir, G_FILE_TEST_IS_DIR) && !make_mail_dirs (self, subdir, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
maildir_open (KabarTestBed  *self,
              const char    *address,
              const char    *folder,
              Maildir       *maildir,
              GError       **error)
{
  g_autofree char *path = folder_path (self, address, folder);
  g_autofree char *tmp = g_build_filename (path, "tmp", NULL);
  g_autofree char *cur = g_build_filename (path, "cur", NULL);

  maildir->tmp_fd = maildir->cur_fd = -1;
  if (!lookup_user ("nobody", &maildir->uid, &maildir->gid, error)
      || !ensure_folder (self, address, folder, error))
    return FALSE;
  maildir->tmp_fd = open (tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (maildir->tmp_fd < 0)
    return set_errno_error (error, errno, "Could not open", tmp);
  maildir->cur_fd = open (cur, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (maildir->cur_fd < 0)
    return set_errno_error (error, errno, "Could not open", cur);
  return TRUE;
}

/* The size with CRLF line ends, as IMAP counts it. */
static gsize
virtual_size (const char *data,
              gsize       length)
{
  gsize size = length;

  for (gsize i = 0; i < length; i++)
    if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
      size++;
  return size;
}

/* Written in tmp/ and renamed into cur/, so Dovecot never sees half a
 * message. S= and W= spare Dovecot from reading the file for its sizes;
 * the mtime is its INTERNALDATE. */
static gboolean
maildir_write (KabarTestBed  *self,
               Maildir       *maildir,
               const char    *data,
               gsize          length,
               const char    *flags,
               gint64         unix_time,
               GError       **error)
{
  struct timespec times[2] = { { (time_t) unix_time, 0 }, { (time_t) unix_time, 0 } };
  char name[160];
  char final_name[180];
  int fd;

  /* Dovecot numbers new files in name order: time, then the zero-padded
   * counter, so equal times keep the order of writing. */
  g_snprintf (name, sizeof name, "%" G_GINT64_FORMAT ".M%09uP%d.kabar-bed,S=%" G_GSIZE_FORMAT
              ",W=%" G_GSIZE_FORMAT, unix_time, self->next_message++, (int) getpid (),
              length, virtual_size (data, length));
  g_snprintf (final_name, sizeof final_name, "%s:2,%s", name, flags);

  fd = openat (maildir->tmp_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return set_errno_error (error, errno, "Could not create the message", name);
  if (!write_all (fd, data, length) || fchown (fd, maildir->uid, maildir->gid) != 0
      || futimens (fd, times) != 0)
    {
      int saved_errno = errno;

      close (fd);
      unlinkat (maildir->tmp_fd, name, 0);
      return set_errno_error (error, saved_errno, "Could not write the message", name);
    }
  if (close (fd) != 0 || renameat (maildir->tmp_fd, name, maildir->cur_fd, final_name) != 0)
    return set_errno_error (error, errno, "Could not store the message", name);
  return TRUE;
}

static gboolean
maildir_flags_valid (const char *flags)
{
  for (const char *p = flags; *p != '\0'; p++)
    if (!g_ascii_isalpha (*p) || (p > flags && p[-1] >= p[0]))
      return FALSE;
  return TRUE;
}

gboolean
kabar_test_bed_add_message (KabarTestBed  *self,
                            const char    *address,
                            const char    *folder,
                            GBytes        *raw,
                            const char    *maildir_flags,
                            gint64         unix_time,
                            GError       **error)
{
  g_auto(Maildir) maildir = { -1, -1, 0, 0 };
  gsize length = 0;
  const char *data;

  g_return_val_if_fail (KABAR_IS_TEST_BED (self), FALSE);
  g_return_val_if_fail (address != NULL && strchr (address, '@') != NULL, FALSE);
  g_return_val_if_fail (folder_name_valid (folder), FALSE);
  g_return_val_if_fail (raw != NULL, FALSE);
  g_return_val_if_fail (maildir_flags != NULL && maildir_flags_valid (maildir_flags), FALSE);

  data = g_bytes_get_data (raw, &length);
  return maildir_open (self, address, folder, &maildir, error)
         && maildir_write (self, &maildir, data, length, maildir_flags, unix_time, error);
}

static void
append_date (GString *out,
             gint64   unix_time)
{
  /* Not strftime: its names follow the locale. */
  static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
  static const char *const months[] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  };
  time_t t = (time_t) unix_time;
  struct tm tm;

  gmtime_r (&t, &tm);
  g_string_append_printf (out, "%s, %02d %s %d %02d:%02d:%02d +0000",
                          days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                          tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
synthesize_message (GString    *out,
                    const char *address,
                    const char *folder,
                    guint       number,
                    guint       total,
                    guint32     batch,
                    gint64      unix_time)
{
  g_string_truncate (out, 0);
  g_string_append (out, "Date: ");
  append_date (out, unix_time);
  g_string_append_printf (out,
                          "\nFrom: Kabar Test Bed <bed@" KABAR_TEST_BED_DOMAIN ">\n"
                          "To: <%s>\n"
                          "Subject: Message %u\n"
                          "Message-ID: <%u.%08x@fill." KABAR_TEST_BED_DOMAIN ">\n"
                          "MIME-Version: 1.0\n"
                          "Content-Type: text/plain; charset=utf-8\n"
                          "\n"
                          "This is message %u of %u in %s.\n",
                          address, number, number, batch, number, total, folder);
}

gboolean
kabar_test_bed_fill_folder (KabarTestBed  *self,
                            const char    *address,
                            const char    *folder,
                            guint          n,
                            GError       **error)
{
  g_auto(Maildir) maildir = { -1, -1, 0, 0 };
  g_autoptr(GString) message = g_string_sized_new (512);
  gint64 first_time = g_get_real_time () / G_USEC_PER_SEC - (gint64) n * 60;
  guint32 batch = g_random_int ();

  g_return_val_if_fail (KABAR_IS_TEST_BED (self), FALSE);
  g_return_val_if_fail (address != NULL && strchr (address, '@') != NULL, FALSE);
  g_return_val_if_fail (folder_name_valid (folder), FALSE);

  if (!maildir_open (self, address, folder, &maildir, error))
    return FALSE;
  for (guint i = 1; i <= n; i++)
    {
      gint64 unix_time = first_time + (gint64) i * 60;

      synthesize_message (message, address, folder, i, n, batch, unix_time);
      if (!maildir_write (self, &maildir, message->str, message->len, "", unix_time, error))
        return FALSE;
    }
  return TRUE;
}

/* --- Delivery through Postfix -------------------------------------------------- */

static GStrv
smtp_command (KabarTestClient  *client,
              guint             expected,
              GError          **error,
              const char       *format,
              ...) G_GNUC_PRINTF (4, 5);

static GStrv
smtp_command (KabarTestClient  *client,
              guint             expected,
              GError          **error,
              const char       *format,
              ...)
{
  g_autofree char *command = NULL;
  g_auto(GStrv) reply = NULL;
  guint code = 0;
  va_list args;

  va_start (args, format);
  command = g_strdup_vprintf (format, args);
  va_end (args);

  if (!kabar_test_client_send_line (client, command, error)
      || (reply = kabar_test_client_read_smtp_reply (client, &code, error)) == NULL)
    return NULL;
  if (code != expected)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Postfix refused \"%s\": %u %s", command, code, reply[0]);
      return NULL;
    }
  return g_steal_pointer (&reply);
}

static gboolean
smtp_envelope (KabarTestClient  *client,
               const char       *from,
               const char       *to,
               GError          **error)
{
  g_auto(GStrv) ehlo = NULL;
  g_auto(GStrv) mail = NULL;
  g_auto(GStrv) rcpt = NULL;
  g_auto(GStrv) data = NULL;

  return (ehlo = smtp_command (client, 250, error, "EHLO deliver.kabar.test")) != NULL
         && (mail = smtp_command (client, 250, error, "MAIL FROM:<%s>", from)) != NULL
         && (rcpt = smtp_command (client, 250, error, "RCPT TO:<%s>", to)) != NULL
         && (data = smtp_command (client, 354, error, "DATA")) != NULL;
}

/* CRLF line ends, dot-stuffed, with the final ".". */
static GString *
smtp_data (GBytes *raw)
{
  gsize length = 0;
  const char *data = g_bytes_get_data (raw, &length);
  GString *out = g_string_sized_new (length + length / 16 + 8);
  gboolean line_start = TRUE;

  for (gsize i = 0; i < length; i++)
    {
      if (line_start && data[i] == '.')
        g_string_append_c (out, '.');
      if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
        g_string_append_c (out, '\r');
      g_string_append_c (out, data[i]);
      line_start = data[i] == '\n';
    }
  if (!line_start)
    g_string_append (out, "\r\n");
  g_string_append (out, ".\r\n");
  return out;
}

typedef struct
{
  const char *log_path;
  const char *needle;
  char *outcome;               /* the log line that settled it */
} DeliveryWatch;

static gboolean
delivery_settled (gpointer data)
{
  DeliveryWatch *watch = data;
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (watch->log_path, &log, NULL, NULL))
    return FALSE;
  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], watch->needle) != NULL && strstr (lines[i], " status=") != NULL)
      {
        watch->outcome = g_strdup (lines[i]);
        return TRUE;
      }
  return FALSE;
}

/* Postfix logs "<queue id>: to=<...>, ... status=sent (250 ... Saved)" once
 * Dovecot's LMTP has stored the message. */
static gboolean
wait_for_delivery (KabarTestBed  *self,
                   const char    *queue_id,
                   GError       **error)
{
  g_autofree char *needle = g_strdup_printf (" %s: to=<", queue_id);
  g_autofree char *log_tail = NULL;
  DeliveryWatch watch = { self->postfix.log_path, needle, NULL };

  if (!wait_until (delivery_settled, &watch, DELIVER_TIMEOUT_US))
    {
      log_tail = file_tail (self->postfix.log_path);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "Postfix did not deliver message %s within %d s. Last lines of %s:\n%s",
                   queue_id, (int) (DELIVER_TIMEOUT_US / G_USEC_PER_SEC),
                   self->postfix.log_path, log_tail);
      return FALSE;
    }
  if (strstr (watch.outcome, " status=sent ") == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Postfix could not deliver message %s: %s", queue_id, watch.outcome);
      g_free (watch.outcome);
      return FALSE;
    }
  g_free (watch.outcome);
  return TRUE;
}

gboolean
kabar_test_bed_deliver (KabarTestBed  *self,
                        const char    *from,
                        const char    *to,
                        GBytes        *raw,
                        GError       **error)
{
  g_autoptr(KabarTestClient) client = NULL;
  g_autoptr(GString) data = NULL;
  g_auto(GStrv) reply = NULL;
  const char *queued;

  g_return_val_if_fail (KABAR_IS_TEST_BED (self), FALSE);
  g_return_val_if_fail (from != NULL && to != NULL && raw != NULL, FALSE);

  if (!kabar_test_bed_is_running (self, KABAR_TEST_BED_POSTFIX))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           "Postfix is not running: start the bed with KABAR_TEST_BED_POSTFIX");
      return FALSE;
    }
  client = kabar_test_client_connect (KABAR_TEST_BED_HOST, self->ports[KABAR_TEST_BED_PORT_MX],
                                      KABAR_TEST_CLIENT_PLAIN, NULL, error);
  if (client == NULL || !smtp_envelope (client, from, to, error))
    return FALSE;

  data = smtp_data (raw);
  if (!kabar_test_client_send_data (client, data->str, data->len, error)
      || (reply = kabar_test_client_read_smtp_reply (client, NULL, error)) == NULL)
    return FALSE;
  queued = strstr (reply[0], "queued as ");
  if (queued == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Postfix refused the message: %s", reply[0]);
      return FALSE;
    }
  kabar_test_client_send_line (client, "QUIT", NULL);
  return wait_for_delivery (self, queued + strlen ("queued as "), error);
}
