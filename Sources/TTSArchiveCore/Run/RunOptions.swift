import Foundation

/// The knobs of `ttsarchive run`, with the contract's defaults.
public struct RunOptions: Sendable {
    public var since: Date?
    public var until: Date?
    public var overlap: TimeInterval = 15 * 60
    /// Transfers at once (``TransferGate``).
    public var concurrency = 8
    public var maxFileSize: Int64 = 2 << 30
    public var pendingMaxAge: TimeInterval = 7 * 86400
    /// How long an artifact stays owed (re-fetched by every run) before it is abandoned.
    public var owedMaxAge: TimeInterval = OwedWork.defaultMaxAge
    /// Re-lists allowed per job when its links go stale.
    public var relistBudget = 4
    /// A link with less than this left is re-listed before use.
    public var expiryMargin: TimeInterval = 120
    public var dryRun = false
    /// Seconds a subtitle may run past its audio.
    public var subtitleTolerance = 0.5
    /// `--shard K/N`: only the jobs this shard owns; the manifest goes to the run group's shards.
    public var shard: ShardSpec?
    /// `--run-group ID`: the night the shards belong to (required with `shard`).
    public var runGroup: String?

    public init() {}

    /// Artifacts started and not finished at once: the `concurrency` transfers, plus artifacts
    /// that verify, commit or wait for the disk meanwhile. A committing small artifact holds at
    /// most its compressed bytes (64 KiB, ``LocalObjectWriter/memoryLimit``), a big one a file.
    /// Four times the transfers, measured: on 2026-12-05 1× took the small night 13.5–14.2 s
    /// (commits too few to batch) and 4× 8.9 s against 9.5 s for 2×, but 4× then raised the
    /// audio night's peak RSS from 59 to 72 MiB. Since a transfer frees its buffers when it
    /// ends and a deflate state is held only by an object past its first 64 KiB, 4× costs
    /// ~1.7 MiB (audio, 2026-12-06: 51.6 → 53.4 MiB) and gives the small night 7.2–7.8 s
    /// against 8.6–8.8 s (simulator-served, same machine, alternating runs).
    public var artifactsInFlight: Int { max(1, concurrency) * 4 }
}

/// What a caller sees while a run goes: for the progress line and the 30-second status.
public struct RunProgress: Sendable {
    public var jobsListed = 0
    public var serverCount = 0
    public var artifactsDone = 0
    public var artifactsQueued = 0
    public var bytes: Int64 = 0
    public var failures = 0
    /// Age in seconds of the oldest link still waiting or in flight.
    public var oldestLinkAge: TimeInterval = 0
    public var elapsed: TimeInterval = 0
}

/// The outcome of `ttsarchive run`.
public struct RunOutcome: Sendable {
    /// The manifest's header, counts and failures. Its `jobs` are empty: they were streamed to
    /// the file at `manifestPath` and are not kept in memory (``jobCount`` says how many).
    public var manifest: Manifest
    public var head: ManifestHead?
    public var manifestPath: String?
    /// SUCCEED jobs in the manifest (a dry run: jobs it would archive).
    public var jobCount = 0
    /// A dry run: the artifacts it would fetch.
    public var artifactsToFetch = 0
    /// The largest age of a link when its download started (listing to first request), seconds.
    public var oldestLinkAgeAtDownload: TimeInterval?

    /// The contract's exit code: 0 only when complete and without failures.
    public var exitCode: Int32 {
        if !manifest.complete { return ExitClass.partial.code }
        return (manifest.failures.isEmpty && manifest.badRecords.isEmpty ? ExitClass.success : .partial).code
    }
}
