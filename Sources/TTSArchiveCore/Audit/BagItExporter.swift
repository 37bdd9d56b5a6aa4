import Foundation
import TTSNative
#if canImport(Glibc)
import Glibc
#endif

/// Writes a ``BagPlan`` as a bag folder or as one `.tar` / `.tar.gz` file, reading and
/// verifying every object on the way. Output appears under its final name only when whole:
/// the bag is built in a sibling temp folder and renamed, the tar in a temp file and linked.
/// Every file and folder is fsynced before success is reported. Blocking.
public struct BagItExporter: Sendable {
    public let store: any ObjectStore
    public let parallelism: Int

    /// gzip for `.tar.gz`: zlib level 6, default strategy (deterministic: MTIME 0, no name).
    static let tarGzipProfile = GzipProfile(level: 6, strategy: .default)

    /// An exporter reading objects from `store` on `parallelism` threads.
    public init(store: any ObjectStore, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.store = store
        self.parallelism = max(1, parallelism)
    }

    /// Writes the bag as the folder `directory`, which must not exist or be empty.
    public func writeDirectory(_ plan: BagPlan, to directory: String) throws {
        var info = stat()
        let existed = lstat(directory, &info) == 0
        if existed {
            let empty = info.st_mode & S_IFMT == S_IFDIR && ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? ["?"]).isEmpty
            guard empty else { throw AuditError(.targetExists([directory])) }
        }
        let parent = Self.parent(of: directory)
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw AuditError(.io(path: parent, detail: "cannot create the folder"))
        }
        let temp = "\(parent)/.\((directory as NSString).lastPathComponent).ttsarchive-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        var done = false
        defer { if !done { try? FileManager.default.removeItem(atPath: temp) } }
        try VerifiedFileWriter.makeDirectory(temp)
        try VerifiedFileWriter.makeDirectory(temp + "/data")
        for folder in plan.payloadFolders { try VerifiedFileWriter.makeDirectory("\(temp)/data/\(folder)") }
        let store = self.store
        let errors = StoreVerifier.parallelMap(plan.payload.files, parallelism: parallelism) { file -> AuditError? in
            do {
                try VerifiedFileWriter.write(file, from: store, to: "\(temp)/data/\(file.relativePath)", replace: false)
                return nil
            } catch {
                return error as? AuditError ?? AuditError(.io(path: file.relativePath, detail: "\(error)"))
            }
        }
        // Damage outranks anything else: it is what an auditor must hear about.
        if let error = errors.compactMap({ $0 }).min(by: { ($0.exitCode == 5 ? 0 : 1) < ($1.exitCode == 5 ? 0 : 1) }) { throw error }
        for tag in plan.tagFiles {
            do {
                try POSIXFile.writeAtomically(tag.bytes, to: "\(temp)/\(tag.name)")
            } catch {
                throw AuditError(.io(path: "\(directory)/\(tag.name)", detail: "\(error)"))
            }
        }
        // Durable before it gets its name: each payload folder, data/ and the bag's own folder
        // (the files themselves were fsynced as they were written; tag files by writeAtomically).
        try VerifiedFileWriter.syncDirectories(plan.payloadFolders.map { "\(temp)/data/\($0)" } + [temp + "/data", temp])
        if existed { rmdir(directory) }
        guard rename(temp, directory) == 0 else {
            let code = errno
            throw code == EEXIST || code == ENOTEMPTY
                ? AuditError(.targetExists([directory])) : AuditError(.io(path: directory, detail: String(cString: strerror(code))))
        }
        done = true
        // The rename itself: without this, a crash could leave the bag under its temp name.
        try VerifiedFileWriter.syncDirectories([parent])
    }

    /// Writes the bag as one tar file (gzip-compressed when `gzip`), its entries under
    /// `<run id>/` in byte order. `file` must not exist.
    public func writeTar(_ plan: BagPlan, to file: String, gzip: Bool) throws {
        if VerifiedFileWriter.occupied(file) { throw AuditError(.targetExists([file])) }
        let temp = "\(file).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let output: POSIXFile
        let deflater: GzipDeflater?
        do {
            output = try POSIXFile.createExclusive(temp)
            deflater = gzip ? try GzipDeflater(profile: Self.tarGzipProfile) : nil
        } catch {
            unlink(temp)
            throw AuditError(.io(path: file, detail: "\(error)"))
        }
        defer { unlink(temp) }
        let tar = TarWriter(mtime: plan.mtime) { bytes in
            if let deflater { try deflater.update(bytes) { try output.write($0) } } else { try output.write(bytes) }
        }
        do {
            try writeEntries(plan, to: tar)
            try tar.finish()
            try deflater?.finish { try output.write($0) }
            try output.sync()
        } catch let error as AuditError {
            throw error
        } catch {
            throw AuditError(.io(path: file, detail: "\(error)"))
        }
        guard link(temp, file) == 0 else {
            throw errno == EEXIST ? AuditError(.targetExists([file])) : AuditError(.io(path: file, detail: String(cString: strerror(errno))))
        }
        // The link is the success: made durable before it is reported (the bytes were fsynced above).
        try VerifiedFileWriter.syncDirectories([Self.parent(of: file)])
    }

    /// Every folder, tag file and payload file, sorted by path (a folder before its contents).
    private func writeEntries(_ plan: BagPlan, to tar: TarWriter) throws {
        enum Entry { case folder, tag([UInt8]), payload(PayloadFile) }
        let top = plan.payload.manifest.runID
        var entries: [(path: String, entry: Entry)] = [(top + "/", .folder), (top + "/data/", .folder)]
        entries += plan.payloadFolders.map { ("\(top)/data/\($0)/", .folder) }
        entries += plan.tagFiles.map { ("\(top)/\($0.name)", .tag($0.bytes)) }
        entries += plan.payload.files.map { ("\(top)/data/\($0.relativePath)", .payload($0)) }
        entries.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        for (path, entry) in entries {
            switch entry {
            case .folder:
                try tar.addDirectory(String(path.dropLast()))
            case .tag(let bytes):
                try tar.addFile(path, bytes: bytes)
            case .payload(let file):
                try tar.beginFile(path, size: file.size)
                do {
                    try store.readObject(file.digest, limit: file.size) { try tar.write($0) }
                } catch let error as StoreError where error.code == .damaged || error.code == .unknownObject {
                    throw AuditError(.damagedObject(object: file.digest.objectPath, detail: error.code == .damaged ? error.detail : "it is not in the store"))
                } catch TarWriter.Failure.sizeMismatch(_, let declared, let written) {
                    throw AuditError(.damagedObject(object: file.digest.objectPath, detail: "it holds more than the \(declared) bytes the manifest says (\(written) so far)"))
                }
                do {
                    try tar.endFile()
                } catch TarWriter.Failure.sizeMismatch(_, let declared, let written) {
                    throw AuditError(.damagedObject(object: file.digest.objectPath, detail: "it holds \(written) bytes but the manifest says \(declared)"))
                }
            }
        }
    }

    static func parent(of path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }
}
