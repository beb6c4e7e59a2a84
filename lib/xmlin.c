/*
 * xmlin.c - untrusted XML in: the input guard, the reader and the verdict
 * on how reading ended (see xmlin.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include "sepa/io.h"
#include "internal.h"
#include "xmlin.h"

/* ------------------------------------------------------------ input guard */

static const char xmlin_doctype[] = "<!DOCTYPE";

static int
xmlin_guard_fail(
    struct xmlin_guard *g, int code, const char *what, size_t limit)
{
	g->failed = 1;
	g->code = code;
	g->fail_line = g->line;
	if (limit > 0)
		snprintf(g->msg, sizeof(g->msg), "%s %zu bytes", what, limit);
	else
		snprintf(g->msg, sizeof(g->msg), "%s", what);
	return -1;
}

static int
xmlin_guard_doctype(struct xmlin_guard *g)
{
	char what[SEPA_ERROR_MSG_MAX / 2];

	snprintf(what, sizeof(what), "DOCTYPE not allowed in %s", g->what);
	return xmlin_guard_fail(g, SEPA_EXML, what, 0);
}

/*
 * Read a chunk; a LF that follows a CR already turned into LF at the end
 * of the previous chunk is dropped.
 */
static long
xmlin_guard_fill(struct xmlin_guard *g, char *buf, int len)
{
	long n;

	for (;;) {
		n = g->input(g->arg, buf, (size_t)len);
		if (n < 0) {
			g->sys_errno = errno;
			g->failed = 1;
			g->code = SEPA_EIO;
			g->fail_line = g->line;
			snprintf(g->msg, sizeof(g->msg), "could not read: %s",
			    strerror(g->sys_errno));
			return -1;
		}
		if (n > len)
			n = len;
		if (n > 0 && g->cr_pending && buf[0] == '\n') {
			memmove(buf, buf + 1, (size_t)n - 1);
			n--;
			g->total++;
			g->cr_pending = 0;
			if (n == 0)
				continue;
		}
		g->cr_pending = 0;
		return n;
	}
}

static int
xmlin_guard_read(void *ctx, char *buf, int len)
{
	struct xmlin_guard *g = ctx;
	long n;
	long i;

	if (g->failed)
		return -1;
	if (len <= 0)
		return 0;
	n = xmlin_guard_fill(g, buf, len);
	if (n < 0)
		return -1;
	if (n == 0)
		g->eof = 1;
	if (g->total == 0 && n >= 2)
		g->wide = buf[0] == '\0' || buf[1] == '\0' ||
		    ((unsigned char)buf[0] == 0xFE &&
		        (unsigned char)buf[1] == 0xFF) ||
		    ((unsigned char)buf[0] == 0xFF &&
		        (unsigned char)buf[1] == 0xFE);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		/*
		 * XML reads a lone CR as LF (XML 1.0, 2.11); doing it here
		 * lets libxml2 count the lines of CR-only files.
		 */
		if (c == '\r' && !g->wide &&
		    (i + 1 == n || buf[i + 1] != '\n')) {
			g->cr_pending = i + 1 == n;
			c = '\n';
			buf[i] = '\n';
		}
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			g->nonblank = 1;
		if (c == '\n')
			g->line++;
		if (c == '<')
			g->run = 0;
		else if (++g->run > g->max_text)
			return xmlin_guard_fail(
			    g, SEPA_ELIMIT, "text longer than", g->max_text);
		if (g->root_seen)
			continue;
		if (c == (unsigned char)xmlin_doctype[g->dt_match]) {
			if (++g->dt_match == sizeof(xmlin_doctype) - 1)
				return xmlin_guard_doctype(g);
		} else {
			g->dt_match = c == '<';
		}
		if (g->prev_lt &&
		    ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		        c == '_' || c == ':' || c >= 0x80))
			g->root_seen = 1;
		g->prev_lt = c == '<';
	}
	g->total += (size_t)n;
	if (g->total > g->max_bytes)
		return xmlin_guard_fail(
		    g, SEPA_ELIMIT, "file larger than", g->max_bytes);
	return (int)n;
}

static int
xmlin_guard_close(void *ctx)
{
	(void)ctx;
	return 0;
}

/* ---------------------------------------------------------------- reader */

/* libxml2 2.12 made the error const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *xmlin_xml_err;
#else
typedef xmlErrorPtr xmlin_xml_err;
#endif

/* Keep the first error libxml2 reports, its message tidied. */
static void
xmlin_xml_error(void *arg, xmlin_xml_err e)
{
	struct xmlin *in = arg;
	size_t len;

	if (e == NULL || e->level < XML_ERR_ERROR || in->xml_failed)
		return;
	in->xml_failed = 1;
	in->xml_code = e->code;
	in->xml_line = e->line;
	snprintf(in->xml_msg, sizeof(in->xml_msg), "%s",
	    e->message != NULL ? e->message : "unknown error");
	len = strlen(in->xml_msg);
	while (len > 0 &&
	    (in->xml_msg[len - 1] == '\n' || in->xml_msg[len - 1] == ' '))
		in->xml_msg[--len] = '\0';
	if (in->xml_msg[0] >= 'A' && in->xml_msg[0] <= 'Z' &&
	    !(in->xml_msg[1] >= 'A' && in->xml_msg[1] <= 'Z'))
		in->xml_msg[0] = (char)(in->xml_msg[0] - 'A' + 'a');
}

int
xmlin_open(struct xmlin *in, xmlin_input_fn input, void *arg, const char *name,
    const char *what, size_t max_bytes, size_t max_text, sepa_error *err)
{
	memset(in, 0, sizeof(*in));
	in->name = name;
	in->err = err;
	in->g.input = input;
	in->g.arg = arg;
	in->g.what = what;
	in->g.max_bytes = max_bytes;
	in->g.max_text = max_text;
	in->g.line = 1;
	xmlInitParser();
	/*
	 * No NOENT (entities stay references), no DTDLOAD/DTDATTR/DTDVALID,
	 * no HUGE (libxml2 keeps its own size limits), no network; errors
	 * go to our handler only.
	 */
	in->reader = xmlReaderForIO(xmlin_guard_read, xmlin_guard_close, &in->g,
	    NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES |
	        XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (in->reader == NULL)
		return sepa_error_setw(err, SEPA_ENOMEM, name, 0,
		    "could not create an XML reader");
	xmlTextReaderSetStructuredErrorHandler(in->reader, xmlin_xml_error, in);
	return 0;
}

void
xmlin_close(struct xmlin *in)
{
	if (in->reader != NULL)
		xmlFreeTextReader(in->reader);
	in->reader = NULL;
}

long
xmlin_line(struct xmlin *in)
{
	xmlNodePtr node = xmlTextReaderCurrentNode(in->reader);
	long line = node != NULL ? xmlGetLineNo(node) : -1;

	if (line <= 0)
		line = xmlTextReaderGetParserLineNumber(in->reader);
	return line;
}

int
xmlin_fail(struct xmlin *in, int code, long line, const char *fmt, ...)
{
	char msg[SEPA_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), L_(fmt), ap);
	va_end(ap);
	return sepa_error_setw(in->err, code, in->name, line, "%s", msg);
}

int
xmlin_copy(struct xmlin *in, char *dst, size_t size, const char *src,
    const char *elem, long line)
{
	size_t len = strlen(src);

	if (len >= size)
		return xmlin_fail(in, SEPA_EINVAL, line,
		    "element %s: value of %zu bytes is longer than %zu", elem,
		    len, size - 1);
	memcpy(dst, src, len + 1);
	return 0;
}

int
xmlin_refuse_node(struct xmlin *in, int type)
{
	switch (type) {
	case XML_READER_TYPE_DOCUMENT_TYPE:
		return xmlin_fail(in, SEPA_EXML, xmlin_line(in),
		    "DOCTYPE not allowed in %s", in->g.what);
	case XML_READER_TYPE_ENTITY_REFERENCE:
	case XML_READER_TYPE_ENTITY:
		return xmlin_fail(in, SEPA_EXML, xmlin_line(in),
		    "entity reference &%s; not allowed in %s",
		    (const char *)xmlTextReaderConstName(in->reader),
		    in->g.what);
	default:
		return 0;
	}
}

/* libxml2 errors that mean "the input stopped in the middle". */
static int
xmlin_truncation(int code)
{
	switch (code) {
	case XML_ERR_DOCUMENT_END:
	case XML_ERR_GT_REQUIRED:
	case XML_ERR_LTSLASH_REQUIRED:
	case XML_ERR_TAG_NOT_FINISHED:
	case XML_ERR_COMMENT_NOT_FINISHED:
	case XML_ERR_ATTRIBUTE_NOT_STARTED:
	case XML_ERR_ATTRIBUTE_NOT_FINISHED:
	case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
	case XML_ERR_LITERAL_NOT_FINISHED:
	case XML_ERR_CDATA_NOT_FINISHED:
	case XML_ERR_PI_NOT_FINISHED:
	case XML_ERR_NAME_REQUIRED:
		return 1;
	default:
		return 0;
	}
}

int
xmlin_result(struct xmlin *in, int ret, const char *outer, long outer_line)
{
	struct xmlin_guard *g = &in->g;
	int rc;

	if (g->failed) {
		rc = sepa_error_setw(
		    in->err, g->code, in->name, g->fail_line, "%s", g->msg);
		if (in->err != NULL)
			in->err->sys_errno = g->sys_errno;
		return rc;
	}
	if (!g->nonblank)
		return xmlin_fail(in, SEPA_EXML, 0, "empty file");
	if (ret < 0 || in->xml_failed) {
		long line = in->xml_line > 0 ? in->xml_line : g->line;

		if (!g->root_seen && in->xml_code == XML_ERR_DOCUMENT_EMPTY)
			return xmlin_fail(in, SEPA_EXML, line,
			    "not an XML document: no element found");
		if (g->eof && outer == NULL && xmlin_truncation(in->xml_code))
			return xmlin_fail(in, SEPA_EXML, g->line,
			    "truncated file: the input ends before the root "
			    "element is complete");
		if (g->eof && outer != NULL && xmlin_truncation(in->xml_code))
			return xmlin_fail(in, SEPA_EXML, g->line,
			    "truncated file: the input ends before element %s "
			    "(line %ld) is closed",
			    outer, outer_line);
		if (!g->root_seen)
			return xmlin_fail(in, SEPA_EXML, line,
			    "not an XML document: %s",
			    in->xml_failed ? in->xml_msg : "could not parse");
		return xmlin_fail(in, SEPA_EXML, line, "malformed XML: %s",
		    in->xml_failed ? in->xml_msg : "could not parse");
	}
	return 0;
}

/* ----------------------------------------------------------------- inputs */

long
xmlin_fd_input(void *arg, char *buf, size_t len)
{
	return (long)sepa_read(*(int *)arg, buf, len);
}

long
xmlin_mem_input(void *arg, char *buf, size_t len)
{
	struct xmlin_mem *in = arg;
	size_t n = in->len - in->pos;

	if (n > len)
		n = len;
	memcpy(buf, in->buf + in->pos, n);
	in->pos += n;
	return (long)n;
}

int
xmlin_open_file(const char *path, size_t max, int *fd, sepa_error *err)
{
	struct stat st;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return sepa_error_setw(err, SEPA_EIO, path, 0,
		    "could not open: %s", strerror(errno));
	if (fstat(*fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (unsigned long long)st.st_size > (unsigned long long)max) {
		close(*fd);
		*fd = -1;
		return sepa_error_setw(err, SEPA_ELIMIT, path, 0,
		    "file larger than %zu bytes", max);
	}
	return 0;
}
