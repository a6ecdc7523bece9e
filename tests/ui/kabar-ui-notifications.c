/* kabar-ui-notifications.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-ui-notifications.h"
#include "kabar-ui-test.h"

static GDBusConnection *bus;
static guint registration;
static guint owner;
static GPtrArray *added;
static GPtrArray *removed;

static const char server_xml[] =
  "<node>"
  "  <interface name='org.gtk.Notifications'>"
  "    <method name='AddNotification'>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/>"
  "    </method>"
  "    <method name='RemoveNotification'>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static void
notification_free (gpointer data)
{
  KabarUiNotification *notification = data;

  g_free (notification->app_id);
  g_free (notification->id);
  g_clear_pointer (&notification->notification, g_variant_unref);
  g_free (notification);
}

static void
on_server_call (GDBusConnection       *connection,
                const char            *sender,
                const char            *path,
                const char            *interface,
                const char            *method,
                GVariant              *parameters,
                GDBusMethodInvocation *invocation,
                gpointer               user_data)
{
  KabarUiNotification *call = g_new0 (KabarUiNotification, 1);

  if (g_strcmp0 (method, "AddNotification") == 0)
    {
      g_variant_get (parameters, "(ss@a{sv})", &call->app_id, &call->id, &call->notification);
      g_ptr_array_add (added, call);
    }
  else
    {
      g_variant_get (parameters, "(ss)", &call->app_id, &call->id);
      g_ptr_array_add (removed, call);
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static gboolean
name_settled (gpointer data)
{
  return *(int *) data != 0;
}

static void
on_name_acquired (GDBusConnection *connection,
                  const char      *name,
                  gpointer         data)
{
  *(int *) data = 1;
}

static void
on_name_lost (GDBusConnection *connection,
              const char      *name,
              gpointer         data)
{
  *(int *) data = -1;
}

void
kabar_ui_notifications_start (void)
{
  static const GDBusInterfaceVTable vtable = { on_server_call, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (server_xml, NULL);
  g_autoptr(GError) error = NULL;
  static int state;

  g_assert_null (bus);
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  added = g_ptr_array_new_with_free_func (notification_free);
  removed = g_ptr_array_new_with_free_func (notification_free);
  registration = g_dbus_connection_register_object (bus, "/org/gtk/Notifications", node->interfaces[0],
                                                    &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  state = 0;
  owner = g_bus_own_name_on_connection (bus, "org.gtk.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                        on_name_acquired, on_name_lost, &state, NULL);
  g_assert_true (kabar_ui_test_wait_for (name_settled, &state, 10000));
  g_assert_cmpint (state, ==, 1);
}

void
kabar_ui_notifications_stop (void)
{
  if (bus == NULL)
    return;
  g_bus_unown_name (owner);
  g_dbus_connection_unregister_object (bus, registration);
  g_clear_object (&bus);
  g_clear_pointer (&added, g_ptr_array_unref);
  g_clear_pointer (&removed, g_ptr_array_unref);
}

GPtrArray *
kabar_ui_notifications_get_added (void)
{
  return added;
}

GPtrArray *
kabar_ui_notifications_get_removed (void)
{
  return removed;
}

const char *
kabar_ui_notification_lookup (KabarUiNotification *notification,
                              const char          *key)
{
  const char *value = NULL;

  g_variant_lookup (notification->notification, key, "&s", &value);
  return value;
}
