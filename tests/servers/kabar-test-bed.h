/* kabar-test-bed.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A private Dovecot (IMAP, POP3, LMTP) and, on request, a private Postfix
 * (submission, implicit TLS, an MX-style port) on 127.0.0.1 and free high
 * ports, run from a temporary folder as children of the test process.
 *
 * Needs root (Postfix, and Dovecot's mail_uid = nobody). Start and stop a
 * bed from the main thread, or from a thread that outlives it: the servers
 * get SIGTERM when the thread that started them exits (PR_SET_PDEATHSIG),
 * which is what makes them die with a killed test.
 *
 * The bed's folder is below $KABAR_TEST_TMPDIR, else g_get_tmp_dir(); every
 * folder above it must be world-executable. A tmpfs there makes bulk
 * fills and Dovecot's index writes much faster than a busy disk. */

#define KABAR_TEST_BED_DOMAIN "kabar.test"
/* Mail to any domain but the test domain is rewritten to this mailbox, so
 * what was "sent to the internet" can be read back. */
#define KABAR_TEST_BED_SINK   "sink@kabar.test"
#define KABAR_TEST_BED_HOST   "127.0.0.1"

typedef enum
{
  KABAR_TEST_BED_PORT_IMAP,          /* STARTTLS */
  KABAR_TEST_BED_PORT_IMAPS,         /* implicit TLS */
  KABAR_TEST_BED_PORT_POP3,          /* STLS */
  KABAR_TEST_BED_PORT_POP3S,         /* implicit TLS */
  KABAR_TEST_BED_PORT_LMTP,
  KABAR_TEST_BED_PORT_SUBMISSION,    /* STARTTLS required before AUTH */
  KABAR_TEST_BED_PORT_SUBMISSIONS,   /* implicit TLS, AUTH */
  KABAR_TEST_BED_PORT_MX,            /* no AUTH; accepts mail for the test domain only */
  KABAR_TEST_BED_N_PORTS,
} KabarTestBedPort;

typedef enum
{
  KABAR_TEST_BED_DOVECOT = 1 << 0,
  /* Postfix delivers through Dovecot and authenticates against it, so
   * starting it starts Dovecot too. */
  KABAR_TEST_BED_POSTFIX = 1 << 1,
} KabarTestBedServers;

#define KABAR_TYPE_TEST_BED (kabar_test_bed_get_type ())
G_DECLARE_FINAL_TYPE (KabarTestBed, kabar_test_bed, KABAR, TEST_BED, GObject)

/* Default users, with passwords "<local part>-password":
 * alice@kabar.test, bob@kabar.test and KABAR_TEST_BED_SINK. Creating a bed
 * makes its folder and certificate; nothing runs until start. The last
 * unref stops the servers and deletes the folder (set KABAR_TEST_BED_KEEP=1
 * in the environment to keep it for a post-mortem). */
KabarTestBed    *kabar_test_bed_new                   (GError              **error);

/* Any time, also while running: the next login sees the user (or the new
 * password). The address must not contain '/'. */
void             kabar_test_bed_add_user              (KabarTestBed         *self,
                                                       const char           *address,
                                                       const char           *password);
/* NULL-terminated, in the order added; owned by the bed. */
const char *const *kabar_test_bed_get_users           (KabarTestBed         *self);
const char      *kabar_test_bed_get_password          (KabarTestBed         *self,
                                                       const char           *address);

/* Before start: removes one capability (e.g. "CONDSTORE", "QRESYNC",
 * "MOVE", "SPECIAL-USE", "IDLE", "COMPRESS=DEFLATE") from what IMAP
 * advertises, before and after login. Dovecot still understands the
 * commands; a client honouring CAPABILITY won't use them, as against a
 * server that lacks them. Unknown names are a programming error. */
void             kabar_test_bed_drop_imap_capability  (KabarTestBed         *self,
                                                       const char           *capability);
/* Dovecot 2.3.19's post-login capabilities with this bed's plugins. */
const char *const *kabar_test_bed_get_default_imap_capabilities (void);

/* Before start: lines appended to dovecot.conf or Postfix's main.cf (later
 * settings win), for tests that need a special setup. */
void             kabar_test_bed_add_dovecot_config    (KabarTestBed         *self,
                                                       const char           *lines);
void             kabar_test_bed_add_postfix_config    (KabarTestBed         *self,
                                                       const char           *lines);
/* Before start: Dovecot also takes XOAUTH2 and OAUTHBEARER, asking the
 * bed's own RFC 7662 introspection endpoint (served on the thread-default
 * main context of the caller, which must run while a client signs in)
 * whether a token is good. */
void             kabar_test_bed_enable_oauth2         (KabarTestBed         *self);
/* Any time after enable_oauth2, from any thread: token signs in as
 * address; every other token is refused. */
void             kabar_test_bed_add_oauth2_token      (KabarTestBed         *self,
                                                       const char           *token,
                                                       const char           *address);

/* Before start: use this port instead of a free one. Meant for tests of the
 * bed itself (a port clash) and for demos that want stable ports. */
void             kabar_test_bed_set_port              (KabarTestBed         *self,
                                                       KabarTestBedPort      port,
                                                       guint16               number);

/* Starts what is not running yet and returns once every port accepts
 * connections. On failure the error names the server and quotes its log. */
gboolean         kabar_test_bed_start                 (KabarTestBed         *self,
                                                       KabarTestBedServers   servers,
                                                       GError              **error);
/* SIGTERM, a bounded wait, then SIGKILL; returns once every process of the
 * bed is gone and its ports refuse connections. Harmless when stopped. */
void             kabar_test_bed_stop                  (KabarTestBed         *self);
gboolean         kabar_test_bed_is_running            (KabarTestBed         *self,
                                                       KabarTestBedServers   server);

/* 0 when the server owning the port has not been started. */
guint16          kabar_test_bed_get_port              (KabarTestBed         *self,
                                                       KabarTestBedPort      port);
const char      *kabar_test_bed_get_port_name         (KabarTestBedPort      port);
/* The servers' certificate, with its private key. */
GTlsCertificate *kabar_test_bed_get_certificate       (KabarTestBed         *self);
const char      *kabar_test_bed_get_certificate_path  (KabarTestBed         *self);
const char      *kabar_test_bed_get_directory         (KabarTestBed         *self);
const char      *kabar_test_bed_get_log_path          (KabarTestBed         *self,
                                                       KabarTestBedServers   server);
/* The user's maildir root: INBOX is <root>/INBOX, folder "A/B" is
 * <root>/A/B. Newly allocated. */
char            *kabar_test_bed_get_user_root         (KabarTestBed         *self,
                                                       const char           *address);
/* Every live process of the bed's servers (the servers and all their
 * children), for tests that check stopping. */
GArray          *kabar_test_bed_list_pids             (KabarTestBed         *self);

/* Writes one message straight into the maildir (cur/, owned by nobody),
 * creating and subscribing the folder if needed. maildir_flags are maildir
 * info letters in ASCII order, e.g. "", "S", "FS" (D draft, F flagged,
 * R answered, S seen, T deleted). unix_time becomes INTERNALDATE. */
gboolean         kabar_test_bed_add_message           (KabarTestBed         *self,
                                                       const char           *address,
                                                       const char           *folder,
                                                       GBytes               *raw,
                                                       const char           *maildir_flags,
                                                       gint64                unix_time,
                                                       GError              **error);
/* Fast bulk fill: n small distinct messages, "Subject: Message <i>"
 * (i from 1, in UID order), one minute apart, unread. */
gboolean         kabar_test_bed_fill_folder           (KabarTestBed         *self,
                                                       const char           *address,
                                                       const char           *folder,
                                                       guint                 n,
                                                       GError              **error);

/* Hands one message to Postfix's MX-style port, as mail from the internet
 * would come, and returns once Postfix reports it delivered (into the
 * recipient's INBOX, or the sink's for another domain), or why not. */
gboolean         kabar_test_bed_deliver               (KabarTestBed         *self,
                                                       const char           *from,
                                                       const char           *to,
                                                       GBytes               *raw,
                                                       GError              **error);

G_END_DECLS
