import Foundation
import Logging
import TTSNative

/// A whole (small) API response.
public struct APIResponse: Sendable {
    public var head: HTTPResponseHead
    public var body: [UInt8]
    /// Attempts it took (1 when the first one answered).
    public var attempts: Int
    public var status: Int { head.status }
}

/// Sends API calls (listings, inventories) through the shared ``HTTPEngine``: re-signs every
/// attempt, retries 5xx, 429 and network failures with backoff, full jitter and `Retry-After`,
/// and never retries other 4xx.
public struct APITransport: Sendable {
    public let engine: HTTPEngine
    public let policy: RetryPolicy
    public let logger: Logger
    /// Largest API body accepted; listings are far below this.
    public var maxBody: Int = 32 << 20

    public init(engine: HTTPEngine, policy: RetryPolicy, logger: Logger) {
        self.engine = engine
        self.policy = policy
        self.logger = logger
    }

    /// Sends the request built by `make` (called again for every attempt, so signatures are
    /// fresh) until it gets a final answer. Throws the last transport error when no answer came.
    public func send(
        _ what: String, make: @Sendable () throws -> HTTPTransferRequest,
        retryable: @Sendable (APIResponse) -> Bool = { APITransport.isTransient($0.status) }
    ) async throws -> APIResponse {
        var generator = SystemRandomNumberGenerator()
        var attempt = 0
        while true {
            attempt += 1
            let request = try make()
            let sink = BufferingSink(limit: maxBody)
            var retryAfter: String?
            do {
                let result = try await engine.execute(request, sink: sink)
                let response = APIResponse(head: result.head, body: sink.bytes, attempts: attempt)
                if let error = result.transportError, error.reason != .abortedBySink || !sink.overflowed {
                    if attempt >= policy.maxAttempts { throw error }
                    logger.debug("\(what): \(error.reason) after status \(result.head.status); retrying")
                } else if sink.overflowed {
                    throw HTTPTransportError(reason: .tooLarge, redactedURL: Redaction.url(request.url), detail: "API response over \(maxBody) bytes")
                } else if retryable(response) && attempt < policy.maxAttempts {
                    retryAfter = response.head.value("retry-after")
                    logger.debug("\(what): HTTP \(response.status); retrying (attempt \(attempt))")
                } else {
                    return response
                }
            } catch let error as HTTPTransportError where error.reason.isTransient && attempt < policy.maxAttempts {
                logger.debug("\(what): \(error.reason); retrying (attempt \(attempt))")
            }
            let delay = policy.delay(afterAttempt: attempt, retryAfter: retryAfter, using: &generator)
            try await Task.sleep(for: delay)
        }
    }

    /// 5xx and 429: worth another try.
    public static func isTransient(_ status: Int) -> Bool { status == 429 || (500...599).contains(status) }
}

/// Collects a response body in memory up to a limit.
final class BufferingSink: HTTPBodySink {
    private let state: Locked<(bytes: [UInt8], overflowed: Bool)>
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
        state = Locked(([], false))
    }

    var bytes: [UInt8] { state.withLock { $0.bytes } }
    var overflowed: Bool { state.withLock { $0.overflowed } }

    func receiveHead(_ head: HTTPResponseHead) -> Bool { true }

    func receive(_ chunk: UnsafeRawBufferPointer) -> BodyDisposition {
        state.withLock { state in
            if state.bytes.count + chunk.count > limit {
                state.overflowed = true
                return .abort
            }
            state.bytes.append(contentsOf: chunk)
            return .accepted
        }
    }
}
