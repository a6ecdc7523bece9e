/* kabar-renderer.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* GTK 4.8 draws with GL wherever GL works, also where GL is Mesa's
 * software rasteriser (no GPU driver: a virtual machine, a remote
 * session, Xvfb). There a fast scroll of the message list spends over
 * 100 ms a frame in the rasteriser and the process holds 100 MiB more,
 * while GTK's cairo renderer draws the same frame in a few milliseconds
 * (README, "Benchmarks"). So, unless the user chose a renderer
 * (GSK_RENDERER), Kabar draws with cairo when the GL it would get is
 * software. Call after gtk_init() and before any window is shown, while
 * the process has no other thread (it sets GSK_RENDERER, which GTK reads
 * when it makes the first window's renderer). Returns TRUE when it chose
 * cairo. */
gboolean kabar_renderer_avoid_software_gl (void);

G_END_DECLS
