import TTSArchiveCore

/// What fixes an audio file's bytes: the same spec always gives the same bytes.
struct AudioSpec: Hashable, Sendable {
    var format: AudioFormat
    /// Samples per second (MP3: 44 100).
    var sampleRate: Int
    /// Exact size of the file in bytes.
    var size: Int
    /// Where in the seeded waveform the samples start.
    var seed: UInt64

    /// The playing time a reader of the file can work out: for PCM, whose rate is not in the
    /// file, the shortest of the usual 16/24 kHz readings; for MP3 the shorter of the frame
    /// count and the bitrate estimate. Subtitles must end before this.
    var conservativeDuration: Double {
        switch format {
        case .wav:
            return Double(max(0, size - AudioLayout.wavHeaderBytes)) / Double(2 * sampleRate)
        case .pcm:
            return Double(size) / Double(2 * max(sampleRate, 24_000))
        case .mp3:
            let frames = Double((size - AudioLayout.id3Bytes) / AudioLayout.mp3FrameBytes)
            let byFrames = frames * 1152 / 44_100
            let byBitrate = Double(size) * 8 / 128_000
            return min(byFrames, byBitrate)
        }
    }
}

/// The bytes behind one link, identified by everything that determines them; the key of the
/// ETag cache, so byte-identical artifacts of different jobs share one MD5 computation.
enum ArtifactContent: Hashable, Sendable {
    case audio(AudioSpec)
    case timestamps(AudioSpec, textSeed: UInt64)
    case subtitles(AudioSpec, textSeed: UInt64)
    case actions(variant: Int)
}

/// One `files[]` entry of a job: its audio and which companion files it has.
struct SimFile: Hashable, Sendable {
    var audio: AudioSpec
    var textSeed: UInt64
    var hasTimestamps: Bool
    var hasSubtitles: Bool
    var actionVariant: Int?

    /// The content behind one kind of link, or nil when the entry has no such file.
    func content(_ kind: ArtifactKind) -> ArtifactContent? {
        switch kind {
        case .audio: .audio(audio)
        case .timestamps: hasTimestamps ? .timestamps(audio, textSeed: textSeed) : nil
        case .subtitles: hasSubtitles ? .subtitles(audio, textSeed: textSeed) : nil
        case .actions: actionVariant.map { .actions(variant: $0) }
        }
    }
}

/// How a `bad_record` job's record is broken when rendered.
enum BadRecordVariant: Int, Sendable, CaseIterable {
    case missingJobID, numericJobID, textLengthIsString, filesIsObject, numericJobState, numericCreateTime
}

/// One simulated TTS job, with everything needed to render its record and serve its files.
struct SimJob: Sendable {
    /// Stable internal id (32 hex digits) used in object keys; equals `jobID` unless hostile.
    var uid: String
    var jobID: String
    /// Seconds since 1970, whole.
    var createTime: Int64
    var jobType: String
    var ttsService: String
    /// Filterable with `business_type` but, as in the API, not part of the record.
    var businessType: String
    var assetID: String
    var websocketJobID: String?
    var textLength: Int
    var audioFormat: AudioFormat
    var needTimestamp: Bool
    var genSRT: Bool
    var initialState: JobState
    /// A pending job that reports SUCCEED once `pending_become_succeeded_after` has passed.
    var eventuallySucceeds: Bool
    var failMessage: String?
    /// Present for every job (a pending job needs them when it succeeds); listed only for SUCCEED.
    var files: [SimFile]
    var badRecord: BadRecordVariant?

    /// The state reported `elapsed` seconds after start.
    func state(elapsed: Double, pendingBecomeSucceededAfter: Double?) -> JobState {
        if initialState.isPending, eventuallySucceeds, let after = pendingBecomeSucceededAfter, elapsed >= after {
            return .succeeded
        }
        return initialState
    }

    /// Newest first, ties by uid: the API's listing order.
    static func listedBefore(_ a: SimJob, _ b: SimJob) -> Bool {
        a.createTime != b.createTime ? a.createTime > b.createTime : a.uid < b.uid
    }
}

/// Fixed sizes of the simulated audio layouts.
enum AudioLayout {
    static let wavHeaderBytes = 44
    /// ID3v2.4 header (10) + one TIT2 frame (10 + 1 + 29 bytes of title).
    static let id3Bytes = 50
    /// MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding: 144 × 128000 / 44100 rounded down.
    static let mp3FrameBytes = 417
    static let mp3FrameHeader: [UInt8] = [0xFF, 0xFB, 0x90, 0xC4]

    /// The size a format can actually have closest below `wanted` (WAV and PCM hold whole
    /// 16-bit samples; MP3 whole frames).
    static func exactSize(_ wanted: Int, format: AudioFormat) -> Int {
        switch format {
        case .wav: wavHeaderBytes + max(2, (wanted - wavHeaderBytes) & ~1)
        case .pcm: max(2, wanted & ~1)
        case .mp3: id3Bytes + max(1, (wanted - id3Bytes) / mp3FrameBytes) * mp3FrameBytes
        }
    }
}
