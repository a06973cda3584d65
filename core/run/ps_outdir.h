/*
 * ps_outdir.h -- the output directory handled as a security boundary: a
 * staging directory created exclusively and opened once, every file in it
 * written, moved and removed relative to descriptors (never through a link
 * someone planted in out/), a publish that replaces the previous run's
 * whole set (recorded in out/.parscore-manifest), and SIGINT, SIGTERM and
 * SIGHUP cleaning the staging directory before exiting with 128+n.
 */
#ifndef PS_OUTDIR_H
#define PS_OUTDIR_H

#include <pthread.h>
#include <signal.h>

#include "base/ps_util.h"

#define PS_MANIFEST ".parscore-manifest"

typedef struct ps_outdir {
    const char *output_dir;     /* as the job names it, for messages */
    int out_fd, stage_fd;
    char stage_name[48];        /* .parscore-new.<random> inside out/ */
    /* The staging dir seen through its descriptor: renderers write by
     * path, and the kernel resolves this through the open directory, so a
     * rename or a link in out/ cannot redirect them.  Only this user can
     * create entries in it (mode 0700). */
    char stage_path[40];
    pthread_mutex_t lock;       /* publish and cleanup vs the signal thread */
    int done;                   /* the staging dir is gone */
    int published;
    sigset_t sigs, old_mask;
    pthread_t sig_thread;
    int have_thread, have_lock;
} ps_outdir;

/* Create out/ if needed, the staging dir inside it, and watch signals. */
int ps_outdir_open(ps_outdir *o, const char *output_dir, ps_error *err);
/* mkdir -p of the output directory alone (no staging): `parscore template`
 * writes one file beside the outputs. */
int ps_outdir_mkdirs(const char *path, ps_error *err);
/* Move every staged file into out/ and remove the files of the previous
 * run (by the manifest) that this run did not write. */
int ps_outdir_publish(ps_outdir *o, ps_error *err);
/* Flush everything staged to disk in one call (syncfs on the staging
 * dir's filesystem), for files written without an fsync each
 * (ps_write_file_staged); before ps_outdir_publish. */
int ps_outdir_sync(ps_outdir *o, ps_error *err);
/* Name the file the user asked for in err, not its staging copy. */
void ps_outdir_fix_error(const ps_outdir *o, ps_error *err);
/* Remove the staging dir (whatever publish left), stop watching signals. */
void ps_outdir_close(ps_outdir *o);

#endif
