/// The knobs that can change while the simulator runs (`POST /__control`).
public struct RuntimeKnobs: Sendable, Hashable, Codable {
    public var linkTTL: Double
    public var bandwidth: Int?
    public var appearPerPage: Int
    public var faults: FaultRates
    public var faultMode: FaultMode
    public var faultAttempts: Int
    public var trickleChunkBytes: Int
    public var trickleDelayMilliseconds: Int
    public var trickleMaxSeconds: Double
    public var pendingBecomeSucceededAfter: Double?

    enum CodingKeys: String, CodingKey {
        case linkTTL = "link_ttl", bandwidth, appearPerPage = "appear_per_page", faults
        case faultMode = "fault_mode", faultAttempts = "fault_attempts"
        case trickleChunkBytes = "trickle_chunk_bytes", trickleDelayMilliseconds = "trickle_delay_ms"
        case trickleMaxSeconds = "trickle_max_seconds"
        case pendingBecomeSucceededAfter = "pending_become_succeeded_after"
    }

    /// The runtime part of a start-up config.
    public init(config: SimulatorConfig) {
        linkTTL = config.linkTTL
        bandwidth = config.bandwidth
        appearPerPage = config.appearPerPage
        faults = config.faults
        faultMode = config.faultMode
        faultAttempts = config.faultAttempts
        trickleChunkBytes = config.trickleChunkBytes
        trickleDelayMilliseconds = config.trickleDelayMilliseconds
        trickleMaxSeconds = config.trickleMaxSeconds
        pendingBecomeSucceededAfter = config.pendingBecomeSucceededAfter
    }

    /// Applies a patch: only the knobs it names change; a bad value changes nothing.
    public mutating func apply(_ patch: ControlPatch) throws(SimulatorConfigError) {
        var next = self
        if let rates = patch.faults { for (kind, rate) in rates { next.faults[kind] = rate } }
        if let mode = patch.faultMode { next.faultMode = mode }
        if let attempts = patch.faultAttempts {
            guard attempts >= 1 else { throw .outOfRange(field: "fault_attempts", value: "\(attempts)", allowed: ">= 1") }
            next.faultAttempts = attempts
        }
        if let ttl = patch.linkTTL {
            guard ttl > 0 else { throw .outOfRange(field: "link_ttl", value: "\(ttl)", allowed: "> 0") }
            next.linkTTL = ttl
        }
        if let bandwidth = patch.bandwidth {
            guard bandwidth >= 0 else { throw .outOfRange(field: "bandwidth", value: "\(bandwidth)", allowed: ">= 0") }
            next.bandwidth = bandwidth == 0 ? nil : bandwidth
        }
        if let appear = patch.appearPerPage {
            guard appear >= 0 else { throw .outOfRange(field: "appear_per_page", value: "\(appear)", allowed: ">= 0") }
            next.appearPerPage = appear
        }
        if let bytes = patch.trickleChunkBytes {
            guard bytes >= 1 else { throw .outOfRange(field: "trickle_chunk_bytes", value: "\(bytes)", allowed: ">= 1") }
            next.trickleChunkBytes = bytes
        }
        if let delay = patch.trickleDelayMilliseconds {
            guard delay >= 0 else { throw .outOfRange(field: "trickle_delay_ms", value: "\(delay)", allowed: ">= 0") }
            next.trickleDelayMilliseconds = delay
        }
        if let seconds = patch.trickleMaxSeconds { next.trickleMaxSeconds = max(0, seconds) }
        if let after = patch.pendingBecomeSucceededAfter { next.pendingBecomeSucceededAfter = after < 0 ? nil : after }
        self = next
    }
}

/// A change to the runtime knobs, as `POST /__control` takes it.
///
/// ```json
/// {"faults": {"download_5xx": 0.2}, "link_ttl": 20, "bandwidth": 1000000, "appear_per_page": 3}
/// ```
/// Faults not named keep their rate. `bandwidth: 0` removes the cap; a negative
/// `pending_become_succeeded_after` switches late success off. Unknown keys are refused, so a
/// typo in a test fails loudly instead of silently changing nothing.
public struct ControlPatch: Sendable, Hashable, Decodable {
    public var faults: [FaultKind: Double]?
    public var faultMode: FaultMode?
    public var faultAttempts: Int?
    public var linkTTL: Double?
    public var bandwidth: Int?
    public var appearPerPage: Int?
    public var trickleChunkBytes: Int?
    public var trickleDelayMilliseconds: Int?
    public var trickleMaxSeconds: Double?
    public var pendingBecomeSucceededAfter: Double?

    /// An empty patch; set the fields to change.
    public init() {}

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let known = Set(
            [
                "faults", "fault_mode", "fault_attempts", "link_ttl", "bandwidth", "appear_per_page",
                "trickle_chunk_bytes", "trickle_delay_ms", "trickle_max_seconds", "pending_become_succeeded_after",
            ])
        let c = try decoder.container(keyedBy: AnyKey.self)
        for key in c.allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: c, debugDescription: "unknown knob '\(key.stringValue)'")
        }
        func key(_ name: String) -> AnyKey { AnyKey(stringValue: name) }
        faults = try c.decodeIfPresent(FaultRates.self, forKey: key("faults")).map { decoded in
            // Only the faults the patch names change, so read the names back from the raw map.
            let names = (try? c.decode([String: Double].self, forKey: key("faults"))) ?? [:]
            return Dictionary(uniqueKeysWithValues: names.keys.compactMap { FaultKind(rawValue: $0) }.map { ($0, decoded[$0]) })
        }
        faultMode = try c.decodeIfPresent(FaultMode.self, forKey: key("fault_mode"))
        faultAttempts = try c.decodeIfPresent(Int.self, forKey: key("fault_attempts"))
        linkTTL = try c.decodeIfPresent(Double.self, forKey: key("link_ttl"))
        bandwidth = try c.decodeIfPresent(Int.self, forKey: key("bandwidth"))
        appearPerPage = try c.decodeIfPresent(Int.self, forKey: key("appear_per_page"))
        trickleChunkBytes = try c.decodeIfPresent(Int.self, forKey: key("trickle_chunk_bytes"))
        trickleDelayMilliseconds = try c.decodeIfPresent(Int.self, forKey: key("trickle_delay_ms"))
        trickleMaxSeconds = try c.decodeIfPresent(Double.self, forKey: key("trickle_max_seconds"))
        pendingBecomeSucceededAfter = try c.decodeIfPresent(Double.self, forKey: key("pending_become_succeeded_after"))
    }
}
