// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * secmsg-client: passphrases, from a file or the terminal without echo
 * (docs/protocol.md section 4).  A passphrase is the bytes of one line
 * without its line ending; it may not be empty, hold a NUL byte or be
 * longer than PASS_MAX - 1 bytes: those are refused, never cut short.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

_Static_assert(PASS_MAX == 1024, "pass_strerror() names the limit");

/*
 * The first line of path, without its line ending: it ends at the first
 * LF or CR (so LF, CR LF and a lone CR all end it) or at the end of the
 * file (no final newline needed).  What follows the first line is
 * ignored.  -EMSGSIZE when the line does not fit in size - 1 bytes,
 * -EILSEQ when it holds a NUL byte.
 */
long pass_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0, i;
	ssize_t r = 0;
	char more;

	if (fd < 0)
		return -errno;
	while (n < size - 1 && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	for (i = 0; i < n && buf[i] != '\n' && buf[i] != '\r' && buf[i]; i++)
		;
	if (r < 0)
		r = -errno;
	else if (i < n && !buf[i])
		r = -EILSEQ;
	else if (i == n && n == size - 1 && read(fd, &more, 1) == 1)
		r = -EMSGSIZE;	/* no line end within size - 1 bytes */
	else
		r = (ssize_t)i;
	more = 0;
	close(fd);
	explicit_bzero(buf + i, size - i);
	if (r < 0)
		explicit_bzero(buf, size);
	return (long)r;
}

long pass_read_tty(const char *prompt, char *buf, size_t size)
{
	struct termios old, quiet;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	size_t n = 0;
	long ret;
	bool nul = false, over = false;
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
		nul |= !ch;
		if (n < size - 1)
			buf[n++] = ch;
		else
			over = true;
	}
	ch = 0;
	buf[n] = 0;
	tcsetattr(fd, TCSAFLUSH, &old);
	ret = over ? -EMSGSIZE : nul ? -EILSEQ : (long)n;
	if (write(fd, "\n", 1) < 0 && ret >= 0)
		ret = -ENOTTY;
	close(fd);
	if (ret < 0)
		explicit_bzero(buf, size);
	return ret;
}

long pass_get(const char *file, const char *prompt, bool confirm, char *buf,
	      size_t size)
{
	char again[PASS_MAX];
	long n, m;

	if (file)
		n = pass_read_file(file, buf, size);
	else
		n = pass_read_tty(prompt, buf, size);
	if (!n)
		n = -ENOKEY;
	if (n < 0 || file || !confirm)
		return n;
	m = pass_read_tty("Again: ", again, sizeof(again));
	if (m != n || memcmp(again, buf, (size_t)n)) {
		explicit_bzero(buf, size);
		n = -EINVAL;
	}
	explicit_bzero(again, sizeof(again));
	return n;
}

const char *pass_strerror(long err)
{
	switch (err) {
	case -EINVAL:
		return "the passphrases differ";
	case -ENOTTY:
		return "no terminal: use --passphrase-file";
	case -ENOKEY:
		return "empty passphrase (not allowed)";
	case -EMSGSIZE:
		return "passphrase longer than 1023 bytes";
	case -EILSEQ:
		return "passphrase with a NUL byte";
	default:
		return strerror((int)-err);
	}
}
