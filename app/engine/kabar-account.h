/* kabar-account.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-connection.h"

G_BEGIN_DECLS

/* How mail comes in. */
typedef enum
{
  KABAR_INCOMING_IMAP,
  KABAR_INCOMING_POP3,
  KABAR_INCOMING_GRAPH,  /* Exchange-style: Microsoft Graph */
} KabarIncomingKind;

typedef enum
{
  KABAR_AUTH_PASSWORD,
  KABAR_AUTH_OAUTH2,
} KabarAuthMethod;

/* What happens to the server's copy of a message a POP account downloaded.
 * POP deletes act on the real inbox (the one IMAP and the web show too), so
 * leaving mail there is the default. */
typedef enum
{
  KABAR_POP_LEAVE_ON_SERVER,
  KABAR_POP_DELETE_AFTER_DAYS,     /* kabar_account_get_pop_delete_after_days() */
  KABAR_POP_DELETE_WHEN_DELETED,   /* deleted for good, or moved to Trash, here */
  KABAR_POP_DELETE_AFTER_DOWNLOAD, /* once the message is safely on disk here */
} KabarPopServerCopies;

/* Which server of the account a setting is about. */
typedef enum
{
  KABAR_SERVER_INCOMING,
  KABAR_SERVER_OUTGOING,
} KabarServerRole;

#define KABAR_ACCOUNT_ERROR (kabar_account_error_quark ())

typedef enum
{
  KABAR_ACCOUNT_ERROR_INVALID,    /* a setting is missing or wrong */
  KABAR_ACCOUNT_ERROR_IO,         /* its file could not be read or written */
} KabarAccountError;

GQuark kabar_account_error_quark (void);

/* One account's settings. Secrets are not here: they live in the keyring
 * (kabar-secrets.h), keyed by the account's id. Settings the account does
 * not know (written by a newer Kabar) are kept and written back. */
#define KABAR_TYPE_ACCOUNT (kabar_account_get_type ())
G_DECLARE_FINAL_TYPE (KabarAccount, kabar_account, KABAR, ACCOUNT, GObject)

/* A new account with a new random id. */
KabarAccount      *kabar_account_new                    (void);
KabarAccount      *kabar_account_new_from_key_file      (GKeyFile          *key_file,
                                                         GError           **error);
/* A copy to edit: the same id and settings, a new object. */
KabarAccount      *kabar_account_dup                    (KabarAccount      *self);
/* The account's settings as a key file; fails when a required setting is
 * missing, so an unusable account is never written. */
GKeyFile          *kabar_account_to_key_file            (KabarAccount      *self,
                                                         GError           **error);
gboolean           kabar_account_validate               (KabarAccount      *self,
                                                         GError           **error);

const char        *kabar_account_get_id                 (KabarAccount      *self);
const char        *kabar_account_get_display_name       (KabarAccount      *self);
void               kabar_account_set_display_name       (KabarAccount      *self,
                                                         const char        *display_name);
const char        *kabar_account_get_address            (KabarAccount      *self);
void               kabar_account_set_address            (KabarAccount      *self,
                                                         const char        *address);
/* The addresses the account sends as. Index 0 is the account's own: its
 * display name and address (setting it sets those). Others (aliases) may
 * be added. Each has a signature (plain text, without the "-- " line;
 * NULL or "" for none), kept exactly as given. All are kept in the
 * account's file. */
guint              kabar_account_get_n_identities       (KabarAccount      *self);
const char        *kabar_account_get_identity_name      (KabarAccount      *self,
                                                         guint              index);
const char        *kabar_account_get_identity_address   (KabarAccount      *self,
                                                         guint              index);
/* NULL for none. */
const char        *kabar_account_get_identity_signature (KabarAccount      *self,
                                                         guint              index);
/* index == n_identities adds one. */
void               kabar_account_set_identity           (KabarAccount      *self,
                                                         guint              index,
                                                         const char        *name,
                                                         const char        *address,
                                                         const char        *signature);
/* index >= 1. */
void               kabar_account_remove_identity        (KabarAccount      *self,
                                                         guint              index);

KabarIncomingKind  kabar_account_get_incoming_kind      (KabarAccount      *self);
void               kabar_account_set_incoming_kind      (KabarAccount      *self,
                                                         KabarIncomingKind  kind);
KabarAuthMethod    kabar_account_get_auth_method        (KabarAccount      *self);
void               kabar_account_set_auth_method        (KabarAccount      *self,
                                                         KabarAuthMethod    method);
/* TRUE where the provider files sent mail in Sent by itself (Outlook.com):
 * a copy uploaded by Kabar would be a duplicate. */
gboolean           kabar_account_get_server_files_sent  (KabarAccount      *self);
void               kabar_account_set_server_files_sent  (KabarAccount      *self,
                                                         gboolean           files_sent);

/* OAuth2 accounts (kabar-oauth2.h), kept in the account's file; NULL or ""
 * is the default: the client ID (NULL = Kabar's own), the tenant
 * ("consumers" unless set) and the authority (Microsoft's unless set). */
const char        *kabar_account_get_oauth2_client_id   (KabarAccount      *self);
void               kabar_account_set_oauth2_client_id   (KabarAccount      *self,
                                                         const char        *client_id);
const char        *kabar_account_get_oauth2_tenant      (KabarAccount      *self);
void               kabar_account_set_oauth2_tenant      (KabarAccount      *self,
                                                         const char        *tenant);
const char        *kabar_account_get_oauth2_authority   (KabarAccount      *self);
void               kabar_account_set_oauth2_authority   (KabarAccount      *self,
                                                         const char        *authority);

/* POP accounts only. */
KabarPopServerCopies kabar_account_get_pop_server_copies (KabarAccount    *self);
void               kabar_account_set_pop_server_copies  (KabarAccount      *self,
                                                         KabarPopServerCopies copies);
/* For KABAR_POP_DELETE_AFTER_DAYS; 14 unless set, at least 1. */
guint              kabar_account_get_pop_delete_after_days (KabarAccount   *self);
void               kabar_account_set_pop_delete_after_days (KabarAccount   *self,
                                                         guint              days);

const char        *kabar_account_get_host               (KabarAccount      *self,
                                                         KabarServerRole    role);
guint16            kabar_account_get_port               (KabarAccount      *self,
                                                         KabarServerRole    role);
KabarSecurity      kabar_account_get_security           (KabarAccount      *self,
                                                         KabarServerRole    role);
/* The user name to sign in with; the address when none was set. */
const char        *kabar_account_get_user_name          (KabarAccount      *self,
                                                         KabarServerRole    role);
void               kabar_account_set_server             (KabarAccount      *self,
                                                         KabarServerRole    role,
                                                         const char        *host,
                                                         guint16            port,
                                                         KabarSecurity      security,
                                                         const char        *user_name);
/* The certificate the user chose to trust for this server although the
 * system does not; NULL for none. */
GTlsCertificate   *kabar_account_get_pinned_certificate (KabarAccount      *self,
                                                         KabarServerRole    role);
void               kabar_account_set_pinned_certificate (KabarAccount      *self,
                                                         KabarServerRole    role,
                                                         GTlsCertificate   *certificate);

G_END_DECLS
