import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A torn or damaged journal tail that opening cut off: where, how much, and where the cut
/// bytes were kept.
public struct JournalCut: Sendable, Hashable, CustomStringConvertible {
    /// The journal.
    public var path: String
    /// The side file holding the cut bytes, byte for byte.
    public var sideFile: String
    /// The offset the journal was cut back to (just past its last good record).
    public var offset: Int64
    /// How many bytes were cut.
    public var bytes: Int64
    /// The first line that did not verify (1-based).
    public var line: Int

    public var description: String {
        "run state \(path): cut a torn tail of \(bytes) bytes from line \(line) back to its last good record (byte \(offset)); the cut bytes are kept in \(sideFile)"
    }

    /// Copies the tail to a new side file and makes it durable, then truncates the journal to
    /// `extent.goodEnd` and fsyncs it: the bytes are on disk somewhere at every moment, and a
    /// crash in between leaves at worst the tail in both places (the next open cuts it again,
    /// into another side file). Blocking.
    static func cut(_ path: String, extent: JournalExtent, now: Date) throws -> JournalCut {
        let file = try POSIXFile.openForReading(path)
        let tail = try file.read(at: extent.goodEnd, count: Int(extent.fileSize - extent.goodEnd))
        let stamp = Timestamp.compact(now)
        var side = "\(path).cut-\(stamp)"
        var suffix = 1
        while FileManager.default.fileExists(atPath: side) {
            suffix += 1
            side = "\(path).cut-\(stamp)-\(suffix)"
        }
        let fd = open(side, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXFile.error(errno, side) }
        defer { close(fd) }
        var offset = 0
        while offset < tail.count {
            let n = tail[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw POSIXFile.error(n < 0 ? errno : EIO, side) }
            offset += n
        }
        guard fsync(fd) == 0 else { throw POSIXFile.error(errno, side) }
        try POSIXFile.syncDirectory((path as NSString).deletingLastPathComponent)
        guard truncate(path, off_t(extent.goodEnd)) == 0 else { throw POSIXFile.error(errno, path) }
        let journal = open(path, O_WRONLY | O_CLOEXEC)
        guard journal >= 0 else { throw POSIXFile.error(errno, path) }
        defer { close(journal) }
        guard fsync(journal) == 0 else { throw POSIXFile.error(errno, path) }
        return JournalCut(path: path, sideFile: side, offset: extent.goodEnd, bytes: Int64(tail.count), line: extent.firstBadLine ?? 0)
    }
}
