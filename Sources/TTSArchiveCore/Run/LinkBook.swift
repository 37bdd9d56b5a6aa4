import Foundation

/// The freshest known links of the jobs being archived, and the one place that re-lists a job
/// (ShowTtsJob with `job_id=`) when its links went stale. Re-lists are single-flight per job and
/// limited by a per-job budget, so four expired artifacts of one job cost one call.
public actor LinkBook {
    struct Entry {
        var job: TtsJob
        var listedAt: Date
        var relists: Int
        var inFlight: Task<TtsJob, any Error>?
    }

    private let client: MetaStudioClient
    private let budget: Int
    private var entries: [String: Entry] = [:]
    /// Re-lists performed, for the manifest.
    public private(set) var relists = 0

    public init(client: MetaStudioClient, budget: Int) {
        self.client = client
        self.budget = budget
    }

    /// Why a fresh link could not be had.
    public struct RelistError: Error, Sendable, CustomStringConvertible {
        public var jobID: String
        public var reason: String
        public var budgetSpent = false
        public var description: String { "re-listing job \(jobID) failed: \(reason)" }
    }

    /// Records a job as listed at `date`.
    public func record(_ job: TtsJob, listedAt date: Date) {
        entries[job.jobID] = Entry(job: job, listedAt: date, relists: entries[job.jobID]?.relists ?? 0)
    }

    /// The current job record and when it was listed.
    public func current(_ jobID: String) -> (job: TtsJob, listedAt: Date)? {
        entries[jobID].map { ($0.job, $0.listedAt) }
    }

    /// Fresh links for a job whose links listed at `staleListing` no longer work. If a newer
    /// listing already exists it is returned without another call.
    public func refresh(_ jobID: String, staleListing: Date) async throws -> (job: TtsJob, listedAt: Date) {
        guard var entry = entries[jobID] else { throw RelistError(jobID: jobID, reason: "job unknown to this run") }
        if entry.listedAt > staleListing { return (entry.job, entry.listedAt) }
        if let inFlight = entry.inFlight {
            let job = try await inFlight.value
            return (job, entries[jobID]?.listedAt ?? Date())
        }
        guard entry.relists < budget else {
            throw RelistError(jobID: jobID, reason: "re-list budget of \(budget) spent; links keep expiring", budgetSpent: true)
        }
        let client = self.client
        let task = Task { () throws -> TtsJob in
            guard let job = try await client.job(jobID) else {
                throw RelistError(jobID: jobID, reason: "the API no longer lists it")
            }
            return job
        }
        entry.inFlight = task
        entry.relists += 1
        entries[jobID] = entry
        relists += 1
        do {
            let job = try await task.value
            let now = Date()
            entries[jobID] = Entry(job: job, listedAt: now, relists: entry.relists)
            return (job, now)
        } catch {
            entries[jobID]?.inFlight = nil
            throw error
        }
    }

    /// Forgets a finished job.
    public func forget(_ jobID: String) { entries[jobID] = nil }
}
