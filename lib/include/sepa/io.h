/*
 * io.h - the system-call helpers the readers share with the daemon.
 */
#ifndef SEPA_IO_H
#define SEPA_IO_H

#include <stddef.h>
#include <sys/types.h>

/**
 * read(2) of up to len bytes from fd into buf, tried again when a signal
 * interrupts it (EINTR). Returns what read returns: the byte count, 0 at
 * end of file, -1 with errno set.
 */
ssize_t sepa_read(int fd, void *buf, size_t len);

#endif /* SEPA_IO_H */
