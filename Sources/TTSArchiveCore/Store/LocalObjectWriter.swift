import Crypto
import Foundation
import TTSNative
#if canImport(Glibc)
import Glibc
#endif

/// Writes one object into a ``LocalObjectStore``: hashes and deflates as bytes arrive into a
/// temp file under `tmp/`, then fsyncs and publishes it with `link(2)`, which never replaces an
/// existing object, and fsyncs the directory.
final class LocalObjectWriter: ObjectWriting {
    private let store: LocalObjectStore
    private let tempPath: String
    private var file: POSIXFile?
    private var contentHash = SHA256()
    private var storedHash = SHA256()
    private var deflater: GzipDeflater?
    private var pending: [UInt8] = []
    private(set) var bytesWritten: Int64 = 0
    private var storedBytes: Int64 = 0
    private var done = false

    init(store: LocalObjectStore) throws {
        self.store = store
        tempPath = store.newTempPath()
        file = try POSIXFile.createExclusive(tempPath)
    }

    deinit { abandon() }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !done else { throw StoreError(.io, path: tempPath, detail: "write after commit") }
        contentHash.update(bufferPointer: bytes)
        bytesWritten += Int64(bytes.count)
        if let deflater {
            try deflater.update(bytes, sink: emit)
            return
        }
        // Hold the first bytes until there are enough to choose the compression profile.
        pending.append(contentsOf: bytes)
        if pending.count >= CompressionChoice.sniffLength { try startDeflating() }
    }

    private func startDeflating() throws {
        let deflater = try GzipDeflater(profile: CompressionChoice.profile(forPrefix: pending.prefix(CompressionChoice.sniffLength)))
        self.deflater = deflater
        let held = pending
        pending = []
        try held.withUnsafeBytes { try deflater.update($0, sink: emit) }
    }

    private func emit(_ compressed: UnsafeRawBufferPointer) throws {
        storedHash.update(bufferPointer: compressed)
        storedBytes += Int64(compressed.count)
        try file!.write(compressed)
    }

    func commit() throws -> StoredObject {
        guard !done, let file else { throw StoreError(.io, path: tempPath, detail: "commit after abandon") }
        if deflater == nil { try startDeflating() }
        try deflater!.finish(sink: emit)
        try file.sync()
        let digest = ContentDigest(contentHash.finalize())
        let finalPath = store.absolutePath(digest.objectPath)
        let directory = (finalPath as NSString).deletingLastPathComponent
        try POSIXFile.makeDirectory(directory)
        done = true
        self.file = nil
        defer { unlink(tempPath) }
        if link(tempPath, finalPath) == 0 {
            try POSIXFile.syncDirectory(directory)
            return StoredObject(
                digest: digest, size: bytesWritten, storedSize: storedBytes,
                storedSHA256: storedHash.finalize().hexString, isNew: true)
        }
        let linkError = errno
        if linkError == EEXIST {
            // De-duplicated: report the file that is there (its bytes may come from another
            // zlib build), not the temp file that is discarded.
            let (storedSize, storedSHA256) = try store.measureStoredFile(digest)
            return StoredObject(
                digest: digest, size: bytesWritten, storedSize: storedSize, storedSHA256: storedSHA256, isNew: false)
        }
        // Some file systems refuse hard links; rename is atomic too, and with identical content
        // a lost race only replaces an object by the same bytes.
        if linkError == EPERM || linkError == EOPNOTSUPP || linkError == EXDEV {
            guard rename(tempPath, finalPath) == 0 else { throw POSIXFile.error(errno, finalPath) }
            try POSIXFile.syncDirectory(directory)
            return StoredObject(
                digest: digest, size: bytesWritten, storedSize: storedBytes,
                storedSHA256: storedHash.finalize().hexString, isNew: true)
        }
        throw POSIXFile.error(linkError, finalPath)
    }

    func abandon() {
        guard !done else { return }
        done = true
        file = nil
        unlink(tempPath)
    }
}
