import Foundation
import TTSNative

/// Everything a run knows durably, rebuilt from `archive/state/` at start:
///
/// ```
/// state/active.journal     the unfinished window's journal (RunJournal); resumed by the next run
/// state/previous.journal   the last complete window's journal: its jobs are not fetched again
///                          by the listing (any artifact of theirs not stored is in owed.json)
/// state/last-complete.json {"run_id", "create_until"} of the last complete window
/// state/pending.json       jobs still WAITING/PROCESSING, re-checked by later runs
/// state/owed.json          artifacts not archived when their night ended (``OwedWork``)
/// ```
///
/// A job counts as archived only when none of its artifacts is owed: the listing leaves owed
/// jobs to the owed round, which fetches exactly their owed artifacts.
public final class RunState: Sendable {
    public let directory: String
    public let journal: RunJournal
    public let window: TimeWindow
    public let startedAt: String
    /// True when this run continues an interrupted one.
    public let resumed: Bool
    /// The jobs the journal took and earlier invocations' counters.
    private let tally: Locked<JournalTally>
    /// Where each job and stored artifact of the window is in the journal, for the manifest;
    /// also what is stored, read by every artifact task and grown as they store.
    private let index: Locked<ManifestJobIndex>
    /// Jobs of this window archived by the previous window's run (overlap).
    public let previouslyArchived: Set<String>

    /// Opens the state: resumes `active.journal` if there is one, else starts a window.
    /// With `sharedFlush` (the local store's group commit), the journal is made durable by
    /// it instead of fsyncs of its own when `directory` is on the same file system.
    init(directory: String, requestedWindow: (since: Date?, until: Date?), overlap: TimeInterval, now: Date,
         runID: String, endpoint: String, projectID: String, sharedFlush: FileSystemSync? = nil) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let activePath = directory + "/active.journal"
        var first: JournalRecord?
        var tally = JournalTally()
        var index = ManifestJobIndex(path: activePath)
        try RunJournal.scan(activePath) { record, span in
            if first == nil { first = record }
            tally.absorb(record)
            index.absorb(record, at: span)
        }
        self.tally = Locked(tally)
        self.index = Locked(index)
        if let first, first.type == .run, let w = first.window,
           let since = Timestamp.parse(w.createSince), let until = Timestamp.parse(w.createUntil) {
            let window = try TimeWindow(since: since, until: until)
            if let s = requestedWindow.since, Int(s.timeIntervalSince1970) != Int(since.timeIntervalSince1970) {
                throw TTSArchiveError(.configuration, "an interrupted run of window \(w.createSince)…\(w.createUntil) is unfinished", fix: "run without --since/--until to finish it first")
            }
            if let u = requestedWindow.until, Int(u.timeIntervalSince1970) != Int(until.timeIntervalSince1970) {
                throw TTSArchiveError(.configuration, "an interrupted run of window \(w.createSince)…\(w.createUntil) is unfinished", fix: "run without --since/--until to finish it first")
            }
            self.window = window
            startedAt = first.startedAt ?? Timestamp.format(now)
            resumed = true
        } else {
            let since = requestedWindow.since ?? Self.lastCompleteUntil(directory).map { $0.addingTimeInterval(-overlap) } ?? now.addingTimeInterval(-86400)
            window = try TimeWindow(since: since, until: requestedWindow.until ?? now)
            startedAt = Timestamp.format(now)
            resumed = false
        }
        journal = try RunJournal(path: activePath, durability: sharedFlush.flatMap { $0.covers(directory) ? $0 : nil })
        var previous: Set<String> = []
        let since = window.since
        try RunJournal.scan(directory + "/previous.journal") { record, _ in
            if record.type == .job, let job = record.job, let created = job.createTime.flatMap(Timestamp.parse), created >= since {
                previous.insert(job.jobID)
            }
        }
        previouslyArchived = previous
        if !resumed {
            var first = JournalRecord(type: .run)
            first.runID = runID
            first.window = RunWindowRecord(window)
            first.startedAt = startedAt
            first.endpoint = endpoint
            first.projectID = projectID
            journal.appendLazily(first)
        }
    }

    /// What is known of an artifact already stored for this key, if one is.
    public func stored(_ jobID: String, _ kind: ArtifactKind, _ fileIndex: Int) -> StoredMark? {
        index.withLock { $0.stored(jobID, kind, fileIndex) }
    }

    /// Records SUCCEED jobs taken for archiving (each once), in one durable append: a listing
    /// page's jobs cost one flush, not one each (the listing waits for it).
    public func noteJobs(_ jobs: [TtsJob]) async throws {
        let fresh = tally.withLock { tally in jobs.filter { tally.jobIDs.insert($0.jobID) } }
        let records = fresh.map { job in
            var record = JournalRecord(type: .job)
            record.job = ManifestJob(job)
            return record
        }
        let spans = try await journal.append(records)
        index.withLock { index in
            for (record, span) in zip(records, spans) { index.absorb(record, at: span) }
        }
    }

    /// Records a stored, verified artifact durably before it counts.
    public func noteArtifact(_ artifact: ManifestArtifact, jobID: String) async throws {
        var record = JournalRecord(type: .artifact)
        record.jobID = jobID
        record.artifact = artifact
        let span = try await journal.append(record)
        index.withLock { $0.absorb(record, at: span) }
    }

    /// Persists re-list and retry counts spent so far by this invocation.
    public func noteCounters(relists: Int, retries: Int) async throws {
        var record = JournalRecord(type: .counters)
        record.relists = relists
        record.retries = retries
        try await journal.append(record)
    }

    /// Earlier invocations' re-lists and retries (a resumed run adds its own).
    public var earlierCounters: (relists: Int, retries: Int) { tally.withLock { ($0.earlierRelists, $0.earlierRetries) } }

    /// Every job of the window with its stored artifacts, as the journal on disk has them: the
    /// records read at start and those appended since (all awaited, so all durable).
    public func manifestJobs() -> ManifestJobIndex {
        index.withLock { $0 }
    }

    /// Closes the window: the journal becomes `previous.journal` and the window's end is recorded.
    public func completeWindow(runID: String) async throws {
        try await journal.close()
        let previous = directory + "/previous.journal"
        if rename(directory + "/active.journal", previous) != 0 { throw POSIXFile.error(errno, previous) }
        let record = ["run_id": runID, "create_until": Timestamp.format(window.until)]
        // JSONEncoder: JSONSerialization's sorted keys compare through an ICU locale on Linux.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(record)
        try POSIXFile.writeAtomically(Array(data) + [0x0a], to: directory + "/last-complete.json")
    }

    static func lastCompleteUntil(_ directory: String) -> Date? {
        guard let data = FileManager.default.contents(atPath: directory + "/last-complete.json"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: String],
              let until = object["create_until"] else { return nil }
        return Timestamp.parse(until)
    }
}
