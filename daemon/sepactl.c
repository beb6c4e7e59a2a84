/*
 * sepactl.c - the operator's command line: global options, the command
 * table, help, and the exit status contract (0 done, 1 refused input,
 * 2 usage, 3 internal or database error). Each command lives in its own
 * daemon/cmd_*.c: adding one is one entry below and one function.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "commands.h"
#include "config.h"
#include "ctl.h"
#include "db.h"
#include "i18n.h"
#include "log.h"

#ifndef SEPAD_SRCDIR
#define SEPAD_SRCDIR "."
#endif
#ifndef SEPAD_VERSION
#define SEPAD_VERSION "unknown"
#endif

static void
usage(FILE *fp)
{
	size_t ncommands;
	const struct ctl_command *commands = ctl_commands(&ncommands);

	fprintf(fp,
	    _("usage: sepactl [-v] [-c FILE] [--today DATE] COMMAND ...\n"
	      "\n"
	      "  -c, --config FILE   configuration (default: $SEPAD_CONF, else\n"
	      "                      %s/conf/sepad.conf when it exists,\n"
	      "                      else the built-in defaults)\n"
	      "  --today DATE        business date, YYYY-MM-DD or DD/MM/YYYY\n"
	      "                      (also SEPAD_TODAY)\n"
	      "  -v, --verbose       more messages\n"
	      "  -h, --help          this help; COMMAND --help for a command\n"
	      "  -V, --version       the version, then exit\n"
	      "\ncommands:\n"),
	    SEPAD_SRCDIR);
	for (size_t i = 0; i < ncommands; i++) {
		char head[128];

		snprintf(head, sizeof(head), "%s %s", commands[i].name,
		    commands[i].args);
		if (strlen(head) <= 22)
			fprintf(
			    fp, "  %-22s %s\n", head, _(commands[i].summary));
		else
			fprintf(fp, "  %s\n  %-22s %s\n", head, "",
			    _(commands[i].summary));
	}
	fprintf(fp,
	    _("\nexit status: 0 done, 1 input refused, 2 usage error, "
	      "3 internal or database error\n"));
}

static const char *
default_config(void)
{
	const char *env = getenv("SEPAD_CONF");
	static const char path[] = SEPAD_SRCDIR "/conf/sepad.conf";

	if (env != NULL && env[0] != '\0')
		return env;
	if (access(path, F_OK) == 0)
		return path;
	/* An installed sepactl reads the daemon's configuration. */
	return access("/etc/sepad/sepad.conf", R_OK) == 0
	    ? "/etc/sepad/sepad.conf"
	    : NULL;
}

/* COMMAND --help or -h before a "--": print the command's help. */
static int
command_help(const struct ctl_command *cmd, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			printf(_("usage: sepactl [options] %s %s\n\n%s"),
			    cmd->name, cmd->args, _(cmd->help));
			return 1;
		}
	}
	return 0;
}

/* The business date: `today` (--today or SEPAD_TODAY), else the clock's. */
static int
set_today(struct ctl *ctl, const char *today)
{
	sepa_error err = SEPA_ERROR_INIT;
	time_t now;
	struct tm tm;

	if (today != NULL && today[0] != '\0') {
		if (sepa_date_parse(&ctl->today, today, &err) != 0) {
			log_warnx(
			    "could not set the business date: %s", err.msg);
			return CTL_USAGE;
		}
		return CTL_OK;
	}
	now = time(NULL);
	localtime_r(&now, &tm);
	ctl->today.year = tm.tm_year + 1900;
	ctl->today.month = tm.tm_mon + 1;
	ctl->today.day = tm.tm_mday;
	return CTL_OK;
}

/* Load the configuration, listing its errors: CTL_OK or the exit status. */
static int
load_config(struct ctl *ctl)
{
	char line[SEPA_ERROR_MSG_MAX + SEPA_ERROR_WHERE_MAX + 64];
	struct config_errors errs;

	if (ctl->config_path == NULL)
		ctl->config_path = default_config();
	if (config_load(&ctl->cfg, ctl->config_path, SEPAD_SRCDIR, &errs) == 0)
		return CTL_OK;
	log_warnx(ngettext("could not load the configuration %s: %zu error",
	              "could not load the configuration %s: %zu errors",
	              errs.count + errs.dropped),
	    ctl->cfg.path, errs.count + errs.dropped);
	for (size_t i = 0; i < errs.count; i++)
		fprintf(stderr, "%s\n",
		    sepa_error_format(&errs.list[i], line, sizeof(line)));
	if (errs.dropped > 0)
		fprintf(stderr, _("(%zu more)\n"), errs.dropped);
	return errs.count > 0 && errs.list[0].code == SEPA_EIO ? CTL_INTERNAL
	                                                       : CTL_REFUSED;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"today", required_argument, NULL, 'T'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct ctl ctl;
	const struct ctl_command *cmd = NULL;
	const char *today = getenv("SEPAD_TODAY");
	int ch, verbose = 0, status;

	i18n_init();
	memset(&ctl, 0, sizeof(ctl));
	ctl.progname = "sepactl";
	log_init("sepactl", 0, CTL_INTERNAL);
	ctl.config_path = NULL;
	/* '+': options stop at the command, which has its own. */
	while ((ch = getopt_long(argc, argv, "+c:vhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			ctl.config_path = optarg;
			break;
		case 'T':
			today = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			return CTL_OK;
		case 'V':
			printf("sepactl %s\n", SEPAD_VERSION);
			return CTL_OK;
		default:
			usage(stderr);
			return CTL_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	log_init("sepactl", verbose, CTL_INTERNAL);
	if (argc < 1) {
		log_warnx("a command is needed");
		usage(stderr);
		return CTL_USAGE;
	}
	cmd = ctl_command_find(argv[0]);
	if (cmd == NULL) {
		log_warnx(
		    "unknown command \"%s\" (see sepactl --help)", argv[0]);
		return CTL_USAGE;
	}
	if (command_help(cmd, argc, argv))
		return CTL_OK;
	if ((status = set_today(&ctl, today)) != CTL_OK)
		return status;
	if ((status = load_config(&ctl)) == CTL_OK)
		status = cmd->run(&ctl, argc, argv);
	db_close(ctl.db);
	config_free(&ctl.cfg);
	return status;
}
