public import Foundation
import TTSNative

extension ArtifactDownloadMachine {
    /// The limits one artifact's download runs under.
    public struct Configuration: Sendable, Hashable {
        /// Backoff, jitter and the attempt budget for transient failures.
        public var retry: RetryPolicy
        /// The largest artifact accepted (`--max-file-size`), checked against `Content-Length`
        /// before a byte is written, and against the bytes themselves when no length is sent.
        public var maxFileSize: Int64
        /// How long before its deadline a link is no longer started with (see
        /// ``LinkExpiry/isUsable(at:forTransferTaking:margin:)``).
        public var expiryMargin: Duration
        /// How long a transfer is expected to take; a link must outlive it plus the margin.
        public var expectedTransferTime: Duration
        /// Re-lists one artifact may ask for; the job-wide budget is the caller's (LinkBook).
        public var maxRelists: Int
        /// Bytes of an error answer's body kept to tell an expired link from other refusals.
        public var errorBodyLimit: Int

        /// A configuration; the defaults match the CLI's.
        public init(
            retry: RetryPolicy = RetryPolicy(), maxFileSize: Int64 = 2 << 30, expiryMargin: Duration = .seconds(60),
            expectedTransferTime: Duration = .zero, maxRelists: Int = 3, errorBodyLimit: Int = 4096
        ) {
            self.retry = retry
            self.maxFileSize = maxFileSize
            self.expiryMargin = expiryMargin
            self.expectedTransferTime = expectedTransferTime
            self.maxRelists = max(0, maxRelists)
            self.errorBodyLimit = max(0, errorBodyLimit)
        }
    }

    /// A signed download link and when it expires. Its description never shows the query.
    public struct Link: Sendable, Hashable, CustomStringConvertible {
        /// The full signed URL, as sent on the wire. Never log it: its query is a credential.
        public var url: String
        /// When the link stops working.
        public var expiry: LinkExpiry

        /// A link whose expiry is known.
        public init(url: String, expiry: LinkExpiry) {
            self.url = url
            self.expiry = expiry
        }

        /// A link listed at `listedAt`, its expiry read from its query (else one hour on).
        public init(url: String, listedAt: Date) {
            self.init(url: url, expiry: LinkExpiry(url: url, listedAt: listedAt))
        }

        /// The link as logs and manifests show it (``Redaction/url(_:)``); two links name the
        /// same object when these agree.
        public var redacted: String { Redaction.url(url) }

        /// The redacted form.
        public var description: String { redacted }
    }

    /// One HTTP GET to send.
    public struct Request: Sendable, Hashable, CustomStringConvertible {
        /// The signed URL.
        public var url: String
        /// When set, send `Range: bytes=<rangeFrom>-`: the sink already holds that many bytes.
        public var rangeFrom: Int64?
        /// When set, send `If-Range: <ifRange>` (a strong ETag), so a changed object comes back
        /// whole (`200`) instead of as a mismatched tail.
        public var ifRange: String?

        /// A request.
        public init(url: String, rangeFrom: Int64? = nil, ifRange: String? = nil) {
            self.url = url
            self.rangeFrom = rangeFrom
            self.ifRange = ifRange
        }

        /// The `Range` header's value, if one is to be sent.
        public var rangeHeader: String? { rangeFrom.map { "bytes=\($0)-" } }

        /// The request without its signed query.
        public var description: String {
            "GET \(Redaction.url(url))" + (rangeHeader.map { " Range: \($0)" } ?? "")
        }
    }

    /// The status line and the headers the machine needs from a final response (redirects
    /// the transport followed are not reported).
    public struct ResponseHead: Sendable, Hashable {
        public var status: Int
        public var contentLength: Int64?
        public var contentRange: String?
        public var etag: String?
        public var retryAfter: String?

        /// A response head.
        public init(
            status: Int, contentLength: Int64? = nil, contentRange: String? = nil, etag: String? = nil,
            retryAfter: String? = nil
        ) {
            self.status = status
            self.contentLength = contentLength
            self.contentRange = contentRange
            self.etag = etag
            self.retryAfter = retryAfter
        }
    }

    /// A transfer that failed below HTTP.
    public struct NetworkFault: Sendable, Hashable, CustomStringConvertible {
        /// True for faults worth retrying: resets, refused or dropped connections, DNS hiccups.
        /// False for TLS verification failures, refused protocols and the like.
        public var isTransient: Bool
        /// The transport's own code (a `CURLcode`), for the record.
        public var code: Int
        /// The transport's message; must not contain the URL's query.
        public var detail: String

        /// A network fault.
        public init(isTransient: Bool, code: Int = 0, detail: String) {
            self.isTransient = isTransient
            self.code = code
            self.detail = detail
        }

        /// The message and code.
        public var description: String { "\(detail) (code \(code))" }
    }

    /// How a transfer ended.
    public enum TransferOutcome: Sendable, Hashable {
        /// The body ended as the transport expected.
        case completed
        /// An error answer's body ended (after ``Action/collectErrorBody(limit:)``); its first bytes.
        case errorBody([UInt8])
        /// The connection failed.
        case networkError(NetworkFault)
        /// A connect or low-speed timeout fired.
        case timedOut
    }

    /// Why a re-list brought no fresh link.
    public enum RelistFailure: Sendable, Hashable, CustomStringConvertible {
        /// The job's re-list budget is spent.
        case budgetSpent
        /// The job, re-listed, no longer offers this artifact (or is no longer SUCCEED).
        case artifactGone
        /// The ShowTtsJob call failed; the caller's error, without credentials.
        case apiError(String)

        /// A phrase naming the failure.
        public var description: String {
            switch self {
            case .budgetSpent: "the job's re-list budget is spent"
            case .artifactGone: "the re-listed job no longer offers this file"
            case .apiError(let message): "re-listing failed: \(message)"
            }
        }
    }

    /// What the engine must do next. Every action is answered by exactly one event, except
    /// ``continueWriting(append:)`` (the transfer goes on) and the final ``succeed(_:)`` and
    /// ``fail(_:)``.
    ///
    /// Answering a response head or a byte count, any action other than `continueWriting` or
    /// `collectErrorBody` means: cancel the transfer in flight, drop its remaining bytes, do not
    /// report its end, then do as the action says.
    public enum Action: Sendable, Hashable {
        /// Send this request; the sink holds exactly `rangeFrom ?? 0` bytes.
        case request(Request)
        /// Let the body flow into the sink. `append == false`: discard whatever the sink holds
        /// first, this body starts at byte zero. Answered by ``bytesReceived(_:)`` calls and then
        /// ``transferFinished(_:now:)``.
        case continueWriting(append: Bool)
        /// Do not write this error answer's body; keep up to `limit` bytes of it and report them
        /// with ``TransferOutcome/errorBody(_:)``.
        case collectErrorBody(limit: Int)
        /// Discard the sink (and cancel any transfer in flight), then send this request.
        case restartFromZero(Request)
        /// Sleep this long, then call ``waitFinished(now:)``.
        case wait(Duration)
        /// Fetch fresh links for the job (ShowTtsJob `job_id=`), then call ``freshLink(_:now:)``
        /// or ``relistFailed(_:)``.
        case relist
        /// All bytes are in: verify them (content checks, length, ETag MD5), then call
        /// ``verificationFinished(_:now:)``.
        case verify(totalBytes: Int64, expectedLength: Int64?, etag: String?)
        /// The artifact is downloaded and verified: commit it.
        case succeed(Success)
        /// The artifact failed for good: record it.
        case fail(ArtifactFailure)
    }

    /// What a successful download took.
    public struct Success: Sendable, Hashable {
        public var totalBytes: Int64
        public var etag: String?
        /// Requests sent in all.
        public var attempts: Int
        /// Requests sent because an earlier one failed or its bytes were refused.
        public var retries: Int
        /// Fresh links asked for.
        public var relists: Int
    }
}
