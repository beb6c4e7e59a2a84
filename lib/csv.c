/*
 * csv.c - streaming CSV reader: a byte state machine fed by chunks. The
 * encoding checks run on the raw bytes as they go by, so that every error
 * knows its physical line, column and byte offset.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/csv.h"
#include "sepa/io.h"
#include "sepa/text.h"
#include "internal.h"

#define CSV_CHUNK 65536
/* Keeps 3 * record size (Windows-1252 decoding) far from overflow. */
#define CSV_MAX_RECORD_LIMIT (SIZE_MAX / 16)

enum csv_state {
	CSV_FIELD_START, /* before the first character of a field */
	CSV_UNQUOTED, /* inside an unquoted field */
	CSV_QUOTED, /* inside a quoted field */
	CSV_QUOTE_SEEN, /* a '"' inside a quoted field: end or doubled */
	CSV_AFTER_QUOTED /* spaces after the closing quote */
};

struct sepa_csv {
	sepa_csv_read_fn *read_fn;
	void *ctx;
	char *name;
	int encoding;
	char sep;
	size_t max_record;

	/* input chunk */
	unsigned char *in;
	size_t in_pos;
	size_t in_len;
	size_t in_cap;
	int eof;

	/* position of the next byte */
	long line;
	long col;
	unsigned long long off;
	int after_cr;

	/* UTF-8 sequence being checked */
	int u_need;
	unsigned char u_lo;
	unsigned char u_hi;
	unsigned char u_lead;
	long u_line;
	long u_col;
	unsigned long long u_off;

	/* current record */
	enum csv_state state;
	char *rec;
	size_t rec_len;
	size_t rec_cap;
	size_t raw_len;
	size_t field_start;
	size_t trim_end;
	long field_line;
	int field_quoted;
	long quote_line;
	long quote_col;
	int any_quoted;
	int any_data;
	long rec_line;
	long rec_last_line;
	size_t *fstart;
	long *fline;
	unsigned char *fquoted;
	const char **fptr;
	size_t nf;
	size_t fcap;
	char *conv;
	size_t conv_cap;
	int rec_err_set;
	sepa_error rec_err;

	/* header */
	char *hdr;
	const char **cols;
	size_t ncols;
	long hdr_line;
	long blank;

	int failed;
	sepa_error fatal;
};

static void csv_vseterr(sepa_csv *, sepa_error *, int, long, long, const char *,
    va_list) __attribute__((format(printf, 6, 0)));
static int csv_fail(sepa_csv *, int, long, long, const char *, ...)
    __attribute__((format(printf, 5, 6)));
static void csv_rec_error(sepa_csv *, long, long, const char *, ...)
    __attribute__((format(printf, 4, 5)));
static int csv_fill(sepa_csv *);
static int csv_put(sepa_csv *, int);
static int csv_end_field(sepa_csv *);
static void csv_check_byte(
    sepa_csv *, unsigned, long, long, unsigned long long);
static int csv_after_quote(sepa_csv *, unsigned, long, long);
static int csv_record(sepa_csv *);
static int csv_decode(sepa_csv *);
static int csv_detect(sepa_csv *);
static int csv_start(sepa_csv *, sepa_error *);
static int csv_new(sepa_csv **, const sepa_csv_opts *, sepa_error *);
static int csv_is_space(const sepa_csv *, unsigned);
static int csv_caseeq(const char *, const char *);
static ssize_t csv_read_fd(void *, void *, size_t);
static ssize_t csv_read_file(void *, void *, size_t);

static void
csv_vseterr(sepa_csv *r, sepa_error *err, int code, long line, long col,
    const char *fmt, va_list ap)
{
	char msg[SEPA_ERROR_MSG_MAX];
	int saved = errno;

	if (err == NULL)
		return;
	vsnprintf(msg, sizeof(msg), L_(fmt), ap);
	errno = saved;
	sepa_error_setw(err, code, r->name, line, "%s", msg);
	err->column = col;
}

/* Record an error the reader cannot go past; returns its code. */
static int
csv_fail(sepa_csv *r, int code, long line, long col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	csv_vseterr(r, &r->fatal, code, line, col, fmt, ap);
	va_end(ap);
	r->failed = 1;
	return code;
}

/* Record the first error of the current record; parsing goes on. */
static void
csv_rec_error(sepa_csv *r, long line, long col, const char *fmt, ...)
{
	va_list ap;

	if (r->rec_err_set)
		return;
	va_start(ap, fmt);
	csv_vseterr(r, &r->rec_err, SEPA_EINVAL, line, col, fmt, ap);
	va_end(ap);
	r->rec_err_set = 1;
}

static int
csv_is_space(const sepa_csv *r, unsigned c)
{
	return c == ' ' || (c == '\t' && r->sep != '\t');
}

/* Read more input after the unread bytes, growing the buffer if full. */
static int
csv_fill(sepa_csv *r)
{
	ssize_t n;

	if (r->eof)
		return 0;
	if (r->in_pos == r->in_len) {
		r->in_pos = 0;
		r->in_len = 0;
	} else if (r->in_len == r->in_cap) {
		if (r->in_pos > 0) {
			memmove(
			    r->in, r->in + r->in_pos, r->in_len - r->in_pos);
			r->in_len -= r->in_pos;
			r->in_pos = 0;
		} else {
			unsigned char *p = realloc(r->in, r->in_cap * 2);

			if (p == NULL)
				return csv_fail(
				    r, SEPA_ENOMEM, 0, 0, "out of memory");
			r->in = p;
			r->in_cap *= 2;
		}
	}
	errno = 0;
	n = r->read_fn(r->ctx, r->in + r->in_len, r->in_cap - r->in_len);
	if (n < 0 || (size_t)n > r->in_cap - r->in_len) {
		if (errno == 0)
			errno = EIO;
		return csv_fail(r, SEPA_EIO, r->line, 0, "could not read: %s",
		    strerror(errno));
	}
	if (n == 0)
		r->eof = 1;
	r->in_len += (size_t)n;
	return 0;
}

static int
csv_put(sepa_csv *r, int c)
{
	if (r->rec_len == r->rec_cap) {
		size_t cap = r->rec_cap < 256 ? 256 : r->rec_cap * 2;
		char *p = realloc(r->rec, cap);

		if (p == NULL)
			return csv_fail(r, SEPA_ENOMEM, 0, 0, "out of memory");
		r->rec = p;
		r->rec_cap = cap;
	}
	r->rec[r->rec_len++] = (char)c;
	return 0;
}

/* Close the current field and open the next one. */
static int
csv_end_field(sepa_csv *r)
{
	if (r->nf == r->fcap) {
		size_t cap = r->fcap < 16 ? 16 : r->fcap * 2;
		size_t *fs = realloc(r->fstart, cap * sizeof(*fs));
		long *fl;
		unsigned char *fq;
		const char **fp;

		if (fs == NULL)
			goto nomem;
		r->fstart = fs;
		if ((fl = realloc(r->fline, cap * sizeof(*fl))) == NULL)
			goto nomem;
		r->fline = fl;
		if ((fq = realloc(r->fquoted, cap)) == NULL)
			goto nomem;
		r->fquoted = fq;
		if ((fp = realloc(r->fptr, (cap + 1) * sizeof(*fp))) == NULL)
			goto nomem;
		r->fptr = fp;
		r->fcap = cap;
	}
	if (!r->field_quoted)
		r->rec_len = r->trim_end;
	if (r->rec_len > r->field_start)
		r->any_data = 1;
	if (r->field_quoted)
		r->any_quoted = 1;
	if (csv_put(r, '\0') < 0)
		return SEPA_ENOMEM;
	r->fstart[r->nf] = r->field_start;
	r->fline[r->nf] = r->field_line;
	r->fquoted[r->nf] = (unsigned char)r->field_quoted;
	r->nf++;
	r->field_start = r->rec_len;
	r->trim_end = r->rec_len;
	r->field_line = r->line;
	r->field_quoted = 0;
	r->state = CSV_FIELD_START;
	return 0;
nomem:
	return csv_fail(r, SEPA_ENOMEM, 0, 0, "out of memory");
}

/*
 * Check one raw byte against the encoding. UTF-8 is checked as a stream:
 * a sequence cut by another byte is reported at its lead byte, and that
 * other byte is then checked on its own.
 */
static void
csv_check_byte(
    sepa_csv *r, unsigned c, long line, long col, unsigned long long off)
{
	if (c == 0)
		csv_rec_error(r, line, col,
		    "NUL byte at byte offset %llu (is the file UTF-16?)", off);
	if (r->encoding == SEPA_CSV_CP1252) {
		if (c == 0x81 || c == 0x8d || c == 0x8f || c == 0x90 ||
		    c == 0x9d)
			csv_rec_error(r, line, col,
			    "byte 0x%02x at byte offset %llu is not defined in Windows-1252",
			    c, off);
		return;
	}
	if (r->u_need > 0) {
		if (c >= r->u_lo && c <= r->u_hi) {
			r->u_need--;
			r->u_lo = 0x80;
			r->u_hi = 0xbf;
			return;
		}
		csv_rec_error(r, r->u_line, r->u_col,
		    "invalid UTF-8 byte 0x%02x at byte offset %llu (is the file Windows-1252?)",
		    r->u_lead, r->u_off);
		r->u_need = 0;
	}
	if (c < 0x80)
		return;
	r->u_lo = 0x80;
	r->u_hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf) {
		r->u_need = 1;
	} else if (c >= 0xe0 && c <= 0xef) {
		r->u_need = 2;
		if (c == 0xe0)
			r->u_lo = 0xa0; /* overlong */
		else if (c == 0xed)
			r->u_hi = 0x9f; /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		r->u_need = 3;
		if (c == 0xf0)
			r->u_lo = 0x90; /* overlong */
		else if (c == 0xf4)
			r->u_hi = 0x8f; /* above U+10FFFF */
	} else {
		csv_rec_error(r, line, col,
		    "invalid UTF-8 byte 0x%02x at byte offset %llu (is the file Windows-1252?)",
		    c, off);
		return;
	}
	r->u_lead = (unsigned char)c;
	r->u_line = line;
	r->u_col = col;
	r->u_off = off;
}

/* A byte after the closing quote: a separator, a space, or an error. */
static int
csv_after_quote(sepa_csv *r, unsigned c, long line, long col)
{
	if (c == (unsigned char)r->sep)
		return csv_end_field(r);
	if (csv_is_space(r, c))
		return 0;
	if (c >= 0x20 && c < 0x7f)
		csv_rec_error(r, line, col,
		    "unexpected character '%c' after the closing quote", c);
	else
		csv_rec_error(r, line, col,
		    "unexpected byte 0x%02x after the closing quote", c);
	return 0;
}

/*
 * Read one record into rec/fstart. Returns 1 with a record (its first
 * error, if any, in rec_err), 0 at end of file with nothing read, or a
 * negative code when the reader failed.
 */
static int
csv_record(sepa_csv *r)
{
	unsigned c;
	long line, col;
	unsigned long long off;
	int rc;

	r->state = CSV_FIELD_START;
	r->rec_len = 0;
	r->raw_len = 0;
	r->nf = 0;
	r->field_start = 0;
	r->trim_end = 0;
	r->field_quoted = 0;
	r->any_quoted = 0;
	r->any_data = 0;
	r->rec_err_set = 0;
	r->rec_line = r->line;
	r->field_line = r->line;
	for (;;) {
		if (r->in_pos == r->in_len) {
			if (!r->eof) {
				if ((rc = csv_fill(r)) < 0)
					return rc;
				continue;
			}
			if (r->state == CSV_QUOTED)
				return csv_fail(r, SEPA_EINVAL, r->quote_line,
				    r->quote_col,
				    "unterminated quoted field at end of file");
			if (r->state == CSV_FIELD_START && r->nf == 0 &&
			    r->raw_len == 0)
				return 0;
			if (r->u_need > 0) {
				csv_rec_error(r, r->u_line, r->u_col,
				    "invalid UTF-8 byte 0x%02x at byte offset %llu (is the file Windows-1252?)",
				    r->u_lead, r->u_off);
				r->u_need = 0;
			}
			if ((rc = csv_end_field(r)) < 0)
				return rc;
			r->rec_last_line = r->line;
			return 1;
		}
		c = r->in[r->in_pos++];
		if (r->after_cr) {
			r->after_cr = 0;
			if (c == '\n') {
				r->off++;
				continue;
			}
		}
		line = r->line;
		col = r->col;
		off = r->off++;
		if (c == '\n' || c == '\r') {
			r->line++;
			r->col = 1;
			r->after_cr = c == '\r';
		} else {
			r->col++;
		}
		csv_check_byte(r, c, line, col, off);
		if ((c == '\n' || c == '\r') && r->state != CSV_QUOTED) {
			if ((rc = csv_end_field(r)) < 0)
				return rc;
			r->rec_last_line = line;
			return 1;
		}
		if (++r->raw_len > r->max_record) {
			if (r->state == CSV_QUOTED)
				return csv_fail(r, SEPA_ELIMIT, r->rec_line, 0,
				    "record longer than %zu bytes (is the quote opened at line %ld, column %ld closed?)",
				    r->max_record, r->quote_line, r->quote_col);
			return csv_fail(r, SEPA_ELIMIT, r->rec_line, 0,
			    "record longer than %zu bytes", r->max_record);
		}
		switch (r->state) {
		case CSV_FIELD_START:
			if (c == (unsigned char)r->sep) {
				rc = csv_end_field(r);
			} else if (c == '"') {
				r->state = CSV_QUOTED;
				r->field_quoted = 1;
				r->field_line = line;
				r->quote_line = line;
				r->quote_col = col;
				rc = 0;
			} else if (csv_is_space(r, c)) {
				rc = 0;
			} else {
				r->state = CSV_UNQUOTED;
				r->field_line = line;
				rc = csv_put(r, (int)c);
				r->trim_end = r->rec_len;
			}
			break;
		case CSV_UNQUOTED:
			if (c == (unsigned char)r->sep) {
				rc = csv_end_field(r);
			} else {
				rc = csv_put(r, (int)c);
				if (!csv_is_space(r, c))
					r->trim_end = r->rec_len;
			}
			break;
		case CSV_QUOTED:
			if (c == '"') {
				r->state = CSV_QUOTE_SEEN;
				rc = 0;
			} else {
				rc = csv_put(r, c == '\r' ? '\n' : (int)c);
			}
			break;
		case CSV_QUOTE_SEEN:
			if (c == '"') {
				r->state = CSV_QUOTED;
				rc = csv_put(r, '"');
				break;
			}
			r->state = CSV_AFTER_QUOTED;
			rc = csv_after_quote(r, c, line, col);
			break;
		case CSV_AFTER_QUOTED:
		default:
			rc = csv_after_quote(r, c, line, col);
			break;
		}
		if (rc < 0)
			return rc;
	}
}

/* Make fptr point to UTF-8 fields: decode Windows-1252 if needed. */
static int
csv_decode(sepa_csv *r)
{
	size_t i, pos = 0, need;
	sepa_error e = SEPA_ERROR_INIT;

	if (r->encoding != SEPA_CSV_CP1252) {
		for (i = 0; i < r->nf; i++)
			r->fptr[i] = r->rec + r->fstart[i];
		r->fptr[r->nf] = NULL;
		return 0;
	}
	need = 3 * r->rec_len + 1;
	if (need > r->conv_cap) {
		char *p = realloc(r->conv, need);

		if (p == NULL)
			return csv_fail(r, SEPA_ENOMEM, 0, 0, "out of memory");
		r->conv = p;
		r->conv_cap = need;
	}
	for (i = 0; i < r->nf; i++) {
		const char *s = r->rec + r->fstart[i];
		size_t len = strlen(s), outlen = 0;

		if (sepa_cp1252_to_utf8(r->conv + pos, &outlen, s, len, &e) <
		    0) {
			/* Undefined bytes were refused while reading. */
			csv_rec_error(
			    r, r->fline[i], 0, "field %zu: %s", i + 1, e.msg);
			return 0;
		}
		r->fptr[i] = r->conv + pos;
		pos += outlen + 1;
	}
	r->fptr[r->nf] = NULL;
	return 0;
}

/*
 * Pick the separator from the header line: the one of ';' ',' and tab
 * seen most often outside quotes. The header is kept in the input buffer.
 */
static int
csv_detect(sepa_csv *r)
{
	static const char seps[3] = {';', ',', '\t'};
	static const char *const names[3] = {"';'", "','", "tab"};
	size_t count[3] = {0, 0, 0};
	size_t k = 0;
	long line = r->line;
	int inq = 0, started = 0, cr = 0, best, i, rc;

	for (;;) {
		unsigned c;

		if (r->in_pos + k == r->in_len) {
			if (r->eof)
				break;
			if (k > r->max_record && k - r->max_record > 1024)
				return csv_fail(r, SEPA_ELIMIT, line, 0,
				    "record longer than %zu bytes",
				    r->max_record);
			if ((rc = csv_fill(r)) < 0)
				return rc;
			continue;
		}
		c = r->in[r->in_pos + k++];
		if (!started && (c == '\r' || c == '\n')) {
			if (c == '\r' || !cr)
				line++;
			cr = c == '\r';
			continue;
		}
		started = 1;
		if (c == '"')
			inq = !inq;
		else if (!inq && (c == '\r' || c == '\n'))
			break;
		for (i = 0; i < 3 && !inq; i++)
			if (c == (unsigned char)seps[i])
				count[i]++;
	}
	if (!started) {
		/* Nothing but line ends: reading the header says so. */
		r->sep = ';';
		return 0;
	}
	best = 0;
	for (i = 1; i < 3; i++)
		if (count[i] > count[best])
			best = i;
	if (count[best] == 0)
		return csv_fail(r, SEPA_EINVAL, line, 0,
		    "cannot detect the separator: the header line has no ';', ',' or tab outside quotes");
	for (i = 0; i < 3; i++)
		if (i != best && count[i] == count[best])
			return csv_fail(r, SEPA_EINVAL, line, 0,
			    "cannot detect the separator: the header line has as many %s as %s (%zu)",
			    names[i < best ? i : best],
			    names[i < best ? best : i], count[best]);
	r->sep = seps[best];
	return 0;
}

static int
csv_new(sepa_csv **out, const sepa_csv_opts *opts, sepa_error *err)
{
	sepa_csv_opts def = SEPA_CSV_OPTS_INIT;
	sepa_csv *r;

	*out = NULL;
	if (opts == NULL)
		opts = &def;
	if (opts->separator != 0 && opts->separator != ';' &&
	    opts->separator != ',' && opts->separator != '\t') {
		return sepa_error_set(err, SEPA_EINVAL,
		    "separator must be ';', ',' or tab (or 0 to detect it)");
	}
	if (opts->encoding != SEPA_CSV_UTF8 &&
	    opts->encoding != SEPA_CSV_CP1252) {
		return sepa_error_set(
		    err, SEPA_EINVAL, "unknown encoding %d", opts->encoding);
	}
	if (opts->max_record > CSV_MAX_RECORD_LIMIT)
		return sepa_error_set(err, SEPA_EINVAL,
		    "max_record %zu is above the limit of %zu bytes",
		    opts->max_record, (size_t)CSV_MAX_RECORD_LIMIT);
	if ((r = calloc(1, sizeof(*r))) == NULL)
		goto nomem;
	r->encoding = opts->encoding;
	r->sep = opts->separator;
	r->max_record =
	    opts->max_record > 0 ? opts->max_record : SEPA_CSV_MAX_RECORD;
	r->line = 1;
	r->col = 1;
	if ((r->name = strdup(opts->name != NULL ? opts->name : "")) == NULL)
		goto nomem;
	if ((r->in = malloc(CSV_CHUNK)) == NULL)
		goto nomem;
	r->in_cap = CSV_CHUNK;
	*out = r;
	return 0;
nomem:
	sepa_csv_free(r);
	return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
}

/* Check the byte order mark, find the separator, read the header. */
static int
csv_start(sepa_csv *r, sepa_error *err)
{
	const unsigned char *b;
	size_t i, n, len, total = 0;
	int rc;

	while (r->in_len < 3 && !r->eof)
		if ((rc = csv_fill(r)) < 0)
			goto fail;
	b = r->in;
	if (r->in_len >= 2 &&
	    ((b[0] == 0xff && b[1] == 0xfe) ||
	        (b[0] == 0xfe && b[1] == 0xff))) {
		rc = csv_fail(r, SEPA_EINVAL, 1, 1,
		    "the file is UTF-16 (byte order mark %02X %02X): export it as \"CSV UTF-8\" or \"CSV (separator)\"",
		    b[0], b[1]);
		goto fail;
	}
	if (r->in_len >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf) {
		if (r->encoding == SEPA_CSV_CP1252) {
			rc = csv_fail(r, SEPA_EINVAL, 1, 1,
			    "the file starts with a UTF-8 byte order mark but the encoding is Windows-1252");
			goto fail;
		}
		r->in_pos = 3;
		r->off = 3;
	}
	if (r->sep == 0 && (rc = csv_detect(r)) < 0)
		goto fail;
	for (;;) {
		if ((rc = csv_record(r)) < 0)
			goto fail;
		if (rc == 0) {
			rc = csv_fail(r, SEPA_EINVAL, 0, 0,
			    "the file is empty: no header line");
			goto fail;
		}
		if (r->rec_err_set) {
			r->fatal = r->rec_err;
			r->failed = 1;
			rc = r->rec_err.code;
			goto fail;
		}
		if (r->any_data || r->any_quoted)
			break;
		r->blank++;
	}
	if ((rc = csv_decode(r)) < 0)
		goto fail;
	if (r->rec_err_set) {
		r->fatal = r->rec_err;
		r->failed = 1;
		rc = r->rec_err.code;
		goto fail;
	}
	r->hdr_line = r->rec_line;
	for (i = 0; i < r->nf; i++)
		total += strlen(r->fptr[i]) + 1;
	r->hdr = malloc(total);
	r->cols = malloc(r->nf * sizeof(*r->cols));
	if (r->hdr == NULL || r->cols == NULL) {
		rc = csv_fail(r, SEPA_ENOMEM, 0, 0, "out of memory");
		goto fail;
	}
	total = 0;
	for (i = 0; i < r->nf; i++) {
		const char *s = r->fptr[i];

		while (*s == ' ' || *s == '\t')
			s++;
		len = strlen(s);
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		memcpy(r->hdr + total, s, len);
		r->hdr[total + len] = '\0';
		r->cols[i] = r->hdr + total;
		total += len + 1;
	}
	n = r->nf;
	while (n > 0 && r->cols[n - 1][0] == '\0')
		n--;
	r->ncols = n;
	if (n == 0) {
		rc = csv_fail(r, SEPA_EINVAL, r->hdr_line, 0,
		    "the header line has no column names");
		goto fail;
	}
	return 0;
fail:
	if (err != NULL)
		*err = r->fatal;
	return rc;
}

int
sepa_csv_open(sepa_csv **out, sepa_csv_read_fn *read_fn, void *ctx,
    const sepa_csv_opts *opts, sepa_error *err)
{
	sepa_csv *r;
	int rc;

	*out = NULL;
	if ((rc = csv_new(&r, opts, err)) < 0)
		return rc;
	r->read_fn = read_fn;
	r->ctx = ctx;
	if ((rc = csv_start(r, err)) < 0) {
		sepa_csv_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* The context is the file descriptor itself. */
static ssize_t
csv_read_fd(void *ctx, void *buf, size_t n)
{
	return sepa_read((int)(intptr_t)ctx, buf, n);
}

int
sepa_csv_open_fd(
    sepa_csv **out, int fd, const sepa_csv_opts *opts, sepa_error *err)
{
	return sepa_csv_open(out, csv_read_fd, (void *)(intptr_t)fd, opts, err);
}

static ssize_t
csv_read_file(void *ctx, void *buf, size_t n)
{
	FILE *fp = ctx;
	size_t got = fread(buf, 1, n, fp);

	if (got == 0 && ferror(fp))
		return -1;
	return (ssize_t)got;
}

int
sepa_csv_open_file(
    sepa_csv **out, FILE *fp, const sepa_csv_opts *opts, sepa_error *err)
{
	return sepa_csv_open(out, csv_read_file, fp, opts, err);
}

void
sepa_csv_free(sepa_csv *r)
{
	if (r == NULL)
		return;
	free(r->name);
	free(r->in);
	free(r->rec);
	free(r->fstart);
	free(r->fline);
	free(r->fquoted);
	free(r->fptr);
	free(r->conv);
	free(r->hdr);
	free(r->cols);
	free(r);
}

/* ASCII case-insensitive equality, independent of the locale. */
static int
csv_caseeq(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned ca = (unsigned char)*a, cb = (unsigned char)*b;

		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return 0;
		if (ca == '\0')
			return 1;
	}
}

int
sepa_csv_map(
    const sepa_csv *r, sepa_csv_column *cols, size_t ncols, sepa_error *err)
{
	char msg[SEPA_ERROR_MSG_MAX];
	size_t i, j, len = 0, missing = 0;

	for (i = 0; i < ncols; i++) {
		cols[i].index = -1;
		for (j = 0; j < r->ncols; j++) {
			if (!csv_caseeq(cols[i].name, r->cols[j]))
				continue;
			if (cols[i].index >= 0) {
				sepa_error_setw(err, SEPA_EINVAL, r->name,
				    r->hdr_line,
				    "column \"%s\" appears twice in the header (columns %d and %zu)",
				    cols[i].name, cols[i].index + 1, j + 1);
				return SEPA_EINVAL;
			}
			cols[i].index = (int)j;
		}
		if (cols[i].index < 0 && cols[i].required)
			missing++;
	}
	if (missing == 0)
		return 0;
	msg[0] = '\0';
#define CSV_APPEND(...) \
	do { \
		if (len < sizeof(msg)) { \
			int w_ = snprintf( \
			    msg + len, sizeof(msg) - len, __VA_ARGS__); \
			len += w_ > 0 ? (size_t)w_ : 0; \
		} \
	} while (0)
	CSV_APPEND("%s",
	    LN_("missing column", "missing columns", (unsigned long)missing));
	for (i = 0, j = 0; i < ncols; i++)
		if (cols[i].index < 0 && cols[i].required)
			CSV_APPEND(
			    "%s \"%s\"", j++ > 0 ? "," : "", cols[i].name);
	CSV_APPEND("%s", L_("; found:"));
	for (j = 0; j < r->ncols; j++)
		CSV_APPEND("%s %s", j > 0 ? "," : "",
		    r->cols[j][0] != '\0' ? r->cols[j] : "\"\"");
#undef CSV_APPEND
	sepa_error_setw(err, SEPA_EINVAL, r->name, r->hdr_line, "%s", msg);
	return SEPA_EINVAL;
}

int
sepa_csv_next(sepa_csv *r, sepa_csv_row *row, sepa_error *err)
{
	int rc;

	memset(row, 0, sizeof(*row));
	if (r->failed) {
		if (err != NULL)
			*err = r->fatal;
		return r->fatal.code;
	}
	for (;;) {
		if ((rc = csv_record(r)) < 0) {
			if (err != NULL)
				*err = r->fatal;
			return rc;
		}
		if (rc == 0)
			return 0;
		if (r->rec_err_set || r->any_data || r->any_quoted)
			break;
		r->blank++;
	}
	if (!r->rec_err_set && (rc = csv_decode(r)) < 0) {
		if (err != NULL)
			*err = r->fatal;
		return rc;
	}
	if (r->rec_err_set) {
		if (err != NULL)
			*err = r->rec_err;
		return r->rec_err.code;
	}
	/* Excel's trailing separators: drop empty unquoted extra fields. */
	while (r->nf > r->ncols && !r->fquoted[r->nf - 1] &&
	    r->fptr[r->nf - 1][0] == '\0')
		r->nf--;
	row->line = r->rec_line;
	row->last_line = r->rec_last_line;
	row->nfields = r->nf;
	row->fields = r->fptr;
	row->field_lines = r->fline;
	if (r->nf != r->ncols) {
		sepa_error_setw(err, SEPA_EINVAL, r->name, r->rec_line,
		    "expected %zu fields as in the header, found %zu", r->ncols,
		    r->nf);
		return SEPA_EINVAL;
	}
	return 1;
}

int
sepa_csv_failed(const sepa_csv *r)
{
	return r->failed;
}

char
sepa_csv_separator(const sepa_csv *r)
{
	return r->sep;
}

size_t
sepa_csv_column_count(const sepa_csv *r)
{
	return r->ncols;
}

const char *
sepa_csv_column_name(const sepa_csv *r, size_t i)
{
	return i < r->ncols ? r->cols[i] : NULL;
}

long
sepa_csv_header_line(const sepa_csv *r)
{
	return r->hdr_line;
}

long
sepa_csv_blank_lines(const sepa_csv *r)
{
	return r->blank;
}
