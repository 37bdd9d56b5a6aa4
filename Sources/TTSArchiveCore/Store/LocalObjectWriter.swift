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
    private var encoder: ObjectEncoder!
    var bytesWritten: Int64 { encoder.contentBytes }
    private var done = false

    init(store: LocalObjectStore) throws {
        self.store = store
        tempPath = store.newTempPath()
        file = try POSIXFile.createExclusive(tempPath)
        // Unowned: the encoder lives and dies with this writer, and the file closes with it.
        encoder = ObjectEncoder { [unowned self] bytes in
            guard let file = self.file else { throw StoreError(.io, path: self.tempPath, detail: "write after abandon") }
            try file.write(bytes)
        }
    }

    deinit { abandon() }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !done else { throw StoreError(.io, path: tempPath, detail: "write after commit") }
        try encoder.write(bytes)
    }

    func commit() throws -> StoredObject {
        guard !done, let file else { throw StoreError(.io, path: tempPath, detail: "commit after abandon") }
        let (digest, storedSHA256) = try encoder.finish()
        let storedBytes = encoder.storedBytes
        try file.sync()
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
                storedSHA256: storedSHA256, isNew: true)
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
                storedSHA256: storedSHA256, isNew: true)
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
