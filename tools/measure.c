/*
 * measure: runs one command and reports what it cost, for tools/bench.sh.
 *
 * usage: measure [-o FILE] CMD [ARG...]
 *
 * The command's stdout goes to /dev/null, or to FILE with -o; its stderr
 * is left alone. When it ends, measure prints one line on its own stdout:
 *   wall_s=1.234 maxrss_kb=56789 status=0
 * wall_s is the elapsed wall-clock time, maxrss_kb the command's peak
 * resident set size as wait4 reports it, and status its exit status, or
 * 128 plus the signal number when a signal ended it, as the shell writes
 * it. measure then exits with that status: 127 when the command could
 * not be run, 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* In the child: points stdout at out and runs argv; never returns. */
static void run_child(const char *out, char **argv)
{
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0) {
        fprintf(stderr, "measure: cannot open '%s': %s\n", out,
                strerror(errno));
        _exit(127);
    }
    close(fd);
    execvp(argv[0], argv);
    fprintf(stderr, "measure: cannot run '%s': %s\n", argv[0],
            strerror(errno));
    _exit(127);
}

/* Exit status in the shell's convention. */
static int shell_status(int wstatus)
{
    if (WIFSIGNALED(wstatus))
        return 128 + WTERMSIG(wstatus);
    return WEXITSTATUS(wstatus);
}

int main(int argc, char **argv)
{
    const char *out = "/dev/null";
    struct rusage ru;
    double start;
    int wstatus, status, first = 1;
    pid_t pid;

    if (argc > 2 && strcmp(argv[1], "-o") == 0) {
        out = argv[2];
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: measure [-o FILE] CMD [ARG...]\n");
        return 2;
    }
    fflush(stdout);

    start = now();
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "measure: cannot fork: %s\n", strerror(errno));
        return 127;
    }
    if (pid == 0)
        run_child(out, argv + first);
    while (wait4(pid, &wstatus, 0, &ru) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "measure: wait4: %s\n", strerror(errno));
            return 127;
        }
    }

    status = shell_status(wstatus);
    printf("wall_s=%.3f maxrss_kb=%ld status=%d\n", now() - start,
           ru.ru_maxrss, status);
    return status;
}
