/*
 * bench_csv.c - read a CSV file with the lib reader and print rows, bad
 * rows and throughput: bench_csv FILE [WINDOWS-1252].
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sepa/csv.h"

int
main(int argc, char **argv)
{
	sepa_csv_opts opts = SEPA_CSV_OPTS_INIT;
	sepa_error err = SEPA_ERROR_INIT;
	struct timespec t0, t1;
	struct stat st;
	sepa_csv_row row;
	sepa_csv *r;
	long rows = 0, bad = 0;
	double secs;
	char msg[1024];
	int fd, rc;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: bench_csv FILE [WINDOWS-1252]\n");
		return 2;
	}
	if (argc == 3 && strcmp(argv[2], "WINDOWS-1252") == 0)
		opts.encoding = SEPA_CSV_CP1252;
	opts.name = argv[1];
	if ((fd = open(argv[1], O_RDONLY)) < 0 || fstat(fd, &st) < 0) {
		perror(argv[1]);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (sepa_csv_open_fd(&r, fd, &opts, &err) < 0) {
		fprintf(
		    stderr, "%s\n", sepa_error_format(&err, msg, sizeof(msg)));
		close(fd);
		return 1;
	}
	while ((rc = sepa_csv_next(r, &row, &err)) != 0) {
		if (rc > 0) {
			rows++;
			continue;
		}
		if (bad++ < 5)
			fprintf(stderr, "%s\n",
			    sepa_error_format(&err, msg, sizeof(msg)));
		if (sepa_csv_failed(r))
			break;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%ld rows, %ld bad, %.1f MB in %.3f s: %.0f MB/s, %.0f rows/s\n",
	    rows, bad, (double)st.st_size / 1e6, secs,
	    (double)st.st_size / 1e6 / secs, (double)rows / secs);
	sepa_csv_free(r);
	close(fd);
	return bad > 0;
}
