/*
 * notify.c - the libsystemd boundary: service notifications (READY,
 * RELOADING, STOPPING, STATUS, WATCHDOG) and structured journal entries
 * with a stable MESSAGE_ID per event kind. Every call is harmless outside
 * systemd: notifications are no-ops without NOTIFY_SOCKET, and journal
 * entries fall back to a plain log line when the journal is not there or
 * the daemon runs in the foreground (-d).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/uio.h>
#include <time.h>

#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

#include "sepa/iban.h"
#include "i18n.h"
#include "log.h"
#include "notify.h"

/* Stable ids: `journalctl MESSAGE_ID=...` and systemd/sepad.catalog. */
static const struct {
	enum notify_msg msg;
	const char *id;
	const char *name;
} notify_msgs[] = {
    {NOTIFY_STEP_STARTED, "6e8b0c2add61456a97d9682ef5511a2f", "step-started"},
    {NOTIFY_STEP_FINISHED, "dac61f7b5b8d49dabccc944ae2f9672a", "step-finished"},
    {NOTIFY_FILE_IMPORTED, "618b6f4c51f0468bbd9a90db646fdc23", "file-imported"},
    {NOTIFY_FILE_REFUSED, "93819cd047904d4f974b4c68351dc415", "file-refused"},
    {NOTIFY_PAIN008_RELEASED, "7af151909cc14e4bb892c8591ad1480e",
        "pain008-released"},
    {NOTIFY_RETURNS_RECONCILED, "d4cf3b666eb44ecc95023d31e896a0f9",
        "returns-reconciled"},
    {NOTIFY_MANDATE_TERMINATED, "a1e9493d8b444e1eaacf4ba7e7f3ab2f",
        "mandate-terminated"},
    {NOTIFY_MANDATE_SUSPENDED, "1c08eb28c8464857a4003fefb02ecb50",
        "mandate-suspended"},
    {NOTIFY_RECOVERY_EXPORTED, "dd8a2ba0c39d4e87ab574a25b54fe11a",
        "recovery-exported"},
    {NOTIFY_NEEDS_ATTENTION, "b128a32741da48448633b18665ebb5e6",
        "needs-attention"},
    {NOTIFY_DAEMON_READY, "aa078501d5474848bb17640e559b947d", "daemon-ready"},
    {NOTIFY_DB_DOWN, "9e4571db88324fe182124b501bad4a34", "database-down"},
    {NOTIFY_DB_UP, "1f4db2aab92d4ae58983bd6ad1e766c5", "database-up"},
    {NOTIFY_CONFIG, "0fba22af59c64cf8ba5967d789cec4a4", "configuration"},
};

#define NOTIFY_NMSGS (sizeof(notify_msgs) / sizeof(notify_msgs[0]))

/* Written once by notify_init(), before the loop starts. */
static int notify_foreground;

void
notify_init(int foreground)
{
	notify_foreground = foreground;
}

const char *
notify_msgid(enum notify_msg msg)
{
	for (size_t i = 0; i < NOTIFY_NMSGS; i++)
		if (notify_msgs[i].msg == msg)
			return notify_msgs[i].id;
	return NULL;
}

const char *
notify_msg_name(enum notify_msg msg)
{
	for (size_t i = 0; i < NOTIFY_NMSGS; i++)
		if (notify_msgs[i].msg == msg)
			return notify_msgs[i].name;
	return NULL;
}

size_t
notify_msg_count(void)
{
	return NOTIFY_NMSGS;
}

void
notify_ready(void)
{
	sd_notify(0, "READY=1");
}

void
notify_reloading(void)
{
	struct timespec ts;
	char buf[96];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(buf, sizeof(buf), "RELOADING=1\nMONOTONIC_USEC=%" PRIu64,
	    (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u);
	sd_notify(0, buf);
}

void
notify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

void
notify_watchdog(void)
{
	sd_notify(0, "WATCHDOG=1");
}

uint64_t
notify_watchdog_usec(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return usec;
}

void
notify_status(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "STATUS=");
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, _(fmt), ap);
	va_end(ap);
	sd_notify(0, buf);
}

/* Append "NAME=value" to the field list when value is set. */
static void
notify_field(struct notify_fields_buf *b, const char *name, const char *value)
{
	int n;

	if (value == NULL || value[0] == '\0' || b->count >= NOTIFY_MAX_FIELDS)
		return;
	n = snprintf(
	    b->text[b->count], sizeof(b->text[0]), "%s=%s", name, value);
	if (n < 0)
		return;
	b->count++;
}

int
notify_build_fields(struct notify_fields_buf *b, enum notify_msg msg,
    int priority, const struct notify_event *ev, const char *message)
{
	char num[32];
	const char *id = notify_msgid(msg);

	b->count = 0;
	if (id == NULL)
		return -1;
	notify_field(b, "MESSAGE", message);
	notify_field(b, "MESSAGE_ID", id);
	snprintf(num, sizeof(num), "%d", priority);
	notify_field(b, "PRIORITY", num);
	notify_field(b, "SYSLOG_IDENTIFIER", "sepad");
	if (ev == NULL)
		return 0;
	notify_field(b, "SEPAD_MONTH", ev->month);
	notify_field(b, "SEPAD_STEP", ev->step);
	notify_field(b, "SEPAD_FILE", ev->file);
	notify_field(b, "SEPAD_BATCH", ev->batch);
	notify_field(b, "SEPAD_RUM", ev->rum);
	notify_field(b, "SEPAD_REASON", ev->reason);
	if (ev->has_count) {
		snprintf(num, sizeof(num), "%" PRId64, ev->count);
		notify_field(b, "SEPAD_COUNT", num);
	}
	if (ev->has_amount) {
		snprintf(num, sizeof(num), "%" PRId64, ev->amount_cents);
		notify_field(b, "SEPAD_AMOUNT_CENTS", num);
	}
	return 0;
}

void
notify_journal(enum notify_msg msg, int priority, const struct notify_event *ev,
    const char *fmt, ...)
{
	struct notify_fields_buf b;
	struct iovec iov[NOTIFY_MAX_FIELDS];
	char message[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), _(fmt), ap);
	va_end(ap);
	sepa_iban_mask_text(message);
	if (!notify_foreground &&
	    notify_build_fields(&b, msg, priority, ev, message) == 0) {
		for (size_t i = 0; i < b.count; i++) {
			iov[i].iov_base = b.text[i];
			iov[i].iov_len = strlen(b.text[i]);
		}
		if (sd_journal_sendv(iov, (int)b.count) == 0)
			return;
	}
	/* No journal (or -d): the same message as a plain log line. */
	if (priority <= LOG_WARNING)
		log_warnx("%s", message);
	else if (priority >= LOG_DEBUG)
		log_debug("%s", message);
	else
		log_info("%s", message);
}
