/*
 * afile.h - files written atomically, and directories (afile.c).
 */
#ifndef SEPAD_AFILE_H
#define SEPAD_AFILE_H

#include <stdio.h>
#include <sys/types.h>

#include "sepa/error.h"

/*
 * A file written atomically: created as PATH.tmp-PID beside its final
 * name, renamed over it by afile_commit after fflush and fsync (the
 * directory is fsynced after the rename). afile_abort removes the
 * temporary file. `fp` is for writing; `mode` is the new file's mode
 * (before the umask).
 */
struct afile {
	FILE *fp;
	char *path;
	char *tmp;
};
int afile_open(
    struct afile *af, const char *path, mode_t mode, sepa_error *err);
int afile_commit(struct afile *af, sepa_error *err);
void afile_abort(struct afile *af);
/* fsync a directory. */
int afile_sync_dir(const char *dir, sepa_error *err);
/* mkdir -p with mode 0755 (existing directories are fine). */
int afile_mkdirs(const char *dir, sepa_error *err);

/* Remove a directory of plain files (a set of notices), ignoring errors. */
void afile_rmdir(const char *dir);

#endif /* SEPAD_AFILE_H */
