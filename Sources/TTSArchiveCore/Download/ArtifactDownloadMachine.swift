public import Foundation

/// The decisions of one artifact's download, across all its attempts, as a value-type state
/// machine: the engine reports events (a response head, bytes, the end of a transfer, a
/// verdict, a fresh link) and does what the returned ``Action`` says. No I/O, no clock, no
/// global randomness: time comes in with the events and jitter from a seeded generator.
///
/// The rules: transient failures (5xx but 501/505, 429, 408, resets, timeouts, short bodies)
/// retry after a full-jitter backoff raised to `Retry-After`, within the attempt budget. A
/// transfer cut short resumes with `Range` (and `If-Range` on a strong ETag) while its link is
/// usable, also on a fresh link to the same object; a `200` to a `Range` request restarts from
/// zero; a `206` not starting where asked, or with another ETag or length, is refused and the
/// file restarts. A link too close to its deadline, or a `403` saying it expired, is re-listed
/// (the job-wide budget is the caller's). Other 4xx and unfollowed redirects fail at once.
/// A verification failure (MD5 against the ETag, a JSON cut short) and a `Content-Length` over
/// the maximum are transient too: a proxy or cache node can corrupt a few answers and recover,
/// so both download again from zero after a backoff, within the same attempt budget, and fail
/// only when the budget is spent (the run then keeps the artifact as owed work).
public struct ArtifactDownloadMachine: Sendable {
    private enum State: String, Sendable, Hashable {
        case idle, awaitingHead, receiving, collectingErrorBody, waiting, relisting, verifying, finished
    }

    /// The limits in force.
    public let configuration: Configuration
    /// The link in use (replaced by ``freshLink(_:now:)``).
    public private(set) var link: Link
    /// Bytes the sink holds, as far as the machine has been told.
    public private(set) var bytesInSink: Int64 = 0
    /// The object's full length, when a response announced it.
    public private(set) var expectedLength: Int64?
    /// The object's ETag, as the response the sink's bytes came from gave it.
    public private(set) var etag: String?
    /// Requests sent.
    public private(set) var attempts = 0
    /// Requests sent because an earlier one failed or its bytes were refused.
    public private(set) var retries = 0
    /// Fresh links asked for.
    public private(set) var relists = 0

    private var state = State.idle
    private var generator: RetryPolicy.SeededGenerator
    private var requestedFrom: Int64 = 0
    private var errorStatus = 0
    private var errorRetryAfter: String?
    private var transientFailures = 0
    /// The sink holds bytes that the next request must start by discarding.
    private var sinkIsStale = false

    /// A machine for downloading from `link`; `jitterSeed` fixes the backoff draws (pass a
    /// random seed in production, a constant in tests).
    public init(link: Link, configuration: Configuration = Configuration(), jitterSeed: UInt64) {
        self.link = link
        self.configuration = configuration
        self.generator = RetryPolicy.SeededGenerator(seed: jitterSeed)
    }

    /// Begins the download.
    public mutating func start(now: Date) -> Action {
        guard state == .idle else { return unexpected("start") }
        return nextRequest(now: now)
    }

    /// The final response's status line and headers arrived.
    public mutating func responseHead(_ head: ResponseHead, now: Date) -> Action {
        guard state == .awaitingHead else { return unexpected("responseHead") }
        switch head.status {
        case 200:
            if let length = head.contentLength, length > configuration.maxFileSize {
                return implausibleLength(length)
            }
            // Whether or not a Range was asked for, this body is the whole file from byte zero.
            bytesInSink = 0
            sinkIsStale = false
            expectedLength = head.contentLength
            etag = head.etag
            state = .receiving
            return .continueWriting(append: false)
        case 206:
            return acceptPartial(head, now: now)
        case 400...599:
            errorStatus = head.status
            errorRetryAfter = head.retryAfter
            state = .collectingErrorBody
            return .collectErrorBody(limit: configuration.errorBodyLimit)
        default:
            // Other 2xx carry no file; 1xx and 3xx mean the transport stopped short of a final
            // answer (a redirect off the link's host is deliberately not followed).
            return fail(.httpStatus(head.status))
        }
    }

    /// `count` more body bytes arrived (after ``Action/continueWriting(append:)``).
    public mutating func bytesReceived(_ count: Int) -> Action {
        guard state == .receiving else { return unexpected("bytesReceived") }
        bytesInSink += Int64(count)
        if bytesInSink > configuration.maxFileSize {
            return fail(.exceededMaxSize(received: bytesInSink, limit: configuration.maxFileSize))
        }
        if let expectedLength, bytesInSink > expectedLength {
            let fault = TransientFault.overlong(received: bytesInSink, expected: expectedLength)
            discardSink()
            return retry(after: fault, now: nil)
        }
        return .continueWriting(append: true)
    }

    /// The transfer ended.
    public mutating func transferFinished(_ outcome: TransferOutcome, now: Date) -> Action {
        switch (state, outcome) {
        case (.collectingErrorBody, .errorBody(let body)):
            return judgeErrorStatus(body: body, now: now)
        case (.collectingErrorBody, _):
            // The error body was cut off; the status alone decides.
            return judgeErrorStatus(body: [], now: now)
        case (.receiving, .completed):
            if let expectedLength, bytesInSink < expectedLength {
                return retry(after: .truncated(received: bytesInSink, expected: expectedLength), now: nil)
            }
            return beginVerification()
        case (.receiving, .networkError(let fault)), (.awaitingHead, .networkError(let fault)):
            guard fault.isTransient else { return fail(.networkError(fault)) }
            return transferBroke(.network(fault))
        case (.receiving, .timedOut), (.awaitingHead, .timedOut):
            return transferBroke(.timedOut)
        default:
            return unexpected("transferFinished")
        }
    }

    /// The backoff sleep ended.
    public mutating func waitFinished(now: Date) -> Action {
        guard state == .waiting else { return unexpected("waitFinished") }
        return nextRequest(now: now)
    }

    /// A re-list brought a fresh link for this artifact.
    public mutating func freshLink(_ fresh: Link, now: Date) -> Action {
        guard state == .relisting else { return unexpected("freshLink") }
        if fresh.redacted != link.redacted, bytesInSink > 0 {
            // Another object path: the bytes in hand may not belong to it.
            discardSink()
        }
        link = fresh
        return nextRequest(now: now)
    }

    /// A re-list brought no fresh link.
    public mutating func relistFailed(_ failure: RelistFailure) -> Action {
        guard state == .relisting else { return unexpected("relistFailed") }
        return fail(.relistFailed(failure))
    }

    /// Verification of the complete file concluded.
    public mutating func verificationFinished(_ verdict: ArtifactVerdict, now: Date) -> Action {
        guard state == .verifying else { return unexpected("verificationFinished") }
        if verdict.isVerified {
            state = .finished
            return .succeed(
                Success(totalBytes: bytesInSink, etag: etag, attempts: attempts, retries: retries, relists: relists))
        }
        discardSink()
        guard configuration.retry.allowsRetry(afterAttempts: transientFailures + 1) else {
            return fail(.verificationFailed(verdict.failure))
        }
        return retry(after: .verificationFailed(verdict.failure), now: nil)
    }
}

extension ArtifactDownloadMachine {
    /// Sends the next request: resuming when the sink's bytes can be kept, from zero otherwise,
    /// or re-lists first when the link is too close to its deadline.
    private mutating func nextRequest(now: Date) -> Action {
        guard
            link.expiry.isUsable(
                at: now, forTransferTaking: configuration.expectedTransferTime, margin: configuration.expiryMargin)
        else { return relist() }
        // A tail can only be matched to the bytes in hand by their ETag or total length.
        if bytesInSink > 0, etag == nil, expectedLength == nil { discardSink() }
        let resumeFrom = bytesInSink > 0 ? bytesInSink : nil
        let request = Request(
            url: link.url, rangeFrom: resumeFrom,
            // If-Range must not carry a weak tag (RFC 9110 §13.1.5).
            ifRange: resumeFrom == nil || etag?.hasPrefix("W/") == true ? nil : etag)
        attempts += 1
        requestedFrom = resumeFrom ?? 0
        state = .awaitingHead
        if sinkIsStale {
            sinkIsStale = false
            return .restartFromZero(request)
        }
        return .request(request)
    }

    /// Accepts a `206` whose range continues the sink's bytes of the same object, or restarts.
    private mutating func acceptPartial(_ head: ResponseHead, now: Date) -> Action {
        guard let range = head.contentRange.flatMap(ContentRange.init), range.first == requestedFrom,
            head.contentLength == nil || head.contentLength == range.length
        else {
            discardSink()
            return retry(
                after: .contentRangeMismatch(requestedFrom: requestedFrom, contentRange: head.contentRange), now: now)
        }
        let total = range.completeLength
        if let total, total > configuration.maxFileSize { return implausibleLength(total) }
        if requestedFrom > 0 {
            if let before = etag, let after = head.etag, before != after {
                discardSink()
                return retry(after: .etagChanged(before: before, after: after), now: now)
            }
            if let before = expectedLength, let total, before != total {
                discardSink()
                return retry(after: .lengthChanged(before: before, after: total), now: now)
            }
        }
        expectedLength = total ?? (requestedFrom > 0 ? expectedLength : nil)
        if let newTag = head.etag { etag = newTag }
        state = .receiving
        if requestedFrom == 0 {
            // A whole-file request answered with a range from zero: a fresh start all the same.
            bytesInSink = 0
            sinkIsStale = false
            return .continueWriting(append: false)
        }
        return .continueWriting(append: true)
    }

    /// Decides what an error status (with the first bytes of its body) calls for.
    private mutating func judgeErrorStatus(body: [UInt8], now: Date) -> Action {
        let status = errorStatus
        // A 403 saying the link expired: re-list, whatever the clock thinks of the deadline.
        if LinkExpiry.saysExpired(status: status, bodyPrefix: body) { return relist() }
        switch status {
        case 408, 429, 500, 502...504, 506...599:
            let asked = errorRetryAfter.flatMap { RetryPolicy.parseRetryAfter($0, now: now) }
            return retry(after: .status(status), retryAfter: asked, now: nil)
        case 416:
            discardSink()
            return retry(after: .rangeNotSatisfiable, now: now)
        default:
            return fail(.httpStatus(status))
        }
    }

    /// Asks for a fresh link, within this artifact's allowance.
    private mutating func relist() -> Action {
        guard relists < configuration.maxRelists else { return fail(.linkExpired(relists: relists)) }
        relists += 1
        state = .relisting
        return .relist
    }

    /// A length over the maximum, announced before any byte: retried from zero like any other
    /// transient answer (a cache node can announce nonsense), refused once the budget is spent.
    private mutating func implausibleLength(_ declared: Int64) -> Action {
        discardSink()
        guard configuration.retry.allowsRetry(afterAttempts: transientFailures + 1) else {
            return fail(.tooLarge(declared: declared, limit: configuration.maxFileSize))
        }
        return retry(after: .implausibleLength(declared: declared, limit: configuration.maxFileSize), now: nil)
    }

    /// A transfer broke off (reset, timeout) after `bytesInSink` bytes.
    private mutating func transferBroke(_ fault: TransientFault) -> Action {
        if let expectedLength, bytesInSink == expectedLength, state == .receiving {
            // Every byte arrived before the connection failed; asking for more would be a 416.
            return beginVerification()
        }
        return retry(after: fault, now: nil)
    }

    /// Counts a transient fault and retries: at once when `now` is given (the server answered,
    /// just not usefully), after a backoff otherwise.
    private mutating func retry(after fault: TransientFault, retryAfter: Duration? = nil, now: Date?) -> Action {
        transientFailures += 1
        guard configuration.retry.allowsRetry(afterAttempts: transientFailures) else {
            return fail(.retriesExhausted(last: fault))
        }
        retries += 1
        if let now { return nextRequest(now: now) }
        state = .waiting
        return .wait(
            configuration.retry.delay(forRetry: transientFailures - 1, retryAfter: retryAfter, using: &generator))
    }

    private mutating func beginVerification() -> Action {
        state = .verifying
        return .verify(totalBytes: bytesInSink, expectedLength: expectedLength, etag: etag)
    }

    /// Forgets the sink's bytes and what they were matched by; the next request says so.
    private mutating func discardSink() {
        if bytesInSink > 0 { sinkIsStale = true }
        bytesInSink = 0
        expectedLength = nil
        etag = nil
    }

    private mutating func fail(_ reason: ArtifactFailure.Reason) -> Action {
        state = .finished
        return .fail(ArtifactFailure(reason: reason, attempts: attempts, retries: retries, relists: relists))
    }

    private mutating func unexpected(_ event: String) -> Action {
        fail(.unexpectedEvent(event: event, state: state.rawValue))
    }

}
