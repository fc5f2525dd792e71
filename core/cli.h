/*
 * cli: the small argument parser and the messages of the command line:
 * errors and usage hints on stderr in one shape. Calls mem.
 */
#ifndef AL_CLI_H
#define AL_CLI_H

#include <stddef.h>

struct al_args {
    const char *cmd;            /* subcommand, for usage hints */
    int argc;
    char **argv;
    int i;                      /* next argv index */
    const char *cur;            /* the option being looked at */
    const char *inline_value;   /* the part after '=' in --opt=value */
    int taken;                  /* cur was consumed by a matcher */
    int only_rest;              /* after '--' */
    char **rest;                /* positional arguments, in order */
    size_t nrest;
    int error;
};

/* argv[0] is the subcommand's name and is skipped. */
void al_args_init(struct al_args *p, const char *cmd, int argc, char **argv);
void al_args_release(struct al_args *p);

/*
 * Moves to the next option, collecting positional arguments on the way.
 * Returns 1 when an option is current, 0 at the end.
 */
int al_args_next(struct al_args *p);

/* Returns 1 and consumes the current option when it is -s or --long. */
int al_args_flag(struct al_args *p, const char *s, const char *l);

/*
 * Returns 1 and sets *v when the current option is -s V, --long V or
 * --long=V; a missing value is a usage error (p->error set).
 */
int al_args_value(struct al_args *p, const char *s, const char *l,
                  const char **v);

/* Reports the current option as unknown; returns -1. */
int al_args_unknown(struct al_args *p);

/*
 * Prints "auditlint: error: MESSAGE" and a "try --help" hint for cmd
 * (NULL: the main command); returns -1.
 */
int al_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints "auditlint: error: MESSAGE" on stderr. */
void al_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "auditlint: warning: MESSAGE" on stderr. */
void al_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* strerror(errno), for messages. */
const char *al_errno_text(void);

#endif
