import Foundation
import TTSNative
#if canImport(Glibc)
import Glibc
#endif

/// Writes a ``BagPlan`` as a bag folder or as one `.tar` / `.tar.gz` file, reading and
/// verifying every object on the way. Output appears under its final name only when whole:
/// the bag is built in a sibling temp folder and renamed, the tar in a temp file and linked.
/// Every file and folder is fsynced before success is reported. File work runs on the I/O pool.
public struct BagItExporter: Sendable {
    public let store: any ObjectStore
    public let parallelism: Int

    /// gzip for `.tar.gz`: zlib level 6, default strategy (deterministic: MTIME 0, no name).
    static let tarGzipProfile = GzipProfile(level: 6, strategy: .default)

    /// An exporter writing `parallelism` files of a bag folder at a time.
    public init(store: any ObjectStore, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.store = store
        self.parallelism = max(1, parallelism)
    }

    /// Writes the bag as the folder `directory`, which must not exist or be empty.
    public func writeDirectory(_ plan: BagPlan, to directory: String) async throws {
        let (existed, temp) = try await IOPool.shared.run { try Self.prepareFolder(plan, for: directory) }
        var done = false
        defer { if !done { try? FileManager.default.removeItem(atPath: temp) } }
        let store = self.store
        let errors = await StoreVerifier.parallelMap(plan.payload.files, parallelism: parallelism) { file -> AuditError? in
            do {
                try await VerifiedFileWriter.write(file, from: store, to: "\(temp)/data/\(file.relativePath)", replace: false)
                return nil
            } catch {
                return error as? AuditError ?? AuditError(.io(path: file.relativePath, detail: "\(error)"))
            }
        }
        // Damage outranks anything else: it is what an auditor must hear about.
        if let error = errors.compactMap({ $0 }).min(by: { ($0.exitCode == 5 ? 0 : 1) < ($1.exitCode == 5 ? 0 : 1) }) { throw error }
        try await IOPool.shared.run { try Self.finishFolder(plan, temp: temp, as: directory, replacingEmpty: existed) }
        done = true
    }

    /// Refuses a non-empty target and makes the bag's temp folder beside it, with its payload
    /// folders; returns whether the (empty) target existed and the temp folder. Blocking.
    private static func prepareFolder(_ plan: BagPlan, for directory: String) throws -> (Bool, String) {
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
        do {
            try VerifiedFileWriter.makeDirectory(temp)
            try VerifiedFileWriter.makeDirectory(temp + "/data")
            for folder in plan.payloadFolders { try VerifiedFileWriter.makeDirectory("\(temp)/data/\(folder)") }
        } catch {
            try? FileManager.default.removeItem(atPath: temp)
            throw error
        }
        return (existed, temp)
    }

    /// Writes the tag files, makes the bag durable and gives it its name. Blocking.
    private static func finishFolder(_ plan: BagPlan, temp: String, as directory: String, replacingEmpty existed: Bool) throws {
        let parent = Self.parent(of: directory)
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
        // The rename itself: without this, a crash could leave the bag under its temp name.
        try VerifiedFileWriter.syncDirectories([parent])
    }

    /// Writes the bag as one tar file (gzip-compressed when `gzip`), its entries under
    /// `<run id>/` in byte order. `file` must not exist.
    public func writeTar(_ plan: BagPlan, to file: String, gzip: Bool) async throws {
        let temp = "\(file).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let tar = try await IOPool.shared.run { SerialBox(try TarOutput(file: file, temp: temp, gzip: gzip, mtime: plan.mtime)) }
        defer { unlink(temp) }
        do {
            try await writeEntries(plan, to: tar)
            try await IOPool.shared.run { try tar.value.finish() }
        } catch let error as AuditError {
            throw error
        } catch {
            throw AuditError(.io(path: file, detail: "\(error)"))
        }
        try await IOPool.shared.run {
            guard link(temp, file) == 0 else {
                throw errno == EEXIST ? AuditError(.targetExists([file])) : AuditError(.io(path: file, detail: String(cString: strerror(errno))))
            }
            // The link is the success: made durable before it is reported (the bytes were fsynced by finish).
            try VerifiedFileWriter.syncDirectories([Self.parent(of: file)])
        }
    }

    /// Every folder, tag file and payload file, sorted by path (a folder before its contents).
    /// One entry at a time: the tar's writes run on the I/O pool, a payload's in its read's sink.
    private func writeEntries(_ plan: BagPlan, to tar: SerialBox<TarOutput>) async throws {
        enum Entry: Sendable { case folder, tag([UInt8]), payload(PayloadFile) }
        let top = plan.payload.manifest.runID
        var entries: [(path: String, entry: Entry)] = [(top + "/", .folder), (top + "/data/", .folder)]
        entries += plan.payloadFolders.map { ("\(top)/data/\($0)/", .folder) }
        entries += plan.tagFiles.map { ("\(top)/\($0.name)", .tag($0.bytes)) }
        entries += plan.payload.files.map { ("\(top)/data/\($0.relativePath)", .payload($0)) }
        entries.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        for (path, entry) in entries {
            switch entry {
            case .folder:
                try await IOPool.shared.run { try tar.value.writer.addDirectory(String(path.dropLast())) }
            case .tag(let bytes):
                try await IOPool.shared.run { try tar.value.writer.addFile(path, bytes: bytes) }
            case .payload(let file):
                try await IOPool.shared.run { try tar.value.writer.beginFile(path, size: file.size) }
                do {
                    try await store.readObject(file.digest, limit: file.size) { try tar.value.writer.write($0) }
                } catch let error as StoreError where error.code == .damaged || error.code == .unknownObject {
                    throw AuditError(.damagedObject(object: file.digest.objectPath, detail: error.code == .damaged ? error.detail : "it is not in the store"))
                } catch TarWriter.Failure.sizeMismatch(_, let declared, let written) {
                    throw AuditError(.damagedObject(object: file.digest.objectPath, detail: "it holds more than the \(declared) bytes the manifest says (\(written) so far)"))
                }
                do {
                    try await IOPool.shared.run { try tar.value.writer.endFile() }
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
