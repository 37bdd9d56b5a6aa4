/// What verification concluded about one artifact's bytes.
///
/// An artifact counts as archived only when ``isVerified`` is true: at least one check passed
/// and none failed. Checks run in order and stop at the first failure, so ``checks`` lists what
/// passed before it.
public struct ArtifactVerdict: Sendable, Hashable {
    /// The checks passed, in the order they ran; their raw values go to the manifest's `checks[]`.
    public private(set) var checks: [ArtifactCheck]
    /// The first check that failed, or nil.
    public private(set) var failure: ArtifactCheckFailure?
    /// The audio's playing time in seconds, when the bytes tell it (WAV: data size ÷ byte rate;
    /// PCM: samples ÷ the assumed rate; MP3: Xing/Info/VBRI frame count, else from the bitrate).
    public var audioDuration: Double?
    /// True when ``audioDuration`` is an estimate (MP3 without a VBR header: bitrate × size).
    public var audioDurationIsEstimate: Bool
    /// The latest end time of any SRT cue, in seconds.
    public var lastCueEnd: Double?

    /// A verdict with the given findings.
    public init(
        checks: [ArtifactCheck] = [], failure: ArtifactCheckFailure? = nil,
        audioDuration: Double? = nil, audioDurationIsEstimate: Bool = false,
        lastCueEnd: Double? = nil
    ) {
        self.checks = checks
        self.failure = failure
        self.audioDuration = audioDuration
        self.audioDurationIsEstimate = audioDurationIsEstimate
        self.lastCueEnd = lastCueEnd
    }

    /// True when the content passed at least one check and failed none.
    public var isVerified: Bool { failure == nil && !checks.isEmpty }

    /// The manifest strings of ``checks``.
    public var checkNames: [String] { checks.map(\.rawValue) }

    /// Records a passed check; a check already listed is not listed twice.
    public mutating func record(_ check: ArtifactCheck) {
        if !checks.contains(check) { checks.append(check) }
    }

    /// Records a failure; the first failure recorded is the one kept, because later checks
    /// often only restate it.
    public mutating func recordFailure(_ failure: ArtifactCheckFailure) {
        if self.failure == nil { self.failure = failure }
    }

    /// Records what a pure check concluded (see ``TransportChecks`` and ``SubtitleFit``).
    public mutating func apply(_ outcome: ArtifactCheckOutcome) {
        switch outcome {
        case .passed(let check): record(check)
        case .failed(let failure): recordFailure(failure)
        case .notApplicable: break
        }
    }
}
