/*
 * cli: argument parsing and command-line messages.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"

void al_args_init(struct al_args *p, const char *cmd, int argc, char **argv)
{
    memset(p, 0, sizeof(*p));
    p->cmd = cmd;
    p->argc = argc;
    p->argv = argv;
    p->i = 1;
    p->rest = al_calloc((size_t)argc + 1, sizeof(*p->rest));
}

void al_args_release(struct al_args *p)
{
    al_free(p->rest);
    p->rest = NULL;
}

int al_args_next(struct al_args *p)
{
    while (p->i < p->argc) {
        char *a = p->argv[p->i++];

        if (!p->only_rest && strcmp(a, "--") == 0) {
            p->only_rest = 1;
            continue;
        }
        if (p->only_rest || a[0] != '-' || a[1] == '\0') {
            p->rest[p->nrest++] = a;
            continue;
        }
        p->cur = a;
        p->taken = 0;
        p->inline_value = NULL;
        return 1;
    }
    return 0;
}

int al_args_flag(struct al_args *p, const char *s, const char *l)
{
    if (p->taken || p->cur == NULL)
        return 0;
    if ((s && strcmp(p->cur, s) == 0) || (l && strcmp(p->cur, l) == 0)) {
        p->taken = 1;
        return 1;
    }
    return 0;
}

int al_args_value(struct al_args *p, const char *s, const char *l,
                  const char **v)
{
    size_t n;

    if (p->taken || p->cur == NULL)
        return 0;
    n = l ? strlen(l) : 0;
    if (l && strncmp(p->cur, l, n) == 0 && p->cur[n] == '=') {
        *v = p->cur + n + 1;
    } else if ((s && strcmp(p->cur, s) == 0) || (l && strcmp(p->cur, l) == 0)) {
        if (p->i >= p->argc) {
            al_usage(p->cmd, "'%s' needs a value", p->cur);
            p->error = 1;
            *v = "";
        } else {
            *v = p->argv[p->i++];
        }
    } else {
        return 0;
    }
    p->taken = 1;
    return 1;
}

int al_args_unknown(struct al_args *p)
{
    p->error = 1;
    return al_usage(p->cmd, "unknown option '%s'", p->cur);
}

static void message(const char *level, const char *fmt, va_list ap)
{
    fprintf(stderr, "auditlint: %s: ", level);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int al_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    message("error", fmt, ap);
    va_end(ap);
    fprintf(stderr, "try 'auditlint %s%s--help'\n", cmd ? cmd : "",
            cmd ? " " : "");
    return -1;
}

void al_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    message("error", fmt, ap);
    va_end(ap);
}

void al_warning(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    message("warning", fmt, ap);
    va_end(ap);
}

const char *al_errno_text(void)
{
    return strerror(errno);
}
