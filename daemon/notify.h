/*
 * notify.h - systemd (notify.c): sd_notify states, the watchdog and
 * structured journal entries with stable MESSAGE_IDs.
 */
#ifndef SEPAD_NOTIFY_H
#define SEPAD_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Event kinds with a stable journal MESSAGE_ID (systemd/sepad.catalog). */
enum notify_msg {
	NOTIFY_STEP_STARTED,
	NOTIFY_STEP_FINISHED,
	NOTIFY_FILE_IMPORTED,
	NOTIFY_FILE_REFUSED,
	NOTIFY_PAIN008_RELEASED,
	NOTIFY_RETURNS_RECONCILED,
	NOTIFY_MANDATE_TERMINATED,
	NOTIFY_MANDATE_SUSPENDED,
	NOTIFY_RECOVERY_EXPORTED,
	NOTIFY_NEEDS_ATTENTION,
	NOTIFY_DAEMON_READY,
	NOTIFY_DB_DOWN,
	NOTIFY_DB_UP,
	NOTIFY_CONFIG
};

/* The structured fields of a journal entry; NULL/unset ones are left out. */
struct notify_event {
	const char *month; /* SEPAD_MONTH, "2026-10" */
	const char *step; /* SEPAD_STEP, "invoice", "collect"... */
	const char *file; /* SEPAD_FILE */
	const char *batch; /* SEPAD_BATCH (MsgId) */
	const char *rum; /* SEPAD_RUM */
	const char *reason; /* SEPAD_REASON (ISO reason code) */
	bool has_count;
	int64_t count; /* SEPAD_COUNT */
	bool has_amount;
	int64_t amount_cents; /* SEPAD_AMOUNT_CENTS */
};

#define NOTIFY_MAX_FIELDS 16
#define NOTIFY_FIELD_MAX 1152
/* The "NAME=value" strings of one entry (built by notify_build_fields). */
struct notify_fields_buf {
	size_t count;
	char text[NOTIFY_MAX_FIELDS][NOTIFY_FIELD_MAX];
};

/* foreground (-d): journal entries are printed as plain log lines. */
void notify_init(int foreground);
/* The 32-hex-digit MESSAGE_ID and a short name of a kind (static). */
const char *notify_msgid(enum notify_msg msg);
const char *notify_msg_name(enum notify_msg msg);
size_t notify_msg_count(void);
/* sd_notify: no-ops without NOTIFY_SOCKET. */
void notify_ready(void);
void notify_reloading(void); /* RELOADING=1 with MONOTONIC_USEC */
void notify_stopping(void);
void notify_watchdog(void);
void notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* WatchdogSec in microseconds, 0 when the watchdog is off. */
uint64_t notify_watchdog_usec(void);
/* Build the fields of an entry (for notify_journal and its tests). */
int notify_build_fields(struct notify_fields_buf *b, enum notify_msg msg,
    int priority, const struct notify_event *ev, const char *message);
/*
 * One structured journal entry (priority: LOG_INFO, LOG_WARNING...);
 * without a journal, or in the foreground, a plain log line instead. The
 * message has its IBANs masked; fmt is translated (i18n.h), the fields
 * are the same in every language.
 */
void notify_journal(enum notify_msg msg, int priority,
    const struct notify_event *ev, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif /* SEPAD_NOTIFY_H */
