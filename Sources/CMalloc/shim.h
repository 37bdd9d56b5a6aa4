#ifndef TTSARCHIVE_CMALLOC_SHIM_H
#define TTSARCHIVE_CMALLOC_SHIM_H
#include <malloc.h>

// Swift's Glibc module does not export <malloc.h>; M_ARENA_MAX is a macro.
static inline int cmalloc_set_arena_max(int count) {
    return mallopt(M_ARENA_MAX, count);
}

#endif
