/*
 * outfile.h - a file that appears under its final name only once it is
 * complete (private to lib/): written under a temporary name in the
 * target directory, synced, then renamed into place with an optional
 * NAME.sha256 sidecar, and the directory synced. On any failure nothing
 * is left under the final names and the temporary files are removed.
 * Used by the pain.008 and PES writers.
 *
 *	outfile_open(&f, path, 0640, err);     write(f.fd, ...)
 *	outfile_sync(&f, err);                 (the data is on disk)
 *	outfile_publish(&f, hex, err);         (renamed into place)
 *	outfile_discard(&f);                   (always; frees)
 */
#ifndef SEPA_OUTFILE_H
#define SEPA_OUTFILE_H

#include <sys/types.h>

#include "sepa/error.h"

struct outfile {
	char *path; /* the final name */
	char *tmp_path; /* NULL once renamed */
	char *dir;
	const char *base; /* the file name, inside path */
	int fd; /* the temporary file; -1 once closed */
	mode_t mode; /* of the final file and its sidecar */
	int keep; /* leave the files as they are on failure */
};

/*
 * Create DIR/.BASE.XXXXXX (mode 0600 until outfile_sync) for `path`.
 * On failure f holds nothing to remove, but outfile_discard is still
 * safe (and needed to free what was allocated).
 */
int outfile_open(
    struct outfile *f, const char *path, mode_t mode, sepa_error *err);

/* Give the data file its mode, fsync and close it. */
int outfile_sync(struct outfile *f, sepa_error *err);

/*
 * Put the file in place: when hex is not NULL, write DIR/.BASE.sha256.*
 * with "<hex>  BASE\n" and sync it; when before is not NULL, call it, the
 * last moment at which nobody can have seen the file (for the caller to
 * record that it is placing it): a non-zero return stops here with that
 * code, and from that call on nothing is removed on any failure (a
 * temporary file still there proves the rename did not happen, one under
 * the final name may have been taken); rename the file (an existing one
 * of that name is replaced), then the sidecar to NAME.sha256, and fsync
 * the directory. Without before, on failure whatever was renamed is
 * removed again.
 */
int outfile_publish(struct outfile *f, const char *hex,
    int (*before)(void *arg, sepa_error *err), void *arg, sepa_error *err);

/* Close and remove the temporary file, if any, and free f's strings. */
void outfile_discard(struct outfile *f);

/* Put the file name in err->where when rc is not 0; returns rc. */
int outfile_where(sepa_error *err, const char *path, int rc);

#endif /* SEPA_OUTFILE_H */
