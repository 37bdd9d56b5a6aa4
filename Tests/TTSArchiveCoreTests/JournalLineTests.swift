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

    /// The manifest text the run copies from its journal's lines is byte for byte what the
    /// encoder writes for the same jobs, whatever their strings and numbers hold.
    @Test func theManifestCopiedFromTheJournalIsTheEncoders() async throws {
        var random = SystemRandomNumberGenerator()
        let dir = TestDirectory("copied")
        let path = dir.sub("active.journal")
        let journal = try RunJournal(path: path)
        var jobs: [ManifestJob] = []
        for index in 0..<300 {
            var job = ManifestJob(TtsJob(jobID: String(format: "job%04d", index) + Self.hostileString(&random, index + 1),
                                         createTime: index % 3 == 0 ? nil : Self.hostileString(&random, index), jobState: .succeeded))
            job.assetID = index % 2 == 0 ? Self.hostileString(&random, index + 2) : nil
            job.textLength = index % 5 == 0 ? nil : Int.random(in: 0...100_000, using: &random)
            var record = JournalRecord(type: .job)
            record.job = job
            try await journal.append(record)
            for file in 0..<(index % 4) {
                var artifact = ManifestArtifact(
                    kind: ArtifactKind.allCases[file], fileIndex: file, sha256: Self.hostileString(&random, file),
                    size: Int64.random(in: 0...1 << 40, using: &random), storedSize: 3, storedSHA256: Self.hostileString(&random, file + 3),
                    object: "sha256/ab/x.gz", mediaType: Self.hostileString(&random, file + 4),
                    checks: (0..<file).map { Self.hostileString(&random, $0) }, source: Self.hostileString(&random, file + 5))
                artifact.audioDuration = file == 0 ? Double.random(in: 0...600, using: &random) : nil
                var line = JournalRecord(type: .artifact)
                line.jobID = job.jobID
                line.artifact = artifact
                try await journal.append(line)
                job.artifacts.append(artifact)
            }
            jobs.append(job)
        }
        try await journal.close()
        let index = try ManifestJobIndex(journal: path)
        var frame = try ManifestStreamingTests.manifest(jobs: [])
        frame.jobs = []
        let sorted = jobs.sorted { $0.jobID < $1.jobID }
        #expect(try ManifestStreamingTests.streamed(frame, jobs: index) == (try ManifestStreamingTests.manifest(jobs: sorted).encoded()))
    }
}
