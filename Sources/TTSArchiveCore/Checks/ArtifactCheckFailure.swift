/// Why an artifact's content failed verification, with the numbers that show it.
///
/// Offsets and sizes are in bytes from the start of the file; SRT lines and cues count from 1.
/// Nothing here ever holds a URL or a credential, so the description is safe for logs and the
/// manifest.
public enum ArtifactCheckFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file has no bytes at all.
    case empty
    /// The verifier was fed a different number of bytes than the caller says the file has.
    case byteCountMismatch(verified: Int64, declared: Int64)
    /// Fewer or more bytes arrived than `Content-Length` announced.
    case contentLengthMismatch(received: Int64, expected: Int64)
    /// The content's MD5 differs from the MD5 the server's `ETag` states.
    case etagMismatch(etag: String, computedMD5: String)

    /// The file ends before the 12-byte RIFF header does.
    case wavTruncatedHeader(available: Int64)
    /// The file does not start with `RIFF`.
    case wavNotRIFF
    /// A RIFF file whose form type is not `WAVE`.
    case wavNotWAVE
    /// A chunk header whose id is not four printable ASCII characters: the walk fell into data.
    case wavMalformedChunk(offset: Int64)
    /// A `fmt ` chunk shorter than the 16 bytes every format needs.
    case wavFormatChunkTooShort(size: Int64)
    /// A format tag other than PCM, IEEE float, A-law, µ-law or an extensible form of them.
    case wavUnsupportedFormat(tag: UInt16)
    /// Zero channels, or more than any speech file plausibly has.
    case wavBadChannelCount(UInt16)
    /// A sample rate outside 1 kHz … 768 kHz.
    case wavImplausibleSampleRate(UInt32)
    /// A sample size the format tag does not allow.
    case wavUnsupportedBitsPerSample(bits: UInt16, formatTag: UInt16)
    /// `nBlockAlign` is not channels × bytes per sample.
    case wavInconsistentBlockAlign(declared: UInt16, expected: Int)
    /// `nAvgBytesPerSec` is not sample rate × block size.
    case wavInconsistentByteRate(declared: UInt32, expected: Int)
    /// The chunks end without a `fmt ` chunk.
    case wavMissingFormatChunk
    /// The chunks end without a `data` chunk.
    case wavMissingDataChunk
    /// The `data` chunk declares more bytes than follow its header.
    case wavDataChunkExceedsFile(declared: Int64, available: Int64)
    /// The `data` chunk runs past the end the RIFF header declares for the whole file.
    case wavDataChunkExceedsRIFF(dataEnd: Int64, riffEnd: Int64)
    /// Another chunk declares more bytes than follow its header.
    case wavChunkExceedsFile(id: String, declared: Int64, available: Int64)
    /// The RIFF size claims more bytes than the file holds (beyond the one-byte pad tolerance).
    case wavRIFFSizeExceedsFile(declared: Int64, fileSize: Int64)
    /// The `data` chunk ends inside a sample frame.
    case wavPartialSampleFrame(dataSize: Int64, blockAlign: Int)

    /// An `ID3` tag header that breaks the ID3v2 rules (version, flags or syncsafe size).
    case mp3BadID3Tag(offset: Int64)
    /// An ID3v2 tag whose declared size runs past the end of the file.
    case mp3TagExceedsFile(tagEnd: Int64, fileSize: Int64)
    /// No MPEG frame sync where the first (or second) frame should start.
    case mp3NoFrameSync(offset: Int64)
    /// A frame sync followed by a header that no Layer III encoder writes.
    case mp3InvalidFrameHeader(offset: Int64, problem: MP3HeaderProblem)
    /// The first frame is longer than what is left of the file.
    case mp3FrameExceedsFile(offset: Int64, frameLength: Int, available: Int64)

    /// Raw 16-bit PCM whose length is odd: the last sample is cut.
    case pcmOddLength(bytes: Int64)

    /// The JSON is not well-formed at `offset`.
    case jsonInvalid(offset: Int64, problem: JSONProblem)

    /// An SRT line that is not what the cue grammar expects there.
    case srtMalformed(line: Int, problem: SRTProblem)
    /// An SRT line longer than the verifier is willing to hold: too large to verify.
    case srtLineTooLong(line: Int, limit: Int)
    /// An SRT file with no cue at all.
    case srtNoCues
    /// A cue whose end time is before its start time.
    case srtCueEndsBeforeStart(cue: Int, line: Int)
    /// A cue that starts before the cue above it.
    case srtCueStartsBeforePrevious(cue: Int, line: Int)
    /// The subtitles run past the end of the audio.
    case srtExceedsAudio(lastCueEnd: Double, audioDuration: Double, tolerance: Double)

    /// What is wrong with an MPEG audio frame header.
    public enum MP3HeaderProblem: String, Error, Sendable, Hashable {
        case reservedVersion = "reserved MPEG version"
        case notLayerIII = "not Layer III"
        case badBitrate = "invalid bitrate index"
        case badSampleRate = "reserved sample rate index"
        case reservedEmphasis = "reserved emphasis"
        case mismatchedNextFrame = "second frame has another version, layer or sample rate"
    }

    /// What is wrong with a JSON text.
    public enum JSONProblem: Sendable, Hashable {
        /// A byte the grammar does not allow there.
        case unexpectedByte(UInt8)
        /// The text ends inside a value, or with no value.
        case unexpectedEnd
        /// A string holds bytes that are not UTF-8.
        case invalidUTF8
        /// Arrays and objects nest deeper than the limit (a guard against hostile input).
        case nestingTooDeep(limit: Int)
    }

    /// What is wrong with an SRT line.
    public enum SRTProblem: String, Sendable, Hashable {
        case badIndex = "expected a cue number"
        case badTiming = "expected HH:MM:SS,mmm --> HH:MM:SS,mmm"
        case missingTiming = "the file ends after a cue number"
    }

    /// One line saying what is wrong; the caller adds which job and artifact.
    public var description: String {
        switch self {
        case .empty: "the file is empty"
        case .byteCountMismatch(let verified, let declared):
            "verified \(verified) bytes but the file has \(declared) (an engine fault; retried)"
        case .contentLengthMismatch(let received, let expected):
            "received \(received) bytes, Content-Length said \(expected)"
        case .etagMismatch(let etag, let md5):
            "content MD5 \(md5) differs from ETag \(etag): the bytes were damaged in transit"
        case .wavTruncatedHeader(let available):
            "WAV file ends after \(available) bytes, inside its RIFF header"
        case .wavNotRIFF: "not a WAV file: it does not start with RIFF"
        case .wavNotWAVE: "a RIFF file, but not WAVE"
        case .wavMalformedChunk(let offset): "WAV chunk header at byte \(offset) is not a chunk id"
        case .wavFormatChunkTooShort(let size): "WAV fmt chunk is \(size) bytes, fewer than 16"
        case .wavUnsupportedFormat(let tag): "WAV format tag \(tag) is not PCM, float, A-law or µ-law"
        case .wavBadChannelCount(let channels): "WAV declares \(channels) channels"
        case .wavImplausibleSampleRate(let rate): "WAV declares an implausible sample rate of \(rate) Hz"
        case .wavUnsupportedBitsPerSample(let bits, let tag):
            "WAV declares \(bits) bits per sample, not valid for format tag \(tag)"
        case .wavInconsistentBlockAlign(let declared, let expected):
            "WAV block align is \(declared), channels × sample size gives \(expected)"
        case .wavInconsistentByteRate(let declared, let expected):
            "WAV byte rate is \(declared), sample rate × block align gives \(expected)"
        case .wavMissingFormatChunk: "WAV has no fmt chunk"
        case .wavMissingDataChunk: "WAV has no data chunk"
        case .wavDataChunkExceedsFile(let declared, let available):
            "WAV data chunk declares \(declared) bytes but only \(available) follow it: truncated"
        case .wavDataChunkExceedsRIFF(let dataEnd, let riffEnd):
            "WAV data chunk ends at byte \(dataEnd), past the RIFF end at \(riffEnd)"
        case .wavChunkExceedsFile(let id, let declared, let available):
            "WAV chunk '\(id)' declares \(declared) bytes but only \(available) follow it: truncated"
        case .wavRIFFSizeExceedsFile(let declared, let fileSize):
            "RIFF size \(declared) needs \(declared + 8) bytes, the file has \(fileSize): truncated"
        case .wavPartialSampleFrame(let dataSize, let blockAlign):
            "WAV data size \(dataSize) is not a multiple of its \(blockAlign)-byte sample frame"
        case .mp3BadID3Tag(let offset): "malformed ID3v2 tag header at byte \(offset)"
        case .mp3TagExceedsFile(let tagEnd, let fileSize):
            "ID3 tag ends at byte \(tagEnd), past the file's \(fileSize) bytes: truncated"
        case .mp3NoFrameSync(let offset): "no MPEG frame sync at byte \(offset)"
        case .mp3InvalidFrameHeader(let offset, let problem):
            "invalid MPEG frame header at byte \(offset): \(problem.rawValue)"
        case .mp3FrameExceedsFile(let offset, let length, let available):
            "MPEG frame at byte \(offset) is \(length) bytes, only \(available) remain: truncated"
        case .pcmOddLength(let bytes): "PCM length \(bytes) is odd: the last 16-bit sample is cut"
        case .jsonInvalid(let offset, let problem): "invalid JSON at byte \(offset): \(problem)"
        case .srtMalformed(let line, let problem): "SRT line \(line): \(problem.rawValue)"
        case .srtLineTooLong(let line, let limit):
            "SRT line \(line) is longer than \(limit) bytes: too large to verify"
        case .srtNoCues: "SRT file holds no cue"
        case .srtCueEndsBeforeStart(let cue, let line): "SRT cue \(cue) (line \(line)) ends before it starts"
        case .srtCueStartsBeforePrevious(let cue, let line):
            "SRT cue \(cue) (line \(line)) starts before the cue above it"
        case .srtExceedsAudio(let end, let duration, let tolerance):
            "subtitles end at \(end) s, past the audio's \(duration) s (tolerance \(tolerance) s)"
        }
    }
}

extension ArtifactCheckFailure.JSONProblem: CustomStringConvertible {
    /// A short phrase naming the problem.
    public var description: String {
        switch self {
        case .unexpectedByte(let byte):
            (0x21...0x7E).contains(byte)
                ? "unexpected '\(Character(Unicode.Scalar(byte)))'" : "unexpected byte \(byte)"
        case .unexpectedEnd: "unexpected end of text"
        case .invalidUTF8: "string is not valid UTF-8"
        case .nestingTooDeep(let limit): "arrays and objects nest deeper than \(limit)"
        }
    }
}
