/* kabar-sample-media.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "kabar-sample-mailbox-private.h"

#include <math.h>
#include <string.h>

/* Small but valid PNG and PDF files, made here so that the sample mailbox
 * needs neither zlib nor image files in the tree. */

typedef struct {
  guint8 r, g, b;
} Rgb;

static guint32
crc32_of (const guint8 *data,
          gsize         len,
          guint32       crc)
{
  gsize i;
  int bit;

  crc = ~crc;
  for (i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (bit = 0; bit < 8; bit++)
        crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
    }
  return ~crc;
}

static guint32
adler32_of (const guint8 *data,
            gsize         len)
{
  guint32 a = 1, b = 0;
  gsize i;

  for (i = 0; i < len; i++)
    {
      a = (a + data[i]) % 65521;
      b = (b + a) % 65521;
    }
  return (b << 16) | a;
}

static void
append_be32 (GByteArray *array,
             guint32     value)
{
  guint8 bytes[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (array, bytes, 4);
}

static void
append_chunk (GByteArray   *png,
              const char   *type,
              const guint8 *data,
              gsize         len)
{
  guint32 crc = crc32_of ((const guint8 *) type, 4, 0);

  crc = crc32_of (data, len, crc);
  append_be32 (png, len);
  g_byte_array_append (png, (const guint8 *) type, 4);
  g_byte_array_append (png, data, len);
  append_be32 (png, crc);
}

/* A zlib stream of stored (uncompressed) deflate blocks: valid, and all
 * a decoder needs. */
static GByteArray *
zlib_stored (const guint8 *data,
             gsize         len)
{
  GByteArray *out = g_byte_array_new ();
  static const guint8 header[] = { 0x78, 0x01 };
  gsize offset = 0;

  g_byte_array_append (out, header, sizeof header);
  do
    {
      gsize n = MIN (len - offset, 65535);
      guint8 block[5] = { offset + n == len, n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff };

      g_byte_array_append (out, block, sizeof block);
      g_byte_array_append (out, data + offset, n);
      offset += n;
    }
  while (offset < len);
  append_be32 (out, adler32_of (data, len));
  return out;
}

static Rgb
mix (Rgb    a,
     Rgb    b,
     double t)
{
  t = CLAMP (t, 0.0, 1.0);
  return (Rgb) { a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t };
}

/* The Kabar speech bubble on a light background, in a hue per variant. */
static Rgb
logo_pixel (double x, double y, guint variant)
{
  static const Rgb hues[] = { { 53, 132, 228 }, { 46, 194, 126 }, { 230, 97, 0 } };
  Rgb bubble = hues[variant % G_N_ELEMENTS (hues)];
  Rgb white = { 255, 255, 255 };
  double dx = (x - 0.5) / 0.42, dy = (y - 0.45) / 0.32;
  gboolean in_bubble = dx * dx + dy * dy < 1.0 || (x > 0.28 && x < 0.42 && y > 0.6 && y < 0.9 - (x - 0.28));

  if (!in_bubble)
    return white;
  if (fabs (y - 0.45) < 0.06 && (fabs (x - 0.32) < 0.05 || fabs (x - 0.5) < 0.05 || fabs (x - 0.68) < 0.05))
    return white;
  return bubble;
}

/* An oil lamp with its flame, for Diwali greetings. */
static Rgb
diya_pixel (double x, double y, guint variant)
{
  Rgb night = { 46, 16, 78 }, clay = { 184, 92, 36 }, flame = { 255, 196, 40 }, core = { 255, 244, 200 };
  double bowl = (x - 0.5) * (x - 0.5) / 0.12 + (y - 0.72) * (y - 0.72) / 0.02;
  double fx = (x - 0.5) / 0.09, fy = (y - 0.45) / 0.18;

  if (y > 0.68 && bowl < 1.0)
    return clay;
  if (fx * fx + fy * fy < 1.0 && y < 0.62)
    return fx * fx + fy * fy < 0.3 ? core : flame;
  /* A few stars, placed by the variant. */
  if ((int) (x * 97 + y * 89 + variant * 13) % 53 == 0)
    return core;
  return mix (night, (Rgb) { 90, 30, 110 }, y);
}

/* A tiny mock-up of Kabar's window: header bar, sidebar, message list. */
static Rgb
screenshot_pixel (double x, double y, guint variant)
{
  Rgb header = { 235, 235, 235 }, sidebar = { 246, 245, 244 }, list = { 255, 255, 255 };
  Rgb selected = { 53, 132, 228 }, text = { 154, 153, 150 }, line = { 222, 221, 218 };
  int row = (int) ((y - 0.12) / 0.11);
  double in_row = fmod (y - 0.12, 0.11);

  if (y < 0.12)
    return x > 0.9 && y > 0.04 && y < 0.08 ? text : header;
  if (x < 0.25)
    return row == 0 && in_row < 0.09 ? mix (sidebar, selected, 0.25) : sidebar;
  if (in_row > 0.1)
    return line;
  if (row == (int) (variant % 4) + 1)
    return in_row > 0.03 && in_row < 0.05 && x > 0.3 && x < 0.8 ? list : selected;
  if (in_row > 0.03 && in_row < 0.05 && x > 0.3 && x < 0.5 + 0.3 * ((row * 7) % 5) / 5.0)
    return text;
  return list;
}

/* Sky, sea and sand: a holiday snapshot, very small. */
static Rgb
beach_pixel (double x, double y, guint variant)
{
  Rgb sky_top = { 92, 160, 230 }, sky = { 190, 225, 250 }, sea = { 20, 110, 160 }, sand = { 236, 214, 160 };
  double horizon = 0.5 + 0.05 * sin (x * 3.0 + variant);
  double shore = 0.72 + 0.06 * sin (x * 7.0 + variant * 2.0);
  double sx = x - 0.8, sy = y - 0.2;

  if (sx * sx + sy * sy < 0.006)
    return (Rgb) { 255, 236, 150 };
  if (y < horizon)
    return mix (sky_top, sky, y / horizon);
  if (y < shore)
    return mix (sea, (Rgb) { 60, 160, 190 }, (y - horizon) / (shore - horizon));
  return sand;
}

/* A stupa against the morning sky: Borobudur at a glance. */
static Rgb
temple_pixel (double x, double y, guint variant)
{
  Rgb dawn = { 250, 190, 140 }, sky = { 120, 150, 200 }, stone = { 96, 90, 84 }, green = { 60, 110, 60 };
  double width = 0.45 - 0.35 * (0.85 - y) / 0.45;

  if (y > 0.85)
    return green;
  if (y > 0.4 && fabs (x - 0.5) < width)
    return (int) (y * 40) % 4 == 0 ? mix (stone, (Rgb) { 0, 0, 0 }, 0.3) : stone;
  if (y > 0.3 && y <= 0.4 && fabs (x - 0.5) < 0.02)
    return stone;
  return mix (sky, dawn, y / 0.85 + 0.05 * variant);
}

GBytes *
make_png (Picture picture,
          guint   variant)
{
  static const struct { guint width, height; } sizes[] = {
    [PICTURE_LOGO] = { 32, 32 },
    [PICTURE_DIYA] = { 48, 48 },
    [PICTURE_SCREENSHOT] = { 96, 64 },
    [PICTURE_BEACH] = { 64, 40 },
    [PICTURE_TEMPLE] = { 64, 48 },
  };
  guint width = sizes[picture].width, height = sizes[picture].height;
  g_autoptr(GByteArray) raw = g_byte_array_new ();
  g_autoptr(GByteArray) idat = NULL;
  GByteArray *png = g_byte_array_new ();
  static const guint8 signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 ihdr[13];
  guint px, py;

  for (py = 0; py < height; py++)
    {
      static const guint8 no_filter = 0;

      g_byte_array_append (raw, &no_filter, 1);
      for (px = 0; px < width; px++)
        {
          double x = (px + 0.5) / width, y = (py + 0.5) / height;
          Rgb c;

          switch (picture)
            {
            case PICTURE_LOGO: c = logo_pixel (x, y, variant); break;
            case PICTURE_DIYA: c = diya_pixel (x, y, variant); break;
            case PICTURE_SCREENSHOT: c = screenshot_pixel (x, y, variant); break;
            case PICTURE_BEACH: c = beach_pixel (x, y, variant); break;
            case PICTURE_TEMPLE: c = temple_pixel (x, y, variant); break;
            default: g_assert_not_reached ();
            }
          g_byte_array_append (raw, &c.r, 1);
          g_byte_array_append (raw, &c.g, 1);
          g_byte_array_append (raw, &c.b, 1);
        }
    }

  g_byte_array_append (png, signature, sizeof signature);
  memset (ihdr, 0, sizeof ihdr);
  ihdr[0] = width >> 24; ihdr[1] = width >> 16; ihdr[2] = width >> 8; ihdr[3] = width;
  ihdr[4] = height >> 24; ihdr[5] = height >> 16; ihdr[6] = height >> 8; ihdr[7] = height;
  ihdr[8] = 8;  /* bits per sample */
  ihdr[9] = 2;  /* truecolour */
  append_chunk (png, "IHDR", ihdr, sizeof ihdr);
  idat = zlib_stored (raw->data, raw->len);
  append_chunk (png, "IDAT", idat->data, idat->len);
  append_chunk (png, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (png);
}

static void
append_pdf_string (GString    *out,
                   const char *text)
{
  const char *p;

  g_string_append_c (out, '(');
  for (p = text; *p != '\0'; p++)
    {
      /* Helvetica in a plain PDF speaks Latin-1 at best: keep to ASCII. */
      g_assert ((guchar) *p < 0x80);
      if (*p == '(' || *p == ')' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, ')');
}

static char *
pdf_page_content (const char         *title,
                  const char * const *lines)
{
  GString *content = g_string_new ("BT\n/F1 18 Tf\n56 770 Td\n");
  guint i;

  append_pdf_string (content, title);
  g_string_append (content, " Tj\n/F1 11 Tf\n15 TL\n0 -12 Td\n");
  for (i = 0; lines[i] != NULL; i++)
    {
      g_string_append (content, "T* ");
      append_pdf_string (content, lines[i]);
      g_string_append (content, " Tj\n");
    }
  g_string_append (content, "ET\n");
  return g_string_free (content, FALSE);
}

/* One A4 page of Helvetica text, with a correct cross-reference table. */
GBytes *
make_pdf (const char         *title,
          const char * const *lines)
{
  g_autofree char *content = pdf_page_content (title, lines);
  g_autoptr(GString) info = g_string_new ("<< /Title ");
  GString *pdf = g_string_new ("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
  const char *objects[6];
  g_autofree char *page_stream = NULL;
  gsize offsets[6];
  gsize xref;
  guint i;

  append_pdf_string (info, title);
  g_string_append (info, " /Producer (Kabar sample mailbox) >>");
  page_stream = g_strdup_printf ("<< /Length %zu >>\nstream\n%sendstream", strlen (content), content);

  objects[0] = "<< /Type /Catalog /Pages 2 0 R >>";
  objects[1] = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";
  objects[2] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
               "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>";
  objects[3] = page_stream;
  objects[4] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
  objects[5] = info->str;

  for (i = 0; i < G_N_ELEMENTS (objects); i++)
    {
      offsets[i] = pdf->len;
      g_string_append_printf (pdf, "%u 0 obj\n%s\nendobj\n", i + 1, objects[i]);
    }
  xref = pdf->len;
  g_string_append_printf (pdf, "xref\n0 %zu\n0000000000 65535 f \n", G_N_ELEMENTS (objects) + 1);
  for (i = 0; i < G_N_ELEMENTS (objects); i++)
    g_string_append_printf (pdf, "%010zu 00000 n \n", offsets[i]);
  g_string_append_printf (pdf, "trailer\n<< /Size %zu /Root 1 0 R /Info 6 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                          G_N_ELEMENTS (objects) + 1, xref);
  return g_string_free_to_bytes (pdf);
}

GBytes *
bytes_of (const char *text)
{
  return g_bytes_new (text, strlen (text));
}
