internal import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// `syncfs(2)`: the whole-file-system flush that the core's group commit is built on.
public enum FileSystemFlush {
    /// Flushes every dirty page and inode of the file system that `fd` is on and waits for the
    /// device. Returns 0, or the errno (writeback errors since `fd` was opened, Linux ≥ 5.8).
    public static func sync(_ fd: Int32) -> Int32 {
        clinux_syncfs(fd) == 0 ? 0 : errno
    }
}
