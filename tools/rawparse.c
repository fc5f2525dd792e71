/*
 * rawparse: the baseline that tools/bench.sh compares auditlint against.
 * It reads every file it is given and runs libyaml's event parser over
 * it, building nothing: YAML and JSON files whole, Markdown files only
 * their front matter, found as FORMATS.md section 2 describes (a leading
 * '---' fence, or a first 'key: value' line, up to the closing fence).
 *
 * usage: rawparse FILE...
 *        rawparse -l LISTFILE      (one path a line)
 *
 * Prints one line on stdout:
 *   files=N bytes=B yaml_bytes=Y events=E errors=X
 * where bytes counts whole files and yaml_bytes what libyaml was given.
 * A file that cannot be read or parsed is reported on stderr as
 * 'FILE:LINE:COL: problem' (1-based, the position libyaml gives) and
 * the run goes on. Exit status: 0, 1 when any file failed, 2 on usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <yaml.h>

struct tally {
    size_t files, bytes, yaml_bytes, events, errors;
};

/* One read buffer, grown as needed and reused for every file. */
struct buf {
    char *p;
    size_t cap;
};

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int is_markdown(const char *path)
{
    return ends_with(path, ".md") || ends_with(path, ".markdown")
        || ends_with(path, ".md.tmpl");
}

/* Length of the line at p, without its '\n'. */
static size_t line_len(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));

    return nl ? (size_t)(nl - p) : (size_t)(end - p);
}

/* Whether the line p[0..n) is exactly mark, a trailing '\r' allowed. */
static int is_fence(const char *p, size_t n, const char *mark)
{
    if (n == 4 && p[3] == '\r')
        n = 3;
    return n == 3 && memcmp(p, mark, 3) == 0;
}

/* Whether the line p[0..n) reads 'key:' or 'key: value'. */
static int looks_like_key(const char *p, size_t n)
{
    size_t i = 0;

    while (i < n && (p[i] == '_' || p[i] == '-'
                     || (p[i] >= 'a' && p[i] <= 'z')
                     || (p[i] >= 'A' && p[i] <= 'Z')
                     || (p[i] >= '0' && p[i] <= '9')))
        i++;
    if (i == 0 || i == n || p[i] != ':')
        return 0;
    return i + 1 == n || p[i + 1] == ' ' || p[i + 1] == '\r';
}

/*
 * Returns how many leading bytes of a Markdown file are front matter:
 * everything before the closing fence line, or 0 when there is none.
 * An opening '---' stays in: libyaml reads it as a document start, so
 * the positions it reports are positions in the file.
 */
static size_t front_matter(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    size_t n = line_len(p, end);
    int fenced = is_fence(p, n, "---");

    if (!fenced && !looks_like_key(p, n))
        return 0;
    p += n + 1;
    while (p < end) {
        n = line_len(p, end);
        if (is_fence(p, n, "---") || (fenced && is_fence(p, n, "...")))
            return (size_t)(p - buf);
        p += n + 1;
    }
    return 0;
}

static void report(const char *path, const yaml_parser_t *parser)
{
    fprintf(stderr, "%s:%lu:%lu: %s\n", path,
            (unsigned long)parser->problem_mark.line + 1,
            (unsigned long)parser->problem_mark.column + 1,
            parser->problem ? parser->problem : "parse error");
}

/* Runs the event parser over buf; returns 0, or -1 after reporting. */
static int parse(const char *path, const char *buf, size_t len,
                 struct tally *t)
{
    yaml_parser_t parser;
    yaml_event_t event;
    int done = 0, rc = 0;

    if (!yaml_parser_initialize(&parser)) {
        fprintf(stderr, "rawparse: out of memory\n");
        exit(2);
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    while (!done) {
        if (!yaml_parser_parse(&parser, &event)) {
            report(path, &parser);
            rc = -1;
            break;
        }
        t->events++;
        done = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    return rc;
}

/* Reads the whole file into b; returns its length, or -1 on failure. */
static long read_file(const char *path, struct buf *b)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    size_t n;

    if (!f || fstat(fileno(f), &st) != 0) {
        fprintf(stderr, "rawparse: cannot open '%s': %s\n", path,
                strerror(errno));
        if (f)
            fclose(f);
        return -1;
    }
    if ((size_t)st.st_size + 1 > b->cap) {
        b->cap = (size_t)st.st_size + 1;
        b->p = realloc(b->p, b->cap);
        if (!b->p) {
            fprintf(stderr, "rawparse: out of memory\n");
            exit(2);
        }
    }
    n = fread(b->p, 1, (size_t)st.st_size, f);
    fclose(f);
    return (long)n;
}

static void do_file(const char *path, struct buf *b, struct tally *t)
{
    long len = read_file(path, b);
    size_t yaml_len;

    t->files++;
    if (len < 0) {
        t->errors++;
        return;
    }
    t->bytes += (size_t)len;
    yaml_len = (size_t)len;
    if (is_markdown(path))
        yaml_len = front_matter(b->p, (size_t)len);
    if (is_markdown(path) && yaml_len == 0)
        return;
    t->yaml_bytes += yaml_len;
    if (parse(path, b->p, yaml_len, t) != 0)
        t->errors++;
}

/* Parses every path listed in listfile, one a line. */
static int do_list(const char *listfile, struct buf *b, struct tally *t)
{
    FILE *f = fopen(listfile, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;

    if (!f) {
        fprintf(stderr, "rawparse: cannot open '%s': %s\n", listfile,
                strerror(errno));
        return -1;
    }
    while ((n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] == '\n')
            line[--n] = '\0';
        if (n > 0)
            do_file(line, b, t);
    }
    free(line);
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    struct tally t = {0};
    struct buf b = {NULL, 0};
    int i;

    if (argc < 2 || (strcmp(argv[1], "-l") == 0 && argc != 3)) {
        fprintf(stderr, "usage: rawparse FILE... | rawparse -l LISTFILE\n");
        return 2;
    }
    if (strcmp(argv[1], "-l") == 0) {
        if (do_list(argv[2], &b, &t) != 0)
            return 2;
    } else {
        for (i = 1; i < argc; i++)
            do_file(argv[i], &b, &t);
    }
    free(b.p);
    printf("files=%zu bytes=%zu yaml_bytes=%zu events=%zu errors=%zu\n",
           t.files, t.bytes, t.yaml_bytes, t.events, t.errors);
    return t.errors ? 1 : 0;
}
