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

G_END_DECLS
