// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Output: markdown with aligned pipe tables, readable as it is on stdout
 * and written the same to the --md file.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static FILE *md;

void out_open(const char *path)
{
	if (!path)
		return;
	md = fopen(path, "w");
	if (!md)
		fatal("cannot write %s", path);
}

void out_close(void)
{
	fflush(stdout);
	if (md && fclose(md))
		fatal("writing the markdown file failed");
	md = NULL;
}

void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (md) {
		va_start(ap, fmt);
		vfprintf(md, fmt, ap);
		va_end(ap);
	}
	fflush(stdout);
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

void table_init(struct table *t, size_t ncols, const char *const *head,
		const bool *right)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->head = xcalloc(ncols, sizeof(*t->head));
	t->right = xcalloc(ncols, sizeof(*t->right));
	memcpy(t->head, head, ncols * sizeof(*head));
	memcpy(t->right, right, ncols * sizeof(*right));
}

void table_row(struct table *t, ...)
{
	va_list ap;
	size_t c;

	t->cell = realloc(t->cell, (t->nrows + 1) * sizeof(*t->cell));
	if (!t->cell)
		fatal("out of memory");
	t->cell[t->nrows] = xcalloc(t->ncols, sizeof(char *));
	va_start(ap, t);
	for (c = 0; c < t->ncols; c++)
		t->cell[t->nrows][c] = xstrdup(va_arg(ap, const char *));
	va_end(ap);
	t->nrows++;
}

static void print_cell(const char *s, size_t w, bool right)
{
	out(right ? " %*s |" : " %-*s |", (int)w, s);
}

void table_print(struct table *t)
{
	size_t *w = xcalloc(t->ncols, sizeof(*w));
	size_t r, c, i;

	for (c = 0; c < t->ncols; c++) {
		w[c] = strlen(t->head[c]);
		if (w[c] < 3)
			w[c] = 3;
		for (r = 0; r < t->nrows; r++)
			if (strlen(t->cell[r][c]) > w[c])
				w[c] = strlen(t->cell[r][c]);
	}
	out("|");
	for (c = 0; c < t->ncols; c++)
		print_cell(t->head[c], w[c], t->right[c]);
	out("\n|");
	for (c = 0; c < t->ncols; c++) {
		out(" ");
		for (i = 0; i + 1 < w[c]; i++)
			out("-");
		out(t->right[c] ? ":" : "-");
		out(" |");
	}
	out("\n");
	for (r = 0; r < t->nrows; r++) {
		out("|");
		for (c = 0; c < t->ncols; c++)
			print_cell(t->cell[r][c], w[c], t->right[c]);
		out("\n");
	}
	out("\n");
	free(w);
}

void table_free(struct table *t)
{
	size_t r, c;

	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++)
			free(t->cell[r][c]);
		free(t->cell[r]);
	}
	free(t->cell);
	free(t->head);
	free(t->right);
	memset(t, 0, sizeof(*t));
}

#define NBUF 16
static char bufs[NBUF][32];
static unsigned int nbuf;

static char *next_buf(void)
{
	return bufs[nbuf++ % NBUF];
}

/* Integer with thousands separators. */
static const char *fmt_int(unsigned long long v)
{
	char tmp[32], *b = next_buf();
	size_t n, i, j = 0;

	n = (size_t)snprintf(tmp, sizeof(tmp), "%llu", v);
	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			b[j++] = ',';
		b[j++] = tmp[i];
	}
	b[j] = '\0';
	return b;
}

const char *fmt_rate(double v)
{
	if (v <= 0)
		return "-";
	return fmt_int((unsigned long long)(v + 0.5));
}

const char *fmt_mbs(double v)
{
	char *b = next_buf();

	if (v <= 0)
		return "-";
	snprintf(b, 32, v < 10 ? "%.2f" : v < 100 ? "%.1f" : "%.0f", v);
	return b;
}

const char *fmt_ratio(double v)
{
	char *b = next_buf();

	if (v <= 0)
		return "-";
	snprintf(b, 32, v < 10 ? "%.2fx" : "%.1fx", v);
	return b;
}

void goal(const char *what, const char *measured, const char *target,
	  int met)
{
	const char *path = getenv("SECMSG_BENCH_GOALS");
	FILE *f;

	if (!path || !*path)
		return;
	f = fopen(path, "a");
	if (!f)
		fatal("cannot write %s", path);
	fprintf(f, "%s\t%s\t%s\t%s\n", what, measured, target,
		met > 0 ? "met" : met == 0 ? "not met" : "-");
	if (fclose(f))
		fatal("writing %s failed", path);
}
