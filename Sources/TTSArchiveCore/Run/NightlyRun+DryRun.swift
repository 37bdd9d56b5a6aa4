import Foundation

extension NightlyRun {
    /// `--dry-run`: lists the window that a run would take and counts what it would fetch;
    /// downloads nothing and writes no state and no manifest.
    func dryRun(runID: String, now: Date) async throws -> RunOutcome {
        let stateDir = context.stateDirectory
        let since = options.since ?? RunState.lastCompleteUntil(stateDir).map { $0.addingTimeInterval(-options.overlap) } ?? now.addingTimeInterval(-86400)
        let window = try TimeWindow(since: since, until: options.until ?? now)
        let lister = JobLister(client: context.client, window: window)
        // Counted, not kept: a dry run of a large window must not hold its jobs.
        var jobCount = 0, artifactCount = 0
        while let batch = try await lister.next() {
            for job in batch where job.jobState == .succeeded {
                jobCount += 1
                artifactCount += job.links.count
            }
        }
        let listing = await lister.snapshot
        var counts = ManifestCounts()
        counts.jobsListed = listing.listed
        counts.jobsByState = listing.countsByState
        counts.artifactsStored = 0
        counts.badRecords = listing.badRecords.count
        var manifest = Manifest(
            runID: runID, startedAt: Timestamp.format(now), finishedAt: Timestamp.format(Date()), complete: listing.shortfall == 0,
            tool: ["name": ToolInfo.name, "version": ToolInfo.version],
            source: ["provider": "huaweicloud.metastudio", "endpoint": context.client.endpoint.description, "project_id": context.client.projectID],
            window: RunWindowRecord(window), previousManifest: nil, jobs: [], failures: [], counts: counts)
        manifest.badRecords = listing.badRecords
        var outcome = RunOutcome(manifest: manifest, head: nil, manifestPath: nil)
        outcome.jobCount = jobCount
        outcome.artifactsToFetch = artifactCount
        return outcome
    }
}

/// The run stopped early because of `underlying` (e.g. authentication refused); its manifest
/// (incomplete) was written.
public struct RunStopped: Error, Sendable, CustomStringConvertible, ExitCoded {
    public var underlying: any Error
    public var outcome: RunOutcome
    public var description: String { "\(underlying) (the run stopped; manifest \(outcome.manifestPath ?? "-") is incomplete)" }
    public var exitCode: Int32 { (underlying as? any ExitCoded)?.exitCode ?? ExitClass.partial.code }
}

/// `20261122T041900Z-3fa1`: sorts by time, unique enough for one archive.
public enum RunID {
    public static func make(_ date: Date) -> String {
        let stamp = Timestamp.compact(date)
        return stamp + "-" + String(format: "%04x", UInt16.random(in: 0...UInt16.max))
    }
}
