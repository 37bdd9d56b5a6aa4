/// What a run keeps in memory of its journal besides the ``ManifestJobIndex`` (which also
/// answers whether an artifact is stored): which jobs it took, so each gets one `job` record,
/// and the counters of earlier invocations. The records themselves stay on disk.
struct JournalTally {
    var jobIDs = JobIDSet()
    private(set) var earlierRelists = 0
    private(set) var earlierRetries = 0

    /// Takes in one record of an earlier invocation's journal.
    mutating func absorb(_ record: JournalRecord) {
        switch record.type {
        case .job:
            if let job = record.job { jobIDs.insert(job.jobID) }
        case .counters:
            earlierRelists += record.relists ?? 0
            earlierRetries += record.retries ?? 0
        default:
            break
        }
    }
}

/// An artifact known to be stored: what a later listing of its job needs (subtitles wait for
/// their audio's duration), not its whole manifest entry.
public struct StoredMark: Sendable, Hashable {
    public var audioDuration: Double?
}
