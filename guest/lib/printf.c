// SPDX-License-Identifier: MIT
/*
 * A small printf core for the guest (and, hosted, for its unit test). No
 * floating point; unknown conversions are copied through verbatim.
 */
#include "guest_printf.h"

#include <stdbool.h>
#include <stdint.h>

struct spec {
	bool left, zero, alt, plus, space;
	int width;     /* 0: none */
	int prec;      /* -1: none */
	int len;       /* 0 int, 1 long, 2 long long, -1 short, -2 char, 3 size_t */
};

struct sink {
	guest_putc_fn out;
	void *ctx;
	int count;
};

static void emit(struct sink *s, char c)
{
	s->out(s->ctx, c);
	s->count++;
}

static void emit_pad(struct sink *s, char c, int n)
{
	while (n-- > 0)
		emit(s, c);
}

static void emit_string(struct sink *s, const struct spec *sp, const char *str)
{
	int n = 0;

	if (!str)
		str = "(null)";
	while (str[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	if (!sp->left)
		emit_pad(s, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		emit(s, str[i]);
	if (sp->left)
		emit_pad(s, ' ', sp->width - n);
}

/* One integer: `neg` says a minus sign goes in front of magnitude `v`. */
static void emit_number(struct sink *s, const struct spec *sp, uint64_t v,
			bool neg, unsigned int base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24]; /* 2^64 in octal is 22 digits */
	int n = 0, zeros, pad, plen = 0;
	char sign = 0;

	while (v) {
		buf[n++] = digits[v % base];
		v /= base;
	}
	/* Precision 0 with value 0 prints no digits, as in C. */
	if (n == 0 && sp->prec != 0)
		buf[n++] = '0';
	if (neg)
		sign = '-';
	else if (sp->plus)
		sign = '+';
	else if (sp->space)
		sign = ' ';
	if (prefix)
		while (prefix[plen])
			plen++;
	zeros = sp->prec > n ? sp->prec - n : 0;
	/* '#' with octal: the leading 0 is part of the digits. */
	if (base == 8 && sp->alt && zeros == 0 && (n == 0 || buf[n - 1] != '0'))
		zeros = 1;
	pad = sp->width - n - zeros - plen - (sign ? 1 : 0);
	if (sp->zero && !sp->left && sp->prec < 0) {
		zeros += pad > 0 ? pad : 0;
		pad = 0;
	}
	if (!sp->left)
		emit_pad(s, ' ', pad);
	if (sign)
		emit(s, sign);
	for (int i = 0; i < plen; i++)
		emit(s, prefix[i]);
	emit_pad(s, '0', zeros);
	while (n > 0)
		emit(s, buf[--n]);
	if (sp->left)
		emit_pad(s, ' ', pad);
}

static int64_t get_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->len) {
	case -2: return (signed char)va_arg(*ap, int);
	case -1: return (short)va_arg(*ap, int);
	case 1: return va_arg(*ap, long);
	case 2: return va_arg(*ap, long long);
	case 3: return (int64_t)va_arg(*ap, size_t); /* ssize_t in practice */
	default: return va_arg(*ap, int);
	}
}

static uint64_t get_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->len) {
	case -2: return (unsigned char)va_arg(*ap, unsigned int);
	case -1: return (unsigned short)va_arg(*ap, unsigned int);
	case 1: return va_arg(*ap, unsigned long);
	case 2: return va_arg(*ap, unsigned long long);
	case 3: return va_arg(*ap, size_t);
	default: return va_arg(*ap, unsigned int);
	}
}

/* Parses flags, width, precision and length after the '%'. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-') sp->left = true;
		else if (*f == '0') sp->zero = true;
		else if (*f == '#') sp->alt = true;
		else if (*f == '+') sp->plus = true;
		else if (*f == ' ') sp->space = true;
		else break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	} else {
		while (*f >= '0' && *f <= '9')
			sp->width = sp->width * 10 + (*f++ - '0');
	}
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				sp->prec = sp->prec * 10 + (*f++ - '0');
		}
	}
	if (*f == 'h') {
		sp->len = -1;
		if (*++f == 'h') { sp->len = -2; f++; }
	} else if (*f == 'l') {
		sp->len = 1;
		if (*++f == 'l') { sp->len = 2; f++; }
	} else if (*f == 'z' || *f == 't') {
		sp->len = 3;
		f++;
	} else if (*f == 'j') {
		sp->len = 2;
		f++;
	}
	return f;
}

int guest_vformat(guest_putc_fn out, void *ctx, const char *fmt, va_list ap_in)
{
	struct sink s = { out, ctx, 0 };
	struct spec sp;
	va_list ap;

	va_copy(ap, ap_in);
	while (*fmt) {
		const char *start = fmt;
		int64_t sv;

		if (*fmt != '%') {
			emit(&s, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &ap);
		switch (*fmt) {
		case 'd':
		case 'i':
			sv = get_signed(&sp, &ap);
			emit_number(&s, &sp, sv < 0 ? -(uint64_t)sv : (uint64_t)sv,
				    sv < 0, 10, false, NULL);
			break;
		case 'u':
			emit_number(&s, &sp, get_unsigned(&sp, &ap), false, 10, false, NULL);
			break;
		case 'x':
		case 'X': {
			uint64_t v = get_unsigned(&sp, &ap);
			bool up = *fmt == 'X';

			emit_number(&s, &sp, v, false, 16, up,
				    sp.alt && v ? (up ? "0X" : "0x") : NULL);
			break;
		}
		case 'o':
			emit_number(&s, &sp, get_unsigned(&sp, &ap), false, 8, false, NULL);
			break;
		case 'p':
			sp.len = 1;
			emit_number(&s, &sp, (uint64_t)(uintptr_t)va_arg(ap, void *),
				    false, 16, false, "0x");
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);

			if (!sp.left)
				emit_pad(&s, ' ', sp.width - 1);
			emit(&s, c);
			if (sp.left)
				emit_pad(&s, ' ', sp.width - 1);
			break;
		}
		case 's':
			emit_string(&s, &sp, va_arg(ap, const char *));
			break;
		case '%':
			emit(&s, '%');
			break;
		default:
			/* Unknown or truncated: copy the directive through. */
			while (start < fmt)
				emit(&s, *start++);
			if (*fmt)
				emit(&s, *fmt);
			else
				fmt--; /* the loop's fmt++ must not pass the NUL */
			break;
		}
		fmt++;
	}
	va_end(ap);
	return s.count;
}

struct bufctx {
	char *buf;
	size_t size, pos;
};

static void buf_putc(void *ctx, char c)
{
	struct bufctx *b = ctx;

	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int guest_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct bufctx b = { buf, size, 0 };
	int n = guest_vformat(buf_putc, &b, fmt, ap);

	if (size)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

int guest_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = guest_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
