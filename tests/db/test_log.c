/*
 * test_log.c - log.c: plain lines or journal priorities, errno kept, the
 * debug level, IBANs masked, and the allocation helpers.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

/* Tell log.c that stderr, as it is now, is the journal's stream. */
static void
stderr_is_the_journal(void)
{
	char env[64];
	struct stat st;

	cr_assert_eq(fstat(STDERR_FILENO, &st), 0);
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
}

/* Send stderr to a fresh file; its path goes to path (64 bytes). */
static void
capture(char *path)
{
	int fd;

	snprintf(path, 64, "/tmp/sepad-test-log-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_geq(dup2(fd, STDERR_FILENO), 0);
	close(fd);
}

static void
captured(const char *path, char *buf, size_t size)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	cr_assert_not_null(fp);
	n = fread(buf, 1, size - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	unlink(path);
}

Test(log, plain_lines_with_the_program_name)
{
	char path[64], buf[1024];

	unsetenv("JOURNAL_STREAM");
	capture(path);
	log_init("sepactl", 0, 3);
	errno = ENOENT;
	log_warn("could not open \"%s\"", "x.csv");
	cr_assert_eq(errno, ENOENT);
	log_warnx("refused %d rows", 2);
	log_info("done");
	log_debug("hidden");
	cr_assert_eq(log_verbose(), 0);
	captured(path, buf, sizeof(buf));
	cr_assert_str_eq(buf,
	    "sepactl: could not open \"x.csv\": No such file or directory\n"
	    "sepactl: refused 2 rows\n"
	    "sepactl: done\n");
}

Test(log, journal_priorities_when_stderr_is_the_journal)
{
	char path[64], buf[1024];

	capture(path);
	stderr_is_the_journal();
	log_init("sepad", 1, 3);
	log_warnx("w");
	log_info("i");
	log_debug("d");
	captured(path, buf, sizeof(buf));
	cr_assert_str_eq(buf, "<4>w\n<6>i\n<7>d\n");
}

/*
 * sepad points stderr at rejected/NAME.errors.txt while an import runs:
 * the lines written there have no journal priority, the ones after
 * have it again. And no message shows a whole IBAN.
 */
Test(log, stderr_moved_away_from_the_journal_and_ibans_masked)
{
	char path[64], other[64], buf[1024];
	int saved;

	capture(path);
	stderr_is_the_journal();
	log_init("sepad", 0, 3);
	log_warnx("before");
	saved = dup(STDERR_FILENO);
	capture(other);
	log_warnx("refused: IBAN %s", "FR7630006000011234567890189");
	cr_assert_geq(dup2(saved, STDERR_FILENO), 0);
	close(saved);
	log_info("after");
	captured(other, buf, sizeof(buf));
	cr_assert_str_eq(buf, "sepad: refused: IBAN FR76****0189\n");
	captured(path, buf, sizeof(buf));
	cr_assert_str_eq(buf, "<4>before\n<6>after\n");
}

Test(log, another_stream_is_not_the_journal)
{
	char path[64], buf[256];

	capture(path);
	setenv("JOURNAL_STREAM", "1:2", 1);
	log_init("sepad", 0, 3);
	log_info("i");
	captured(path, buf, sizeof(buf));
	cr_assert_str_eq(buf, "sepad: i\n");
}

Test(log, fatalx_exits_with_the_given_status, .exit_code = 3)
{
	char path[64];

	capture(path);
	unlink(path); /* fatalx does not return to clean up */
	log_init("sepactl", 0, 3);
	fatalx("cannot go on");
}

Test(log, allocation_helpers)
{
	char *s;
	int *v;

	cr_assert_eq(xasprintf(&s, "%s-%d", "a", 42), 4);
	cr_assert_str_eq(s, "a-42");
	free(s);
	s = xstrdup("copy");
	cr_assert_str_eq(s, "copy");
	free(s);
	v = xcalloc(4, sizeof(int));
	cr_assert_eq(v[3], 0);
	v = xreallocarray(v, 1000, sizeof(int));
	v[999] = 1;
	free(v);
	free(xmalloc(0));
}
