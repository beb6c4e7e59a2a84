/*
 * pdfsplit.c - copy runs of pages of a PDF written by cairo into PDFs of
 * their own. The month's notices are drawn once, into the month's file;
 * each family's file is its pages copied out of it with the objects they
 * use (the fonts, embedded once per month), renumbered. Drawing each
 * family's file again would embed and compress the fonts once per file:
 * four fifths of the time.
 *
 * The month's file for printing is made of the same copies: the notices
 * are drawn in chunks (a cairo surface keeps a record of every page until
 * it is finished), and each chunk's pages are appended to the month's
 * file (pdfmerge), whose cross-reference entries wait in a spool file.
 * A chunk is read from memory (pdfsplit_open_mem): it never touches the
 * disk.
 *
 * Only what cairo 1.16 writes is read: a classic cross-reference table
 * in one or more subsections, one flat page tree, no object streams; any
 * other shape is refused (SEPA_EINVAL).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "pdfsplit.h"

struct pdfsplit {
	int fd; /* the file, -1: the PDF is mem */
	const char *mem; /* pdfsplit_open_mem: the PDF's bytes, size */
	off_t size;
	size_t nobj; /* objects 0 .. nobj - 1 */
	off_t *off; /* where object i starts, -1 when free */
	off_t *end; /* where it ends: the next object, or the xref */
	size_t *pages; /* the page objects, in order */
	size_t npages;
	size_t pages_id; /* the page tree's node */
	char *buf; /* one object read */
	size_t cap;
	/* during a write */
	uint32_t *map; /* object -> its number in the output, 0: none */
	size_t *queue; /* the objects copied, in output order */
	size_t nqueue, capqueue;
	uint32_t base; /* the output number of queue[0] */
	uint32_t parent; /* the output number of the page tree's node */
	long *xref; /* queue index -> offset in the output */
	long pos; /* bytes written */
	FILE *out;
};

static int
ps_refuse(sepa_error *err, const char *why)
{
	return sepa_error_set(
	    err, SEPA_EINVAL, "the month's PDF cannot be split: %s", why);
}

/* Read [from, to) of the file into s->buf (NUL-terminated). */
static int
ps_read(struct pdfsplit *s, off_t from, off_t to, sepa_error *err)
{
	size_t n = (size_t)(to - from), got = 0;

	if (to < from)
		return ps_refuse(err, "an object has a bad offset");
	if (n + 1 > s->cap) {
		s->cap = n + 1 + n / 2;
		s->buf = xreallocarray(s->buf, s->cap, 1);
	}
	if (from < 0 || to > s->size)
		return ps_refuse(err, "an object has a bad offset");
	if (s->mem != NULL) {
		memcpy(s->buf, s->mem + from, n);
		got = n;
	}
	while (got < n) {
		ssize_t r =
		    pread(s->fd, s->buf + got, n - got, from + (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return sepa_error_set(err, SEPA_EIO,
			    "could not read the month's PDF: %s",
			    r < 0 ? strerror(errno) : "truncated");
		got += (size_t)r;
	}
	s->buf[n] = '\0';
	return 0;
}

/* "N 0 R" at p (no other generation is written by cairo): N, else 0. */
static size_t
ps_ref(const char *p, const char **after)
{
	char *e;
	unsigned long long n;

	if (*p < '0' || *p > '9')
		return 0;
	n = strtoull(p, &e, 10);
	if (strncmp(e, " 0 R", 4) != 0 ||
	    (e[4] != '\0' && strchr(" \t\r\n/>]", e[4]) == NULL))
		return 0;
	*after = e + 4;
	return (size_t)n;
}

/* The object number after `key` ("/Root") in text, else 0. */
static size_t
ps_key_ref(const char *text, const char *key)
{
	const char *p = strstr(text, key), *after;

	if (p == NULL)
		return 0;
	p += strlen(key);
	while (*p == ' ' || *p == '\n' || *p == '\r')
		p++;
	return ps_ref(p, &after);
}

static int
ps_object(struct pdfsplit *s, size_t id, sepa_error *err)
{
	if (id == 0 || id >= s->nobj || s->off[id] < 0)
		return ps_refuse(err, "a reference to no object");
	return ps_read(s, s->off[id], s->end[id], err);
}

static int
ps_cmp_off(const void *a, const void *b)
{
	const off_t *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

/* The cross-reference table at xref (the file's end at size). */
static int
ps_xref(struct pdfsplit *s, off_t xref, off_t size, sepa_error *err)
{
	const char *p;
	char *e, *trailer;
	off_t *sorted;
	size_t n = 0;
	int rc;

	if ((rc = ps_read(s, xref, size, err)) != 0)
		return rc;
	if (strncmp(s->buf, "xref", 4) != 0 ||
	    (trailer = strstr(s->buf, "trailer")) == NULL)
		return ps_refuse(err, "no cross-reference table");
	s->nobj = strtoull(strstr(trailer, "/Size") != NULL
	        ? strstr(trailer, "/Size") + 5
	        : "0",
	    NULL, 10);
	if (s->nobj == 0 || s->nobj > 100000000)
		return ps_refuse(err, "no /Size");
	s->off = xreallocarray(NULL, s->nobj, sizeof(off_t));
	s->end = xreallocarray(NULL, s->nobj, sizeof(off_t));
	for (size_t i = 0; i < s->nobj; i++)
		s->off[i] = -1;
	for (p = s->buf + 4; p < trailer;) {
		unsigned long long first = strtoull(p, &e, 10), count;

		count = strtoull(e, &e, 10);
		while (*e == ' ' || *e == '\r' || *e == '\n')
			e++;
		if (first + count > s->nobj || e + count * 20 > trailer)
			return ps_refuse(err, "a bad cross-reference section");
		for (unsigned long long i = 0; i < count; i++, e += 20)
			if (e[17] == 'n')
				s->off[first + i] = (off_t)strtoll(e, NULL, 10);
		p = e;
		while (p < trailer && (*p == ' ' || *p == '\r' || *p == '\n'))
			p++;
	}
	s->pages_id = ps_key_ref(trailer, "/Root");
	/* Each object ends where the next one (in the file) starts. */
	sorted = xreallocarray(NULL, s->nobj + 1, sizeof(off_t));
	for (size_t i = 0; i < s->nobj; i++)
		if (s->off[i] >= 0)
			sorted[n++] = s->off[i];
	sorted[n++] = xref;
	qsort(sorted, n, sizeof(off_t), ps_cmp_off);
	for (size_t i = 0; i < s->nobj; i++) {
		off_t *next;

		if (s->off[i] < 0)
			continue;
		next =
		    bsearch(&s->off[i], sorted, n, sizeof(off_t), ps_cmp_off);
		s->end[i] =
		    next != NULL && next + 1 < sorted + n ? next[1] : xref;
	}
	free(sorted);
	return 0;
}

/* The root's page tree: one node whose kids are the pages. */
static int
ps_page_tree(struct pdfsplit *s, sepa_error *err)
{
	const char *p, *after;
	size_t id, cap = 0;
	int rc;

	if ((rc = ps_object(s, s->pages_id, err)) != 0)
		return rc;
	if ((s->pages_id = ps_key_ref(s->buf, "/Pages")) == 0)
		return ps_refuse(err, "no page tree");
	if ((rc = ps_object(s, s->pages_id, err)) != 0)
		return rc;
	if ((p = strstr(s->buf, "/Kids")) == NULL ||
	    (p = strchr(p, '[')) == NULL)
		return ps_refuse(err, "no pages");
	for (p++; *p != ']' && *p != '\0';) {
		while (*p == ' ' || *p == '\r' || *p == '\n')
			p++;
		if (*p == ']')
			break;
		if ((id = ps_ref(p, &after)) == 0)
			return ps_refuse(err, "a page tree of several levels");
		if (s->npages == cap) {
			cap = cap == 0 ? 1024 : cap * 2;
			s->pages = xreallocarray(s->pages, cap, sizeof(size_t));
		}
		s->pages[s->npages++] = id;
		p = after;
	}
	return 0;
}

/* Read the PDF (s->size bytes): its cross-reference table and its
 * pages. */
static int
ps_open(struct pdfsplit *s, sepa_error *err)
{
	off_t tail = s->size > 64 ? s->size - 64 : 0;
	const char *p;
	int rc;

	if ((rc = ps_read(s, tail, s->size, err)) != 0)
		return rc;
	if ((p = strstr(s->buf, "startxref")) == NULL)
		return ps_refuse(err, "no startxref");
	if ((rc = ps_xref(s, (off_t)strtoll(p + 9, NULL, 10), s->size, err)) !=
	        0 ||
	    (rc = ps_page_tree(s, err)) != 0)
		return rc;
	s->map = xreallocarray(NULL, s->nobj, sizeof(uint32_t));
	memset(s->map, 0, s->nobj * sizeof(uint32_t));
	return 0;
}

/* A reader of the PDF at fd (-1: mem, size bytes). */
static int
ps_new(
    struct pdfsplit **out, int fd, const char *mem, off_t size, sepa_error *err)
{
	struct pdfsplit *s = xmalloc(sizeof(*s));
	int rc;

	*out = NULL;
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->mem = mem;
	s->size = size;
	if ((rc = ps_open(s, err)) != 0) {
		s->fd = -1; /* the caller's */
		pdfsplit_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

int
pdfsplit_open(struct pdfsplit **out, const char *path, sepa_error *err)
{
	struct stat st;
	int fd, rc;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) != 0) {
		rc = sepa_error_set(err, SEPA_EIO, "could not open %s: %s",
		    path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	if ((rc = ps_new(out, fd, NULL, st.st_size, err)) != 0)
		close(fd);
	return rc;
}

int
pdfsplit_open_mem(
    struct pdfsplit **out, const char *pdf, size_t size, sepa_error *err)
{
	return ps_new(out, -1, pdf, (off_t)size, err);
}

void
pdfsplit_close(struct pdfsplit *s)
{
	if (s == NULL)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s->off);
	free(s->end);
	free(s->pages);
	free(s->buf);
	free(s->map);
	free(s->queue);
	free(s->xref);
	free(s);
}

size_t
pdfsplit_pages(const struct pdfsplit *s)
{
	return s->npages;
}

/* ------------------------------------------------------------- writing */

static void
ps_put(struct pdfsplit *s, const void *p, size_t n)
{
	fwrite(p, 1, n, s->out);
	s->pos += (long)n;
}

static void ps_printf(struct pdfsplit *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
ps_printf(struct pdfsplit *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(s->out, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->pos += n;
}

/* The output number of object id, given one (and queued) if it has none. */
static uint32_t
ps_number(struct pdfsplit *s, size_t id)
{
	if (s->map[id] == 0) {
		if (s->nqueue == s->capqueue) {
			s->capqueue = s->capqueue == 0 ? 64 : s->capqueue * 2;
			s->queue = xreallocarray(
			    s->queue, s->capqueue, sizeof(size_t));
			s->xref =
			    xreallocarray(s->xref, s->capqueue, sizeof(long));
		}
		s->map[id] = s->base + (uint32_t)s->nqueue;
		s->queue[s->nqueue++] = id;
	}
	return s->map[id];
}

/* Text [p, e) with each reference renumbered (the page tree's node is
 * s->parent). */
static int
ps_text(struct pdfsplit *s, const char *p, const char *e, sepa_error *err)
{
	const char *start = p, *after;
	size_t id;

	while (p < e) {
		if (*p >= '0' && *p <= '9' &&
		    (p == start || strchr(" \t\r\n[</", p[-1]) != NULL) &&
		    (id = ps_ref(p, &after)) != 0 && after <= e) {
			if (id >= s->nobj || s->off[id] < 0)
				return ps_refuse(
				    err, "a reference to no object");
			ps_put(s, start, (size_t)(p - start));
			ps_printf(s, "%" PRIu32 " 0 R",
			    id == s->pages_id ? s->parent : ps_number(s, id));
			p = start = after;
			continue;
		}
		p++;
	}
	ps_put(s, start, (size_t)(p - start));
	return 0;
}

/* Copy queue[q]: its dictionary renumbered, its stream as it is. */
static int
ps_copy(struct pdfsplit *s, size_t q, sepa_error *err)
{
	size_t id = s->queue[q];
	char *p, *e, *stream, *endstream = NULL;
	int rc;

	if ((rc = ps_object(s, id, err)) != 0)
		return rc;
	if ((p = strstr(s->buf, "obj")) == NULL)
		return ps_refuse(err, "an object without its header");
	p += 3;
	/* The stream's data may hold anything: its end is the last
	 * "endstream"; the dictionary, before "stream", is text. */
	stream = strstr(p, ">>\nstream");
	for (e = s->buf + (s->end[id] - s->off[id]);
	     stream != NULL && e - 9 >= stream; e--)
		if (memcmp(e - 9, "endstream", 9) == 0) {
			endstream = e - 9;
			break;
		}
	s->xref[q] = s->pos;
	ps_printf(s, "%" PRIu32 " 0 obj", s->base + (uint32_t)q);
	if (stream != NULL && endstream != NULL) {
		if ((rc = ps_text(s, p, stream + 2, err)) != 0)
			return rc;
		ps_put(s, stream + 2, (size_t)(endstream - (stream + 2)));
		ps_printf(s, "endstream\nendobj\n");
		return 0;
	}
	if ((e = strstr(p, "endobj")) == NULL)
		return ps_refuse(err, "an object without its end");
	if ((rc = ps_text(s, p, e, err)) != 0)
		return rc;
	ps_printf(s, "endobj\n");
	return 0;
}

/*
 * Start a copy of pages first .. first + count - 1 to fp at offset pos:
 * the pages numbered from base, in order, their page tree being parent.
 */
static int
ps_begin(struct pdfsplit *s, size_t first, size_t count, FILE *fp, long pos,
    uint32_t base, uint32_t parent, sepa_error *err)
{
	if (count == 0 || first + count > s->npages)
		return sepa_error_set(err, SEPA_EINVAL,
		    "pages %zu to %zu of %zu", first + 1, first + count,
		    s->npages);
	s->out = fp;
	s->pos = pos;
	s->nqueue = 0;
	s->base = base;
	s->parent = parent;
	for (size_t i = 0; i < count; i++)
		ps_number(s, s->pages[first + i]);
	return 0;
}

/* The page tree's /Kids of those pages and its /Count. */
static void
ps_kids(struct pdfsplit *s, size_t count)
{
	ps_printf(s, "   /Kids [");
	for (size_t i = 0; i < count; i++)
		ps_printf(s, " %" PRIu32 " 0 R", s->base + (uint32_t)i);
	ps_printf(s, " ]\n   /Count %zu\n", count);
}

/* Copy the queue, breadth first (each object copied queues the ones it
 * names), then forget the numbers given. */
static int
ps_copy_all(struct pdfsplit *s, sepa_error *err)
{
	int rc = 0;

	for (size_t q = 0; q < s->nqueue && rc == 0; q++)
		rc = ps_copy(s, q, err);
	for (size_t q = 0; q < s->nqueue; q++)
		s->map[s->queue[q]] = 0;
	return rc;
}

/* The title as a PDF text string: UTF-16BE in hex. */
static void
ps_title(struct pdfsplit *s, const char *title)
{
	const unsigned char *p = (const unsigned char *)title;

	ps_printf(s, "<FEFF");
	while (*p != '\0') {
		unsigned long c = *p++;
		int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;

		c &= more == 3  ? 0x07
		    : more == 2 ? 0x0F
		    : more == 1 ? 0x1F
		                : 0x7F;
		for (; more > 0 && (*p & 0xC0) == 0x80; more--)
			c = (c << 6) | (*p++ & 0x3F);
		if (c >= 0x10000) {
			c -= 0x10000;
			ps_printf(s, "%04lX%04lX", 0xD800 + (c >> 10),
			    0xDC00 + (c & 0x3FF));
		} else {
			ps_printf(s, "%04lX", c);
		}
	}
	ps_printf(s, ">");
}

/* The header every output starts with (binary bytes: a binary file). */
#define PS_HEADER "%%PDF-1.5\n%%\xb5\xed\xae\xfb\n"

/* The catalog (object 1) naming the page tree (object 2). */
#define PS_CATALOG "1 0 obj\n<< /Type /Catalog\n   /Pages 2 0 R\n>>\nendobj\n"

/* Object n: the document's title and date. */
static void
ps_info(struct pdfsplit *s, uint32_t n, const char *title, sepa_date date)
{
	ps_printf(s, "%" PRIu32 " 0 obj\n<< /Title ", n);
	ps_title(s, title);
	ps_printf(s,
	    "\n   /Creator (sepad)\n   /CreationDate (D:%04d%02d%02d000000)\n"
	    ">>\nendobj\n",
	    date.year, date.month, date.day);
}

/* The trailer after the cross-reference table at xref, info the last
 * object. */
static void
ps_trailer(struct pdfsplit *s, uint32_t info, long xref)
{
	ps_printf(s,
	    "trailer\n<< /Size %" PRIu32 "\n   /Root 1 0 R\n   /Info %" PRIu32
	    " 0 R\n>>\nstartxref\n%ld\n%%%%EOF\n",
	    info + 1, info, xref);
}

int
pdfsplit_write(struct pdfsplit *s, size_t first, size_t count, FILE *fp,
    const char *title, sepa_date date, sepa_error *err)
{
	long xref, cat, pages, info_at;
	uint32_t info;
	int rc;

	if ((rc = ps_begin(s, first, count, fp, 0, 3, 2, err)) != 0)
		return rc;
	ps_printf(s, PS_HEADER);
	rc = ps_copy_all(s, err);
	cat = s->pos;
	ps_printf(s, PS_CATALOG);
	pages = s->pos;
	ps_printf(s, "2 0 obj\n<< /Type /Pages\n");
	ps_kids(s, count);
	ps_printf(s, ">>\nendobj\n");
	info = s->base + (uint32_t)s->nqueue;
	info_at = s->pos;
	ps_info(s, info, title, date);
	xref = s->pos;
	ps_printf(s, "xref\n0 %" PRIu32 "\n0000000000 65535 f \n", info + 1);
	ps_printf(s, "%010ld 00000 n \n%010ld 00000 n \n", cat, pages);
	for (size_t q = 0; q < s->nqueue; q++)
		ps_printf(s, "%010ld 00000 n \n", s->xref[q]);
	ps_printf(s, "%010ld 00000 n \n", info_at);
	ps_trailer(s, info, xref);
	if (rc == 0 && ferror(fp))
		rc = sepa_error_set(err, SEPA_EIO, "could not write a PDF");
	return rc;
}

/* ------------------------------------------------------------- merging */

/*
 * The month's file, made of the chunks' pages: one page tree node per
 * chunk under the root node (2), numbered on from 3 in the order they
 * are written. Each object's cross-reference entry (20 bytes) goes to
 * the spool as it is written, and is copied after the last one: only
 * the chunks' nodes stay in memory (four bytes a chunk).
 */
struct pdfmerge {
	FILE *fp, *spool;
	long pos;
	uint32_t next; /* the next object number */
	size_t pages;
	uint32_t *nodes; /* the chunks' page tree nodes */
	size_t nnodes, capnodes;
};

int
pdfmerge_begin(struct pdfmerge **out, FILE *fp, FILE *spool, sepa_error *err)
{
	struct pdfmerge *m = xmalloc(sizeof(*m));

	memset(m, 0, sizeof(*m));
	m->fp = fp;
	m->spool = spool;
	m->next = 3;
	m->pos = fprintf(fp, PS_HEADER);
	*out = m;
	if (m->pos < 0 || ferror(fp))
		return sepa_error_set(err, SEPA_EIO, "could not write a PDF");
	return 0;
}

/* The cross-reference entries of the queue of s (numbered on from the
 * node's). */
static int
pm_spool(
    struct pdfmerge *m, const struct pdfsplit *s, long node, sepa_error *err)
{
	fprintf(m->spool, "%010ld 00000 n \n", node);
	for (size_t q = 0; q < s->nqueue; q++)
		fprintf(m->spool, "%010ld 00000 n \n", s->xref[q]);
	if (ferror(m->spool))
		return sepa_error_set(err, SEPA_EIO,
		    "could not write the month's cross-references: %s",
		    strerror(errno));
	return 0;
}

int
pdfmerge_add(struct pdfmerge *m, struct pdfsplit *s, sepa_error *err)
{
	uint32_t node = m->next;
	long at;
	int rc;

	if ((rc = ps_begin(
	         s, 0, s->npages, m->fp, m->pos, node + 1, node, err)) != 0)
		return rc;
	at = s->pos;
	ps_printf(
	    s, "%" PRIu32 " 0 obj\n<< /Type /Pages\n   /Parent 2 0 R\n", node);
	ps_kids(s, s->npages);
	ps_printf(s, ">>\nendobj\n");
	if ((rc = ps_copy_all(s, err)) != 0 ||
	    (rc = pm_spool(m, s, at, err)) != 0)
		return rc;
	if (m->nnodes == m->capnodes) {
		m->capnodes = m->capnodes == 0 ? 64 : m->capnodes * 2;
		m->nodes =
		    xreallocarray(m->nodes, m->capnodes, sizeof(uint32_t));
	}
	m->nodes[m->nnodes++] = node;
	m->next = s->base + (uint32_t)s->nqueue;
	m->pos = s->pos;
	m->pages += s->npages;
	if (ferror(m->fp))
		return sepa_error_set(err, SEPA_EIO, "could not write a PDF");
	return 0;
}

/* Append the spooled cross-reference entries to the month's file. */
static int
pm_copy_spool(struct pdfmerge *m, sepa_error *err)
{
	char buf[65536];
	size_t n;

	if (fflush(m->spool) != 0 || fseek(m->spool, 0, SEEK_SET) != 0)
		return sepa_error_set(err, SEPA_EIO,
		    "could not write the month's cross-references: %s",
		    strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), m->spool)) > 0) {
		if (fwrite(buf, 1, n, m->fp) != n)
			break;
		m->pos += (long)n;
	}
	if (ferror(m->spool) || ferror(m->fp))
		return sepa_error_set(err, SEPA_EIO, "could not write a PDF");
	return 0;
}

int
pdfmerge_end(
    struct pdfmerge *m, const char *title, sepa_date date, sepa_error *err)
{
	struct pdfsplit w; /* only its output */
	uint32_t info = m->next;
	long cat, pages, xref;
	int rc;

	memset(&w, 0, sizeof(w));
	w.out = m->fp;
	w.pos = m->pos;
	if (m->nnodes == 0)
		return sepa_error_set(err, SEPA_EINVAL, "a PDF of no page");
	/* the last numbered object, and its entry last in the spool */
	fprintf(m->spool, "%010ld 00000 n \n", w.pos);
	ps_info(&w, info, title, date);
	cat = w.pos;
	ps_printf(&w, PS_CATALOG);
	pages = w.pos;
	ps_printf(&w, "2 0 obj\n<< /Type /Pages\n   /Kids [");
	for (size_t i = 0; i < m->nnodes; i++)
		ps_printf(&w, " %" PRIu32 " 0 R", m->nodes[i]);
	ps_printf(&w, " ]\n   /Count %zu\n>>\nendobj\n", m->pages);
	xref = w.pos;
	ps_printf(&w, "xref\n0 3\n0000000000 65535 f \n");
	ps_printf(&w, "%010ld 00000 n \n%010ld 00000 n \n", cat, pages);
	ps_printf(&w, "3 %" PRIu32 "\n", info - 2);
	m->pos = w.pos;
	if ((rc = pm_copy_spool(m, err)) != 0)
		return rc;
	w.pos = m->pos;
	ps_trailer(&w, info, xref);
	m->pos = w.pos;
	if (fflush(m->fp) != 0 || ferror(m->fp))
		return sepa_error_set(err, SEPA_EIO, "could not write a PDF");
	return 0;
}

void
pdfmerge_free(struct pdfmerge *m)
{
	if (m == NULL)
		return;
	free(m->nodes);
	free(m);
}
