/// What a run keeps in memory of its journal: which jobs it took and which artifacts are
/// stored, by key only. The records themselves stay on disk (a ``ManifestJobIndex`` reads them
/// back for the manifest), so memory does not grow by a manifest entry per artifact.
struct JournalTally {
    var jobIDs: Set<String> = []
    private var stored: [String: StoredMark] = [:]
    private(set) var earlierRelists = 0
    private(set) var earlierRetries = 0

    private static func key(_ jobID: String, _ kind: ArtifactKind, _ fileIndex: Int) -> String {
        "\(jobID)\u{1}\(kind.rawValue)\u{1}\(fileIndex)"
    }

    /// Takes in one record of an earlier invocation's journal.
    mutating func absorb(_ record: JournalRecord) {
        switch record.type {
        case .job:
            if let job = record.job { jobIDs.insert(job.jobID) }
        case .artifact:
            if let artifact = record.artifact, let jobID = record.jobID { markStored(artifact, jobID: jobID) }
        case .counters:
            earlierRelists += record.relists ?? 0
            earlierRetries += record.retries ?? 0
        default:
            break
        }
    }

    mutating func markStored(_ artifact: ManifestArtifact, jobID: String) {
        stored[Self.key(jobID, artifact.kind, artifact.fileIndex)] = StoredMark(audioDuration: artifact.audioDuration)
    }

    func stored(_ jobID: String, _ kind: ArtifactKind, _ fileIndex: Int) -> StoredMark? {
        stored[Self.key(jobID, kind, fileIndex)]
    }
}

/// An artifact known to be stored: what a later listing of its job needs (subtitles wait for
/// their audio's duration), not its whole manifest entry.
public struct StoredMark: Sendable, Hashable {
    public var audioDuration: Double?
}
