import Foundation
import Testing
@testable import TTSArchiveCore

@Suite("Journal lines")
struct JournalLineTests {
    /// Strings that exercise every escape: quotes, backslashes, slashes, each control byte,
    /// non-ASCII (two-, three- and four-byte UTF-8, U+2028) and the empty string.
    static func hostileString(_ random: inout SystemRandomNumberGenerator, _ index: Int) -> String {
        let pieces = ["\"", "\\", "/", "a", "Z", " ", "é", "日本", "🎙️", "\u{2028}", "\u{7f}", "https://obs.example/a%20b"]
            + (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }
        if index % 17 == 0 { return "" }
        return (0..<Int.random(in: 1...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    /// The hand-written artifact record is byte for byte the encoder's, so a journal reads the
    /// same whoever wrote it, and its checksum covers the same bytes.
    @Test func theArtifactRecordIsTheEncodersBytes() throws {
        var random = SystemRandomNumberGenerator()
        let durations: [Double?] = [nil, 0, 1, 3.0, 2.5, 0.1, 1e-7, 123456.789, 1e21, Double.leastNonzeroMagnitude, Double.random(in: 0...600)]
        for index in 0..<400 {
            var artifact = ManifestArtifact(
                kind: ArtifactKind.allCases[index % ArtifactKind.allCases.count], fileIndex: Int.random(in: 0...1_000_000, using: &random),
                sha256: Self.hostileString(&random, index), size: Int64.random(in: 0...Int64.max, using: &random),
                storedSize: Int64.random(in: 0...(1 << 40), using: &random), storedSHA256: Self.hostileString(&random, index + 1),
                object: Self.hostileString(&random, index + 2), mediaType: Self.hostileString(&random, index + 3),
                checks: (0..<(index % 4)).map { Self.hostileString(&random, index + $0) }, source: Self.hostileString(&random, index + 5))
            artifact.audioDuration = durations[index % durations.count]
            var record = JournalRecord(type: .artifact)
            record.jobID = Self.hostileString(&random, index + 6)
            record.artifact = artifact
            #expect(record.isPlainArtifact)
            let expected = Array(try JournalRecord.encoder.encode(record))
            #expect(ArtifactRecordJSON.encode(jobID: record.jobID!, artifact: artifact) == expected, "record \(index)")
            // And the line decodes back to the record.
            let line = try JournalLine.encode(record)
            guard case .checked(let read?) = JournalLine.read(Array(line.dropLast())[...], decoder: JSONDecoder()) else {
                Issue.record("line \(index) does not verify")
                continue
            }
            #expect(read == record)
        }
    }

    /// Any other record (or an artifact record with more set) takes the encoder.
    @Test func otherRecordsTakeTheEncoder() throws {
        var record = JournalRecord(type: .artifact)
        record.jobID = "j"
        record.artifact = ManifestArtifact(
            kind: .audio, fileIndex: 0, sha256: "s", size: 1, storedSize: 1, storedSHA256: "t", object: "o", mediaType: "m", checks: [], source: "u")
        #expect(record.isPlainArtifact)
        record.state = "SUCCEED"
        #expect(!record.isPlainArtifact)
        #expect(try JournalLine.json(record) == Array(try JournalRecord.encoder.encode(record)))
        record.state = nil
        record.artifact?.audioDuration = .infinity
        #expect(throws: (any Error).self) { try JournalLine.json(record) }
    }
}
