/* kabar-account.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-account.h"
#include "kabar-engine-enums.h"

#define GROUP_ACCOUNT "Account"
/* Aliases are groups "Identity 1", "Identity 2"... in their order. */
#define GROUP_IDENTITY_PREFIX "Identity "
#define DEFAULT_POP_DELETE_AFTER_DAYS 14
/* The same as KABAR_OAUTH2_MICROSOFT_AUTHORITY: accounts come before OAuth2
 * in the engine's layers, so they do not include it. */
#define DEFAULT_OAUTH2_AUTHORITY "https://login.microsoftonline.com"
#define DEFAULT_OAUTH2_TENANT "consumers"

typedef struct
{
  char *host;
  guint16 port;
  KabarSecurity security;
  char *user_name;
  GTlsCertificate *pinned_certificate;
} Server;

/* An alias: an identity after the account's own. */
typedef struct
{
  char *name;
  char *address;
  char *signature;
  /* Keys of its group this version does not know, "key" then the raw
   * value, so they survive a save even when the alias moves up a group. */
  GPtrArray *unknown;
} Identity;

struct _KabarAccount
{
  GObject parent_instance;

  char *id;
  char *display_name;
  char *address;
  KabarIncomingKind incoming_kind;
  KabarAuthMethod auth_method;
  gboolean server_files_sent;
  KabarPopServerCopies pop_server_copies;
  guint pop_delete_after_days;
  /* NULL for the defaults. */
  char *oauth2_client_id;
  char *oauth2_tenant;
  char *oauth2_authority;
  Server servers[2];
  /* The signature of identity 0; NULL for none. */
  char *signature;
  /* Identity elements: identities 1 and up. */
  GPtrArray *aliases;

  /* What was read, so keys this version does not know survive a save. */
  GKeyFile *key_file;
};

G_DEFINE_FINAL_TYPE (KabarAccount, kabar_account, G_TYPE_OBJECT)
G_DEFINE_QUARK (kabar-account-error-quark, kabar_account_error)

enum {
  PROP_0,
  PROP_ID,
  PROP_DISPLAY_NAME,
  PROP_ADDRESS,
  PROP_INCOMING_KIND,
  PROP_AUTH_METHOD,
  PROP_SERVER_FILES_SENT,
  PROP_POP_SERVER_COPIES,
  PROP_POP_DELETE_AFTER_DAYS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *server_groups[] = { "Incoming", "Outgoing" };

KabarAccount *
kabar_account_new (void)
{
  g_autofree char *id = g_uuid_string_random ();

  return g_object_new (KABAR_TYPE_ACCOUNT, "id", id, NULL);
}

static void
identity_free (Identity *identity)
{
  g_free (identity->name);
  g_free (identity->address);
  g_free (identity->signature);
  g_clear_pointer (&identity->unknown, g_ptr_array_unref);
  g_free (identity);
}

static Identity *
identity_copy (const Identity *identity)
{
  Identity *copy = g_new0 (Identity, 1);

  copy->name = g_strdup (identity->name);
  copy->address = g_strdup (identity->address);
  copy->signature = g_strdup (identity->signature);
  copy->unknown = g_ptr_array_copy (identity->unknown, (GCopyFunc) g_strdup, NULL);
  return copy;
}

static void
server_clear (Server *server)
{
  g_clear_pointer (&server->host, g_free);
  g_clear_pointer (&server->user_name, g_free);
  g_clear_object (&server->pinned_certificate);
}

static void
kabar_account_finalize (GObject *object)
{
  KabarAccount *self = KABAR_ACCOUNT (object);

  g_free (self->id);
  g_free (self->display_name);
  g_free (self->address);
  g_free (self->signature);
  g_free (self->oauth2_client_id);
  g_free (self->oauth2_tenant);
  g_free (self->oauth2_authority);
  g_ptr_array_unref (self->aliases);
  server_clear (&self->servers[KABAR_SERVER_INCOMING]);
  server_clear (&self->servers[KABAR_SERVER_OUTGOING]);
  g_clear_pointer (&self->key_file, g_key_file_unref);

  G_OBJECT_CLASS (kabar_account_parent_class)->finalize (object);
}

static void
kabar_account_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  KabarAccount *self = KABAR_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_INCOMING_KIND:
      g_value_set_enum (value, self->incoming_kind);
      break;
    case PROP_AUTH_METHOD:
      g_value_set_enum (value, self->auth_method);
      break;
    case PROP_SERVER_FILES_SENT:
      g_value_set_boolean (value, self->server_files_sent);
      break;
    case PROP_POP_SERVER_COPIES:
      g_value_set_enum (value, self->pop_server_copies);
      break;
    case PROP_POP_DELETE_AFTER_DAYS:
      g_value_set_uint (value, self->pop_delete_after_days);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kabar_account_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  KabarAccount *self = KABAR_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_DISPLAY_NAME:
      kabar_account_set_display_name (self, g_value_get_string (value));
      break;
    case PROP_ADDRESS:
      kabar_account_set_address (self, g_value_get_string (value));
      break;
    case PROP_INCOMING_KIND:
      kabar_account_set_incoming_kind (self, g_value_get_enum (value));
      break;
    case PROP_AUTH_METHOD:
      kabar_account_set_auth_method (self, g_value_get_enum (value));
      break;
    case PROP_SERVER_FILES_SENT:
      kabar_account_set_server_files_sent (self, g_value_get_boolean (value));
      break;
    case PROP_POP_SERVER_COPIES:
      kabar_account_set_pop_server_copies (self, g_value_get_enum (value));
      break;
    case PROP_POP_DELETE_AFTER_DAYS:
      kabar_account_set_pop_delete_after_days (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kabar_account_class_init (KabarAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = kabar_account_finalize;
  object_class->get_property = kabar_account_get_property;
  object_class->set_property = kabar_account_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL, flags);
  properties[PROP_INCOMING_KIND] =
    g_param_spec_enum ("incoming-kind", NULL, NULL, KABAR_TYPE_INCOMING_KIND,
                       KABAR_INCOMING_IMAP, flags);
  properties[PROP_AUTH_METHOD] =
    g_param_spec_enum ("auth-method", NULL, NULL, KABAR_TYPE_AUTH_METHOD,
                       KABAR_AUTH_PASSWORD, flags);
  properties[PROP_SERVER_FILES_SENT] =
    g_param_spec_boolean ("server-files-sent", NULL, NULL, FALSE, flags);
  properties[PROP_POP_SERVER_COPIES] =
    g_param_spec_enum ("pop-server-copies", NULL, NULL, KABAR_TYPE_POP_SERVER_COPIES,
                       KABAR_POP_LEAVE_ON_SERVER, flags);
  properties[PROP_POP_DELETE_AFTER_DAYS] =
    g_param_spec_uint ("pop-delete-after-days", NULL, NULL, 1, G_MAXUINT, DEFAULT_POP_DELETE_AFTER_DAYS, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kabar_account_init (KabarAccount *self)
{
  self->servers[KABAR_SERVER_INCOMING].security = KABAR_SECURITY_IMPLICIT_TLS;
  self->servers[KABAR_SERVER_OUTGOING].security = KABAR_SECURITY_STARTTLS;
  self->pop_delete_after_days = DEFAULT_POP_DELETE_AFTER_DAYS;
  self->key_file = g_key_file_new ();
  self->aliases = g_ptr_array_new_with_free_func ((GDestroyNotify) identity_free);
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

const char *
kabar_account_get_id (KabarAccount *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), NULL);
  return self->id;
}

const char *
kabar_account_get_display_name (KabarAccount *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), NULL);
  return self->display_name;
}

void
kabar_account_set_display_name (KabarAccount *self,
                                const char   *display_name)
{
  g_return_if_fail (KABAR_IS_ACCOUNT (self));
  if (set_string (&self->display_name, display_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

const char *
kabar_account_get_address (KabarAccount *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), NULL);
  return self->address;
}

void
kabar_account_set_address (KabarAccount *self,
                           const char   *address)
{
  g_return_if_fail (KABAR_IS_ACCOUNT (self));
  if (set_string (&self->address, address))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDRESS]);
}

guint
kabar_account_get_n_identities (KabarAccount *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), 0);
  return 1 + self->aliases->len;
}

static Identity *
get_alias (KabarAccount *self,
           guint         index)
{
  return g_ptr_array_index (self->aliases, index - 1);
}

const char *
kabar_account_get_identity_name (KabarAccount *self,
                                 guint         index)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), NULL);
  g_return_val_if_fail (index <= self->aliases->len, NULL);
  return index == 0 ? self->display_name : get_alias (self, index)->name;
}

const char *
kabar_account_get_identity_address (KabarAccount *self,
                                    guint         index)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), NULL);
  g_return_val_if_fail (index <= self->aliases->len, NULL);
  return index == 0 ? self->address : get_alias (self, index)->address;
}

const char *
kabar_account_get_identity_signature (KabarAccount *self,
                                      guint         index)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), NULL);
  g_return_val_if_fail (index <= self->aliases->len, NULL);
  return index == 0 ? self->signature : get_alias (self, index)->signature;
}

/* "" is no signature, as NULL is: the file need not tell them apart. */
static const char *
signature_or_null (const char *signature)
{
  return signature != NULL && *signature != '\0' ? signature : NULL;
}

void
kabar_account_set_identity (KabarAccount *self,
                            guint         index,
                            const char   *name,
                            const char   *address,
                            const char   *signature)
{
  Identity *identity;

  g_return_if_fail (KABAR_IS_ACCOUNT (self));
  g_return_if_fail (index <= self->aliases->len + 1);

  if (index == 0)
    {
      kabar_account_set_display_name (self, name);
      kabar_account_set_address (self, address);
      set_string (&self->signature, signature_or_null (signature));
      return;
    }
  if (index == self->aliases->len + 1)
    {
      identity = g_new0 (Identity, 1);
      identity->unknown = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (self->aliases, identity);
    }
  identity = get_alias (self, index);
  set_string (&identity->name, name);
  set_string (&identity->address, address);
  set_string (&identity->signature, signature_or_null (signature));
}

void
kabar_account_remove_identity (KabarAccount *self,
                               guint         index)
{
  g_return_if_fail (KABAR_IS_ACCOUNT (self));
  g_return_if_fail (index >= 1 && index <= self->aliases->len);

  g_ptr_array_remove_index (self->aliases, index - 1);
}

KabarIncomingKind
kabar_account_get_incoming_kind (KabarAccount *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), KABAR_INCOMING_IMAP);
  return self->incoming_kind;
}

void
kabar_account_set_incoming_kind (KabarAccount      *self,
                                 KabarIncomingKind  kind)
{
  g_return_if_fail (KABAR_IS_ACCOUNT (self));
  if (self->incoming_kind == kind)
    return;
  self->incoming_kind = kind;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INCOMING_KIND]);
}

KabarAuthMethod
kabar_account_get_auth_method (KabarAccount *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), KABAR_AUTH_PASSWORD);
  return self->auth_method;
}

void
kabar_account_set_auth_method (KabarAccount    *self,
                               KabarAuthMethod  method)
{
  g_return_if_fail (KABAR_IS_ACCOUNT (self));
  if (self->auth_method == method)
    return;
  self->auth_method = method;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTH_METHOD]);
}

gboolean
kabar_account_get_server_files_sent (KabarAccount *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), FALSE);
  return self->server_files_sent;
}

void
kabar_account_set_server_files_sent (KabarAccount *self,
                                     gboolean      files_sent)
{
  g_return_if_fail (KABAR_IS_ACCOUNT (self));
  files_sent = !!files_sent;
  if (self->server_files_sent == files_sent)
    return;
  self->server_files_sent = files_sent;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_FILES_SENT]);
}

KabarPopServerCopies
kabar_account_get_pop_server_copies (KabarAccount *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), KABAR_POP_LEAVE_ON_SERVER);
  return self->pop_server_copies;
}

void
kabar_account_set_pop_server_copies (KabarAccount         *self,
                                     KabarPopServerCopies  copies)
{
  g_return_if_fail (KABAR_IS_ACCOUNT (self));
  if (self->pop_server_copies == copies)
    return;
  self->pop_server_copies = copies;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POP_SERVER_COPIES]);
}

guint
kabar_account_get_pop_delete_after_days (KabarAccount *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), DEFAULT_POP_DELETE_AFTER_DAYS);
  return self->pop_delete_after_days;
}

void
kabar_account_set_pop_delete_after_days (KabarAccount *self,
                                         guint         days)
{
  g_return_if_fail (KABAR_IS_ACCOUNT (self));
  days = MAX (days, 1);
  if (self->pop_delete_after_days == days)
    return;
  self->pop_delete_after_days = days;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POP_DELETE_AFTER_DAYS]);
}

/* "" is the default, as NULL is. */
static const char *
non_empty_or_null (const char *value)
{
  return value != NULL && *value != '\0' ? value : NULL;
}

const char *
kabar_account_get_oauth2_client_id (KabarAccount *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), NULL);
  return self->oauth2_client_id;
}

void
kabar_account_set_oauth2_client_id (KabarAccount *self,
                                    const char   *client_id)
{
  g_return_if_fail (KABAR_IS_ACCOUNT (self));
  set_string (&self->oauth2_client_id, non_empty_or_null (client_id));
}

const char *
kabar_account_get_oauth2_tenant (KabarAccount *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), NULL);
  return self->oauth2_tenant != NULL ? self->oauth2_tenant : DEFAULT_OAUTH2_TENANT;
}

void
kabar_account_set_oauth2_tenant (KabarAccount *self,
                                 const char   *tenant)
{
  g_return_if_fail (KABAR_IS_ACCOUNT (self));
  set_string (&self->oauth2_tenant, non_empty_or_null (tenant));
}

const char *
kabar_account_get_oauth2_authority (KabarAccount *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), NULL);
  return self->oauth2_authority != NULL ? self->oauth2_authority : DEFAULT_OAUTH2_AUTHORITY;
}

void
kabar_account_set_oauth2_authority (KabarAccount *self,
                                    const char   *authority)
{
  g_return_if_fail (KABAR_IS_ACCOUNT (self));
  set_string (&self->oauth2_authority, non_empty_or_null (authority));
}

const char *
kabar_account_get_host (KabarAccount    *self,
                        KabarServerRole  role)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), NULL);
  return self->servers[role].host;
}

guint16
kabar_account_get_port (KabarAccount    *self,
                        KabarServerRole  role)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), 0);
  return self->servers[role].port;
}

KabarSecurity
kabar_account_get_security (KabarAccount    *self,
                            KabarServerRole  role)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), KABAR_SECURITY_IMPLICIT_TLS);
  return self->servers[role].security;
}

const char *
kabar_account_get_user_name (KabarAccount    *self,
                             KabarServerRole  role)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), NULL);
  return self->servers[role].user_name != NULL ? self->servers[role].user_name : self->address;
}

void
kabar_account_set_server (KabarAccount    *self,
                          KabarServerRole  role,
                          const char      *host,
                          guint16          port,
                          KabarSecurity    security,
                          const char      *user_name)
{
  Server *server;

  g_return_if_fail (KABAR_IS_ACCOUNT (self));
  server = &self->servers[role];

  /* Another host is another certificate: a pin never follows a move. */
  if (g_strcmp0 (server->host, host) != 0)
    g_clear_object (&server->pinned_certificate);
  set_string (&server->host, host);
  server->port = port;
  server->security = security;
  set_string (&server->user_name, user_name != NULL && *user_name != '\0' ? user_name : NULL);
}

GTlsCertificate *
kabar_account_get_pinned_certificate (KabarAccount    *self,
                                      KabarServerRole  role)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), NULL);
  return self->servers[role].pinned_certificate;
}

void
kabar_account_set_pinned_certificate (KabarAccount    *self,
                                      KabarServerRole  role,
                                      GTlsCertificate *certificate)
{
  g_return_if_fail (KABAR_IS_ACCOUNT (self));
  g_set_object (&self->servers[role].pinned_certificate, certificate);
}

static gboolean
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, KABAR_ACCOUNT_ERROR, KABAR_ACCOUNT_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
address_is_valid (const char *address)
{
  const char *at = address != NULL ? strrchr (address, '@') : NULL;

  return at != NULL && at != address && at[1] != '\0' && strchr (address, ' ') == NULL;
}

static gboolean
server_validate (const Server  *server,
                 const char    *what,
                 GError       **error)
{
  if (server->host == NULL || *server->host == '\0')
    {
      g_set_error (error, KABAR_ACCOUNT_ERROR, KABAR_ACCOUNT_ERROR_INVALID,
                   "The %s server has no host name", what);
      return FALSE;
    }
  if (server->port == 0)
    {
      g_set_error (error, KABAR_ACCOUNT_ERROR, KABAR_ACCOUNT_ERROR_INVALID,
                   "The %s server has no port", what);
      return FALSE;
    }
  return TRUE;
}

gboolean
kabar_account_validate (KabarAccount  *self,
                        GError       **error)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), FALSE);

  if (!address_is_valid (self->address))
    return invalid (error, "The account has no valid mail address");
  for (guint i = 0; i < self->aliases->len; i++)
    {
      Identity *identity = g_ptr_array_index (self->aliases, i);

      if (!address_is_valid (identity->address))
        {
          g_set_error (error, KABAR_ACCOUNT_ERROR, KABAR_ACCOUNT_ERROR_INVALID,
                       "Identity %u has no valid mail address (“%s”)", i + 1,
                       identity->address != NULL ? identity->address : "");
          return FALSE;
        }
    }

  if (!server_validate (&self->servers[KABAR_SERVER_INCOMING], "incoming", error))
    return FALSE;
  /* Microsoft Graph sends through the incoming server (the Graph host). */
  if (self->incoming_kind == KABAR_INCOMING_GRAPH)
    return TRUE;
  return server_validate (&self->servers[KABAR_SERVER_OUTGOING], "outgoing", error);
}

static const char *
enum_to_nick (GType type,
              int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *enum_value = g_enum_get_value (klass, value);

  g_return_val_if_fail (enum_value != NULL, NULL);
  return enum_value->value_nick;
}

static gboolean
enum_from_key_file (GKeyFile    *key_file,
                    const char  *group,
                    const char  *key,
                    GType        type,
                    int         *value,
                    GError     **error)
{
  g_autofree char *nick = g_key_file_get_string (key_file, group, key, error);
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *enum_value;

  if (nick == NULL)
    return FALSE;

  klass = g_type_class_ref (type);
  enum_value = g_enum_get_value_by_nick (klass, nick);
  if (enum_value == NULL)
    {
      g_set_error (error, KABAR_ACCOUNT_ERROR, KABAR_ACCOUNT_ERROR_INVALID,
                   "“%s” is not a valid %s in [%s]", nick, key, group);
      return FALSE;
    }
  *value = enum_value->value;
  return TRUE;
}

static void
server_to_key_file (const Server *server,
                    GKeyFile     *key_file,
                    const char   *group)
{
  g_key_file_set_string (key_file, group, "Host", server->host);
  g_key_file_set_integer (key_file, group, "Port", server->port);
  g_key_file_set_string (key_file, group, "Security", enum_to_nick (KABAR_TYPE_SECURITY, server->security));

  if (server->user_name != NULL)
    g_key_file_set_string (key_file, group, "UserName", server->user_name);
  else
    g_key_file_remove_key (key_file, group, "UserName", NULL);

  if (server->pinned_certificate != NULL)
    {
      g_autofree char *pem = NULL;

      g_object_get (server->pinned_certificate, "certificate-pem", &pem, NULL);
      g_key_file_set_string (key_file, group, "PinnedCertificate", pem);
    }
  else
    g_key_file_remove_key (key_file, group, "PinnedCertificate", NULL);
}

static void
set_optional_string (GKeyFile   *key_file,
                     const char *group,
                     const char *key,
                     const char *value)
{
  if (value != NULL)
    g_key_file_set_string (key_file, group, key, value);
  else
    g_key_file_remove_key (key_file, group, key, NULL);
}

static gboolean
is_identity_group (const char *group)
{
  return g_str_has_prefix (group, GROUP_IDENTITY_PREFIX);
}

static gboolean
is_identity_key (const char *key)
{
  return g_str_equal (key, "Name") || g_str_equal (key, "Address") || g_str_equal (key, "Signature");
}

/* Rewritten from scratch: a removed alias leaves no group behind, and the
 * others keep their order. */
static void
identities_to_key_file (KabarAccount *self,
                        GKeyFile     *key_file)
{
  g_auto(GStrv) groups = g_key_file_get_groups (key_file, NULL);

  set_optional_string (key_file, GROUP_ACCOUNT, "Signature", self->signature);
  for (guint i = 0; groups[i] != NULL; i++)
    if (is_identity_group (groups[i]))
      g_key_file_remove_group (key_file, groups[i], NULL);

  for (guint i = 0; i < self->aliases->len; i++)
    {
      Identity *identity = g_ptr_array_index (self->aliases, i);
      g_autofree char *group = g_strdup_printf (GROUP_IDENTITY_PREFIX "%u", i + 1);

      g_key_file_set_string (key_file, group, "Name", identity->name != NULL ? identity->name : "");
      g_key_file_set_string (key_file, group, "Address", identity->address);
      set_optional_string (key_file, group, "Signature", identity->signature);
      for (guint k = 0; k + 1 < identity->unknown->len; k += 2)
        g_key_file_set_value (key_file, group, g_ptr_array_index (identity->unknown, k),
                              g_ptr_array_index (identity->unknown, k + 1));
    }
}

static gint
compare_identity_groups (gconstpointer a,
                         gconstpointer b)
{
  guint64 first = g_ascii_strtoull (*(char **) a + strlen (GROUP_IDENTITY_PREFIX), NULL, 10);
  guint64 second = g_ascii_strtoull (*(char **) b + strlen (GROUP_IDENTITY_PREFIX), NULL, 10);

  return first < second ? -1 : first > second;
}

static Identity *
identity_from_key_file (GKeyFile    *key_file,
                        const char  *group,
                        GError     **error)
{
  Identity *identity = g_new0 (Identity, 1);
  g_auto(GStrv) keys = g_key_file_get_keys (key_file, group, NULL, NULL);

  identity->unknown = g_ptr_array_new_with_free_func (g_free);
  identity->name = g_key_file_get_string (key_file, group, "Name", NULL);
  identity->address = g_key_file_get_string (key_file, group, "Address", error);
  identity->signature = g_key_file_get_string (key_file, group, "Signature", NULL);
  if (identity->address == NULL)
    {
      identity_free (identity);
      return NULL;
    }
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    if (!is_identity_key (keys[i]))
      {
        g_ptr_array_add (identity->unknown, g_strdup (keys[i]));
        g_ptr_array_add (identity->unknown, g_key_file_get_value (key_file, group, keys[i], NULL));
      }
  return identity;
}

static gboolean
identities_from_key_file (KabarAccount  *self,
                          GKeyFile      *key_file,
                          GError       **error)
{
  g_auto(GStrv) groups = g_key_file_get_groups (key_file, NULL);
  g_autoptr(GPtrArray) identity_groups = g_ptr_array_new ();

  self->signature = g_key_file_get_string (key_file, GROUP_ACCOUNT, "Signature", NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    if (is_identity_group (groups[i]))
      g_ptr_array_add (identity_groups, groups[i]);
  g_ptr_array_sort (identity_groups, compare_identity_groups);

  for (guint i = 0; i < identity_groups->len; i++)
    {
      Identity *identity = identity_from_key_file (key_file, g_ptr_array_index (identity_groups, i), error);

      if (identity == NULL)
        return FALSE;
      g_ptr_array_add (self->aliases, identity);
    }
  return TRUE;
}

static GKeyFile *
copy_key_file (GKeyFile *key_file)
{
  GKeyFile *copy = g_key_file_new ();
  gsize length;
  g_autofree char *data = g_key_file_to_data (key_file, &length, NULL);

  /* It was read from, or written as, a key file: it reads back. */
  if (!g_key_file_load_from_data (copy, data, length, G_KEY_FILE_KEEP_COMMENTS, NULL))
    g_assert_not_reached ();
  return copy;
}

KabarAccount *
kabar_account_dup (KabarAccount *self)
{
  KabarAccount *copy;

  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), NULL);

  copy = g_object_new (KABAR_TYPE_ACCOUNT, "id", self->id, NULL);
  copy->display_name = g_strdup (self->display_name);
  copy->address = g_strdup (self->address);
  copy->incoming_kind = self->incoming_kind;
  copy->auth_method = self->auth_method;
  copy->server_files_sent = self->server_files_sent;
  copy->pop_server_copies = self->pop_server_copies;
  copy->pop_delete_after_days = self->pop_delete_after_days;
  copy->signature = g_strdup (self->signature);
  copy->oauth2_client_id = g_strdup (self->oauth2_client_id);
  copy->oauth2_tenant = g_strdup (self->oauth2_tenant);
  copy->oauth2_authority = g_strdup (self->oauth2_authority);
  for (guint i = 0; i < self->aliases->len; i++)
    g_ptr_array_add (copy->aliases, identity_copy (g_ptr_array_index (self->aliases, i)));
  for (guint role = 0; role < G_N_ELEMENTS (self->servers); role++)
    {
      copy->servers[role] = self->servers[role];
      copy->servers[role].host = g_strdup (self->servers[role].host);
      copy->servers[role].user_name = g_strdup (self->servers[role].user_name);
      if (self->servers[role].pinned_certificate != NULL)
        g_object_ref (self->servers[role].pinned_certificate);
    }
  g_key_file_unref (copy->key_file);
  copy->key_file = copy_key_file (self->key_file);
  return copy;
}

GKeyFile *
kabar_account_to_key_file (KabarAccount  *self,
                           GError       **error)
{
  GKeyFile *key_file;

  g_return_val_if_fail (KABAR_IS_ACCOUNT (self), NULL);

  if (!kabar_account_validate (self, error))
    return NULL;

  key_file = g_key_file_ref (self->key_file);
  g_key_file_set_string (key_file, GROUP_ACCOUNT, "Id", self->id);
  g_key_file_set_string (key_file, GROUP_ACCOUNT, "DisplayName", self->display_name ? self->display_name : "");
  g_key_file_set_string (key_file, GROUP_ACCOUNT, "Address", self->address);
  g_key_file_set_string (key_file, GROUP_ACCOUNT, "IncomingKind",
                         enum_to_nick (KABAR_TYPE_INCOMING_KIND, self->incoming_kind));
  g_key_file_set_string (key_file, GROUP_ACCOUNT, "AuthMethod",
                         enum_to_nick (KABAR_TYPE_AUTH_METHOD, self->auth_method));
  g_key_file_set_boolean (key_file, GROUP_ACCOUNT, "ServerFilesSent", self->server_files_sent);
  g_key_file_set_string (key_file, GROUP_ACCOUNT, "PopServerCopies",
                         enum_to_nick (KABAR_TYPE_POP_SERVER_COPIES, self->pop_server_copies));
  g_key_file_set_uint64 (key_file, GROUP_ACCOUNT, "PopDeleteAfterDays", self->pop_delete_after_days);
  set_optional_string (key_file, GROUP_ACCOUNT, "OAuth2ClientId", self->oauth2_client_id);
  set_optional_string (key_file, GROUP_ACCOUNT, "OAuth2Tenant", self->oauth2_tenant);
  set_optional_string (key_file, GROUP_ACCOUNT, "OAuth2Authority", self->oauth2_authority);
  identities_to_key_file (self, key_file);

  for (guint role = 0; role < G_N_ELEMENTS (server_groups); role++)
    {
      if (self->servers[role].host != NULL)
        server_to_key_file (&self->servers[role], key_file, server_groups[role]);
      else
        g_key_file_remove_group (key_file, server_groups[role], NULL);
    }
  return key_file;
}

static gboolean
server_from_key_file (Server    *server,
                      GKeyFile  *key_file,
                      const char *group,
                      GError   **error)
{
  g_autofree char *pem = NULL;
  int security;
  int port;

  if (!g_key_file_has_group (key_file, group))
    return TRUE;

  server->host = g_key_file_get_string (key_file, group, "Host", error);
  if (server->host == NULL)
    return FALSE;

  port = g_key_file_get_integer (key_file, group, "Port", error);
  if (port <= 0 || port > G_MAXUINT16)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, KABAR_ACCOUNT_ERROR, KABAR_ACCOUNT_ERROR_INVALID,
                     "%d is not a valid port in [%s]", port, group);
      return FALSE;
    }
  server->port = port;

  if (!enum_from_key_file (key_file, group, "Security", KABAR_TYPE_SECURITY, &security, error))
    return FALSE;
  server->security = security;
  server->user_name = g_key_file_get_string (key_file, group, "UserName", NULL);

  pem = g_key_file_get_string (key_file, group, "PinnedCertificate", NULL);
  if (pem != NULL)
    {
      server->pinned_certificate = g_tls_certificate_new_from_pem (pem, -1, error);
      if (server->pinned_certificate == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Both optional: files written before POP accounts existed have neither. */
static gboolean
pop_settings_from_key_file (KabarAccount  *self,
                            GKeyFile      *key_file,
                            GError       **error)
{
  int copies;

  if (g_key_file_has_key (key_file, GROUP_ACCOUNT, "PopServerCopies", NULL))
    {
      if (!enum_from_key_file (key_file, GROUP_ACCOUNT, "PopServerCopies",
                               KABAR_TYPE_POP_SERVER_COPIES, &copies, error))
        return FALSE;
      self->pop_server_copies = copies;
    }
  if (g_key_file_has_key (key_file, GROUP_ACCOUNT, "PopDeleteAfterDays", NULL))
    {
      g_autofree char *text = g_key_file_get_value (key_file, GROUP_ACCOUNT, "PopDeleteAfterDays", NULL);
      guint64 days = g_key_file_get_uint64 (key_file, GROUP_ACCOUNT, "PopDeleteAfterDays", NULL);

      if (days == 0 || days > G_MAXUINT)
        {
          g_set_error (error, KABAR_ACCOUNT_ERROR, KABAR_ACCOUNT_ERROR_INVALID,
                       "PopDeleteAfterDays must be a number of days from 1, not \"%s\"", text);
          return FALSE;
        }
      self->pop_delete_after_days = days;
    }
  return TRUE;
}

static char *
get_optional_string (GKeyFile   *key_file,
                     const char *key)
{
  g_autofree char *value = g_key_file_get_string (key_file, GROUP_ACCOUNT, key, NULL);

  return g_strdup (non_empty_or_null (value));
}

/* All optional: the defaults are Kabar's own client and Microsoft. */
static void
oauth2_settings_from_key_file (KabarAccount *self,
                               GKeyFile     *key_file)
{
  self->oauth2_client_id = get_optional_string (key_file, "OAuth2ClientId");
  self->oauth2_tenant = get_optional_string (key_file, "OAuth2Tenant");
  self->oauth2_authority = get_optional_string (key_file, "OAuth2Authority");
}

KabarAccount *
kabar_account_new_from_key_file (GKeyFile  *key_file,
                                 GError   **error)
{
  g_autoptr(KabarAccount) self = NULL;
  g_autofree char *id = NULL;
  int kind, method;

  g_return_val_if_fail (key_file != NULL, NULL);

  id = g_key_file_get_string (key_file, GROUP_ACCOUNT, "Id", error);
  if (id == NULL)
    return NULL;

  self = g_object_new (KABAR_TYPE_ACCOUNT, "id", id, NULL);
  g_key_file_unref (self->key_file);
  self->key_file = g_key_file_ref (key_file);

  self->display_name = g_key_file_get_string (key_file, GROUP_ACCOUNT, "DisplayName", NULL);
  self->address = g_key_file_get_string (key_file, GROUP_ACCOUNT, "Address", error);
  if (self->address == NULL ||
      !enum_from_key_file (key_file, GROUP_ACCOUNT, "IncomingKind", KABAR_TYPE_INCOMING_KIND, &kind, error) ||
      !enum_from_key_file (key_file, GROUP_ACCOUNT, "AuthMethod", KABAR_TYPE_AUTH_METHOD, &method, error))
    return NULL;
  self->incoming_kind = kind;
  self->auth_method = method;
  self->server_files_sent = g_key_file_get_boolean (key_file, GROUP_ACCOUNT, "ServerFilesSent", NULL);
  oauth2_settings_from_key_file (self, key_file);
  if (!pop_settings_from_key_file (self, key_file, error) ||
      !identities_from_key_file (self, key_file, error))
    return NULL;

  for (guint role = 0; role < G_N_ELEMENTS (server_groups); role++)
    if (!server_from_key_file (&self->servers[role], key_file, server_groups[role], error))
      return NULL;

  if (!kabar_account_validate (self, error))
    return NULL;
  return g_steal_pointer (&self);
}
