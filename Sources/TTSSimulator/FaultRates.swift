/// One kind of misbehaviour the simulator can inject; the raw value is the name used by
/// `--fault NAME=RATE`, `/__control` and `/__stats`.
public enum FaultKind: String, Sendable, Codable, CaseIterable, CodingKeyRepresentable {
    /// A listing page answers 500 with the MSS.000000002 envelope.
    case list5xx = "list_5xx"
    /// A listing page answers 429 with `Retry-After: 1` (the API gateway's APIGW.0308).
    case list429 = "list_429"
    /// A listing page answers 200 with a truncated, unparseable JSON body.
    case malformedJSON = "malformed_json"
    /// A job's record is rendered with a wrong type or without `job_id` (decided per job).
    case badRecord = "bad_record"
    /// A SUCCEED job's `job_id` is a path-traversal string (decided per job).
    case hostileJobID = "hostile_job_id"
    /// A download answers 503 with an OBS XML error.
    case download5xx = "download_5xx"
    /// A download answers 429 with `Retry-After: 1`.
    case download429 = "download_429"
    /// The connection is reset (RST) halfway through the body.
    case reset
    /// Half the body is sent, then the connection is closed (FIN) short of `Content-Length`.
    case truncate
    /// One byte of the body is flipped; length and `ETag` stay as they were.
    case flip
    /// The body is sent in tiny chunks with pauses.
    case trickle
    /// A link is minted for another host (198.51.100.7, TEST-NET-2) and must never be fetched.
    case foreignHost = "foreign_host"
    /// The object answers `302 Location: file:///etc/passwd`.
    case redirectFile = "redirect_file"
    /// The object's `Content-Length` claims ``SimulatorConfig/absurdContentLength`` bytes.
    case absurdLength = "absurd_length"
    /// A download or a listing page answers 503 with a body that has no `Content-Length` and
    /// never ends: chunks of `trickle_chunk_bytes` every `trickle_delay_ms` until the client
    /// hangs up (``EndlessErrorBody``). Only a per-transfer deadline or an error-body cap ends it.
    case endlessError = "endless_error"

    /// Faults of a listing request, tried in this order; the first that applies wins.
    static let listingTransient: [FaultKind] = [.list5xx, .list429, .endlessError, .malformedJSON]
    /// Faults of a download attempt, tried in this order; the first that applies wins.
    static let downloadTransient: [FaultKind] = [.download5xx, .download429, .endlessError, .reset, .truncate, .flip, .trickle]
}

/// The rate (0…1) of every fault; all zero by default.
public struct FaultRates: Sendable, Hashable, Codable {
    private var rates: [FaultKind: Double]

    /// No faults at all.
    public init() {
        self.rates = [:]
    }

    /// The given rates, every other fault at zero.
    public init(_ rates: [FaultKind: Double]) {
        self.rates = rates.filter { $0.value > 0 }
    }

    /// The rate of one fault, clamped to 0…1 when set.
    public subscript(kind: FaultKind) -> Double {
        get { rates[kind] ?? 0 }
        set { rates[kind] = min(1, max(0, newValue)) }
    }

    /// Every fault with a non-zero rate.
    public var active: [FaultKind: Double] { rates.filter { $0.value > 0 } }

    /// Parses `NAME=RATE` as given to `--fault`.
    public static func parseAssignment(_ text: String) throws(SimulatorConfigError) -> (FaultKind, Double) {
        guard let equals = text.firstIndex(of: "=") else { throw .badFaultAssignment(text) }
        let name = String(text[..<equals])
        guard let kind = FaultKind(rawValue: name) else { throw .unknownFault(name) }
        guard let rate = Double(text[text.index(after: equals)...]), rate >= 0, rate <= 1 else {
            throw .badFaultRate(name)
        }
        return (kind, rate)
    }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode([String: Double].self)
        var rates: [FaultKind: Double] = [:]
        for (name, rate) in raw {
            guard let kind = FaultKind(rawValue: name) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "unknown fault '\(name)'"))
            }
            guard rate >= 0, rate <= 1 else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "rate of '\(name)' is not in 0…1"))
            }
            rates[kind] = rate
        }
        self.rates = rates
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Dictionary(uniqueKeysWithValues: FaultKind.allCases.map { ($0.rawValue, self[$0]) }))
    }
}

/// How transient faults (listing and download ones) pick their victims.
public enum FaultMode: String, Sendable, Codable, CaseIterable {
    /// Deterministic: an object (or a listing query) is faulty when a hash of (seed, fault,
    /// key) falls under the rate, and only its first ``SimulatorConfig/faultAttempts`` attempts
    /// get the fault; the retry after that succeeds.
    case firstAttempts = "first_attempts"
    /// Every request draws from the seeded generator against each rate: retries can fail too.
    case random
}
