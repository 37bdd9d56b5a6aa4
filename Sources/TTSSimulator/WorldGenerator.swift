import Foundation
import TTSArchiveCore

/// Makes jobs one at a time, each from (seed, index) alone, except for the choices that refer
/// to earlier jobs (shared files, the giant files, hostile-id ranks), which depend only on the
/// jobs made before it. Same seed and config, same sequence of jobs.
struct WorldGenerator: Sendable {
    private let config: SimulatorConfig
    private let assets: [String]
    private(set) var nextIndex = 0
    /// Every job's files and the flags that go with them, for later jobs to share.
    private var donors: [(format: AudioFormat, needTimestamp: Bool, genSRT: Bool, files: [SimFile])] = []
    private var giantsLeft: Int
    private var hostileCount = 0

    static let hostileIDs = [
        "../../etc/passwd", "..\\..\\Windows\\win.ini", "/etc/shadow", "..", "./../../root/.ssh/authorized_keys",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "job\nid", "CON",
    ]
    static let jobTypes: [(String, Double)] = [("ASYNC_JOB", 0.70), ("WEBSOCKET", 0.15), ("AUDITION", 0.10), ("PRELOAD", 0.05)]
    static let services: [(String, Double)] = [
        ("TTS_LLM", 0.40), ("TTS_LAB", 0.20), ("TTS_LLM_VC", 0.10), ("TTS_LAB_GPU", 0.10), ("GPU_CLONE", 0.10),
        ("TTS_LLM_VQ", 0.10),
    ]
    static let businessTypes: [(String, Double)] = [("DIGITAL_HUMAN", 0.6), ("AUDIOBOOK", 0.25), ("CUSTOMER_SERVICE", 0.15)]
    static let failMessages = [
        "MSS.00000001: text contains characters the voice cannot speak",
        "MSS.00000002: synthesis timed out", "MSS.00000003: the voice asset is frozen",
    ]

    init(config: SimulatorConfig) {
        self.config = config
        self.assets = VoiceAssets(seed: config.seed).used
        self.giantsLeft = config.giantAudioBytes == nil ? 0 : config.giantAudioCount
    }

    /// The next job, created at `createTime`; `faults` decides whether it is hostile or broken.
    mutating func next(createTime: Int64, faults: FaultRates) -> SimJob {
        let index = nextIndex
        nextIndex += 1
        var rng = SeededRandom(seed: config.seed, stream: "job", index: UInt64(index))
        let uid = rng.hex(32)
        let jobType = rng.weighted(Self.jobTypes)
        let mix = config.stateMix
        let state = rng.weighted([
            (JobState.succeeded, mix.succeed), (.waiting, mix.waiting), (.processing, mix.processing),
            (.failed, mix.failed),
        ])
        var job = SimJob(
            uid: uid, jobID: uid, createTime: createTime, jobType: jobType, ttsService: rng.weighted(Self.services),
            businessType: rng.weighted(Self.businessTypes), assetID: rng.pick(assets),
            websocketJobID: jobType == "WEBSOCKET" ? rng.hex(32) : nil,
            textLength: Int(exp(rng.unit() * log(10_000.0))).clamped(to: 1...10_000),
            audioFormat: .wav, needTimestamp: false, genSRT: false, initialState: state,
            eventuallySucceeds: state.isPending && rng.chance(config.pendingSucceedFraction),
            failMessage: state == .failed ? rng.pick(Self.failMessages) : nil, files: [], badRecord: nil)

        var isGiant = false
        if state == .succeeded, giantsLeft > 0, let giant = config.giantAudioBytes {
            giantsLeft -= 1
            isGiant = true
            let audio = AudioSpec(
                format: .wav, sampleRate: 16_000, size: AudioLayout.exactSize(giant, format: .wav), seed: rng.next())
            job.files = [SimFile(audio: audio, textSeed: rng.next(), hasTimestamps: false, hasSubtitles: false)]
        } else if !donors.isEmpty, rng.chance(config.sharedAudioFraction) {
            // Byte-identical files of an earlier job, with the flags that describe them.
            let donor = donors[rng.int(in: 0...(donors.count - 1))]
            (job.audioFormat, job.needTimestamp, job.genSRT, job.files) = donor
        } else {
            job.audioFormat = rng.weighted([(.wav, config.formatMix.wav), (.mp3, config.formatMix.mp3), (.pcm, config.formatMix.pcm)])
            job.needTimestamp = rng.chance(config.timestampFraction)
            job.genSRT = rng.chance(config.subtitleFraction)
            let count = rng.chance(config.secondFileFraction) ? 2 : 1
            job.files = (0..<count).map { _ in makeFile(format: job.audioFormat, job: job, rng: &rng) }
        }
        // A giant file is shared by nobody: "one 2 GiB file" must stay one.
        if !isGiant { donors.append((job.audioFormat, job.needTimestamp, job.genSRT, job.files)) }

        var faultRNG = SeededRandom(seed: config.seed, stream: "job-faults", index: UInt64(index))
        if state == .succeeded, faultRNG.chance(faults[.hostileJobID]) {
            job.jobID =
                hostileCount < Self.hostileIDs.count
                ? Self.hostileIDs[hostileCount] : "../../tmp/ttsarchive-\(uid.prefix(8))"
            hostileCount += 1
        }
        var escapeRNG = SeededRandom(seed: config.seed, stream: "terminal-escapes", index: UInt64(index))
        if state == .succeeded, escapeRNG.chance(config.terminalEscapeFraction) {
            // Sets the window title, clears the screen, then prints in red.
            job.jobID = "\u{1B}]0;pwned\u{07}\u{1B}[2J\u{1B}[31m\(uid.prefix(16))\u{1B}[0m"
        }
        if state == .failed, let message = job.failMessage, escapeRNG.chance(config.terminalEscapeFraction) {
            // Server text as well as ids: a FAILED job's reason.
            job.failMessage = SimulatorConfig.terminalEscape + message
        }
        if faultRNG.chance(faults[.badRecord]) {
            job.badRecord = BadRecordVariant(rawValue: faultRNG.int(in: 0...(BadRecordVariant.allCases.count - 1)))
        }
        return job
    }

    private func makeFile(format: AudioFormat, job: SimJob, rng: inout SeededRandom) -> SimFile {
        let low = log(Double(config.audioMinBytes)), high = log(Double(config.audioMaxBytes))
        let wanted = Int(exp(low + rng.unit() * (high - low)))
        let rate = format == .mp3 ? 44_100 : (rng.chance(0.6) ? 16_000 : 24_000)
        let audio = AudioSpec(format: format, sampleRate: rate, size: AudioLayout.exactSize(wanted, format: format), seed: rng.next())
        // A handful of action variants, so many jobs carry byte-identical action files.
        let action = rng.chance(config.actionFraction) ? rng.int(in: 0...3) : nil
        return SimFile(
            audio: audio, textSeed: rng.next(), hasTimestamps: job.needTimestamp, hasSubtitles: job.genSRT,
            actionVariant: action)
    }

    /// A whole-second time in `start … end`, uniformly.
    static func time(in start: Int64, _ end: Int64, rng: inout SeededRandom) -> Int64 {
        start + Int64(rng.int(in: 0...Int(max(0, end - start))))
    }
}

extension Comparable {
    func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}
