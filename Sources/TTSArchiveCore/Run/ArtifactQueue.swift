import Foundation

/// Artifacts waiting for a download slot, oldest link first (FIFO by listing time).
struct ArtifactQueue {
    private var items: [ArtifactTask] = []
    private var head = 0

    var count: Int { items.count - head }

    mutating func push(_ task: ArtifactTask) { items.append(task) }

    mutating func pop() -> ArtifactTask? {
        guard head < items.count else { return nil }
        let task = items[head]
        head += 1
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return task
    }

    mutating func drain() -> [ArtifactTask] {
        defer { items = []; head = 0 }
        return Array(items[head...])
    }
}

/// Tallies outcomes and progress as the run goes (confined to the run loop).
// @unchecked: used only by NightlyRun's own task, one step after another (never from the task
// group's children), so its counters are never touched concurrently.
final class RunTracker: @unchecked Sendable {
    let start: Date
    var objectsNew = 0
    var objectsDeduplicated = 0
    var storedBytes: Int64 = 0
    var bytes: Int64 = 0
    var done = 0
    var failed = 0
    var retries = 0
    var alreadyArchived = 0
    private var oldestListing: Date?
    /// The largest age of a link when its download was started.
    private(set) var oldestAgeAtStart: TimeInterval = 0

    init(start: Date) { self.start = start }

    func linkStarted(_ listedAt: Date) {
        if oldestListing == nil || listedAt < oldestListing! { oldestListing = listedAt }
        oldestAgeAtStart = max(oldestAgeAtStart, Date().timeIntervalSince(listedAt))
    }

    func record(_ outcome: ArtifactOutcome, failures: inout [ManifestFailure]) {
        switch outcome {
        case .stored(let artifact, let object, let attempts):
            done += 1
            retries += attempts - 1
            bytes += artifact.size
            if object.isNew {
                objectsNew += 1
                storedBytes += object.storedSize
            } else {
                objectsDeduplicated += 1
            }
        case .failed(let failure):
            failed += 1
            retries += max(0, failure.attempts - 1)
            failures.append(failure)
        case .diskFault:
            // Not an artifact's failure: the run stops and its window stays open.
            break
        }
    }

    func snapshot(queued: Int, lister: JobLister.Snapshot) -> RunProgress {
        var p = RunProgress()
        p.jobsListed = lister.listed
        p.serverCount = lister.serverCount
        p.artifactsDone = done
        p.artifactsQueued = queued
        p.bytes = bytes
        p.failures = failed
        p.oldestLinkAge = oldestListing.map { Date().timeIntervalSince($0) } ?? 0
        p.elapsed = Date().timeIntervalSince(start)
        return p
    }
}

/// Rate-limits progress reports to a few per second.
// @unchecked: ticked only by NightlyRun's own task, like RunTracker.
final class ProgressTicker: @unchecked Sendable {
    private let report: @Sendable (RunProgress) -> Void
    private var last = Date.distantPast
    init(report: @escaping @Sendable (RunProgress) -> Void) { self.report = report }
    func tick(_ progress: RunProgress) {
        let now = Date()
        guard now.timeIntervalSince(last) >= 0.25 else { return }
        last = now
        report(progress)
    }
}
