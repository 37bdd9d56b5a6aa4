import Foundation
import Testing

@testable import TTSArchiveCore

private let night1 = Date(timeIntervalSince1970: 1_764_900_000)
private let day: TimeInterval = 86400

private func failure(_ job: String, _ kind: ArtifactKind?, _ index: Int?, _ error: String = "gave up after repeated transient failures, the last: HTTP 503", attempts: Int = 6) -> ManifestFailure {
    ManifestFailure(jobID: job, kind: kind, fileIndex: index, error: error, attempts: attempts)
}

/// The pure decisions of owed work: what a night adds, what it settles, when it abandons.
@Suite("Owed work")
struct OwedWorkTests {
    @Test("an artifact failure becomes owed; a whole-job failure does not")
    func failuresBecomeOwed() {
        let owed = OwedWork().settled(
            isStored: { _ in false },
            failures: [failure("j1", .audio, 0), failure("j2", nil, nil, "job is SUCCEED but lists no files"), failure("*", nil, nil)],
            now: night1, maxAge: 30 * day)
        #expect(owed.artifacts.count == 1)
        let entry = owed.artifacts[0]
        #expect(entry.key == ArtifactKey(jobID: "j1", kind: .audio, fileIndex: 0))
        #expect(entry.tries == 1 && entry.lastTried == Timestamp.format(night1) && entry.owedSince == Timestamp.format(night1))
        #expect(!entry.abandoned)
        #expect(owed.dueByJob.map(\.jobID) == ["j1"])
    }

    @Test("a later night that stores it settles it; one that fails again keeps its first date")
    func carriedForward() {
        let first = OwedWork().settled(
            isStored: { _ in false }, failures: [failure("j1", .audio, 0), failure("j1", .subtitles, 0)], now: night1, maxAge: 30 * day)
        let night2 = night1.addingTimeInterval(day)
        let second = first.settled(
            isStored: { $0.kind == .audio }, failures: [failure("j1", .subtitles, 0, "content failed verification on every attempt")],
            now: night2, maxAge: 30 * day)
        #expect(second.artifacts.map(\.kind) == [.subtitles])
        #expect(second.artifacts[0].owedSince == Timestamp.format(night1))
        #expect(second.artifacts[0].lastTried == Timestamp.format(night2))
        #expect(second.artifacts[0].tries == 2)
        #expect(second.artifacts[0].reason.hasPrefix("content failed"))
        let third = second.settled(isStored: { _ in true }, failures: [], now: night2.addingTimeInterval(day), maxAge: 30 * day)
        #expect(third.artifacts.isEmpty && third.summary.count == 0)
    }

    @Test("a night that never tried it (stopped early) keeps it owed without counting a try")
    func untriedIsNotATry() {
        let owed = OwedWork().settled(
            isStored: { _ in false }, failures: [failure("j1", .audio, 0, "not attempted: the run was stopped", attempts: 0)],
            now: night1, maxAge: 30 * day)
        #expect(owed.artifacts.count == 1 && owed.artifacts[0].tries == 0 && owed.artifacts[0].lastTried == nil)
    }

    @Test("past the owed max age an artifact is abandoned: kept, reported, no longer due")
    func abandonment() {
        let owed = OwedWork().settled(isStored: { _ in false }, failures: [failure("j1", .audio, 0)], now: night1, maxAge: 30 * day)
        let day30 = owed.settled(isStored: { _ in false }, failures: [], now: night1.addingTimeInterval(30 * day), maxAge: 30 * day)
        #expect(day30.abandoned.isEmpty, "exactly the max age is not yet past it")
        let day31 = day30.settled(isStored: { _ in false }, failures: [], now: night1.addingTimeInterval(31 * day), maxAge: 30 * day)
        #expect(day31.abandoned.count == 1)
        #expect(day31.dueByJob.isEmpty)
        #expect(day31.summary.count == 0 && day31.summary.abandoned.map(\.jobID) == ["j1"])
        // Reported every night after: it stays in the file.
        let day40 = day31.settled(isStored: { _ in false }, failures: [], now: night1.addingTimeInterval(40 * day), maxAge: 30 * day)
        #expect(day40.abandoned.count == 1)
    }

    @Test("the summary counts reasons by class and names the oldest")
    func summary() {
        var owed = OwedWork()
        owed.add([
            .init(jobID: "b", kind: .audio, fileIndex: 1, owedSince: "2026-12-02T00:00:00Z", reason: "HTTP 404 from the download host (not retried); 1 attempt"),
            .init(jobID: "a", kind: .audio, fileIndex: 0, owedSince: "2026-12-01T00:00:00Z", reason: "gave up after repeated transient failures, the last: HTTP 503; 6 attempts"),
            .init(jobID: "c", kind: .timestamps, fileIndex: 0, owedSince: "2026-12-03T00:00:00Z", reason: "gave up after repeated transient failures, the last: reset; 6 attempts"),
        ])
        let summary = owed.summary
        #expect(summary.count == 3)
        #expect(summary.oldestSince == "2026-12-01T00:00:00Z")
        #expect(summary.reasons == ["gave up after repeated transient failures, the last": 2, "HTTP 404 from the download host": 1])
        #expect(summary.artifacts.map(\.jobID) == ["a", "b", "c"])
    }

    @Test("adding an artifact already owed keeps one entry and its first date")
    func addIsIdempotent() {
        var owed = OwedWork()
        owed.add([.init(jobID: "a", kind: .audio, fileIndex: 0, owedSince: "2026-12-01T00:00:00Z", reason: "first")])
        owed.add([.init(jobID: "a", kind: .audio, fileIndex: 0, owedSince: "2026-12-05T00:00:00Z", reason: "verify --repair: object damaged")])
        #expect(owed.artifacts.count == 1)
        #expect(owed.artifacts[0].owedSince == "2026-12-01T00:00:00Z" && owed.artifacts[0].reason.hasPrefix("verify"))
    }

    @Test("the file round-trips, and a damaged one is an error that says what to do")
    func fileFormat() throws {
        let dir = TestDirectory("owed")
        var owed = OwedWork()
        owed.add([.init(jobID: "a", kind: .audio, fileIndex: 0, owedSince: "2026-12-01T00:00:00Z", reason: "r")])
        try owed.save(dir.path)
        #expect(try OwedWork.load(dir.path) == owed)
        let text = try String(contentsOfFile: dir.path + "/owed.json", encoding: .utf8)
        #expect(text.contains("\"owed_since\" : \"2026-12-01T00:00:00Z\"") && text.contains("\"version\" : 1"))
        try Data("{\"artifacts\": [".utf8).write(to: URL(fileURLWithPath: dir.path + "/owed.json"))
        #expect(throws: TTSArchiveError.self) { try OwedWork.load(dir.path) }
        #expect(try OwedWork.load(dir.path + "/absent") == OwedWork())
    }

    @Test("the download budget allows at least five attempts, as aria2 does")
    func retryBudget() {
        #expect(RetryPolicy().maxAttempts >= 5)
        #expect(ArtifactDownloadMachine.Configuration().retry.maxAttempts >= 5)
    }
}
