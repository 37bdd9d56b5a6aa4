import Foundation

/// What `restore` did.
public struct RestoreReport: Sendable {
    /// Files written, relative to the output folder.
    public var written: [String] = []
    /// Original bytes written.
    public var bytes: Int64 = 0
    /// Files not written, with why (a damaged object, a full disk).
    public var failures: [(path: String, error: AuditError)] = []
    /// Jobs left out because their ids cannot be made safe.
    public var refused: [RefusedJob] = []

    /// The exit code: 5 when an object was damaged, 4 when the output failed, 1 when only
    /// refused jobs are missing, 0 when everything was written.
    public var exitCode: Int32 {
        if failures.contains(where: { $0.error.exitCode == ExitClass.damage.code }) { return ExitClass.damage.code }
        if let failure = failures.first { return failure.error.exitCode }
        return (refused.isEmpty ? ExitClass.success : .partial).code
    }
}

/// Restores a run's files to `<out>/<safe job id>/<kind>-<file_index>.<ext>`, verifying each
/// while it is written, `parallelism` files at a time; file work runs on the I/O pool.
public struct Restorer: Sendable {
    public let store: any ObjectStore
    public let parallelism: Int

    /// A restorer writing `parallelism` files at a time.
    public init(store: any ObjectStore, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.store = store
        self.parallelism = max(1, parallelism)
    }

    /// Writes `payload` under `directory` (created if missing). Without `overwrite`, any
    /// existing target is refused before anything is written (``AuditError/Code/targetExists``).
    public func restore(_ payload: RunPayload, into directory: String, overwrite: Bool) async throws -> RestoreReport {
        try await IOPool.shared.run { try Self.prepare(payload, into: directory, overwrite: overwrite) }
        let store = self.store
        let results = await StoreVerifier.parallelMap(payload.files, parallelism: parallelism) { file -> AuditError? in
            do {
                try await VerifiedFileWriter.write(file, from: store, to: "\(directory)/\(file.relativePath)", replace: overwrite)
                return nil
            } catch let error as AuditError {
                return error
            } catch {
                return AuditError(.io(path: file.relativePath, detail: "\(error)"))
            }
        }
        // Success means on disk: every job folder, the output folder and its parent (which may
        // have just created it) are fsynced after the files were linked into them.
        let folders = Set(payload.files.map { "\(directory)/\($0.relativePath.split(separator: "/")[0])" }).sorted()
        try await IOPool.shared.run { try VerifiedFileWriter.syncDirectories(folders + [directory, BagItExporter.parent(of: directory)]) }
        var report = RestoreReport()
        report.refused = payload.refused
        for (file, error) in zip(payload.files, results) {
            if let error {
                report.failures.append((file.relativePath, error))
            } else {
                report.written.append(file.relativePath)
                report.bytes += file.size
            }
        }
        return report
    }

    /// The output folder and a folder per job; without `overwrite`, nothing may be there yet. Blocking.
    private static func prepare(_ payload: RunPayload, into directory: String, overwrite: Bool) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw AuditError(.io(path: directory, detail: "cannot create the output folder"))
        }
        try VerifiedFileWriter.makeDirectory(directory)
        if !overwrite {
            let taken = payload.files.map { "\(directory)/\($0.relativePath)" }.filter(VerifiedFileWriter.occupied)
            if !taken.isEmpty { throw AuditError(.targetExists(taken)) }
        }
        for folder in Set(payload.files.map { $0.relativePath.split(separator: "/")[0] }).sorted() {
            try VerifiedFileWriter.makeDirectory("\(directory)/\(folder)")
        }
    }
}
