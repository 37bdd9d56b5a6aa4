/// Verifies an artifact's content as it streams in, chunk by chunk, in bounded memory.
///
/// Feed every byte of the file, in order, to ``consume(_:)`` (the download engine does so as it
/// writes the sink), then ask ``finish(totalBytes:)`` for the verdict. Memory stays small
/// whatever the file's size: audio is checked by walking its headers (a few dozen bytes at a
/// time), JSON by a streaming validator, SRT one line at a time (a line longer than
/// ``Options/maxSRTLineLength`` fails as too large to verify). When a download restarts from
/// byte zero, start a fresh verifier; when it resumes with `Range`, keep feeding the same one.
public struct ArtifactVerifier: Sendable {
    /// Limits and assumptions of the checks.
    public struct Options: Sendable, Hashable {
        /// Samples per second assumed for headerless PCM (MetaStudio's default is 16 kHz).
        public var pcmSampleRate: Int
        /// Channels assumed for headerless PCM.
        public var pcmChannels: Int
        /// How deep JSON arrays and objects may nest before the file is refused as hostile.
        public var maxJSONDepth: Int
        /// The longest SRT line held in memory.
        public var maxSRTLineLength: Int

        /// Options with MetaStudio's defaults.
        public init(
            pcmSampleRate: Int = 16_000, pcmChannels: Int = 1, maxJSONDepth: Int = 512,
            maxSRTLineLength: Int = 64 * 1024
        ) {
            self.pcmSampleRate = pcmSampleRate
            self.pcmChannels = pcmChannels
            self.maxJSONDepth = maxJSONDepth
            self.maxSRTLineLength = maxSRTLineLength
        }
    }

    /// The artifact kind being checked.
    public let kind: ArtifactKind
    /// The audio format the job declared (used for ``ArtifactKind/audio`` only).
    public let audioFormat: AudioFormat
    /// The options in force.
    public let options: Options
    /// Bytes fed so far.
    public private(set) var consumedBytes: Int64 = 0

    // One of these is set, by kind and format; optionals rather than an enum with payloads so
    // each scanner is mutated in place instead of copied out and back for every chunk.
    private var wav: WAVScanner?
    private var mp3: MP3Sniffer?
    private var json: JSONCheck?
    private var srt: SRTParser?

    /// A verifier for an artifact of `kind`; `audioFormat` is the job's `audio_format`.
    public init(kind: ArtifactKind, audioFormat: AudioFormat = .default, options: Options = Options()) {
        self.kind = kind
        self.audioFormat = audioFormat
        self.options = options
        switch kind {
        case .audio:
            switch audioFormat {
            case .wav: wav = WAVScanner()
            case .mp3: mp3 = MP3Sniffer()
            case .pcm: break
            }
        case .timestamps, .actions: json = JSONCheck(maxDepth: max(1, options.maxJSONDepth))
        case .subtitles: srt = SRTParser(maxLineLength: max(1, options.maxSRTLineLength))
        }
    }

    /// Feeds the next bytes of the file.
    public mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        wav?.consume(bytes, at: consumedBytes)
        mp3?.consume(bytes, at: consumedBytes)
        json?.consume(bytes)
        srt?.consume(bytes)
        consumedBytes += Int64(bytes.count)
    }

    /// Feeds the next bytes of the file from an array (tests, small files).
    public mutating func consume(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { consume($0) }
    }

    /// The verdict on the file, whose length the caller knows to be `totalBytes`.
    ///
    /// `totalBytes` must equal the bytes fed; when it does not, the verdict fails with
    /// ``ArtifactCheckFailure/byteCountMismatch(verified:declared:)`` rather than judge a file
    /// it has not fully seen.
    public func finish(totalBytes: Int64) -> ArtifactVerdict {
        guard totalBytes == consumedBytes else {
            return ArtifactVerdict(failure: .byteCountMismatch(verified: consumedBytes, declared: totalBytes))
        }
        if let wav { return wav.finish(totalBytes: totalBytes) }
        if let mp3 { return mp3.finish(totalBytes: totalBytes) }
        if let json { return json.finish() }
        if let srt { return srt.finish() }
        return pcmVerdict(totalBytes: totalBytes)
    }

    /// Headerless 16-bit PCM: all that can be checked is a whole number of samples.
    private func pcmVerdict(totalBytes: Int64) -> ArtifactVerdict {
        guard totalBytes > 0 else { return ArtifactVerdict(failure: .empty) }
        guard totalBytes % 2 == 0 else { return ArtifactVerdict(failure: .pcmOddLength(bytes: totalBytes)) }
        let bytesPerSecond = 2 * max(1, options.pcmSampleRate) * max(1, options.pcmChannels)
        return ArtifactVerdict(
            checks: [.pcmWholeSamples], audioDuration: Double(totalBytes) / Double(bytesPerSecond))
    }
}
