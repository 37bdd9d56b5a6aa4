internal import CLinux

/// Process-wide allocator settings, for executables only (a library must not change them).
public enum MallocTuning {
    /// Caps glibc's malloc arenas. glibc gives threads that contend for the allocator arenas of
    /// their own (up to 8 per core), and memory freed into one arena is not reused by another,
    /// so a process with many short-lived threads holds more than it uses. Call it first thing.
    public static func limitArenas(to count: Int32) {
        _ = clinux_set_arena_max(count)
    }
}
