/*
 * doc.c - the families' printed documents: A4 PDF pages with cairo and
 * pango, the commune's letterhead, the address block of a window
 * envelope, the legal mentions, French amounts, and the sets of PDF
 * files that appear whole in the outbox.
 */
#define _GNU_SOURCE /* syncfs */
#include <cairo-pdf.h>
#include <errno.h>
#include <fcntl.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sepa/money.h"
#include "afile.h"
#include "config.h"
#include "doc.h"
#include "log.h"

/* The font every document is set in: DejaVu Sans (fonts-dejavu-core)
 * has the euro sign and the narrow no-break space. */
#define DOC_FONT "DejaVu Sans"

/* Where a window envelope (DL, window on the right) shows the address
 * (DOC_ADDR_X: doc.h). */
#define DOC_ADDR_Y 150.0
#define DOC_ADDR_W 230.0

/* The texts of every document, in one place (for gettext later). */
static const char *const doc_months[] = {DOC_FR("janvier"), DOC_FR("février"),
    DOC_FR("mars"), DOC_FR("avril"), DOC_FR("mai"), DOC_FR("juin"),
    DOC_FR("juillet"), DOC_FR("août"), DOC_FR("septembre"), DOC_FR("octobre"),
    DOC_FR("novembre"), DOC_FR("décembre")};
#define DOC_T_PHONE DOC_FR("Tél. %s")
#define DOC_T_EMAIL DOC_FR("Courriel : %s")
#define DOC_T_HOURS DOC_FR("Accueil : %s")
#define DOC_T_CONTINUED DOC_FR("%s, %s (suite)")
#define DOC_T_PAGE DOC_FR("Page %d / %d")
#define DOC_T_LEGAL_TITLE DOC_FR("Réclamations et voies de recours")
/* contract art. 8, with today's court (the tribunal judiciaire replaced
 * the tribunal d'instance and the tribunal de grande instance in 2020) */
#define DOC_T_LEGAL \
	DOC_FR( \
	    "Toute demande de renseignements sur le décompte de cette facture " \
	    "est à adresser à %s (coordonnées ci-dessus). Tout recours " \
	    "amiable est à adresser à %s ; le recours amiable ne suspend pas " \
	    "le délai de saisine du juge judiciaire. En vertu de l'article " \
	    "L. 1617-5 du Code général des collectivités territoriales, vous " \
	    "pouvez, dans un délai de deux mois suivant la réception de cette " \
	    "facture, contester la somme due en saisissant directement le " \
	    "tribunal judiciaire compétent.")

static const struct {
	double size;
	int bold;
} doc_styles[DOC_NSTYLES] = {
    [DOC_NORMAL] = {9, 0},
    [DOC_BOLD] = {9, 1},
    [DOC_SMALL] = {7, 0},
    [DOC_SMALL_BOLD] = {7, 1},
    [DOC_HEAD] = {11, 1},
    [DOC_TITLE] = {15, 1},
};

static double doc_lines(struct doc *d, cairo_t *cr, double x, double y,
    double w, enum doc_style st, enum doc_align al, const char *s);
static double doc_wrap(struct doc *d, cairo_t *cr, double x, double y, double w,
    enum doc_style st, enum doc_align al, const char *s);
static const struct doc_glyph *doc_glyph(
    struct doc *d, enum doc_style st, unsigned long cp);

/* A character's glyph and advance in one style (doc_glyph). */
#define DOC_GLYPH_LATIN 0x250 /* U+0000 to U+024F */
#define DOC_GLYPH_EXTRA 8
struct doc_glyph {
	unsigned long index; /* 0: none in the font */
	double advance;
	int known;
};

struct doc {
	struct doc_sender sender;
	PangoFontMap *fontmap;
	PangoContext *ctx;
	PangoLayout *layout[DOC_NSTYLES];
	/* The same fonts for the lines drawn without pango (doc_line). */
	PangoFont *font[DOC_NSTYLES];
	cairo_scaled_font_t *sf[DOC_NSTYLES];
	double ascent[DOC_NSTYLES], line_h[DOC_NSTYLES];
	cairo_surface_t *legal_rec; /* the legal mentions, drawn once */
	struct doc_glyph (*glyphs)[DOC_GLYPH_LATIN + DOC_GLYPH_EXTRA];
	struct doc_glyph narrow[DOC_NSTYLES]; /* U+202F */
	cairo_surface_t *logo; /* NULL without documents.logo */
	char *legal; /* DOC_T_LEGAL filled in */
	double legal_h;
};

void
doc_sender_from_config(struct doc_sender *s, const struct sepad_config *cfg)
{
	s->name = cfg->cred_name;
	s->department = cfg->doc_department;
	s->building = cfg->cred_building;
	s->street = cfg->cred_street;
	s->postcode = cfg->cred_postcode;
	s->town = cfg->cred_town;
	s->ics = cfg->cred_ics;
	s->phone = cfg->doc_phone;
	s->email = cfg->doc_email;
	s->hours = cfg->doc_hours;
	s->logo = cfg->doc_logo;
	s->mayor = cfg->doc_mayor;
	s->appeal = cfg->doc_appeal;
}

/* The layouts are made on a context of no surface, then used with any
 * cairo_t: the metrics do not depend on it (hinting off). */
static void
doc_fonts(struct doc *d)
{
	cairo_font_options_t *fo = cairo_font_options_create();
	PangoAttrList *attrs;
	int h;

	d->fontmap = pango_cairo_font_map_new();
	d->ctx = pango_font_map_create_context(d->fontmap);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(d->ctx, fo);
	cairo_font_options_destroy(fo);
	for (int i = 0; i < DOC_NSTYLES; i++) {
		PangoFontDescription *fd = pango_font_description_new();

		pango_font_description_set_family(fd, DOC_FONT);
		pango_font_description_set_absolute_size(
		    fd, doc_styles[i].size * PANGO_SCALE);
		pango_font_description_set_weight(fd,
		    doc_styles[i].bold ? PANGO_WEIGHT_BOLD
		                       : PANGO_WEIGHT_NORMAL);
		d->layout[i] = pango_layout_new(d->ctx);
		pango_layout_set_font_description(d->layout[i], fd);
		/* no "ﬁ" ligature: it would add a font to each PDF */
		attrs = pango_attr_list_new();
		pango_attr_list_insert(
		    attrs, pango_attr_font_features_new("liga 0, clig 0"));
		pango_layout_set_attributes(d->layout[i], attrs);
		pango_attr_list_unref(attrs);
		pango_layout_set_wrap(d->layout[i], PANGO_WRAP_WORD_CHAR);
		d->font[i] = pango_font_map_load_font(d->fontmap, d->ctx, fd);
		d->sf[i] = d->font[i] != NULL
		    ? pango_cairo_font_get_scaled_font(
		          PANGO_CAIRO_FONT(d->font[i]))
		    : NULL;
		pango_font_description_free(fd);
		/* one line's height and baseline, as pango sets them */
		pango_layout_set_text(d->layout[i], "Xg", -1);
		d->ascent[i] = (double)pango_layout_get_baseline(d->layout[i]) /
		    PANGO_SCALE;
		pango_layout_get_size(d->layout[i], NULL, &h);
		d->line_h[i] = (double)h / PANGO_SCALE;
	}
	d->glyphs = xreallocarray(NULL, DOC_NSTYLES, sizeof(*d->glyphs));
	memset(d->glyphs, 0, DOC_NSTYLES * sizeof(*d->glyphs));
	for (int i = 0; i < DOC_NSTYLES; i++) {
		const struct doc_glyph *sp = doc_glyph(d, i, ' ');

		if (sp != NULL)
			d->narrow[i] =
			    (struct doc_glyph){sp->index, sp->advance / 3, 1};
	}
}

int
doc_new(struct doc **out, const struct doc_sender *s, sepa_error *err)
{
	struct doc *d = xmalloc(sizeof(*d));
	const char *mayor, *appeal;
	char *addr = NULL;

	*out = NULL;
	memset(d, 0, sizeof(*d));
	d->sender = *s;
	if (s->logo != NULL && s->logo[0] != '\0') {
		d->logo = cairo_image_surface_create_from_png(s->logo);
		if (cairo_surface_status(d->logo) != CAIRO_STATUS_SUCCESS) {
			sepa_error_set(err, SEPA_EIO,
			    "could not read the logo %s (documents.logo): %s",
			    s->logo,
			    cairo_status_to_string(
			        cairo_surface_status(d->logo)));
			doc_free(d);
			return SEPA_EIO;
		}
	}
	doc_fonts(d);
	mayor = s->mayor[0] != '\0' ? s->mayor : DOC_FR("Monsieur le Maire");
	appeal = s->appeal;
	if (appeal[0] == '\0') {
		xasprintf(&addr, "%s, %s, %s%s%s, %s %s", mayor, s->name,
		    s->building, s->building[0] != '\0' ? " " : "", s->street,
		    s->postcode, s->town);
		appeal = addr;
	}
	xasprintf(&d->legal, DOC_T_LEGAL, mayor, appeal);
	free(addr);
	d->legal_h = d->line_h[DOC_SMALL_BOLD] +
	    doc_text(d, NULL, 0, 0, DOC_TEXT_W, DOC_SMALL, DOC_LEFT, d->legal) +
	    6;
	*out = d;
	return 0;
}

void
doc_free(struct doc *d)
{
	if (d == NULL)
		return;
	for (int i = 0; i < DOC_NSTYLES; i++) {
		if (d->layout[i] != NULL)
			g_object_unref(d->layout[i]);
		if (d->font[i] != NULL)
			g_object_unref(d->font[i]);
	}
	if (d->legal_rec != NULL)
		cairo_surface_destroy(d->legal_rec);
	free(d->glyphs);
	if (d->ctx != NULL)
		g_object_unref(d->ctx);
	if (d->fontmap != NULL)
		g_object_unref(d->fontmap);
	if (d->logo != NULL)
		cairo_surface_destroy(d->logo);
	free(d->legal);
	free(d);
}

const struct doc_sender *
doc_sender(const struct doc *d)
{
	return &d->sender;
}

static PangoLayout *
doc_layout(struct doc *d, double w, enum doc_style st, enum doc_align al,
    const char *s)
{
	PangoLayout *l = d->layout[st];

	pango_layout_set_width(l, w > 0 ? (int)(w * PANGO_SCALE) : -1);
	pango_layout_set_alignment(l,
	    al == DOC_RIGHT        ? PANGO_ALIGN_RIGHT
	        : al == DOC_CENTER ? PANGO_ALIGN_CENTER
	                           : PANGO_ALIGN_LEFT);
	pango_layout_set_text(l, s, -1);
	return l;
}

/*
 * The glyph and advance of a character in style st, looked up once in
 * the font and kept (Latin, Latin-1 and Latin Extended, and the
 * punctuation of doc_glyph_extra); NULL for another character, or one
 * the font lacks. A no-break space is the space (U+00A0 would put a
 * second font in each PDF), a narrow one a third of it.
 */
static const unsigned long doc_glyph_extra[DOC_GLYPH_EXTRA] = {
    0x2026, 0x20AC, 0x2022, 0x2019, 0x201C, 0x201D, 0x2013, 0x2014};

static const struct doc_glyph *
doc_glyph(struct doc *d, enum doc_style st, unsigned long cp)
{
	struct doc_glyph *e;
	cairo_glyph_t *g = NULL;
	cairo_text_extents_t ext;
	char u[8];
	size_t slot = cp;
	int n = 0;

	if (cp == 0xA0 || cp == 0x202F)
		slot = ' ';
	else if (cp >= DOC_GLYPH_LATIN) {
		for (slot = 0; slot < DOC_GLYPH_EXTRA; slot++)
			if (doc_glyph_extra[slot] == cp)
				break;
		if (slot == DOC_GLYPH_EXTRA)
			return NULL;
		slot += DOC_GLYPH_LATIN;
	}
	e = &d->glyphs[st][slot];
	if (!e->known) {
		unsigned long c = slot < DOC_GLYPH_LATIN
		    ? slot
		    : doc_glyph_extra[slot - DOC_GLYPH_LATIN];

		e->known = 1;
		if (c < 0x80) {
			u[0] = (char)c;
			u[1] = '\0';
		} else if (c < 0x800) {
			u[0] = (char)(0xC0 | (c >> 6));
			u[1] = (char)(0x80 | (c & 0x3F));
			u[2] = '\0';
		} else {
			u[0] = (char)(0xE0 | (c >> 12));
			u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
			u[2] = (char)(0x80 | (c & 0x3F));
			u[3] = '\0';
		}
		if (d->sf[st] != NULL &&
		    cairo_scaled_font_text_to_glyphs(d->sf[st], 0, 0, u, -1, &g,
		        &n, NULL, NULL, NULL) == CAIRO_STATUS_SUCCESS &&
		    n == 1 && g[0].index != 0) {
			cairo_scaled_font_glyph_extents(d->sf[st], g, 1, &ext);
			e->index = g[0].index;
			e->advance = ext.x_advance;
		}
		cairo_glyph_free(g);
	}
	if (e->index == 0)
		return NULL;
	if (cp == 0x202F)
		return &d->narrow[st];
	return e;
}

/*
 * One line without pango: the characters' glyphs from the font's own
 * map (doc_glyph), no shaping (the documents' Latin text needs none),
 * forty times faster than a layout. Returns the line's width, -1 when a
 * character is not one doc_glyph knows (the caller then uses pango,
 * which falls back on another font). Draws at (x, y) top-left when cr
 * is set, aligned in a box `box` points wide, cut with "…" to it when
 * `cut`.
 */
static double
doc_line(struct doc *d, cairo_t *cr, double x, double y, double box,
    enum doc_align al, int cut, enum doc_style st, const char *s)
{
	cairo_glyph_t stack[160], *g = stack;
	const struct doc_glyph *e, *dots;
	size_t len = strlen(s);
	double w = 0, off = 0;
	int n = 0;

	if (len > sizeof(stack) / sizeof(stack[0]))
		g = xreallocarray(NULL, len, sizeof(*g));
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0';) {
		unsigned long cp = *p++;

		if (cp >= 0xC0) {
			int more = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : 1;

			cp &= more == 3 ? 0x07 : more == 2 ? 0x0F : 0x1F;
			for (; more > 0 && (*p & 0xC0) == 0x80; more--)
				cp = (cp << 6) | (*p++ & 0x3F);
		}
		if ((e = doc_glyph(d, st, cp)) == NULL) {
			w = -1;
			goto done;
		}
		g[n++] = (cairo_glyph_t){e->index, w, 0};
		w += e->advance;
	}
	if (cut && box > 0 && w > box &&
	    (dots = doc_glyph(d, st, 0x2026)) != NULL) {
		/* the end cut off, and "…" after what is left */
		while (n > 0 && w + dots->advance > box)
			w = g[--n].x;
		g[n++] = (cairo_glyph_t){dots->index, w, 0};
		w += dots->advance;
	}
	if (cr != NULL) {
		if (box > 0 && al != DOC_LEFT)
			off = al == DOC_RIGHT ? box - w : (box - w) / 2;
		for (int i = 0; i < n; i++) {
			g[i].x += x + off;
			g[i].y = y + d->ascent[st];
		}
		cairo_set_scaled_font(cr, d->sf[st]);
		cairo_show_glyphs(cr, g, n);
	}
done:
	if (g != stack)
		free(g);
	return w;
}

/*
 * A paragraph wider than w, broken at its spaces (never at a no-break
 * space) into lines that fit, each drawn by doc_text; a word longer
 * than a line stands alone on its line.
 */
static double
doc_wrap(struct doc *d, cairo_t *cr, double x, double y, double w,
    enum doc_style st, enum doc_align al, const char *s)
{
	char *buf = xstrdup(s), *line = buf, *brk = NULL, *p;
	double h = 0;

	for (p = buf;; p++) {
		if (*p != ' ' && *p != '\0')
			continue;
		if (brk != NULL) {
			char c = *p;

			*p = '\0';
			if (doc_line(d, NULL, 0, 0, 0, DOC_LEFT, 0, st, line) >
			    w) {
				*brk = '\0';
				h += doc_text(d, cr, x, y + h, 0, st, al, line);
				line = brk + 1;
			}
			*p = c;
		}
		if (*p == '\0')
			break;
		brk = p;
	}
	h += doc_text(d, cr, x, y + h, 0, st, al, line);
	free(buf);
	return h;
}

/* Text of several lines, each drawn (and wrapped) by doc_text. */
static double
doc_lines(struct doc *d, cairo_t *cr, double x, double y, double w,
    enum doc_style st, enum doc_align al, const char *s)
{
	double h = 0;

	for (;;) {
		const char *nl = strchr(s, '\n');
		size_t n = nl != NULL ? (size_t)(nl - s) : strlen(s);
		char *line = xmalloc(n + 1);

		memcpy(line, s, n);
		line[n] = '\0';
		h += doc_text(d, cr, x, y + h, w, st, al, line);
		free(line);
		if (nl == NULL)
			return h;
		s = nl + 1;
	}
}

double
doc_text(struct doc *d, cairo_t *cr, double x, double y, double w,
    enum doc_style st, enum doc_align al, const char *s)
{
	PangoLayout *l;
	double lw;
	int pw, ph;

	if (strchr(s, '\n') != NULL)
		return doc_lines(d, cr, x, y, w, st, al, s);
	if ((lw = doc_line(d, NULL, 0, 0, 0, DOC_LEFT, 0, st, s)) >= 0) {
		if (w > 0 && lw > w)
			return doc_wrap(d, cr, x, y, w, st, al, s);
		if (cr != NULL)
			doc_line(d, cr, x, y, w, al, 0, st, s);
		return d->line_h[st];
	}
	if (cr == NULL)
		return doc_text_height(d, w, st, s);
	l = doc_layout(d, w, st, al, s);
	pango_layout_get_size(l, &pw, &ph);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
	return (double)ph / PANGO_SCALE;
}

double
doc_text_height(struct doc *d, double w, enum doc_style st, const char *s)
{
	int lw, lh;

	pango_layout_get_size(doc_layout(d, w, st, DOC_LEFT, s), &lw, &lh);
	return (double)lh / PANGO_SCALE;
}

void
doc_cell(struct doc *d, cairo_t *cr, double x, double y, double w,
    enum doc_style st, enum doc_align al, const char *s)
{
	PangoLayout *l;
	int pw, ph;

	if (cr == NULL || s[0] == '\0' ||
	    doc_line(d, cr, x, y, w, al, 1, st, s) >= 0)
		return;
	l = doc_layout(d, w, st, al, s);
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	pango_layout_get_size(l, &pw, &ph);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_NONE);
}

void
doc_rule(cairo_t *cr, double x0, double x1, double y, double width)
{
	if (cr == NULL)
		return;
	cairo_save(cr);
	cairo_set_line_width(cr, width);
	cairo_move_to(cr, x0, y);
	cairo_line_to(cr, x1, y);
	cairo_stroke(cr);
	cairo_restore(cr);
}

void
doc_shade(cairo_t *cr, double x, double y, double w, double h)
{
	if (cr == NULL)
		return;
	cairo_save(cr);
	cairo_set_source_rgb(cr, 0.92, 0.92, 0.92);
	cairo_rectangle(cr, x, y, w, h);
	cairo_fill(cr);
	cairo_restore(cr);
}

/* The logo, at most 52 points high and 120 wide; returns its width. */
static double
doc_logo(struct doc *d, cairo_t *cr, double x, double y)
{
	double w, h, k;

	if (d->logo == NULL)
		return 0;
	w = cairo_image_surface_get_width(d->logo);
	h = cairo_image_surface_get_height(d->logo);
	if (w <= 0 || h <= 0)
		return 0;
	k = 52.0 / h < 120.0 / w ? 52.0 / h : 120.0 / w;
	if (cr == NULL)
		return w * k;
	cairo_save(cr);
	cairo_translate(cr, x, y);
	cairo_scale(cr, k, k);
	cairo_set_source_surface(cr, d->logo, 0, 0);
	cairo_paint(cr);
	cairo_restore(cr);
	return w * k;
}

double
doc_sender_block(struct doc *d, cairo_t *cr)
{
	const struct doc_sender *s = &d->sender;
	double x = DOC_MARGIN, y = 40, lw;
	char buf[512];

	lw = doc_logo(d, cr, x, y);
	if (lw > 0)
		x += lw + 12;
	y += doc_text(
	    d, cr, x, y, DOC_ADDR_X - x - 12, DOC_HEAD, DOC_LEFT, s->name);
	if (s->department[0] != '\0')
		y += doc_text(d, cr, x, y, DOC_ADDR_X - x - 12, DOC_NORMAL,
		    DOC_LEFT, s->department);
	snprintf(buf, sizeof(buf), "%s%s%s", s->building,
	    s->building[0] != '\0' ? " " : "", s->street);
	if (buf[0] != '\0')
		y += doc_text(d, cr, x, y, 0, DOC_NORMAL, DOC_LEFT, buf);
	snprintf(buf, sizeof(buf), "%s %s", s->postcode, s->town);
	y += doc_text(d, cr, x, y, 0, DOC_NORMAL, DOC_LEFT, buf);
	y += 3;
	if (s->phone[0] != '\0') {
		snprintf(buf, sizeof(buf), DOC_T_PHONE, s->phone);
		y += doc_text(d, cr, x, y, 0, DOC_SMALL, DOC_LEFT, buf);
	}
	if (s->email[0] != '\0') {
		snprintf(buf, sizeof(buf), DOC_T_EMAIL, s->email);
		y += doc_text(d, cr, x, y, 0, DOC_SMALL, DOC_LEFT, buf);
	}
	if (s->hours[0] != '\0') {
		snprintf(buf, sizeof(buf), DOC_T_HOURS, s->hours);
		y += doc_text(
		    d, cr, x, y, DOC_ADDR_X - x - 12, DOC_SMALL, DOC_LEFT, buf);
	}
	return y;
}

double
doc_letterhead(
    struct doc *d, cairo_t *cr, const char *const addr[], size_t naddr)
{
	double bottom = doc_sender_block(d, cr), y = DOC_ADDR_Y;

	for (size_t i = 0; i < naddr; i++)
		y += doc_text(d, cr, DOC_ADDR_X, y, DOC_ADDR_W,
		    i == 0 ? DOC_BOLD : DOC_NORMAL, DOC_LEFT, addr[i]);
	/* the envelope's window ends about 100 mm from the top */
	if (y < 270)
		y = 270;
	return (bottom > y ? bottom : y) + 12;
}

double
doc_continued(struct doc *d, cairo_t *cr, const char *title)
{
	char buf[512];
	double y = DOC_MARGIN;

	snprintf(buf, sizeof(buf), DOC_T_CONTINUED, d->sender.name, title);
	y +=
	    doc_text(d, cr, DOC_MARGIN, y, DOC_TEXT_W, DOC_BOLD, DOC_LEFT, buf);
	doc_rule(cr, DOC_MARGIN, DOC_PAGE_W - DOC_MARGIN, y + 3, 0.5);
	return y + 14;
}

void
doc_page_number(struct doc *d, cairo_t *cr, int n, int total)
{
	char buf[64];

	snprintf(buf, sizeof(buf), DOC_T_PAGE, n, total);
	doc_text(d, cr, DOC_MARGIN, DOC_PAGE_H - 30, DOC_TEXT_W, DOC_SMALL,
	    DOC_RIGHT, buf);
}

double
doc_legal_height(struct doc *d)
{
	return d->legal_h;
}

/*
 * The legal mentions are the same on every page: laid out once into a
 * recording surface, which each page replays (and a PDF holds once).
 */
double
doc_legal(struct doc *d, cairo_t *cr)
{
	double top = DOC_PAGE_H - 36 - d->legal_h;

	if (d->legal_rec == NULL) {
		cairo_rectangle_t r = {0, 0, DOC_PAGE_W, DOC_PAGE_H};
		cairo_t *rc;
		double y = top;

		d->legal_rec = cairo_recording_surface_create(
		    CAIRO_CONTENT_COLOR_ALPHA, &r);
		rc = cairo_create(d->legal_rec);
		doc_rule(rc, DOC_MARGIN, DOC_PAGE_W - DOC_MARGIN, y - 4, 0.4);
		y += doc_text(d, rc, DOC_MARGIN, y, DOC_TEXT_W, DOC_SMALL_BOLD,
		    DOC_LEFT, DOC_T_LEGAL_TITLE);
		doc_text(d, rc, DOC_MARGIN, y, DOC_TEXT_W, DOC_SMALL, DOC_LEFT,
		    d->legal);
		cairo_destroy(rc);
	}
	if (cr != NULL) {
		cairo_save(cr);
		cairo_set_source_surface(cr, d->legal_rec, 0, 0);
		cairo_paint(cr);
		cairo_restore(cr);
	}
	return top;
}

size_t
doc_address(const char *addr[5], char *buf, size_t size, const char *payer,
    const char *building, const char *street, const char *postcode,
    const char *town, const char *country)
{
	size_t n = 0;
	int len;

	addr[n++] = payer;
	len = snprintf(buf, size, "%s%s%s", building,
	    building[0] != '\0' ? " " : "", street);
	if (buf[0] != '\0')
		addr[n++] = buf;
	if (len < 0 || (size_t)len + 1 >= size)
		return n;
	buf += len + 1;
	size -= (size_t)len + 1;
	snprintf(buf, size, "%s %s", postcode, town);
	addr[n++] = buf;
	if (strcmp(country, "FR") != 0 && country[0] != '\0')
		addr[n++] = country;
	return n;
}

char *
doc_money(char *buf, int64_t cents)
{
	char plain[SEPA_MONEY_BUFSZ], *o = buf;
	const char *p;

	sepa_money_fr(plain, cents);
	for (p = plain; *p != '\0' && o < buf + DOC_MONEY_BUFSZ - 4; p++) {
		if (*p != ' ') {
			*o++ = *p;
		} else if (p[1] == '\xe2') { /* before "€": U+00A0 */
			memcpy(o, "\xc2\xa0", 2);
			o += 2;
		} else { /* between thousands: U+202F */
			memcpy(o, "\xe2\x80\xaf", 3);
			o += 3;
		}
	}
	*o = '\0';
	return buf;
}

char *
doc_month_fr(char *buf, size_t size, sepa_month m)
{
	snprintf(buf, size, "%s %04d",
	    m.month >= 1 && m.month <= 12 ? doc_months[m.month - 1] : "?",
	    m.year);
	return buf;
}

/* ------------------------------------------------------------ PDF files */

static cairo_status_t
doc_pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
	return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS
	                                            : CAIRO_STATUS_WRITE_ERROR;
}

int
doc_pdf_open(struct doc_pdf *p, FILE *fp, const char *title, sepa_date date,
    sepa_error *err)
{
	char iso[32];

	p->surface = cairo_pdf_surface_create_for_stream(
	    doc_pdf_write, fp, DOC_PAGE_W, DOC_PAGE_H);
	p->cr = NULL;
	if (cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS)
		goto fail;
	/* The date of the document, not of the run: the same bytes again. */
	snprintf(iso, sizeof(iso), "%04d-%02d-%02dT00:00:00", date.year,
	    date.month, date.day);
	cairo_pdf_surface_set_metadata(
	    p->surface, CAIRO_PDF_METADATA_CREATE_DATE, iso);
	cairo_pdf_surface_set_metadata(
	    p->surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(
	    p->surface, CAIRO_PDF_METADATA_CREATOR, "sepad");
	p->cr = cairo_create(p->surface);
	if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS)
		goto fail;
	return 0;
fail:
	sepa_error_set(err, SEPA_EIO, "could not start the PDF %s: %s", title,
	    cairo_status_to_string(cairo_surface_status(p->surface)));
	if (p->cr != NULL)
		cairo_destroy(p->cr);
	cairo_surface_destroy(p->surface);
	p->surface = NULL;
	p->cr = NULL;
	return SEPA_EIO;
}

int
doc_pdf_close(struct doc_pdf *p, sepa_error *err)
{
	cairo_status_t st;

	if (p->surface == NULL)
		return 0;
	st = cairo_status(p->cr);
	cairo_destroy(p->cr);
	cairo_surface_finish(p->surface);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(p->surface);
	cairo_surface_destroy(p->surface);
	p->surface = NULL;
	p->cr = NULL;
	if (st != CAIRO_STATUS_SUCCESS)
		return sepa_error_set(err, SEPA_EIO,
		    "could not write a PDF: %s", cairo_status_to_string(st));
	return 0;
}

/* ------------------------------------------------------------ file sets */

int
doc_set_begin(struct doc_set *s, const char *dir, sepa_error *err)
{
	char *parent, *slash;
	int rc;

	memset(s, 0, sizeof(*s));
	s->dir = xstrdup(dir);
	xasprintf(&s->tmp, "%s.tmp-%ld", dir, (long)getpid());
	xasprintf(&s->old, "%s.old-%ld", dir, (long)getpid());
	parent = xstrdup(dir);
	if ((slash = strrchr(parent, '/')) != NULL && slash != parent)
		*slash = '\0';
	rc = afile_mkdirs(parent, err);
	free(parent);
	if (rc != 0)
		return rc;
	afile_rmdir(s->tmp);
	if (mkdir(s->tmp, AFILE_DIR_MODE) != 0)
		return sepa_error_set(err, SEPA_EIO,
		    "could not create the directory %s: %s", s->tmp,
		    strerror(errno));
	return 0;
}

FILE *
doc_set_file(struct doc_set *s, const char *name, sepa_error *err)
{
	char *path;
	FILE *fp = NULL;
	int fd;

	xasprintf(&path, "%s/%s", s->tmp, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, AFILE_MODE);
	if (fd < 0 || fchmod(fd, AFILE_MODE) != 0 ||
	    (fp = fdopen(fd, "w")) == NULL) {
		sepa_error_set(err, SEPA_EIO, "could not create %s: %s", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	free(path);
	return fp;
}

int
doc_set_commit(struct doc_set *s, sepa_error *err)
{
	char *parent, *slash;
	int fd, rc = 0;

	/* One sync for the whole set, then swap it in. */
	if ((fd = open(s->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    syncfs(fd) != 0) {
		rc = sepa_error_set(err, SEPA_EIO, "could not sync %s: %s",
		    s->tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	close(fd);
	if (rename(s->dir, s->old) != 0 && errno != ENOENT)
		return sepa_error_set(err, SEPA_EIO,
		    "could not move the previous set %s aside: %s", s->dir,
		    strerror(errno));
	if (rename(s->tmp, s->dir) != 0) {
		rc = sepa_error_set(err, SEPA_EIO, "could not rename %s: %s",
		    s->tmp, strerror(errno));
		rename(s->old, s->dir);
		return rc;
	}
	afile_rmdir(s->old);
	parent = xstrdup(s->dir);
	if ((slash = strrchr(parent, '/')) != NULL && slash != parent)
		*slash = '\0';
	rc = afile_sync_dir(parent, err);
	free(parent);
	return rc;
}

void
doc_set_end(struct doc_set *s)
{
	if (s->tmp != NULL)
		afile_rmdir(s->tmp);
	free(s->dir);
	free(s->tmp);
	free(s->old);
	memset(s, 0, sizeof(*s));
}
