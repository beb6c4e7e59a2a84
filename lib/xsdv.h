/*
 * xsdv.h - streamed validation against an XML Schema (private to lib/):
 * the libxml2 push parser with the schema plugged into the same SAX
 * pass, so that a document is checked chunk by chunk, in flat memory,
 * by the XSD and by the caller's own SAX handlers (the rules no schema
 * can say). The first problem, the schema's or the caller's, is kept
 * with its line and stops the parser. Used by the pain.008 and PES
 * validators.
 *
 * The caller's handlers get `user` as their context and report with
 * xsdv_fail on the struct xsdv they embed.
 */
#ifndef SEPA_XSDV_H
#define SEPA_XSDV_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "sepa/error.h"

/* The chunks xsdv_feed_file reads (a validator may look at the first). */
#define XSDV_CHUNK (64 * 1024)

struct xsdv {
	xmlParserCtxtPtr ctxt;
	sepa_error *err; /* borrowed until xsdv_close */
	int failed;
	const char *path; /* names the document in messages (borrowed) */
	uint64_t bytes; /* fed so far */
	xmlSchemaParserCtxtPtr pctxt;
	xmlSchemaPtr schema;
	int shared; /* schema borrowed from a struct xsdv_schema */
	xmlSchemaValidCtxtPtr vctxt;
	xmlSchemaSAXPlugPtr plug;
};

/* A schema parsed once, to validate many documents. */
struct xsdv_schema {
	xmlSchemaParserCtxtPtr pctxt;
	xmlSchemaPtr schema;
};

/* Parse the XSD at xsd into s; xsdv_schema_free is safe after failure. */
int xsdv_schema_load(struct xsdv_schema *s, const char *xsd, sepa_error *err);
void xsdv_schema_free(struct xsdv_schema *s);

/*
 * Load the schema at xsd, or borrow `shared` (not NULL: kept by the
 * caller until xsdv_close), then set up a push parser (no network, no
 * CDATA nodes) with the handlers of sax and `user` as their context,
 * the schema plugged in. `name` names the document in later messages.
 * On failure v holds nothing to use, but xsdv_close is safe.
 */
int xsdv_open(struct xsdv *v, const char *xsd, const struct xsdv_schema *shared,
    const xmlSAXHandler *sax, void *user, const char *name, sepa_error *err);

/* The line the parser is at (0 before it starts). */
long xsdv_line(const struct xsdv *v);

/* Record a failure (the first one wins) with the line, stop the parser. */
void xsdv_fail(struct xsdv *v, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parse the next n bytes. Returns 0, or -1 once the document failed. */
int xsdv_feed(struct xsdv *v, const char *buf, size_t n);

/*
 * End of input: the last chunk, then "the document is incomplete" when
 * it is not well formed. Returns 0 or the code of the first failure.
 */
int xsdv_end(struct xsdv *v);

/* The code of the first failure (SEPA_EXML when it has none), or 0. */
int xsdv_code(const struct xsdv *v);

void xsdv_close(struct xsdv *v);

/*
 * Read the file at path to its end, handing every chunk to feed (a
 * validator's), which returns 0, or -1 once the document failed: then
 * reading stops and the validator keeps its error. Returns 0, or
 * SEPA_EIO ("could not open" / "could not read", err->where = path) or
 * SEPA_ENOMEM.
 */
int xsdv_feed_file(const char *path,
    int (*feed)(void *arg, const char *buf, size_t n), void *arg,
    sepa_error *err);

#endif /* SEPA_XSDV_H */
