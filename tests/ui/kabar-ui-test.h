/* kabar-ui-test.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What every UI test needs: the translations of this build, a way to wait
 * for what the user would see, and screenshots.
 */

#pragma once

#include <gtk/gtk.h>

#include "kabar-account-item.h"
#include "kabar-application.h"
#include "kabar-folder-item.h"
#include "kabar-secrets.h"

G_BEGIN_DECLS

typedef gboolean (*KabarUiTestCondition) (gpointer data);

void        kabar_ui_test_init               (int                    *argc,
                                              char                 ***argv);
const char *kabar_ui_test_language           (void);
gboolean    kabar_ui_test_wait_for           (KabarUiTestCondition    condition,
                                              gpointer                data,
                                              guint                   timeout_ms);
void        kabar_ui_test_wait_for_frame     (GtkWidget              *widget);
GtkWidget  *kabar_ui_test_find_widget        (GtkWidget              *root,
                                              GType                   type);
/* Every widget of the type under root (root included), depth first; the
 * array does not own them. */
GPtrArray  *kabar_ui_test_find_widgets       (GtkWidget              *root,
                                              GType                   type);
/* A label under root that shows exactly text on screen (drawable), or
 * NULL. */
GtkWidget  *kabar_ui_test_find_label         (GtkWidget              *root,
                                              const char             *text);
/* Waits until such a label shows under root; FALSE after timeout_ms. */
gboolean    kabar_ui_test_wait_for_label     (GtkWidget              *root,
                                              const char             *text,
                                              guint                   timeout_ms);
/* The button labelled button_label (as given, with its mnemonic) of the
 * toast under root that says text, or NULL: other toasts may still be
 * sliding away. */
GtkWidget  *kabar_ui_test_find_toast_button  (GtkWidget              *root,
                                              const char             *text,
                                              const char             *button_label);

/* Activates app and waits until its active window is mapped; that window. */
GtkWidget  *kabar_ui_test_present_window     (GtkApplication         *app);
/* A visible toplevel of the type (a dialog, the folder chooser), or NULL. */
GtkWindow  *kabar_ui_test_find_toplevel      (GType                   type);
/* Conditions for kabar_ui_test_wait_for(), data GSIZE_TO_POINTER (type):
 * a toplevel of the type is mapped; none is visible. */
gboolean    kabar_ui_test_toplevel_shown     (gpointer                type);
gboolean    kabar_ui_test_toplevel_gone      (gpointer                type);
/* Waits until a toplevel of the type is mapped and drawn; that toplevel. */
GtkWindow  *kabar_ui_test_wait_for_toplevel  (GType                   type);

/* The sidebar's account with address (the first when NULL) in window, and
 * its folder at path, at any depth; NULL until listed. The sidebar keeps
 * the items. */
KabarAccountItem *kabar_ui_test_find_account (GtkWidget              *window,
                                              const char             *address);
KabarFolderItem *kabar_ui_test_find_folder   (GtkWidget              *window,
                                              const char             *address,
                                              const char             *path);

/* The button under root that shows label, as its label or as the text
 * of a label inside it (a button whose words wrap), or NULL. */
GtkWidget  *kabar_ui_test_find_button        (GtkWidget              *root,
                                              const char             *label);
GdkTexture *kabar_ui_test_screenshot         (GtkWidget              *widget,
                                              const char             *name);
/* The same with inset_texture drawn over inset, a widget under widget:
 * for what paints outside GTK's own rendering (a web view's page, taken
 * with webkit_web_view_get_snapshot()). */
GdkTexture *kabar_ui_test_screenshot_with_inset (GtkWidget           *widget,
                                                 const char          *name,
                                                 GtkWidget           *inset,
                                                 GdkTexture          *inset_texture);
guint       kabar_ui_test_count_colours      (GdkTexture             *texture);
/* Waits for widget's next frame and saves its screenshot; fails the test
 * when the picture has min_colours colours or fewer (0: any picture). */
void        kabar_ui_test_save_screenshot    (GtkWidget              *widget,
                                              const char             *name,
                                              guint                   min_colours);
/* The same for window with popover (a surface of its own, which a
 * picture of the window leaves out) drawn where the user sees it. */
void        kabar_ui_test_save_screenshot_with_popover (GtkWidget    *window,
                                                        GtkWidget    *popover,
                                                        const char   *name);

/* A template's child under root, by its id in the .ui file; fails the
 * test when there is none. */
GtkWidget  *kabar_ui_test_find_by_id         (GtkWidget              *root,
                                              const char             *id);
/* The shown (drawable) button under root whose label, with its mnemonic,
 * is label, or NULL. */
GtkWidget  *kabar_ui_test_find_shown_button  (GtkWidget              *root,
                                              const char             *label);
/* Clicks widget as the pointer's release does: a button's "clicked" at
 * once, anything else activated. Fails the test unless it is shown and
 * sensitive. */
void        kabar_ui_test_click              (GtkWidget              *widget);
/* Activates the shown button labelled label under root, as the keyboard
 * does; fails the test unless there is one, sensitive. */
void        kabar_ui_test_press              (GtkWidget              *root,
                                              const char             *label);
/* A condition for kabar_ui_test_wait_for(): the widget data is drawn. */
gboolean    kabar_ui_test_widget_shown       (gpointer                widget);

/* A new KabarApplication, registered: it reads the accounts then. */
KabarApplication *kabar_ui_test_new_application (void);
/* app's account with address, as its account manager keeps it, or
 * NULL. */
KabarAccount *kabar_ui_test_find_saved_account (KabarApplication     *app,
                                               const char           *address);
/* Selects address's INBOX in window's sidebar and waits until the message
 * list shows its n messages, each summary read; then fails the test unless
 * each subject is among them. */
void        kabar_ui_test_wait_for_inbox     (GtkWidget              *window,
                                              const char             *address,
                                              const char *const      *subjects,
                                              guint                   n,
                                              guint                   timeout_ms);

/* The keyring's secret of that kind for the account, as a copy to
 * g_free(), or NULL. */
char       *kabar_ui_test_lookup_secret      (const char             *account_id,
                                              KabarSecretKind         kind);
/* HOME and XDG_STATE_HOME inside the session's throwaway folder (the
 * session gives the other XDG folders), so that all the profile can be
 * read back. Before kabar_ui_test_init(). */
void        kabar_ui_test_use_private_home   (void);
/* The path of each regular file (links not followed) below the profile's
 * folders (config, data, cache, state, home) that holds one of texts
 * (NULL-terminated); n_files, when not NULL, counts the files read. */
GPtrArray  *kabar_ui_test_grep_profile       (const char *const      *texts,
                                              guint                  *n_files);

G_END_DECLS
