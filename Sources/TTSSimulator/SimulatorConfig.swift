public import Foundation

/// Every knob of the simulated MetaStudio world and server, with defaults that make a
/// realistic, fault-free world of 500 jobs over the last 24 hours.
///
/// The knobs marked *runtime* can also be changed while the simulator runs, through
/// `POST /__control` or ``MetaStudioSimulator/apply(_:)``. JSON keys are snake_case; a JSON
/// config may leave out any key to keep its default.
public struct SimulatorConfig: Sendable, Codable {
    // MARK: Server and credentials

    /// TCP port on 127.0.0.1; 0 picks a free one.
    public var port = 0
    /// The project id the API paths must carry (X-Project-Id too, for AK/SK).
    public var projectID = Self.defaultProjectID
    /// Access key accepted for SDK-HMAC-SHA256 signatures.
    public var accessKey = Self.defaultAccessKey
    /// Its secret key. Never printed.
    public var secretKey = Self.defaultSecretKey
    /// Token accepted in `X-Auth-Token`. Never printed.
    public var authToken = Self.defaultAuthToken
    /// Largest accepted distance between `X-Sdk-Date` and the simulator's clock.
    public var maxClockSkew: Double = 900

    // MARK: The world

    /// Seeds every choice: same seed and knobs, same jobs, ids and bytes.
    public var seed: UInt64 = 1
    /// Number of jobs at start.
    public var jobCount = 500
    /// Jobs' `create_time` are spread over `windowStart … windowEnd` (whole seconds).
    public var windowStart: Date
    public var windowEnd: Date
    /// Weights of the initial job states.
    public var stateMix = JobStateMix()
    /// When set, a share (``pendingSucceedFraction``) of the WAITING/PROCESSING jobs report
    /// SUCCEED, with files, once this many seconds have passed since ``MetaStudioSimulator/start()``.
    public var pendingBecomeSucceededAfter: Double?
    /// Share of pending jobs that eventually succeed when ``pendingBecomeSucceededAfter`` is set.
    public var pendingSucceedFraction = 0.5
    /// Weights of the audio formats.
    public var formatMix = AudioFormatMix()
    /// Audio sizes are log-uniform in `audioMinBytes … audioMaxBytes` (MP3 rounds to whole frames).
    public var audioMinBytes = 50_000
    public var audioMaxBytes = 2_000_000
    /// When set, the first ``giantAudioCount`` SUCCEED jobs (oldest first) get a WAV of exactly
    /// this many bytes (e.g. 2 GiB for the bounded-memory benchmark).
    public var giantAudioBytes: Int?
    public var giantAudioCount = 1
    /// Share of jobs whose files are byte-identical copies of an earlier job's.
    public var sharedAudioFraction = 0.05
    /// Share of SUCCEED jobs with a second `files[]` entry.
    public var secondFileFraction = 0.08
    /// Shares of jobs with `need_timestamp`, `gen_srt`, and an action file.
    public var timestampFraction = 0.6
    public var subtitleFraction = 0.5
    public var actionFraction = 0.5
    /// Share of SUCCEED jobs whose job id, and of FAILED jobs whose `fail_msg`, carries
    /// terminal escape sequences (title, clear screen, colour); when non-zero, the API's and
    /// OBS's error messages carry them too. What ttsarchive prints for a human must show them
    /// escaped.
    public var terminalEscapeFraction = 0.0
    /// What the escape world puts before server text: sets the title, then clears the screen.
    public static let terminalEscape = "\u{1B}]0;pwned\u{07}\u{1B}[2J"
    /// OBS bucket named in the links.
    public var bucket = "metastudio-tts-sim"
    /// Where listed download links point (`<link_base>/obs/<bucket>/<key>?<signature>`); nil:
    /// this simulator. `make bench` points them at a static file server (nginx) holding the
    /// same files, so the download figures do not depend on this server's speed.
    public var linkBase: String?

    // MARK: Runtime knobs

    /// *Runtime.* Seconds a minted link stays valid.
    public var linkTTL: Double = 3600
    /// *Runtime.* Global cap on download bytes per second across all transfers; nil = none.
    public var bandwidth: Int?
    /// *Runtime.* New jobs inserted (inside the window) after each listing page served.
    public var appearPerPage = 0
    /// Voice-training resources ShowVoiceTrainingQuotas lists; nil: a seeded 5…9.
    public var quotaResourceCount: Int?
    /// *Runtime.* Fault rates.
    public var faults = FaultRates()
    /// *Runtime.* How transient faults choose victims.
    public var faultMode = FaultMode.firstAttempts
    /// *Runtime.* In `first_attempts` mode, how many attempts of a faulty object or query fail.
    public var faultAttempts = 1
    /// *Runtime.* Trickle: bytes per chunk, pause between chunks, and how long the trickle lasts
    /// before the rest of the body goes at full speed.
    public var trickleChunkBytes = 512
    public var trickleDelayMilliseconds = 100
    public var trickleMaxSeconds: Double = 3
    /// The `Content-Length` claimed by `absurd_length` objects (1 TiB).
    public var absurdContentLength = 1 << 40
    /// How many attempts of an `absurd_length` object announce the absurd length; nil: every
    /// attempt (a persistent fault). Set, it is a sticky-then-clear fault, as a misbehaving
    /// cache node would be; setting the rate to 0 (`/__control`) clears it at once.
    public var absurdLengthAttempts: Int?
    /// Body chunk size when streaming at full speed.
    public var chunkBytes = 256 * 1024

    /// Test credentials, documented in `ttsarchive-sim --help`; they open nothing real.
    public static let defaultProjectID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    public static let defaultAccessKey = "SIMULATORAK000000001"
    public static let defaultSecretKey = "simulator-secret-key-not-a-real-secret-0001"
    public static let defaultAuthToken = "simulator-token-not-a-real-token-0001"

    /// Defaults, with the window covering the 24 hours before now (to the whole minute).
    public init() {
        let now = Date().timeIntervalSince1970
        self.windowEnd = Date(timeIntervalSince1970: (now / 60).rounded(.down) * 60)
        self.windowStart = windowEnd.addingTimeInterval(-86_400)
    }

    /// Defaults with the given seed, job count and window.
    public init(seed: UInt64, jobCount: Int, windowStart: Date, windowEnd: Date) {
        self.init()
        self.seed = seed
        self.jobCount = jobCount
        self.windowStart = windowStart
        self.windowEnd = windowEnd
    }

    /// Rejects knobs that cannot make a coherent world.
    public func validate() throws(SimulatorConfigError) {
        func require(_ ok: Bool, _ field: String, _ value: Any, _ allowed: String) throws(SimulatorConfigError) {
            if !ok { throw .outOfRange(field: field, value: "\(value)", allowed: allowed) }
        }
        try require((0...65_535).contains(port), "port", port, "0…65535")
        try require(jobCount >= 0 && jobCount <= 10_000_000, "job_count", jobCount, "0…10000000")
        guard windowStart <= windowEnd else { throw .emptyWindow }
        try require(audioMinBytes >= 512, "audio_min_bytes", audioMinBytes, ">= 512")
        try require(audioMaxBytes >= audioMinBytes, "audio_max_bytes", audioMaxBytes, ">= audio_min_bytes")
        // RIFF sizes are 32-bit: no WAV can be 4 GiB or more.
        try require(audioMaxBytes <= 0xFFFF_FFFF, "audio_max_bytes", audioMaxBytes, "< 4 GiB")
        if let giantAudioBytes {
            try require((512...0xFFFF_FFFF).contains(giantAudioBytes), "giant_audio_bytes", giantAudioBytes, "512 B … 4 GiB - 1")
        }
        try require(giantAudioCount >= 0, "giant_audio_count", giantAudioCount, ">= 0")
        try require(linkTTL > 0, "link_ttl", linkTTL, "> 0")
        if let bandwidth { try require(bandwidth > 0, "bandwidth", bandwidth, "> 0") }
        try require(appearPerPage >= 0, "appear_per_page", appearPerPage, ">= 0")
        try require(faultAttempts >= 1, "fault_attempts", faultAttempts, ">= 1")
        try require(trickleChunkBytes >= 1, "trickle_chunk_bytes", trickleChunkBytes, ">= 1")
        try require(trickleDelayMilliseconds >= 0, "trickle_delay_ms", trickleDelayMilliseconds, ">= 0")
        try require(chunkBytes >= 1024, "chunk_bytes", chunkBytes, ">= 1024")
        try require(absurdContentLength > 0, "absurd_content_length", absurdContentLength, "> 0")
        try require((absurdLengthAttempts ?? 1) >= 1, "absurd_length_attempts", absurdLengthAttempts ?? 0, ">= 1")
        for (name, value) in [
            ("pending_succeed_fraction", pendingSucceedFraction), ("shared_audio_fraction", sharedAudioFraction),
            ("second_file_fraction", secondFileFraction), ("timestamp_fraction", timestampFraction),
            ("subtitle_fraction", subtitleFraction), ("action_fraction", actionFraction),
            ("terminal_escape_fraction", terminalEscapeFraction),
        ] {
            try require((0...1).contains(value), name, value, "0…1")
        }
        try require(stateMix.total > 0, "state_mix", "all zero", "a positive weight")
        try require(formatMix.total > 0, "format_mix", "all zero", "a positive weight")
    }
}

extension SimulatorConfig {
    /// A copy with every knob forced into a range the generator can work with, so that a
    /// config that ``validate()`` would refuse never crashes the simulator (``MetaStudioSimulator/start()``
    /// still refuses it with the reason).
    var sanitized: SimulatorConfig {
        var c = self
        c.jobCount = max(0, min(jobCount, 10_000_000))
        if c.windowEnd < c.windowStart { c.windowEnd = c.windowStart }
        c.audioMinBytes = min(max(512, audioMinBytes), 0xFFFF_FFFF)
        c.audioMaxBytes = min(max(c.audioMinBytes, audioMaxBytes), 0xFFFF_FFFF)
        c.giantAudioBytes = giantAudioBytes.map { min(max(512, $0), 0xFFFF_FFFF) }
        c.giantAudioCount = max(0, giantAudioCount)
        if stateMix.total <= 0 || [stateMix.succeed, stateMix.waiting, stateMix.processing, stateMix.failed].contains(where: { $0 < 0 }) {
            c.stateMix = JobStateMix()
        }
        if formatMix.total <= 0 || [formatMix.wav, formatMix.mp3, formatMix.pcm].contains(where: { $0 < 0 }) {
            c.formatMix = AudioFormatMix()
        }
        c.chunkBytes = max(1024, chunkBytes)
        c.faultAttempts = max(1, faultAttempts)
        c.trickleChunkBytes = max(1, trickleChunkBytes)
        c.trickleDelayMilliseconds = max(0, trickleDelayMilliseconds)
        c.appearPerPage = max(0, appearPerPage)
        c.linkTTL = linkTTL > 0 ? linkTTL : 3600
        if let bandwidth, bandwidth <= 0 { c.bandwidth = nil }
        return c
    }
}

/// Relative weights of the initial job states.
public struct JobStateMix: Sendable, Codable, Hashable {
    public var succeed = 0.90
    public var waiting = 0.03
    public var processing = 0.03
    public var failed = 0.04

    /// The default mix: 90% SUCCEED, the rest WAITING, PROCESSING and FAILED.
    public init() {}

    var total: Double { succeed + waiting + processing + failed }
}

/// Relative weights of the audio formats.
public struct AudioFormatMix: Sendable, Codable, Hashable {
    public var wav = 0.80
    public var mp3 = 0.12
    public var pcm = 0.08

    /// The default mix: mostly WAV.
    public init() {}

    var total: Double { wav + mp3 + pcm }
}

/// A knob that cannot be used; names the knob and what it accepts.
public enum SimulatorConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    case outOfRange(field: String, value: String, allowed: String)
    case emptyWindow
    case badTime(field: String, text: String)
    case badFaultAssignment(String)
    case unknownFault(String)
    case badFaultRate(String)

    public var description: String {
        switch self {
        case .outOfRange(let field, let value, let allowed): "\(field) is \(value); it must be \(allowed)"
        case .emptyWindow: "the window starts after it ends"
        case .badTime(let field, let text): "\(field) '\(text)' is not an ISO 8601 time"
        case .badFaultAssignment(let text): "'\(text)' is not NAME=RATE"
        case .unknownFault(let name):
            "unknown fault '\(name)' (known: \(FaultKind.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .badFaultRate(let name): "the rate of \(name) must be a number from 0 to 1"
        }
    }
}
