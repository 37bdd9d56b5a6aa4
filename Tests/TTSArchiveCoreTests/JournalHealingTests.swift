import Foundation
import Testing

@testable import TTSArchiveCore

/// A tmpfs of a few pages mounted for one test: a disk that really fills up. Nil when this
/// machine does not let the tests mount (not root, no CAP_SYS_ADMIN).
final class SmallTmpfs {
    let path: String

    init?(kilobytes: Int) {
        path = NSTemporaryDirectory() + "ttsarchive-tmpfs-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard shell("mount -t tmpfs -o size=\(kilobytes)k tmpfs '\(path)' 2>/dev/null").status == 0 else {
            try? FileManager.default.removeItem(atPath: path)
            return nil
        }
    }

    deinit {
        shell("umount '\(path)'")
        try? FileManager.default.removeItem(atPath: path)
    }
}

@Suite("The run journal checks every line and heals a torn tail")
struct JournalHealingTests {
    func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    func write(_ records: Int, to path: String, from first: Int = 0) async throws {
        let journal = try RunJournal(path: path)
        var record = JournalRecord(type: .pending)
        for i in first..<(first + records) {
            record.jobID = "job-\(i)"
            try await journal.append(record)
        }
        try await journal.close()
    }

    @Test func crc32cMatchesTheStandardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    @Test func everyLineCarriesItsChecksumAndStaysJSON() async throws {
        let dir = TestDirectory("jline")
        let path = dir.sub("active.journal")
        try await write(3, to: path)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        for line in lines {
            #expect(line.hasPrefix(#"{"crc32c":""#))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["type"] as? String == "pending")
        }
    }

    @Test func aTornTailIsCutIntoASideFileAndAppendsContinue() async throws {
        let dir = TestDirectory("jtorn")
        let path = dir.sub("active.journal")
        try await write(50, to: path)
        let whole = try bytes(path)
        // A crash mid-append: half of a real line reached the disk.
        let torn = Array(try JournalLine.encode({ var r = JournalRecord(type: .pending); r.jobID = "job-50"; return r }()).prefix(30))
        try Data(whole + torn).write(to: URL(fileURLWithPath: path))
        #expect(try RunJournal.load(path).count == 50)

        let journal = try RunJournal(path: path)
        let cut = try #require(journal.healed, "a torn tail was not cut")
        #expect(cut.offset == Int64(whole.count) && cut.bytes == Int64(torn.count) && cut.line == 51)
        #expect(try bytes(cut.sideFile) == torn, "the side file keeps the cut bytes exactly")
        #expect((cut.sideFile as NSString).lastPathComponent.hasPrefix("active.journal.cut-"))
        #expect(try bytes(path) == whole)
        var record = JournalRecord(type: .pending)
        record.jobID = "after"
        try await journal.append(record)
        try await journal.close()
        #expect(try RunJournal.load(path).map(\.jobID) == (0..<50).map { "job-\($0)" } + ["after"])
        // Healed once: the next open finds nothing to cut.
        #expect(try RunJournal(path: path).healed == nil)
    }

    @Test func aLastLineThatParsesButFailsItsChecksumIsCut() async throws {
        let dir = TestDirectory("jflip")
        let path = dir.sub("active.journal")
        try await write(5, to: path)
        var data = try bytes(path)
        // job-4 -> job-7 in the last line: still valid JSON, but not what was written.
        let lastStart = data.dropLast().lastIndex(of: 0x0a)! + 1
        let digit = try #require(data[lastStart...].indices.first { data[$0] == UInt8(ascii: "4") && data[$0 - 1] == UInt8(ascii: "-") })
        data[digit] = UInt8(ascii: "7")
        try Data(data).write(to: URL(fileURLWithPath: path))
        #expect(try JSONSerialization.jsonObject(with: Data(data[lastStart..<(data.count - 1)])) is [String: Any])
        #expect(try RunJournal.load(path).map(\.jobID) == (0..<4).map { "job-\($0)" })
        let journal = try RunJournal(path: path)
        #expect(journal.healed?.line == 5)
        try await journal.close()
    }

    @Test func anUnterminatedLastLineIsTailEvenWhenWhole() async throws {
        let dir = TestDirectory("jnonl")
        let path = dir.sub("active.journal")
        try await write(3, to: path)
        let data = try bytes(path)
        try Data(data.dropLast()).write(to: URL(fileURLWithPath: path))
        #expect(try RunJournal.load(path).count == 2)
        let journal = try RunJournal(path: path)
        #expect(journal.healed?.line == 3)
        try await journal.close()
        #expect(try bytes(path).last == 0x0a)
    }

    @Test func aBadLineInTheMiddleNamesItsLineAndIsNotCut() async throws {
        let dir = TestDirectory("jmid")
        let path = dir.sub("active.journal")
        try await write(6, to: path)
        var data = try bytes(path)
        // Flip one byte inside line 3.
        let newlines = data.indices.filter { data[$0] == 0x0a }
        data[newlines[1] + 15] ^= 0x20
        try Data(data).write(to: URL(fileURLWithPath: path))
        do {
            _ = try RunJournal(path: path)
            Issue.record("a damaged middle line was accepted")
        } catch let error as TTSArchiveError {
            #expect(error.exitCode == 4)
            #expect("\(error)".contains("line 3") && "\(error)".contains(path), "\(error)")
        }
        #expect(try bytes(path) == data, "damage in the middle is left for a person, never cut")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["active.journal"])
    }

    @Test func journalsWrittenBeforeChecksumsAreStillRead() async throws {
        let dir = TestDirectory("jlegacy")
        let path = dir.sub("active.journal")
        var old = Data()
        for i in 0..<3 {
            var record = JournalRecord(type: .pending)
            record.jobID = "old-\(i)"
            old += try JournalRecord.encoder.encode(record) + Data("\n".utf8)
        }
        try (old + Data(#"{"type":"pend"#.utf8)).write(to: URL(fileURLWithPath: path))
        let journal = try RunJournal(path: path)
        #expect(journal.healed?.line == 4)
        var record = JournalRecord(type: .pending)
        record.jobID = "new"
        try await journal.append(record)
        try await journal.close()
        #expect(try RunJournal.load(path).map(\.jobID) == ["old-0", "old-1", "old-2", "new"])
        // After the first checksummed line, a line without one is not history but damage.
        var data = try bytes(path)
        data += Array(try JournalRecord.encoder.encode(record)) + [0x0a]
        try Data(data).write(to: URL(fileURLWithPath: path))
        #expect(try RunJournal.load(path).count == 4)
    }

    @Test func aFailedWriteLeavesNoPartialLineAndRefusesLaterAppends() async throws {
        guard let disk = SmallTmpfs(kilobytes: 64) else {
            print("skipped: cannot mount a tmpfs here (needs root)")
            return
        }
        let path = disk.path + "/active.journal"
        let journal = try RunJournal(path: path)
        var record = JournalRecord(type: .pending)
        var acknowledged: [String] = []
        var failure: (any Error)?
        for i in 0..<1000 {
            // ~1.5 KB lines: one crosses a page boundary when the disk fills, a short write.
            record.jobID = "job-\(i)-" + String(repeating: "x", count: 1500)
            if i > 0 && i % 7 == 0 { record.jobID = "job-\(i)" }
            do {
                try await journal.append(record)
                acknowledged.append(record.jobID!)
            } catch {
                failure = error
                break
            }
        }
        let diskFull = try #require(failure as? StoreError, "the disk never filled: \(String(describing: failure))")
        #expect(diskFull.code == .diskFull)
        #expect(!acknowledged.isEmpty)
        #expect(try bytes(path).last == 0x0a, "a partial line was left behind the last good record")
        // This invocation's journal takes nothing more, even a short record that might fit.
        record.jobID = "late"
        do {
            try await journal.append(record)
            Issue.record("an append after a failed write was accepted")
        } catch let error as TTSArchiveError {
            #expect(error.exitCode == 4 && "\(error)".contains("takes no more records"))
        }
        try? await journal.close()
        #expect(try RunJournal.load(path).map(\.jobID) == acknowledged)
        // The next run opens it without anything to heal.
        let reopened = try RunJournal(path: path)
        #expect(reopened.healed == nil)
        try await reopened.close()
    }
}
