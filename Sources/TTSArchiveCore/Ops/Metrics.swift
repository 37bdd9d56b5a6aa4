import Foundation
import Prometheus

/// The figures of one `ttsarchive run` invocation, as Prometheus text-format gauges for
/// node_exporter's textfile collector (`--collector.textfile.directory`).
public struct RunMetrics: Sendable {
    public var startedAt: Date
    public var finishedAt: Date
    public var exitCode: Int32
    /// The manifest the run wrote; nil when it ended before writing one (lock held, bad config).
    public var manifest: Manifest?
    /// Jobs in that manifest, when the value's `jobs` were not kept (a run streams them to disk).
    public var jobsArchived: Int?
    public var head: ManifestHead?
    /// When the newest run that exited 0 finished (found along the manifest chain).
    public var lastSuccess: Date?
    /// The oldest a download link was when its download started, when the run reports it.
    public var oldestLinkAgeAtDownload: TimeInterval?
    /// Seconds spent waiting for the archive lock.
    public var lockWait: TimeInterval = 0

    public init(startedAt: Date, finishedAt: Date, exitCode: Int32) {
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.exitCode = exitCode
    }

    /// The text exposition format (version 0.0.4), rendered by swift-prometheus's registry
    /// (HELP and TYPE lines, label escaping, number formatting).
    public func render() -> String {
        let registry = PrometheusCollectorRegistry()
        func gauge(_ name: String, _ help: String, _ value: Double?, labels: [(String, String)] = []) {
            guard let value else { return }
            // The unit is part of each name already (`_seconds`, `_bytes`), so none is appended.
            let descriptor = MetricNameDescriptor(namespace: "ttsarchive", metricName: name, unitName: "", helpText: help)
            registry.makeGauge(descriptor: descriptor, labels: labels).set(value)
        }
        gauge("last_run_start_timestamp_seconds", "Unix time the last run started.", startedAt.timeIntervalSince1970)
        gauge("last_run_end_timestamp_seconds", "Unix time the last run ended.", finishedAt.timeIntervalSince1970)
        gauge("last_run_duration_seconds", "Wall-clock duration of the last run.", finishedAt.timeIntervalSince(startedAt))
        gauge("last_run_success", "1 when the last run exited 0 (complete, nothing failed), else 0.", exitCode == 0 ? 1 : 0)
        gauge("last_run_exit_code", "Exit code of the last run (see README: exit codes).", Double(exitCode))
        gauge("last_run_lock_wait_seconds", "Seconds the last run waited for the archive lock.", lockWait)
        gauge("last_success_timestamp_seconds", "Unix time the newest run that exited 0 ended.", lastSuccess?.timeIntervalSince1970)
        gauge(
            "last_run_oldest_link_age_seconds", "Oldest age of a download link when its download started (links expire after 3600 s).",
            oldestLinkAgeAtDownload)
        if let m = manifest {
            let c = m.counts
            gauge("last_run_complete", "1 when the last run processed its whole window.", m.complete ? 1 : 0)
            gauge(
                "last_run_window_start_timestamp_seconds", "Start of the last run's window (create_since).",
                Timestamp.parse(m.window.createSince)?.timeIntervalSince1970)
            gauge(
                "last_run_window_end_timestamp_seconds", "End of the last run's window (create_until).",
                Timestamp.parse(m.window.createUntil)?.timeIntervalSince1970)
            gauge("last_run_jobs_listed", "Jobs the last run listed in its window.", Double(c.jobsListed))
            for (state, count) in c.jobsByState.sorted(by: { $0.key < $1.key }) {
                gauge("last_run_jobs_by_state", "Jobs listed by the last run, by state.", Double(count), labels: [("state", state)])
            }
            gauge("last_run_jobs_archived", "SUCCEED jobs in the last run's manifest.", Double(jobsArchived ?? m.jobs.count))
            gauge(
                "last_run_jobs_already_archived", "Jobs of the window an earlier run had archived (overlap).", Double(c.jobsAlreadyArchived)
            )
            gauge("last_run_jobs_pending", "WAITING/PROCESSING jobs carried into later runs.", Double(m.pending.count))
            gauge("last_run_artifacts_archived", "Artifacts in the last run's manifest.", Double(c.artifactsStored))
            gauge("last_run_bytes_archived", "Original bytes of the artifacts in the last run's manifest.", Double(c.bytes))
            gauge("last_run_stored_bytes", "Compressed bytes of the objects the last run added to the store.", Double(c.storedBytes))
            gauge("last_run_objects_new", "Objects the last run added to the store.", Double(c.objectsNew))
            gauge("last_run_objects_deduplicated", "Artifacts the store already held (not stored again).", Double(c.objectsDeduplicated))
            let handled = c.objectsNew + c.objectsDeduplicated
            gauge(
                "last_run_dedup_ratio", "Share of the last run's artifacts the store already held (0..1).",
                handled > 0 ? Double(c.objectsDeduplicated) / Double(handled) : 0)
            gauge("last_run_failures", "Failures named in the last run's manifest.", Double(m.failures.count))
            gauge("last_run_relists", "Jobs re-listed for fresh links because theirs were about to expire.", Double(c.relists))
            gauge("last_run_retries", "Download attempts retried after transient errors.", Double(c.retries))
            gauge("last_run_bad_records", "Listing records skipped as malformed.", Double(c.badRecords))
        }
        if let head {
            gauge(
                "manifest_head_info", "The manifest chain's head: its run id and the SHA-256 of its file.", 1,
                labels: [("run_id", head.runID), ("sha256", head.sha256)])
        }
        return "# ttsarchive \(ToolInfo.version): written at the end of every `ttsarchive run`.\n" + registry.emitToString()
    }

    /// Writes the metrics atomically (temp file in the same folder, fsync, rename), so the
    /// collector never reads half a file; the temp name does not end in `.prom`.
    public func write(to path: String) throws {
        try POSIXFile.writeAtomically(Array(render().utf8), to: path)
    }

    /// When the newest run that would have exited 0 ended: walks the chain back from the head
    /// (at most `limit` manifests). Nil when none did, or the chain cannot be read.
    public static func lastSuccess(manifests: ManifestDirectory, limit: Int = 400) -> Date? {
        var runID = (try? manifests.head())?.runID
        var steps = 0
        while let id = runID, steps < limit {
            guard let manifest = try? manifests.manifest(runID: id) else { return nil }
            if manifest.complete && manifest.failures.isEmpty && manifest.badRecords.isEmpty {
                return Timestamp.parse(manifest.finishedAt)
            }
            runID = manifest.previousManifest?.runID
            steps += 1
        }
        return nil
    }
}
