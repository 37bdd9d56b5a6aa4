import Foundation
import Testing

@testable import TTSArchiveCore

/// A chain of `nights` manifests with varied figures, written as `run` writes them.
func writeNights(_ nights: Int, manifests: String, failingNight: Int? = nil) throws -> [Manifest] {
    let directory = try ManifestDirectory(path: manifests)
    var written: [Manifest] = []
    let base = Timestamp.parse("2025-06-01T02:00:00Z")!
    for night in 0..<nights {
        let start = base.addingTimeInterval(Double(night) * 86400)
        var counts = ManifestCounts()
        counts.jobsListed = 100 + night * 7
        counts.jobsByState = ["SUCCEED": 90 + night * 7, "FAILED": 10]
        counts.artifactsStored = 3 * (90 + night * 7)
        counts.bytes = Int64(20_000_000 + night * 1_500_000)
        counts.storedBytes = Int64(15_000_000 + night * 1_000_000)
        counts.objectsNew = 200 + night
        counts.objectsDeduplicated = 70
        counts.relists = night % 3
        counts.retries = 10 + night
        let jobs = try (0..<(90 + night * 7)).map { index in
            try JSONDecoder().decode(
                ManifestJob.self, from: Data(#"{"job_id":"job-\#(night)-\#(index)","audio_format":"WAV","artifacts":[]}"#.utf8))
        }
        let failures =
            night == failingNight ? [ManifestFailure(jobID: "job-x", kind: .audio, fileIndex: 0, error: "HTTP 500", attempts: 5)] : []
        var manifest = Manifest(
            runID: Timestamp.format(start).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "") + "-ab0\(night)",
            startedAt: Timestamp.format(start), finishedAt: Timestamp.format(start.addingTimeInterval(Double(600 + night * 300))),
            complete: true, tool: ["name": "ttsarchive", "version": "0.1.0"], source: ["provider": "huaweicloud.metastudio"],
            window: RunWindowRecord(try TimeWindow(since: start.addingTimeInterval(-86400 - 900), until: start)), previousManifest: nil,
            jobs: jobs, failures: failures, counts: counts)
        if let head = try directory.head() { manifest.previousManifest = ManifestLink(runID: head.runID, sha256: head.sha256) }
        try directory.append(manifest)
        written.append(manifest)
    }
    return written
}

@Suite("status, the HTML report and the metrics text")
struct OpsReportTests {
    @Test func statusGathersRunsPendingHeadAndStore() async throws {
        let dir = TestDirectory("status")
        let store = try LocalObjectStore(root: dir.sub("archive"), create: true)
        for text in ["one", "two"] {
            _ = try await StoreUnderTest.put(Array(text.utf8), into: store, chunk: 1024)
        }
        let manifests = try writeNights(4, manifests: dir.sub("manifests"), failingNight: 2)
        var pending = PendingJobs()
        pending.jobs["p1"] = .init(jobID: "p1", state: "WAITING", createTime: "2025-06-03T01:00:00Z", firstSeen: "2025-06-03T02:00:00Z")
        try FileManager.default.createDirectory(atPath: dir.sub("archive/state"), withIntermediateDirectories: true)
        try pending.save(dir.sub("archive/state"))

        let status = try await StatusReport.gather(store: store, manifests: dir.sub("manifests"), runs: 3)
        #expect(status.runs.map(\.runID) == manifests.suffix(3).reversed().map(\.runID))
        #expect(status.runs.allSatisfy { $0.chainIntact == true })
        #expect(status.runs[1].failures == 1 && !status.runs[1].succeeded && status.runs[0].succeeded)
        #expect(status.runs[0].durationSeconds == Double(600 + 3 * 300))
        #expect(status.runs[0].jobsArchived == 90 + 3 * 7)
        #expect(status.head?.runID == manifests.last?.runID)
        #expect(status.runs[0].sha256 == status.head?.sha256)
        #expect(status.pending.map(\.jobID) == ["p1"])
        #expect(status.store.objects == 2 && status.store.otherFiles == 0)
        #expect(status.lock == nil)
        let text = status.text()
        #expect(text.contains("2 objects") && text.contains(status.head!.sha256) && text.contains("lock      free"))
        #expect(text.contains("p1  WAITING"))

        // An edited manifest breaks the chain, and status says so.
        let victim = dir.sub("manifests/\(manifests[2].runID).json")
        try (String(contentsOfFile: victim, encoding: .utf8) + " ").write(toFile: victim, atomically: true, encoding: .utf8)
        let after = try await StatusReport.gather(store: store, manifests: dir.sub("manifests"), runs: 3)
        #expect(after.runs[0].chainIntact == false)
        #expect(after.text().contains("CHAIN BROKEN"))
    }

    @Test func reportHasItsChartsAndTableAndNoScript() async throws {
        let dir = TestDirectory("report")
        let store = try LocalObjectStore(root: dir.sub("archive"), create: true)
        let manifests = try writeNights(5, manifests: dir.sub("manifests"), failingNight: 1)
        var status = try await StatusReport.gather(store: store, manifests: dir.sub("manifests"), runs: 30)
        status.archive = "<script>alert(1)</script>"
        let html = HTMLReport(status: status).html()
        #expect(html.components(separatedBy: "<svg ").count - 1 == 4)
        for id in ["chart-jobs-bytes", "chart-failures", "chart-duration", "chart-storage"] { #expect(html.contains("id=\"\(id)\"")) }
        // Bars: jobs (5) + failures and re-lists (10) + duration (5) + original and stored (10).
        #expect(html.components(separatedBy: "<rect class=\"bar\"").count - 1 == 30)
        #expect(html.contains("links expire after 60 min"))
        #expect(!html.lowercased().contains("<script") && html.contains("&lt;script&gt;"))
        #expect(!html.contains("src=") && !html.contains("<link"))
        for manifest in manifests { #expect(html.contains("id=\"run-\(manifest.runID)\"")) }
        #expect(html.contains(String(status.head!.sha256.prefix(12))))
        // Each row but the first links back to its predecessor's row.
        #expect(html.components(separatedBy: "href=\"#run-").count - 1 == 4)
    }

    @Test func chartScalesAreRound() {
        #expect(SVGChart.niceScale(0).top == 1)
        #expect(SVGChart.niceScale(87) == (100, 20))
        #expect(SVGChart.niceScale(64.8) == (80, 20))
        #expect(SVGChart.niceScale(1_234_567) == (1_250_000, 250_000))
        #expect(SVGChart.niceScale(3) == (3, 1))
    }

    @Test func metricsTextHasEverySeries() throws {
        let dir = TestDirectory("metrics")
        let manifests = try writeNights(2, manifests: dir.sub("manifests"), failingNight: 1)
        let directory = try ManifestDirectory(path: dir.sub("manifests"))
        var metrics = RunMetrics(
            startedAt: Date(timeIntervalSince1970: 1_750_000_000), finishedAt: Date(timeIntervalSince1970: 1_750_000_900.5), exitCode: 1)
        metrics.manifest = manifests[1]
        metrics.head = try directory.head()
        metrics.lastSuccess = RunMetrics.lastSuccess(manifests: directory)
        // Values as swift-prometheus writes them (Swift's Double description: `1.0`, `900.5`).
        let text = metrics.render()
        #expect(text.contains("ttsarchive_last_run_duration_seconds 900.5\n"))
        #expect(text.contains("ttsarchive_last_run_success 0.0\n") && text.contains("ttsarchive_last_run_exit_code 1.0\n"))
        #expect(text.contains("ttsarchive_last_run_failures 1.0\n"))
        #expect(text.contains("ttsarchive_last_run_jobs_by_state{state=\"SUCCEED\"} 97.0\n"))
        #expect(text.contains("ttsarchive_manifest_head_info{run_id=\"\(manifests[1].runID)\",sha256=\"\(metrics.head!.sha256)\"} 1.0\n"))
        // The last success is the first night's (the second failed), found along the chain.
        #expect(metrics.lastSuccess == Timestamp.parse(manifests[0].finishedAt))
        #expect(text.contains("ttsarchive_last_success_timestamp_seconds \(metrics.lastSuccess!.timeIntervalSince1970)\n"))
        // Every sample line belongs to a family announced by HELP and TYPE just before it.
        var announced: Set<String> = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") { announced.insert(String(line.split(separator: " ")[2])) }
            if !line.hasPrefix("#") { #expect(announced.contains(String(line.prefix { $0 != "{" && $0 != " " })), "\(line)") }
        }
        // Label values are escaped by the registry: a run id with a quote, a backslash and a newline.
        metrics.head = ManifestHead(runID: "a\"b\\c\nd", file: "x.json", sha256: "00")
        #expect(metrics.render().contains(#"run_id="a\"b\\c\nd""#))
    }
}
