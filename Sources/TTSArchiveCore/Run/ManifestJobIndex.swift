import Foundation

/// Where every job of the window and its stored artifacts are in the run journal, built by one
/// scan of it at the end of a run. The manifest is then written job by job, each read back from
/// the journal, so a night of tens of thousands of artifacts never sits in memory as records:
/// what is kept here is a few offsets per artifact.
///
/// The records chosen are the ones the run has always used: a job's first `job` record, and for
/// each (job, kind, file index) the last `artifact` record; artifacts of jobs without a `job`
/// record are not part of the manifest.
public struct ManifestJobIndex: ManifestJobSource, Sendable {
    struct StoredArtifact: Sendable {
        var kind: ArtifactKind
        var fileIndex: Int
        var size: Int64
        var span: JournalSpan
    }

    let path: String
    private var jobs: [String: JournalSpan] = [:]
    private var artifacts: [String: [StoredArtifact]] = [:]

    /// Scans the journal at `path`. Blocking.
    public init(journal path: String) throws {
        self.path = path
        var jobs: [String: JournalSpan] = [:]
        var artifacts: [String: [StoredArtifact]] = [:]
        try RunJournal.scan(path) { record, span in
            switch record.type {
            case .job:
                if let job = record.job, jobs[job.jobID] == nil { jobs[job.jobID] = span }
            case .artifact:
                guard let artifact = record.artifact, let jobID = record.jobID else { return }
                let entry = StoredArtifact(kind: artifact.kind, fileIndex: artifact.fileIndex, size: artifact.size, span: span)
                if let same = artifacts[jobID]?.firstIndex(where: { $0.kind == entry.kind && $0.fileIndex == entry.fileIndex }) {
                    artifacts[jobID]![same] = entry
                } else {
                    artifacts[jobID, default: []].append(entry)
                }
            default:
                break
            }
        }
        self.jobs = jobs
        self.artifacts = artifacts.filter { jobs[$0.key] != nil }
    }

    /// Jobs the manifest lists.
    public var jobCount: Int { jobs.count }
    /// Artifacts the manifest lists.
    public var artifactCount: Int { artifacts.values.reduce(0) { $0 + $1.count } }
    /// The source bytes of those artifacts (`counts.bytes`).
    public var bytes: Int64 { artifacts.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.size } } }

    /// Every job with its artifacts, by `job_id`, artifacts by file index then kind. Blocking.
    public func forEachJob(_ body: (ManifestJob) throws -> Void) throws {
        guard !jobs.isEmpty else { return }
        let file = try POSIXFile.openForReading(path)
        let decoder = JSONDecoder()
        func record(_ span: JournalSpan) throws -> JournalRecord {
            try RunJournal.record(at: span, in: file, path: path, decoder: decoder)
        }
        for jobID in jobs.keys.sorted() {
            guard var job = try record(jobs[jobID]!).job else { continue }
            let stored = (artifacts[jobID] ?? []).sorted { ($0.fileIndex, $0.kind) < ($1.fileIndex, $1.kind) }
            job.artifacts = try stored.compactMap { try record($0.span).artifact }
            try body(job)
        }
    }
}
