/*
 * test_notify.c - notify.c: message ids and the catalog, journal fields,
 * IBAN masking, sd_notify messages on a test NOTIFY_SOCKET.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "notify.h"

Test(notify, message_ids_are_unique_and_in_the_catalog)
{
	char path[512], *catalog;
	FILE *fp;
	long size;

	snprintf(path, sizeof(path), "%s/systemd/sepad.catalog", SEPAD_SRCDIR);
	fp = fopen(path, "r");
	cr_assert_not_null(fp, "%s", path);
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	rewind(fp);
	catalog = calloc(1, (size_t)size + 1);
	cr_assert_eq(fread(catalog, 1, (size_t)size, fp), (size_t)size);
	fclose(fp);
	for (size_t i = 0; i < notify_msg_count(); i++) {
		const char *id = notify_msgid((enum notify_msg)i);
		char line[64];

		cr_assert_not_null(id);
		cr_assert_eq(strlen(id), 32);
		cr_assert_eq(strspn(id, "0123456789abcdef"), 32);
		snprintf(line, sizeof(line), "\n-- %s\n", id);
		cr_assert_not_null(strstr(catalog, line),
		    "%s (%s) is not in the catalog", id,
		    notify_msg_name((enum notify_msg)i));
		for (size_t j = 0; j < i; j++)
			cr_assert_str_neq(id, notify_msgid((enum notify_msg)j));
	}
	free(catalog);
}

Test(notify, fields_of_an_entry)
{
	struct notify_fields_buf b;
	struct notify_event ev = {0};

	ev.month = "2026-10";
	ev.step = "collect";
	ev.batch = "SEPAD-123456-202610-1";
	ev.has_count = true;
	ev.count = 312;
	ev.has_amount = true;
	ev.amount_cents = 2345678;
	cr_assert_eq(notify_build_fields(&b, NOTIFY_PAIN008_RELEASED, LOG_INFO,
	                 &ev, "pain.008 released"),
	    0);
	cr_assert_eq(b.count, 9);
	cr_assert_str_eq(b.text[0], "MESSAGE=pain.008 released");
	cr_assert_str_eq(
	    b.text[1], "MESSAGE_ID=7af151909cc14e4bb892c8591ad1480e");
	cr_assert_str_eq(b.text[2], "PRIORITY=6");
	cr_assert_str_eq(b.text[3], "SYSLOG_IDENTIFIER=sepad");
	cr_assert_str_eq(b.text[4], "SEPAD_MONTH=2026-10");
	cr_assert_str_eq(b.text[5], "SEPAD_STEP=collect");
	cr_assert_str_eq(b.text[6], "SEPAD_BATCH=SEPAD-123456-202610-1");
	cr_assert_str_eq(b.text[7], "SEPAD_COUNT=312");
	cr_assert_str_eq(b.text[8], "SEPAD_AMOUNT_CENTS=2345678");
}

Test(notify, sd_notify_messages_reach_the_socket)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char path[108], buf[256];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/tmp/sepad-notify-%ld", (long)getpid());
	unlink(path);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	cr_assert_geq(fd, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setenv("NOTIFY_SOCKET", path, 1);

	notify_ready();
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	cr_assert_gt(n, 0);
	buf[n] = '\0';
	cr_assert_str_eq(buf, "READY=1");

	notify_status("collect 2026-10: %d of %d", 10, 312);
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	buf[n] = '\0';
	cr_assert_str_eq(buf, "STATUS=collect 2026-10: 10 of 312");

	notify_reloading();
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	buf[n] = '\0';
	cr_assert_eq(
	    strncmp(buf, "RELOADING=1\nMONOTONIC_USEC=", 27), 0, "%s", buf);

	notify_stopping();
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	buf[n] = '\0';
	cr_assert_str_eq(buf, "STOPPING=1");

	notify_watchdog();
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	buf[n] = '\0';
	cr_assert_str_eq(buf, "WATCHDOG=1");
	close(fd);
	unlink(path);
}

Test(notify, watchdog_interval_from_the_environment)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	setenv("WATCHDOG_USEC", "30000000", 1);
	cr_assert_eq(notify_watchdog_usec(), 30000000);
	unsetenv("WATCHDOG_USEC");
	cr_assert_eq(notify_watchdog_usec(), 0);
}
