/// Which of a TTS job's four files an artifact is.
///
/// Each case names the `TtsJobFile` field its download link comes from (``jobFileField``); the raw
/// values are the manifest's `kind` strings, so they must never change.
public enum ArtifactKind: String, Codable, Sendable, CaseIterable, Comparable {
    /// The synthesized speech, in the job's `audio_format`.
    case audio
    /// The word/phoneme timestamp file (JSON).
    case timestamps
    /// The subtitles (SRT).
    case subtitles
    /// The action-analysis file (JSON).
    case actions

    /// The `TtsJobFile` JSON field that carries this artifact's download link.
    public var jobFileField: String {
        switch self {
        case .audio: "audio_file_url"
        case .timestamps: "audio_info_file_url"
        case .subtitles: "audio_srt_file_url"
        case .actions: "audio_action_file_url"
        }
    }

    /// The kind whose link a `TtsJobFile` field carries, or nil for any other field name.
    public init?(jobFileField: String) {
        guard let kind = Self.allCases.first(where: { $0.jobFileField == jobFileField }) else {
            return nil
        }
        self = kind
    }

    /// The media type recorded in the manifest; audio depends on the job's `audio_format`.
    public func mediaType(audioFormat: AudioFormat = .wav) -> String {
        switch self {
        case .audio: audioFormat.mediaType
        case .timestamps, .actions: "application/json"
        case .subtitles: "application/x-subrip"
        }
    }

    /// The file name extension (without the dot) used when an artifact is restored or exported.
    public func fileExtension(audioFormat: AudioFormat = .wav) -> String {
        switch self {
        case .audio: audioFormat.fileExtension
        case .timestamps, .actions: "json"
        case .subtitles: "srt"
        }
    }

    /// Manifest order: audio, timestamps, subtitles, actions (the declaration order).
    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.ordinal < rhs.ordinal
    }

    private var ordinal: Int {
        switch self {
        case .audio: 0
        case .timestamps: 1
        case .subtitles: 2
        case .actions: 3
        }
    }
}

/// The `audio_format` of a TTS job: MetaStudio documents `WAV` (the default), `MP3` and `PCM`.
///
/// Decoding ignores case (`"wav"`, `"Mp3"`), because the field is free text in responses and a
/// job must not be dropped over spelling; encoding always writes the documented upper-case form.
public enum AudioFormat: String, Codable, Sendable, CaseIterable {
    /// RIFF/WAVE.
    case wav = "WAV"
    /// MPEG-1/2 Layer III.
    case mp3 = "MP3"
    /// Raw 16-bit little-endian samples with no header.
    case pcm = "PCM"

    /// The format MetaStudio uses when a job does not say.
    public static let `default`: AudioFormat = .wav

    /// Parses a format name in any letter case; nil for names MetaStudio does not document.
    public init?(caseInsensitive name: String) {
        let trimmed = name.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()
        let upper = String(trimmed).uppercased()
        guard let format = AudioFormat(rawValue: upper) else { return nil }
        self = format
    }

    /// Decodes a format name in any letter case.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let format = AudioFormat(caseInsensitive: name) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown audio_format \"\(name)\"; expected WAV, MP3 or PCM")
        }
        self = format
    }

    /// The media type of audio in this format. PCM is `audio/L16` (RFC 2586): 16-bit signed
    /// samples; the rate is not in the bytes, so it is not claimed here.
    public var mediaType: String {
        switch self {
        case .wav: "audio/wav"
        case .mp3: "audio/mpeg"
        case .pcm: "audio/L16"
        }
    }

    /// The file name extension (without the dot).
    public var fileExtension: String {
        switch self {
        case .wav: "wav"
        case .mp3: "mp3"
        case .pcm: "pcm"
        }
    }
}
