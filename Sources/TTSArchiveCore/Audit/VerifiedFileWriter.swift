import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes one object's original bytes to a file that appears under its final name only when
/// the bytes re-hashed to the object's digest and their count is the manifest's size: a temp
/// file in the same folder, fsync, then `link(2)` (which never replaces anything) or, when
/// replacing is allowed, `rename(2)`. The folder's entry is made durable by the caller, once
/// per folder (``syncDirectories(_:)``), not once per file. Its file work runs on the I/O pool
/// (``write(_:from:to:replace:)`` is async); the other calls are blocking.
enum VerifiedFileWriter {
    /// An error of the output file, told apart from the store's own while streaming.
    private struct SinkFailure: Error { var underlying: any Error }

    /// Writes `file`'s object to `finalPath`; throws ``AuditError`` only, leaving no file behind
    /// under any name when it throws.
    static func write(_ file: PayloadFile, from store: any ObjectStore, to finalPath: String, replace: Bool) async throws {
        let directory = (finalPath as NSString).deletingLastPathComponent
        let temp = "\(directory)/.ttsarchive-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).tmp"
        let output: POSIXFile
        do {
            output = try await IOPool.shared.run { try POSIXFile.createExclusive(temp) }
        } catch {
            throw AuditError(.io(path: temp, detail: "\(error)"))
        }
        var published = false
        defer { if !published { unlink(temp) } }
        let written: Int64
        do {
            // The sink runs on the read's strand of the I/O pool (ObjectStore.readObject).
            written = try await store.readObject(file.digest, limit: file.size) { chunk in
                do { try output.write(chunk) } catch { throw SinkFailure(underlying: error) }
            }.size
            try await IOPool.shared.run { try output.sync() }
        } catch let failure as SinkFailure {
            throw AuditError(.io(path: finalPath, detail: "\(failure.underlying)"))
        } catch let error as StoreError where error.code == .damaged {
            throw AuditError(.damagedObject(object: file.digest.objectPath, detail: error.detail))
        } catch let error as StoreError where error.code == .unknownObject {
            throw AuditError(.damagedObject(object: file.digest.objectPath, detail: "it is not in the store (\(file.jobID)'s \(finalPath))"))
        } catch {
            throw AuditError(.io(path: finalPath, detail: "\(error)"))
        }
        guard written == file.size else {
            throw AuditError(.damagedObject(
                object: file.digest.objectPath, detail: "it holds \(written) bytes but the manifest says \(file.size)"))
        }
        try await IOPool.shared.run { try publish(temp, as: finalPath, replace: replace) }
        published = true
    }

    /// Gives the verified temp file its final name. Blocking.
    private static func publish(_ temp: String, as finalPath: String, replace: Bool) throws {
        if replace {
            guard rename(temp, finalPath) == 0 else { throw AuditError(.io(path: finalPath, detail: String(cString: strerror(errno)))) }
        } else {
            guard link(temp, finalPath) == 0 else {
                if errno == EEXIST { throw AuditError(.targetExists([finalPath])) }
                throw AuditError(.io(path: finalPath, detail: String(cString: strerror(errno))))
            }
            unlink(temp)
        }
    }

    /// Makes `path` a directory (not through a symlink): an existing directory is fine,
    /// anything else there is refused.
    static func makeDirectory(_ path: String) throws {
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw AuditError(.unsafeTarget(path: path, found: info.st_mode & S_IFMT == S_IFLNK ? "a symbolic link" : "a file"))
            }
            return
        }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw AuditError(.io(path: path, detail: String(cString: strerror(errno))))
        }
    }

    /// fsyncs each folder, so the names linked or renamed into it survive a crash: a file's own
    /// fsync makes its bytes durable, not the entry that names it. `restore` and `export` call
    /// this before they report success. Throws ``AuditError`` (exit 4) naming the folder.
    static func syncDirectories(_ paths: [String]) throws {
        for path in paths {
            do {
                try POSIXFile.syncDirectory(path)
            } catch {
                throw AuditError(.io(path: path, detail: "cannot make the folder durable: \(error)"))
            }
        }
    }

    /// True when something (even a dangling symlink) is at `path`.
    static func occupied(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }
}
