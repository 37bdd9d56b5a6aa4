import Foundation

/// One line of a ``RunJournal``. `type` says which optional fields are set.
public struct JournalRecord: Sendable, Codable, Hashable {
    /// What the line records.
    public enum Kind: String, Sendable, Codable {
        /// First line: the run's identity and window.
        case run
        /// A SUCCEED job taken for archiving, with its metadata (links stripped).
        case job
        /// An artifact stored and verified.
        case artifact
        /// A job still WAITING/PROCESSING, to be re-checked by later runs.
        case pending
        /// A pending job that reached a final state (or aged out); no longer carried.
        case settled
        /// Re-lists and retries spent (statistics).
        case counters
        /// The run finished its window (complete) or stopped (interrupted).
        case end
    }

    public var type: Kind
    public var runID: String?
    public var window: RunWindowRecord?
    public var startedAt: String?
    public var endpoint: String?
    public var projectID: String?
    public var job: ManifestJob?
    public var artifact: ManifestArtifact?
    public var jobID: String?
    public var createTime: String?
    public var state: String?
    public var relists: Int?
    public var retries: Int?
    public var complete: Bool?

    public init(type: Kind) { self.type = type }

    /// An `artifact` record with nothing but its job id and artifact (what a run appends).
    var isPlainArtifact: Bool {
        var plain = JournalRecord(type: .artifact)
        plain.jobID = jobID
        plain.artifact = artifact
        return self == plain
    }

    enum CodingKeys: String, CodingKey {
        case type, window, job, artifact, state, relists, retries, complete, endpoint
        case runID = "run_id", startedAt = "started_at", projectID = "project_id", jobID = "job_id", createTime = "create_time"
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
