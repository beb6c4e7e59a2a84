/*
 * test_io.c - read(2) tried again when a signal interrupts it.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "sepa/io.h"

static int alarm_fd = -1;
static volatile sig_atomic_t alarms;

/* Makes the blocked read fail with EINTR, then gives it a byte. */
static void
on_alarm(int sig)
{
	(void)sig;
	alarms++;
	if (write(alarm_fd, "x", 1) != 1)
		alarms = -1;
}

Test(io, read_interrupted_by_a_signal_is_tried_again)
{
	struct sigaction sa;
	struct itimerval it;
	char buf[8];
	int p[2];

	cr_assert_eq(pipe(p), 0);
	alarm_fd = p[1];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = 0; /* no SA_RESTART: read(2) fails with EINTR */
	sigemptyset(&sa.sa_mask);
	cr_assert_eq(sigaction(SIGALRM, &sa, NULL), 0);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 100000;
	cr_assert_eq(setitimer(ITIMER_REAL, &it, NULL), 0);

	cr_assert_eq(sepa_read(p[0], buf, sizeof(buf)), 1);
	cr_assert_eq(buf[0], 'x');
	cr_assert_eq(alarms, 1);
	close(p[0]);
	close(p[1]);
}

Test(io, read_end_of_file_and_error)
{
	char buf[8];
	int p[2];

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], "ab", 2), 2);
	close(p[1]);
	cr_assert_eq(sepa_read(p[0], buf, sizeof(buf)), 2);
	cr_assert_eq(memcmp(buf, "ab", 2), 0);
	cr_assert_eq(sepa_read(p[0], buf, sizeof(buf)), 0);
	close(p[0]);
	errno = 0;
	cr_assert_eq(sepa_read(p[0], buf, sizeof(buf)), -1);
	cr_assert_eq(errno, EBADF);
}
