/*
 * csv.h - streaming reader for the CSV files people export from Excel and
 * canteen software: ';' ',' or tab, UTF-8 (BOM or not) or Windows-1252,
 * CRLF / LF / CR line ends, RFC 4180 quoting with multi-line fields.
 *
 * The reader pulls one record at a time through a read function, so memory
 * is bounded by the longest record (max_record), never the file size.
 *
 * Decisions, for the import code built on top:
 * - The header is the first non-blank record. Its names are trimmed and
 *   compared case-insensitively (ASCII); trailing empty names (Excel's
 *   "a;b;;") are dropped. The separator is the one of ';' ',' or tab that
 *   appears most often outside quotes in the header line; none, or a tie,
 *   is an error (force it with sepa_csv_opts.separator).
 * - Unquoted fields are trimmed of spaces (and tabs, when tab is not the
 *   separator); quoted fields are kept as written, spaces around the quotes
 *   are ignored. A '"' inside an unquoted field is kept as a character.
 * - Line ends inside a quoted field (CRLF, LF or CR) become "\n".
 * - Blank records (nothing but spaces, or only separators as Excel writes
 *   for empty rows: ";;;") are skipped and counted (sepa_csv_blank_lines).
 * - A row with more fields than the header is accepted when the extra
 *   trailing fields are empty and unquoted (Excel's trailing ";"); they are
 *   dropped. Any other count is an error for that row.
 * - Line numbers are physical lines (1-based) counted from the start of
 *   the file; columns count bytes from the start of the physical line
 *   (1-based, the BOM not counted).
 */
#ifndef SEPA_CSV_H
#define SEPA_CSV_H

#include <stdio.h>
#include <sys/types.h>

#include "sepa/error.h"

/** Default largest record, in bytes of the file (quotes included). */
#define SEPA_CSV_MAX_RECORD 65536

/** Character encoding of the file. */
enum sepa_csv_encoding {
	/** UTF-8, with or without a byte order mark (skipped). */
	SEPA_CSV_UTF8 = 0,
	/** Windows-1252, decoded to UTF-8. */
	SEPA_CSV_CP1252 = 1
};

/** Reader options; start from SEPA_CSV_OPTS_INIT. */
typedef struct sepa_csv_opts {
	/** ';' ',' or '\t' to force the separator; 0 to detect it. */
	char separator;
	/** enum sepa_csv_encoding. */
	int encoding;
	/** Largest record in bytes (at most SIZE_MAX / 16); 0: the default. */
	size_t max_record;
	/** File name put in sepa_error.where (copied; may be NULL). */
	const char *name;
} sepa_csv_opts;

#define SEPA_CSV_OPTS_INIT \
	{ \
		0, SEPA_CSV_UTF8, 0, NULL \
	}

/**
 * Read up to n bytes into buf: the count read, 0 at end of file, -1 on
 * error with errno set.
 */
typedef ssize_t sepa_csv_read_fn(void *ctx, void *buf, size_t n);

/** The reader (opaque). */
typedef struct sepa_csv sepa_csv;

/** One record; everything in it is borrowed until the next call. */
typedef struct sepa_csv_row {
	/** Physical line where the record starts (1-based). */
	long line;
	/** Physical line where the record ends (> line after multi-line fields). */
	long last_line;
	/** Number of fields. */
	size_t nfields;
	/** nfields NUL-terminated UTF-8 strings. */
	const char *const *fields;
	/** The physical line where each field starts. */
	const long *field_lines;
} sepa_csv_row;

/** One wanted column, for sepa_csv_map. */
typedef struct sepa_csv_column {
	/** In: the column name, compared case-insensitively (ASCII). */
	const char *name;
	/** In: 1 when the file must have the column. */
	int required;
	/** Out: 0-based index in the rows, -1 when the column is absent. */
	int index;
} sepa_csv_column;

/**
 * Open a reader on a read function and read the header: BOM and encoding
 * checks, separator detection, column names. `opts` may be NULL (defaults).
 * The reader does not own ctx. Errors: empty file, UTF-16 byte order mark,
 * undetectable separator, bad bytes or quoting in the header, I/O error.
 * On success the caller frees *out with sepa_csv_free; on failure *out is
 * NULL.
 */
int sepa_csv_open(sepa_csv **out, sepa_csv_read_fn *read_fn, void *ctx,
    const sepa_csv_opts *opts, sepa_error *err);

/** sepa_csv_open on a file descriptor (not closed by the reader). */
int sepa_csv_open_fd(
    sepa_csv **out, int fd, const sepa_csv_opts *opts, sepa_error *err);

/** sepa_csv_open on a stdio stream (not closed by the reader). */
int sepa_csv_open_file(
    sepa_csv **out, FILE *fp, const sepa_csv_opts *opts, sepa_error *err);

/** Free a reader; NULL is a no-op. */
void sepa_csv_free(sepa_csv *r);

/**
 * Find the wanted columns in the header: sets each cols[i].index. Errors:
 * a required column missing ("missing column \"iban\"; found: rum, bic"),
 * or a wanted name present twice. Other columns are ignored.
 */
int sepa_csv_map(
    const sepa_csv *r, sepa_csv_column *cols, size_t ncols, sepa_error *err);

/**
 * Read the next record into *row. Returns 1 with a row, 0 at end of file,
 * or a negative SEPA_E* with err filled (where, line, column).
 *
 * Errors that leave the reader usable (sepa_csv_failed() stays 0; the next
 * call reads the following record): wrong number of fields (SEPA_EINVAL;
 * *row is filled with the fields found), invalid UTF-8, a byte undefined
 * in Windows-1252, a NUL byte, a character after a closing quote
 * (SEPA_EINVAL; *row is zeroed).
 *
 * Errors that stop the reader (sepa_csv_failed() becomes 1, every later
 * call returns the same error): record longer than max_record
 * (SEPA_ELIMIT), unterminated quoted field at end of file (SEPA_EINVAL),
 * read error (SEPA_EIO), out of memory (SEPA_ENOMEM).
 */
int sepa_csv_next(sepa_csv *r, sepa_csv_row *row, sepa_error *err);

/** 1 once the reader has hit an error it cannot go past. */
int sepa_csv_failed(const sepa_csv *r);

/** The separator in use (';', ',' or '\t'). */
char sepa_csv_separator(const sepa_csv *r);

/** Number of header columns (trailing empty names dropped). */
size_t sepa_csv_column_count(const sepa_csv *r);

/** Header name of column i as written (trimmed), or NULL when out of range. */
const char *sepa_csv_column_name(const sepa_csv *r, size_t i);

/** Physical line of the header. */
long sepa_csv_header_line(const sepa_csv *r);

/** Number of blank records skipped so far (before the header included). */
long sepa_csv_blank_lines(const sepa_csv *r);

#endif /* SEPA_CSV_H */
