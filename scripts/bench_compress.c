// The compression limit: ttsarchive's deflate settings on the same bytes, in memory, on N cores.
//
// usage: bench_compress DIR [PROCESSES]         -> "<seconds> <bytes> <files> <compressed bytes>"
//        bench_compress --study DIR             -> one line per (kind, engine): MB/s, files/s, ratio
// Built by scripts/bench.sh with `cc -O2 ... -lisal -lz`. Every file of DIR is read into memory
// first (not timed); files are dealt to PROCESSES forked workers balanced by size, and the wall
// time from the common start to the last worker's end is printed. Each file is deflated as the
// store does (Sources/TTSArchiveCore/Store/CompressionChoice.swift, Sources/TTSNative/
// IsalGzipDeflater.swift): kind from the first 512 bytes (RIFF/ID3 or control bytes: binary);
// binary with ISA-L igzip level 2, text with igzip level 1; igzip is fed in 64 KiB blocks and
// drained through a 16 KiB window, one stream reset per file (the product pools its states).
// --study compares the candidate settings per kind on one core (the figures in CompressionChoice).
#include <dirent.h>
#include <isa-l/igzip_lib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

typedef struct { char *path; uint8_t *data; size_t size; int text; } blob;
enum engine { ISAL1, ISAL2, ISAL3, ZLIB6_RLE, ZLIB6, PRODUCT };
static const char *engine_names[] = {"igzip L1", "igzip L2", "igzip L3", "zlib L6 Z_RLE", "zlib L6", "product"};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int is_text(const uint8_t *p, size_t n) {
    if (n > 512) n = 512;
    if (n >= 4 && !memcmp(p, "RIFF", 4)) return 0;
    if (n >= 3 && !memcmp(p, "ID3", 3)) return 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x20 && p[i] != 9 && p[i] != 10 && p[i] != 13) return 0;
    return 1;
}

static uint8_t out[16 * 1024];

static size_t deflate_isal(const uint8_t *p, size_t n, uint32_t level) {
    static uint8_t *level_buf;
    if (!level_buf) level_buf = malloc(ISAL_DEF_LVL3_DEFAULT);
    struct isal_zstream s;
    isal_deflate_init(&s);
    s.level = level;
    s.level_buf = level_buf;
    s.level_buf_size = level == 1 ? ISAL_DEF_LVL1_DEFAULT : level == 2 ? ISAL_DEF_LVL2_MEDIUM : ISAL_DEF_LVL3_DEFAULT;  // as Sources/CIsal
    s.gzip_flag = IGZIP_GZIP;
    size_t total = 0, off = 0, fill = 0;
    do {
        size_t take = n - off > 65536 ? 65536 : n - off;
        s.next_in = (uint8_t *)p + off;
        s.avail_in = take;
        off += take;
        s.end_of_stream = off == n;
        for (;;) {
            s.next_out = out + fill;
            s.avail_out = sizeof out - fill;
            uint32_t room = s.avail_out;
            if (isal_deflate(&s) != COMP_OK) { fprintf(stderr, "isal_deflate failed\n"); exit(1); }
            fill += room - s.avail_out;
            if (fill == sizeof out) { total += fill; fill = 0; continue; }
            if (s.end_of_stream ? s.internal_state.state == ZSTATE_END : s.avail_in == 0) break;
        }
    } while (off < n);
    return total + fill;
}

static size_t deflate_zlib(const uint8_t *p, size_t n, int strategy) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, strategy) != Z_OK) exit(1);
    z.next_in = (uint8_t *)p;
    z.avail_in = n;
    size_t total = 0;
    int code;
    do {
        z.next_out = out;
        z.avail_out = sizeof out;
        code = deflate(&z, Z_FINISH);
        total += sizeof out - z.avail_out;
    } while (code == Z_OK);
    deflateEnd(&z);
    return total;
}

static size_t squeeze(const blob *b, enum engine e) {
    switch (e) {
    case ISAL1: return deflate_isal(b->data, b->size, 1);
    case ISAL2: return deflate_isal(b->data, b->size, 2);
    case ISAL3: return deflate_isal(b->data, b->size, 3);
    case ZLIB6_RLE: return deflate_zlib(b->data, b->size, Z_RLE);
    case ZLIB6: return deflate_zlib(b->data, b->size, Z_DEFAULT_STRATEGY);
    default: return deflate_isal(b->data, b->size, b->text ? 1 : 2);
    }
}

static blob *load(const char *dir, size_t *count) {
    DIR *d = opendir(dir);
    if (!d) { perror(dir); exit(2); }
    size_t cap = 1024, n = 0;
    blob *blobs = malloc(cap * sizeof *blobs);
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) || !S_ISREG(st.st_mode)) continue;
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        if (n == cap) blobs = realloc(blobs, (cap *= 2) * sizeof *blobs);
        blobs[n].data = malloc(st.st_size ? st.st_size : 1);
        blobs[n].size = fread(blobs[n].data, 1, st.st_size, f);
        blobs[n].text = is_text(blobs[n].data, blobs[n].size);
        fclose(f);
        n++;
    }
    closedir(d);
    *count = n;
    return blobs;
}

static int by_size_desc(const void *a, const void *b) {
    size_t x = ((const blob *)a)->size, y = ((const blob *)b)->size;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void study(blob *blobs, size_t n) {
    for (int text = 0; text <= 1; text++) {
        for (int e = ISAL1; e <= ZLIB6; e++) {
            double best = 1e9;
            size_t in = 0, outn = 0, files = 0;
            for (int rep = 0; rep < 3; rep++) {
                in = outn = files = 0;
                double t0 = now();
                for (size_t i = 0; i < n; i++) {
                    if (blobs[i].text != text) continue;
                    outn += squeeze(&blobs[i], e);
                    in += blobs[i].size;
                    files++;
                }
                double t = now() - t0;
                if (t < best) best = t;
            }
            if (!files) continue;
            printf("%-6s %-14s files %6zu  MB %8.2f  MB/s %7.1f  files/s %8.0f  ratio %.3f\n", text ? "text" : "binary",
                   engine_names[e], files, in / 1e6, in / 1e6 / best, files / best, (double)outn / in);
        }
    }
}

int main(int argc, char **argv) {
    if (argc >= 3 && !strcmp(argv[1], "--study")) {
        size_t n;
        blob *blobs = load(argv[2], &n);
        study(blobs, n);
        return 0;
    }
    if (argc < 2) { fprintf(stderr, "usage: bench_compress DIR [PROCESSES] | --study DIR\n"); return 2; }
    int procs = argc > 2 ? atoi(argv[2]) : 2;
    size_t n;
    blob *blobs = load(argv[1], &n);
    qsort(blobs, n, sizeof *blobs, by_size_desc);
    size_t *loads = calloc(procs, sizeof *loads), total = 0;
    int *owner = malloc(n * sizeof *owner);
    for (size_t i = 0; i < n; i++) {  // largest first onto the lightest share
        int k = 0;
        for (int j = 1; j < procs; j++) if (loads[j] < loads[k]) k = j;
        owner[i] = k;
        loads[k] += blobs[i].size;
        total += blobs[i].size;
    }
    int fds[2];
    if (pipe(fds)) return 1;
    double t0 = now();
    for (int k = 0; k < procs; k++) {
        if (fork() == 0) {
            size_t o = 0;
            for (size_t i = 0; i < n; i++) if (owner[i] == k) o += squeeze(&blobs[i], PRODUCT);
            double end = now();
            char line[64];
            int len = snprintf(line, sizeof line, "%.6f %zu\n", end, o);
            if (write(fds[1], line, len) != len) _exit(1);
            _exit(0);
        }
    }
    close(fds[1]);
    FILE *r = fdopen(fds[0], "r");
    double last = t0;
    size_t compressed = 0;
    for (int k = 0; k < procs; k++) {
        double end;
        size_t o;
        if (fscanf(r, "%lf %zu", &end, &o) != 2) return 1;
        if (end > last) last = end;
        compressed += o;
    }
    while (wait(NULL) > 0) {}
    printf("%.3f %zu %zu %zu\n", last - t0, total, n, compressed);
    return 0;
}
