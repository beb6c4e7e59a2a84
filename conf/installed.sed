# installed.sed - /etc/sepad/sepad.conf from conf/sepad.conf.example, for
# `make install` and the Debian package (the Makefile replaces @SHAREDIR@
# and checks the result). The example is a fictional commune with
# relative paths; the installed file has the spool's absolute paths, the
# system PostgreSQL over its local socket (peer authentication), and the
# creditor left empty for the commune to fill in: `sepad -n` names every
# key that is missing.
1i\
# /etc/sepad/sepad.conf - installed from the example (sepad.conf.example)\
# with the creditor left empty: fill in the creditor group (name, ICS,\
# IBAN, address), then check the file with\
#   sepad -n -c /etc/sepad/sepad.conf\
# (it names every key still missing) and start the service. See\
# sepad(8), PRODUCTION DATABASE (and, from the Debian package,\
# /usr/share/doc/sepad/README.Debian).\
#
s|^	conninfo = "";|	conninfo = "dbname=sepad user=sepad";|
s|^	data_dir = "\.\./var/pg";|	data_dir = "/var/lib/sepad/pg";|
/^creditor: {/,/^};/{
	/country = /!s|= "[^"]*";|= "";|
}
s|= "\.\./var/\([a-z]*\)";|= "/var/spool/sepad/\1";|
s|^	holidays = "vacances-scolaires.csv";|	holidays = "@SHAREDIR@/conf/vacances-scolaires.csv";|
