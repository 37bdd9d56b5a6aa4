import Foundation

/// Artifacts a night ended without: failed through their whole retry budget, expired past the
/// re-list budget, not attempted because the run stopped, or found damaged by `verify --repair`.
/// Each is owed until a later run archives it: every run re-lists its job by `job_id` (fresh
/// links from ShowTtsJob) and fetches exactly the owed files. One owed for longer than the
/// owed max age (default 30 days) is *abandoned*: no longer fetched, but kept in this file and
/// reported by every run and by `status`, never dropped silently.
///
/// `state/owed.json` (written whole: temp file, fsync, rename, directory fsync):
/// ```
/// {"version": 1, "artifacts": [{"job_id": "…", "kind": "audio", "file_index": 0,
///   "owed_since": "2026-12-01T02:00:00Z", "last_tried": "2026-12-02T02:00:00Z", "tries": 2,
///   "reason": "gave up after repeated transient failures, …", "abandoned": false}]}
/// ```
/// `tries` counts the runs that tried and failed, `reason` is the last one's error.
///
/// Every decision here is pure: dates come in as arguments, nothing reads a clock or a disk
/// except ``load(_:)`` and ``save(_:)``.
public struct OwedWork: Sendable, Codable, Equatable {
    /// One owed artifact.
    public struct Entry: Sendable, Codable, Hashable {
        public var jobID: String
        public var kind: ArtifactKind
        public var fileIndex: Int
        public var owedSince: String
        public var lastTried: String?
        public var tries: Int
        public var reason: String
        public var abandoned: Bool

        public init(jobID: String, kind: ArtifactKind, fileIndex: Int, owedSince: String, reason: String, tries: Int = 0) {
            self.jobID = jobID
            self.kind = kind
            self.fileIndex = fileIndex
            self.owedSince = owedSince
            self.reason = reason
            self.tries = tries
            abandoned = false
        }

        enum CodingKeys: String, CodingKey {
            case kind, tries, reason, abandoned
            case jobID = "job_id", fileIndex = "file_index", owedSince = "owed_since", lastTried = "last_tried"
        }

        var key: ArtifactKey { ArtifactKey(jobID: jobID, kind: kind, fileIndex: fileIndex) }
    }

    public var version = 1
    /// Sorted by job, file index, kind, so the file diffs cleanly from night to night.
    public private(set) var artifacts: [Entry] = []

    public init(_ artifacts: [Entry] = []) { self.artifacts = Self.sorted(artifacts) }

    /// The documented default of the owed max age: 30 days.
    public static let defaultMaxAge: TimeInterval = 30 * 86400

    static func path(_ directory: String) -> String { directory + "/owed.json" }

    /// Reads `owed.json`; empty when absent.
    public static func load(_ directory: String) throws -> OwedWork {
        guard let data = FileManager.default.contents(atPath: path(directory)) else { return OwedWork() }
        do {
            return OwedWork(try JSONDecoder().decode(OwedWork.self, from: data).artifacts)
        } catch {
            throw TTSArchiveError(.unusableState, "the owed-work file is damaged (\(error))", path: path(directory), fix: "restore it from a backup or repair its JSON; moving it aside forgets what is owed")
        }
    }

    /// Writes it atomically and durably.
    public func save(_ directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try POSIXFile.writeAtomically(Array(try encoder.encode(self)) + [0x0a], to: Self.path(directory))
    }

    /// Entries a run should fetch (not abandoned), grouped by job, jobs in id order.
    public var dueByJob: [(jobID: String, entries: [Entry])] {
        let due = artifacts.filter { !$0.abandoned }
        return Dictionary(grouping: due, by: \.jobID).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Abandoned entries.
    public var abandoned: [Entry] { artifacts.filter(\.abandoned) }

    /// Adds artifacts found owed (a repair, a failed night); one already owed keeps its
    /// `owed_since` and takes the new reason.
    public mutating func add(_ entries: [Entry]) {
        var byKey = Dictionary(artifacts.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        for entry in entries {
            if var known = byKey[entry.key] {
                known.reason = entry.reason
                byKey[entry.key] = known
            } else {
                byKey[entry.key] = entry
            }
        }
        artifacts = Self.sorted(Array(byKey.values))
    }

    /// The state after a night: entries now stored leave; artifact failures of the night are
    /// added or, when already owed, count one more try; entries owed for longer than `maxAge`
    /// are abandoned. Failures of a whole job (`kind` nil) are not artifacts and are not owed.
    public func settled(isStored: (ArtifactKey) -> Bool, failures: [ManifestFailure], now: Date, maxAge: TimeInterval) -> OwedWork {
        let stamp = Timestamp.format(now)
        var byKey: [ArtifactKey: Entry] = [:]
        for entry in artifacts where !isStored(entry.key) { byKey[entry.key] = entry }
        for failure in failures {
            guard let kind = failure.kind, let fileIndex = failure.fileIndex else { continue }
            let key = ArtifactKey(jobID: failure.jobID, kind: kind, fileIndex: fileIndex)
            guard !isStored(key) else { continue }
            var entry = byKey[key] ?? Entry(jobID: key.jobID, kind: kind, fileIndex: fileIndex, owedSince: stamp, reason: failure.error)
            entry.reason = failure.error
            if failure.attempts > 0 {
                entry.tries += 1
                entry.lastTried = stamp
            }
            byKey[key] = entry
        }
        for (key, entry) in byKey where !entry.abandoned {
            let since = Timestamp.parse(entry.owedSince) ?? now
            if now.timeIntervalSince(since) > maxAge { byKey[key]!.abandoned = true }
        }
        return OwedWork(Array(byKey.values))
    }

    /// What the manifest and `status` show.
    public var summary: ManifestOwed {
        let due = artifacts.filter { !$0.abandoned }
        var reasons: [String: Int] = [:]
        for entry in due { reasons[Self.reasonClass(entry.reason), default: 0] += 1 }
        return ManifestOwed(
            count: due.count, oldestSince: due.map(\.owedSince).min(), reasons: reasons,
            artifacts: due.map(ManifestOwed.Item.init), abandoned: abandoned.map(ManifestOwed.Item.init))
    }

    /// A short class of a failure message, for counting reasons: its text up to the first
    /// colon, semicolon or parenthesis (the details vary per artifact, the class does not).
    static func reasonClass(_ message: String) -> String {
        let cut = message.firstIndex { ":;(".contains($0) } ?? message.endIndex
        return message[..<cut].trimmingCharacters(in: .whitespaces)
    }

    private static func sorted(_ entries: [Entry]) -> [Entry] {
        entries.sorted { ($0.jobID, $0.fileIndex, $0.kind) < ($1.jobID, $1.fileIndex, $1.kind) }
    }
}

extension ManifestOwed.Item {
    init(_ entry: OwedWork.Entry) {
        jobID = entry.jobID
        kind = entry.kind
        fileIndex = entry.fileIndex
        owedSince = entry.owedSince
        reason = entry.reason
    }
}

/// One artifact of one job, as a key.
public struct ArtifactKey: Sendable, Hashable {
    public var jobID: String
    public var kind: ArtifactKind
    public var fileIndex: Int

    public init(jobID: String, kind: ArtifactKind, fileIndex: Int) {
        self.jobID = jobID
        self.kind = kind
        self.fileIndex = fileIndex
    }
}
