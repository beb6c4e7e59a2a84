/*
 * error.c - the sepa_error record: set, prefix, format. A message never
 * holds a whole valid IBAN: it is masked as it is set (iban.h). Messages
 * are translated as they are set (SEPA_TEXT_DOMAIN, error.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sepa/error.h"
#include "sepa/iban.h"
#include "internal.h"

void
sepa_error_clear(sepa_error *err)
{
	if (err == NULL)
		return;
	memset(err, 0, sizeof(*err));
}

static int error_vset(sepa_error *, int, const char *, long, const char *,
    va_list) __attribute__((format(printf, 5, 0)));

static int
error_vset(sepa_error *err, int code, const char *where, long line,
    const char *fmt, va_list ap)
{
	char msg[SEPA_ERROR_MSG_MAX];
	int saved = errno;

	if (err == NULL)
		return code;
	/*
	 * Formatted aside first: callers may pass err->msg (or err->where)
	 * among the arguments to add context, and vsnprintf into the buffer
	 * it reads from would garble both.
	 */
	vsnprintf(msg, sizeof(msg), L_(fmt), ap);
	/* Messages are read by people who may not see a family's account. */
	sepa_iban_mask_text(msg);
	err->code = code;
	err->sys_errno = code == SEPA_EIO ? saved : 0;
	err->line = line;
	err->column = 0;
	if (where != NULL && where != err->where)
		snprintf(err->where, sizeof(err->where), "%s", where);
	else if (where == NULL)
		err->where[0] = '\0';
	memcpy(err->msg, msg, sizeof(err->msg));
	errno = saved;
	return code;
}

int
sepa_error_set(sepa_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = error_vset(err, code, NULL, 0, fmt, ap);
	va_end(ap);
	return rc;
}

int
sepa_error_setw(sepa_error *err, int code, const char *where, long line,
    const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = error_vset(err, code, where, line, fmt, ap);
	va_end(ap);
	return rc;
}

void
sepa_error_prefix(sepa_error *err, const char *fmt, ...)
{
	char head[SEPA_ERROR_MSG_MAX];
	char old[SEPA_ERROR_MSG_MAX];
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), L_(fmt), ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* Translators: a message with context put before it. */
	snprintf(err->msg, sizeof(err->msg), L_("%s: %s"), head, old);
	sepa_iban_mask_text(err->msg);
}

const char *
sepa_strerror(int code)
{
	switch (code) {
	case SEPA_OK:
		return L_("success");
	case SEPA_EINVAL:
		return L_("invalid input");
	case SEPA_ENOMEM:
		return L_("out of memory");
	case SEPA_EIO:
		return L_("input/output error");
	case SEPA_ERANGE:
		return L_("value out of range");
	case SEPA_EXML:
		return L_("XML error");
	case SEPA_ESTATE:
		return L_("wrong state");
	case SEPA_ELIMIT:
		return L_("limit exceeded");
	case SEPA_ENOTFOUND:
		return L_("not found");
	default:
		return L_("unknown error");
	}
}

char *
sepa_error_format(const sepa_error *err, char *buf, size_t size)
{
	int n = 0;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	if (err == NULL)
		return buf;
	if (err->where[0] != '\0') {
		if (err->line > 0 && err->column > 0)
			n = snprintf(buf, size, "%s:%ld:%ld: ", err->where,
			    err->line, err->column);
		else if (err->line > 0)
			n = snprintf(
			    buf, size, "%s:%ld: ", err->where, err->line);
		else
			n = snprintf(buf, size, "%s: ", err->where);
	} else if (err->line > 0) {
		n = snprintf(buf, size, L_("line %ld: "), err->line);
	}
	if (n < 0 || (size_t)n >= size)
		return buf;
	snprintf(buf + n, size - (size_t)n, "%s",
	    err->msg[0] != '\0' ? err->msg : sepa_strerror(err->code));
	return buf;
}
