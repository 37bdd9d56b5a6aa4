/// The fields of a WAV file's `fmt ` chunk (WAVEFORMATEX, and the sub-format of
/// WAVEFORMATEXTENSIBLE).
public struct WAVHeader: Sendable, Hashable {
    /// `wFormatTag`: 1 PCM, 3 IEEE float, 6 A-law, 7 µ-law, 0xFFFE extensible.
    public var formatTag: UInt16
    /// For the extensible form, the format tag its sub-format GUID starts with; else ``formatTag``.
    public var effectiveFormat: UInt16
    /// `nChannels`.
    public var channels: UInt16
    /// `nSamplesPerSec`.
    public var sampleRate: UInt32
    /// `nAvgBytesPerSec`.
    public var byteRate: UInt32
    /// `nBlockAlign`: the size of one sample frame (all channels).
    public var blockAlign: UInt16
    /// `wBitsPerSample` (the container size for the extensible form).
    public var bitsPerSample: UInt16

    static let pcm: UInt16 = 1
    static let ieeeFloat: UInt16 = 3
    static let aLaw: UInt16 = 6
    static let muLaw: UInt16 = 7
    static let extensible: UInt16 = 0xFFFE

    /// The rates a speech file can plausibly have: telephone-band 8 kHz and below down to a
    /// floor that still catches a zeroed or byte-swapped field, up to studio 768 kHz.
    static let plausibleSampleRates: ClosedRange<UInt32> = 1_000...768_000
    /// More channels than this is no speech file; the bound catches garbage in the field.
    static let maxChannels: UInt16 = 32

    /// Parses a `fmt ` chunk body (at least 16 bytes; 40 for the extensible form).
    static func parse(_ body: [UInt8], chunkSize: Int64) -> Result<WAVHeader, ArtifactCheckFailure> {
        guard chunkSize >= 16, body.count >= 16 else {
            return .failure(.wavFormatChunkTooShort(size: chunkSize))
        }
        func u16(_ at: Int) -> UInt16 { UInt16(body[at]) | UInt16(body[at + 1]) << 8 }
        func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }
        let tag = u16(0)
        var effective = tag
        if tag == extensible {
            // WAVEFORMATEXTENSIBLE: cbSize 22 at 16, then valid bits, channel mask, and the
            // sub-format GUID at 24 whose first two bytes are the classic format tag.
            guard body.count >= 26 else { return .failure(.wavFormatChunkTooShort(size: chunkSize)) }
            effective = u16(24)
        }
        let header = WAVHeader(
            formatTag: tag, effectiveFormat: effective, channels: u16(2), sampleRate: u32(4),
            byteRate: u32(8), blockAlign: u16(12), bitsPerSample: u16(14))
        if let failure = header.validationFailure() { return .failure(failure) }
        return .success(header)
    }

    /// The first way this header is not sane, or nil.
    func validationFailure() -> ArtifactCheckFailure? {
        let allowedBits: Set<UInt16>
        switch effectiveFormat {
        case Self.pcm: allowedBits = [8, 16, 24, 32]
        case Self.ieeeFloat: allowedBits = [32, 64]
        case Self.aLaw, Self.muLaw: allowedBits = [8]
        default: return .wavUnsupportedFormat(tag: formatTag)
        }
        guard (1...Self.maxChannels).contains(channels) else { return .wavBadChannelCount(channels) }
        guard Self.plausibleSampleRates.contains(sampleRate) else {
            return .wavImplausibleSampleRate(sampleRate)
        }
        guard allowedBits.contains(bitsPerSample) else {
            return .wavUnsupportedBitsPerSample(bits: bitsPerSample, formatTag: formatTag)
        }
        let expectedAlign = Int(channels) * Int(bitsPerSample) / 8
        guard Int(blockAlign) == expectedAlign else {
            return .wavInconsistentBlockAlign(declared: blockAlign, expected: expectedAlign)
        }
        let expectedRate = Int(sampleRate) * expectedAlign
        guard Int(byteRate) == expectedRate else {
            return .wavInconsistentByteRate(declared: byteRate, expected: expectedRate)
        }
        return nil
    }

    /// Seconds of audio in a data chunk of `dataSize` bytes.
    func duration(ofDataSize dataSize: Int64) -> Double {
        Double(dataSize) / Double(byteRate)
    }
}
