/*
 * afile.c - files written atomically (temporary file, fsync, rename,
 * fsync of the directory) and directory helpers, for the outbox.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sepa/error.h"
#include "afile.h"
#include "log.h"

FILE *
afile_scratch(const char *dir, const char *name)
{
	char path[PATH_MAX];
	FILE *fp;
	int fd, n, e;

	n = snprintf(path, sizeof(path), "%s/%s-XXXXXX", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((fd = mkstemp(path)) < 0)
		return NULL;
	unlink(path);
	if ((fp = fdopen(fd, "w+")) == NULL) {
		e = errno;
		close(fd);
		errno = e;
	}
	return fp;
}

int
afile_open(struct afile *af, const char *path, mode_t mode, sepa_error *err)
{
	int fd;

	memset(af, 0, sizeof(*af));
	af->path = xstrdup(path);
	xasprintf(&af->tmp, "%s.tmp-%ld", path, (long)getpid());
	fd = open(af->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	/* exactly `mode`, whatever the umask or a leftover file had */
	if (fd < 0 || fchmod(fd, mode) != 0 ||
	    (af->fp = fdopen(fd, "w")) == NULL) {
		int e = errno;

		if (fd >= 0) {
			close(fd);
			unlink(af->tmp);
		}
		sepa_error_set(err, SEPA_EIO, "could not create %s: %s",
		    af->tmp, strerror(e));
		free(af->path);
		free(af->tmp);
		memset(af, 0, sizeof(*af));
		return SEPA_EIO;
	}
	return 0;
}

void
afile_abort(struct afile *af)
{
	if (af->fp != NULL) {
		fclose(af->fp);
		unlink(af->tmp);
	}
	free(af->path);
	free(af->tmp);
	memset(af, 0, sizeof(*af));
}

int
afile_sync_dir(const char *dir, sepa_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0 || fsync(fd) != 0)
		rc = sepa_error_set(err, SEPA_EIO, "could not sync %s: %s", dir,
		    strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

int
afile_commit(struct afile *af, sepa_error *err)
{
	char *dir = NULL, *slash;
	int rc = 0;

	if (fflush(af->fp) != 0 || ferror(af->fp) ||
	    fsync(fileno(af->fp)) != 0) {
		rc = sepa_error_set(err, SEPA_EIO, "could not write %s: %s",
		    af->tmp, strerror(errno));
		goto cleanup;
	}
	if (fclose(af->fp) != 0) {
		af->fp = NULL;
		unlink(af->tmp);
		rc = sepa_error_set(err, SEPA_EIO, "could not write %s: %s",
		    af->tmp, strerror(errno));
		goto cleanup;
	}
	af->fp = NULL;
	if (rename(af->tmp, af->path) != 0) {
		rc = sepa_error_set(err, SEPA_EIO,
		    "could not rename %s to %s: %s", af->tmp, af->path,
		    strerror(errno));
		unlink(af->tmp);
		goto cleanup;
	}
	dir = xstrdup(af->path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	else
		strcpy(dir, ".");
	rc = afile_sync_dir(dir, err);
cleanup:
	free(dir);
	afile_abort(af);
	return rc;
}

int
afile_mkdirs(const char *dir, sepa_error *err)
{
	char *p = xstrdup(dir);
	int rc = 0;

	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, AFILE_DIR_MODE) != 0 && errno != EEXIST) {
			rc = sepa_error_set(err, SEPA_EIO,
			    "could not create the directory %s: %s", p,
			    strerror(errno));
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return rc;
}

void
afile_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char *p;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		xasprintf(&p, "%s/%s", dir, e->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(dir);
}

/*
 * A copy rather than a link: the sender's file keeps the sender's owner
 * and mode (0644, 0666...), which archive/ and rejected/ must not, and
 * the source may be on another file system.
 */
int
afile_move_into(const char *path, const char *dir, const char *base, char *out,
    size_t outsz)
{
	char tmp[PATH_MAX], buf[65536];
	int in, fd = -1, rc = -1, saved;
	ssize_t n;

	if ((in = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, base);
	if ((fd = mkstemp(tmp)) < 0) {
		tmp[0] = '\0';
		goto done;
	}
	if (fchmod(fd, AFILE_MODE) != 0)
		goto done;
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto done;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, (size_t)(n - off));

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				goto done;
			off += w;
		}
	}
	if (fsync(fd) != 0)
		goto done;
	for (int i = 0; i < 1000; i++) {
		if (i == 0)
			snprintf(out, outsz, "%s/%s", dir, base);
		else
			snprintf(out, outsz, "%s/%s.%d", dir, base, i);
		if (link(tmp, out) == 0) {
			rc = 0;
			break;
		}
		if (errno != EEXIST)
			break;
	}
	/* out of the inbox at once, the directory synced after */
	if (rc == 0 && (unlink(path) != 0 || afile_sync_dir(dir, NULL) != 0))
		rc = -1;
done:
	saved = errno;
	if (fd >= 0)
		close(fd);
	if (tmp[0] != '\0' && fd >= 0)
		unlink(tmp);
	close(in);
	errno = saved;
	return rc;
}

int
afile_name_safe(const char *id, size_t max)
{
	return strchr(id, '/') == NULL && id[0] != '.' &&
	    (max == 0 || strlen(id) <= max);
}
