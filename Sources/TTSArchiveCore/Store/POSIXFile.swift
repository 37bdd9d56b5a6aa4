import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file descriptor with the few operations the store needs, each turning `errno` into a
/// ``StoreError``. Blocking: call it from a dedicated thread, never from the cooperative pool.
final class POSIXFile: Sendable {
    let fd: Int32
    let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// Creates a new file that must not exist yet (O_EXCL), readable by its owner and group.
    static func createExclusive(_ path: String) throws -> POSIXFile {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXFile.error(errno, path) }
        return POSIXFile(fd: fd, path: path)
    }

    /// Creates a new private scratch file (O_EXCL, mode 600) open for writing and reading back.
    static func createScratch(_ path: String) throws -> POSIXFile {
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXFile.error(errno, path) }
        return POSIXFile(fd: fd, path: path)
    }

    /// Creates an unnamed file in `directory` (`O_TMPFILE`), open for writing and reading back;
    /// nil when the file system cannot (then use a named temp file). The file has no name until
    /// ``linkUnnamed(to:)`` gives it one, so a crash leaves nothing behind.
    static func createUnnamed(inDirectory directory: String) throws -> POSIXFile? {
        // glibc's O_TMPFILE macro is not imported into Swift; its value is the same on every
        // Linux architecture Swift supports: __O_TMPFILE (020000000) | O_DIRECTORY.
        let fd = open(directory, O_RDWR | O_CLOEXEC | 0o20000000 | O_DIRECTORY, 0o644)
        if fd >= 0 { return POSIXFile(fd: fd, path: directory) }
        let code = errno
        // Kernels or file systems without O_TMPFILE refuse with one of these.
        if code == EOPNOTSUPP || code == EISDIR || code == EINVAL { return nil }
        throw POSIXFile.error(code, directory)
    }

    /// Gives an unnamed file the name `path` without ever replacing one: like link(2), it fails
    /// with EEXIST when `path` exists. Returns 0 or the errno.
    func linkUnnamed(to path: String) -> Int32 {
        // Through /proc rather than AT_EMPTY_PATH, which needs CAP_DAC_READ_SEARCH.
        linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0 ? 0 : errno
    }

    static func openForReading(_ path: String) throws -> POSIXFile {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXFile.error(errno, path) }
        return POSIXFile(fd: fd, path: path)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw POSIXFile.error(errno, path)
            }
            offset += n
        }
    }

    /// Reads up to `buffer.count` bytes; 0 at end of file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress!, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw POSIXFile.error(errno, path) }
            return n
        }
    }

    /// Reads exactly `count` bytes at `offset` (pread), without moving the file position.
    func read(at offset: Int64, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while done < count {
                let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if n < 0 && errno == EINTR { continue }
                if n < 0 { throw POSIXFile.error(errno, path) }
                if n == 0 { throw StoreError(.io, path: path, detail: "ends before byte \(offset + Int64(count))") }
                done += n
            }
        }
        return bytes
    }

    func sync() throws {
        guard fsync(fd) == 0 else { throw POSIXFile.error(errno, path) }
    }

    /// fsyncs a directory so that a rename or link inside it survives a crash.
    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXFile.error(errno, path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw POSIXFile.error(errno, path) }
    }

    static func size(of path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }

    static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw POSIXFile.error(errno, path) }
    }

    /// Where S3 writers spool compressed bytes: `$XDG_RUNTIME_DIR/ttsarchive-spool` (a per-user
    /// tmpfs), else `STATE/spool`; never one shared path in /tmp, where another user could
    /// pre-create it, read the spool or fill it. Made 0700 and checked to be ours.
    static func privateSpoolDirectory(environment: [String: String], stateDirectory: String) throws -> String {
        let path: String
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
            path = runtime + "/ttsarchive-spool"
        } else {
            try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
            path = stateDirectory + "/spool"
        }
        if mkdir(path, 0o700) != 0 && errno != EEXIST { throw POSIXFile.error(errno, path) }
        var info = stat()
        guard lstat(path, &info) == 0 else { throw POSIXFile.error(errno, path) }
        guard info.st_mode & S_IFMT == S_IFDIR, info.st_uid == geteuid() else {
            throw StoreError(.notWritable, path: path, detail: "the spool directory is not a directory owned by this user")
        }
        if info.st_mode & 0o077 != 0 { chmod(path, 0o700) }
        return path
    }

    /// Atomically writes a small file: temp file, fsync, rename, directory fsync.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        try writeAtomically(to: path) { write in try write(bytes[...]) }
    }

    /// Atomically writes a file whose bytes `produce` hands over in pieces (buffered here):
    /// temp file, fsync, rename, directory fsync; on any error nothing replaces `path`.
    static func writeAtomically(to path: String, _ produce: ((ArraySlice<UInt8>) throws -> Void) throws -> Void) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temp = "\(path).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        do {
            let file = try createExclusive(temp)
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 16)
            func flush() throws {
                try buffer.withUnsafeBytes { try file.write($0) }
                buffer.removeAll(keepingCapacity: true)
            }
            try produce { piece in
                buffer.append(contentsOf: piece)
                if buffer.count >= 1 << 16 { try flush() }
            }
            try flush()
            try file.sync()
            guard rename(temp, path) == 0 else { throw POSIXFile.error(errno, path) }
            try syncDirectory(directory.isEmpty ? "." : directory)
        } catch {
            unlink(temp)
            throw error
        }
    }

    static func error(_ code: Int32, _ path: String) -> StoreError {
        let text = String(cString: strerror(code))
        switch code {
        case ENOSPC, EDQUOT: return StoreError(.diskFull, path: path, detail: text)
        case EROFS, EACCES, EPERM: return StoreError(.notWritable, path: path, detail: text)
        case ENOENT: return StoreError(.io, path: path, detail: text)
        default: return StoreError(.io, path: path, detail: text)
        }
    }
}
