/*
 * xsdv.c - streamed validation against an XML Schema (see xsdv.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parserInternals.h>

#include "sepa/io.h"
#include "internal.h"
#include "xsdv.h"

long
xsdv_line(const struct xsdv *v)
{
	return v->ctxt != NULL ? xmlSAX2GetLineNumber(v->ctxt) : 0;
}

void
xsdv_fail(struct xsdv *v, int code, const char *fmt, ...)
{
	va_list ap;
	char msg[SEPA_ERROR_MSG_MAX];

	if (v->failed)
		return;
	v->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), L_(fmt), ap);
	va_end(ap);
	sepa_error_setw(v->err, code, v->path, xsdv_line(v), "%s", msg);
	if (v->ctxt != NULL)
		xmlStopParser(v->ctxt);
}

/* libxml2 2.12 made the error const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *xsdv_xml_err;
#else
typedef xmlErrorPtr xsdv_xml_err;
#endif

/* The schema's errors (loading it, then validating). */
static void
xsdv_serror(void *ctx, xsdv_xml_err xe)
{
	struct xsdv *v = ctx;
	char msg[SEPA_ERROR_MSG_MAX];
	size_t n;

	if (v->failed || xe == NULL || xe->level < XML_ERR_ERROR)
		return;
	snprintf(msg, sizeof(msg), "%s",
	    xe->message != NULL ? xe->message : "XML error");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	v->failed = 1;
	sepa_error_setw(v->err, SEPA_EXML, v->path,
	    xe->line > 0 ? xe->line : xsdv_line(v), "%s", msg);
	if (v->ctxt != NULL)
		xmlStopParser(v->ctxt);
}

/* The parser stopped on an error no callback reported. */
static void
xsdv_parse_error(struct xsdv *v)
{
	xsdv_xml_err xe = xmlCtxtGetLastError(v->ctxt);

	if (xe != NULL && xe->message != NULL)
		xsdv_serror(v, xe);
	if (!v->failed)
		xsdv_fail(v, SEPA_EXML, "the XML is not well-formed");
}

void
xsdv_close(struct xsdv *v)
{
	if (v->plug != NULL)
		xmlSchemaSAXUnplug(v->plug);
	if (v->ctxt != NULL)
		xmlFreeParserCtxt(v->ctxt);
	xmlSchemaFreeValidCtxt(v->vctxt);
	if (!v->shared) {
		xmlSchemaFree(v->schema);
		xmlSchemaFreeParserCtxt(v->pctxt);
	}
	memset(v, 0, sizeof(*v));
}

/* Parse the XSD at path into v->pctxt and v->schema. */
static int
xsdv_load(struct xsdv *v, const char *xsd)
{
	int fd;

	/* Checked here: libxml2 would print its own warning on stderr. */
	if ((fd = open(xsd, O_RDONLY | O_CLOEXEC)) < 0)
		return sepa_error_setw(v->err, SEPA_EXML, xsd, 0,
		    "could not open the schema: %s", strerror(errno));
	close(fd);
	v->path = xsd;
	v->pctxt = xmlSchemaNewParserCtxt(xsd);
	if (v->pctxt != NULL) {
		xmlSchemaSetParserStructuredErrors(v->pctxt, xsdv_serror, v);
		v->schema = xmlSchemaParse(v->pctxt);
	}
	v->path = NULL;
	if (v->schema == NULL) {
		if (!v->failed)
			sepa_error_setw(v->err, SEPA_EXML, xsd, 0,
			    "could not load the schema");
		return v->err != NULL ? v->err->code : SEPA_EXML;
	}
	return 0;
}

int
xsdv_schema_load(struct xsdv_schema *s, const char *xsd, sepa_error *err)
{
	struct xsdv v;
	int rc;

	memset(s, 0, sizeof(*s));
	memset(&v, 0, sizeof(v));
	v.err = err;
	xmlInitParser();
	rc = xsdv_load(&v, xsd);
	if (v.pctxt != NULL) /* its error handler pointed at v */
		xmlSchemaSetParserStructuredErrors(v.pctxt, NULL, NULL);
	s->pctxt = v.pctxt;
	s->schema = v.schema;
	if (rc != 0)
		xsdv_schema_free(s);
	return rc;
}

void
xsdv_schema_free(struct xsdv_schema *s)
{
	xmlSchemaFree(s->schema);
	xmlSchemaFreeParserCtxt(s->pctxt);
	memset(s, 0, sizeof(*s));
}

int
xsdv_open(struct xsdv *v, const char *xsd, const struct xsdv_schema *shared,
    const xmlSAXHandler *sax, void *user, const char *name, sepa_error *err)
{
	xmlSAXHandler h = *sax;
	int rc;

	memset(v, 0, sizeof(*v));
	v->err = err;
	xmlInitParser();
	if (shared != NULL) {
		v->schema = shared->schema;
		v->shared = 1;
	} else if ((rc = xsdv_load(v, xsd)) != 0) {
		return rc;
	}
	v->path = name;
	v->vctxt = xmlSchemaNewValidCtxt(v->schema);
	if (v->vctxt == NULL)
		return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
	xmlSchemaSetValidStructuredErrors(v->vctxt, xsdv_serror, v);

	h.initialized = XML_SAX2_MAGIC;
	v->ctxt = xmlCreatePushParserCtxt(&h, user, NULL, 0, name);
	if (v->ctxt == NULL)
		return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
	xmlCtxtUseOptions(v->ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA);
	v->plug = xmlSchemaSAXPlug(v->vctxt, &v->ctxt->sax, &v->ctxt->userData);
	if (v->plug == NULL)
		return sepa_error_set(
		    err, SEPA_ENOMEM, "could not plug the schema validator");
	return 0;
}

int
xsdv_feed(struct xsdv *v, const char *buf, size_t n)
{
	while (n > 0 && !v->failed) {
		int k = n > (1 << 20) ? 1 << 20 : (int)n;

		if (xmlParseChunk(v->ctxt, buf, k, 0) != 0 && !v->failed)
			xsdv_parse_error(v);
		v->bytes += (uint64_t)k;
		buf += k;
		n -= (size_t)k;
	}
	return v->failed ? -1 : 0;
}

int
xsdv_code(const struct xsdv *v)
{
	if (!v->failed)
		return 0;
	return v->err != NULL && v->err->code != 0 ? v->err->code : SEPA_EXML;
}

int
xsdv_end(struct xsdv *v)
{
	if (!v->failed && xmlParseChunk(v->ctxt, NULL, 0, 1) != 0 && !v->failed)
		xsdv_parse_error(v);
	if (!v->failed && !v->ctxt->wellFormed)
		xsdv_fail(v, SEPA_EXML, "the document is incomplete");
	return xsdv_code(v);
}

int
xsdv_feed_file(const char *path,
    int (*feed)(void *arg, const char *buf, size_t n), void *arg,
    sepa_error *err)
{
	char *buf;
	ssize_t n;
	int fd;
	int rc = 0;

	if ((buf = malloc(XSDV_CHUNK)) == NULL)
		return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = sepa_error_setw(err, SEPA_EIO, path, 0,
		    "could not open: %s", strerror(errno));
		free(buf);
		return rc;
	}
	while ((n = sepa_read(fd, buf, XSDV_CHUNK)) > 0)
		if (feed(arg, buf, (size_t)n) != 0)
			break;
	if (n < 0)
		rc = sepa_error_setw(err, SEPA_EIO, path, 0,
		    "could not read: %s", strerror(errno));
	close(fd);
	free(buf);
	return rc;
}
