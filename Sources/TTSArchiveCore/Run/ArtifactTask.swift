import Foundation

/// One artifact to fetch: which job, which file, and the link as last listed.
public struct ArtifactTask: Sendable, Hashable {
    public var jobID: String
    public var kind: ArtifactKind
    public var fileIndex: Int
    public var audioFormat: AudioFormat
    public var url: String
    public var listedAt: Date
}

/// How an artifact ended.
public enum ArtifactOutcome: Sendable {
    case stored(ManifestArtifact, StoredObject, attempts: Int)
    case failed(ManifestFailure)
    /// The disk under the store or the state failed: the night stops (see ``DiskFault``).
    case diskFault(DiskFault)
}

/// Audio durations of the jobs in flight, so a job's subtitles can be checked against its audio.
public actor AudioDurations {
    private var known: [String: Double?] = [:]
    private var waiters: [String: [CheckedContinuation<Double?, Never>]] = [:]

    public init() {}

    private func key(_ jobID: String, _ fileIndex: Int) -> String { "\(jobID)\u{1}\(fileIndex)" }

    /// Publishes the duration (nil when unknown or the audio failed).
    public func set(_ jobID: String, _ fileIndex: Int, _ duration: Double?) {
        let k = key(jobID, fileIndex)
        known[k] = .some(duration)
        for waiter in waiters.removeValue(forKey: k) ?? [] { waiter.resume(returning: duration) }
    }

    /// Waits for the audio of that file to finish; nil if it has no known duration.
    public func wait(_ jobID: String, _ fileIndex: Int) async -> Double? {
        let k = key(jobID, fileIndex)
        if let value = known[k] { return value }
        return await withCheckedContinuation { waiters[k, default: []].append($0) }
    }

    /// Drops a finished job's entries.
    public func forget(_ jobID: String, fileCount: Int) {
        for index in 0..<max(fileCount, 1) { known[key(jobID, index)] = nil }
    }
}
