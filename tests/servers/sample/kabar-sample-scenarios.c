/* kabar-sample-scenarios.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "kabar-sample-mailbox-private.h"

#include <string.h>

/* The stories the sample mailbox tells: a team releasing Kabar, a family
 * trip to Yogyakarta, relatives in Delhi, shops, newsletters and CI. */

static GDateTime *
reply_date (Gen     *gen,
            Thread  *thread,
            Who      who,
            int      min_minutes,
            int      max_minutes)
{
  return later (gen, thread->last_date, who, min_minutes, max_minutes);
}

static char *
rupiah (guint amount)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  int i;

  g_string_printf (digits, "%u", amount);
  for (i = (int) digits->len - 3; i > 0; i -= 3)
    g_string_insert_c (digits, i, '.');
  return g_strdup_printf ("Rp %s", digits->str);
}

typedef struct {
  int year, month, day;
} Day;

/* These move with the lunar calendars; the table covers the years the demo
 * will plausibly run in, after that a typical date stands in. */
static const Day diwali[] = {
  { 2024, 11, 1 }, { 2025, 10, 20 }, { 2026, 11, 8 }, { 2027, 10, 29 }, { 2028, 10, 17 },
  { 2029, 11, 5 }, { 2030, 10, 26 },
};
static const Day holi[] = {
  { 2024, 3, 25 }, { 2025, 3, 14 }, { 2026, 3, 4 }, { 2027, 3, 22 }, { 2028, 3, 11 },
  { 2029, 3, 1 }, { 2030, 3, 20 },
};
static const Day idul_fitri[] = {
  { 2024, 4, 10 }, { 2025, 3, 31 }, { 2026, 3, 20 }, { 2027, 3, 10 }, { 2028, 2, 27 },
  { 2029, 2, 14 }, { 2030, 2, 4 },
};

static double
days_before (Gen *gen,
             int  year,
             int  month,
             int  day)
{
  g_autoptr(GDateTime) date = g_date_time_new_utc (year, month, day, 12, 0, 0);

  return (double) g_date_time_difference (gen->now, date) / G_TIME_SPAN_DAY;
}

/* How long ago the last festival was that is at least a week old and
 * inside the mailbox's 18 months. */
#define festival_days_ago(gen, table, month, day) \
  festival_days_ago_in ((gen), (table), G_N_ELEMENTS (table), (month), (day))

static double
festival_days_ago_in (Gen       *gen,
                      const Day *table,
                      gsize      n,
                      int        usual_month,
                      int        usual_day)
{
  int year = g_date_time_get_year (gen->now);
  gsize i;

  for (; year > g_date_time_get_year (gen->now) - 3; year--)
    {
      int month = usual_month, day = usual_day;
      double ago;

      for (i = 0; i < n; i++)
        if (table[i].year == year)
          {
            month = table[i].month;
            day = table[i].day;
          }
      ago = days_before (gen, year, month, day);
      if (ago >= 7 && ago < 500)
        return ago;
    }
  return 300;
}

/* Kabar releases */

typedef struct {
  const char *version;
  const char *big_item;
  const char *problem;
  const char *risky_item;
  const char *notes;
} Release;

static const Release releases[] = {
  { "0.2", "offline mode for IMAP", "the cache is not invalidated when UIDVALIDITY changes",
    "the local search index",
    "- Offline mode: read and search cached mail without a connection\n"
    "- Faster startup with large INBOXes (about 3x on 50 000 messages)\n"
    "- Indonesian and Hindi translations\n"
    "- Fixed: attachments with long file names could not be saved\n" },
  { "0.3", "OAuth2 sign-in for Outlook.com", "token refresh races with the first IDLE command",
    "the conversation view",
    "- Sign in to Outlook.com accounts with OAuth2\n"
    "- Conversation view groups replies by References and In-Reply-To\n"
    "- New keyboard shortcuts: r to reply, Shift+r to reply all\n"
    "- Fixed: Sent folder detection on servers without SPECIAL-USE\n" },
  { "0.4", "search by date range", "a crash when the search index is rebuilt during a sync",
    "the new composer toolbar",
    "- Search by sender, date range and attachment\n"
    "- The composer remembers the last used identity per folder\n"
    "- Screen reader labels for every message list column\n"
    "- Fixed: STARTTLS was not enforced after a reconnect\n" },
  { "0.5", "the unified inbox", "the unread count is off by one for shared folders",
    "spell checking for Indonesian and Hindi",
    "- Unified inbox across all accounts\n"
    "- Inline images in HTML mail are shown after one click\n"
    "- Drafts are saved to the server every 30 seconds\n"
    "- Fixed: the unread count of shared folders\n" },
};

static void
release_plan (Gen           *gen,
              const Release *release,
              double         days_ago,
              const char    *folder)
{
  g_autofree char *subject = g_strdup_printf ("Kabar %s release plan", release->version);
  g_autoptr(GDateTime) start = at_day (gen, AYU, days_ago, 9, rand_range (gen, 0, 40));
  g_autoptr(GDateTime) freeze = g_date_time_add_days (start, 21);
  g_autoptr(GDateTime) beta = g_date_time_add_days (start, 28);
  g_autoptr(GDateTime) final = g_date_time_add_days (start, 42);
  g_autofree char *freeze_day = format_long_date (freeze, EN);
  g_autofree char *beta_day = format_long_date (beta, EN);
  g_autofree char *final_day = format_long_date (final, EN);
  g_autofree char *strings = g_strdup_printf ("%d", rand_range (gen, 40, 140));
  g_autofree char *text = NULL;
  g_autofree char *notes_name = g_strdup_printf ("release-notes-%s.txt", release->version);
  g_autofree char *notes = NULL;
  Thread t;
  Record *first;

  thread_init (&t, subject, EN);
  text = fill ("Hi all,\n\n"
               "Here is my proposal for the Kabar {version} schedule:\n\n"
               "- {freeze}: feature freeze and string freeze\n"
               "- {beta}: beta tarball, translators get the final strings\n"
               "- {final}: {version} release\n\n"
               "The big items still open are {big} and {risky}. Rahul, can you tell me "
               "by Thursday whether {big} will make it? If not, I would rather move it "
               "to the next cycle than slip the whole release.\n\n"
               "{owner}, could you coordinate with the translators again? Last time the "
               "Indonesian and Hindi teams needed about ten days after the string freeze.\n\n"
               "Thanks,\nAyu\n",
               "version", release->version, "freeze", freeze_day, "beta", beta_day,
               "final", final_day, "big", release->big_item, "risky", release->risky_item,
               "owner", gen->owner.first, NULL);
  first = thread_post (gen, &t, &(Mail) { .from = AYU, .to = PEOPLE (ME, RAHUL, LUKAS),
                                          .date = g_date_time_ref (start), .folder = folder },
                       text, NULL);
  if (folder == NULL)
    first->flags |= KABAR_SAMPLE_FLAGGED;
  g_clear_pointer (&text, g_free);

  text = fill ("Hi Ayu,\n\n"
               "{big} is in review now. The remaining problem is that {problem}; I have a "
               "fix locally and will push it tomorrow. I think we make the freeze "
               "comfortably.\n\nRahul\n",
               "big", release->big_item, "problem", release->problem, NULL);
  text[0] = g_ascii_toupper (text[0]);
  thread_post (gen, &t, &(Mail) { .from = RAHUL, .to = PEOPLE (AYU), .cc = PEOPLE (ME, LUKAS),
                                  .date = reply_date (gen, &t, RAHUL, 90, 400), .folder = folder },
               text, NULL);
  g_clear_pointer (&text, g_free);

  text = fill ("Hi Ayu,\n\n"
               "The dates look good to me. I will write to the translation teams today and "
               "ask them to plan for the week after the string freeze. For {version} we have "
               "about {strings} new strings, most of them in the account setup.\n\n"
               "One thing: can we keep the beta on {beta} even if {risky} slips? The "
               "distributions asked for a predictable beta date.\n\n{owner}\n",
               "version", release->version, "strings", strings, "beta", beta_day,
               "risky", release->risky_item, "owner", gen->owner.first, NULL);
  thread_post (gen, &t, &(Mail) { .from = ME, .to = PEOPLE (AYU), .cc = PEOPLE (RAHUL, LUKAS),
                                  .date = reply_date (gen, &t, ME, 30, 180) },
               text, NULL);
  g_clear_pointer (&text, g_free);

  text = fill ("The dates work for me too. I can do the German translation update myself "
               "on the weekend after the freeze.\n\n"
               "About {risky}: I would not block on it. The patch is big and we found two "
               "regressions in it last week.\n\nCheers,\nLukas\n",
               "risky", release->risky_item, NULL);
  thread_post (gen, &t, &(Mail) { .from = LUKAS, .to = PEOPLE (AYU), .cc = PEOPLE (ME, RAHUL),
                                  .date = reply_date (gen, &t, LUKAS, 120, 600), .folder = folder },
               text, NULL);
  g_clear_pointer (&text, g_free);

  notes = fill ("Kabar {version}\n"
                "===========\n\n"
                "Released on {final}.\n\n"
                "What's new\n----------\n\n{notes}\n"
                "Thanks to everyone who reported bugs, translated and tested the betas.\n",
                "version", release->version, "final", final_day, "notes", release->notes, NULL);
  thread_post (gen, &t, &(Mail) { .from = AYU, .to = PEOPLE (ME, RAHUL, LUKAS),
                                  .date = reply_date (gen, &t, AYU, 600, 1500), .folder = folder },
               "Thanks everyone. The schedule is final then: the risky item only goes in if "
               "it is merged before the freeze. I have attached the draft release notes, "
               "please add anything I missed.\n\nAyu\n",
               attachment ("text/plain", notes_name, bytes_of (notes)), NULL);
  thread_clear (&t);
}

/* Bug reports */

typedef struct {
  Who reporter;
  Language language;
  const char *subject;
  const char *report;
  const char *answer;
  const char *confirmation;
  const char *log;          /* attached as a text file when set */
  gboolean screenshot;
} Bug;

static const Bug bugs[] = {
  { SARAH, EN, "Crash when a message has an empty Content-Type",
    "Hi,\n\nKabar crashes as soon as I open a particular newsletter in my INBOX. I saved the "
    "raw message and the only unusual thing I can see is an empty Content-Type header on "
    "the second part. Other clients show it as plain text.\n\nKabar is the nightly from "
    "yesterday, on Debian 12.\n\nSarah\n",
    "Hi Sarah,\n\nThanks for the report and for saving the message, that made it easy. An "
    "empty Content-Type now falls back to text/plain as RFC 2045 says; the fix is merged "
    "and will be in tomorrow's nightly.\n",
    "Confirmed, the nightly opens it fine. Thanks for the quick fix!\n\nSarah\n",
    NULL, FALSE },
  { KENJI, EN, "Outlook.com account stops syncing after an hour",
    "Hello,\n\nMy Outlook.com account stops receiving new mail after about an hour. "
    "Restarting Kabar fixes it until the next hour. I have attached the log with "
    "KABAR_DEBUG=imap, the interesting part starts around 10:42.\n\nBest regards,\nKenji\n",
    "Hi Kenji,\n\nThe log shows it well: the access token expires while the IDLE "
    "connection is open, and we only refresh it when a new command fails. I have a patch "
    "that refreshes five minutes before expiry. Could you try the build from the merge "
    "request?\n",
    "I ran the patched build over the weekend and there were no gaps at all. Looks fixed "
    "to me.\n\nKenji\n",
    "10:41:58 imap: [outlook] IDLE started on INBOX\n"
    "10:42:03 oauth2: access token expires in 0 s\n"
    "10:42:33 imap: [outlook] * BYE Session invalidated - AccessTokenExpired\n"
    "10:42:33 imap: [outlook] connection closed by server\n"
    "10:42:34 imap: [outlook] reconnect scheduled in 600 s\n", FALSE },
  { MEERA, EN, "Screen reader reads the unread count twice",
    "Hi,\n\nWith Orca, moving through the folder list reads every unread count twice, "
    "for example \"INBOX, 12 unread, 12\". It gets tiring quickly with many folders.\n\n"
    "Meera\n",
    "Hi Meera,\n\nYou are right: the count label had its own accessible name in addition "
    "to the row's description. I removed it from the accessibility tree; the row now "
    "says \"INBOX, 12 unread\" once.\n",
    "Much better now, thank you. I will keep going through the rest of the app and "
    "collect what I find in one report.\n\nMeera\n",
    NULL, FALSE },
  { LUKAS, EN, "Folder names with umlauts shown as &APw-",
    "Hi,\n\nOn my mailbox.org-style server, a folder called \"Bücher\" shows up as "
    "\"B&APw-cher\" in the sidebar, but only after a restart. Freshly created it looks "
    "fine.\n\nLukas\n",
    "Hi Lukas,\n\nGood catch: we decoded modified UTF-7 for LIST replies but not for the "
    "folder names we read back from the cache. Both go through the same function now, "
    "and there is a test with your folder name.\n",
    "Works here, thanks. Bücher is Bücher again.\n\nLukas\n",
    NULL, FALSE },
  { PRIYA, EN, "Dark mode: quoted text is unreadable",
    "Hi,\n\nIn dark mode the quoted text in plain text mail is dark grey on almost black. "
    "Screenshot attached. I think it needs the same dimmed colour we use for the "
    "sidebar captions.\n\nPriya\n",
    "Hi Priya,\n\nAgreed, we hard-coded the colour instead of taking it from the style "
    "sheet. It now uses the dimmed label colour in both modes.\n",
    "Looks right now, in both modes. Thanks!\n\nPriya\n",
    NULL, TRUE },
  { ARJUN, EN, "Hindi subjects shown as raw encoded words",
    "Hey,\n\nSome mail from my relatives shows the subject as raw =?UTF-8?B?...?= text. It "
    "seems to happen when the subject is long and gets folded over two lines. Short Hindi "
    "subjects are fine.\n\nArjun\n",
    "Hi Arjun,\n\nThat was the decoder giving up when an encoded word was split in the "
    "middle of a multi-byte character, which some mailers do despite RFC 2047. We now "
    "join adjacent encoded words before decoding, as other clients do.\n",
    "Yes, all the subjects read fine now. My aunt will be happy, she thought I was "
    "ignoring her mail!\n\nArjun\n",
    NULL, FALSE },
  { SARAH, EN, "Attachment loses its extension when saved",
    "Hi again,\n\nA PDF from our accountant gets saved as \"Annual report 2025 - final v\" "
    "without the \".pdf\". The file name in the message is quite long, so maybe it is "
    "split over several parameters?\n\nSarah\n",
    "Hi Sarah,\n\nExactly: the name uses RFC 2231 continuations (filename*0, filename*1, ...) "
    "and we only kept the first part. Kabar now joins them in order.\n",
    "Saved with the right name this time. Thank you!\n\nSarah\n",
    NULL, FALSE },
  { KENJI, EN, "New mail not shown after resume from suspend",
    "Hi,\n\nAfter my laptop wakes up from suspend, Kabar does not show new mail until I "
    "click on another folder. The network is back within a few seconds.\n\nKenji\n",
    "Hi Kenji,\n\nKabar waited for the old IDLE connection to time out, which takes up to "
    "29 minutes. It now listens to the network monitor and reconnects as soon as the "
    "network comes back.\n",
    "Confirmed fixed, new mail appears a few seconds after resume.\n\nKenji\n",
    NULL, FALSE },
  { BUDI, ID, "Notifikasi muncul dua kali",
    "Halo,\n\nSejak pembaruan kemarin, setiap email baru memunculkan dua notifikasi yang "
    "sama. Saya pakai dua akun, mungkin ada hubungannya?\n\nTerima kasih,\nBudi\n",
    "Halo Budi,\n\nBetul, penyebabnya akun kedua: folder INBOX-nya ikut memantau akun "
    "pertama. Sudah diperbaiki, tolong dicoba lagi dengan versi nightly besok.\n",
    "Sudah saya coba, sekarang notifikasinya cuma sekali. Mantap, terima kasih!\n\nBudi\n",
    NULL, FALSE },
  { RAHUL, EN, "Drafts duplicated on every save",
    "Hi,\n\nWith the Fastmail-style test server, every automatic draft save leaves the old "
    "copy behind, so a long mail ends up as fifteen drafts. The old copy should be "
    "expunged after the APPEND succeeds.\n\nRahul\n",
    "Hi Rahul,\n\nThe server does not send APPENDUID, and we relied on it to find the old "
    "draft. Without UIDPLUS we now search by Message-ID before deleting.\n",
    "Tested with both servers, one draft each time. Thanks!\n\nRahul\n",
    NULL, FALSE },
  { MEERA, EN, "Keyboard focus lost after deleting a message",
    "Hi,\n\nWhen I delete a message with the Delete key, the focus jumps to the window "
    "instead of the next message, so the next key press does nothing. Keyboard users "
    "have to click back into the list.\n\nMeera\n",
    "Hi Meera,\n\nThe row was removed before we moved the selection. Kabar now selects the "
    "next message first and keeps the focus on the list.\n",
    "Perfect, I can go through my INBOX with the keyboard only now.\n\nMeera\n",
    NULL, FALSE },
  { LUKAS, EN, "Sent mail not in the Sent folder",
    "Hi,\n\nOn one of my accounts, sent mail never shows up in the Sent folder. The server "
    "calls it \"Gesendet\" and does not advertise SPECIAL-USE.\n\nLukas\n",
    "Hi Lukas,\n\nWithout SPECIAL-USE we only looked for English names. Kabar now knows the "
    "usual localized names and lets you pick the folder in the account settings.\n",
    "Found it on its own. Thanks a lot!\n\nLukas\n",
    NULL, FALSE },
};

static void
bug_report (Gen        *gen,
            const Bug  *bug,
            guint       index,
            double      days_ago)
{
  const char *folder = days_ago > 30 ? "Projects/Kabar" : NULL;
  g_autofree char *answer = NULL;
  Thread t;
  Record *first;

  thread_init (&t, bug->subject, bug->language);
  if (bug->log != NULL)
    first = thread_post (gen, &t, &(Mail) { .from = bug->reporter, .to = PEOPLE (ME),
                                            .date = at_day (gen, bug->reporter, days_ago, rand_range (gen, 8, 21), rand_range (gen, 0, 59)),
                                            .folder = folder },
                         bug->report, attachment ("text/plain", "kabar-debug.log", bytes_of (bug->log)), NULL);
  else if (bug->screenshot)
    first = thread_post (gen, &t, &(Mail) { .from = bug->reporter, .to = PEOPLE (ME),
                                            .date = at_day (gen, bug->reporter, days_ago, rand_range (gen, 8, 21), rand_range (gen, 0, 59)),
                                            .folder = folder },
                         bug->report, attachment ("image/png", "quoted-text-dark-mode.png", make_png (PICTURE_SCREENSHOT, index)), NULL);
  else
    first = thread_post (gen, &t, &(Mail) { .from = bug->reporter, .to = PEOPLE (ME),
                                            .date = at_day (gen, bug->reporter, days_ago, rand_range (gen, 8, 21), rand_range (gen, 0, 59)),
                                            .folder = folder },
                         bug->report, NULL);
  if (index % 5 == 1)
    first->flags |= KABAR_SAMPLE_FLAGGED;

  answer = g_strdup_printf ("%s\n%s\n", bug->answer,
                            bug->language == ID ? "Salam," : "Thanks again,");
  {
    g_autofree char *signed_answer = g_strdup_printf ("%s%s\n", answer, gen->owner.first);
    thread_post (gen, &t, &(Mail) { .from = ME, .to = PEOPLE (bug->reporter),
                                    .date = reply_date (gen, &t, ME, 60, 60 * 30) },
                 signed_answer, NULL);
  }
  thread_post (gen, &t, &(Mail) { .from = bug->reporter, .to = PEOPLE (ME),
                                  .date = reply_date (gen, &t, bug->reporter, 60 * 10, 60 * 48),
                                  .folder = folder },
               bug->confirmation, NULL);
  thread_clear (&t);
}

/* Code and design reviews */

static void
design_reviews (Gen *gen)
{
  Thread t;

  thread_init (&t, "Review: thread messages by References, then by subject", EN);
  thread_post (gen, &t, &(Mail) { .from = LUKAS, .to = PEOPLE (ME), .cc = PEOPLE (RAHUL),
                                  .date = at_day (gen, LUKAS, 250, 10, 5), .folder = "Projects/Kabar" },
               "Hi,\n\nI looked at the threading branch. The References walk is nice and "
               "simple. Two remarks:\n\n"
               "1. Falling back to the subject merges unrelated \"Invoice\" mails from the "
               "same shop into one thread. Could we only do it when the subjects match "
               "after stripping Re:/Fwd:/AW:/Balas: and the dates are within a few weeks?\n"
               "2. When a message refers to itself in References (yes, I have seen that), "
               "the loop never ends. A visited set would fix it.\n\nLukas\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = ME, .to = PEOPLE (LUKAS), .cc = PEOPLE (RAHUL),
                                  .date = reply_date (gen, &t, ME, 120, 900) },
               "Thanks Lukas, both good points. I added the visited set and a test with a "
               "self-referencing message. For the subject fallback I now require the "
               "same normalized subject and at most 30 days between the messages; "
               "\"Balas:\" and \"Antw:\" are in the list too.\n\n"
               "Could you have another look?\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = LUKAS, .to = PEOPLE (ME), .cc = PEOPLE (RAHUL),
                                  .date = reply_date (gen, &t, LUKAS, 300, 1200), .folder = "Projects/Kabar" },
               "Looks good now. Approved, merge when CI is green.\n\nLukas\n", NULL);
  thread_clear (&t);

  thread_init (&t, "Design review: message list density", EN);
  thread_post (gen, &t, &(Mail) { .from = PRIYA, .to = PEOPLE (ME, AYU),
                                  .date = at_day (gen, PRIYA, 132, 14, 20), .folder = "Projects/Kabar" },
               "Hi both,\n\nAttached is the mock-up for the compact message list. Rows are "
               "8 px shorter, the sender and the date share the first line and the "
               "preview is limited to one line. The selected row keeps the accent colour.\n\n"
               "I tested it with long Indonesian subjects and with Devanagari, which needs "
               "more line height than Latin text: the rows stay readable at 100% and 125%.\n\n"
               "Feedback welcome before Friday.\n\nPriya\n",
               attachment ("image/png", "message-list-compact.png", make_png (PICTURE_SCREENSHOT, 2)), NULL);
  thread_post (gen, &t, &(Mail) { .from = ME, .to = PEOPLE (PRIYA), .cc = PEOPLE (AYU),
                                  .date = reply_date (gen, &t, ME, 60, 300) },
               "This looks great. One request: keep the unread dot in its own column so "
               "that the senders stay aligned whether a message is read or not.\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = AYU, .to = PEOPLE (PRIYA, ME),
                                  .date = reply_date (gen, &t, AYU, 30, 240), .folder = "Projects/Kabar" },
               "+1 from me, and to the unread dot column. Let's make compact the default "
               "for new installs in the next release.\n\nAyu\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = PRIYA, .to = PEOPLE (ME, AYU),
                                  .date = reply_date (gen, &t, PRIYA, 60, 600), .folder = "Projects/Kabar" },
               "Done, the updated mock-up is in the design repository. I'll open the "
               "issue for the implementation.\n\nPriya\n", NULL);
  thread_clear (&t);

  thread_init (&t, "IDLE reconnect: patch ready for review", EN);
  thread_post (gen, &t, &(Mail) { .from = RAHUL, .to = PEOPLE (ME),
                                  .date = at_day (gen, RAHUL, 41, 11, 10), .folder = "Projects/Kabar" },
               "Hi,\n\nThe IDLE reconnect patch is ready. It backs off from 2 to 60 seconds, "
               "resets the delay after a successful SELECT and gives up on authentication "
               "errors instead of looping. The scripted server tests cover a cut in the "
               "middle of a FETCH and a server that answers BYE right after the greeting.\n\n"
               "Rahul\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = ME, .to = PEOPLE (RAHUL),
                                  .date = reply_date (gen, &t, ME, 200, 1500) },
               "Reviewed, just one comment about logging the server's BYE text. Otherwise "
               "ready to merge. Nice tests!\n", NULL);
  thread_clear (&t);
}

/* The team */

static void
team_mail (Gen *gen)
{
  g_autoptr(GDateTime) hackfest_day = at_day (gen, EMILY, 230, 10, 0);
  g_autoptr(GDateTime) hackfest_held = g_date_time_add_days (hackfest_day, 120);
  g_autofree char *hackfest = g_strdup_printf ("Hackfest %d budget draft",
                                               g_date_time_get_year (hackfest_held));
  Thread t;
  Record *record;

  thread_init (&t, "Please welcome Meera to the team", EN);
  thread_post (gen, &t, &(Mail) { .from = EMILY, .to = PEOPLE (ME, AYU, RAHUL, PRIYA, BUDI, MEERA),
                                  .date = at_day (gen, EMILY, 300, 9, 2) },
               "Hi everyone,\n\nPlease join me in welcoming Meera Iyer, who starts today as "
               "our accessibility engineer. Meera worked on screen reader support for "
               "several desktop apps before and will help us make Kabar usable with the "
               "keyboard and with Orca from day one.\n\n"
               "Meera is based in Bengaluru, so expect her mornings to overlap with the "
               "Jakarta afternoons.\n\nEmily\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = MEERA, .to = PEOPLE (EMILY, ME, AYU, RAHUL, PRIYA, BUDI),
                                  .date = reply_date (gen, &t, MEERA, 30, 120) },
               "Thank you Emily, and hello everyone! I'm very happy to be here. I'll spend "
               "the first weeks going through Kabar with a screen reader and writing down "
               "what I find. If you have favourite accessibility bugs, send them my way.\n\n"
               "Meera\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = ME, .to = PEOPLE (MEERA), .cc = PEOPLE (EMILY),
                                  .date = reply_date (gen, &t, ME, 20, 200) },
               "Welcome Meera! Let me know when you want a tour of the code base, the "
               "message list is a good place to start.\n", NULL);
  thread_clear (&t);

  thread_init (&t, hackfest, EN);
  record = thread_post (gen, &t, &(Mail) { .from = EMILY, .to = PEOPLE (ME, AYU), .folder = "Projects",
                                           .date = g_date_time_ref (hackfest_day) },
                        "Hi,\n\nAttached is the first budget draft for the hackfest in Yogyakarta. "
                        "The venue is the co-working space near UGM that offered us a discount. "
                        "The biggest item is travel for the contributors from India and Europe.\n\n"
                        "Could you check the numbers by next Wednesday? I need to send it to the "
                        "sponsors by the end of the month.\n\nEmily\n",
                        attachment ("text/csv", "hackfest-budget.csv", bytes_of (
                          "item,quantity,unit_cost_usd,total_usd\n"
                          "Venue (3 days),3,180,540\n"
                          "Flights India-Yogyakarta,3,420,1260\n"
                          "Flights Europe-Yogyakarta,2,980,1960\n"
                          "Hotel rooms (nights),20,35,700\n"
                          "Lunch and snacks (person-days),36,9,324\n"
                          "Local transport,1,150,150\n"
                          "Total,,,4934\n")), NULL);
  record->flags |= KABAR_SAMPLE_FLAGGED;
  thread_post (gen, &t, &(Mail) { .from = ME, .to = PEOPLE (EMILY), .cc = PEOPLE (AYU),
                                  .date = reply_date (gen, &t, ME, 600, 2000) },
               "Hi Emily,\n\nThe numbers look right. Two suggestions: the hotel near the "
               "venue has a group rate of about 30 USD a night if we book before the end of "
               "the month, and the airport train is cheaper than taxis for arrivals.\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = EMILY, .to = PEOPLE (ME), .cc = PEOPLE (AYU), .folder = "Projects",
                                  .date = reply_date (gen, &t, EMILY, 120, 900) },
               "Great tips, I updated the budget. Sending it to the sponsors tomorrow.\n\nEmily\n",
               NULL);
  thread_clear (&t);

  thread_init (&t, "Translation sprint: Indonesian and Hindi", EN);
  thread_post (gen, &t, &(Mail) { .from = AYU, .to = PEOPLE (ME, RAHUL), .folder = "Projects",
                                  .date = at_day (gen, AYU, 140, 13, 30) },
               "Hi,\n\nThe translation teams asked for a sprint before the string freeze, "
               "like last year. I would propose a Saturday online, 10:00 to 15:00 Jakarta "
               "time, which is 8:30 to 13:30 in Delhi. Rahul, could you ask the Hindi team "
               "whether that works for them? I'll handle the Indonesian side.\n\nAyu\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = RAHUL, .to = PEOPLE (AYU), .cc = PEOPLE (ME), .folder = "Projects",
                                  .date = reply_date (gen, &t, RAHUL, 60, 600) },
               "The Hindi team likes the idea. They asked for a glossary of the mail terms "
               "first, so that \"folder\", \"label\" and \"archive\" are translated the same "
               "way everywhere.\n\nRahul\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = ME, .to = PEOPLE (AYU, RAHUL),
                                  .date = reply_date (gen, &t, ME, 60, 600) },
               "I'll prepare the glossary from the strings we have, with a column per "
               "language, and share it by Wednesday.\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = AYU, .to = PEOPLE (ME, RAHUL), .folder = "Projects",
                                  .date = reply_date (gen, &t, AYU, 120, 900) },
               "Perfect, thank you. I'll announce the sprint once the glossary is out.\n\nAyu\n",
               attachment ("text/csv", "glossary-draft.csv", bytes_of (
                 "english,indonesian,hindi\n"
                 "folder,folder,फ़ोल्डर\n"
                 "archive,arsip,संग्रह\n"
                 "draft,draf,मसौदा\n"
                 "reply,balas,जवाब दें\n"
                 "attachment,lampiran,संलग्नक\n")), NULL);
  thread_clear (&t);

  thread_init (&t, "Accessibility audit: first results", EN);
  thread_post (gen, &t, &(Mail) { .from = MEERA, .to = PEOPLE (ME), .cc = PEOPLE (EMILY),
                                  .date = at_day (gen, MEERA, 270, 12, 30), .folder = "Projects/Kabar" },
               "Hi,\n\nHere is the report from the first audit. In short: the message list "
               "and the composer are in good shape, the account setup has several unlabeled "
               "buttons and the attachment bar cannot be reached with the keyboard.\n\n"
               "I would suggest fixing the account setup first, since everyone goes through "
               "it.\n\nMeera\n",
               attachment ("application/pdf", "kabar-accessibility-audit.pdf", make_pdf (
                 "Kabar accessibility audit",
                 (const char * const[]) {
                   "Scope: Kabar nightly, GNOME 43, Orca 43, keyboard only.",
                   "",
                   "1. Account setup: 4 buttons without accessible names.",
                   "2. Attachment bar: not reachable with Tab.",
                   "3. Message list: OK. Unread state announced.",
                   "4. Composer: OK. Recipients announced with their addresses.",
                   "5. Search: results count is not announced.",
                   "",
                   "Priority: 1, 2, 5.",
                   NULL })), NULL);
  thread_post (gen, &t, &(Mail) { .from = ME, .to = PEOPLE (MEERA), .cc = PEOPLE (EMILY),
                                  .date = reply_date (gen, &t, ME, 120, 700) },
               "Thank you, this is very clear. I opened issues for the three priority items "
               "and will take the account setup one myself this week.\n", NULL);
  thread_clear (&t);

  thread_init (&t, "Team offsite in Bandung: save the date", EN);
  thread_post (gen, &t, &(Mail) { .from = EMILY, .to = PEOPLE (ME, AYU, RAHUL, PRIYA, BUDI, MEERA),
                                  .date = at_day (gen, EMILY, 19, 8, 40) },
               "Hi team,\n\nWe finally have a date for the offsite: three days in Bandung, six "
               "weeks from now. Budi found a guest house in Lembang with a meeting room and a "
               "view of the tea plantations, and it fits the budget.\n\n"
               "The plan: one day of roadmap discussions, one day of hacking on whatever you "
               "like, one day off. Please tell me about dietary needs and whether you need a "
               "flight or come by train from Jakarta.\n\nEmily\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = BUDI, .to = PEOPLE (EMILY), .cc = PEOPLE (ME, AYU, RAHUL, PRIYA, MEERA),
                                  .date = reply_date (gen, &t, BUDI, 30, 200) },
               "Train for me, the Argo Parahyangan is faster than driving anyway. And please "
               "nobody miss the batagor near the station!\n\nBudi\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = MEERA, .to = PEOPLE (EMILY), .cc = PEOPLE (ME, AYU, RAHUL, PRIYA, BUDI),
                                  .date = reply_date (gen, &t, MEERA, 60, 400) },
               "I'll need a flight from Bengaluru via Jakarta. Vegetarian, please. Really "
               "looking forward to meeting everyone in person!\n\nMeera\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = ME, .to = PEOPLE (EMILY), .cc = PEOPLE (AYU, RAHUL, PRIYA, BUDI, MEERA),
                                  .date = reply_date (gen, &t, ME, 60, 600) },
               "Train from Jakarta for me too, no dietary needs. Could we keep an hour on the "
               "hacking day for the translators' session? Several of them want to join "
               "remotely.\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = EMILY, .to = PEOPLE (ME), .cc = PEOPLE (AYU, RAHUL, PRIYA, BUDI, MEERA),
                                  .date = reply_date (gen, &t, EMILY, 120, 900) },
               "Good idea, I put it in the afternoon so that Europe is awake. Agenda to "
               "follow next week.\n\nEmily\n", NULL);
  thread_clear (&t);

  post (gen, &(Mail) { .from = KENJI, .to = PEOPLE (ME), .subject = "Jakarta GNOME meetup: call for talks",
                       .date = at_day (gen, KENJI, 11, 19, 25),
                       .body = text_part ("plain",
                                          "Hi,\n\nThe next Jakarta GNOME meetup is at the end of next month, "
                                          "and we are looking for two more talks of about twenty minutes. "
                                          "Your threading talk went down very well last time; would you "
                                          "like to present what is new in Kabar since then?\n\n"
                                          "A short title and two sentences are enough for now.\n\n"
                                          "Thanks,\nKenji\n") });

  post (gen, &(Mail) { .from = ME, .to = PEOPLE (EMILY), .subject = "Hackfest expenses",
                       .date = at_day (gen, ME, 100, 16, 45),
                       .body = multipart (gen, "mixed",
                                          text_part ("plain",
                                                     "Hi Emily,\n\nHere are my expenses from the hackfest, "
                                                     "with the receipts in the shared folder. Everything is in "
                                                     "rupiah; the total is about 152 USD at today's rate.\n\n"
                                                     "Thanks!\n"),
                                          attachment ("text/csv", "hackfest-expenses.csv", bytes_of (
                                            "date,description,amount_idr\n"
                                            "day 1,Airport train,70000\n"
                                            "day 1,Dinner with contributors,845000\n"
                                            "day 2,Printing name badges,120000\n"
                                            "day 2,Snacks for the afternoon session,310000\n"
                                            "day 3,Taxi to the airport,1100000\n")),
                                          NULL) });

  post (gen, &(Mail) { .from = ME, .to = PEOPLE (KENJI), .subject = "Slides from my talk on threading",
                       .date = at_day (gen, ME, 180, 20, 10),
                       .body = multipart (gen, "mixed",
                                          text_part ("plain",
                                                     "Hi Kenji,\n\nAs promised after the meetup, here are the "
                                                     "slides. The part about broken References headers starts "
                                                     "on the third page.\n\nSee you at the next one!\n"),
                                          attachment ("application/pdf", "kabar-threading-talk.pdf", make_pdf (
                                            "Threading mail without surprises",
                                            (const char * const[]) {
                                              "1. Message-ID, In-Reply-To, References",
                                              "2. Walking References: order, loops, gaps",
                                              "3. When headers lie: self references, missing parents",
                                              "4. Subject fallback: normalize, then limit by date",
                                              "5. What users expect from a conversation view",
                                              NULL })),
                                          NULL) });
}

/* Indonesian colleagues and friends */

typedef struct {
  const char *subject;
  const char *invite;
  const char *answer;
  const char *confirm;
} Plan;

static const Plan lunch_plans[] = {
  { "Makan siang Jumat?",
    "Halo, apa kabar? Jumat ini makan siang bareng yuk di warung padang dekat kantor. "
    "Rahul dan Ayu juga ikut. Jam 12 pas ya.\n\nBudi\n",
    "Boleh, aku ikut! Tapi jam 12.30 ya, aku ada rapat sampai jam 12.\n",
    "Oke, 12.30. Sampai ketemu di sana!\n\nBudi\n" },
  { "Futsal Sabtu sore",
    "Halo semua, Sabtu sore ada yang mau main futsal? Lapangannya sudah aku pesan jam 4 "
    "sampai jam 6. Kurang dua orang lagi.\n\nBudi\n",
    "Aku ikut! Sepatuku masih di kantor, nanti aku bawa pulang hari Jumat.\n",
    "Sip, tinggal kurang satu. Jangan telat ya!\n\nBudi\n" },
  { "Nasi goreng kambing di Kebon Sirih",
    "Eh, katanya nasi goreng kambing di Kebon Sirih buka lagi. Kamis malam habis kerja "
    "ke sana yuk?\n\nBudi\n",
    "Wah, sudah lama pengin ke sana. Kamis bisa, berangkat jam 7 dari kantor?\n",
    "Jam 7 oke. Aku ajak Ayu juga.\n\nBudi\n" },
};

static void
colleague_plans (Gen *gen)
{
  static const double days[] = { 330, 150, 9 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (lunch_plans); i++)
    {
      const Plan *plan = &lunch_plans[i];
      Thread t;

      thread_init (&t, plan->subject, ID);
      thread_post (gen, &t, &(Mail) { .from = BUDI, .to = PEOPLE (ME), .cc = PEOPLE (AYU, RAHUL),
                                      .date = at_day (gen, BUDI, days[i], 10, rand_range (gen, 0, 59)) },
                   plan->invite, NULL);
      thread_post (gen, &t, &(Mail) { .from = ME, .to = PEOPLE (BUDI), .cc = PEOPLE (AYU, RAHUL),
                                      .date = reply_date (gen, &t, ME, 10, 90) },
                   plan->answer, NULL);
      thread_post (gen, &t, &(Mail) { .from = BUDI, .to = PEOPLE (ME), .cc = PEOPLE (AYU, RAHUL),
                                      .date = reply_date (gen, &t, BUDI, 5, 60) },
                   plan->confirm, NULL);
      thread_clear (&t);
    }
}

static void
friends (Gen *gen)
{
  g_autofree char *reunion = NULL;
  Thread t;

  thread_init (&t, "Cricket this Sunday?", EN);
  thread_post (gen, &t, &(Mail) { .from = ARJUN, .to = PEOPLE (ME),
                                  .date = at_day (gen, ARJUN, 210, 19, 40) },
               "Hey!\n\nA few of us are playing cricket at the field near Senayan on Sunday "
               "morning, 7 am before it gets too hot. We are one player short. You in?\n\n"
               "Arjun\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = ME, .to = PEOPLE (ARJUN),
                                  .date = reply_date (gen, &t, ME, 30, 240) },
               "Count me in! I'll bring the spare bat and some water.\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = ARJUN, .to = PEOPLE (ME),
                                  .date = reply_date (gen, &t, ARJUN, 10, 120) },
               "Great, see you there. Breakfast at the bubur ayam place after, as usual.\n\n"
               "Arjun\n", NULL);
  thread_clear (&t);

  thread_init (&t, "Dinner at the new dosa place?", EN);
  thread_post (gen, &t, &(Mail) { .from = ARJUN, .to = PEOPLE (ME), .cc = PEOPLE (PRIYA),
                                  .date = at_day (gen, ARJUN, 3, 17, 15) },
               "Hi both,\n\nThere is a new South Indian place in Kemang that makes proper "
               "masala dosa, Priya checked it last week. Friday at 7?\n\nArjun\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = PRIYA, .to = PEOPLE (ARJUN, ME),
                                  .date = reply_date (gen, &t, PRIYA, 20, 200) },
               "I can vouch for the dosa, and the filter coffee is the real thing. Friday "
               "works for me!\n\nPriya\n", NULL);
  thread_clear (&t);

  reunion = fill ("Halo {owner}!\n\nSeru banget ya reuni kemarin, sudah lima belas tahun tapi "
                  "rasanya baru kemarin kita pakai seragam putih abu-abu. Ini foto di pantai "
                  "waktu sore, yang lain menyusul kalau sudah aku pilih.\n\nRina\n",
                  "owner", gen->owner.first, NULL);
  thread_init (&t, "Foto reuni SMA", ID);
  thread_post (gen, &t, &(Mail) { .from = RINA, .to = PEOPLE (ME),
                                  .date = at_day (gen, RINA, 420, 21, 5) },
               reunion, attachment ("image/png", "reuni-pantai.png", make_png (PICTURE_BEACH, 1)), NULL);
  thread_post (gen, &t, &(Mail) { .from = ME, .to = PEOPLE (RINA),
                                  .date = reply_date (gen, &t, ME, 60, 600) },
               "Makasih Rina! Fotonya bagus, aku kirim ke grup keluarga juga ya. Tahun depan "
               "kita yang jadi panitia?\n", NULL);
  thread_clear (&t);
}

/* Family in Indonesia */

static void
yogyakarta_trip (Gen *gen)
{
  g_autoptr(GDateTime) first = at_day (gen, DEWI, 160, 20, 15);
  g_autoptr(GDateTime) leave = g_date_time_add_days (first, 48);
  g_autoptr(GDateTime) back = g_date_time_add_days (first, 51);
  g_autofree char *leave_day = format_long_date (leave, ID);
  g_autofree char *back_day = format_long_date (back, ID);
  g_autofree char *text = NULL;
  g_autofree char *ticket = g_strdup_printf ("NT%06u", (guint) rand_range (gen, 100000, 999999));
  g_autofree char *ticket_file = g_strdup_printf ("e-tiket-%s.pdf", ticket);
  g_autofree char *flight_subject = NULL;
  g_autofree char *flight_text = NULL;
  g_autofree char *flight_html = NULL;
  g_autofree char *hotel_text = NULL;
  g_autofree char *hotel_html = NULL;
  g_autofree char *hotel_sent = NULL;
  g_autofree char *leave_line = NULL;
  Thread t;
  Record *record;

  thread_init (&t, "Rencana liburan ke Yogyakarta", ID);
  text = fill ("Halo {owner}, apa kabar?\n\n"
               "Aku sudah ngobrol sama Ibu, katanya libur panjang nanti kita sekeluarga ke "
               "Yogyakarta saja. Ibu sudah lama ingin lihat Borobudur waktu matahari terbit, "
               "dan anak-anak belum pernah naik andong di Malioboro.\n\n"
               "Usulku kita berangkat tanggal {leave} dan pulang {back}. Kamu bisa ambil "
               "cuti segitu? Kalau bisa, aku yang urus hotel, kamu yang pesan tiket pesawat, "
               "ya.\n\nSalam,\nDewi\n",
               "owner", gen->owner.first, "leave", leave_day, "back", back_day, NULL);
  thread_post (gen, &t, &(Mail) { .from = DEWI, .to = PEOPLE (ME), .cc = PEOPLE (SRI),
                                  .date = g_date_time_ref (first), .folder = "Travel" },
               text, NULL);
  g_clear_pointer (&text, g_free);

  text = fill ("Halo Dewi,\n\nKabar baik! Ide bagus, cutiku sudah aku ajukan dan "
               "kemungkinan besar disetujui. Tiket pesawat aku cek minggu ini, sepertinya "
               "penerbangan pagi dari Jakarta paling enak supaya sampai sebelum makan siang.\n\n"
               "Untuk hotel, cari yang dekat Malioboro saja supaya Ibu tidak terlalu capek "
               "jalan.\n\n{owner}\n",
               "owner", gen->owner.first, NULL);
  thread_post (gen, &t, &(Mail) { .from = ME, .to = PEOPLE (DEWI), .cc = PEOPLE (SRI),
                                  .date = reply_date (gen, &t, ME, 60, 720) },
               text, NULL);

  thread_post (gen, &t, &(Mail) { .from = SRI, .to = PEOPLE (DEWI, ME),
                                  .date = reply_date (gen, &t, SRI, 120, 900), .folder = "Travel" },
               "Anak-anakku,\n\nIbu senang sekali kita bisa liburan bersama. Jangan lupa "
               "mampir ke Kotagede, Ibu mau beli perak untuk oleh-oleh Bude. Dan Ibu mau "
               "makan gudeg di tempat yang dulu, dekat Wijilan.\n\nPeluk sayang,\nIbu\n", NULL);

  leave_line = g_strdup_printf ("Berangkat: %s, pesawat pagi dari Jakarta", leave_day);
  thread_post (gen, &t, &(Mail) { .from = DEWI, .to = PEOPLE (ME), .cc = PEOPLE (SRI),
                                  .date = reply_date (gen, &t, DEWI, 60 * 24, 60 * 72), .folder = "Travel" },
               "Sudah aku pesan Hotel Melati untuk tiga malam, konfirmasinya sudah masuk. Aku "
               "lampirkan rencana perjalanan dan perkiraan biaya, tolong dicek ya. Kalau ada "
               "yang kurang, tambahkan saja di tabelnya.\n\nDewi\n",
               attachment ("application/pdf", "Rencana perjalanan Yogyakarta.pdf", make_pdf (
                 "Rencana Perjalanan Yogyakarta",
                 (const char * const[]) {
                   leave_line,
                   "",
                   "Hari 1: tiba, check-in Hotel Melati, sore jalan-jalan di Malioboro",
                   "Hari 2: Borobudur waktu matahari terbit, siang istirahat,",
                   "        sore Prambanan dan Sendratari Ramayana",
                   "Hari 3: Kotagede (perak), gudeg Wijilan, Keraton dan Taman Sari",
                   "Hari 4: Pantai Parangtritis pagi hari, pulang sore",
                   "",
                   "Catatan: bawa jaket untuk subuh di Borobudur.",
                   NULL })),
               attachment ("text/csv", "perkiraan-biaya.csv", bytes_of (
                 "pos,jumlah,harga_satuan,total\n"
                 "Hotel Melati (malam),3,650000,1950000\n"
                 "Sewa mobil dan sopir (hari),3,750000,2250000\n"
                 "Tiket Borobudur sunrise,5,450000,2250000\n"
                 "Tiket Prambanan dan Ramayana,5,300000,1500000\n"
                 "Makan (hari),4,600000,2400000\n"
                 "Oleh-oleh,1,1000000,1000000\n"
                 "Total,,,11350000\n")), NULL);

  thread_post (gen, &t, &(Mail) { .from = ME, .to = PEOPLE (DEWI), .cc = PEOPLE (SRI),
                                  .date = reply_date (gen, &t, ME, 60, 600) },
               "Mantap, terima kasih Dewi! Tiket sudah aku pesan, e-tiketnya aku teruskan "
               "nanti. Hari kedua sudah pas, Ramayana di Prambanan bagus sekali waktu bulan "
               "purnama.\n", NULL);
  thread_clear (&t);

  /* The bookings the thread talks about. */
  flight_subject = g_strdup_printf ("E-tiket Anda: Jakarta (CGK) – Yogyakarta (YIA), %s", leave_day);
  flight_text = fill ("Yth. {name},\n\n"
                      "Terima kasih telah memesan melalui Nusa Travel. Pembayaran Anda telah kami "
                      "terima dan e-tiket terlampir.\n\n"
                      "Kode pemesanan: {ticket}\n"
                      "Pergi:  {leave}, CGK 06.10 – YIA 07.25\n"
                      "Pulang: {back}, YIA 17.40 – CGK 18.55\n"
                      "Penumpang: 5 orang dewasa\n\n"
                      "Silakan tiba di bandara paling lambat 90 menit sebelum keberangkatan.\n\n"
                      "Salam hangat,\nNusa Travel\n",
                      "name", gen->owner.name, "ticket", ticket, "leave", leave_day,
                      "back", back_day, NULL);
  flight_html = fill ("<html><body style=\"font-family: sans-serif\">"
                      "<h2 style=\"color:#1c71d8\">Nusa Travel</h2>"
                      "<p>Yth. {name},</p>"
                      "<p>Terima kasih telah memesan melalui Nusa Travel. Pembayaran Anda telah "
                      "kami terima dan e-tiket terlampir.</p>"
                      "<table cellpadding=\"4\">"
                      "<tr><td>Kode pemesanan</td><td><b>{ticket}</b></td></tr>"
                      "<tr><td>Pergi</td><td>{leave}, CGK 06.10 &ndash; YIA 07.25</td></tr>"
                      "<tr><td>Pulang</td><td>{back}, YIA 17.40 &ndash; CGK 18.55</td></tr>"
                      "<tr><td>Penumpang</td><td>5 orang dewasa</td></tr>"
                      "</table>"
                      "<p>Silakan tiba di bandara paling lambat 90 menit sebelum keberangkatan.</p>"
                      "<p>Salam hangat,<br>Nusa Travel</p></body></html>",
                      "name", gen->owner.name, "ticket", ticket, "leave", leave_day,
                      "back", back_day, NULL);
  record = post (gen, &(Mail) {
    .from = TRAVEL, .to = PEOPLE (ME), .subject = flight_subject, .folder = "Travel",
    .date = at_day (gen, TRAVEL, 154, 13, 2),
    .body = multipart (gen, "mixed",
                       multipart (gen, "alternative", text_part ("plain", flight_text),
                                  text_part ("html", flight_html), NULL),
                       attachment ("application/pdf", ticket_file, make_pdf (
                         "Nusa Travel - E-ticket",
                         (const char * const[]) {
                           "Booking code / Kode pemesanan:", ticket,
                           "", "CGK - YIA  06:10 - 07:25", "YIA - CGK  17:40 - 18:55",
                           "", "5 adults / 5 orang dewasa", "Baggage: 20 kg per passenger",
                           NULL })),
                       NULL) });
  record->flags |= KABAR_SAMPLE_FLAGGED;

  hotel_sent = format_day (first, ID);
  hotel_text = fill ("Ini konfirmasi hotelnya ya, disimpan saja.\n\nDewi\n\n"
                     "---------- Pesan terusan ----------\n"
                     "Dari: Hotel Melati Yogyakarta <reservasi@melati.example.co.id>\n"
                     "Tanggal: {sent}\n"
                     "Subjek: Konfirmasi reservasi – Hotel Melati Yogyakarta\n"
                     "Kepada: Dewi Lestari <dewi.lestari@example.co.id>\n\n"
                     "Yth. Ibu Dewi Lestari,\n\n"
                     "Terima kasih telah memilih Hotel Melati Yogyakarta. Dengan ini kami "
                     "mengonfirmasi reservasi Anda:\n\n"
                     "Check-in: {leave}, mulai pukul 14.00\n"
                     "Check-out: {back}, paling lambat pukul 12.00\n"
                     "Kamar: 2 kamar keluarga, termasuk sarapan\n\n"
                     "Hotel kami hanya lima menit berjalan kaki dari Malioboro. Sampai "
                     "jumpa di Yogyakarta!\n\nHotel Melati Yogyakarta\n",
                     "leave", leave_day, "back", back_day, "sent", hotel_sent, NULL);
  hotel_html = fill ("<html><body style=\"font-family: serif\">"
                     "<p>Ini konfirmasi hotelnya ya, disimpan saja.</p><p>Dewi</p>"
                     "<div>---------- Pesan terusan ----------<br>"
                     "Dari: Hotel Melati Yogyakarta &lt;reservasi@melati.example.co.id&gt;<br>"
                     "Tanggal: {sent}<br>"
                     "Subjek: Konfirmasi reservasi – Hotel Melati Yogyakarta</div><br>"
                     "<p><img src=\"cid:{cid}\" alt=\"Hotel Melati\" width=\"32\" height=\"32\"></p>"
                     "<p>Yth. Ibu Dewi Lestari,</p>"
                     "<p>Terima kasih telah memilih Hotel Melati Yogyakarta. Dengan ini kami "
                     "mengonfirmasi reservasi Anda:</p><ul>"
                     "<li>Check-in: {leave}, mulai pukul 14.00</li>"
                     "<li>Check-out: {back}, paling lambat pukul 12.00</li>"
                     "<li>Kamar: 2 kamar keluarga, termasuk sarapan</li></ul>"
                     "<p>Hotel kami hanya lima menit berjalan kaki dari Malioboro. Sampai "
                     "jumpa di Yogyakarta!</p></body></html>",
                     "leave", leave_day, "back", back_day, "sent", hotel_sent, NULL);
  post (gen, &(Mail) {
    .from = DEWI, .to = PEOPLE (ME), .subject = "Fwd: Konfirmasi reservasi – Hotel Melati Yogyakarta",
    .folder = "Travel", .date = at_day (gen, DEWI, 158, 21, 30),
    .body = multipart (gen, "alternative", text_part ("plain", hotel_text),
                       related_html (gen, hotel_html, "melati.png", make_png (PICTURE_LOGO, 1)),
                       NULL) });

  thread_init (&t, "Foto-foto liburan", ID);
  thread_post (gen, &t, &(Mail) { .from = DEWI, .to = PEOPLE (ME, SRI),
                                  .date = at_day (gen, DEWI, 105, 19, 50), .folder = "Travel" },
               "Ini beberapa foto dari liburan kemarin. Yang di Borobudur waktu subuh bagus "
               "sekali ya, walau kita semua masih ngantuk. Yang di Parangtritis sore "
               "terakhir sebelum pulang.\n\nDewi\n",
               attachment ("image/png", "borobudur-subuh.png", make_png (PICTURE_TEMPLE, 0)),
               attachment ("image/png", "parangtritis.png", make_png (PICTURE_BEACH, 3)), NULL);
  thread_post (gen, &t, &(Mail) { .from = SRI, .to = PEOPLE (DEWI, ME),
                                  .date = reply_date (gen, &t, SRI, 60, 600), .folder = "Travel" },
               "Bagus-bagus sekali fotonya. Ibu cetak yang di Borobudur untuk ditaruh di "
               "ruang tamu. Terima kasih ya anak-anak, liburan ini tidak akan Ibu lupakan.\n\n"
               "Ibu\n", NULL);
  thread_clear (&t);
}

static void
family_indonesia (Gen *gen)
{
  double lebaran;
  Thread t;
  g_autofree char *text = NULL;

  lebaran = festival_days_ago (gen, idul_fitri, 3, 31) + 2;
  thread_init (&t, "Lebaran tahun ini", ID);
  text = fill ("Assalamualaikum Nak,\n\nLebaran tahun ini kamu pulang ke Solo, kan? Bude "
               "dan Pakde juga datang dari Surabaya. Ibu mau masak opor ayam dan sambal goreng "
               "ati seperti biasa.\n\nKabari Ibu kapan kamu sampai, nanti Dewi yang jemput di "
               "stasiun.\n\nIbu\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = SRI, .to = PEOPLE (ME),
                                  .date = at_day (gen, SRI, lebaran + 21, 7, 30) }, text, NULL);
  thread_post (gen, &t, &(Mail) { .from = ME, .to = PEOPLE (SRI),
                                  .date = reply_date (gen, &t, ME, 90, 600) },
               "Waalaikumsalam Bu,\n\nInsya Allah pulang. Aku naik kereta pagi dua hari "
               "sebelum Lebaran, sampai Solo Balapan sekitar jam dua siang. Opor Ibu paling "
               "enak sedunia, sudah kangen!\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = SRI, .to = PEOPLE (ME),
                                  .date = reply_date (gen, &t, SRI, 60, 300) },
               "Alhamdulillah. Hati-hati di jalan ya Nak.\n\nIbu\n", NULL);
  thread_clear (&t);

  thread_init (&t, "Resep rendang", ID);
  thread_post (gen, &t, &(Mail) { .from = SRI, .to = PEOPLE (ME),
                                  .date = at_day (gen, SRI, 380, 16, 10) },
               "Ini resep rendang yang kamu minta.\n\n"
               "Bahan: 1 kg daging sapi, 2 liter santan dari 3 butir kelapa, 2 batang serai, "
               "4 lembar daun jeruk, 1 lembar daun kunyit, garam secukupnya.\n"
               "Bumbu halus: 15 cabai merah, 10 bawang merah, 6 bawang putih, 4 cm jahe, "
               "4 cm lengkuas, 3 cm kunyit.\n\n"
               "Masak santan dengan bumbu sampai mendidih, masukkan daging, lalu aduk terus "
               "dengan api kecil sampai kering dan berminyak. Sabar ya, bisa empat jam lebih. "
               "Rahasianya jangan berhenti mengaduk!\n\nIbu\n", NULL);
  thread_post (gen, &t, &(Mail) { .from = ME, .to = PEOPLE (SRI),
                                  .date = reply_date (gen, &t, ME, 60, 400) },
               "Terima kasih, Bu! Sabtu ini aku coba masak. Kalau gagal, aku telepon Ibu "
               "ya.\n", NULL);
  thread_clear (&t);

  post (gen, &(Mail) { .from = ME, .to = PEOPLE (SRI), .cc = PEOPLE (DEWI), .subject = "Foto Lebaran",
                       .date = at_day (gen, ME, lebaran - 3, 20, 40),
                       .body = multipart (gen, "mixed",
                                          text_part ("plain", "Bu, ini foto waktu kita ke pantai sehari "
                                                     "setelah Lebaran. Pakde matanya tertutup di foto "
                                                     "yang lain, jadi aku kirim yang ini saja. 😄\n"),
                                          attachment ("image/png", "lebaran-di-solo.png",
                                                      make_png (PICTURE_BEACH, 5)),
                                          NULL) });
}

/* Family in India */

static void
family_india (Gen *gen)
{
  g_autoptr(GDateTime) wedding_mail = at_day (gen, ANJALI, 75, 18, 20);
  g_autoptr(GDateTime) wedding = g_date_time_add_days (wedding_mail, 70);
  g_autofree char *wedding_day = format_long_date (wedding, EN);
  g_autofree char *wedding_line = NULL;
  g_autofree char *text = NULL;
  g_autofree char *diya_html = NULL;
  Thread t;
  Record *record;

  thread_init (&t, "नमस्ते, कैसे हो?", HI);
  text = fill ("प्रिय {owner},\n\n"
               "नमस्ते, कैसे हो? बहुत दिनों से तुम्हारी कोई खबर नहीं आई। यहाँ सब ठीक है। "
               "तुम्हारे मामाजी की तबीयत अब पहले से बेहतर है, डॉक्टर ने कहा है कि बस रोज़ "
               "सुबह टहलना ज़रूरी है।\n\n"
               "दिल्ली में आजकल मौसम का कोई भरोसा नहीं, कभी तेज़ धूप तो कभी अचानक बारिश। "
               "जकार्ता में मौसम कैसा है?\n\n"
               "अपनी माँ को मेरा प्यार देना। और हाँ, अगली बार जब भारत आओ तो कम से कम एक "
               "हफ़्ता हमारे पास रुकना।\n\nढेर सारा आशीर्वाद,\nसुनीता मौसी\n",
               "owner", gen->owner.first, NULL);
  thread_post (gen, &t, &(Mail) { .from = SUNITA, .to = PEOPLE (ME),
                                  .date = at_day (gen, SUNITA, 27, 8, 45) }, text, NULL);
  g_clear_pointer (&text, g_free);
  text = fill ("नमस्ते मौसी,\n\n"
               "मैं ठीक हूँ, बस काम में थोड़ा व्यस्त था। मामाजी की तबीयत के बारे में सुनकर "
               "अच्छा लगा। जकार्ता में आजकल रोज़ शाम को बारिश होती है, बाकी दिन उमस रहती है।\n\n"
               "माँ आपको याद कर रही थीं। हम दिसंबर में भारत आने की सोच रहे हैं, तब ज़रूर "
               "आपके पास रुकेंगे।\n\nआपका,\n{owner}\n",
               "owner", gen->owner.first, NULL);
  thread_post (gen, &t, &(Mail) { .from = ME, .to = PEOPLE (SUNITA),
                                  .date = reply_date (gen, &t, ME, 300, 1800) }, text, NULL);
  thread_post (gen, &t, &(Mail) { .from = SUNITA, .to = PEOPLE (ME),
                                  .date = reply_date (gen, &t, SUNITA, 120, 900) },
               "बहुत अच्छी खबर है! दिसंबर में दिल्ली की सर्दी का मज़ा लेना। मैं तुम्हारे "
               "लिए गाजर का हलवा बनाऊँगी। टिकट बुक हो जाए तो तारीखें बता देना।\n\nमौसी\n",
               NULL);
  g_clear_pointer (&text, g_free);
  text = fill ("ज़रूर मौसी, टिकट बुक होते ही बता दूँगा। गाजर के हलवे का इंतज़ार रहेगा!\n\n{owner}\n",
               "owner", gen->owner.first, NULL);
  thread_post (gen, &t, &(Mail) { .from = ME, .to = PEOPLE (SUNITA),
                                  .date = reply_date (gen, &t, ME, 60, 600) }, text, NULL);
  thread_clear (&t);

  g_clear_pointer (&text, g_free);
  text = fill ("प्रिय {owner},\n\n"
               "आपको और आपके पूरे परिवार को दिवाली की हार्दिक शुभकामनाएँ! यह दीपों का "
               "त्योहार आपके जीवन में सुख, शांति और समृद्धि लाए।\n\nसुनीता मौसी\n",
               "owner", gen->owner.first, NULL);
  diya_html = fill ("<html><body style=\"text-align:center; font-size:18px\">"
                    "<p>प्रिय {owner},</p>"
                    "<p>आपको और आपके पूरे परिवार को <b>दिवाली की हार्दिक शुभकामनाएँ!</b></p>"
                    "<p><img src=\"cid:{cid}\" alt=\"दीया\" width=\"48\" height=\"48\"></p>"
                    "<p>यह दीपों का त्योहार आपके जीवन में सुख, शांति और समृद्धि लाए।</p>"
                    "<p>सुनीता मौसी</p></body></html>",
                    "owner", gen->owner.first, NULL);
  post (gen, &(Mail) { .from = SUNITA, .to = PEOPLE (ME, SRI), .subject = "दिवाली की शुभकामनाएँ 🪔",
                       .date = at_day (gen, SUNITA, festival_days_ago (gen, diwali, 10, 30), 7, 5),
                       .body = multipart (gen, "alternative", text_part ("plain", text),
                                          related_html (gen, diya_html, "diya.png", make_png (PICTURE_DIYA, 0)),
                                          NULL) });

  g_clear_pointer (&text, g_free);
  text = fill ("प्रिय {owner},\n\nहोली की बहुत बहुत शुभकामनाएँ! रंगों का यह त्योहार तुम्हारे "
               "जीवन को खुशियों से भर दे। यहाँ सुबह से बच्चे गुलाल लेकर घूम रहे हैं, और "
               "मैंने गुजिया बनाई है। काश तुम भी यहाँ होते।\n\nसुनीता मौसी\n",
               "owner", gen->owner.first, NULL);
  post (gen, &(Mail) { .from = SUNITA, .to = PEOPLE (ME), .subject = "होली मुबारक!",
                       .date = at_day (gen, SUNITA, festival_days_ago (gen, holi, 3, 10), 9, 15),
                       .body = text_part ("plain", text) });

  thread_init (&t, "शादी का निमंत्रण – अंजलि और विवेक", HI);
  g_clear_pointer (&text, g_free);
  text = fill ("Hi {owner},\n\n"
               "बहुत खुशी के साथ बताना चाहती हूँ कि विवेक और मेरी शादी {date} को जयपुर में है! "
               "The invitation card is attached. मेहंदी और संगीत एक दिन पहले होंगे।\n\n"
               "Please do come, it won't be the same without you. Let me know by the end of "
               "the month so we can book rooms for everyone.\n\nLove,\nAnjali\n",
               "owner", gen->owner.first, "date", wedding_day, NULL);
  wedding_line = g_strdup_printf ("on %s at seven in the evening", wedding_day);
  record = thread_post (gen, &t, &(Mail) { .from = ANJALI, .to = PEOPLE (ME), .cc = PEOPLE (SUNITA),
                                           .date = g_date_time_ref (wedding_mail) },
                        text,
                        attachment ("application/pdf", "शादी-का-निमंत्रण.pdf", make_pdf (
                          "Wedding Invitation",
                          (const char * const[]) {
                            "Mrs Sunita Sharma and family",
                            "request the pleasure of your company",
                            "at the wedding of",
                            "",
                            "Anjali Verma & Vivek Malhotra",
                            "",
                            wedding_line,
                            "Kesar Bagh, Jaipur",
                            "",
                            "Mehndi and Sangeet the evening before.",
                            NULL })), NULL);
  record->flags |= KABAR_SAMPLE_FLAGGED;
  g_clear_pointer (&text, g_free);
  text = fill ("Anjali, congratulations!! बहुत बहुत बधाई!\n\n"
               "Of course I'll be there, I wouldn't miss it for anything. Please count me in "
               "for the sangeet too, though I can't promise anything about my dancing.\n\n"
               "Love,\n{owner}\n",
               "owner", gen->owner.first, NULL);
  thread_post (gen, &t, &(Mail) { .from = ME, .to = PEOPLE (ANJALI), .cc = PEOPLE (SUNITA),
                                  .date = reply_date (gen, &t, ME, 60, 300) }, text, NULL);
  thread_post (gen, &t, &(Mail) { .from = ANJALI, .to = PEOPLE (ME),
                                  .date = reply_date (gen, &t, ANJALI, 30, 300) },
               "Yay!! 🎉 Mummy is already planning which sweets to send to Jakarta with you on "
               "the way back. I'll send the hotel details next week.\n\nAnjali\n", NULL);
  thread_clear (&t);
}

/* Bulk mail: newsletters, notifications, receipts */

static const char * const digest_stories[] = {
  "Packaging a GTK 4 application as a Flatpak, step by step",
  "Why your mail client should speak IMAP IDLE",
  "Translating free software: a volunteer's story from Jakarta",
  "Writing accessible GTK applications: labels, roles and relations",
  "What the libadwaita style classes are for",
  "The state of end-to-end encrypted mail today",
  "How Debian freezes work, and why they matter to upstream",
  "GObject for people who learned Python first",
  "A field guide to MIME: alternative, related and mixed",
  "Running a small mail server at home without tears",
  "Meson tips for projects that outgrew their first build file",
  "Fuzzing parsers with libFuzzer: a practical introduction",
  "Keyboard navigation is a feature, not a fix",
  "Designing for right-to-left and complex scripts",
  "Open source sustainability: what maintainers asked for this year",
  "Notes from a hackfest in Yogyakarta",
};

static void
newsletters (Gen *gen)
{
  static const char * const list_headers[] = {
    "List-Id", "Open Source Digest <digest.newsletter.example.org>",
    "List-Unsubscribe", "<https://newsletter.example.org/unsubscribe>",
    NULL,
  };
  static const char * const berita_headers[] = {
    "List-Id", "Kabar Teknologi <bulanan.berita.example.co.id>",
    "List-Unsubscribe", "<mailto:berhenti@berita.example.co.id>",
    NULL,
  };
  static const char * const berita_stories[] = {
    "Perangkat lunak sumber terbuka makin populer di kampus",
    "Tips menjaga keamanan akun email Anda",
    "Komunitas Linux Yogyakarta gelar lokakarya gratis",
    "Mengenal IMAP dan SMTP: bagaimana email sampai ke kotak masuk",
    "Cara membuat kata sandi yang kuat dan mudah diingat",
    "Festival teknologi Jakarta kembali digelar bulan depan",
    "Belajar pemrograman C untuk pemula",
    "Aplikasi desktop buatan developer lokal tembus pasar global",
    "Waspada email penipuan yang mengatasnamakan bank",
  };
  int issue = 214;
  int months;
  int days;

  for (days = 539; days >= 0; days -= 14)
    {
      g_autoptr(GDateTime) date = at_day (gen, DIGEST, days, 6, 0);
      /* An odd stride over an even number of stories never repeats one. */
      guint first = rand_range (gen, 0, G_N_ELEMENTS (digest_stories) - 1);
      guint stride = 2 * rand_range (gen, 0, 3) + 1;
      const char *a = digest_stories[first];
      const char *b = digest_stories[(first + stride) % G_N_ELEMENTS (digest_stories)];
      const char *c = digest_stories[(first + 2 * stride) % G_N_ELEMENTS (digest_stories)];
      g_autofree char *number = g_strdup_printf ("%d", issue++);
      g_autofree char *subject = g_strdup_printf ("Open Source Digest #%s: %s", number, a);
      g_autofree char *plain = NULL;
      g_autofree char *html = NULL;

      plain = fill ("OPEN SOURCE DIGEST #{n}\n\n"
                    "This fortnight:\n\n* {a}\n* {b}\n* {c}\n\n"
                    "Read the full issue at https://newsletter.example.org/issues/{n}\n\n"
                    "You receive this because you subscribed at newsletter.example.org.\n"
                    "Unsubscribe: https://newsletter.example.org/unsubscribe\n",
                    "n", number, "a", a, "b", b, "c", c, NULL);
      html = fill ("<html><body style=\"font-family: sans-serif; max-width: 600px\">"
                   "<table><tr><td><img src=\"cid:{cid}\" width=\"32\" height=\"32\" alt=\"\"></td>"
                   "<td><h1 style=\"margin:0\">Open Source Digest #{n}</h1></td></tr></table>"
                   "<h2>This fortnight</h2><ul>"
                   "<li><a href=\"https://newsletter.example.org/issues/{n}#1\">{a}</a></li>"
                   "<li><a href=\"https://newsletter.example.org/issues/{n}#2\">{b}</a></li>"
                   "<li><a href=\"https://newsletter.example.org/issues/{n}#3\">{c}</a></li></ul>"
                   "<p style=\"color:#77767b; font-size:small\">You receive this because you "
                   "subscribed at newsletter.example.org. "
                   "<a href=\"https://newsletter.example.org/unsubscribe\">Unsubscribe</a></p>"
                   "</body></html>",
                   "n", number, "a", a, "b", b, "c", c, NULL);
      post (gen, &(Mail) { .from = DIGEST, .to = PEOPLE (ME), .subject = subject, .newsletter = TRUE,
                           .date = g_date_time_ref (date), .headers = list_headers,
                           .body = multipart (gen, "alternative", text_part ("plain", plain),
                                              related_html (gen, html, "digest-logo.png",
                                                            make_png (PICTURE_LOGO, 2)),
                                              NULL) });
    }

  for (months = 17; months >= 0; months--)
    {
      g_autoptr(GDateTime) month_start = g_date_time_add_months (gen->now, -months);
      g_autoptr(GTimeZone) wib = g_time_zone_new_offset (7 * 3600);
      g_autoptr(GDateTime) date = g_date_time_new (wib, g_date_time_get_year (month_start),
                                                   g_date_time_get_month (month_start), 3, 8, 0,
                                                   rand_range (gen, 0, 59));
      const char *a = PICK (gen, berita_stories);
      const char *b = PICK (gen, berita_stories);
      g_autofree char *subject = g_strdup_printf ("Kabar Teknologi edisi %s %d",
                                                  month_name (g_date_time_get_month (date), ID),
                                                  g_date_time_get_year (date));
      g_autofree char *html = fill ("<html><body style=\"font-family: Georgia, serif\">"
                                    "<h1>Kabar Teknologi</h1>"
                                    "<p>Halo pembaca setia, berikut ringkasan berita teknologi "
                                    "bulan ini.</p>"
                                    "<h3>{a}</h3><p>Selengkapnya di situs kami.</p>"
                                    "<h3>{b}</h3><p>Selengkapnya di situs kami.</p>"
                                    "<hr><p style=\"font-size:small\">Anda menerima email ini "
                                    "karena berlangganan buletin Kabar Teknologi. "
                                    "<a href=\"mailto:berhenti@berita.example.co.id\">Berhenti "
                                    "berlangganan</a></p></body></html>",
                                    "a", a, "b", b == a ? "Sorotan pembaca bulan ini" : b, NULL);

      if (g_date_time_compare (date, gen->now) > 0)
        continue;
      post (gen, &(Mail) { .from = BERITA, .to = PEOPLE (ME), .subject = subject, .newsletter = TRUE,
                           .date = g_date_time_ref (date), .headers = berita_headers,
                           .body = text_part ("html", html) });
    }
}

static const char * const commit_subjects[] = {
  "imap: keep the selected folder across reconnects",
  "mime: decode RFC 2231 continuations in order",
  "ui: keep focus in the message list after delete",
  "smtp: refuse to continue when STARTTLS fails",
  "cache: drop messages when UIDVALIDITY changes",
  "composer: save drafts every 30 seconds",
  "search: index the attachment names",
  "po: update Indonesian translation",
  "po: update Hindi translation",
  "oauth2: refresh tokens five minutes before expiry",
  "threading: ignore self references",
  "ui: compact message list rows",
};

static const char * const failing_tests[] = {
  "/engine/imap/idle/reconnect-after-bye",
  "/engine/mime/rfc2231/continuations",
  "/ui/message-list/keeps-focus-after-delete",
  "/engine/smtp/starttls/refused",
  "/engine/cache/uidvalidity-change",
  "/engine/threading/self-reference",
};

static void
ci_notifications (Gen *gen)
{
  static const char * const jobs[] = { "build-debian", "build-fedora", "test-engine", "test-ui", "flatpak" };
  static const Who authors[] = { AYU, RAHUL, LUKAS, PRIYA, MEERA, ME };
  guint pipeline = 4100;
  double days;

  for (days = 535; days > 0; days -= rand_range (gen, 9, 15))
    {
      g_autoptr(GDateTime) date = at_day (gen, CI, days, rand_range (gen, 1, 14), rand_range (gen, 0, 59));
      const Person *author = person (gen, authors[rand_range (gen, 0, G_N_ELEMENTS (authors) - 1)]);
      const char *job = PICK (gen, jobs);
      const char *test = PICK (gen, failing_tests);
      const char *commit = PICK (gen, commit_subjects);
      g_autofree char *sha = g_strdup_printf ("%08x", g_rand_int (gen->rand));
      g_autofree char *subject = NULL;
      g_autofree char *body = NULL;
      g_autofree char *failed_number = NULL;

      pipeline += rand_range (gen, 20, 60);
      failed_number = g_strdup_printf ("%u", pipeline);
      subject = g_strdup_printf ("[kabar] Pipeline #%u failed on main (%s)", pipeline, job);
      body = fill ("Pipeline #{n} has failed!\n\n"
                   "Project: kabar\nBranch: main\n"
                   "Commit: {sha} \"{commit}\"\nAuthor: {author} <{address}>\n\n"
                   "Failed job: {job}\n\n"
                   "  not ok 17 {test}\n"
                   "  # ERROR: assertion failed (error == NULL): Timeout was reached (g-io-error-quark, 24)\n\n"
                   "https://ci.example.org/kabar/kabar/-/pipelines/{n}\n",
                   "n", failed_number, "sha", sha, "commit", commit, "author", author->name,
                   "address", author->address, "job", job, "test", test, NULL);
      post (gen, &(Mail) { .from = CI, .to = PEOPLE (ME), .subject = subject, .folder = "Projects/Kabar",
                           .date = g_date_time_ref (date), .newsletter = TRUE,
                           .body = text_part ("plain", body) });

      /* Most failures are fixed by the next pipeline. */
      if (chance (gen, 0.8))
        {
          g_autofree char *fixed = NULL;
          g_autofree char *fixed_body = NULL;
          g_autofree char *fixed_number = g_strdup_printf ("%u", pipeline + 1);

          fixed = g_strdup_printf ("[kabar] Pipeline #%u fixed on main", pipeline + 1);
          fixed_body = fill ("Pipeline #{n} is green again.\n\n"
                             "Project: kabar\nBranch: main\nCommit: {sha} \"{commit}\"\n\n"
                             "https://ci.example.org/kabar/kabar/-/pipelines/{n}\n",
                             "n", fixed_number, "sha", sha, "commit", PICK (gen, commit_subjects), NULL);
          post (gen, &(Mail) { .from = CI, .to = PEOPLE (ME), .subject = fixed, .folder = "Projects/Kabar",
                               .date = later (gen, date, CI, 30, 600), .newsletter = TRUE,
                               .body = text_part ("plain", fixed_body) });
        }
    }
}

typedef struct {
  const char *name;
  guint price;
} Item;

static const Item books[] = {
  { "Laskar Pelangi – Andrea Hirata", 89000 },
  { "Bumi Manusia – Pramoedya Ananta Toer", 132000 },
  { "Cantik Itu Luka – Eka Kurniawan", 125000 },
  { "Pulang – Leila S. Chudori", 110000 },
  { "Gadis Kretek – Ratih Kumala", 98000 },
  { "Sang Pemimpi – Andrea Hirata", 79000 },
  { "Belajar Pemrograman C", 165000 },
  { "Kamus Indonesia–Inggris", 210000 },
};

static const Item goods[] = {
  { "Kabel USB-C 1 m", 45000 },
  { "Kopi Gayo 250 g", 78000 },
  { "Tas laptop 14 inci", 215000 },
  { "Lampu meja LED", 129000 },
  { "Sambal bawang, 3 botol", 60000 },
  { "Payung lipat", 55000 },
  { "Botol minum 750 ml", 69000 },
  { "Teh melati, 50 kantong", 32000 },
  { "Keyboard nirkabel", 289000 },
};

static void
book_order (Gen    *gen,
            double  days_ago,
            guint   order)
{
  const Item *item = &books[rand_range (gen, 0, G_N_ELEMENTS (books) - 1)];
  guint quantity = chance (gen, 0.8) ? 1 : 2;
  guint shipping = 15000;
  g_autofree char *number = g_strdup_printf ("TBN-%u", order);
  g_autofree char *subject = g_strdup_printf ("Pesanan %s telah dikirim", number);
  g_autofree char *price = rupiah (item->price * quantity);
  g_autofree char *postage = rupiah (shipping);
  g_autofree char *total = rupiah (item->price * quantity + shipping);
  g_autofree char *count = g_strdup_printf ("%u", quantity);
  g_autofree char *plain = fill ("Halo {name},\n\n"
                                 "Terima kasih telah berbelanja di Toko Buku Nusantara! Pesanan "
                                 "{number} sudah kami kirim hari ini.\n\n"
                                 "{count} x {item}    {price}\n"
                                 "Ongkos kirim         {postage}\n"
                                 "Total                {total}\n\n"
                                 "Faktur terlampir. Selamat membaca!\n\nToko Buku Nusantara\n",
                                 "name", gen->owner.first, "number", number, "count", count,
                                 "item", item->name, "price", price, "postage", postage,
                                 "total", total, NULL);
  g_autofree char *html = fill ("<html><body style=\"font-family: sans-serif\">"
                                "<h2>Toko Buku Nusantara</h2>"
                                "<p>Halo {name},</p><p>Terima kasih telah berbelanja di Toko Buku "
                                "Nusantara! Pesanan <b>{number}</b> sudah kami kirim hari ini.</p>"
                                "<table border=\"0\" cellpadding=\"4\">"
                                "<tr><td>{count} &times; {item}</td><td align=\"right\">{price}</td></tr>"
                                "<tr><td>Ongkos kirim</td><td align=\"right\">{postage}</td></tr>"
                                "<tr><td><b>Total</b></td><td align=\"right\"><b>{total}</b></td></tr>"
                                "</table><p>Faktur terlampir. Selamat membaca!</p></body></html>",
                                "name", gen->owner.first, "number", number, "count", count,
                                "item", item->name, "price", price, "postage", postage,
                                "total", total, NULL);
  g_autofree char *invoice_name = g_strdup_printf ("faktur-%s.pdf", number);
  g_autofree char *invoice_total = g_strdup_printf ("Total: IDR %u", item->price * quantity + shipping);

  post (gen, &(Mail) {
    .from = TOKO, .to = PEOPLE (ME), .subject = subject, .folder = "Receipts",
    .date = at_day (gen, TOKO, days_ago, rand_range (gen, 9, 17), rand_range (gen, 0, 59)),
    .body = multipart (gen, "mixed",
                       multipart (gen, "alternative", text_part ("plain", plain),
                                  text_part ("html", html), NULL),
                       attachment ("application/pdf", invoice_name, make_pdf (
                         "Toko Buku Nusantara - Faktur",
                         (const char * const[]) { number, "", "Barang dan ongkos kirim, lihat email.",
                                                  invoice_total, NULL })),
                       NULL) });
}

static void
market_order (Gen    *gen,
              double  days_ago,
              guint   order)
{
  const Item *a = &goods[rand_range (gen, 0, G_N_ELEMENTS (goods) - 1)];
  const Item *b = &goods[rand_range (gen, 0, G_N_ELEMENTS (goods) - 1)];
  g_autofree char *number = g_strdup_printf ("PD%u", order);
  g_autofree char *subject = g_strdup_printf ("Pembayaran berhasil untuk pesanan %s", number);
  g_autofree char *price_a = rupiah (a->price);
  g_autofree char *price_b = rupiah (b->price);
  g_autofree char *total = rupiah (a->price + b->price);
  g_autofree char *html = fill ("<html><body style=\"font-family: Arial, sans-serif; background:#f6f5f4\">"
                                "<div style=\"background:#fff; padding:16px; max-width:560px\">"
                                "<h2 style=\"color:#26a269\">Pasar Daring</h2>"
                                "<p>Pembayaran untuk pesanan <b>{number}</b> berhasil. Penjual "
                                "akan segera memproses pesanan Anda.</p>"
                                "<table width=\"100%\" cellpadding=\"6\">"
                                "<tr><td>{a}</td><td align=\"right\">{pa}</td></tr>"
                                "<tr><td>{b}</td><td align=\"right\">{pb}</td></tr>"
                                "<tr><td><b>Total dibayar</b></td><td align=\"right\"><b>{total}</b></td></tr>"
                                "</table><p style=\"font-size:small; color:#77767b\">Email ini "
                                "dikirim otomatis, mohon tidak membalas.</p></div></body></html>",
                                "number", number, "a", a->name, "pa", price_a, "b", b->name,
                                "pb", price_b, "total", total, NULL);

  post (gen, &(Mail) {
    .from = PASAR, .to = PEOPLE (ME), .subject = subject, .folder = "Receipts",
    .date = at_day (gen, PASAR, days_ago, rand_range (gen, 7, 23), rand_range (gen, 0, 59)),
    .body = text_part ("html", html) });
}

static void
internet_bills (Gen *gen)
{
  int months;

  for (months = 17; months >= 0; months--)
    {
      g_autoptr(GDateTime) date = at_day (gen, ISP, months * 30.4 + 2, 6, 30);
      int month = g_date_time_get_month (date);
      int year = g_date_time_get_year (date);
      guint amount = 385000 + (months % 3 == 0 ? 0 : 16500) + (months < 6 ? 20000 : 0);
      g_autofree char *period = g_strdup_printf ("%s %d", month_name (month, ID), year);
      g_autofree char *subject = g_strdup_printf ("Tagihan Jaringan Nusantara periode %s", period);
      g_autofree char *money = rupiah (amount);
      g_autofree char *customer = g_strdup_printf ("%u", 8800120 + (guint) strlen (gen->owner.address));
      g_autofree char *text = fill ("Pelanggan yang terhormat,\n\n"
                                    "Tagihan internet rumah Anda untuk periode {period} sebesar "
                                    "{money} sudah terbit. Mohon lakukan pembayaran sebelum tanggal "
                                    "20 agar layanan tidak terganggu.\n\n"
                                    "Nomor pelanggan: {customer}\n"
                                    "Paket: Rumah 50 Mbps\n\n"
                                    "Rincian tagihan terlampir dalam bentuk PDF.\n\n"
                                    "Salam,\nJaringan Nusantara\n",
                                    "period", period, "money", money, "customer", customer, NULL);
      g_autofree char *file = g_strdup_printf ("tagihan-%d-%02d.pdf", year, month);
      g_autofree char *pdf_period = g_strdup_printf ("Periode: %d-%02d", year, month);
      g_autofree char *pdf_amount = g_strdup_printf ("Jumlah: IDR %u", amount);
      g_autofree char *pdf_customer = g_strdup_printf ("Nomor pelanggan: %s", customer);

      post (gen, &(Mail) {
        .from = ISP, .to = PEOPLE (ME), .subject = subject, .folder = "Receipts",
        .date = g_date_time_ref (date), .newsletter = TRUE,
        .body = multipart (gen, "mixed", text_part ("plain", text),
                           attachment ("application/pdf", file, make_pdf (
                             "Jaringan Nusantara - Tagihan",
                             (const char * const[]) { pdf_customer, pdf_period, "Paket: Rumah 50 Mbps",
                                                      pdf_amount, "", "Bayar sebelum tanggal 20.",
                                                      NULL })),
                           NULL) });
    }
}

static void
receipts (Gen *gen)
{
  guint order = 58210;
  double days;

  for (days = 520; days > 0; days -= rand_range (gen, 35, 70))
    book_order (gen, days, order += rand_range (gen, 300, 2000));
  for (days = 500; days > 0; days -= rand_range (gen, 25, 50))
    market_order (gen, days, 7700000 + (guint) rand_range (gen, 0, 99999));
  internet_bills (gen);
}

/* Meeting invitations */

static void
meeting_invites (Gen *gen)
{
  int days;
  guint n = 0;

  for (days = 520; days > 0; days -= 28)
    {
      g_autoptr(GDateTime) sent = at_day (gen, AYU, days, 9, 10);
      int to_tuesday = (2 - g_date_time_get_day_of_week (sent) + 7) % 7;
      g_autoptr(GDateTime) meeting_local = g_date_time_add_days (sent, to_tuesday < 2 ? to_tuesday + 7 : to_tuesday);
      g_autoptr(GDateTime) start = g_date_time_add_hours (meeting_local, 15 - g_date_time_get_hour (meeting_local));
      g_autoptr(GDateTime) start_utc = g_date_time_to_utc (start);
      g_autoptr(GDateTime) end_utc = g_date_time_add_minutes (start_utc, 45);
      g_autofree char *day = format_day (start, EN);
      g_autofree char *subject = g_strdup_printf ("Invitation: Kabar release sync @ %s 15:00 - 15:45 (WIB)", day);
      g_autofree char *dtstart = g_date_time_format (start_utc, "%Y%m%dT%H%M00Z");
      g_autofree char *dtend = g_date_time_format (end_utc, "%Y%m%dT%H%M00Z");
      g_autofree char *stamp = g_date_time_format (sent, "%Y%m%dT%H%M%SZ");
      g_autofree char *uid = g_strdup_printf ("release-sync-%u-%08x@example.co.id", n++, g_rand_int (gen->rand));
      g_autofree char *text = fill ("Kabar release sync\n\n"
                                    "When: {day}, 15:00 - 15:45 (Western Indonesia Time)\n"
                                    "Where: https://meet.example.org/kabar-release\n\n"
                                    "Agenda:\n"
                                    "- Open blockers for the next release\n"
                                    "- Translations status\n"
                                    "- Anything else\n\n"
                                    "Ayu Pratiwi invited you to this event.\n",
                                    "day", day, NULL);
      g_autofree char *ics = fill ("BEGIN:VCALENDAR\r\n"
                                   "PRODID:-//Kabar sample//Calendar//EN\r\n"
                                   "VERSION:2.0\r\n"
                                   "METHOD:REQUEST\r\n"
                                   "BEGIN:VEVENT\r\n"
                                   "UID:{uid}\r\n"
                                   "DTSTAMP:{stamp}\r\n"
                                   "DTSTART:{start}\r\n"
                                   "DTEND:{end}\r\n"
                                   "SUMMARY:Kabar release sync\r\n"
                                   "LOCATION:https://meet.example.org/kabar-release\r\n"
                                   "ORGANIZER;CN=Ayu Pratiwi:mailto:ayu.pratiwi@example.co.id\r\n"
                                   "ATTENDEE;CN={owner};RSVP=TRUE:mailto:{address}\r\n"
                                   "END:VEVENT\r\n"
                                   "END:VCALENDAR\r\n",
                                   "uid", uid, "stamp", stamp, "start", dtstart, "end", dtend,
                                   "owner", gen->owner.name, "address", gen->owner.address, NULL);

      post (gen, &(Mail) {
        .from = AYU, .to = PEOPLE (ME, RAHUL, LUKAS, PRIYA), .subject = subject,
        .date = g_date_time_ref (sent),
        .body = multipart (gen, "mixed", text_part ("plain", text),
                           attachment ("text/calendar", "invite.ics", bytes_of (ics)), NULL) });
    }
}

/* Unsent mail */

static void
drafts (Gen *gen)
{
  post (gen, &(Mail) { .from = ME, .to = PEOPLE (SUNITA), .subject = "दिसंबर की यात्रा", .draft = TRUE,
                       .date = at_day (gen, ME, 2, 22, 10),
                       .body = text_part ("plain",
                                          "नमस्ते मौसी,\n\n"
                                          "हमारी टिकट बुक हो गई है। हम 18 दिसंबर को दिल्ली पहुँचेंगे "
                                          "और 24 तारीख तक रुकेंगे। माँ भी साथ आ रही हैं।\n\n") });
  post (gen, &(Mail) { .from = ME, .to = PEOPLE (DEWI), .subject = "Oleh-oleh untuk Bude", .draft = TRUE,
                       .date = at_day (gen, ME, 12, 21, 0),
                       .body = text_part ("plain",
                                          "Dew, aku sudah beli bakpia dan perak dari Kotagede "
                                          "untuk Bude. Kamu yang kirim atau aku bawa waktu ") });
  post (gen, &(Mail) { .from = ME, .to = PEOPLE (EMILY), .subject = "Talk proposal: threading mail without surprises",
                       .draft = TRUE, .date = at_day (gen, ME, 1, 11, 20),
                       .body = text_part ("plain",
                                          "Hi Emily,\n\nHere is a first version of the abstract:\n\n"
                                          "Every mail client has to turn a pile of messages into "
                                          "conversations. This talk shows how Kabar does it, what "
                                          "real-world headers look like, and\n\nTODO: finish, add the "
                                          "numbers from the sample mailbox\n") });
  post (gen, &(Mail) { .from = ME, .to = NULL, .subject = "Notes for the hackfest retrospective", .draft = TRUE,
                       .date = at_day (gen, ME, 96, 17, 35),
                       .body = text_part ("plain",
                                          "- venue was great, wifi was not\n"
                                          "- translators' session: do it on day 1 next time\n"
                                          "- ask Meera to run the accessibility workshop again\n") });
}

void
add_all_scenarios (Gen *gen)
{
  static const double release_days[] = { 520, 370, 205, 6 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (releases); i++)
    release_plan (gen, &releases[i], release_days[i],
                  i + 1 < G_N_ELEMENTS (releases) ? "Projects/Kabar" : NULL);
  for (i = 0; i < G_N_ELEMENTS (bugs); i++)
    bug_report (gen, &bugs[i], i, 500 - i * 44.0 + rand_range (gen, 0, 8));

  design_reviews (gen);
  team_mail (gen);
  colleague_plans (gen);
  friends (gen);
  yogyakarta_trip (gen);
  family_indonesia (gen);
  family_india (gen);
  meeting_invites (gen);
  newsletters (gen);
  ci_notifications (gen);
  receipts (gen);
  drafts (gen);
}
