/// A decoded MPEG audio Layer III frame header (the 4 bytes that start every frame).
///
/// Layout (ISO/IEC 11172-3 and 13818-3): 11 sync bits, version (2), layer (2), protection (1),
/// bitrate index (4), sample-rate index (2), padding (1), private (1), channel mode (2),
/// mode extension (2), copyright (1), original (1), emphasis (2).
struct MP3FrameHeader: Sendable, Hashable {
    /// MPEG-1, MPEG-2 (LSF) or the unofficial MPEG-2.5.
    enum Version: Sendable, Hashable {
        case mpeg1, mpeg2, mpeg25
    }

    var version: Version
    /// Kilobits per second; nil for the "free" bitrate (index 0), whose frame length is unknown.
    var bitrateKbps: Int?
    var sampleRate: Int
    var padded: Bool
    /// True when a 16-bit CRC follows the header (the protection bit is 0).
    var hasCRC: Bool
    var isMono: Bool

    private static let bitratesMPEG1: [Int] = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
    private static let bitratesMPEG2: [Int] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]

    /// True when `bytes` start with the 11-bit frame sync.
    static func hasSync(_ b0: UInt8, _ b1: UInt8) -> Bool {
        b0 == 0xFF && b1 & 0xE0 == 0xE0
    }

    /// Decodes a header whose sync has been checked; the problem when no encoder writes it.
    static func parse(_ b: ArraySlice<UInt8>) -> Result<MP3FrameHeader, ArtifactCheckFailure.MP3HeaderProblem> {
        let b1 = b[b.startIndex + 1]
        let b2 = b[b.startIndex + 2]
        let b3 = b[b.startIndex + 3]
        let version: Version
        switch (b1 >> 3) & 0b11 {
        case 0b11: version = .mpeg1
        case 0b10: version = .mpeg2
        case 0b00: version = .mpeg25
        default: return .failure(.reservedVersion)
        }
        guard (b1 >> 1) & 0b11 == 0b01 else { return .failure(.notLayerIII) }
        let bitrateIndex = Int(b2 >> 4)
        guard bitrateIndex != 0b1111 else { return .failure(.badBitrate) }
        let rateIndex = Int((b2 >> 2) & 0b11)
        guard rateIndex != 0b11 else { return .failure(.badSampleRate) }
        guard b3 & 0b11 != 0b10 else { return .failure(.reservedEmphasis) }
        let baseRates = [44_100, 48_000, 32_000]
        let divisor = version == .mpeg1 ? 1 : (version == .mpeg2 ? 2 : 4)
        let table = version == .mpeg1 ? bitratesMPEG1 : bitratesMPEG2
        return .success(
            MP3FrameHeader(
                version: version,
                bitrateKbps: bitrateIndex == 0 ? nil : table[bitrateIndex],
                sampleRate: baseRates[rateIndex] / divisor,
                padded: (b2 >> 1) & 1 == 1,
                hasCRC: b1 & 1 == 0,
                isMono: b3 >> 6 == 0b11))
    }

    /// PCM samples one frame decodes to.
    var samplesPerFrame: Int { version == .mpeg1 ? 1152 : 576 }

    /// The frame's length in bytes, header included; nil for free-format frames.
    var frameLength: Int? {
        guard let bitrateKbps else { return nil }
        let coefficient = version == .mpeg1 ? 144 : 72
        return coefficient * bitrateKbps * 1000 / sampleRate + (padded ? 1 : 0)
    }

    /// Where a Xing/Info header would start, counted from the frame's first byte: after the
    /// header, the CRC and the side information.
    var vbrHeaderOffset: Int {
        let sideInfo: Int
        switch (version, isMono) {
        case (.mpeg1, false): sideInfo = 32
        case (.mpeg1, true): sideInfo = 17
        case (_, false): sideInfo = 17
        case (_, true): sideInfo = 9
        }
        return 4 + (hasCRC ? 2 : 0) + sideInfo
    }

    /// True when `other` could be the next frame of the same stream.
    func isCompatible(with other: MP3FrameHeader) -> Bool {
        version == other.version && sampleRate == other.sampleRate
    }
}
