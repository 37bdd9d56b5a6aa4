import Crypto
import Foundation

/// One run as `status` and `report` show it, read back from its manifest.
public struct RunSummary: Sendable, Codable, Hashable {
    public var runID: String
    public var startedAt: String
    public var finishedAt: String
    public var window: RunWindowRecord
    public var complete: Bool
    public var jobsListed: Int
    public var jobsArchived: Int
    public var artifacts: Int
    public var bytes: Int64
    public var storedBytes: Int64
    public var objectsNew: Int
    public var objectsDeduplicated: Int
    public var failures: Int
    public var relists: Int
    public var retries: Int
    public var pending: Int
    /// finished_at − started_at (a resumed run counts from its first start).
    public var durationSeconds: Double?
    /// The manifest file, and the SHA-256 of its bytes (what the next manifest links to).
    public var manifest: String
    public var sha256: String
    public var previousRunID: String?
    public var previousSHA256: String?
    /// Whether `previous_manifest` matches the previous file's bytes; nil when that file was not read.
    public var chainIntact: Bool?

    /// The exit code the run had: 0 only when complete without failures.
    public var succeeded: Bool { complete && failures == 0 }

    enum CodingKeys: String, CodingKey {
        case window, complete, artifacts, bytes, failures, relists, retries, pending, manifest, sha256
        case runID = "run_id", startedAt = "started_at", finishedAt = "finished_at", jobsListed = "jobs_listed"
        case jobsArchived = "jobs_archived", storedBytes = "stored_bytes", objectsNew = "objects_new"
        case objectsDeduplicated = "objects_deduplicated", durationSeconds = "duration_seconds"
        case previousRunID = "previous_run_id", previousSHA256 = "previous_sha256", chainIntact = "chain_intact"
    }

    init(_ m: Manifest, file: String, sha256: String) {
        runID = m.runID
        startedAt = m.startedAt
        finishedAt = m.finishedAt
        window = m.window
        complete = m.complete
        jobsListed = m.counts.jobsListed
        jobsArchived = m.jobs.count
        artifacts = m.counts.artifactsStored
        bytes = m.counts.bytes
        storedBytes = m.counts.storedBytes
        objectsNew = m.counts.objectsNew
        objectsDeduplicated = m.counts.objectsDeduplicated
        failures = m.failures.count + m.badRecords.count
        relists = m.counts.relists
        retries = m.counts.retries
        pending = m.pending.count
        if let start = Timestamp.parse(m.startedAt), let end = Timestamp.parse(m.finishedAt) {
            durationSeconds = end.timeIntervalSince(start)
        }
        manifest = file
        self.sha256 = sha256
        previousRunID = m.previousManifest?.runID
        previousSHA256 = m.previousManifest?.sha256
    }
}

/// The newest run manifests of a manifests folder, read without changing anything.
public struct RunHistory: Sendable {
    /// Oldest first.
    public var runs: [RunSummary]
    /// Manifest files that could not be read or decoded (named, not fatal for a status view).
    public var unreadable: [String]

    /// Reads the newest `limit` run manifests (`<run_id>.json`; HEAD.json, temp files and other
    /// documents such as inventory snapshots are not run manifests). A missing folder is no runs.
    public static func load(manifests path: String, limit: Int) -> RunHistory {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
            .filter { $0.hasSuffix(".json") && $0.first?.isNumber == true }
            .sorted()
        var runs: [RunSummary] = []
        var unreadable: [String] = []
        var digests: [String: String] = [:]
        let decoder = JSONDecoder()
        for name in names.suffix(max(0, limit)) {
            guard let data = FileManager.default.contents(atPath: path + "/" + name) else {
                unreadable.append(name)
                continue
            }
            let digest = SHA256.hash(data: data).hexString
            guard let manifest = try? decoder.decode(Manifest.self, from: data), manifest.schema == Manifest.schemaV1 else {
                unreadable.append(name)
                continue
            }
            digests[manifest.runID] = digest
            runs.append(RunSummary(manifest, file: name, sha256: digest))
        }
        for index in runs.indices {
            guard let previous = runs[index].previousSHA256, let previousRun = runs[index].previousRunID else {
                // The first manifest of a chain links to nothing; any other must link.
                runs[index].chainIntact = names.first == runs[index].manifest
                continue
            }
            let actual =
                digests[previousRun]
                ?? FileManager.default.contents(atPath: "\(path)/\(previousRun).json").map { SHA256.hash(data: $0).hexString }
            runs[index].chainIntact = actual.map { $0 == previous }
        }
        return RunHistory(runs: runs, unreadable: unreadable)
    }
}
