import Testing

@testable import TTSArchiveCore

/// MPEG audio frames and ID3 tags built in the test.
enum ChecksMP3Fixture {
    /// MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no CRC, no padding, stereo: 417-byte frames.
    static let header128k: [UInt8] = [0xFF, 0xFB, 0x90, 0x00]
    /// MPEG-2 Layer III, 8 kbit/s, 24 kHz: 24-byte frames, shorter than the sniffer's look-ahead.
    static let header8k: [UInt8] = [0xFF, 0xF3, 0x14, 0x00]

    static func frames(_ count: Int, header: [UInt8] = header128k, length: Int = 417) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<count { bytes += header + [UInt8](repeating: 0x55, count: length - header.count) }
        return bytes
    }

    /// An ID3v2 tag of `size` body bytes (after the 10-byte header), version 2.`major`.
    static func id3(size: Int, major: UInt8 = 3, flags: UInt8 = 0, footer: Bool = false) -> [UInt8] {
        let syncsafe = (0..<4).map { UInt8((size >> (7 * (3 - $0))) & 0x7F) }
        var tag = Array("ID3".utf8) + [major, 0, flags] + syncsafe + [UInt8](repeating: 0, count: size)
        if footer { tag += Array("3DI".utf8) + [major, 0, flags] + syncsafe }
        return tag
    }

    /// A first frame carrying a LAME "Xing" header that counts `frames` frames.
    static func xingFrame(frames: UInt32) -> [UInt8] {
        var frame = header128k + [UInt8](repeating: 0, count: 32)
        frame += Array("Xing".utf8) + [0, 0, 0, 1] + (0..<4).map { UInt8((frames >> (8 * (3 - $0))) & 0xFF) }
        return frame + [UInt8](repeating: 0, count: 417 - frame.count)
    }
}

func verifyMP3(_ bytes: [UInt8], chunkSize: Int = 4096) -> ArtifactVerdict {
    var verifier = ArtifactVerifier(kind: .audio, audioFormat: .mp3)
    for start in stride(from: 0, to: bytes.count, by: max(1, chunkSize)) {
        verifier.consume(Array(bytes[start..<min(bytes.count, start + chunkSize)]))
    }
    return verifier.finish(totalBytes: Int64(bytes.count))
}

@Suite("MP3 verification")
struct ChecksMP3Tests {
    @Test("plain frames pass, with a duration estimated from the bitrate")
    func plainFrames() {
        let bytes = ChecksMP3Fixture.frames(10)
        let verdict = verifyMP3(bytes)
        #expect(verdict.checkNames == ["mp3-sync"])
        #expect(verdict.audioDurationIsEstimate)
        #expect(verdict.audioDuration == Double(bytes.count) * 8 / 128_000)
    }

    @Test("an ID3v2 tag is skipped by its syncsafe size", arguments: [1, 10, 1 << 7 | 5, 100_000])
    func id3Skipped(size: Int) {
        let tag = ChecksMP3Fixture.id3(size: size)
        for chunkSize in [1, 7, 4096] where size < 1_000 || chunkSize > 1 {
            let verdict = verifyMP3(tag + ChecksMP3Fixture.frames(3), chunkSize: chunkSize)
            #expect(verdict.isVerified, "tag of \(size) bytes fed in chunks of \(chunkSize)")
            #expect(verdict.audioDuration == Double(3 * 417) * 8 / 128_000)
        }
    }

    @Test("an ID3v2.4 footer and a second tag are skipped too")
    func footerAndTwoTags() {
        let withFooter = ChecksMP3Fixture.id3(size: 20, major: 4, flags: 0x10, footer: true)
        #expect(verifyMP3(withFooter + ChecksMP3Fixture.frames(2)).isVerified)
        let twoTags = ChecksMP3Fixture.id3(size: 5) + ChecksMP3Fixture.id3(size: 9, major: 4)
        #expect(verifyMP3(twoTags + ChecksMP3Fixture.frames(2)).isVerified)
    }

    @Test("a Xing header gives the exact duration")
    func xingDuration() {
        let bytes =
            ChecksMP3Fixture.id3(size: 40) + ChecksMP3Fixture.xingFrame(frames: 1_000) + ChecksMP3Fixture.frames(4)
        let verdict = verifyMP3(bytes, chunkSize: 5)
        #expect(verdict.isVerified)
        #expect(!verdict.audioDurationIsEstimate)
        #expect(verdict.audioDuration == 1_000 * 1_152 / 44_100.0)
    }

    @Test("frames shorter than the look-ahead are chained correctly", arguments: [1, 2, 4096])
    func tinyFrames(chunkSize: Int) {
        let bytes = ChecksMP3Fixture.frames(5, header: ChecksMP3Fixture.header8k, length: 24)
        let verdict = verifyMP3(bytes, chunkSize: chunkSize)
        #expect(verdict.isVerified)
        var broken = bytes
        broken[24] = 0x00
        #expect(verifyMP3(broken, chunkSize: chunkSize).failure == .mp3NoFrameSync(offset: 24))
    }

    @Test("one frame followed by an ID3v1 tag, or by nothing")
    func singleFrame() {
        let tagV1 = Array("TAG".utf8) + [UInt8](repeating: 0x20, count: 125)
        #expect(verifyMP3(ChecksMP3Fixture.frames(1) + tagV1).isVerified)
        #expect(verifyMP3(ChecksMP3Fixture.frames(1)).isVerified)
    }

    /// Files whose start is broken, and the failure each must report.
    static let brokenStartCases: [([UInt8], ArtifactCheckFailure)] = {
        let zeros = [UInt8](repeating: 0, count: 600)
        let frame = ChecksMP3Fixture.frames(1)
        let id3: [UInt8] = Array("ID3".utf8)
        var cases: [([UInt8], ArtifactCheckFailure)] = []
        cases.append((Array("hello, this is not audio at all".utf8), .mp3NoFrameSync(offset: 0)))
        cases.append((ChecksMP3Fixture.id3(size: 10) + Array("garbage after tag".utf8), .mp3NoFrameSync(offset: 20)))
        cases.append((id3 + [3, 0, 0, 0, 0, 0x80, 0] + frame + frame, .mp3BadID3Tag(offset: 0)))
        cases.append((id3 + [9, 0, 0, 0, 0, 0, 1] + frame + frame, .mp3BadID3Tag(offset: 0)))
        cases.append(
            (Array(ChecksMP3Fixture.id3(size: 5_000).prefix(2_000)), .mp3TagExceedsFile(tagEnd: 5_010, fileSize: 2_000))
        )
        cases.append((id3 + [3, 0], .mp3BadID3Tag(offset: 0)))
        cases.append(([0xFF, 0xFD, 0x90, 0x00] + zeros, .mp3InvalidFrameHeader(offset: 0, problem: .notLayerIII)))
        cases.append(([0xFF, 0xFB, 0xF0, 0x00] + zeros, .mp3InvalidFrameHeader(offset: 0, problem: .badBitrate)))
        cases.append(([0xFF, 0xFB, 0x9C, 0x00] + zeros, .mp3InvalidFrameHeader(offset: 0, problem: .badSampleRate)))
        cases.append(([0xFF, 0xEB, 0x90, 0x00] + zeros, .mp3InvalidFrameHeader(offset: 0, problem: .reservedVersion)))
        cases.append(([0xFF, 0xFB, 0x90, 0x02] + zeros, .mp3InvalidFrameHeader(offset: 0, problem: .reservedEmphasis)))
        cases.append((Array(frame.prefix(104)), .mp3FrameExceedsFile(offset: 0, frameLength: 417, available: 104)))
        cases.append((frame + Array("junk".utf8), .mp3NoFrameSync(offset: 417)))
        let tiny = ChecksMP3Fixture.frames(1, header: ChecksMP3Fixture.header8k, length: 24)
        cases.append((frame + tiny, .mp3InvalidFrameHeader(offset: 417, problem: .mismatchedNextFrame)))
        cases.append(([], .empty))
        return cases
    }()

    @Test("broken starts", arguments: brokenStartCases)
    func brokenStarts(bytes: [UInt8], expected: ArtifactCheckFailure) {
        for chunkSize in [1, 4096] {
            let verdict = verifyMP3(bytes, chunkSize: chunkSize)
            #expect(verdict.failure == expected, "chunks of \(chunkSize)")
            #expect(!verdict.isVerified)
        }
    }

    @Test("a WAV file declared as MP3 fails")
    func wavAsMP3() {
        #expect(verifyMP3(ChecksWAVFixture().bytes).failure == .mp3NoFrameSync(offset: 0))
    }
}
