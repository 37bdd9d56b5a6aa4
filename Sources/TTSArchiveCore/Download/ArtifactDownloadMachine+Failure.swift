/// Why one artifact could not be archived, with the attempts it took: a manifest `failures[]`
/// entry's `error` and `attempts`.
public struct ArtifactFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Hashable {
        /// `Content-Length` (or the `Content-Range` total) exceeded `--max-file-size` on every
        /// attempt of the budget.
        case tooLarge(declared: Int64, limit: Int64)
        /// No length was announced and the bytes passed `--max-file-size`.
        case exceededMaxSize(received: Int64, limit: Int64)
        /// A status no retry or re-list would change (400, 401, 404, a 403 not about expiry,
        /// an unfollowed redirect, …).
        case httpStatus(Int)
        /// Transient failures used up the attempt budget; the last one.
        case retriesExhausted(last: TransientFault)
        /// The link kept expiring: this artifact's re-list allowance is spent.
        case linkExpired(relists: Int)
        /// A re-list brought no fresh link.
        case relistFailed(ArtifactDownloadMachine.RelistFailure)
        /// A network failure that retrying would not cure (TLS verification, protocol refused).
        case networkError(ArtifactDownloadMachine.NetworkFault)
        /// The content failed verification on every attempt of the budget.
        case verificationFailed(ArtifactCheckFailure?)
        /// The engine reported an event the machine cannot be in a state for: a bug, recorded
        /// rather than crashing a nightly run.
        case unexpectedEvent(event: String, state: String)
    }

    /// What went wrong.
    public var reason: Reason
    /// Requests sent for this artifact.
    public var attempts: Int
    /// Requests sent because an earlier one failed.
    public var retries: Int
    /// Fresh links asked for.
    public var relists: Int

    /// A failure record.
    public init(reason: Reason, attempts: Int, retries: Int = 0, relists: Int = 0) {
        self.reason = reason
        self.attempts = attempts
        self.retries = retries
        self.relists = relists
    }

    /// True when a later run might succeed where this one failed (everything but refusals
    /// the source will repeat: 4xx statuses, oversized files).
    public var isWorthRetryingLater: Bool {
        switch reason {
        case .tooLarge, .exceededMaxSize, .httpStatus: false
        default: true
        }
    }

    /// One line for the manifest and logs: what failed and what to do about it.
    public var description: String {
        let what: String
        switch reason {
        case .tooLarge(let declared, let limit):
            what = "file of \(declared) bytes exceeds the maximum of \(limit) on every attempt (raise --max-file-size)"
        case .exceededMaxSize(let received, let limit):
            what = "download passed \(received) bytes, over the maximum of \(limit) (raise --max-file-size)"
        case .httpStatus(let status):
            what = "HTTP \(status) from the download host (not retried)"
        case .retriesExhausted(let last):
            what = "gave up after repeated transient failures, the last: \(last) (a later run retries)"
        case .linkExpired(let relists):
            what = "the download link kept expiring after \(relists) re-lists (a later run retries)"
        case .relistFailed(let failure):
            what = "\(failure) (a later run retries)"
        case .networkError(let fault):
            what = "network failure not worth retrying: \(fault)"
        case .verificationFailed(let failure):
            what = "content failed verification on every attempt: \(failure.map(String.init(describing:)) ?? "no check passed")"
        case .unexpectedEvent(let event, let state):
            what = "download engine fault: \(event) while \(state) (please report)"
        }
        return what + "; \(attempts) attempt\(attempts == 1 ? "" : "s")"
    }
}

/// A failure worth retrying, as the retry budget counts them.
public enum TransientFault: Sendable, Hashable, CustomStringConvertible {
    /// 408, 429 or a 5xx other than 501 and 505.
    case status(Int)
    /// A reset, refused or dropped connection.
    case network(ArtifactDownloadMachine.NetworkFault)
    /// A connect or low-speed timeout.
    case timedOut
    /// The body ended before the announced length.
    case truncated(received: Int64, expected: Int64)
    /// The body ran past the announced length.
    case overlong(received: Int64, expected: Int64)
    /// A `206` whose `Content-Range` does not start where the `Range` asked (or cannot be read).
    case contentRangeMismatch(requestedFrom: Int64, contentRange: String?)
    /// The object's `ETag` differs from the one the earlier bytes came with.
    case etagChanged(before: String, after: String)
    /// The object's total length differs from the one the earlier bytes came with.
    case lengthChanged(before: Int64, after: Int64)
    /// `416`: the range asked for lies outside the object.
    case rangeNotSatisfiable
    /// The complete body failed a content check (MD5 against the ETag, a cut-short JSON, …).
    case verificationFailed(ArtifactCheckFailure?)
    /// A response announced a length over `--max-file-size`.
    case implausibleLength(declared: Int64, limit: Int64)

    /// A phrase naming the fault.
    public var description: String {
        switch self {
        case .status(let status): "HTTP \(status)"
        case .network(let fault): "network: \(fault)"
        case .timedOut: "timed out"
        case .truncated(let received, let expected): "body ended at \(received) of \(expected) bytes"
        case .overlong(let received, let expected): "body ran to \(received) bytes, \(expected) announced"
        case .contentRangeMismatch(let from, let range):
            "asked for bytes from \(from), got Content-Range \(range ?? "(none)")"
        case .etagChanged(let before, let after): "ETag changed from \(before) to \(after)"
        case .lengthChanged(let before, let after): "length changed from \(before) to \(after)"
        case .rangeNotSatisfiable: "HTTP 416 (range not satisfiable)"
        case .verificationFailed(let failure): "content check failed: \(failure.map(String.init(describing:)) ?? "no check passed")"
        case .implausibleLength(let declared, let limit): "Content-Length \(declared) over the maximum of \(limit)"
        }
    }
}
