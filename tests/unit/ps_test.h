/*
 * ps_test.h -- the tiny assertion kit of the C unit tests.  Each check
 * prints what it expected on failure; ps_test_done() prints the closing
 * "N passed, N failed" line and returns the exit status.
 */
#ifndef PS_TEST_H
#define PS_TEST_H

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct ps_tally { int passed, failed; } ps_tally;

#define CHECK(t, cond) do { if (cond) (t)->passed++; else { (t)->failed++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_INT(t, got, want) do { long long g_ = (long long)(got), w_ = (long long)(want); \
    if (g_ == w_) (t)->passed++; else { (t)->failed++; \
    fprintf(stderr, "%s:%d: %s = %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_); } } while (0)
#define CHECK_NUM(t, got, want) do { double g_ = (got), w_ = (want); \
    if ((isnan(g_) && isnan(w_)) || fabs(g_ - w_) < 1e-9) (t)->passed++; else { (t)->failed++; \
    fprintf(stderr, "%s:%d: %s = %.12g, want %.12g\n", __FILE__, __LINE__, #got, g_, w_); } } while (0)
#define CHECK_STR(t, got, want) do { const char *g_ = (got), *w_ = (want); \
    if (g_ && w_ && strcmp(g_, w_) == 0) (t)->passed++; else { (t)->failed++; \
    fprintf(stderr, "%s:%d: %s = \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } } while (0)

static inline int ps_test_done(const ps_tally *t) {
    printf("%d passed, %d failed\n", t->passed, t->failed);
    return t->failed ? 1 : 0;
}
#endif
