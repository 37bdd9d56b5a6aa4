internal import CLinux

/// Process-wide allocator settings, for executables only (a library must not change them).
public enum MallocTuning {
    /// Caps glibc's malloc arenas. glibc gives threads that contend for the allocator arenas of
    /// their own (up to 8 per core), and memory freed into one arena is not reused by another,
    /// so a process with many short-lived threads holds more than it uses. Call it first thing.
    public static func limitArenas(to count: Int32) {
        _ = clinux_set_arena_max(count)
    }

    /// Serves blocks of `bytes` or more with their own mappings, returned to the kernel when
    /// freed. glibc otherwise raises that threshold each time such a block is freed, after
    /// which the deflate states and transfer buffers of a run (64 KiB–0.5 MiB each, made and
    /// freed all night) come from the heap and leave it fragmented: the small night's heap
    /// held ~4 MiB more at its peak (bench/results.md, "Memory floor").
    public static func mapLargeBlocks(atLeast bytes: Int32) {
        _ = clinux_set_mmap_threshold(bytes)
    }
}
