/*
 * test_sepad.c - the daemon end to end, as systemd runs it: a test
 * NOTIFY_SOCKET, a PostgreSQL cluster of its own (so that stopping it
 * disturbs no other test), files dropped into the inbox, SIGHUP with a
 * broken configuration, the database stopped and started under it, SIGTERM;
 * what the daemon writes and logs about the inbox (as it happens, modes,
 * no IBAN, the reason of a database failure).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sepa/error.h"
#include "db_internal.h"
#include "ctlrun.h"
#include "noiban.h"

#define SEPAD SEPAD_SRCDIR "/build/sepad"
#define SEPACTL SEPAD_SRCDIR "/build/sepactl"
#define PGCLUSTER SEPAD_SRCDIR "/tools/pgcluster.sh"

struct daemon_run {
	const char *today; /* SEPAD_TODAY; NULL: 2026-10-02 */
	char dir[128]; /* spool, configuration, logs */
	char pgroot[160];
	char conf[192];
	char conninfo[512];
	int notify_fd;
	pid_t pid;
};

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	cr_assert_not_null(fp, "%s", path);
	fputs(text, fp);
	fclose(fp);
}

/* Drop a file the way a careful sender does: write aside, rename in. */
static void
drop(const struct daemon_run *d, const char *kind, const char *name,
    const char *text)
{
	char tmp[512], final[512];

	snprintf(tmp, sizeof(tmp), "%s/inbox/%s/.%s.part", d->dir, kind, name);
	snprintf(final, sizeof(final), "%s/inbox/%s/%s", d->dir, kind, name);
	write_file(tmp, text);
	cr_assert_eq(rename(tmp, final), 0);
}

/* Whether DIR/SUB/NAME exists. */
static int
exists(const char *dir, const char *sub, const char *name)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	return stat(path, &st) == 0;
}

/* Wait up to `seconds` for DIR/SUB/NAME to exist. */
static int
wait_for(const char *dir, const char *sub, const char *name, int seconds)
{
	for (int i = 0; i < seconds * 10; i++) {
		if (exists(dir, sub, name))
			return 1;
		usleep(100000);
	}
	return 0;
}

/* Read notifications until one starts with `want` (or the time is up). */
static int
wait_notify(struct daemon_run *d, const char *want, int seconds)
{
	char buf[512];
	time_t end = time(NULL) + seconds;

	while (time(NULL) < end) {
		struct pollfd p = {d->notify_fd, POLLIN, 0};
		ssize_t n;

		if (poll(&p, 1, 500) <= 0)
			continue;
		n = recv(d->notify_fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		if (strncmp(buf, want, strlen(want)) == 0)
			return 1;
	}
	return 0;
}

/*
 * A copy of the current test's run, so that .fini can clean up after a
 * failed assertion (the test's own variables are gone by then).
 */
static struct daemon_run current;
static int current_set;

static void
write_conf(const struct daemon_run *d, const char *extra)
{
	char text[2048];

	snprintf(text, sizeof(text),
	    "database: { conninfo = \"%s\"; };\n"
	    "creditor: {\n"
	    "  name = \"Commune de Harnes\"; ics = \"FR72ZZZ123456\";\n"
	    "  iban = \"FR7630006000011234567890189\"; bic = \"AGRIFRPP\";\n"
	    "  address: { street = \"Place de la Mairie\"; postcode = "
	    "\"62440\"; town = \"Harnes\"; country = \"FR\"; };\n"
	    "};\n"
	    "directories: { inbox = \"%s/inbox\"; outbox = \"%s/outbox\";\n"
	    "  archive = \"%s/archive\"; rejected = \"%s/rejected\"; };\n"
	    "%s",
	    d->conninfo, d->dir, d->dir, d->dir, d->dir, extra);
	write_file(d->conf, text);
}

static void
start(struct daemon_run *d)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char sock[256], log[256];
	FILE *fp;
	size_t n;

	snprintf(d->dir, sizeof(d->dir), "%s/build/sepad-it-%ld", SEPAD_SRCDIR,
	    (long)getpid());
	sh("rm -rf %s && mkdir -p %s", d->dir, d->dir);
	snprintf(d->pgroot, sizeof(d->pgroot), "%s/pg", d->dir);
	sh("SEPAD_PG_FAST=1 sh %s start %s 2>/dev/null", PGCLUSTER, d->pgroot);
	snprintf(sock, sizeof(sock), "%s/conninfo", d->pgroot);
	fp = fopen(sock, "r");
	cr_assert_not_null(fp);
	n = fread(d->conninfo, 1, sizeof(d->conninfo) - 1, fp);
	fclose(fp);
	d->conninfo[n] = '\0';
	d->conninfo[strcspn(d->conninfo, "\n")] = '\0';
	/* conninfo quotes with ': fine inside a libconfig "..." string */
	snprintf(d->conf, sizeof(d->conf), "%s/sepad.conf", d->dir);
	write_conf(d, "");
	sh("%s -c %s init >/dev/null", SEPACTL, d->conf);

	snprintf(
	    sock, sizeof(sock), "/tmp/sepad-it-notify-%ld", (long)getpid());
	unlink(sock);
	d->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	cr_assert_eq(bind(d->notify_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);

	snprintf(log, sizeof(log), "%s/sepad.log", d->dir);
	d->pid = fork();
	cr_assert_geq(d->pid, 0);
	if (d->pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		setenv("NOTIFY_SOCKET", sock, 1);
		setenv("SEPAD_TODAY",
		    d->today != NULL ? d->today : "2026-10-02", 1);
		execl(SEPAD, "sepad", "-d", "-c", d->conf, (char *)NULL);
		_exit(127);
	}
	current = *d;
	current_set = 1;
	cr_assert(wait_notify(d, "READY=1", 60), "no READY=1 (see %s)", log);
}

/* Drop a copy of a fixture file. */
static void
drop_copy(const struct daemon_run *d, const char *kind, const char *name,
    const char *src)
{
	char path[512], *text;
	FILE *fp;
	long n;

	snprintf(path, sizeof(path), "%s/%s", SEPAD_SRCDIR, src);
	fp = fopen(path, "rb");
	cr_assert_not_null(fp, "%s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	text = calloc(1, (size_t)n + 1);
	cr_assert_eq(fread(text, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	drop(d, kind, name, text);
	free(text);
}

/* Drop a copy of a fixture into inbox/KIND and wait for it in SUB. */
static void
drop_and_wait(const struct daemon_run *d, const char *kind, const char *name,
    const char *src, const char *sub)
{
	drop_copy(d, kind, name, src);
	cr_assert(wait_for(d->dir, sub, name, 30),
	    "%s not in %s/ (see %s/sepad.log)", name, sub, d->dir);
}

static int
alive(const struct daemon_run *d)
{
	return waitpid(d->pid, NULL, WNOHANG) == 0;
}

static void
stop(struct daemon_run *d)
{
	int st = 0;

	if (d->pid > 0) {
		kill(d->pid, SIGTERM);
		waitpid(d->pid, &st, 0);
	}
	sh("sh %s destroy %s 2>/dev/null", PGCLUSTER, d->pgroot);
	close(d->notify_fd);
	sh("rm -rf %s", d->dir);
	current_set = 0;
}

/* After a failed assertion: stop the daemon and the cluster anyway. */
static void
cleanup(void)
{
	char cmd[1024];

	if (!current_set)
		return;
	if (current.pid > 0 && waitpid(current.pid, NULL, WNOHANG) == 0) {
		kill(current.pid, SIGKILL);
		waitpid(current.pid, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "sh %s destroy %s 2>/dev/null; rm -rf %s",
	    PGCLUSTER, current.pgroot, current.dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not clean up %s\n", current.dir);
	current_set = 0;
}

static const char bad_consumption_csv[] =
    "family_ref;child_ref;child_name;service;date;quantity\n"
    "F001;C1;Zoé;CANTINE;2026-09-31;1\n";

Test(sepad, runs_under_systemd_protocol, .timeout = 240, .fini = cleanup)
{
	struct daemon_run d;
	int st;

	memset(&d, 0, sizeof(d));
	start(&d);
	cr_assert(alive(&d));

	/* good files are imported and archived: CSV and a bank file */
	drop_and_wait(&d, "families", "families.csv",
	    "tests/data/import/families_ok.csv", "archive");
	for (int i = 0;
	     i < 50 && exists(d.dir, "inbox/families", "families.csv"); i++)
		usleep(100000); /* moved: copied, then removed from the inbox */
	cr_assert_not(exists(d.dir, "inbox/families", "families.csv"));
	drop_and_wait(&d, "tariffs", "tariffs.csv",
	    "tests/data/import/tariffs_ok.csv", "archive");
	drop_and_wait(&d, "consumption", "consumption.csv",
	    "tests/data/import/consumption_ok.csv", "archive");
	drop_and_wait(&d, "returns", "reject.xml",
	    "tests/data/bank/pain002/ie_boi_pain.002.001.03_sdd_unpaid_4rjct.xml",
	    "archive");

	/* a bad file lands in rejected/ with its errors */
	drop(&d, "consumption", "bad.csv", bad_consumption_csv);
	cr_assert(wait_for(d.dir, "rejected", "bad.csv.errors.txt", 30),
	    "bad.csv not rejected (see %s/sepad.log)", d.dir);
	cr_assert(exists(d.dir, "rejected", "bad.csv"));

	/* SIGHUP with a broken configuration: reported, old one kept */
	write_file(d.conf, "collection: { due_day = 99; };\n");
	kill(d.pid, SIGHUP);
	cr_assert(wait_notify(&d, "RELOADING=1", 10));
	cr_assert(wait_notify(&d, "READY=1", 10));
	cr_assert(alive(&d));
	write_conf(&d, "");
	kill(d.pid, SIGHUP);
	cr_assert(wait_notify(&d, "READY=1", 10));

	/* the database goes away and comes back: survived, work resumes */
	sh("sh %s stop %s 2>/dev/null", PGCLUSTER, d.pgroot);
	sleep(2);
	drop(&d, "families", "families2.csv",
	    "family_ref;payer_name;street;postcode;city;country;email;bracket\n"
	    "F003;Gaëlle L'Hôte;1 rue Pasteur;62440;Harnes;FR;;T1\n");
	sleep(2);
	cr_assert(alive(&d));
	cr_assert(exists(d.dir, "inbox/families", "families2.csv"));
	sh("sh %s start %s 2>/dev/null", PGCLUSTER, d.pgroot);
	cr_assert(wait_for(d.dir, "archive", "families2.csv", 60),
	    "families2.csv not archived after the database came back (see "
	    "%s/sepad.log)",
	    d.dir);

	/* SIGTERM: STOPPING=1, exit 0 */
	kill(d.pid, SIGTERM);
	cr_assert(wait_notify(&d, "STOPPING=1", 10));
	cr_assert_eq(waitpid(d.pid, &st, 0), d.pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
	d.pid = 0;
	stop(&d);
}

/* Wait up to `seconds` for the shell command to succeed. */
static int
wait_cmd(const char *cmd, int seconds)
{
	for (int i = 0; i < seconds * 10; i++) {
		if (system(cmd) == 0)
			return 1;
		usleep(100000);
	}
	return 0;
}

/*
 * Started on 5 December without November's consumption: the invoice step
 * waits (the log, the journal and sepactl status say so) and bills
 * November as soon as the consumption file arrives in the inbox.
 */
Test(sepad, waits_for_the_consumption_then_bills, .timeout = 240,
    .fini = cleanup)
{
	struct daemon_run d;
	char cmd[1024];

	memset(&d, 0, sizeof(d));
	d.today = "2026-12-05";
	start(&d);
	snprintf(cmd, sizeof(cmd),
	    "SEPAD_TODAY=2026-12-05 %s -c %s status | grep -q 'consumption "
	    "of 2026-11 not received'",
	    SEPACTL, d.conf);
	cr_assert(wait_cmd(cmd, 30), "status does not say it");
	drop_copy(&d, "families", "families.csv",
	    "tests/data/import/families_ok.csv");
	cr_assert(wait_for(d.dir, "archive", "families.csv", 30));
	drop_copy(
	    &d, "tariffs", "tariffs.csv", "tests/data/import/tariffs_ok.csv");
	cr_assert(wait_for(d.dir, "archive", "tariffs.csv", 30));
	cr_assert_not(exists(d.dir, "outbox/notices", "notices-2026-11.csv"));
	drop(&d, "consumption", "conso-2026-11.csv",
	    "family_ref;child_ref;child_name;service;date;quantity\n"
	    "F001;C1;Léo;canteen;2026-11-03;1\n"
	    "F002;C1;Max;canteen;2026-11-03;1\n");
	cr_assert(wait_for(d.dir, "outbox/notices", "notices-2026-11.csv", 30),
	    "November not billed after its consumption (see %s/sepad.log)",
	    d.dir);
	snprintf(cmd, sizeof(cmd),
	    "SEPAD_TODAY=2026-12-05 %s -c %s status | grep -q 'ran: invoice "
	    "of 2026-12 (bills 2026-11) on 2026-12-05'",
	    SEPACTL, d.conf);
	cr_assert(wait_cmd(cmd, 30), "the invoice step did not run");
	stop(&d);
}

Test(sepad, second_instance_exits, .timeout = 120, .fini = cleanup)
{
	struct daemon_run d;
	char cmd[1024];
	int st;

	memset(&d, 0, sizeof(d));
	start(&d);
	snprintf(cmd, sizeof(cmd), "%s -d -c %s >%s/second.log 2>&1", SEPAD,
	    d.conf, d.dir);
	st = system(cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %d", st);
	sh("grep -q 'another sepad is running' %s/second.log", d.dir);
	cr_assert(alive(&d));
	stop(&d);
}

Test(sepad, check_mode_lists_every_error)
{
	char cmd[512], path[] = "/tmp/sepad-n-XXXXXX";
	int fd = mkstemp(path), st;

	cr_assert_geq(fd, 0);
	dprintf(fd, "collection: { due_day = 40; };\nbogus = 1;\n");
	close(fd);
	snprintf(cmd, sizeof(cmd),
	    "%s -n -c %s 2>&1 | grep -c '%s:[12]: ' | grep -qx 2", SEPAD, path,
	    path);
	st = system(cmd);
	cr_assert_eq(st, 0, "sepad -n did not list both errors with lines");
	snprintf(cmd, sizeof(cmd), "%s -n -c %s >/dev/null 2>&1", SEPAD, path);
	st = system(cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	unlink(path);
}

/*
 * A configuration without a creditor (the one the Debian package installs):
 * sepad -n names each missing key, and sepad itself will not start (status
 * 1, which the unit does not restart), before it even looks for the
 * database.
 */
Test(sepad, no_creditor_names_every_key, .timeout = 60)
{
	static const char *const keys[] = {"creditor.name", "creditor.ics",
	    "creditor.iban", "creditor.address.town"};
	char cmd[1024], path[] = "/tmp/sepad-n-XXXXXX",
	                out[] = "/tmp/sepad-n-out-XXXXXX";
	int fd = mkstemp(path), ofd = mkstemp(out), st;

	cr_assert(fd >= 0 && ofd >= 0);
	close(ofd);
	dprintf(fd,
	    "database: { conninfo = \"host=/nonexistent\"; };\n"
	    "creditor: { name = \"\"; };\n");
	close(fd);
	for (int check = 1; check >= 0; check--) {
		snprintf(cmd, sizeof(cmd), "%s %s -c %s >%s 2>&1", SEPAD,
		    check ? "-n" : "-d", path, out);
		st = system(cmd);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1,
		    "sepad %s: status %d", check ? "-n" : "-d", st);
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			snprintf(cmd, sizeof(cmd),
			    "grep -q '%s: key \"%s\" must be set' %s", path,
			    keys[i], out);
			cr_assert_eq(system(cmd), 0, "%s not named", keys[i]);
		}
		snprintf(cmd, sizeof(cmd), "grep -qi database %s", out);
		cr_assert_neq(system(cmd), 0, "sepad looked for the database");
	}
	unlink(path);
	unlink(out);
}

/* --version and --help print on stdout and exit 0; a bad option exits 2. */
Test(sepad, version_and_help)
{
	char cmd[512];
	int st;

	snprintf(cmd, sizeof(cmd), "%s --version | grep -qx 'sepad %s'", SEPAD,
	    SEPAD_VERSION);
	cr_assert_eq(system(cmd), 0, "sepad --version");
	snprintf(cmd, sizeof(cmd), "%s -V | grep -qx 'sepad %s'", SEPAD,
	    SEPAD_VERSION);
	cr_assert_eq(system(cmd), 0, "sepad -V");
	snprintf(cmd, sizeof(cmd),
	    "%s --help 2>/dev/null | grep -q '^usage: sepad'", SEPAD);
	cr_assert_eq(system(cmd), 0, "sepad --help on stdout");
	snprintf(cmd, sizeof(cmd), "%s -x >/dev/null 2>&1", SEPAD);
	st = system(cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2, "status %d", st);
}

/* The daemon's log so far (stdout and stderr), read whole; caller frees. */
static char *
read_log(const struct daemon_run *d)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/sepad.log", d->dir);
	return ctlrun_read(path);
}

/* Wait up to `seconds` for the log to hold `want`. */
static int
wait_log(const struct daemon_run *d, const char *want, int seconds)
{
	for (int i = 0; i < seconds * 10; i++) {
		char *log = read_log(d);
		int found = strstr(log, want) != NULL;

		free(log);
		if (found)
			return 1;
		usleep(100000);
	}
	return 0;
}

static int
mode_of(const char *dir, const char *sub, const char *name)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	cr_assert_eq(stat(path, &st), 0, "%s", path);
	return (int)(st.st_mode & 07777);
}

/*
 * The inbox as an operator and an attacker see it: the summary of an
 * import reaches the log while the daemon runs (not at its exit); archived
 * and rejected files and the errors are 0640 even under umask 000 and
 * for a file dropped 0666; a RUM registered with another account does not
 * give that account away, in the errors file or in the log; a database
 * failure during an import is logged with its reason, the file kept.
 */
Test(sepad, inbox_output_modes_ibans_and_database_failure, .timeout = 240,
    .fini = cleanup)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct daemon_run d;
	struct db *db;
	char path[512], *text;

	umask(0);
	memset(&d, 0, sizeof(d));
	start(&d);

	drop_and_wait(&d, "families", "families.csv",
	    "tests/data/import/families_ok.csv", "archive");
	cr_assert(wait_log(&d, "/families.csv as file #1: 3 rows", 10),
	    "the import's summary is not in the log while sepad runs");
	cr_assert_eq(mode_of(d.dir, "archive", "families.csv"), 0640);

	drop_and_wait(&d, "mandates", "mandates.csv",
	    "tests/data/import/mandates_ok.csv", "archive");
	drop_copy(&d, "mandates", "other.csv",
	    "tests/data/import/bad_rum_other_iban.csv");
	cr_assert(wait_for(d.dir, "rejected", "other.csv.errors.txt", 30),
	    "other.csv not rejected (see %s/sepad.log)", d.dir);
	cr_assert_eq(mode_of(d.dir, "rejected", "other.csv"), 0640);
	cr_assert_eq(mode_of(d.dir, "rejected", "other.csv.errors.txt"), 0640);
	snprintf(path, sizeof(path), "%s/rejected/other.csv.errors.txt", d.dir);
	text = ctlrun_read(path);
	no_iban("the errors file", text);
	cr_assert(strstr(text,
	              "mandate RUM-F001-1 is registered with another "
	              "account (FR76****2675)") != NULL,
	    "%s", text);
	free(text);

	/* the database refuses the import: the reason is in the log */
	if (db_connect(&db, d.conninfo, &err) != 0)
		cr_assert_fail("%s", err.msg);
	if (db_exec(db, "break the imports",
	        "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql"
	        " AS $$BEGIN RAISE EXCEPTION 'the disk is full (a test)';"
	        " END$$",
	        0, NULL, &err) != 0 ||
	    db_exec(db, "break the imports",
	        "CREATE TRIGGER test_refuse BEFORE INSERT ON imported_files"
	        " FOR EACH ROW EXECUTE FUNCTION test_refuse()",
	        0, NULL, &err) != 0)
		cr_assert_fail("%s", err.msg);
	drop(&d, "families", "families2.csv",
	    "family_ref;payer_name;street;postcode;city;country;email;bracket\n"
	    "F003;Gaëlle L'Hôte;1 rue Pasteur;62440;Harnes;FR;;T1\n");
	cr_assert(
	    wait_log(&d, "families file families2.csv left in the inbox", 30),
	    "families2.csv: no message (see %s/sepad.log)", d.dir);
	text = read_log(&d);
	cr_assert(strstr(text, "the disk is full (a test)") != NULL,
	    "the database's reason is not logged:\n%s", text);
	cr_assert(exists(d.dir, "inbox/families", "families2.csv"));
	no_iban("the log", text);
	free(text);
	db_close(db);
	stop(&d);
}
