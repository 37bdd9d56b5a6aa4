import Crypto
import Foundation

/// `ttsarchive merge --run-group ID`: joins a sharded night's shard manifests into one night
/// manifest in the hash chain.
///
/// Shard manifests live beside the chain, at `shards/<group>/shard-K-of-N.json`; each shard
/// rewrites its own until the group is merged. The merge (run under the chain's one lock, the
/// same a run without shards takes: every writer of the chain takes it) reads all
/// N, checks that they are one night (same window, same source, N of N), writes the night's
/// manifest with every job, failure and pending job of the shards, the summed counts and a
/// `shards` list naming each shard manifest and its SHA-256, moves HEAD to it, and seals the
/// group with `shards/<group>/MERGED.json`.
public struct NightMerge: Sendable {
    public let manifests: ManifestDirectory

    public init(manifests: ManifestDirectory) {
        self.manifests = manifests
    }

    static func markerFile(group: String) -> String { "shards/\(group)/MERGED.json" }

    /// What a merge found or did.
    public enum Outcome: Sendable {
        /// The night's manifest was written; HEAD names it.
        case merged(Manifest, ManifestHead)
        /// Not every shard has written a manifest yet (the missing ones, as `K/N`).
        case waiting(missing: [String])
        /// The group was merged before, as this run.
        case alreadyMerged(runID: String)
    }

    /// The shard manifests present for `group`, by index, with their bytes.
    func shardManifests(group: String) throws -> (count: Int?, found: [Int: (Manifest, [UInt8])]) {
        let folder = manifests.path + "/shards/" + group
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var found: [Int: (Manifest, [UInt8])] = [:]
        var count: Int?
        for name in names.sorted() where name.hasPrefix("shard-") && name.hasSuffix(".json") {
            guard let data = FileManager.default.contents(atPath: folder + "/" + name) else { continue }
            let manifest: Manifest
            do {
                manifest = try JSONDecoder().decode(Manifest.self, from: data)
            } catch {
                throw TTSArchiveError(.unusableState, "shard manifest is unreadable: \(error)", path: "\(folder)/\(name)", fix: "run that shard again")
            }
            guard let shard = manifest.shard, shard.runGroup == group, name == ShardSpec(index: shard.index, count: shard.count).fileStem + ".json" else {
                throw TTSArchiveError(.unusableState, "the file does not describe itself as that shard of run group \(group)", path: "\(folder)/\(name)", fix: "move it aside and run that shard again")
            }
            if let count, count != shard.count {
                throw TTSArchiveError(.unusableState, "run group \(group) mixes shard counts \(count) and \(shard.count)", fix: "one night must use one N: run its shards again with the same --shard K/N")
            }
            count = shard.count
            found[shard.index] = (manifest, Array(data))
        }
        return (count, found)
    }

    /// Merges `group` if every shard is there (and, with `requireComplete`, complete).
    public func merge(group: String, expectedCount: Int? = nil, requireComplete: Bool = false, now: Date = Date()) async throws -> Outcome {
        try await manifests.pull()
        if let data = FileManager.default.contents(atPath: manifests.path + "/" + Self.markerFile(group: group)),
            let marker = try? JSONDecoder().decode(ManifestHead.self, from: data)
        {
            return .alreadyMerged(runID: marker.runID)
        }
        let (foundCount, found) = try shardManifests(group: group)
        guard let count = foundCount ?? expectedCount else { return .waiting(missing: ["all"]) }
        if let expectedCount, expectedCount != count {
            throw TTSArchiveError(.unusableState, "run group \(group) has shards of \(count), not \(expectedCount)", fix: "pass --shards \(count) or leave it out")
        }
        let missing = (0..<count).filter { found[$0] == nil }.map { "\($0)/\(count)" }
        if !missing.isEmpty { return .waiting(missing: missing) }
        let shards = (0..<count).map { found[$0]! }
        if requireComplete, shards.contains(where: { !$0.0.complete }) {
            return .waiting(missing: shards.filter { !$0.0.complete }.map { "\($0.0.shard!.index)/\(count) (incomplete)" })
        }
        var manifest = try Self.combine(shards, group: group, now: now)
        manifest.previousManifest = try manifests.chainTip()
        let head = try await manifests.commit(manifest)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try await manifests.writeFile(Self.markerFile(group: group), bytes: Array(try encoder.encode(head)) + [0x0a], replace: false)
        return .merged(manifest, head)
    }

    /// The night's manifest from its shards' (pure: no I/O).
    static func combine(_ shards: [(Manifest, [UInt8])], group: String, now: Date) throws -> Manifest {
        let first = shards[0].0
        for (other, _) in shards.dropFirst() where other.window != first.window || other.source != first.source {
            throw TTSArchiveError(
                .unusableState,
                "shard \(other.shard?.index ?? -1) of run group \(group) covers another window or source than shard 0", fix: "run every shard with the same --since/--until")
        }
        var jobs: [String: ManifestJob] = [:]
        var failures: [ManifestFailure] = []
        var pending: [String: ManifestPendingJob] = [:]
        var counts = ManifestCounts()
        for (manifest, _) in shards {
            for job in manifest.jobs { jobs[job.jobID] = job }
            failures += manifest.failures
            for job in manifest.pending { pending[job.jobID] = job }
            // Every shard lists the whole window: its listing counts are the night's, not a share.
            if manifest.counts.jobsListed > counts.jobsListed {
                counts.jobsListed = manifest.counts.jobsListed
                counts.jobsByState = manifest.counts.jobsByState
            }
            counts.objectsNew += manifest.counts.objectsNew
            counts.objectsDeduplicated += manifest.counts.objectsDeduplicated
            counts.storedBytes += manifest.counts.storedBytes
            counts.relists += manifest.counts.relists
            counts.retries += manifest.counts.retries
            counts.jobsAlreadyArchived += manifest.counts.jobsAlreadyArchived
        }
        let allJobs = jobs.values.sorted { $0.jobID < $1.jobID }
        counts.artifactsStored = allJobs.reduce(0) { $0 + $1.artifacts.count }
        counts.bytes = allJobs.reduce(0) { $0 + $1.artifacts.reduce(0) { $0 + $1.size } }
        counts.badRecords = first.badRecords.count
        // A failure every shard reports (listing drift, "*") is one failure of the night.
        var seen = Set<ManifestFailure>()
        failures = failures.filter { seen.insert($0).inserted }
        var manifest = Manifest(
            runID: RunID.make(now), startedAt: shards.map(\.0.startedAt).min()!, finishedAt: Timestamp.format(now),
            complete: shards.allSatisfy(\.0.complete), tool: first.tool, source: first.source, window: first.window,
            previousManifest: nil, jobs: allJobs,
            failures: failures.sorted { ($0.jobID, $0.kind?.rawValue ?? "", $0.fileIndex ?? -1) < ($1.jobID, $1.kind?.rawValue ?? "", $1.fileIndex ?? -1) },
            counts: counts)
        manifest.pending = pending.values.sorted { $0.jobID < $1.jobID }
        manifest.badRecords = first.badRecords
        manifest.shards = shards.map { shard, bytes in
            ManifestShardRef(
                shard: "\(shard.shard!.index)/\(shard.shard!.count)", runID: shard.runID,
                file: ShardSpec(index: shard.shard!.index, count: shard.shard!.count).manifestFile(group: group),
                sha256: SHA256.hash(data: bytes).hexString, complete: shard.complete)
        }
        return manifest
    }
}
