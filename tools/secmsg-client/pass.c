// SPDX-License-Identifier: GPL-2.0 OR MIT
/* secmsg-client: passphrases, from a file or the terminal without echo. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

/* The first line of path, without its newline. */
long pass_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		return -errno;
	while (n < size - 1 && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = 0;
	n = strcspn(buf, "\r\n");
	explicit_bzero(buf + n, size - n);
	return (long)n;
}

long pass_read_tty(const char *prompt, char *buf, size_t size)
{
	struct termios old, quiet;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	size_t n = 0;
	char ch;

	if (fd < 0)
		return -ENOTTY;
	if (write(fd, prompt, strlen(prompt)) < 0 || tcgetattr(fd, &old)) {
		close(fd);
		return -ENOTTY;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	tcsetattr(fd, TCSAFLUSH, &quiet);
	while (read(fd, &ch, 1) == 1 && ch != '\n') {
		if (n < size - 1)
			buf[n++] = ch;
	}
	ch = 0;
	buf[n] = 0;
	tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0)
		n = 0;
	close(fd);
	return (long)n;
}

long pass_get(const char *file, const char *prompt, bool confirm, char *buf,
	      size_t size)
{
	char again[PASS_MAX];
	long n, m;

	if (file)
		return pass_read_file(file, buf, size);
	n = pass_read_tty(prompt, buf, size);
	if (n < 0 || !confirm)
		return n;
	m = pass_read_tty("Again: ", again, sizeof(again));
	if (m != n || memcmp(again, buf, (size_t)n)) {
		explicit_bzero(buf, size);
		n = -EINVAL;
	}
	explicit_bzero(again, sizeof(again));
	return n;
}
