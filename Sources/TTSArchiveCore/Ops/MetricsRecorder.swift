import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Collects one `run` invocation's figures as it goes and writes the metrics file once, at its
/// end, whatever the end was (an outcome, a held lock, an unusable archive).
public struct MetricsRecorder: Sendable {
    /// The metrics file; nil when none was asked for.
    public let path: String?
    public let manifests: String
    public let startedAt: Date
    public private(set) var lockWait: TimeInterval = 0
    public private(set) var written = false

    public init(path: String?, manifests: String, startedAt: Date = Date()) {
        self.path = path
        self.manifests = manifests
        self.startedAt = startedAt
    }

    /// Refuses a metrics path whose folder is missing or not writable before the run starts,
    /// rather than after an hour of work.
    public func checkWritable() throws {
        guard let path else { return }
        let folder = (path as NSString).deletingLastPathComponent
        let directory = folder.isEmpty ? "." : folder
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TTSArchiveError(.configuration, "--metrics-file \(path): folder \(directory) does not exist", fix: "create it or point --metrics-file elsewhere")
        }
        guard access(directory, W_OK) == 0 else {
            throw TTSArchiveError(.configuration, "--metrics-file \(path): folder \(directory) is not writable by this user", fix: "fix its permissions or point --metrics-file elsewhere")
        }
    }

    /// Notes how long the lock took.
    public mutating func lockAcquired(waited: TimeInterval) { lockWait = waited }

    /// Writes the metrics (once; later calls do nothing). Returns a warning for stderr when the
    /// file could not be written: the run's own result stands.
    @discardableResult
    public mutating func finish(outcome: RunOutcome?, exitCode: Int32, finishedAt: Date = Date()) -> String? {
        guard let path, !written else { return nil }
        written = true
        var metrics = RunMetrics(startedAt: startedAt, finishedAt: finishedAt, exitCode: exitCode)
        metrics.manifest = outcome?.manifest
        metrics.jobsArchived = outcome?.jobCount
        metrics.oldestLinkAgeAtDownload = outcome?.oldestLinkAgeAtDownload
        metrics.lockWait = lockWait
        let directory = try? ManifestDirectory(existing: manifests)
        metrics.head = outcome?.head ?? directory.flatMap { try? $0.head() }
        metrics.lastSuccess = exitCode == 0 ? finishedAt : directory.flatMap { RunMetrics.lastSuccess(manifests: $0) }
        do {
            try metrics.write(to: path)
            return nil
        } catch {
            return "could not write the metrics file \(path): \(error)"
        }
    }
}

extension ManifestDirectory {
    /// Opens a manifests folder only if it exists (metrics must not create one).
    init(existing path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TTSArchiveError(.unusableState, "no manifests folder", path: path, fix: "point --manifests at it")
        }
        try self.init(path: path)
    }
}
