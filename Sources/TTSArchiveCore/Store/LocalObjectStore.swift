import Crypto
import Foundation
import TTSNative
#if canImport(Glibc)
import Glibc
#endif

/// The archive on a local disk:
///
/// ```
/// STORE                     marker: {"format": "ttsarchive.store/v1"}
/// sha256/ab/ab…(64 hex).gz  objects: one gzip member each, named by the SHA-256 of its content
/// tmp/                      where writers' unnamed files (O_TMPFILE) live until linked; named
///                           temp files <host>.<pid>.<random>.tmp only without O_TMPFILE
/// state/                    run state (journals, owed work), see RunState
/// quarantine/               damaged objects moved aside (by a writer or `verify --repair`),
///                           <64 hex>.<UTC time>.gz; never deleted
/// ```
public struct LocalObjectStore: ObjectStore {
    /// The archive's root directory.
    public let root: String
    public var location: String { root }
    /// Shared by copies of this value; see ``supportsUnnamedFiles()``.
    let unnamedFiles = Locked<Bool?>(nil)
    /// Shared by copies of this value; see ``fileSystemSync()``.
    private let syncer = Locked<FileSystemSync?>(nil)

    static let markerName = "STORE"
    static let markerContent = "{\"format\":\"ttsarchive.store/v1\",\"layout\":\"sha256/<2 hex>/<64 hex>.gz\"}\n"
    /// Temp files of a process on another host are swept only after this long.
    static let tempGracePeriod: TimeInterval = 24 * 3600

    /// Opens the store at `root`. With `create`, a missing or empty directory (a README is
    /// allowed) becomes a new store; a non-empty directory without the marker is refused.
    public init(root: String, create: Bool) throws {
        self.root = root
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory)
        if exists && !isDirectory.boolValue { throw StoreError(.notAStore, path: root, detail: "it is a file") }
        if FileManager.default.fileExists(atPath: absolutePath(Self.markerName)) { return }
        guard create else {
            throw StoreError(exists ? .notAStore : .io, path: root, detail: exists ? "" : "no such directory")
        }
        if exists {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
            // Our own folders without the marker: another process is creating this store right
            // now (the marker is written last), so finish the job with it.
            let ours: Set<String> = ["README.md", "sha256", "tmp", "state", "locks", "quarantine", Self.markerName]
            // `STORE.<pid>.<n>.tmp` is that process's marker being written.
            let foreign = entries.filter { !$0.hasPrefix(".") && !ours.contains($0) && !($0.hasPrefix(Self.markerName + ".") && $0.hasSuffix(".tmp")) }
            if !foreign.isEmpty { throw StoreError(.notAStore, path: root) }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            } catch {
                throw POSIXFile.error(errno == 0 ? EACCES : errno, root)
            }
        }
        try POSIXFile.makeDirectory(absolutePath("sha256"))
        try POSIXFile.makeDirectory(absolutePath("tmp"))
        try POSIXFile.writeAtomically(Array(Self.markerContent.utf8), to: absolutePath(Self.markerName))
    }

    func absolutePath(_ relative: String) -> String { root + "/" + relative }

    /// This host in temp file names (`<host>.<pid>.<random>.tmp`), which the sweep reads back.
    /// Looked up once: Foundation's `hostName` may resolve the name.
    static let hostTag = ProcessInfo.processInfo.hostName.replacingOccurrences(of: ".", with: "_")

    func newTempPath() -> String {
        absolutePath("tmp/\(Self.hostTag).\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp")
    }

    public func makeWriter() throws -> any ObjectWriting {
        LocalObjectWriter(store: self)
    }

    /// The group commit every writer of this store shares (``FileSystemSync``), opened on
    /// `sha256/` by the first writer that commits (or the run that shares it).
    func fileSystemSync() throws -> FileSystemSync {
        try syncer.withLock { syncer in
            if let syncer { return syncer }
            let made = try FileSystemSync(directory: absolutePath("sha256"))
            syncer = made
            return made
        }
    }

    /// Whether writers can use unnamed files (`O_TMPFILE` + `linkat` through `/proc`), found out
    /// by the first writer that needs a file; tests set it to false to take the named path.
    func supportsUnnamedFiles() -> Bool {
        unnamedFiles.withLock { known in
            if let known { return known }
            let works = probeUnnamedFiles()
            known = works
            return works
        }
    }

    private func probeUnnamedFiles() -> Bool {
        guard let file = try? POSIXFile.createUnnamed(inDirectory: absolutePath("tmp")) else { return false }
        let probe = newTempPath()
        defer { unlink(probe) }
        return file.linkUnnamed(to: probe) == 0
    }

    public func lookup(_ digest: ContentDigest) async throws -> StoreEntry? {
        let path = absolutePath(digest.objectPath)
        guard let size = try await IOPool.shared.run({ POSIXFile.size(of: path) }) else { return nil }
        return StoreEntry(path: digest.objectPath, digest: digest, storedSize: size)
    }

    public func openObject(_ digest: ContentDigest) async throws -> any ObjectReading {
        let path = absolutePath(digest.objectPath)
        return LocalObjectReader(file: try await IOPool.shared.run { try Self.open(path, digest) })
    }

    private static func open(_ path: String, _ digest: ContentDigest) throws -> POSIXFile {
        do {
            return try POSIXFile.openForReading(path)
        } catch {
            // Only a failed open asks why, so reading an object that is there costs one call.
            if !FileManager.default.fileExists(atPath: path) { throw StoreError(.unknownObject, path: digest.hex) }
            throw error
        }
    }

    /// ``readObject(_:limit:into:)`` for a caller already on an I/O pool thread (a writer
    /// checking the object it found under its name): the same checks, read in place. Blocking.
    func readObjectHere(_ digest: ContentDigest) throws -> ObjectReadFacts {
        let check = try ObjectContentCheck(digest, limit: nil) { _ in }
        try forEachStoredPiece(of: digest) { try check.consume($0) }
        return try check.finish()
    }

    /// Reads an object's `.gz` file on the calling thread, a piece at a time. Blocking.
    private func forEachStoredPiece(of digest: ContentDigest, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let file = try Self.open(absolutePath(digest.objectPath), digest)
        var buffer = [UInt8](repeating: 0, count: LocalObjectReader.pieceSize)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try file.read(into: $0) }
            if n == 0 { return }
            try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }

    /// The smallest gzip member: a 10-byte header, an empty deflate block, an 8-byte trailer.
    static let minimumObjectSize: Int64 = 20

    /// Moves a damaged object aside to `quarantine/<64 hex>.<UTC time>.gz` (a rename: the bytes
    /// are kept for forensics, never deleted), durably, and returns its new path. Gone already
    /// (another writer moved it) is fine.
    @discardableResult
    func quarantine(_ digest: ContentDigest, now: Date = Date()) throws -> String {
        let folder = absolutePath("quarantine")
        try POSIXFile.makeDirectory(folder)
        let stamp = Timestamp.compact(now)
        var target = "\(folder)/\(digest.hex).\(stamp).gz"
        var n = 1
        while POSIXFile.size(of: target) != nil {
            n += 1
            target = "\(folder)/\(digest.hex).\(stamp)-\(n).gz"
        }
        let source = absolutePath(digest.objectPath)
        guard rename(source, target) == 0 else {
            if errno == ENOENT { return target }
            throw POSIXFile.error(errno, source)
        }
        try POSIXFile.syncDirectory(folder)
        try POSIXFile.syncDirectory((source as NSString).deletingLastPathComponent)
        try POSIXFile.syncDirectory(root)
        return target
    }

    /// Size and SHA-256 of an object's `.gz` file. Blocking.
    func measureStoredFile(_ digest: ContentDigest) throws -> (Int64, String) {
        var hash = SHA256()
        var size: Int64 = 0
        try forEachStoredPiece(of: digest) { piece in
            size += Int64(piece.count)
            hash.update(bufferPointer: piece)
        }
        return (size, hash.finalize().hexString)
    }

    public func listEntries() async throws -> [StoreEntry] {
        try await IOPool.shared.run { [self] in listEntriesHere() }
    }

    /// Every file under the object area, read on the calling thread. Blocking.
    func listEntriesHere() -> [StoreEntry] {
        var entries: [StoreEntry] = []
        let fm = FileManager.default
        let top = (try? fm.contentsOfDirectory(atPath: root)) ?? []
        // report.html: `make demo` renders `ttsarchive report` beside the objects, on purpose.
        for name in top.sorted() where !["sha256", "tmp", "state", "locks", "quarantine", Self.markerName, "README.md", "report.html"].contains(name) && !name.hasPrefix(".") {
            entries.append(StoreEntry(path: name, digest: nil, storedSize: POSIXFile.size(of: absolutePath(name)) ?? 0))
        }
        let shards = (try? fm.contentsOfDirectory(atPath: absolutePath("sha256"))) ?? []
        for shard in shards.sorted() {
            let shardPath = "sha256/\(shard)"
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: absolutePath(shardPath), isDirectory: &isDirectory), isDirectory.boolValue else {
                entries.append(StoreEntry(path: shardPath, digest: nil, storedSize: POSIXFile.size(of: absolutePath(shardPath)) ?? 0))
                continue
            }
            for name in ((try? fm.contentsOfDirectory(atPath: absolutePath(shardPath))) ?? []).sorted() {
                let path = "\(shardPath)/\(name)"
                entries.append(StoreEntry(path: path, digest: ContentDigest(objectPath: path), storedSize: POSIXFile.size(of: absolutePath(path)) ?? 0))
            }
        }
        return entries
    }

    /// Removes temp files left by writers that are gone: same host and PID no longer alive, or
    /// older than the grace period. A live writer's temp file is never touched.
    @discardableResult
    public func sweepTemporaries(now: Date = Date()) -> Int {
        let fm = FileManager.default
        let host = Self.hostTag
        var removed = 0
        for name in (try? fm.contentsOfDirectory(atPath: absolutePath("tmp"))) ?? [] {
            let path = absolutePath("tmp/\(name)")
            let parts = name.split(separator: ".")
            var stale = false
            if parts.count >= 4, String(parts[0]) == host, let pid = Int32(parts[1]) {
                stale = pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH
            }
            if !stale, let modified = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date {
                stale = now.timeIntervalSince(modified) > Self.tempGracePeriod
            }
            if stale, unlink(path) == 0 { removed += 1 }
        }
        return removed
    }
}

/// Reads a local object's `.gz` file a piece at a time on the I/O pool.
final class LocalObjectReader: ObjectReading {
    /// The most one read returns: large enough that a typical object is one piece.
    static let pieceSize = 128 * 1024
    private let file: POSIXFile
    init(file: POSIXFile) { self.file = file }

    func next() async throws -> [UInt8] {
        try await IOPool.shared.run { [file] in
            var piece = [UInt8](repeating: 0, count: Self.pieceSize)
            let n = try piece.withUnsafeMutableBytes { try file.read(into: $0) }
            piece.removeSubrange(n...)
            return piece
        }
    }
}
