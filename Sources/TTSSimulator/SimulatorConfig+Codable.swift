import Foundation

// snake_case keys, and every key optional on input, so a JSON config (or a test) names only
// the knobs it changes. Dates are whatever the coder's date strategy says (the CLI uses ISO 8601).
extension SimulatorConfig {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case port, projectID = "project_id", maxClockSkew = "max_clock_skew"
        case seed, jobCount = "job_count", windowStart = "window_start", windowEnd = "window_end"
        case stateMix = "state_mix", pendingBecomeSucceededAfter = "pending_become_succeeded_after"
        case pendingSucceedFraction = "pending_succeed_fraction", formatMix = "format_mix"
        case audioMinBytes = "audio_min_bytes", audioMaxBytes = "audio_max_bytes"
        case giantAudioBytes = "giant_audio_bytes", giantAudioCount = "giant_audio_count"
        case sharedAudioFraction = "shared_audio_fraction", secondFileFraction = "second_file_fraction"
        case timestampFraction = "timestamp_fraction", subtitleFraction = "subtitle_fraction"
        case actionFraction = "action_fraction", bucket, linkBase = "link_base"
        case linkTTL = "link_ttl", bandwidth, appearPerPage = "appear_per_page", faults
        case faultMode = "fault_mode", faultAttempts = "fault_attempts"
        case trickleChunkBytes = "trickle_chunk_bytes", trickleDelayMilliseconds = "trickle_delay_ms"
        case trickleMaxSeconds = "trickle_max_seconds", absurdContentLength = "absurd_content_length"
        case absurdLengthAttempts = "absurd_length_attempts"
        case chunkBytes = "chunk_bytes", terminalEscapeFraction = "terminal_escape_fraction"
    }

    /// Reads a config; absent keys keep their defaults. Credentials are never read from JSON:
    /// they come from the environment (see `ttsarchive-sim --help`) or from code.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, into value: inout T) throws {
            if let decoded = try c.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        try read(.port, into: &port)
        try read(.projectID, into: &projectID)
        try read(.maxClockSkew, into: &maxClockSkew)
        try read(.seed, into: &seed)
        try read(.jobCount, into: &jobCount)
        try read(.windowStart, into: &windowStart)
        try read(.windowEnd, into: &windowEnd)
        try read(.stateMix, into: &stateMix)
        pendingBecomeSucceededAfter = try c.decodeIfPresent(Double.self, forKey: .pendingBecomeSucceededAfter)
        try read(.pendingSucceedFraction, into: &pendingSucceedFraction)
        try read(.formatMix, into: &formatMix)
        try read(.audioMinBytes, into: &audioMinBytes)
        try read(.audioMaxBytes, into: &audioMaxBytes)
        giantAudioBytes = try c.decodeIfPresent(Int.self, forKey: .giantAudioBytes)
        try read(.giantAudioCount, into: &giantAudioCount)
        try read(.sharedAudioFraction, into: &sharedAudioFraction)
        try read(.secondFileFraction, into: &secondFileFraction)
        try read(.timestampFraction, into: &timestampFraction)
        try read(.subtitleFraction, into: &subtitleFraction)
        try read(.actionFraction, into: &actionFraction)
        try read(.bucket, into: &bucket)
        linkBase = try c.decodeIfPresent(String.self, forKey: .linkBase)
        try read(.linkTTL, into: &linkTTL)
        bandwidth = try c.decodeIfPresent(Int.self, forKey: .bandwidth)
        try read(.appearPerPage, into: &appearPerPage)
        try read(.faults, into: &faults)
        try read(.faultMode, into: &faultMode)
        try read(.faultAttempts, into: &faultAttempts)
        try read(.trickleChunkBytes, into: &trickleChunkBytes)
        try read(.trickleDelayMilliseconds, into: &trickleDelayMilliseconds)
        try read(.trickleMaxSeconds, into: &trickleMaxSeconds)
        try read(.absurdContentLength, into: &absurdContentLength)
        absurdLengthAttempts = try c.decodeIfPresent(Int.self, forKey: .absurdLengthAttempts)
        try read(.chunkBytes, into: &chunkBytes)
        try read(.terminalEscapeFraction, into: &terminalEscapeFraction)
    }

    /// Writes every knob except the credentials.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(port, forKey: .port)
        try c.encode(projectID, forKey: .projectID)
        try c.encode(maxClockSkew, forKey: .maxClockSkew)
        try c.encode(seed, forKey: .seed)
        try c.encode(jobCount, forKey: .jobCount)
        try c.encode(windowStart, forKey: .windowStart)
        try c.encode(windowEnd, forKey: .windowEnd)
        try c.encode(stateMix, forKey: .stateMix)
        try c.encodeIfPresent(pendingBecomeSucceededAfter, forKey: .pendingBecomeSucceededAfter)
        try c.encode(pendingSucceedFraction, forKey: .pendingSucceedFraction)
        try c.encode(formatMix, forKey: .formatMix)
        try c.encode(audioMinBytes, forKey: .audioMinBytes)
        try c.encode(audioMaxBytes, forKey: .audioMaxBytes)
        try c.encodeIfPresent(giantAudioBytes, forKey: .giantAudioBytes)
        try c.encode(giantAudioCount, forKey: .giantAudioCount)
        try c.encode(sharedAudioFraction, forKey: .sharedAudioFraction)
        try c.encode(secondFileFraction, forKey: .secondFileFraction)
        try c.encode(timestampFraction, forKey: .timestampFraction)
        try c.encode(subtitleFraction, forKey: .subtitleFraction)
        try c.encode(actionFraction, forKey: .actionFraction)
        try c.encode(bucket, forKey: .bucket)
        try c.encodeIfPresent(linkBase, forKey: .linkBase)
        try c.encode(linkTTL, forKey: .linkTTL)
        try c.encodeIfPresent(bandwidth, forKey: .bandwidth)
        try c.encode(appearPerPage, forKey: .appearPerPage)
        try c.encode(faults, forKey: .faults)
        try c.encode(faultMode, forKey: .faultMode)
        try c.encode(faultAttempts, forKey: .faultAttempts)
        try c.encode(trickleChunkBytes, forKey: .trickleChunkBytes)
        try c.encode(trickleDelayMilliseconds, forKey: .trickleDelayMilliseconds)
        try c.encode(trickleMaxSeconds, forKey: .trickleMaxSeconds)
        try c.encode(absurdContentLength, forKey: .absurdContentLength)
        try c.encodeIfPresent(absurdLengthAttempts, forKey: .absurdLengthAttempts)
        try c.encode(chunkBytes, forKey: .chunkBytes)
        try c.encode(terminalEscapeFraction, forKey: .terminalEscapeFraction)
    }
}
