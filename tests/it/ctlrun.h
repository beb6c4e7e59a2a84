/*
 * ctlrun.h - run the sepactl binary from an end-to-end test and capture its
 * exit status, stdout and stderr; write a temporary configuration.
 */
#ifndef SEPAD_CTLRUN_H
#define SEPAD_CTLRUN_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CTLRUN_SEPACTL SEPAD_SRCDIR "/build/sepactl"

struct ctlrun {
	int status;
	char out[16384];
	char err[16384];
};

static inline void
ctlrun_slurp(const char *path, char *buf, size_t size)
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

/* The whole file at path, NUL-terminated (caller frees); fails the test
 * when it cannot be read. */
static inline char *
ctlrun_read(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert_not_null(fp, "%s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, fp), (size_t)n, "%s", path);
	fclose(fp);
	return buf;
}

/* The number of lines of s (its LFs). */
static inline int
ctlrun_lines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/*
 * Run `sepactl ARGS` (ARGS is shell text of our own) in directory `dir`
 * (NULL: the current one), in the locale `lang` (LANG; the other locale
 * variables unset): "C.UTF-8" for English, "fr_FR.UTF-8" for French.
 */
static inline void
ctlrun_in_lang(
    struct ctlrun *r, const char *dir, const char *lang, const char *args)
{
	char cmd[4096], out[64], err[64];
	int st;

	snprintf(out, sizeof(out), "/tmp/ctlrun-out-%ld", (long)getpid());
	snprintf(err, sizeof(err), "/tmp/ctlrun-err-%ld", (long)getpid());
	snprintf(cmd, sizeof(cmd),
	    "cd %s && env -u SEPAD_CONF -u SEPAD_TODAY -u LC_ALL -u "
	    "LC_MESSAGES -u LANGUAGE LANG=%s %s %s >%s 2>%s",
	    dir != NULL ? dir : ".", lang, CTLRUN_SEPACTL, args, out, err);
	st = system(cmd);
	cr_assert(WIFEXITED(st), "%s", cmd);
	r->status = WEXITSTATUS(st);
	ctlrun_slurp(out, r->out, sizeof(r->out));
	ctlrun_slurp(err, r->err, sizeof(r->err));
}

/* Run `sepactl ARGS` in directory `dir`, in English (the tests compare
 * its English text whatever the caller's locale). */
static inline void
ctlrun_in(struct ctlrun *r, const char *dir, const char *args)
{
	ctlrun_in_lang(r, dir, "C.UTF-8", args);
}

/* Run `sepactl ARGS` in the current directory. */
static inline void
ctlrun(struct ctlrun *r, const char *args)
{
	ctlrun_in(r, NULL, args);
}

/* A temporary configuration file holding text; its path goes to path. */
static inline void
ctlrun_conf(char *path, size_t size, const char *text)
{
	FILE *fp;
	int fd;

	snprintf(path, size, "/tmp/ctlrun-conf-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
}

/* A configuration for the database `conninfo` and the test creditor
 * (Commune de Test, FR72ZZZ123456). */
static inline void
ctlrun_conf_creditor(char *path, size_t size, const char *conninfo)
{
	char text[2048];

	snprintf(text, sizeof(text),
	    "database: { conninfo = \"%s\"; };\n"
	    "creditor: { name = \"Commune de Test\"; ics = \"FR72ZZZ123456\";"
	    " iban = \"FR7630006000011234567890189\"; };\n",
	    conninfo);
	ctlrun_conf(path, size, text);
}

/*
 * Write at `path` a configuration for the database `conninfo`, the demo
 * creditor (Commune de Saint-Exemple, FR72ZZZ123456, with its BIC and
 * structured address, as a collection file needs) and the directories
 * group's settings `dirs`, then `extra` (more groups, or "").
 */
static inline void
ctlrun_commune_conf_dirs(
    const char *path, const char *conninfo, const char *dirs, const char *extra)
{
	FILE *fp = fopen(path, "w");

	cr_assert_not_null(fp, "%s", path);
	fprintf(fp,
	    "database: { conninfo = \"%s\"; };\n"
	    "creditor: { name = \"Commune de Saint-Exemple\";"
	    " ics = \"FR72ZZZ123456\";"
	    " iban = \"FR7630006000011234567890189\"; bic = \"BDFEFRPPCCT\";"
	    " address: { street = \"Place de la Mairie\"; building = \"1\";"
	    " postcode = \"99999\"; town = \"Saint-Exemple\";"
	    " country = \"FR\"; }; };\n"
	    "directories: { %s };\n%s",
	    conninfo, dirs, extra);
	fclose(fp);
}

/* The same with only the outbox set. */
static inline void
ctlrun_commune_conf(const char *path, const char *conninfo, const char *outbox,
    const char *extra)
{
	char dirs[1024];

	snprintf(dirs, sizeof(dirs), "outbox = \"%s\";", outbox);
	ctlrun_commune_conf_dirs(path, conninfo, dirs, extra);
}

/*
 * SQL creating t_iban(bank, account): a valid French IBAN (RIB key and
 * check digits computed) of bank code `bank`, branch 00001, account
 * number `account`, for tests that seed accounts by SQL.
 */
#define CTLRUN_T_IBAN_SQL \
	"CREATE FUNCTION t_iban(bank text, acct bigint) RETURNS text" \
	" LANGUAGE sql AS $$ SELECT 'FR' || lpad((98 - ((bban ||" \
	" '152700')::numeric % 97))::text, 2, '0') || bban FROM (SELECT" \
	" b || br || a || lpad((97 - ((89 * b::numeric + 15 * br::numeric" \
	" + 3 * a::numeric) % 97))::text, 2, '0') AS bban FROM (SELECT" \
	" bank AS b, '00001'::text AS br, lpad(acct::text, 11, '0') AS a)" \
	" s) t $$"

#endif /* SEPAD_CTLRUN_H */
