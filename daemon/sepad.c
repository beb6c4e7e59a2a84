/*
 * sepad.c - the scheduler daemon: runs the steps of `sepactl cycle` on its
 * own (at start, then whenever the business date changes or the database
 * comes back), imports what is dropped into the inbox, and tells systemd
 * and the journal what it does. One instance per database (advisory
 * lock). Signals only set flags (signalfd): the loop does the work.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "afile.h"
#include "commands.h"
#include "config.h"
#include "ctl.h"
#include "db.h"
#include "i18n.h"
#include "log.h"
#include "notify.h"
#include "store_creditor.h"
#include "store_event.h"
#include "store_schema.h"
#include "web.h"

#ifndef SEPAD_SRCDIR
#define SEPAD_SRCDIR "."
#endif
#ifndef SEPAD_VERSION
#define SEPAD_VERSION "unknown"
#endif

/* Inbox sub-directories and the import each one feeds. */
static const struct {
	const char *dir;
	const char *kind; /* argument of `import` */
} inbox_kinds[] = {
    {"families", "families"},
    {"mandates", "mandates"},
    {"tariffs", "tariffs"},
    {"consumption", "consumption"},
    {"returns", "returns"},
};
#define NKINDS (sizeof(inbox_kinds) / sizeof(inbox_kinds[0]))

/* Longest wait between two database connection attempts, seconds. */
#define BACKOFF_MAX 60
/* The cycle runs at least this often (it is idempotent), seconds. */
#define CYCLE_INTERVAL 3600

struct sepad {
	struct ctl ctl;
	const char *config_path;
	int foreground;
	int sigfd;
	int infd;
	int wd[NKINDS];
	int db_up; /* connected and holding the instance lock */
	int db_down_logged;
	int backoff; /* seconds before the next attempt */
	time_t next_db_try;
	time_t last_cycle;
	sepa_date cycle_date; /* business date of the last cycle */
	int64_t creditor_id;
	int64_t last_event; /* events up to this id are in the journal */
	int stop;
	struct web *web; /* the console, NULL when off or not started */
};

static void usage(FILE *, int) __attribute__((noreturn));

/* The usage on fp, then exit with status (0 for -h, 2 for a mistake). */
static void
usage(FILE *fp, int status)
{
	fprintf(fp,
	    _("usage: sepad [-d] [-n] [-v] [-c FILE] | -V | -h\n"
	      "  -c FILE        configuration (default: $SEPAD_CONF, else "
	      "/etc/sepad/sepad.conf)\n"
	      "  -d             stay in the foreground and log to the terminal\n"
	      "  -n             check the configuration, print every error, exit\n"
	      "  -v             more messages (debug)\n"
	      "  -V, --version  the version, then exit\n"
	      "  -h, --help     this help\n"));
	exit(status);
}

/* Print every error of a failed load (file:line: message). */
static void
report_config_errors(const char *path, const struct config_errors *errs)
{
	char line[SEPA_ERROR_MSG_MAX + SEPA_ERROR_WHERE_MAX + 64];

	log_warnx(
	    ngettext("configuration %s has %zu error",
	        "configuration %s has %zu errors", errs->count + errs->dropped),
	    path, errs->count + errs->dropped);
	for (size_t i = 0; i < errs->count; i++)
		log_warnx("%s",
		    sepa_error_format(&errs->list[i], line, sizeof(line)));
	if (errs->dropped > 0)
		log_warnx("(%zu more)", errs->dropped);
}

/* ------------------------------------------------------------ database */

static void
db_lost(struct sepad *s, const char *why)
{
	if (s->ctl.db != NULL) {
		db_close(s->ctl.db);
		s->ctl.db = NULL;
	}
	s->db_up = 0;
	if (!s->db_down_logged) {
		notify_journal(NOTIFY_DB_DOWN, LOG_WARNING, NULL,
		    "database unavailable: %s; retrying", why);
		notify_status("waiting for the database");
		s->db_down_logged = 1;
	}
	s->next_db_try = time(NULL) + s->backoff;
	s->backoff =
	    s->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : s->backoff * 2;
}

/*
 * Connect, check the schema, register the creditor and take the instance
 * lock. Returns 0 when up, -1 when the database is not reachable (retry
 * later), -2 when another instance holds the lock or the setup is wrong
 * (exit).
 */
static int
db_up(struct sepad *s)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct db *db;
	int64_t version;
	bool locked;
	int v;

	if (ctl_db_open(&s->ctl, &db, &err) != 0) {
		db_lost(s, err.msg);
		return -1;
	}
	if (store_schema_version(db, &v, &err) != 0) {
		db_lost(s, err.msg);
		return -1;
	}
	version = v;
	if (version == 0) {
		log_warnx("the database has no schema: run `sepactl init`");
		return -2;
	}
	if (config_require_creditor(&s->ctl.cfg, &err) != 0) {
		log_warnx("cannot run the cycle: %s", err.msg);
		return -2;
	}
	if (store_creditor_find(
	        db, s->ctl.cfg.cred_ics, &s->creditor_id, &err) != 0) {
		log_warnx("%s", err.msg);
		return -2;
	}
	/* One instance per database and creditor: a session lock. */
	if (store_creditor_lock_instance(db, s->creditor_id, &locked, &err) !=
	    0) {
		db_lost(s, err.msg);
		return -1;
	}
	if (!locked) {
		log_warnx("another sepad is running on this database "
		          "(creditor %s): exiting",
		    s->ctl.cfg.cred_ics);
		return -2;
	}
	if (s->last_event == 0 &&
	    store_event_last_id(db, s->creditor_id, &s->last_event, &err) !=
	        0) {
		db_lost(s, err.msg);
		return -1;
	}
	if (s->db_down_logged)
		notify_journal(
		    NOTIFY_DB_UP, LOG_INFO, NULL, "database available again");
	s->db_down_logged = 0;
	s->db_up = 1;
	s->backoff = 1;
	return 0;
}

/* After a command failed: is the database still there? */
static void
db_check(struct sepad *s)
{
	sepa_error err = SEPA_ERROR_INIT;

	if (s->ctl.db == NULL || db_ping(s->ctl.db, &err) != 0)
		db_lost(s, err.msg[0] != '\0' ? err.msg : "connection lost");
}

/* The journal kind of an event of the store's log. */
static enum notify_msg
event_msg(const char *kind, int attention, int *priority)
{
	static const struct {
		const char *prefix;
		enum notify_msg msg;
	} map[] = {
	    {"mandate.terminated", NOTIFY_MANDATE_TERMINATED},
	    {"mandate.suspended", NOTIFY_MANDATE_SUSPENDED},
	    {"batch.released", NOTIFY_PAIN008_RELEASED},
	    {"recovery.", NOTIFY_RECOVERY_EXPORTED},
	    {"returns.", NOTIFY_RETURNS_RECONCILED},
	    {"file.refused", NOTIFY_FILE_REFUSED},
	    {"file.", NOTIFY_FILE_IMPORTED},
	    {"step.started", NOTIFY_STEP_STARTED},
	};

	*priority = attention ? LOG_WARNING : LOG_INFO;
	if (attention)
		return NOTIFY_NEEDS_ATTENTION;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strncmp(kind, map[i].prefix, strlen(map[i].prefix)) == 0)
			return map[i].msg;
	return NOTIFY_STEP_FINISHED;
}

/* Send the events recorded since the last call to the journal. */
static void
events_to_journal(struct sepad *s)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct event_row *rows = NULL;
	size_t n = 0;

	if (!s->db_up)
		return;
	if (store_event_list_after(s->ctl.db, s->creditor_id, s->last_event,
	        &rows, &n, &err) != 0) {
		log_warnx("could not read the event log: %s", err.msg);
		db_check(s);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct notify_event ev = {0};
		int prio;
		enum notify_msg msg =
		    event_msg(rows[i].kind, rows[i].needs_attention, &prio);

		ev.month = rows[i].month[0] != '\0' ? rows[i].month : NULL;
		ev.has_count = rows[i].has_count;
		ev.count = rows[i].count;
		ev.has_amount = rows[i].has_amount;
		ev.amount_cents = rows[i].amount_cents;
		ev.step = rows[i].kind;
		notify_journal(msg, prio, &ev, "%s", rows[i].message);
		s->last_event = rows[i].id;
	}
	store_event_rows_free(rows, n);
}

/* ------------------------------------------------------------- commands */

/* Run a sepactl command in-process: the daemon does what operators do. */
static int
run_command(struct sepad *s, int argc, char **argv)
{
	const struct ctl_command *cmd = ctl_command_find(argv[0]);
	int status;

	if (cmd == NULL) {
		log_warnx("internal error: no command %s", argv[0]);
		return CTL_INTERNAL;
	}
	s->ctl.today = ctl_business_date();
	status = cmd->run(&s->ctl, argc, argv);
	if (status == CTL_INTERNAL)
		db_check(s);
	events_to_journal(s);
	return status;
}

static void
run_cycle(struct sepad *s)
{
	char verb[] = "cycle";
	char *argv[] = {verb, NULL};
	char day[SEPA_DATE_BUFSZ];
	int status;

	notify_status("running the cycle for %s",
	    sepa_date_iso(day, ctl_business_date()));
	status = run_command(s, 1, argv);
	if (status == CTL_OK) {
		s->cycle_date = ctl_business_date();
		s->last_cycle = time(NULL);
		notify_status("idle; cycle done for %s", day);
	} else if (s->db_up) {
		/* Refused or failed while the database is fine: retry hourly. */
		s->cycle_date = ctl_business_date();
		s->last_cycle = time(NULL);
		notify_journal(NOTIFY_NEEDS_ATTENTION, LOG_WARNING, NULL,
		    "the cycle for %s did not complete (status %d); see the "
		    "messages above and `sepactl status`",
		    day, status);
	}
}

/* ---------------------------------------------------------------- inbox */

/*
 * The messages of a failed import, captured in `errpath`, to the log one
 * by one: a failure that is not the file's (the database) must say why
 * in the journal, not only its status.
 */
static void
log_captured(const char *errpath)
{
	char line[4096];
	FILE *fp = fopen(errpath, "r");

	if (fp == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		const char *msg = line;

		line[strcspn(line, "\n")] = '\0';
		/* our own lines carry our prefix: log_warnx adds it again */
		if (strncmp(msg, "sepad: ", 7) == 0)
			msg += 7;
		if (msg[0] != '\0')
			log_warnx("%s", msg);
	}
	fclose(fp);
}

/*
 * Import one file of the inbox with `sepactl import KIND FILE`, its
 * messages captured; then archive it, or put it in rejected/ with the
 * messages in NAME.errors.txt. A failure that is not the file's fault
 * (database gone) leaves it in the inbox for the next try.
 */
static void
import_file(struct sepad *s, size_t k, const char *name)
{
	char path[PATH_MAX], dest[PATH_MAX], errpath[PATH_MAX];
	char verb[] = "import", kind[32];
	char *argv[] = {verb, kind, path, NULL};
	struct notify_event ev = {0};
	struct stat st;
	int saved, efd, status;

	if (name[0] == '.')
		return; /* a file still being written under a hidden name */
	snprintf(kind, sizeof(kind), "%s", inbox_kinds[k].kind);
	snprintf(path, sizeof(path), "%s/%s/%s", s->ctl.cfg.dir_inbox,
	    inbox_kinds[k].dir, name);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return;
	if (!s->db_up)
		return;
	snprintf(errpath, sizeof(errpath), "%s/.%s.errors.tmp",
	    s->ctl.cfg.dir_rejected, name);
	efd =
	    open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, AFILE_MODE);
	if (efd < 0 || fchmod(efd, AFILE_MODE) != 0) {
		log_warn("could not open %s", errpath);
		if (efd >= 0)
			close(efd);
		return;
	}
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(efd, STDERR_FILENO);
	status = run_command(s, 3, argv);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(efd);
	ev.file = name;
	ev.step = inbox_kinds[k].kind;
	if (status == CTL_OK) {
		if (afile_move_into(path, s->ctl.cfg.dir_archive, name, dest,
		        sizeof(dest)) != 0)
			log_warn("could not archive %s", path);
		unlink(errpath);
		notify_journal(NOTIFY_FILE_IMPORTED, LOG_INFO, &ev,
		    "%s file %s imported and archived", inbox_kinds[k].kind,
		    name);
		/* An invoice step may have waited for it. */
		if (strcmp(kind, "consumption") == 0)
			run_cycle(s);
	} else if (status == CTL_REFUSED || status == CTL_USAGE) {
		char final[PATH_MAX];

		if (afile_move_into(path, s->ctl.cfg.dir_rejected, name, dest,
		        sizeof(dest)) != 0)
			log_warn("could not move %s to rejected/", path);
		snprintf(final, sizeof(final), "%s.errors.txt", dest);
		if (rename(errpath, final) != 0)
			log_warn("could not write %s", final);
		notify_journal(NOTIFY_FILE_REFUSED, LOG_WARNING, &ev,
		    "%s file %s refused: see %s", inbox_kinds[k].kind, name,
		    final);
	} else {
		log_captured(errpath);
		unlink(errpath);
		log_warnx("%s file %s left in the inbox: it could not be "
		          "imported now (status %d)",
		    inbox_kinds[k].kind, name, status);
	}
}

/* Import every file already waiting (start-up, database back). */
static void
scan_inbox(struct sepad *s)
{
	for (size_t k = 0; k < NKINDS && !s->stop; k++) {
		char dir[PATH_MAX];
		struct dirent **names;
		int n;

		snprintf(dir, sizeof(dir), "%s/%s", s->ctl.cfg.dir_inbox,
		    inbox_kinds[k].dir);
		n = scandir(dir, &names, NULL, alphasort);
		if (n < 0)
			continue;
		for (int i = 0; i < n; i++) {
			if (!s->stop)
				import_file(s, k, names[i]->d_name);
			free(names[i]);
		}
		free(names);
	}
}

/* Create the spool directories and watch the inbox. */
static int
watch_inbox(struct sepad *s)
{
	const char *dirs[] = {s->ctl.cfg.dir_inbox, s->ctl.cfg.dir_outbox,
	    s->ctl.cfg.dir_archive, s->ctl.cfg.dir_rejected};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (mkdir(dirs[i], 0750) != 0 && errno != EEXIST) {
			log_warn("could not create %s", dirs[i]);
			return -1;
		}
	if (s->infd >= 0)
		close(s->infd);
	s->infd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->infd < 0) {
		log_warn("inotify");
		return -1;
	}
	for (size_t k = 0; k < NKINDS; k++) {
		char dir[PATH_MAX];

		snprintf(dir, sizeof(dir), "%s/%s", s->ctl.cfg.dir_inbox,
		    inbox_kinds[k].dir);
		if (mkdir(dir, 0770) != 0 && errno != EEXIST) {
			log_warn("could not create %s", dir);
			return -1;
		}
		/* Only complete files: written and closed, or renamed in. */
		s->wd[k] = inotify_add_watch(
		    s->infd, dir, IN_CLOSE_WRITE | IN_MOVED_TO);
		if (s->wd[k] < 0) {
			log_warn("could not watch %s", dir);
			return -1;
		}
	}
	return 0;
}

static void
read_inotify(struct sepad *s)
{
	char buf[8192]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(s->infd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev =
			    (const struct inotify_event *)(void *)p;

			for (size_t k = 0; k < NKINDS; k++)
				if (ev->wd == s->wd[k] && ev->len > 0)
					import_file(s, k, ev->name);
			p += sizeof(*ev) + ev->len;
		}
	}
}

/* -------------------------------------------------------------- signals */

static void
reload(struct sepad *s)
{
	struct sepad_config cfg;
	struct config_errors errs;
	int db_changed;

	notify_reloading();
	if (config_load(&cfg, s->config_path, SEPAD_SRCDIR, &errs) != 0) {
		report_config_errors(s->config_path, &errs);
		notify_journal(NOTIFY_CONFIG, LOG_WARNING, NULL,
		    "new configuration refused; keeping the running one");
		config_free(&cfg);
		notify_ready();
		return;
	}
	db_changed = strcmp(cfg.db_conninfo, s->ctl.cfg.db_conninfo) != 0 ||
	    strcmp(cfg.db_data_dir, s->ctl.cfg.db_data_dir) != 0 ||
	    strcmp(cfg.cred_ics, s->ctl.cfg.cred_ics) != 0;
	config_free(&s->ctl.cfg);
	s->ctl.cfg = cfg;
	if (db_changed && s->ctl.db != NULL) {
		db_close(s->ctl.db);
		s->ctl.db = NULL;
		s->db_up = 0;
		s->next_db_try = 0;
	}
	if (watch_inbox(s) != 0)
		log_warnx("the inbox is not watched; fix the directories "
		          "and reload");
	notify_journal(NOTIFY_CONFIG, LOG_INFO, NULL,
	    "configuration %s reloaded", s->config_path);
	notify_ready();
}

static void
read_signals(struct sepad *s)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			s->stop = 1;
			break;
		case SIGHUP:
			reload(s);
			break;
		default:
			break;
		}
	}
}

/* ----------------------------------------------------------------- main */

/* Milliseconds until the next thing to do, at most half the watchdog. */
static int
next_timeout(const struct sepad *s, uint64_t watchdog_usec)
{
	int ms = 60 * 1000; /* the date is checked every minute */
	time_t now = time(NULL);

	if (watchdog_usec > 0 && (int64_t)(watchdog_usec / 2000) < ms)
		ms = (int)(watchdog_usec / 2000);
	if (!s->db_up) {
		int wait = (int)(s->next_db_try - now) * 1000;

		if (wait < 0)
			wait = 0;
		if (wait < ms)
			ms = wait;
	}
	return ms;
}

/* The command line into s (exits through usage() on a wrong one). */
static void
parse_options(
    struct sepad *s, int argc, char **argv, int *check_only, int *verbose)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int ch;

	while (
	    (ch = getopt_long(argc, argv, "c:dnvhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			s->config_path = optarg;
			break;
		case 'd':
			s->foreground = 1;
			break;
		case 'n':
			*check_only = 1;
			break;
		case 'v':
			(*verbose)++;
			break;
		case 'V':
			printf("sepad %s\n", SEPAD_VERSION);
			exit(0);
		case 'h':
			usage(stdout, 0);
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);
	if (s->config_path == NULL)
		s->config_path = getenv("SEPAD_CONF");
	if (s->config_path == NULL || s->config_path[0] == '\0')
		s->config_path = "/etc/sepad/sepad.conf";
}

/*
 * Is a creditor set in the configuration loaded? Every key missing is
 * logged; sepad -n says so, and so does every start, which stops there
 * (the unit does not restart it: RestartPreventExitStatus=1). 1 when keys
 * are missing; the configuration is freed when sepad is to exit.
 */
static int
check_config(struct sepad *s, int check_only)
{
	sepa_error errs[CONFIG_CREDITOR_KEYS];
	size_t n;

	for (size_t i = 0; i < CONFIG_CREDITOR_KEYS; i++)
		sepa_error_clear(&errs[i]);
	n = config_creditor_missing(&s->ctl.cfg, errs, CONFIG_CREDITOR_KEYS);
	for (size_t i = 0; i < n; i++)
		log_warnx("%s: %s", s->config_path, errs[i].msg);
	if (n == 0 && check_only)
		printf(_("configuration %s is valid\n"), s->config_path);
	if (n > 0 || check_only)
		config_free(&s->ctl.cfg);
	return n > 0;
}

/*
 * The web console (web.enabled), on threads of its own with database
 * connections of its own. A console that cannot start (its address is
 * taken) is said in the journal; the cycle runs without it.
 */
static void
start_web(struct sepad *s)
{
	sepa_error err = SEPA_ERROR_INIT;
	char conninfo[1024];

	if (!s->ctl.cfg.web_enabled)
		return;
	if (ctl_conninfo(&s->ctl, conninfo, sizeof(conninfo), &err) != 0 ||
	    web_start(&s->web, &s->ctl.cfg, conninfo, &err) != 0) {
		notify_journal(NOTIFY_NEEDS_ATTENTION, LOG_WARNING, NULL,
		    "the web console is not started: %s; the cycle runs "
		    "without it (restart sepad once it is fixed)",
		    err.msg);
		return;
	}
	log_info("web console on %s", web_url(s->web));
}

/* SIGTERM, SIGINT and SIGHUP arrive through s->sigfd; SIGPIPE is ignored. */
static void
setup_signals(struct sepad *s)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	s->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (s->sigfd < 0)
		fatal("signalfd");
}

/*
 * Until a signal stops it: answer the signals and the inbox, reconnect to
 * the database, run the cycle when the date changes or its interval has
 * passed, and keep the watchdog fed. The exit status: 1 when the
 * configuration became unusable on a reconnection.
 */
static int
serve(struct sepad *s, uint64_t watchdog)
{
	while (!s->stop) {
		struct pollfd pfd[2] = {
		    {s->sigfd, POLLIN, 0}, {s->infd, POLLIN, 0}};
		sepa_date today;
		int n;

		n = poll(pfd, 2, next_timeout(s, watchdog));
		if (n < 0 && errno != EINTR)
			fatal("poll");
		if (watchdog > 0)
			notify_watchdog();
		if (n > 0 && (pfd[0].revents & POLLIN))
			read_signals(s);
		if (s->stop)
			break;
		if (!s->db_up && time(NULL) >= s->next_db_try) {
			int rc = db_up(s);

			if (rc == -2)
				return 1;
			if (rc == 0) {
				run_cycle(s);
				scan_inbox(s);
			}
		}
		if (n > 0 && (pfd[1].revents & POLLIN))
			read_inotify(s);
		today = ctl_business_date();
		if (s->db_up &&
		    (sepa_date_cmp(today, s->cycle_date) != 0 ||
		        time(NULL) - s->last_cycle >= CYCLE_INTERVAL))
			run_cycle(s);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct sepad s;
	struct config_errors errs;
	uint64_t watchdog;
	int check_only = 0, verbose = 0, status;

	i18n_init();
	memset(&s, 0, sizeof(s));
	s.infd = -1;
	s.backoff = 1;
	parse_options(&s, argc, argv, &check_only, &verbose);
	/*
	 * What the commands print on stdout (an import's "imported ... as
	 * file #6") reaches the journal as it happens: stdout is a pipe or a
	 * socket under systemd, fully buffered otherwise.
	 */
	setvbuf(stdout, NULL, _IOLBF, 0);
	log_init("sepad", verbose, 1);
	notify_init(s.foreground);
	s.ctl.progname = "sepad";
	s.ctl.config_path = s.config_path;

	if (config_load(&s.ctl.cfg, s.config_path, SEPAD_SRCDIR, &errs) != 0) {
		report_config_errors(s.config_path, &errs);
		config_free(&s.ctl.cfg);
		return 1;
	}
	/* sepad -n, and every start: nothing runs without a creditor. */
	status = check_config(&s, check_only);
	if (status != 0 || check_only)
		return status;

	setup_signals(&s);
	if (watch_inbox(&s) != 0)
		fatalx("cannot watch the inbox %s", s.ctl.cfg.dir_inbox);
	watchdog = notify_watchdog_usec();
	if (db_up(&s) == -2) {
		config_free(&s.ctl.cfg);
		return 1;
	}
	start_web(&s);
	notify_ready();
	notify_journal(NOTIFY_DAEMON_READY, LOG_INFO, NULL,
	    "sepad started (configuration %s)", s.config_path);
	if (s.db_up) {
		run_cycle(&s);
		scan_inbox(&s);
	}
	status = serve(&s, watchdog);

	notify_stopping();
	log_info("stopping");
	web_stop(s.web);
	db_close(s.ctl.db);
	config_free(&s.ctl.cfg);
	close(s.sigfd);
	if (s.infd >= 0)
		close(s.infd);
	return status;
}
