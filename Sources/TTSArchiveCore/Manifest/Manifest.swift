import Foundation

/// One stored artifact of a job, as auditors read it.
public struct ManifestArtifact: Sendable, Codable, Hashable {
    public var kind: ArtifactKind
    public var fileIndex: Int
    public var sha256: String
    public var size: Int64
    public var storedSize: Int64
    public var storedSHA256: String
    public var object: String
    public var mediaType: String
    public var checks: [String]
    /// scheme://host/path of the link it came from; never the signed query.
    public var source: String
    /// Extension: the audio's duration in seconds, when it can be computed (audio only).
    public var audioDuration: Double?

    public init(kind: ArtifactKind, fileIndex: Int, sha256: String, size: Int64, storedSize: Int64, storedSHA256: String,
                object: String, mediaType: String, checks: [String], source: String) {
        self.kind = kind
        self.fileIndex = fileIndex
        self.sha256 = sha256
        self.size = size
        self.storedSize = storedSize
        self.storedSHA256 = storedSHA256
        self.object = object
        self.mediaType = mediaType
        self.checks = checks
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case kind, sha256, size, object, checks, source
        case fileIndex = "file_index", storedSize = "stored_size", storedSHA256 = "stored_sha256", mediaType = "media_type"
        case audioDuration = "audio_duration"
    }
}

/// One archived job.
public struct ManifestJob: Sendable, Codable, Hashable {
    public var jobID: String
    public var assetID: String?
    public var createTime: String?
    public var jobType: String?
    public var ttsServiceEnum: String?
    public var audioFormat: String
    public var textLength: Int?
    public var artifacts: [ManifestArtifact]

    public init(_ job: TtsJob) {
        jobID = job.jobID
        assetID = job.assetID
        createTime = job.createTime
        jobType = job.jobType
        ttsServiceEnum = job.ttsServiceEnum
        audioFormat = job.audioFormatRaw
        textLength = job.textLength
        artifacts = []
    }

    /// A job known by its id only (no metadata, no artifacts).
    init(jobID: String) {
        self.jobID = jobID
        audioFormat = ""
        artifacts = []
    }

    enum CodingKeys: String, CodingKey {
        case artifacts
        case jobID = "job_id", assetID = "asset_id", createTime = "create_time", jobType = "job_type"
        case ttsServiceEnum = "tts_service_enum", audioFormat = "audio_format", textLength = "text_length"
    }

    public func encode(to encoder: any Encoder) throws {
        // Every documented key is present, null when unknown, so auditors see a fixed shape.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(jobID, forKey: .jobID)
        try c.encode(assetID, forKey: .assetID)
        try c.encode(createTime, forKey: .createTime)
        try c.encode(jobType, forKey: .jobType)
        try c.encode(ttsServiceEnum, forKey: .ttsServiceEnum)
        try c.encode(audioFormat, forKey: .audioFormat)
        try c.encode(textLength, forKey: .textLength)
        try c.encode(artifacts, forKey: .artifacts)
    }
}

/// An artifact (or a whole job, `kind` null) that could not be archived.
public struct ManifestFailure: Sendable, Codable, Hashable {
    public var jobID: String
    public var kind: ArtifactKind?
    public var fileIndex: Int?
    public var error: String
    public var attempts: Int

    public init(jobID: String, kind: ArtifactKind?, fileIndex: Int?, error: String, attempts: Int) {
        self.jobID = jobID
        self.kind = kind
        self.fileIndex = fileIndex
        self.error = error
        self.attempts = attempts
    }

    enum CodingKeys: String, CodingKey {
        case kind, error, attempts
        case jobID = "job_id", fileIndex = "file_index"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(jobID, forKey: .jobID)
        try c.encode(kind, forKey: .kind)
        try c.encode(fileIndex, forKey: .fileIndex)
        try c.encode(error, forKey: .error)
        try c.encode(attempts, forKey: .attempts)
    }
}

/// The run's totals.
public struct ManifestCounts: Sendable, Codable, Hashable {
    public var jobsListed = 0
    public var jobsByState: [String: Int] = [:]
    public var artifactsStored = 0
    public var objectsNew = 0
    public var objectsDeduplicated = 0
    public var bytes: Int64 = 0
    public var storedBytes: Int64 = 0
    public var relists = 0
    public var retries = 0
    /// Jobs of the window already archived by an earlier run (overlap), not fetched again.
    public var jobsAlreadyArchived = 0
    /// Records skipped as undecodable.
    public var badRecords = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case bytes, relists, retries
        case jobsListed = "jobs_listed", jobsByState = "jobs_by_state", artifactsStored = "artifacts_stored"
        case objectsNew = "objects_new", objectsDeduplicated = "objects_deduplicated", storedBytes = "stored_bytes"
        case jobsAlreadyArchived = "jobs_already_archived", badRecords = "bad_records"
    }
}

/// A link in the hash chain: the previous manifest and the SHA-256 of its bytes.
public struct ManifestLink: Sendable, Codable, Hashable {
    public var runID: String
    public var sha256: String

    public init(runID: String, sha256: String) {
        self.runID = runID
        self.sha256 = sha256
    }

    enum CodingKeys: String, CodingKey { case sha256, runID = "run_id" }
}

/// A job still being synthesized when listed, carried into later runs.
public struct ManifestPendingJob: Sendable, Codable, Hashable {
    public var jobID: String
    public var state: String
    public var createTime: String?

    enum CodingKeys: String, CodingKey { case state, jobID = "job_id", createTime = "create_time" }
}

/// Extension: what is owed after a run (``OwedWork``): artifacts a later run will fetch again,
/// and those abandoned after the owed max age (reported by every run, never dropped).
public struct ManifestOwed: Sendable, Codable, Hashable {
    /// One owed artifact.
    public struct Item: Sendable, Codable, Hashable {
        public var jobID: String
        public var kind: ArtifactKind
        public var fileIndex: Int
        public var owedSince: String
        public var reason: String

        enum CodingKeys: String, CodingKey {
            case kind, reason
            case jobID = "job_id", fileIndex = "file_index", owedSince = "owed_since"
        }
    }

    /// Artifacts still owed (abandoned ones not counted).
    public var count: Int
    /// When the longest-owed of them first failed.
    public var oldestSince: String?
    /// How many are owed for each class of reason.
    public var reasons: [String: Int]
    public var artifacts: [Item]
    public var abandoned: [Item]

    enum CodingKeys: String, CodingKey {
        case count, reasons, artifacts, abandoned
        case oldestSince = "oldest_since"
    }
}

/// `ttsarchive.manifest/v1`: what one run archived. Keys are written sorted, jobs by `job_id`.
public struct Manifest: Sendable, Codable, Hashable {
    public static let schemaV1 = "ttsarchive.manifest/v1"

    public var schema = Manifest.schemaV1
    public var runID: String
    public var startedAt: String
    public var finishedAt: String
    public var complete: Bool
    public var tool: [String: String]
    public var source: [String: String]
    public var window: RunWindowRecord
    public var previousManifest: ManifestLink?
    public var jobs: [ManifestJob]
    public var failures: [ManifestFailure]
    public var counts: ManifestCounts
    /// Extension: jobs still WAITING/PROCESSING, carried into the next runs.
    public var pending: [ManifestPendingJob] = []
    /// Extension: listing records that could not be decoded.
    public var badRecords: [BadRecord] = []
    /// Extension, on a shard's manifest: which slice of the night it covers.
    public var shard: ManifestShard?
    /// Extension, on a merged night's manifest: the shard manifests it was made of.
    public var shards: [ManifestShardRef]?
    /// Extension: what is owed once this run ended (absent when nothing is, or ever was).
    public var owed: ManifestOwed?

    enum CodingKeys: String, CodingKey {
        case schema, complete, tool, source, window, jobs, failures, counts, pending, shard, shards, owed
        case runID = "run_id", startedAt = "started_at", finishedAt = "finished_at"
        case previousManifest = "previous_manifest", badRecords = "bad_records"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schema, forKey: .schema)
        try c.encode(runID, forKey: .runID)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(finishedAt, forKey: .finishedAt)
        try c.encode(complete, forKey: .complete)
        try c.encode(tool, forKey: .tool)
        try c.encode(source, forKey: .source)
        try c.encode(window, forKey: .window)
        try c.encode(previousManifest, forKey: .previousManifest)
        try c.encode(jobs, forKey: .jobs)
        try c.encode(failures, forKey: .failures)
        try c.encode(counts, forKey: .counts)
        try c.encode(pending, forKey: .pending)
        try c.encode(badRecords, forKey: .badRecords)
        try c.encodeIfPresent(shard, forKey: .shard)
        try c.encodeIfPresent(shards, forKey: .shards)
        try c.encodeIfPresent(owed, forKey: .owed)
    }

    /// The manifest's bytes: sorted keys, no escaped slashes, a final newline.
    public func encoded() throws -> [UInt8] {
        Array(try Manifest.makeEncoder().encode(self)) + [0x0a]
    }
}
