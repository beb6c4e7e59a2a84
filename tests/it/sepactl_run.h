/*
 * sepactl_run.h - run the sepactl binary from the end-to-end tests and
 * capture its exit status, stdout and stderr; write a configuration file.
 */
#ifndef SEPAD_SEPACTL_RUN_H
#define SEPAD_SEPACTL_RUN_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SEPACTL SEPAD_SRCDIR "/build/sepactl"

struct run {
	int status;
	char out[262144];
	char err[8192];
};

static inline void
slurp(const char *path, char *buf, size_t size)
{
	FILE *fp = fopen(path, "r");
	size_t n = 0;

	if (fp != NULL) {
		n = fread(buf, 1, size - 1, fp);
		fclose(fp);
	}
	buf[n] = '\0';
	unlink(path);
}

/* Run `sepactl ARGS` (ARGS is shell text of our own), capture everything. */
static inline void
run(struct run *r, const char *args)
{
	char cmd[4096], out[64], err[64];
	int st;

	snprintf(out, sizeof(out), "/tmp/sepactl-out-%ld", (long)getpid());
	snprintf(err, sizeof(err), "/tmp/sepactl-err-%ld", (long)getpid());
	snprintf(cmd, sizeof(cmd),
	    "env -u SEPAD_CONF -u SEPAD_TODAY %s %s >%s 2>%s", SEPACTL, args,
	    out, err);
	st = system(cmd);
	cr_assert(WIFEXITED(st), "%s", cmd);
	r->status = WEXITSTATUS(st);
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
}

static inline void
write_conf(char *path, const char *text)
{
	FILE *fp;
	int fd;

	snprintf(path, 64, "/tmp/sepactl-conf-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
}

#endif /* SEPAD_SEPACTL_RUN_H */
