/*
 * mkzip.c -- test helper: writes a zip archive from files, so the tests
 * can build XLSX workbooks part by part (hand-written XML, hostile
 * entries) without a zip tool outside the project's dependencies.
 *
 *   mkzip OUT.zip [-store] [-aes PASSWORD] NAME FILE [NAME FILE ...]
 *
 * -store stores the following entries uncompressed (default deflate);
 * -aes encrypts them (AES-256); FILE "-" is standard input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

int main(int argc, char **argv) {
    int ze = 0, store = 0, i;
    const char *password = NULL;
    zip_t *z;
    if (argc < 2) {
        fprintf(stderr, "usage: mkzip OUT.zip [-store] [-aes PASSWORD] NAME FILE ...\n");
        return 2;
    }
    z = zip_open(argv[1], ZIP_CREATE | ZIP_TRUNCATE, &ze);
    if (!z) {
        fprintf(stderr, "mkzip: cannot create %s (libzip error %d)\n", argv[1], ze);
        return 1;
    }
    for (i = 2; i < argc; i++) {
        zip_source_t *src;
        zip_int64_t idx;
        if (strcmp(argv[i], "-store") == 0) { store = 1; continue; }
        if (strcmp(argv[i], "-aes") == 0 && i + 1 < argc) { password = argv[++i]; continue; }
        if (i + 1 >= argc) {
            fprintf(stderr, "mkzip: %s has no file\n", argv[i]);
            return 2;
        }
        if (strcmp(argv[i + 1], "-") == 0) src = zip_source_filep(z, stdin, 0, -1);
        else src = zip_source_file(z, argv[i + 1], 0, -1);
        if (!src || (idx = zip_file_add(z, argv[i], src, ZIP_FL_OVERWRITE)) < 0) {
            fprintf(stderr, "mkzip: %s: %s\n", argv[i + 1], zip_strerror(z));
            if (src) zip_source_free(src);
            return 1;
        }
        zip_set_file_compression(z, (zip_uint64_t)idx, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 9);
        if (password && zip_file_set_encryption(z, (zip_uint64_t)idx, ZIP_EM_AES_256, password) != 0) {
            fprintf(stderr, "mkzip: cannot encrypt: %s\n", zip_strerror(z));
            return 1;
        }
        i++;
    }
    if (zip_close(z) != 0) {
        fprintf(stderr, "mkzip: cannot write %s: %s\n", argv[1], zip_strerror(z));
        zip_discard(z);
        return 1;
    }
    return 0;
}
