import Foundation
import Testing

@testable import TTSArchiveCore

func verifySRT(_ text: String, chunkSize: Int = 4096, maxLineLength: Int = 64 * 1024) -> ArtifactVerdict {
    let bytes = Array(text.utf8)
    var verifier = ArtifactVerifier(kind: .subtitles, options: .init(maxSRTLineLength: maxLineLength))
    for start in stride(from: 0, to: bytes.count, by: max(1, chunkSize)) {
        verifier.consume(Array(bytes[start..<min(bytes.count, start + chunkSize)]))
    }
    return verifier.finish(totalBytes: Int64(bytes.count))
}

enum ChecksSRTFixture {
    static let threeCues = """
        1
        00:00:00,000 --> 00:00:01,250
        你好，

        2
        00:00:01,250 --> 00:00:02,900
        欢迎使用
        MetaStudio。

        3
        00:00:02,900 --> 00:00:04,075
        再见。

        """
}

@Suite("SRT verification")
struct ChecksSRTTests {
    @Test("sound subtitles pass and report the last cue's end", arguments: [1, 2, 5, 4096])
    func soundFile(chunkSize: Int) {
        let verdict = verifySRT(ChecksSRTFixture.threeCues, chunkSize: chunkSize)
        #expect(verdict.checkNames == ["srt-cues"])
        #expect(verdict.lastCueEnd == 4.075)
    }

    @Test("CRLF line ends, a BOM, no final newline, extra blank lines: all tolerated", arguments: [1, 3, 4096])
    func tolerated(chunkSize: Int) {
        let crlf = ChecksSRTFixture.threeCues.replacingOccurrences(of: "\n", with: "\r\n")
        let variants = [
            crlf,
            "\u{FEFF}" + ChecksSRTFixture.threeCues,
            "\u{FEFF}" + crlf,
            String(ChecksSRTFixture.threeCues.dropLast()),
            "\n\n" + ChecksSRTFixture.threeCues.replacingOccurrences(of: "\n\n", with: "\n\n\n\n"),
        ]
        for text in variants {
            let verdict = verifySRT(text, chunkSize: chunkSize)
            #expect(verdict.checks == [.srtCues], "\(text.debugDescription)")
            #expect(verdict.lastCueEnd == 4.075)
        }
    }

    @Test(
        "timing lines other writers produce",
        arguments: [
            ("00:00:01.500 --> 00:00:02.000", 2.0),
            ("00:00:01,500-->00:00:02,000", 2.0),
            ("00:00:01,500  -->  00:00:02,750 X1:40 X2:600 Y1:20 Y2:50", 2.75),
            ("100:00:00,000 --> 100:00:01,000", 360_001.0),
            ("0:00:01,000 --> 0:00:03,000", 3.0),
        ])
    func otherTimings(timing: String, end: Double) {
        let verdict = verifySRT("1\n\(timing)\ntext\n")
        #expect(verdict.isVerified)
        #expect(verdict.lastCueEnd == end)
    }

    @Test("a cue with no text, and overlapping cues (the latest end counts)")
    func emptyTextAndOverlap() {
        let text = "1\n00:00:00,000 --> 00:00:05,000\n\n2\n00:00:01,000 --> 00:00:02,000\nshort\n"
        let verdict = verifySRT(text)
        #expect(verdict.isVerified)
        #expect(verdict.lastCueEnd == 5.0)
    }

    @Test(
        "malformed timing lines",
        arguments: [
            "00:00:01,000 -> 00:00:02,000",
            "00:00:61,000 --> 00:01:02,000",
            "00:60:00,000 --> 01:00:00,000",
            "00:00:01,00 --> 00:00:02,000",
            "00:00:01 --> 00:00:02",
            "aa:00:01,000 --> 00:00:02,000",
            "00:00:01,000 --> ",
            "00:01,000 --> 00:02,000",
            "00:00:01,000 --> 00:00:02,0000",
            "just text where the timing should be",
        ])
    func badTiming(line: String) {
        let verdict = verifySRT("1\n\(line)\ntext\n")
        #expect(verdict.failure == .srtMalformed(line: 2, problem: .badTiming))
        #expect(!verdict.isVerified)
    }

    @Test("cue numbers must be numbers")
    func badIndex() {
        #expect(
            verifySRT("one\n00:00:00,000 --> 00:00:01,000\nx\n").failure == .srtMalformed(line: 1, problem: .badIndex))
        #expect(
            verifySRT("-1\n00:00:00,000 --> 00:00:01,000\nx\n").failure == .srtMalformed(line: 1, problem: .badIndex))
        let second = ChecksSRTFixture.threeCues.replacingOccurrences(of: "\n2\n", with: "\nII\n")
        #expect(verifySRT(second).failure == .srtMalformed(line: 5, problem: .badIndex))
    }

    @Test("a cue that ends before it starts")
    func endsBeforeStart() {
        let text = "1\n00:00:00,000 --> 00:00:01,000\na\n\n2\n00:00:03,000 --> 00:00:02,999\nb\n"
        #expect(verifySRT(text).failure == .srtCueEndsBeforeStart(cue: 2, line: 6))
    }

    @Test("starts going backwards")
    func decreasingStarts() {
        let text = "1\n00:00:02,000 --> 00:00:03,000\na\n\n2\n00:00:01,999 --> 00:00:04,000\nb\n"
        #expect(verifySRT(text).failure == .srtCueStartsBeforePrevious(cue: 2, line: 6))
        let equal = "1\n00:00:02,000 --> 00:00:03,000\na\n\n2\n00:00:02,000 --> 00:00:04,000\nb\n"
        #expect(verifySRT(equal).isVerified)
    }

    @Test("a file ending after a cue number, an empty file, a file of blank lines")
    func incomplete() {
        #expect(
            verifySRT(ChecksSRTFixture.threeCues + "\n4\n").failure == .srtMalformed(line: 15, problem: .missingTiming))
        #expect(verifySRT("").failure == .empty)
        #expect(verifySRT("\n\r\n  \n").failure == .srtNoCues)
    }

    @Test("a line longer than the limit is too large to verify, whatever the chunking", arguments: [1, 100, 4096])
    func longLine(chunkSize: Int) {
        let text = "1\n00:00:00,000 --> 00:00:01,000\n" + String(repeating: "长", count: 400) + "\n"
        #expect(
            verifySRT(text, chunkSize: chunkSize, maxLineLength: 1_000).failure
                == .srtLineTooLong(line: 3, limit: 1_000))
        #expect(verifySRT(text, chunkSize: chunkSize, maxLineLength: 1_200).isVerified)
    }

    @Test("timestamps parse to milliseconds")
    func timestamps() {
        #expect(SRTParser.parseTimestamp(Array("01:02:03,004".utf8)[...]) == 3_723_004)
        #expect(SRTParser.parseTimestamp(Array("00:00:00,000".utf8)[...]) == 0)
        #expect(SRTParser.parseTimestamp(Array("00:00:00,1000".utf8)[...]) == nil)
        #expect(SRTParser.parseTimestamp(Array("00:-1:00,000".utf8)[...]) == nil)
    }
}
