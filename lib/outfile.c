/*
 * outfile.c - write under a temporary name, sync, rename into place with
 * a .sha256 sidecar (see outfile.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

int
outfile_where(sepa_error *err, const char *path, int rc)
{
	if (err != NULL && rc != 0)
		snprintf(err->where, sizeof(err->where), "%s", path);
	return rc;
}

/* Split f->path into a malloc'd directory and the base name. */
static int
outfile_split(struct outfile *f, sepa_error *err)
{
	const char *slash = strrchr(f->path, '/');

	if (slash == NULL) {
		f->dir = strdup(".");
		f->base = f->path;
	} else if (slash == f->path) {
		f->dir = strdup("/");
		f->base = slash + 1;
	} else {
		f->dir = strndup(f->path, (size_t)(slash - f->path));
		f->base = slash + 1;
	}
	if (f->dir == NULL)
		return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
	if (f->base[0] == '\0')
		return sepa_error_set(
		    err, SEPA_EINVAL, "the file name is empty");
	return 0;
}

/* Create DIR/.BASE<suffix>.XXXXXX, mode 0600. */
static int
outfile_mktemp(const struct outfile *f, const char *suffix, char **out, int *fd,
    sepa_error *err)
{
	size_t n = strlen(f->dir) + strlen(f->base) + strlen(suffix) + 16;
	char *t = malloc(n);

	*fd = -1;
	*out = NULL;
	if (t == NULL)
		return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
	snprintf(t, n, "%s/.%s%s.XXXXXX", f->dir, f->base, suffix);
	*fd = mkstemp(t);
	if (*fd < 0) {
		int rc = sepa_error_set(err, SEPA_EIO,
		    "could not create a temporary file in %s: %s", f->dir,
		    strerror(errno));

		free(t);
		return rc;
	}
	*out = t;
	return 0;
}

int
outfile_open(struct outfile *f, const char *path, mode_t mode, sepa_error *err)
{
	int rc;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->mode = mode;
	if ((f->path = strdup(path)) == NULL)
		return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
	if ((rc = outfile_split(f, err)) != 0)
		return rc;
	return outfile_mktemp(f, "", &f->tmp_path, &f->fd, err);
}

int
outfile_sync(struct outfile *f, sepa_error *err)
{
	int rc;

	if (fchmod(f->fd, f->mode) != 0 || fsync(f->fd) != 0)
		return sepa_error_set(err, SEPA_EIO, "could not sync %s: %s",
		    f->tmp_path, strerror(errno));
	rc = close(f->fd);
	f->fd = -1;
	if (rc != 0)
		return sepa_error_set(err, SEPA_EIO, "could not close %s: %s",
		    f->tmp_path, strerror(errno));
	return 0;
}

/* Write DIR/.BASE.sha256.XXXXXX with "<hex>  BASE\n", synced. */
static int
outfile_sidecar(
    const struct outfile *f, const char *hex, char **tmp, sepa_error *err)
{
	char line[64 + 2 + NAME_MAX + 2];
	int fd = -1;
	int rc;
	int n;

	n = snprintf(line, sizeof(line), "%s  %s\n", hex, f->base);
	if (n < 0 || (size_t)n >= sizeof(line))
		return sepa_error_set(err, SEPA_EINVAL, "file name too long");
	if ((rc = outfile_mktemp(f, ".sha256", tmp, &fd, err)) != 0)
		return rc;
	if (write(fd, line, (size_t)n) != n || fchmod(fd, f->mode) != 0 ||
	    fsync(fd) != 0) {
		rc = sepa_error_set(err, SEPA_EIO,
		    "could not write the checksum file: %s", strerror(errno));
		close(fd);
		return rc;
	}
	if (close(fd) != 0)
		return sepa_error_set(err, SEPA_EIO,
		    "could not write the checksum file: %s", strerror(errno));
	return 0;
}

static int
outfile_fsync_dir(const char *dir, sepa_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return sepa_error_set(err, SEPA_EIO, "could not open %s: %s",
		    dir, strerror(errno));
	if (fsync(fd) != 0)
		rc = sepa_error_set(err, SEPA_EIO, "could not sync %s: %s", dir,
		    strerror(errno));
	close(fd);
	return rc;
}

int
outfile_publish(struct outfile *f, const char *hex,
    int (*before)(void *arg, sepa_error *err), void *arg, sepa_error *err)
{
	char *side_tmp = NULL;
	char *side_path = NULL;
	int renamed = 0;
	int rc;

	if (hex != NULL && (rc = outfile_sidecar(f, hex, &side_tmp, err)) != 0)
		goto done;
	if (before != NULL) {
		f->keep = 1;
		if ((rc = before(arg, err)) != 0)
			goto done;
	}
	if (rename(f->tmp_path, f->path) != 0) {
		rc = sepa_error_set(err, SEPA_EIO, "could not rename %s: %s",
		    f->tmp_path, strerror(errno));
		goto done;
	}
	renamed = 1;
	free(f->tmp_path);
	f->tmp_path = NULL;
	if (side_tmp != NULL) {
		size_t n = strlen(f->path) + 8;

		if ((side_path = malloc(n)) == NULL) {
			rc = sepa_error_set(err, SEPA_ENOMEM, "out of memory");
			goto done;
		}
		snprintf(side_path, n, "%s.sha256", f->path);
		if (rename(side_tmp, side_path) != 0) {
			rc = sepa_error_set(err, SEPA_EIO,
			    "could not rename %s: %s", side_tmp,
			    strerror(errno));
			goto done;
		}
		free(side_tmp);
		side_tmp = NULL;
	}
	rc = outfile_fsync_dir(f->dir, err);
done:
	if (rc != 0 && f->keep) {
		/* Left as they are, the temporary files too. */
		free(f->tmp_path);
		f->tmp_path = NULL;
	} else if (rc != 0) {
		/* Nothing may stay under the final names. */
		if (renamed) {
			unlink(f->path);
			if (side_path != NULL && side_tmp == NULL)
				unlink(side_path);
		}
		if (side_tmp != NULL)
			unlink(side_tmp);
	}
	free(side_tmp);
	free(side_path);
	return rc;
}

void
outfile_discard(struct outfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->tmp_path != NULL)
		unlink(f->tmp_path);
	free(f->tmp_path);
	free(f->path);
	free(f->dir);
	f->tmp_path = f->path = f->dir = NULL;
	f->base = NULL;
}
