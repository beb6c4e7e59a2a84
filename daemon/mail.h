/*
 * mail.h - e-mail through an SMTP relay (mail.c, libcurl): a text body
 * and one PDF attached, at most mail.per_minute messages a minute.
 */
#ifndef SEPAD_MAIL_H
#define SEPAD_MAIL_H

#include <stdbool.h>
#include <stddef.h>

#include "sepa/error.h"

struct sepad_config;

/* A connection to the relay of the [mail] settings. */
struct mail;

/*
 * Prepare sending through the relay of cfg (mail.*): SEPA_EINVAL when
 * mail.host or mail.from is not set, SEPA_EIO when mail.password_file
 * cannot be read. The password never appears in a message.
 */
int mail_open(
    struct mail **out, const struct sepad_config *cfg, sepa_error *err);
void mail_close(struct mail *m);

/* One message: From is mail.from (with the creditor's name). */
struct mail_msg {
	const char *to;
	const char *subject; /* UTF-8 */
	const char *message_id; /* "<...@...>" */
	const char *text; /* UTF-8 body */
	const void *pdf;
	size_t pdf_len;
	const char *pdf_name;
};

/*
 * Send one message, waiting first as long as mail.per_minute asks.
 * Returns 0 once the relay accepted it. On failure, *unsent is true when
 * nothing can have reached the relay (no connection, TLS or login
 * refused), false when it may have (the relay refused the message or the
 * connection broke while it was sent).
 */
int mail_send(
    struct mail *m, const struct mail_msg *msg, bool *unsent, sepa_error *err);

#endif /* SEPAD_MAIL_H */
