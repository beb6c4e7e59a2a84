/*
 * afile.h - files written atomically, and directories (afile.c).
 */
#ifndef SEPAD_AFILE_H
#define SEPAD_AFILE_H

#include <stdio.h>
#include <sys/types.h>

#include "sepa/error.h"

/*
 * The modes of what sepad and sepactl write: every file may hold personal
 * data (names, addresses, masked accounts, the families' debits), so it
 * is readable by the owner and the group (the treasury's reader, the
 * operators) only, in directories of the same kind, whatever the umask of
 * whoever runs them (sepactl by hand, sepad under its unit).
 */
#define AFILE_MODE 0640
#define AFILE_DIR_MODE 0750

/*
 * A file written atomically: created as PATH.tmp-PID beside its final
 * name, renamed over it by afile_commit after fflush and fsync (the
 * directory is fsynced after the rename). afile_abort removes the
 * temporary file. `fp` is for writing; `mode` is the new file's mode,
 * set with fchmod (the umask does not change it).
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
/*
 * mkdir -p with mode AFILE_DIR_MODE (less when the umask takes more away);
 * existing directories are left as they are.
 */
int afile_mkdirs(const char *dir, sepa_error *err);

/*
 * Move the file `path` into the directory `dir` as `base` (base.1,
 * base.2... when the name is taken; the path used goes to `out`): copied
 * into a new file of AFILE_MODE, synced, linked under its name, `path`
 * removed, the directory synced. -1 with errno on failure, `path` left.
 * The inbox's files (sepad) and the console's uploads go to archive/ or
 * rejected/ this way.
 */
int afile_move_into(const char *path, const char *dir, const char *base,
    char *out, size_t outsz);

/*
 * An anonymous scratch file in `dir` (named NAME-XXXXXX there while it
 * is created, then unlinked at once: nothing of it outlives the process,
 * even killed), open for writing and reading ("w+"). NULL with errno
 * set. On the disk of `dir`, so that a large one takes no memory where
 * /tmp is a tmpfs.
 */
FILE *afile_scratch(const char *dir, const char *name);

/*
 * 1 when `id`, one of sepad's own ids (an invoice number
 * "F2026-09-000123", an end-to-end id), may be the stem of a file name:
 * no '/', not starting with '.', and at most `max` bytes (0: any
 * length). The callers refuse it otherwise, naming the id.
 */
int afile_name_safe(const char *id, size_t max);

/* Remove a directory of plain files (a set of notices), ignoring errors. */
void afile_rmdir(const char *dir);

#endif /* SEPAD_AFILE_H */
