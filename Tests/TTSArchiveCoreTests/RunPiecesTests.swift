import Foundation
import Testing
@testable import TTSArchiveCore

@Suite("Run pieces")
struct RunPiecesTests {
    @Test func hostPolicy() throws {
        let policy = HostPolicy(endpoint: try Endpoint("https://metastudio.cn-north-4.myhuaweicloud.com"), extraHosts: ["cdn.example.com", "10.0.0.5:8443"], allowHTTP: false)
        func allowed(_ url: String) -> Bool { if case .success = policy.check(url) { return true } else { return false } }
        #expect(allowed("https://bucket.obs.cn-north-4.myhuaweicloud.com/a.wav?Signature=x"))
        #expect(allowed("https://cdn.example.com/a.wav"))
        #expect(allowed("https://10.0.0.5:8443/a"))
        #expect(!allowed("https://10.0.0.5/a"))
        #expect(!allowed("http://bucket.obs.cn-north-4.myhuaweicloud.com/a"))
        #expect(!allowed("https://evil.example.org/a.wav"))
        #expect(!allowed("file:///etc/passwd"))
        #expect(!allowed("https://user:pw@cdn.example.com/a"))
        guard case .failure(let refusal) = policy.check("https://evil.example.org/a?Signature=SECRET") else { return }
        #expect(!refusal.description.contains("SECRET"))

        let local = HostPolicy(endpoint: try Endpoint("http://127.0.0.1:8080"), extraHosts: [], allowHTTP: false)
        if case .failure = local.check("http://127.0.0.1:8080/obs/b/k") { Issue.record("the endpoint's own host:port must be allowed") }
        if case .success = local.check("http://127.0.0.1:9999/obs/b/k") { Issue.record("another port is another host") }
    }

    @Test func endpoints() throws {
        #expect(try Endpoint.metaStudio(region: "cn-north-4").description == "https://metastudio.cn-north-4.myhuaweicloud.com")
        #expect(throws: TTSArchiveError.self) { try Endpoint("http://metastudio.example.com") }
        #expect(try Endpoint("http://metastudio.example.com", allowHTTP: true).allowsPlainHTTP)
        #expect(try Endpoint("http://127.0.0.1:9000").hostHeader == "127.0.0.1:9000")
        #expect(throws: TTSArchiveError.self) { try Endpoint("ftp://x") }
        #expect(throws: TTSArchiveError.self) { try Endpoint.metaStudio(region: "../x") }
    }

    @Test func timestamps() {
        let date = Timestamp.parse("2025-06-09T10:48:07Z")
        #expect(date != nil)
        #expect(Timestamp.format(date!) == "2025-06-09T10:48:07Z")
        #expect(Timestamp.parse("2025-06-09T12:48:07+02:00") == date)
        #expect(Timestamp.parse("2025-06-09T10:48:07.250Z").map { Int($0.timeIntervalSince1970) } == Int(date!.timeIntervalSince1970))
        #expect(Timestamp.parse("2025-06-09 10:48:07") == date)
        #expect(Timestamp.parse("2025-06-09").map(Timestamp.format) == "2025-06-09T00:00:00Z")
        #expect(Timestamp.parse("yesterday") == nil)
        #expect(Timestamp.parse("2025-06-09t10:48:07z") == date)
        #expect(Timestamp.parse("2025-06-09T10:48:07.5-01:30").map(Timestamp.format) == "2025-06-09T12:18:07Z")
    }

    /// Foundation's parsers stop early and roll impossible fields over; `Timestamp` must not.
    @Test(arguments: [
        "2025-02-30T10:48:07Z", "2025-06-09T24:00:00Z", "2025-06-09T10:48:60Z", "2025-06-09T10:48:07Zjunk",
        "2025-06-09T10:48:07+08", "2025-06-09T10:48:07+25:00", "2025-06-09T10:48:07.Z", "2025-13-01",
        "2025-06-09T10:48", "2025-06-09junk", "2025-06-09T10:48:07.\u{0661}Z",
    ])
    func timestampsRefuseWhatTheyDoNotSay(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func timestampLayouts() {
        let date = Date(timeIntervalSince1970: 1_749_466_087.9)  // 2025-06-09T10:48:07.9Z, a Monday
        #expect(Timestamp.format(date) == "2025-06-09T10:48:07Z")
        #expect(Timestamp.compact(date) == "20250609T104807Z")
        #expect(Timestamp.day(date) == "2025-06-09")
        #expect(Timestamp.httpDate(date) == "Mon, 09 Jun 2025 10:48:07 GMT")
        let whole = Date(timeIntervalSince1970: 1_749_466_087)
        #expect(Timestamp.parseCompact("20250609T104807Z") == whole)
        #expect(Timestamp.parseCompact("20250230T104807Z") == nil)
        #expect(Timestamp.parseHTTPDate("Mon, 09 Jun 2025 10:48:07 GMT") == whole)
        #expect(Timestamp.parseHTTPDate("Tue, 09 Jun 2025 10:48:07 GMT") == nil)  // wrong weekday
        #expect(Timestamp.parseHTTPDate("Mon, 09 Jun 2025 10:48:07 GMT trailing") == nil)
    }

    @Test func credentials() throws {
        let both = try HuaweiCredentials.load(environment: ["HUAWEICLOUD_SDK_AK": "AK", "HUAWEICLOUD_SDK_SK": "SK"], tokenFile: nil)
        guard case .accessKey(let id, _) = both else { Issue.record("expected AK/SK"); return }
        #expect(id == "AK")
        do {
            _ = try HuaweiCredentials.load(environment: ["HUAWEICLOUD_SDK_AK": "AK"], tokenFile: nil)
            Issue.record("half-set pair accepted")
        } catch let error as TTSArchiveError {
            #expect(error.description.contains("HUAWEICLOUD_SDK_SK"))
            #expect(error.exitCode == 2)
        }
        guard case .token("T") = try HuaweiCredentials.load(environment: ["TTSARCHIVE_AUTH_TOKEN": "T"], tokenFile: nil) else {
            Issue.record("expected the token"); return
        }
        #expect(throws: TTSArchiveError.self) { try HuaweiCredentials.load(environment: [:], tokenFile: nil) }

        let dir = TestDirectory("cred")
        let file = dir.sub("token")
        try Data("tok\n".utf8).write(to: URL(fileURLWithPath: file))
        chmod(file, 0o644)
        #expect(throws: TTSArchiveError.self) { try HuaweiCredentials.load(environment: [:], tokenFile: file) }
        chmod(file, 0o600)
        guard case .token("tok") = try HuaweiCredentials.load(environment: [:], tokenFile: file) else { Issue.record("token file"); return }
    }

    @Test func journalDropsATornLastLineOnly() async throws {
        let dir = TestDirectory("journal")
        let path = dir.sub("active.journal")
        let journal = try RunJournal(path: path)
        var record = JournalRecord(type: .pending)
        for i in 0..<50 {
            record.jobID = "job-\(i)"
            try await journal.append(record)
        }
        try await journal.close()
        #expect(try RunJournal.load(path).count == 50)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"type":"pending","job_"#.utf8))
        try handle.close()
        #expect(try RunJournal.load(path).map(\.jobID) == (0..<50).map { "job-\($0)" })
        // A garbled line in the middle is not silently skipped.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let firstNewline = try #require(bytes.firstIndex(of: 0x0a))
        bytes[firstNewline] = UInt8(ascii: "X")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var damaged = false
        do { _ = try RunJournal.load(path) } catch is TTSArchiveError { damaged = true }
        #expect(damaged, "a garbled middle line must be reported")
    }

    @Test func manifestHasAFixedShapeAndChains() throws {
        let dir = TestDirectory("manifest")
        let manifests = try ManifestDirectory(path: dir.sub("m"))
        var manifest = Manifest(
            runID: "r1", startedAt: "2025-06-09T00:00:00Z", finishedAt: "2025-06-09T00:10:00Z", complete: true,
            tool: ["name": "ttsarchive", "version": "0"], source: ["provider": "huaweicloud.metastudio"],
            window: RunWindowRecord(try TimeWindow(since: Date(timeIntervalSince1970: 0), until: Date(timeIntervalSince1970: 60))),
            previousManifest: nil, jobs: [], failures: [], counts: ManifestCounts())
        let text = String(decoding: try manifest.encoded(), as: UTF8.self)
        #expect(text.contains(#""previous_manifest" : null"#))
        #expect(text.contains(#""schema" : "ttsarchive.manifest/v1""#))
        let head1 = try manifests.append(manifest)
        #expect(shell("sha256sum '\(dir.sub("m/r1.json"))'").output.hasPrefix(head1.sha256))
        manifest.runID = "r2"
        manifest.previousManifest = ManifestLink(runID: head1.runID, sha256: head1.sha256)
        let head2 = try manifests.append(manifest)
        #expect(try manifests.head() == head2)
        #expect(try manifests.manifest(runID: "r2")?.previousManifest?.sha256 == head1.sha256)
    }
}
