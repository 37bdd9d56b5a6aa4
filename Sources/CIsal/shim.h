#ifndef TTSARCHIVE_CISAL_SHIM_H
#define TTSARCHIVE_CISAL_SHIM_H

#include <stdint.h>
#include <stdlib.h>
#include <isa-l/igzip_lib.h>

// ISA-L's igzip deflate, behind an opaque handle: `struct isal_zstream` holds its history window
// and hash table inline (~90 KB of fixed-size C arrays), which Swift would import as tuples of
// tens of thousands of elements; Swift only ever sees a void pointer and plain integers.

// The level buffer each level needs (ISA-L's suggested default size). Its size decides where
// igzip ends deflate blocks, so it is part of what makes the output bytes what they are.
static inline uint32_t CIsal_levelBufferSize(uint32_t level) {
    switch (level) {
    case 1: return ISAL_DEF_LVL1_DEFAULT;
    // Level 2 (audio and other binary) with 32 Ki tokens, not the default 64 Ki: 128 KiB less
    // per transfer in flight; on the simulator's WAVs 2% slower and 0.1% smaller
    // (scripts/bench_compress.c, 2026-12-06).
    case 2: return ISAL_DEF_LVL2_MEDIUM;
    case 3: return ISAL_DEF_LVL3_DEFAULT;
    default: return 0;
    }
}

// Where the caller's tail starts in a state of `level`: after the stream and its level buffer,
// rounded up to 64 bytes.
static inline size_t CIsal_tailOffset(uint32_t level) {
    size_t head = sizeof(struct isal_zstream) + CIsal_levelBufferSize(level);
    return (head + 63) & ~(size_t)63;
}

// A gzip stream (generic header: MTIME 0, no name) at `level`, with its level buffer and `tail`
// bytes for the caller (the input block and output batch) in the same allocation; NULL when out
// of memory or the level is not 0-3. One allocation of ~0.4 MB, above glibc's mmap threshold
// (MallocTuning), so a state freed goes back to the system whole instead of leaving holes in
// the heap that the peak keeps.
static inline void *CIsal_deflateCreate(uint32_t level, size_t tail) {
    if (level > ISAL_DEF_MAX_LEVEL) return NULL;
    uint32_t extra = CIsal_levelBufferSize(level);
    // calloc: no byte of the state depends on what the allocator handed out before.
    struct isal_zstream *stream = calloc(1, CIsal_tailOffset(level) + tail);
    if (stream == NULL) return NULL;
    isal_deflate_init(stream);
    stream->level = level;
    stream->level_buf = extra ? (uint8_t *)(stream + 1) : NULL;
    stream->level_buf_size = extra;
    stream->gzip_flag = IGZIP_GZIP;
    stream->flush = NO_FLUSH;
    return stream;
}

// The caller's tail of a state made by CIsal_deflateCreate.
static inline void *CIsal_deflateTail(void *handle) {
    struct isal_zstream *stream = handle;
    return (uint8_t *)handle + CIsal_tailOffset(stream->level);
}

static inline void CIsal_deflateFree(void *handle) { free(handle); }

// Makes a used stream start a new gzip member exactly as a fresh one would (ISA-L resets its
// history, hash tables and counters; the settings are set again to be sure).
static inline void CIsal_deflateReset(void *handle) {
    struct isal_zstream *stream = handle;
    uint32_t level = stream->level, size = stream->level_buf_size;
    uint8_t *buffer = stream->level_buf;
    isal_deflate_reset(stream);
    stream->level = level;
    stream->level_buf = buffer;
    stream->level_buf_size = size;
    stream->gzip_flag = IGZIP_GZIP;
    stream->flush = NO_FLUSH;
    stream->end_of_stream = 0;
}

// One isal_deflate call: consumes from `input` and writes into `output`; `last` marks the final
// input (the trailer follows). Reports what is left of each buffer and whether the stream has
// ended; returns isal_deflate's code (COMP_OK = 0).
static inline int CIsal_deflateStep(void *handle, const uint8_t *input, uint32_t inputCount, uint8_t *output,
                                    uint32_t outputCount, int last, uint32_t *inputLeft, uint32_t *outputLeft,
                                    int *ended) {
    struct isal_zstream *stream = handle;
    stream->next_in = (uint8_t *)input;
    stream->avail_in = inputCount;
    stream->next_out = output;
    stream->avail_out = outputCount;
    stream->end_of_stream = last ? 1 : 0;
    int code = isal_deflate(stream);
    *inputLeft = stream->avail_in;
    *outputLeft = stream->avail_out;
    *ended = stream->internal_state.state == ZSTATE_END;
    stream->next_in = NULL;
    return code;
}

#endif
