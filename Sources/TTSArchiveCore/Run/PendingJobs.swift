import Foundation

/// Jobs that were WAITING or PROCESSING when listed: carried from run to run until they
/// succeed (archived then), fail, or grow older than the pending max age (reported).
public struct PendingJobs: Sendable, Codable {
    /// One carried job.
    public struct Entry: Sendable, Codable, Hashable {
        public var jobID: String
        public var state: String
        public var createTime: String?
        public var firstSeen: String

        enum CodingKeys: String, CodingKey {
            case state, jobID = "job_id", createTime = "create_time", firstSeen = "first_seen"
        }
    }

    public var jobs: [String: Entry] = [:]

    public init() {}

    static func path(_ directory: String) -> String { directory + "/pending.json" }

    /// Reads `pending.json`; empty when absent.
    public static func load(_ directory: String) throws -> PendingJobs {
        guard let data = FileManager.default.contents(atPath: path(directory)) else { return PendingJobs() }
        do {
            return try JSONDecoder().decode(PendingJobs.self, from: data)
        } catch {
            throw TTSArchiveError(.unusableState, "the pending-jobs file is damaged", path: path(directory), fix: "move it aside (pending jobs will be re-found only if in a new window)")
        }
    }

    /// Writes it atomically.
    public func save(_ directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try POSIXFile.writeAtomically(Array(try encoder.encode(self)), to: Self.path(directory))
    }

    /// Adds or updates a job seen pending now.
    public mutating func carry(_ job: TtsJob, now: Date) {
        let firstSeen = jobs[job.jobID]?.firstSeen ?? Timestamp.format(now)
        jobs[job.jobID] = Entry(jobID: job.jobID, state: job.jobState.rawValue, createTime: job.createTime, firstSeen: firstSeen)
    }

    /// Jobs older than `maxAge` (by creation time, else first sighting).
    public func expired(now: Date, maxAge: TimeInterval) -> [Entry] {
        jobs.values.filter { entry in
            let born = entry.createTime.flatMap(Timestamp.parse) ?? Timestamp.parse(entry.firstSeen) ?? now
            return now.timeIntervalSince(born) > maxAge
        }.sorted { $0.jobID < $1.jobID }
    }
}
