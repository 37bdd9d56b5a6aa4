import TTSNative

/// What the simulator served and injected, as `GET /__stats` returns it.
///
/// Object counters are keyed by object key, the link's path after `/obs/<bucket>/` (for
/// example `tts/3f09…/0/audio.wav`).
public struct SimulatorStatsSnapshot: Sendable, Codable, Hashable {
    /// Requests by endpoint: `list`, `quotas`, `download` (GET), `download_head`, `stats`,
    /// `control`, `reset_stats`, `other`.
    public var requests: [String: Int] = [:]
    /// ShowTtsJob pages answered 200 (job_id look-ups included).
    public var listingPages = 0
    /// Jobs inserted by `appear_per_page`.
    public var jobsAppeared = 0
    /// Download links handed out (foreign-host links included).
    public var linksMinted = 0
    /// Download requests refused because their link had expired.
    public var linksExpired = 0
    /// Download requests refused for a bad or missing link signature.
    public var linkSignatureFailures = 0
    /// API requests refused with 401/403 (MSS.000000004).
    public var authFailures = 0
    /// API requests refused with 400 (MSS.000000003).
    public var validationErrors = 0
    /// Faults injected, by fault name: `hostile_job_id` and `bad_record` count once per record
    /// served, `foreign_host` once per link minted, every other fault once per response.
    public var faults: [String: Int] = [:]
    /// Download body bytes handed to the network, all objects together.
    public var bytesSent = 0
    /// Per-object counters.
    public var objects: [String: ObjectCounters] = [:]

    /// Counters of one object.
    public struct ObjectCounters: Sendable, Codable, Hashable {
        /// GET requests with a valid link (each retry and each Range request counts).
        public var requests = 0
        /// HEAD requests with a valid link.
        public var headRequests = 0
        /// Whole bodies (200, every byte, unaltered) sent to the end.
        public var completedFullBodies = 0
        /// Range (206) bodies sent to the end.
        public var completedRanges = 0
        /// Body bytes handed to the network for this object.
        public var bytesSent = 0
        /// Faults injected on this object.
        public var faults = 0

        enum CodingKeys: String, CodingKey {
            case requests, headRequests = "head_requests", completedFullBodies = "completed_full_bodies"
            case completedRanges = "completed_ranges", bytesSent = "bytes_sent", faults
        }
    }

    enum CodingKeys: String, CodingKey {
        case requests, listingPages = "listing_pages", jobsAppeared = "jobs_appeared", linksMinted = "links_minted"
        case linksExpired = "links_expired", linkSignatureFailures = "link_signature_failures"
        case authFailures = "auth_failures", validationErrors = "validation_errors", faults
        case bytesSent = "bytes_sent", objects
    }
}

/// The live counters behind ``SimulatorStatsSnapshot``, safe to bump from any request.
final class SimulatorStats: Sendable {
    private let state = Locked(SimulatorStatsSnapshot())

    func update(_ change: (inout SimulatorStatsSnapshot) -> Void) {
        state.withLock { change(&$0) }
    }

    func request(_ endpoint: String) {
        update { $0.requests[endpoint, default: 0] += 1 }
    }

    func fault(_ kind: FaultKind, object: String? = nil) {
        update { stats in
            stats.faults[kind.rawValue, default: 0] += 1
            if let object { stats.objects[object, default: .init()].faults += 1 }
        }
    }

    func object(_ key: String, _ change: (inout SimulatorStatsSnapshot.ObjectCounters) -> Void) {
        update { change(&$0.objects[key, default: .init()]) }
    }

    /// Body bytes sent for an object; called once per response, not per chunk.
    func sent(_ bytes: Int, object key: String) {
        guard bytes > 0 else { return }
        update { stats in
            stats.bytesSent += bytes
            stats.objects[key, default: .init()].bytesSent += bytes
        }
    }

    var snapshot: SimulatorStatsSnapshot { state.withLock { $0 } }

    func reset() {
        state.withLock { $0 = SimulatorStatsSnapshot() }
    }
}
