import Testing

@testable import TTSArchiveCore

/// Builds WAV files byte by byte, so each test states exactly which field lies.
struct ChecksWAVFixture {
    var formatTag: UInt16 = 1
    var channels: UInt16 = 1
    var sampleRate: UInt32 = 16_000
    var bitsPerSample: UInt16 = 16
    var blockAlign: UInt16?
    var byteRate: UInt32?
    var formatSize: UInt32 = 16
    var subFormat: UInt16 = 1
    var chunksBeforeData: [(id: String, body: [UInt8])] = []
    var dataBytes = 32_000
    var sampleByte: UInt8 = 0
    var declaredDataSize: UInt32?
    var declaredRIFFSize: UInt32?
    var padOddData = true
    var trailing: [UInt8] = []
    var includeFormat = true
    var includeData = true

    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }

    static func chunk(_ id: String, _ body: [UInt8], declaredSize: UInt32? = nil, pad: Bool = true) -> [UInt8] {
        var bytes = Array(id.utf8) + le32(declaredSize ?? UInt32(body.count)) + body
        if pad, body.count % 2 == 1 { bytes.append(0) }
        return bytes
    }

    var bytes: [UInt8] {
        let align = blockAlign ?? channels * bitsPerSample / 8
        var format = Self.le16(formatTag) + Self.le16(channels) + Self.le32(sampleRate)
        format += Self.le32(byteRate ?? sampleRate * UInt32(align)) + Self.le16(align) + Self.le16(bitsPerSample)
        if formatSize >= 40 {
            // WAVEFORMATEXTENSIBLE tail: cbSize, valid bits, channel mask, sub-format GUID.
            format += Self.le16(22) + Self.le16(bitsPerSample) + Self.le32(4) + Self.le16(subFormat)
            format += [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        }
        format =
            Array(format.prefix(Int(formatSize))) + Array(repeating: 0, count: max(0, Int(formatSize) - format.count))
        var body = Array("WAVE".utf8)
        if includeFormat { body += Self.chunk("fmt ", format) }
        for extra in chunksBeforeData { body += Self.chunk(extra.id, extra.body) }
        if includeData {
            let samples = [UInt8](repeating: sampleByte, count: dataBytes)
            body += Self.chunk("data", samples, declaredSize: declaredDataSize, pad: padOddData)
        }
        return Array("RIFF".utf8) + Self.le32(declaredRIFFSize ?? UInt32(body.count)) + body + trailing
    }
}

/// Runs bytes through a WAV verifier in chunks of `chunkSize`.
func verifyWAV(_ bytes: [UInt8], chunkSize: Int = 4096, totalBytes: Int64? = nil) -> ArtifactVerdict {
    var verifier = ArtifactVerifier(kind: .audio, audioFormat: .wav)
    for start in stride(from: 0, to: bytes.count, by: max(1, chunkSize)) {
        verifier.consume(Array(bytes[start..<min(bytes.count, start + chunkSize)]))
    }
    return verifier.finish(totalBytes: totalBytes ?? Int64(bytes.count))
}

@Suite("WAV verification")
struct ChecksWAVTests {
    @Test("a sound 16 kHz mono file passes both checks and reports its duration")
    func soundFile() {
        let verdict = verifyWAV(ChecksWAVFixture().bytes)
        #expect(verdict.checkNames == ["wav-header", "wav-data-size"])
        #expect(verdict.failure == nil)
        #expect(verdict.isVerified)
        #expect(verdict.audioDuration == 1.0)
        #expect(!verdict.audioDurationIsEstimate)
    }

    @Test("chunk boundaries do not change the verdict", arguments: [1, 3, 7, 8, 13, 44, 4096])
    func chunking(chunkSize: Int) {
        var fixture = ChecksWAVFixture()
        fixture.chunksBeforeData = [("LIST", Array(repeating: 0x41, count: 27))]
        fixture.dataBytes = 4_800
        let verdict = verifyWAV(fixture.bytes, chunkSize: chunkSize)
        #expect(verdict.checks == [.wavHeader, .wavDataSize])
        #expect(verdict.audioDuration == 0.15)
    }

    @Test(
        "other formats and layouts that are sound",
        arguments: [
            ChecksWAVFixture(channels: 2, sampleRate: 44_100, dataBytes: 176_400),
            ChecksWAVFixture(formatTag: 3, bitsPerSample: 32, dataBytes: 64_000),
            ChecksWAVFixture(formatTag: 7, sampleRate: 8_000, bitsPerSample: 8, dataBytes: 8_001),
            ChecksWAVFixture(formatTag: 0xFFFE, sampleRate: 24_000, formatSize: 40, dataBytes: 48_000),
            ChecksWAVFixture(formatSize: 18, dataBytes: 32_000),
            ChecksWAVFixture(chunksBeforeData: [("fact", [1, 0, 0, 0]), ("LIST", [1, 2, 3])], dataBytes: 16_000),
        ])
    func otherSoundFiles(fixture: ChecksWAVFixture) {
        let verdict = verifyWAV(fixture.bytes)
        #expect(verdict.failure == nil)
        #expect(verdict.checks == [.wavHeader, .wavDataSize])
        #expect((verdict.audioDuration ?? 0) > 0)
    }

    @Test("an odd data chunk: pad byte written, counted but missing, or neither")
    func padByteTolerance() {
        var padded = ChecksWAVFixture(sampleRate: 8_000, bitsPerSample: 8, dataBytes: 8_001)
        let withPad = padded.bytes
        #expect(verifyWAV(withPad).isVerified)
        // RIFF size counts the pad byte, but the file ends without it: within tolerance.
        #expect(verifyWAV(Array(withPad.dropLast())).isVerified)
        // Neither counted nor written.
        padded.padOddData = false
        #expect(verifyWAV(padded.bytes).isVerified)
    }

    @Test("bytes after the RIFF (an appended ID3 tag) are tolerated")
    func trailingBytes() {
        var fixture = ChecksWAVFixture()
        fixture.trailing = Array("TAG".utf8) + Array(repeating: 0x20, count: 125)
        let verdict = verifyWAV(fixture.bytes)
        #expect(verdict.isVerified)
        #expect(verdict.audioDuration == 1.0)
    }

    @Test("a file cut in its data chunk is truncated")
    func truncatedData() {
        let bytes = ChecksWAVFixture().bytes
        let verdict = verifyWAV(Array(bytes.prefix(10_044)))
        #expect(verdict.failure == .wavDataChunkExceedsFile(declared: 32_000, available: 10_000))
        #expect(verdict.checks == [.wavHeader])
        #expect(!verdict.isVerified)
    }

    @Test("a data size larger than the file is a lie")
    func dataSizeTooLarge() {
        var fixture = ChecksWAVFixture(dataBytes: 1_000)
        fixture.declaredDataSize = 2_000
        fixture.declaredRIFFSize = 36 + 2_000
        #expect(verifyWAV(fixture.bytes).failure == .wavDataChunkExceedsFile(declared: 2_000, available: 1_000))
    }

    @Test("a data size smaller than the samples sends the walk into silence, which is no chunk")
    func dataSizeTooSmall() {
        var fixture = ChecksWAVFixture(dataBytes: 1_000)
        fixture.declaredDataSize = 100
        #expect(verifyWAV(fixture.bytes).failure == .wavMalformedChunk(offset: 44 + 100))
    }

    @Test("a data chunk reaching past the RIFF end is refused even when the file holds it")
    func dataBeyondRIFF() {
        var fixture = ChecksWAVFixture(dataBytes: 1_000)
        fixture.declaredRIFFSize = 36 + 500
        #expect(verifyWAV(fixture.bytes).failure == .wavDataChunkExceedsRIFF(dataEnd: 1_044, riffEnd: 544))
    }

    @Test("a RIFF size over the file by more than the pad byte means lost bytes")
    func riffTooLarge() {
        var fixture = ChecksWAVFixture(dataBytes: 1_000)
        fixture.declaredRIFFSize = 36 + 1_000 + 2
        #expect(verifyWAV(fixture.bytes).failure == .wavRIFFSizeExceedsFile(declared: 1_038, fileSize: 1_044))
        fixture.declaredRIFFSize = 36 + 1_000 + 1
        #expect(verifyWAV(fixture.bytes).isVerified)
    }

    @Test("a data chunk ending inside a sample frame")
    func partialFrame() {
        let fixture = ChecksWAVFixture(dataBytes: 1_001)
        #expect(verifyWAV(fixture.bytes).failure == .wavPartialSampleFrame(dataSize: 1_001, blockAlign: 2))
    }

    @Test("not RIFF, not WAVE, too short, empty")
    func notWAV() {
        var rifx = ChecksWAVFixture().bytes
        rifx[3] = UInt8(ascii: "X")
        #expect(verifyWAV(rifx).failure == .wavNotRIFF)
        var avi = ChecksWAVFixture().bytes
        avi.replaceSubrange(8..<12, with: Array("AVI ".utf8))
        #expect(verifyWAV(avi).failure == .wavNotWAVE)
        #expect(verifyWAV(Array("RIFF\u{24}\0\0".utf8)).failure == .wavTruncatedHeader(available: 7))
        #expect(verifyWAV([]).failure == .empty)
        #expect(verifyWAV([0xFF, 0xFB, 0x90, 0x00] + Array(repeating: 0, count: 400)).failure == .wavNotRIFF)
    }

    @Test(
        "fmt chunks that are not sane",
        arguments: [
            (ChecksWAVFixture(formatTag: 2), ArtifactCheckFailure.wavUnsupportedFormat(tag: 2)),
            (ChecksWAVFixture(formatTag: 0xFFFE, formatSize: 40, subFormat: 2), .wavUnsupportedFormat(tag: 0xFFFE)),
            (ChecksWAVFixture(channels: 0, blockAlign: 2), .wavBadChannelCount(0)),
            (ChecksWAVFixture(channels: 40), .wavBadChannelCount(40)),
            (ChecksWAVFixture(sampleRate: 0), .wavImplausibleSampleRate(0)),
            (ChecksWAVFixture(sampleRate: 10_000_000), .wavImplausibleSampleRate(10_000_000)),
            (ChecksWAVFixture(bitsPerSample: 12, blockAlign: 2), .wavUnsupportedBitsPerSample(bits: 12, formatTag: 1)),
            (ChecksWAVFixture(formatTag: 3, bitsPerSample: 16), .wavUnsupportedBitsPerSample(bits: 16, formatTag: 3)),
            (ChecksWAVFixture(blockAlign: 4), .wavInconsistentBlockAlign(declared: 4, expected: 2)),
            (ChecksWAVFixture(byteRate: 16_000), .wavInconsistentByteRate(declared: 16_000, expected: 32_000)),
            (ChecksWAVFixture(formatSize: 14), .wavFormatChunkTooShort(size: 14)),
            (ChecksWAVFixture(includeFormat: false), .wavMissingFormatChunk),
            (ChecksWAVFixture(includeData: false), .wavMissingDataChunk),
        ])
    func badFormat(fixture: ChecksWAVFixture, expected: ArtifactCheckFailure) {
        let verdict = verifyWAV(fixture.bytes)
        #expect(verdict.failure == expected)
        #expect(!verdict.isVerified)
    }

    @Test("a huge data chunk is skipped by arithmetic: the verdict needs no buffering of it")
    func hugeDataStreamed() {
        let header = ChecksWAVFixture(dataBytes: 0).bytes
        var patched = header
        let dataSize: UInt32 = 64 << 20
        patched.replaceSubrange(4..<8, with: ChecksWAVFixture.le32(36 + dataSize))
        patched.replaceSubrange(40..<44, with: ChecksWAVFixture.le32(dataSize))
        var verifier = ArtifactVerifier(kind: .audio, audioFormat: .wav)
        verifier.consume(patched)
        let block = [UInt8](repeating: 0, count: 1 << 20)
        for _ in 0..<64 { verifier.consume(block) }
        let verdict = verifier.finish(totalBytes: 44 + Int64(dataSize))
        #expect(verdict.isVerified)
        #expect(verdict.audioDuration == Double(dataSize) / 32_000)
    }

    @Test("the size the caller reports must be the size fed")
    func byteCountMismatch() {
        let bytes = ChecksWAVFixture().bytes
        let verdict = verifyWAV(bytes, totalBytes: Int64(bytes.count) + 5)
        #expect(verdict.failure == .byteCountMismatch(verified: Int64(bytes.count), declared: Int64(bytes.count) + 5))
    }
}
