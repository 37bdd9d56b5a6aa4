import Foundation
import Testing

@testable import TTSArchiveCore

private typealias Machine = ArtifactDownloadMachine
private typealias Head = ArtifactDownloadMachine.ResponseHead

private let t0 = Date(timeIntervalSince1970: 1_700_000_000)
private let path = "https://bucket.obs.cn-north-4.myhuaweicloud.com/tts/job-1/audio.wav"
private let etag = "\"900150983cd24fb0d6963f7d28e17f72\""

/// A link listed at `t0` that expires `ttl` seconds later (stated in its query, as OBS does).
private func link(ttl: TimeInterval = 3_600, listed: Date = t0, at base: String = path) -> Machine.Link {
    let expires = Int(listed.timeIntervalSince1970 + ttl)
    return Machine.Link(url: "\(base)?AccessKeyId=AK&Expires=\(expires)&Signature=SIG", listedAt: listed)
}

private func machine(
    _ link: Machine.Link = link(), retry: RetryPolicy = RetryPolicy(maxAttempts: 4), maxFileSize: Int64 = 1 << 20,
    maxRelists: Int = 2
) -> Machine {
    Machine(
        link: link, configuration: .init(retry: retry, maxFileSize: maxFileSize, maxRelists: maxRelists), jitterSeed: 1)
}

private let verified = ArtifactVerdict(checks: [.wavHeader, .wavDataSize])
private let damaged = ArtifactVerdict(checks: [.wavHeader], failure: .wavMissingDataChunk)

private func isWait(_ action: Machine.Action, atMost bound: Duration, atLeast floor: Duration = .zero) -> Bool {
    guard case .wait(let delay) = action else { return false }
    return delay >= floor && delay <= bound
}

/// Runs a machine through start, a 200 head of `length` bytes and `received` of them.
private func started(_ m: inout Machine, length: Int64 = 1_000, received: Int64, tag: String? = etag) {
    _ = m.start(now: t0)
    _ = m.responseHead(Head(status: 200, contentLength: length, etag: tag), now: t0)
    if received > 0 { _ = m.bytesReceived(Int(received)) }
}

@Suite("Artifact download state machine")
struct ArtifactDownloadMachineTests {
    @Test("the happy path: request, write, verify, succeed")
    func happyPath() {
        var m = machine()
        let url = m.link.url
        #expect(m.start(now: t0) == .request(.init(url: url)))
        #expect(
            m.responseHead(Head(status: 200, contentLength: 1_000, etag: etag), now: t0)
                == .continueWriting(append: false))
        #expect(m.bytesReceived(600) == .continueWriting(append: true))
        #expect(m.bytesReceived(400) == .continueWriting(append: true))
        #expect(
            m.transferFinished(.completed, now: t0) == .verify(totalBytes: 1_000, expectedLength: 1_000, etag: etag))
        #expect(
            m.verificationFinished(verified, now: t0)
                == .succeed(.init(totalBytes: 1_000, etag: etag, attempts: 1, retries: 0, relists: 0)))
    }

    @Test("a reset transfer waits, then resumes with Range and If-Range")
    func resumeAfterReset() {
        var m = machine()
        started(&m, received: 600)
        let reset = Machine.NetworkFault(isTransient: true, code: 56, detail: "Connection reset by peer")
        let wait = m.transferFinished(.networkError(reset), now: t0)
        #expect(isWait(wait, atMost: .milliseconds(500)))
        #expect(
            m.waitFinished(now: t0.addingTimeInterval(1))
                == .request(.init(url: m.link.url, rangeFrom: 600, ifRange: etag)))
        #expect(
            m.responseHead(
                Head(status: 206, contentLength: 400, contentRange: "bytes 600-999/1000", etag: etag), now: t0)
                == .continueWriting(append: true))
        _ = m.bytesReceived(400)
        #expect(
            m.transferFinished(.completed, now: t0) == .verify(totalBytes: 1_000, expectedLength: 1_000, etag: etag))
        #expect(m.retries == 1)
        #expect(m.attempts == 2)
    }

    @Test("a body that ends short of Content-Length resumes too")
    func truncatedBody() {
        var m = machine()
        started(&m, received: 250)
        #expect(isWait(m.transferFinished(.completed, now: t0), atMost: .milliseconds(500)))
        guard case .request(let request) = m.waitFinished(now: t0) else {
            Issue.record("expected a request")
            return
        }
        #expect(request.rangeFrom == 250)
        #expect(request.rangeHeader == "bytes=250-")
    }

    @Test("a 200 answer to a Range request starts the file over from zero")
    func rangeIgnored() {
        var m = machine()
        started(&m, received: 600)
        _ = m.transferFinished(.timedOut, now: t0)
        _ = m.waitFinished(now: t0)
        #expect(
            m.responseHead(Head(status: 200, contentLength: 1_000, etag: etag), now: t0)
                == .continueWriting(append: false))
        #expect(m.bytesInSink == 0)
        _ = m.bytesReceived(1_000)
        #expect(
            m.transferFinished(.completed, now: t0) == .verify(totalBytes: 1_000, expectedLength: 1_000, etag: etag))
    }

    @Test(
        "a 206 that does not continue the bytes in hand is refused and the file restarts",
        arguments: [
            Head(status: 206, contentLength: 1_000, contentRange: "bytes 0-999/1000", etag: etag),
            Head(status: 206, contentLength: 400, contentRange: "bytes 601-1000/1001", etag: etag),
            Head(status: 206, contentLength: 400, contentRange: nil, etag: etag),
            Head(status: 206, contentLength: 400, contentRange: "bytes six-hundred", etag: etag),
            Head(status: 206, contentLength: 399, contentRange: "bytes 600-999/1000", etag: etag),
            Head(
                status: 206, contentLength: 400, contentRange: "bytes 600-999/1000",
                etag: "\"0123456789abcdef0123456789abcdef\""),
            Head(status: 206, contentLength: 500, contentRange: "bytes 600-1099/1100", etag: etag),
        ])
    func badPartial(head: ArtifactDownloadMachine.ResponseHead) {
        var m = machine()
        started(&m, received: 600)
        _ = m.transferFinished(.networkError(.init(isTransient: true, detail: "reset")), now: t0)
        _ = m.waitFinished(now: t0)
        #expect(m.responseHead(head, now: t0) == .restartFromZero(.init(url: m.link.url)))
        #expect(m.bytesInSink == 0)
        #expect(m.retries == 2)
        #expect(
            m.responseHead(Head(status: 200, contentLength: 1_000, etag: etag), now: t0)
                == .continueWriting(append: false))
    }

    @Test("a weak ETag is compared but never sent as If-Range")
    func weakETag() {
        var m = machine()
        started(&m, received: 10, tag: "W/\"v1\"")
        _ = m.transferFinished(.timedOut, now: t0)
        #expect(m.waitFinished(now: t0) == .request(.init(url: m.link.url, rangeFrom: 10, ifRange: nil)))
    }

    @Test("bytes with neither ETag nor length cannot be matched to a tail: restart")
    func unmatchableBytes() {
        var m = machine()
        _ = m.start(now: t0)
        _ = m.responseHead(Head(status: 200), now: t0)
        _ = m.bytesReceived(300)
        _ = m.transferFinished(.networkError(.init(isTransient: true, detail: "reset")), now: t0)
        #expect(m.waitFinished(now: t0) == .restartFromZero(.init(url: m.link.url)))
    }

    @Test("a 206 to a whole-file request covering only a part: write from zero, then resume")
    func partialFromZero() {
        var m = machine()
        _ = m.start(now: t0)
        #expect(
            m.responseHead(Head(status: 206, contentLength: 500, contentRange: "bytes 0-499/1000", etag: etag), now: t0)
                == .continueWriting(append: false))
        _ = m.bytesReceived(500)
        #expect(isWait(m.transferFinished(.completed, now: t0), atMost: .milliseconds(500)))
        #expect(m.waitFinished(now: t0) == .request(.init(url: m.link.url, rangeFrom: 500, ifRange: etag)))
    }

    @Test(
        "5xx, 429 and 408 retry after a backoff raised to Retry-After",
        arguments: [
            (503, String?.some("7"), Duration.seconds(7), Duration.seconds(7)),
            (429, "Tue, 14 Nov 2023 22:13:50 GMT", .seconds(30), .seconds(30)),
            (500, nil, .zero, .milliseconds(500)),
            (502, "garbage", .zero, .milliseconds(500)),
            (504, "0", .zero, .milliseconds(500)),
            (408, nil, .zero, .milliseconds(500)),
            (599, nil, .zero, .milliseconds(500)),
        ])
    func transientStatus(status: Int, retryAfter: String?, floor: Duration, bound: Duration) {
        var m = machine()
        _ = m.start(now: t0)
        #expect(m.responseHead(Head(status: status, retryAfter: retryAfter), now: t0) == .collectErrorBody(limit: 4096))
        #expect(isWait(m.transferFinished(.errorBody(Array("busy".utf8)), now: t0), atMost: bound, atLeast: floor))
        #expect(m.waitFinished(now: t0) == .request(.init(url: m.link.url)))
        #expect(m.retries == 1)
    }

    @Test("the attempt budget ends the retries")
    func retriesExhausted() {
        var m = machine(retry: RetryPolicy(maxAttempts: 3))
        var action = m.start(now: t0)
        for _ in 0..<3 {
            #expect(action == .request(.init(url: m.link.url)))
            _ = m.responseHead(Head(status: 503), now: t0)
            action = m.transferFinished(.errorBody([]), now: t0)
            if case .wait = action { action = m.waitFinished(now: t0) }
        }
        #expect(action == .fail(.init(reason: .retriesExhausted(last: .status(503)), attempts: 3, retries: 2)))
    }

    @Test("refusals fail at once, without retry", arguments: [400, 401, 403, 404, 410, 451, 501, 505])
    func refusals(status: Int) {
        var m = machine()
        _ = m.start(now: t0)
        _ = m.responseHead(Head(status: status), now: t0)
        let body = Array("<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>".utf8)
        #expect(m.transferFinished(.errorBody(body), now: t0) == .fail(.init(reason: .httpStatus(status), attempts: 1)))
    }

    @Test("an answer that carries no file fails", arguments: [204, 301, 302, 304])
    func noFile(status: Int) {
        var m = machine()
        _ = m.start(now: t0)
        #expect(m.responseHead(Head(status: status), now: t0) == .fail(.init(reason: .httpStatus(status), attempts: 1)))
    }

    @Test("a 403 saying the link expired re-lists, then resumes on the fresh link to the same object")
    func expiredLinkResumes() {
        var m = machine()
        started(&m, received: 600)
        _ = m.transferFinished(.networkError(.init(isTransient: true, detail: "reset")), now: t0)
        _ = m.waitFinished(now: t0)
        _ = m.responseHead(Head(status: 403), now: t0)
        let body = Array("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>".utf8)
        #expect(m.transferFinished(.errorBody(body), now: t0) == .relist)
        let fresh = link(listed: t0.addingTimeInterval(30))
        #expect(
            m.freshLink(fresh, now: t0.addingTimeInterval(30))
                == .request(.init(url: fresh.url, rangeFrom: 600, ifRange: etag)))
        #expect(m.relists == 1)
        #expect(m.link == fresh)
    }

    @Test("a fresh link to another object path restarts the file")
    func freshLinkOtherObject() {
        var m = machine()
        started(&m, received: 600)
        _ = m.transferFinished(.networkError(.init(isTransient: true, detail: "reset")), now: t0)
        _ = m.waitFinished(now: t0)
        _ = m.responseHead(Head(status: 403), now: t0)
        _ = m.transferFinished(.errorBody(Array("Request has expired".utf8)), now: t0)
        let moved = link(at: "https://other-bucket.obs.cn-north-4.myhuaweicloud.com/tts/job-1/audio.wav")
        #expect(m.freshLink(moved, now: t0) == .restartFromZero(.init(url: moved.url)))
    }

    @Test("a link too close to its deadline is re-listed before it is used")
    func staleBeforeStart() {
        var m = machine(link(ttl: 3_600))
        #expect(m.start(now: t0.addingTimeInterval(3_560)) == .relist)
        #expect(m.attempts == 0)
        let fresh = link(listed: t0.addingTimeInterval(3_561))
        #expect(m.freshLink(fresh, now: t0.addingTimeInterval(3_561)) == .request(.init(url: fresh.url)))
    }

    @Test("a link that expires during a backoff is re-listed when the wait ends")
    func staleAfterWait() {
        var m = machine(link(ttl: 3_600))
        started(&m, received: 100)
        _ = m.transferFinished(.timedOut, now: t0.addingTimeInterval(3_500))
        #expect(m.waitFinished(now: t0.addingTimeInterval(3_550)) == .relist)
    }

    @Test("re-lists are bounded, by this artifact's allowance and by the job's budget")
    func relistBounds() {
        var m = machine(link(ttl: 10), maxRelists: 2)
        let late = t0.addingTimeInterval(60)
        #expect(m.start(now: late) == .relist)
        #expect(m.freshLink(link(ttl: 10), now: late) == .relist)
        #expect(
            m.freshLink(link(ttl: 10), now: late)
                == .fail(.init(reason: .linkExpired(relists: 2), attempts: 0, relists: 2)))

        var n = machine(link(ttl: 10))
        #expect(n.start(now: late) == .relist)
        #expect(
            n.relistFailed(.budgetSpent) == .fail(.init(reason: .relistFailed(.budgetSpent), attempts: 0, relists: 1)))
    }

    @Test("a Content-Length over the maximum is retried from zero, and refused once the budget is spent")
    func tooLarge() {
        var m = machine(retry: RetryPolicy(maxAttempts: 4), maxFileSize: 1_000)
        #expect(m.start(now: t0) == .request(.init(url: m.link.url)))
        for _ in 1...3 {
            #expect(isWait(m.responseHead(Head(status: 200, contentLength: 1 << 40), now: t0), atMost: .seconds(30)))
            #expect(m.waitFinished(now: t0) == .request(.init(url: m.link.url)))
        }
        #expect(
            m.responseHead(Head(status: 200, contentLength: 1 << 40), now: t0)
                == .fail(.init(reason: .tooLarge(declared: 1 << 40, limit: 1_000), attempts: 4, retries: 3)))
        var n = machine(retry: RetryPolicy(maxAttempts: 1), maxFileSize: 1_000)
        _ = n.start(now: t0)
        #expect(
            n.responseHead(Head(status: 206, contentLength: 10, contentRange: "bytes 0-9/5000"), now: t0)
                == .fail(.init(reason: .tooLarge(declared: 5_000, limit: 1_000), attempts: 1)))
    }

    @Test("an absurd Content-Length on the first two attempts, then the real one: stored in the same download")
    func absurdLengthRecovers() {
        var m = machine(retry: RetryPolicy(maxAttempts: 5), maxFileSize: 1_000)
        _ = m.start(now: t0)
        for _ in 1...2 {
            #expect(isWait(m.responseHead(Head(status: 200, contentLength: 1 << 40), now: t0), atMost: .seconds(30)))
            _ = m.waitFinished(now: t0)
        }
        #expect(m.responseHead(Head(status: 200, contentLength: 1_000, etag: etag), now: t0) == .continueWriting(append: false))
        _ = m.bytesReceived(1_000)
        _ = m.transferFinished(.completed, now: t0)
        #expect(
            m.verificationFinished(verified, now: t0)
                == .succeed(.init(totalBytes: 1_000, etag: etag, attempts: 3, retries: 2, relists: 0)))
    }

    @Test("without a length, bytes past the maximum fail the download")
    func tooLargeStreamed() {
        var m = machine(maxFileSize: 1_000)
        _ = m.start(now: t0)
        #expect(m.responseHead(Head(status: 200), now: t0) == .continueWriting(append: false))
        #expect(m.bytesReceived(1_000) == .continueWriting(append: true))
        #expect(
            m.bytesReceived(1) == .fail(.init(reason: .exceededMaxSize(received: 1_001, limit: 1_000), attempts: 1)))
    }

    @Test("a body running past its Content-Length is dropped and fetched again")
    func overlong() {
        var m = machine()
        started(&m, received: 900)
        #expect(isWait(m.bytesReceived(200), atMost: .milliseconds(500)))
        #expect(m.waitFinished(now: t0) == .restartFromZero(.init(url: m.link.url)))
    }

    @Test("a verification failure is retried from zero after a backoff, and fails once the budget is spent")
    func verificationFails() {
        var m = machine(retry: RetryPolicy(maxAttempts: 5))
        started(&m, received: 1_000)
        _ = m.transferFinished(.completed, now: t0)
        for _ in 1...4 {
            #expect(isWait(m.verificationFinished(damaged, now: t0), atMost: .seconds(30)))
            #expect(m.waitFinished(now: t0) == .restartFromZero(.init(url: m.link.url)))
            _ = m.responseHead(Head(status: 200, contentLength: 1_000, etag: etag), now: t0)
            _ = m.bytesReceived(1_000)
            _ = m.transferFinished(.completed, now: t0)
        }
        #expect(
            m.verificationFinished(damaged, now: t0)
                == .fail(.init(reason: .verificationFailed(.wavMissingDataChunk), attempts: 5, retries: 4)))
    }

    @Test("flipped bytes on the first two attempts, then a good copy: stored in the same download")
    func verificationRecovers() {
        var m = machine(retry: RetryPolicy(maxAttempts: 5))
        started(&m, received: 1_000)
        _ = m.transferFinished(.completed, now: t0)
        for attempt in 1...2 {
            #expect(isWait(m.verificationFinished(ArtifactVerdict(), now: t0), atMost: .seconds(30)))
            _ = m.waitFinished(now: t0)
            _ = m.responseHead(Head(status: 200, contentLength: 1_000, etag: etag), now: t0)
            _ = m.bytesReceived(1_000)
            #expect(m.transferFinished(.completed, now: t0) == .verify(totalBytes: 1_000, expectedLength: 1_000, etag: etag), "attempt \(attempt + 1)")
        }
        #expect(
            m.verificationFinished(verified, now: t0)
                == .succeed(.init(totalBytes: 1_000, etag: etag, attempts: 3, retries: 2, relists: 0)))
    }

    @Test("verification failures and 5xx answers share one budget")
    func verificationSharesBudget() {
        var m = machine(retry: RetryPolicy(maxAttempts: 3))
        _ = m.start(now: t0)
        _ = m.responseHead(Head(status: 503), now: t0)
        #expect(isWait(m.transferFinished(.errorBody([]), now: t0), atMost: .seconds(30)))
        _ = m.waitFinished(now: t0)
        _ = m.responseHead(Head(status: 200, contentLength: 1_000, etag: etag), now: t0)
        _ = m.bytesReceived(1_000)
        _ = m.transferFinished(.completed, now: t0)
        #expect(isWait(m.verificationFinished(damaged, now: t0), atMost: .seconds(30)))
        _ = m.waitFinished(now: t0)
        _ = m.responseHead(Head(status: 200, contentLength: 1_000, etag: etag), now: t0)
        _ = m.bytesReceived(1_000)
        _ = m.transferFinished(.completed, now: t0)
        #expect(
            m.verificationFinished(damaged, now: t0)
                == .fail(.init(reason: .verificationFailed(.wavMissingDataChunk), attempts: 3, retries: 2)))
    }

    @Test("network failures not worth retrying fail at once")
    func permanentNetworkError() {
        var m = machine()
        _ = m.start(now: t0)
        let tls = Machine.NetworkFault(isTransient: false, code: 60, detail: "SSL certificate problem")
        #expect(
            m.transferFinished(.networkError(tls), now: t0) == .fail(.init(reason: .networkError(tls), attempts: 1)))
    }

    @Test("a timeout before any answer retries from zero")
    func timeoutBeforeHead() {
        var m = machine()
        _ = m.start(now: t0)
        #expect(isWait(m.transferFinished(.timedOut, now: t0), atMost: .milliseconds(500)))
        #expect(m.waitFinished(now: t0) == .request(.init(url: m.link.url)))
    }

    @Test("a reset after the last byte goes straight to verification")
    func resetAfterLastByte() {
        var m = machine()
        started(&m, received: 1_000)
        #expect(
            m.transferFinished(.networkError(.init(isTransient: true, detail: "reset")), now: t0)
                == .verify(totalBytes: 1_000, expectedLength: 1_000, etag: etag))
    }

    @Test("416 drops the bytes in hand and starts over")
    func rangeNotSatisfiable() {
        var m = machine()
        started(&m, received: 600)
        _ = m.transferFinished(.timedOut, now: t0)
        _ = m.waitFinished(now: t0)
        _ = m.responseHead(Head(status: 416), now: t0)
        #expect(m.transferFinished(.errorBody([]), now: t0) == .restartFromZero(.init(url: m.link.url)))
    }

    @Test("an error body cut short is judged by its status alone")
    func errorBodyCutShort() {
        var m = machine()
        _ = m.start(now: t0)
        _ = m.responseHead(Head(status: 404), now: t0)
        #expect(m.transferFinished(.timedOut, now: t0) == .fail(.init(reason: .httpStatus(404), attempts: 1)))
    }

    @Test("backoff grows with each consecutive failure and is reproducible from the seed")
    func backoffGrows() {
        func waits(seed: UInt64) -> [Duration] {
            var m = Machine(link: link(), configuration: .init(retry: RetryPolicy(maxAttempts: 8)), jitterSeed: seed)
            var delays: [Duration] = []
            var action = m.start(now: t0)
            for _ in 0..<7 {
                _ = m.responseHead(Head(status: 500), now: t0)
                action = m.transferFinished(.errorBody([]), now: t0)
                guard case .wait(let delay) = action else { break }
                delays.append(delay)
                action = m.waitFinished(now: t0)
            }
            return delays
        }
        let first = waits(seed: 5)
        #expect(first.count == 7)
        for (retry, delay) in first.enumerated() {
            #expect(delay <= RetryPolicy().backoffWindow(forRetry: retry))
        }
        #expect(first == waits(seed: 5))
        #expect(first != waits(seed: 6))
    }

    @Test("events out of order fail loudly instead of crashing")
    func unexpectedEvents() {
        var m = machine()
        #expect(
            m.bytesReceived(1)
                == .fail(.init(reason: .unexpectedEvent(event: "bytesReceived", state: "idle"), attempts: 0)))
        var n = machine()
        _ = n.start(now: t0)
        #expect(
            n.start(now: t0)
                == .fail(.init(reason: .unexpectedEvent(event: "start", state: "awaitingHead"), attempts: 1)))
        var o = machine()
        _ = o.start(now: t0)
        #expect(
            o.transferFinished(.completed, now: t0)
                == .fail(.init(reason: .unexpectedEvent(event: "transferFinished", state: "awaitingHead"), attempts: 1))
        )
    }

    @Test("links and requests never show their signed query or user info")
    func redaction() {
        let secret = Machine.Link(
            url: "HTTPS://user:pw@Bucket.OBS.example.com:8443/a/b.wav?Signature=SECRET#frag", listedAt: t0)
        #expect(secret.redacted == "https://bucket.obs.example.com:8443/a/b.wav")
        #expect("\(secret)" == secret.redacted)
        let request = Machine.Request(url: secret.url, rangeFrom: 5)
        #expect(request.description == "GET https://bucket.obs.example.com:8443/a/b.wav Range: bytes=5-")
        #expect(!ArtifactFailure(reason: .httpStatus(404), attempts: 1).description.contains("Signature"))
    }

    @Test(
        "Content-Range values that are not a satisfied byte range",
        arguments: [
            "bytes 500-499/1000", "bytes 0-1000/1000", "bytes */1000", "items 0-1/2", "bytes -1-5/10", "bytes 0-5",
            "bytes 0-5/", "bytes 0-5/x", "bytes 1-2-3/10", "", "bytes 0-99999999999999999999/*",
        ])
    func badContentRanges(value: String) {
        #expect(Machine.ContentRange(value) == nil)
    }

    @Test("Content-Range fields")
    func contentRangeFields() throws {
        let range = try #require(Machine.ContentRange("  BYTES 100-199/1000 "))
        #expect(range.first == 100 && range.last == 199 && range.length == 100 && range.completeLength == 1_000)
        let open = try #require(Machine.ContentRange("bytes 0-0/*"))
        #expect(open.first == 0 && open.last == 0 && open.length == 1 && open.completeLength == nil)
    }
}
