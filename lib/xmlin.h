/*
 * xmlin.h - untrusted XML in (private to lib/): an input guard under an
 * xmlTextReader, and the verdict on how the reading ended. Used by the
 * bank-file reader and the PES reader.
 *
 * The guard sits between the real input and libxml2. It counts bytes
 * and lines, refuses a file larger than max_bytes, a run of more than
 * max_text bytes without a '<' (a huge text node or attribute, refused
 * as it streams in) and a DOCTYPE before the root element (so libxml2
 * never sees a DTD, hence no entity can be declared). The reader is
 * created without NOENT, DTDLOAD, DTDATTR, DTDVALID or HUGE, and without
 * network access; its errors go to the first-error record below, never
 * to stderr. The caller's loop refuses DOCTYPE and entity nodes with
 * xmlin_refuse_node, and reports the end with xmlin_result.
 *
 *	xmlin_open(&in, input, arg, name, "PES files", max_bytes, max_text,
 *	    err);
 *	while (rc == 0 && (ret = xmlTextReaderRead(in.reader)) == 1)
 *		...;
 *	if (rc == 0) rc = xmlin_result(&in, ret, outer, outer_line);
 *	xmlin_close(&in);
 */
#ifndef SEPA_XMLIN_H
#define SEPA_XMLIN_H

#include <stddef.h>

#include <libxml/xmlreader.h>

#include "sepa/error.h"

/* Fill buf with up to len bytes; how many (0 at the end), -1 + errno. */
typedef long (*xmlin_input_fn)(void *arg, char *buf, size_t len);

struct xmlin_guard {
	xmlin_input_fn input;
	void *arg;
	const char *what; /* "bank files": for messages */
	size_t max_bytes;
	size_t max_text;
	size_t total; /* bytes read */
	size_t run;
	long line;
	int wide; /* UTF-16 or UTF-32 input: bytes are not characters */
	int cr_pending; /* a CR ended the last chunk and became LF */
	int prev_lt;
	int root_seen;
	int nonblank;
	int eof;
	size_t dt_match;
	int failed;
	int code;
	int sys_errno;
	long fail_line;
	char msg[SEPA_ERROR_MSG_MAX];
};

struct xmlin {
	xmlTextReaderPtr reader;
	const char *name; /* the document, in messages (borrowed) */
	sepa_error *err; /* borrowed */
	struct xmlin_guard g;
	/* the first error libxml2 reported */
	int xml_failed;
	int xml_code;
	long xml_line;
	char xml_msg[SEPA_ERROR_MSG_MAX];
};

/*
 * Set up in (a struct the caller owns) to read from input through the
 * guard; `what` names the kind of file in messages ("DOCTYPE not allowed
 * in PES files"). Returns 0 or SEPA_ENOMEM with err filled; xmlin_close
 * is safe after a failure.
 */
int xmlin_open(struct xmlin *in, xmlin_input_fn input, void *arg,
    const char *name, const char *what, size_t max_bytes, size_t max_text,
    sepa_error *err);

void xmlin_close(struct xmlin *in);

/* The line of the current node. */
long xmlin_line(struct xmlin *in);

/* Record an error "name:line: message" in in->err; returns code. */
int xmlin_fail(struct xmlin *in, int code, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Copy the value of element `elem` (at line) into dst of size bytes, or
 * refuse it (SEPA_EINVAL) when it does not fit.
 */
int xmlin_copy(struct xmlin *in, char *dst, size_t size, const char *src,
    const char *elem, long line);

/* A DOCTYPE or entity node is refused (SEPA_EXML); other types give 0. */
int xmlin_refuse_node(struct xmlin *in, int type);

/*
 * The verdict once the loop has stopped on ret (the last result of
 * xmlTextReaderRead) with no error of the caller's own: the guard's
 * refusal, an empty file, a truncated file (outer names the outermost
 * element still open, started at outer_line, or is NULL), or malformed
 * XML; 0 when the document was read whole.
 */
int xmlin_result(struct xmlin *in, int ret, const char *outer, long outer_line);

/* Input from a file descriptor (arg: a pointer to the int). */
long xmlin_fd_input(void *arg, char *buf, size_t len);

/* Input from memory (arg: a struct xmlin_mem). */
struct xmlin_mem {
	const char *buf;
	size_t len;
	size_t pos;
};
long xmlin_mem_input(void *arg, char *buf, size_t len);

/*
 * Open path for reading into *fd, refusing (SEPA_ELIMIT) a regular file
 * larger than max bytes before reading it. The caller closes *fd.
 */
int xmlin_open_file(const char *path, size_t max, int *fd, sepa_error *err);

#endif /* SEPA_XMLIN_H */
