import Foundation

/// One artifact of a run as a file: where it goes under the output folder and what it must hold.
public struct PayloadFile: Sendable, Hashable {
    /// `<safe job id>/<kind>-<file_index>.<ext>`: only `[A-Za-z0-9._+-]` and one `/`.
    public var relativePath: String
    public var jobID: String
    public var digest: ContentDigest
    /// The original size the manifest records.
    public var size: Int64
}

/// A job left out because its id cannot be made into a folder name.
public struct RefusedJob: Sendable, Hashable, CustomStringConvertible {
    public var jobID: String
    public var reason: UnsafeNameError
    public var description: String { reason.description }
}

/// A run's manifest as restore and export use it: its exact bytes, decoded, and the files it
/// names laid out as `<safe job id>/<kind>-<file_index>.<ext>`.
public struct RunPayload: Sendable {
    /// The manifest file's bytes, exported unchanged so its digest still matches the chain.
    public let manifestBytes: [UInt8]
    public let manifest: Manifest
    /// Sorted by relative path.
    public let files: [PayloadFile]
    /// Jobs whose ids cannot be made safe; named so the caller can report them.
    public let refused: [RefusedJob]

    /// Reads `<folder>/<runID>.json`. `runID` is checked before it touches a path.
    public static func load(runID: String, manifestsPath: String, jobs: [String] = []) throws(AuditError) -> RunPayload {
        guard SafePathComponent.isPlain(runID) else { throw AuditError(.notARunID(runID)) }
        let path = "\(manifestsPath)/\(runID).json"
        guard FileManager.default.fileExists(atPath: path) else {
            throw AuditError(.unknownRun(runID: runID, folder: manifestsPath))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AuditError(.io(path: path, detail: "not readable by this user"))
        }
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            throw AuditError(.unreadableManifest(path: path, reason: ManifestInspection.reason(error)))
        }
        if manifest.runID != runID {
            throw AuditError(.unreadableManifest(path: path, reason: "it holds the manifest of run \(manifest.runID)"))
        }
        return try RunPayload(manifestBytes: Array(data), manifest: manifest, path: path, jobs: jobs)
    }

    /// Lays out `manifest`'s artifacts, keeping only `jobs` when it is not empty.
    public init(manifestBytes: [UInt8], manifest: Manifest, path: String, jobs: [String] = []) throws(AuditError) {
        self.manifestBytes = manifestBytes
        self.manifest = manifest
        let wanted = Set(jobs)
        let unknown = wanted.subtracting(manifest.jobs.map(\.jobID))
        if !unknown.isEmpty { throw AuditError(.unknownJobs(unknown.sorted())) }
        var files: [PayloadFile] = []
        var refused: [RefusedJob] = []
        for job in manifest.jobs where wanted.isEmpty || wanted.contains(job.jobID) {
            let folder: SafePathComponent
            do {
                folder = try SafePathComponent(job.jobID)
            } catch {
                refused.append(RefusedJob(jobID: job.jobID, reason: error))
                continue
            }
            let audioExtension = AudioFormat(caseInsensitive: job.audioFormat)?.fileExtension ?? "bin"
            for artifact in job.artifacts {
                guard let digest = ContentDigest(hex: artifact.sha256), artifact.fileIndex >= 0, artifact.size >= 0 else {
                    throw AuditError(.unreadableManifest(path: path, reason: "job \(ManifestConsistency.describe(job.jobID)) \(artifact.kind.rawValue)[\(artifact.fileIndex)] has no valid sha256, file_index or size"))
                }
                let fileExtension = artifact.kind == .audio ? audioExtension : artifact.kind.fileExtension()
                files.append(PayloadFile(
                    relativePath: "\(folder.value)/\(artifact.kind.rawValue)-\(artifact.fileIndex).\(fileExtension)",
                    jobID: job.jobID, digest: digest, size: artifact.size))
            }
        }
        files.sort { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
        for (a, b) in zip(files, files.dropFirst()) where a.relativePath == b.relativePath {
            throw AuditError(.unreadableManifest(path: path, reason: "two artifacts would both be \(a.relativePath)"))
        }
        self.files = files
        self.refused = refused
    }

    /// Sum of the payload's original sizes.
    /// Saturating: manifest sizes are data, and a sum past `Int64.max` must not trap.
    public var totalSize: Int64 { files.lazy.map(\.size).saturatingSum() }
}
