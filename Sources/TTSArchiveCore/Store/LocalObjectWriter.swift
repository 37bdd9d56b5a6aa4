import Crypto
import Foundation
import TTSNative
#if canImport(Glibc)
import Glibc
#endif

/// Writes one object into a ``LocalObjectStore``: hashes and deflates as bytes arrive, then
/// makes the object's file durable, gives it its final name with a link that never replaces an
/// existing object, and makes the name durable (both with the store's group commit,
/// ``FileSystemSync``). An object already there is checked before it is
/// trusted (see `deduplicated`): a damaged one is quarantined and this one stored instead.
///
/// Where the compressed bytes wait until then depends on their size, because on a night of
/// 1–4 KiB artifacts the file system, not zlib or SHA-256, was the cost (bench/results.md,
/// section 2: most of the CPU in the kernel). A named temp file per object meant a create and an
/// unlink in `tmp/`, with every writer queued on that one directory's lock and ext4 searching
/// for inodes that were not freed a moment ago. So:
/// - up to ``memoryLimit`` compressed bytes stay in memory; a small object that is already
///   stored then costs one `stat` and creates no file at all;
/// - the file, when one is needed, is unnamed (`O_TMPFILE` in `tmp/`) and is named once with
///   `linkat(2)`: nothing is ever unlinked, and a crash leaves no temp file behind;
/// - on file systems without `O_TMPFILE` it is a named temp file under `tmp/` as before, which
///   ``LocalObjectStore/sweepTemporaries(now:)`` removes when its writer died.
// @unchecked: one owner at a time whose calls never overlap (``ObjectWriting``); `commit`'s
// steps run one after another, each on the I/O pool, ordered by the awaits between them.
final class LocalObjectWriter: ObjectWriting, @unchecked Sendable {
    /// Compressed bytes held in memory before they go to a file (per writer; a run has one
    /// writer per artifact in flight, so this bounds the memory of small objects).
    static let memoryLimit = 64 * 1024

    private let store: LocalObjectStore
    /// Compressed bytes not yet in `file`.
    private var held: [UInt8] = []
    /// The object's file once it outgrew `held` (or at commit).
    private var file: POSIXFile?
    /// The named temp file's path, when `file` is one (file systems without `O_TMPFILE`).
    private var tempPath: String?
    private var encoder: ObjectEncoder!
    var bytesWritten: Int64 { encoder.contentBytes }
    private var done = false
    /// `publish` made the object's shard directory.
    private var madeShard = false

    init(store: LocalObjectStore) {
        self.store = store
        // Unowned: the encoder lives and dies with this writer.
        encoder = ObjectEncoder { [unowned self] bytes in try self.accept(bytes) }
    }

    deinit { abandon() }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !done else { throw StoreError(.io, path: store.root, detail: "write after commit or abandon") }
        try encoder.write(bytes)
    }

    private func accept(_ compressed: UnsafeRawBufferPointer) throws {
        if let file {
            try file.write(compressed)
            return
        }
        held.append(contentsOf: compressed)
        if held.count > Self.memoryLimit { _ = try spill() }
    }

    /// Moves the held bytes into the object's file, creating it: in `tmp/` while the digest is
    /// unknown, in the object's own directory once it is (`shard`).
    ///
    /// Why the shard directory when it can be: ext4 allocates a new inode in its parent's block
    /// group, so a night of small objects all born in `tmp/` queued on one group's bitmap, and on
    /// a file system without a journal every allocation there scanned past the inodes freed in
    /// the last minutes (`recently_deleted`): 23% of the small night's CPU in a profile. Born in
    /// `sha256/xx/`, they spread over the 256 directories' groups, and `linkat` stays in one
    /// directory.
    private func spill(shard: String? = nil) throws -> POSIXFile {
        if let file { return file }
        let directory = shard ?? store.absolutePath("tmp")
        let file: POSIXFile
        do {
            file = try createFile(in: directory)
        } catch {
            // The directory is missing (`tmp/` removed since the store was opened, or a shard
            // directory not made yet): make it, once.
            // A shard's entry in `sha256/` is made durable by the flush after the link.
            try POSIXFile.makeDirectory(directory)
            file = try createFile(in: directory)
        }
        self.file = file
        try held.withUnsafeBytes { try file.write($0) }
        held = []
        return file
    }

    private func createFile(in directory: String) throws -> POSIXFile {
        // A named temp file always goes to `tmp/`, where the sweep finds it if this writer dies.
        if store.supportsUnnamedFiles(), let unnamed = try POSIXFile.createUnnamed(inDirectory: directory) {
            return unnamed
        }
        let path = store.newTempPath()
        let file = try POSIXFile.createExclusive(path)
        tempPath = path
        return file
    }

    /// Where ``stage()`` left the object.
    private enum Staged {
        /// Nothing to write: the same content is stored (and sound).
        case stored(StoredObject)
        /// Its bytes are in an unnamed (or temp) file, not yet durable, for `finalPath`.
        case file(ContentDigest, storedSHA256: String)
    }

    func commit() async throws -> StoredObject {
        guard !done else { throw StoreError(.io, path: store.root, detail: "commit after commit or abandon") }
        done = true
        defer { discard() }
        let pool = IOPool.shared
        // A big object (it outgrew memory) keeps fsyncs of its own: a syncfs would also write
        // out every other big object still being written, and on the audio night that made
        // each commit wait for all of them (nginx-served audio fell from 227 to 171 MB/s).
        let big = file != nil
        let (digest, storedSHA256): (ContentDigest, String)
        switch try await pool.run({ try self.stage() }) {
        case .stored(let object): return object
        case .file(let staged, let sha256): (digest, storedSHA256) = (staged, sha256)
        }
        // Group commit (FileSystemSync): the bytes are durable before the name exists, and the
        // name before the object counts; each flush is shared with the writers committing now.
        if big {
            return try await pool.run {
                try self.file?.sync()
                let object = try self.publish(digest, storedSHA256: storedSHA256)
                let shard = (self.store.absolutePath(digest.objectPath) as NSString).deletingLastPathComponent
                if object.isNew { try POSIXFile.syncDirectory(shard) }
                // A shard made for it: its entry in sha256/ too.
                if self.madeShard { try POSIXFile.syncDirectory((shard as NSString).deletingLastPathComponent) }
                return object
            }
        }
        let durability = try store.fileSystemSync()
        try await durability.flush()
        let object = try await pool.run { try self.publish(digest, storedSHA256: storedSHA256) }
        if object.isNew { try await durability.flush() }
        return object
    }
    /// Finishes the content and puts the compressed bytes in a file in the object's shard
    /// directory, unless the same content is stored already and nothing needs writing.
    private func stage() throws -> Staged {
        let (digest, storedSHA256) = try encoder.finish()
        let finalPath = store.absolutePath(digest.objectPath)
        // Already stored (and sound) while ours is still only in memory: nothing to write.
        if file == nil, POSIXFile.size(of: finalPath) != nil, let existing = try deduplicated(digest, ours: storedSHA256) {
            return .stored(existing)
        }
        _ = try spill(shard: (finalPath as NSString).deletingLastPathComponent)
        return .file(digest, storedSHA256: storedSHA256)
    }

    /// Gives the staged file (its bytes durable by now) its final name, unless a sound object
    /// has that name: then that one is reported and ours dropped.
    private func publish(_ digest: ContentDigest, storedSHA256: String) throws -> StoredObject {
        guard let file else { throw StoreError(.io, path: store.root, detail: "publish without a staged file") }
        let finalPath = store.absolutePath(digest.objectPath)
        var code = name(file, finalPath)
        if code == ENOENT {
            try POSIXFile.makeDirectory((finalPath as NSString).deletingLastPathComponent)
            madeShard = true
            code = name(file, finalPath)
        }
        if code == EEXIST {
            if let existing = try deduplicated(digest, ours: storedSHA256) { return existing }
            // It was damaged and is now in quarantine/: name ours in its place.
            code = name(file, finalPath)
            if code == EEXIST, let existing = try deduplicated(digest, ours: storedSHA256) { return existing }
        }
        if code != 0 {
            // Some file systems refuse hard links; rename is atomic too, and with identical
            // content a lost race only replaces an object by the same content.
            guard let tempPath, code == EPERM || code == EOPNOTSUPP || code == EXDEV else {
                throw POSIXFile.error(code, finalPath)
            }
            guard rename(tempPath, finalPath) == 0 else { throw POSIXFile.error(errno, finalPath) }
            self.tempPath = nil
        }
        return StoredObject(
            digest: digest, size: bytesWritten, storedSize: encoder.storedBytes,
            storedSHA256: storedSHA256, isNew: true)
    }

    /// Names the file `finalPath` unless that exists; 0 or the errno.
    private func name(_ file: POSIXFile, _ finalPath: String) -> Int32 {
        if let tempPath { return link(tempPath, finalPath) == 0 ? 0 : errno }
        return file.linkUnnamed(to: finalPath)
    }

    /// The object is already there: checks it before this content is recorded as stored by it,
    /// and reports the file that is there (its bytes may come from another deflate build: zlib or ISA-L), not
    /// the bytes that are discarded. Nil when it was damaged and has been moved to quarantine.
    ///
    /// The rule (objects are deterministic for one content and one deflate build, but not across
    /// builds, so different bytes alone do not mean damage):
    /// - shorter than any gzip member (20 bytes): damaged;
    /// - the same size and SHA-256 as the bytes this writer produced: sound, with no inflate
    ///   (the file is read once for its SHA-256, which the journal records anyway);
    /// - otherwise (another size, or the same size with other bytes): inflated in full and its
    ///   content re-hashed; only an object whose gzip stream or content digest fails is damaged.
    /// A damaged object is moved aside (``LocalObjectStore/quarantine(_:now:)``), never deleted.
    private func deduplicated(_ digest: ContentDigest, ours storedSHA256: String) throws -> StoredObject? {
        let (storedSize, theirs) = try store.measureStoredFile(digest)
        let sound: Bool
        if storedSize < LocalObjectStore.minimumObjectSize {
            sound = false
        } else if storedSize == encoder.storedBytes && theirs == storedSHA256 {
            sound = true
        } else {
            do {
                sound = try store.readObjectHere(digest).size == bytesWritten
            } catch let error as StoreError where error.code == .damaged {
                sound = false
            }
        }
        guard sound else {
            try store.quarantine(digest)
            return nil
        }
        return StoredObject(digest: digest, size: bytesWritten, storedSize: storedSize, storedSHA256: theirs, isNew: false)
    }

    private func discard() {
        held = []
        file = nil
        if let tempPath { unlink(tempPath) }
        tempPath = nil
    }

    func abandon() {
        guard !done else { return }
        done = true
        discard()
    }
}
