/*
 * io.c - system-call helpers: read(2) retried on EINTR.
 */
#include <errno.h>
#include <unistd.h>

#include "sepa/io.h"

ssize_t
sepa_read(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}
