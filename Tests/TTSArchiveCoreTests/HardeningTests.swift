import Foundation
import Testing

@testable import TTSArchiveCore

/// The trust rules and text rules of issue 16, each checked where it is decided.
@Suite("Hardening: loopback, secrets in errors, settings file owner, terminal text, durations")
struct HardeningTests {
    @Test func loopbackIsAnExactRule() throws {
        for host in ["127.0.0.1", "127.255.0.9", "localhost", "LOCALHOST", "::1", "[::1]", "0:0:0:0:0:0:0:1"] {
            #expect(Endpoint.isLoopback(host), "\(host)")
        }
        for host in [
            "127.0.0.1.attacker.example", "127.attacker.example", "127.0.0.1x", "127.0.0.256", "127.0.0", "127.1",
            "128.0.0.1", "localhost.attacker.example", "::2", "1127.0.0.1", "127.0.0.01234",
        ] {
            #expect(!Endpoint.isLoopback(host), "\(host)")
        }
        #expect(throws: (any Error).self) { try Endpoint("http://127.0.0.1.attacker.example:8080") }
        #expect(try Endpoint("http://127.0.0.1:8080").scheme == "http")
    }

    @Test func aMalformedCredentialsLineShowsNoContent() {
        // A base64 secret ending in "==": before the fix, the text before '=' was echoed.
        let secret = "c2VjcmV0LWtleS1ub3QtZm9yLWxvZ3M"
        do {
            _ = try CredentialsFile.parse("# keys\nHUAWEICLOUD_SDK_AK=AK1\n\(secret)==\n", path: "/etc/tts/credentials")
            Issue.record("a malformed line was accepted")
        } catch {
            #expect(error.description.hasPrefix("/etc/tts/credentials:3:"), "\(error)")
            #expect(!error.description.contains(secret), "\(error)")
        }
    }

    @Test func aSettingsFileOthersCanWriteIsRefused() throws {
        let dir = NSTemporaryDirectory() + "ttsarchive-hardening-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/ttsarchive.toml"
        try Data("concurrency = 4\n".utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o644)
        #expect(try ConfigFile.load(path).entries[.concurrency] != nil)
        for mode: mode_t in [0o664, 0o646, 0o666] {
            chmod(path, mode)
            do {
                _ = try ConfigFile.load(path)
                Issue.record("mode \(String(mode, radix: 8)) accepted")
            } catch {
                #expect(error.description.contains("writable by group or others"), "\(error)")
                #expect(error.exitCode == 2)
            }
        }
    }

    @Test func terminalTextEscapesControlsAndKeepsLayout() {
        let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2Jjob\r\u{9B}31m\u{202E}gpj.exe"
        let escaped = TerminalText.escape(hostile)
        #expect(escaped == "\\u{1B}]0;pwned\\u{7}\\u{1B}[2Jjob\\u{D}\\u{9B}31m\\u{202E}gpj.exe")
        #expect(!escaped.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(TerminalText.escape("a\tb\nc") == "a\tb\nc")
        #expect(TerminalText.escape("a\tb\nc", keepingLayout: false) == "a\\u{9}b\\u{A}c")
        #expect(TerminalText.escape("plain ü ✓") == "plain ü ✓")
    }

    @Test func durationsAreBoundedAndPlain() {
        #expect(DurationText.seconds("15m") == 900)
        #expect(DurationText.seconds("7d") == 604_800)
        #expect(DurationText.seconds("1.5h") == 5400)
        for bad in ["inf", "nan", "1e300d", "-1s", "0x10", "99999999999d", "", "m", "1 d"] {
            #expect(DurationText.seconds(bad) == nil, "\(bad)")
        }
    }
}

@Suite("Hardening: reads and deadlines")
struct HardeningReadTests {
    /// `status` reads an interrupted run's first journal record through swift-system: the
    /// record is found even when the journal is longer than what is read (64 KiB).
    @Test func statusReadsTheFirstRecordOfALongJournal() throws {
        let dir = NSTemporaryDirectory() + "ttsarchive-journal-head-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(StatusReport.unfinishedRun(dir) == nil, "no journal: no unfinished run")
        var record = JournalRecord(type: .run)
        record.runID = "20261205T010203Z-ab12"
        record.startedAt = "2026-12-05T01:02:03Z"
        var bytes = Array(try JournalRecord.encoder.encode(record)) + Array("\n".utf8)
        bytes += Array(repeating: UInt8(ascii: "x"), count: 200_000)
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/active.journal"))
        let unfinished = try #require(StatusReport.unfinishedRun(dir))
        #expect(unfinished.runID == "20261205T010203Z-ab12")
        #expect(unfinished.startedAt == "2026-12-05T01:02:03Z")
        try Data("not json\n".utf8).write(to: URL(fileURLWithPath: dir + "/active.journal"))
        #expect(StatusReport.unfinishedRun(dir) == StatusReport.Unfinished(runID: nil, startedAt: nil, window: nil))
    }

    /// The S3 engine's deadline is derived from the largest body one request moves.
    @Test func anS3RequestMovesAtMostOnePartOrOneReadChunk() {
        #expect(S3ObjectStore.largestTransfer(partSize: 16 << 20) == 16 << 20)
        #expect(S3ObjectStore.largestTransfer(partSize: 5 << 20) == S3ObjectStore.readChunk)
        #expect(S3ObjectStore.largestTransfer(partSize: 1) == S3ObjectStore.readChunk)
    }
}

@Suite("Hardening: sums of sizes")
struct SaturatingSizeTests {
    @Test func sumsOfSizesSaturateInsteadOfTrapping() {
        #expect([Int64.max, 1, 5].saturatingSum() == .max)
        #expect([Int64.min, -1].saturatingSum() == .min)
        #expect([1, 2, 3].saturatingSum() == 6)
        #expect(Int64(saturating: 1e30) == .max)
        #expect(Int64(saturating: -1e30) == .min)
        #expect(Int64(saturating: .nan) == 0)
        #expect(Int64(saturating: 12.9) == 12)
    }
}
