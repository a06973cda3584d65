/*
 * ps_outdir.c -- staging, publishing and interrupt cleanup of the output
 * directory.  out/ may be writable by others (a shared folder) and parscore
 * often runs as root or a service account, so nothing here resolves a name
 * in out/ through the path again: out/ is opened once, the staging dir is
 * made with mkdirat (fails on anything already there, link or not) and
 * opened O_NOFOLLOW, and files move with renameat/unlinkat, which act on
 * the name itself and never follow a link.
 *
 * Signals: SIGINT, SIGTERM and SIGHUP are blocked in every thread of the
 * render stage and taken by one thread in sigwait().  It is an ordinary
 * thread, not a handler, so the cleanup may read the directory; it takes
 * the lock publish holds, removes the staging dir and _exits with 128+n.
 * A signal ignored when parscore started (nohup, `cmd &` in sh) stays
 * ignored.
 */
#define _GNU_SOURCE   /* syncfs */
#include "run/ps_outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define MANIFEST_MAX (64u << 20)

static int is_our_name(const char *name) {
    return name[0] && strcmp(name, ".") && strcmp(name, "..") && !strchr(name, '/') &&
           strchr(name, '\n') == NULL && strncmp(name, ".parscore-", 10) != 0;
}

/* Empty the staging dir and remove it.  A file the render threads create
 * meanwhile makes the rmdir fail: go round again; once it is gone nothing
 * can be created in it. */
static void remove_stage(ps_outdir *o) {
    if (o->stage_fd < 0) return;
    struct stat st, here;
    int same = fstat(o->stage_fd, &st) == 0 &&
               fstatat(o->out_fd, o->stage_name, &here, AT_SYMLINK_NOFOLLOW) == 0 &&
               st.st_dev == here.st_dev && st.st_ino == here.st_ino;
    for (int round = 0; round < 100; round++) {
        int fd = dup(o->stage_fd);
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
        if (!d) {
            if (fd >= 0) close(fd);
            break;
        }
        rewinddir(d);
        struct dirent *de;
        while ((de = readdir(d)))
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
                unlinkat(o->stage_fd, de->d_name, 0);
        closedir(d);
        /* someone swapped the name: leave whatever sits there now */
        if (!same || unlinkat(o->out_fd, o->stage_name, AT_REMOVEDIR) == 0 || errno != ENOTEMPTY)
            break;
    }
    close(o->stage_fd);
    o->stage_fd = -1;
}

static void *watch_signals(void *arg) {
    ps_outdir *o = arg;
    int sig = 0;
    while (sigwait(&o->sigs, &sig) != 0) {
    }
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
    pthread_mutex_lock(&o->lock);
    int published = o->published;
    remove_stage(o);
    const char *name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP";
    char msg[160];
    int n = snprintf(msg, sizeof msg, "parscore: interrupted by %s: %s\n", name,
                     published ? "the outputs were already published"
                               : "nothing was published, the staging directory is removed");
    if (n > 0 && write(STDERR_FILENO, msg, (size_t)n) < 0) {
        /* nothing more to do: we are leaving */
    }
    _exit(128 + sig);
    return NULL;
}

static void watch_start(ps_outdir *o) {
    sigemptyset(&o->sigs);
    const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction sa;
        if (sigaction(sigs[i], NULL, &sa) == 0 && sa.sa_handler != SIG_IGN)
            sigaddset(&o->sigs, sigs[i]);
    }
    if (pthread_sigmask(SIG_BLOCK, &o->sigs, &o->old_mask) != 0) return;
    if (pthread_create(&o->sig_thread, NULL, watch_signals, o) == 0) o->have_thread = 1;
    else pthread_sigmask(SIG_SETMASK, &o->old_mask, NULL);
}

int ps_outdir_mkdirs(const char *path, ps_error *err) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(tmp, 0777) != 0 && errno != EEXIST) break;
        *p = '/';
    }
    if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
        return ps_error_set(err, PS_EIO, path, 0, 0,
                            "cannot create the output directory: %s (choose another `output` "
                            "in the job)", strerror(errno));
    return PS_OK;
}

int ps_outdir_open(ps_outdir *o, const char *output_dir, ps_error *err) {
    memset(o, 0, sizeof *o);
    o->output_dir = output_dir;
    o->out_fd = o->stage_fd = -1;
    int rc = ps_outdir_mkdirs(output_dir, err);
    if (rc != PS_OK) return rc;
    o->out_fd = open(output_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (o->out_fd < 0 && errno == ENOTDIR)
        return ps_error_set(err, PS_EIO, output_dir, 0, 0,
                            "the output path is not a directory (choose another `output` "
                            "in the job)");
    if (o->out_fd < 0)
        return ps_error_set(err, PS_EIO, output_dir, 0, 0,
                            "cannot open the output directory: %s (choose another `output` "
                            "in the job)", strerror(errno));
    if (access(output_dir, W_OK) != 0)
        return ps_error_set(err, PS_EIO, output_dir, 0, 0,
                            "the output directory is not writable: %s (choose another `output` "
                            "in the job or fix its permissions)", strerror(errno));
    pthread_mutex_init(&o->lock, NULL);
    o->have_lock = 1;
    /* Block the signals before any render thread exists (they inherit the
     * mask), and before the staging dir exists (no window without cleanup). */
    watch_start(o);
    pthread_mutex_lock(&o->lock);
    int e = EEXIST;
    for (int tries = 0; tries < 64 && e == EEXIST; tries++) {
        unsigned char rnd[8];
        if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
            e = errno;
            break;
        }
        snprintf(o->stage_name, sizeof o->stage_name,
                 ".parscore-new.%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2],
                 rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
        e = mkdirat(o->out_fd, o->stage_name, 0700) == 0 ? 0 : errno;
    }
    if (e == 0) {
        o->stage_fd = openat(o->out_fd, o->stage_name,
                             O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (o->stage_fd < 0) e = errno;
        else if (fstat(o->stage_fd, &st) != 0 || st.st_uid != geteuid() ||
                 (st.st_mode & 0077) != 0)
            e = EPERM; /* not the directory we made a moment ago */
    }
    pthread_mutex_unlock(&o->lock);
    if (e != 0) {
        if (o->stage_fd >= 0) close(o->stage_fd);
        o->stage_fd = -1;
        return ps_error_set(err, PS_EIO, output_dir, 0, 0,
                            "cannot create the staging directory: %s (choose another `output` "
                            "in the job or fix its permissions)", strerror(e));
    }
    snprintf(o->stage_path, sizeof o->stage_path, "/proc/self/fd/%d", o->stage_fd);
    return PS_OK;
}

/* ---- the manifest ------------------------------------------------------ */

typedef struct name_list {
    char **v;
    size_t n, cap;
} name_list;

static int list_add(name_list *l, const char *name) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        char **g = ps_realloc(l->v, cap * sizeof *g);
        if (!g) return PS_ENOMEM;
        l->v = g;
        l->cap = cap;
    }
    if (!(l->v[l->n] = ps_strdup(name))) return PS_ENOMEM;
    l->n++;
    return PS_OK;
}

static int list_has(const name_list *l, const char *name) {
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], name) == 0) return 1;
    return 0;
}

static void list_free(name_list *l) {
    for (size_t i = 0; i < l->n; i++) ps_free(l->v[i]);
    ps_free(l->v);
    memset(l, 0, sizeof *l);
}

/* The previous run's names.  A manifest that is a link, not a regular
 * file or not ours is not read: it is replaced. */
static int read_manifest(const ps_outdir *o, name_list *l) {
    int fd = openat(o->out_fd, PS_MANIFEST, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return PS_OK;
    struct stat st;
    int rc = PS_OK;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
        (size_t)st.st_size < MANIFEST_MAX)
    {
        char *buf = ps_malloc((size_t)st.st_size + 1);
        ssize_t got = buf ? read(fd, buf, (size_t)st.st_size) : -1;
        if (!buf) rc = PS_ENOMEM;
        if (got > 0) {
            buf[got] = '\0';
            for (char *line = buf, *nl; rc == PS_OK && line && *line; line = nl) {
                nl = strchr(line, '\n');
                if (nl) *nl++ = '\0';
                if (is_our_name(line) && !list_has(l, line)) rc = list_add(l, line);
            }
        }
        ps_free(buf);
    }
    close(fd);
    return rc;
}

static int write_manifest(const ps_outdir *o, const name_list *a, const name_list *b,
                          ps_error *err) {
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%s.tmp", PS_MANIFEST);
    unlinkat(o->out_fd, tmp, 0);
    int fd = openat(o->out_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return ps_error_set(err, PS_EIO, o->output_dir, 0, 0,
                            "cannot write %s: %s", PS_MANIFEST, strerror(errno));
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlinkat(o->out_fd, tmp, 0);
        return ps_error_set(err, PS_ENOMEM, o->output_dir, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < a->n; i++) fprintf(f, "%s\n", a->v[i]);
    for (size_t i = 0; b && i < b->n; i++)
        if (!list_has(a, b->v[i])) fprintf(f, "%s\n", b->v[i]);
    int ok = fflush(f) == 0 && !ferror(f) && fsync(fd) == 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || renameat(o->out_fd, tmp, o->out_fd, PS_MANIFEST) != 0) {
        int e = errno;
        unlinkat(o->out_fd, tmp, 0);
        return ps_error_set(err, PS_EIO, o->output_dir, 0, 0,
                            "cannot write %s: %s (disk full?)", PS_MANIFEST, strerror(e));
    }
    return PS_OK;
}

int ps_outdir_sync(ps_outdir *o, ps_error *err) {
    if (o->stage_fd >= 0 && syncfs(o->stage_fd) == 0) return PS_OK;
    return ps_error_set(err, PS_EIO, o->output_dir, 0, 0,
                        "cannot flush the new files to disk: %s (disk full or failing?)",
                        strerror(errno));
}

/* Order: the manifest first names old + new (a crash at any point leaves
 * no file of ours unlisted), then the new files move in, the old-only
 * ones go, and the manifest shrinks to the new set. */
int ps_outdir_publish(ps_outdir *o, ps_error *err) {
    name_list old = {0}, now = {0};
    int rc = PS_OK;
    pthread_mutex_lock(&o->lock);
    int fd = dup(o->stage_fd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0) close(fd);
        rc = ps_error_set(err, PS_EIO, o->output_dir, 0, 0,
                          "cannot read the staging directory: %s", strerror(errno));
        goto out;
    }
    struct dirent *de;
    while (rc == PS_OK && (de = readdir(d))) {
        struct stat st;
        if (!is_our_name(de->d_name)) continue;
        if (fstatat(o->stage_fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode))
            continue;
        rc = list_add(&now, de->d_name);
    }
    closedir(d);
    if (rc == PS_OK) rc = read_manifest(o, &old);
    if (rc == PS_ENOMEM) ps_error_set(err, rc, o->output_dir, 0, 0, "out of memory");
    if (rc == PS_OK) rc = write_manifest(o, &old, &now, err);
    for (size_t i = 0; rc == PS_OK && i < now.n; i++)
        if (renameat(o->stage_fd, now.v[i], o->out_fd, now.v[i]) != 0) {
            char path[sizeof err->file];
            snprintf(path, sizeof path, "%.*s/%s", (int)(sizeof path / 2), o->output_dir,
                     now.v[i]);
            rc = ps_error_set(err, PS_EIO, path, 0, 0, "cannot move the new file into place: %s",
                              strerror(errno));
        }
    for (size_t i = 0; rc == PS_OK && i < old.n; i++)
        if (!list_has(&now, old.v[i])) unlinkat(o->out_fd, old.v[i], 0);
    if (rc == PS_OK) {
        name_list none = {0};
        rc = write_manifest(o, &now, &none, err);
    }
    if (rc == PS_OK) {
        fsync(o->out_fd);
        o->published = 1;
    }
out:
    pthread_mutex_unlock(&o->lock);
    list_free(&old);
    list_free(&now);
    return rc;
}

void ps_outdir_fix_error(const ps_outdir *o, ps_error *err) {
    size_t sl = strlen(o->stage_path);
    if (!err || !sl || strncmp(err->file, o->stage_path, sl) != 0 || err->file[sl] != '/') return;
    char real[sizeof err->file];
    snprintf(real, sizeof real, "%.*s%s", (int)(sizeof real / 2), o->output_dir, err->file + sl);
    memcpy(err->file, real, sizeof real);
}

void ps_outdir_close(ps_outdir *o) {
    if (o->have_lock) pthread_mutex_lock(&o->lock);
    remove_stage(o);
    o->done = 1;
    if (o->have_lock) pthread_mutex_unlock(&o->lock);
    if (o->have_thread) {
        pthread_cancel(o->sig_thread);
        pthread_join(o->sig_thread, NULL);
        /* a signal that came after the cleanup is delivered now, with its
         * default action: the conventional exit status */
        pthread_sigmask(SIG_SETMASK, &o->old_mask, NULL);
        o->have_thread = 0;
    }
    if (o->have_lock) pthread_mutex_destroy(&o->lock);
    o->have_lock = 0;
    if (o->out_fd >= 0) close(o->out_fd);
    o->out_fd = -1;
}
