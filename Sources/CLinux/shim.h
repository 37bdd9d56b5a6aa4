#ifndef TTSARCHIVE_CLINUX_SHIM_H
#define TTSARCHIVE_CLINUX_SHIM_H
#include <malloc.h>

// glibc calls that Swift's Glibc module does not export.

// <malloc.h> is not in the Glibc module; M_ARENA_MAX is a macro.
static inline int clinux_set_arena_max(int count) {
    return mallopt(M_ARENA_MAX, count);
}

// Setting M_MMAP_THRESHOLD also turns off glibc's sliding threshold; M_TRIM_THRESHOLD follows it.
static inline int clinux_set_mmap_threshold(int bytes) {
    return mallopt(M_MMAP_THRESHOLD, bytes) && mallopt(M_TRIM_THRESHOLD, bytes);
}

// syncfs(2) is declared only under _GNU_SOURCE, which the Glibc module is built without;
// glibc has exported it since 2.14.
extern int syncfs(int fd);

static inline int clinux_syncfs(int fd) {
    return syncfs(fd);
}

#endif
