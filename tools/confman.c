/*
 * confman.c - print the KEYS section of sepad.conf(5) from the
 * configuration's own key table, so the manual lists exactly the keys the
 * program reads (the Makefile puts it into daemon/man/sepad.conf.5.in).
 */
#include <stdio.h>

#include "config.h"

/* Print s with roff's special characters escaped. */
static void
roff(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\e", stdout);
		else if (*s == '-')
			fputs("\\-", stdout);
		else
			putchar(*s);
	}
}

int
main(void)
{
	for (size_t i = 0; i < config_key_count(); i++) {
		fputs(".TP\n.B ", stdout);
		roff(config_key_name(i));
		putchar('\n');
		roff(config_key_doc(i));
		fputs(config_key_reloadable(i) ? " (reloadable)\n" : "\n",
		    stdout);
	}
	return 0;
}
