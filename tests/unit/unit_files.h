/*
 * unit_files.h - file helpers the unit tests share (test_pain008.c,
 * test_pes.c, test_bankfile.c): a temporary directory, its listing and
 * removal, reading and writing whole files, a SHA-256 in hex, and a
 * write hook that appends to a string. Static inline: each test program
 * takes what it uses.
 */
#ifndef SEPA_UNIT_FILES_H
#define SEPA_UNIT_FILES_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "sepa/digest.h"

/* A new directory under /tmp; rmrf removes it and frees the name. */
static inline char *
tmpdir(void)
{
	char *t = strdup("/tmp/sepad-unit-XXXXXX");

	cr_assert_not_null(t);
	cr_assert_not_null(mkdtemp(t));
	return t;
}

/* Names in dir (not . and ..), joined by spaces, for messages. */
static inline int
dir_list(const char *dir, char *out, size_t outsz)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	out[0] = '\0';
	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		n++;
		strncat(out, e->d_name, outsz - strlen(out) - 2);
		strncat(out, " ", outsz - strlen(out) - 1);
	}
	closedir(d);
	return n;
}

static inline void
rmrf(char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[4096];

	if (d != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.' &&
			    (e->d_name[1] == '\0' ||
			        strcmp(e->d_name, "..") == 0))
				continue;
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(dir);
	free(dir);
}

/* The whole file, NUL-terminated; *len (may be NULL) gets its size. */
static inline char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert_not_null(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

static inline void
spit(const char *path, const char *s)
{
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f);
	cr_assert_eq(fwrite(s, 1, strlen(s), f), strlen(s));
	fclose(f);
}

static inline void
sha256_hex(const char *s, size_t n, char hex[65])
{
	cr_assert_eq(sepa_sha256_buf(s, n, hex, NULL), 0);
}

/* Write hook of the writers: append the bytes to the string at arg. */
static inline ssize_t
mem_write(int fd, const void *buf, size_t len, void *arg)
{
	char *dst = arg;

	(void)fd;
	strncat(dst, buf, len);
	return (ssize_t)len;
}

#endif /* SEPA_UNIT_FILES_H */
