import Foundation
import HTTPTypes

/// A request body read from a region of an open file while it is sent, so an upload of any
/// size costs no memory. The caller keeps `fileDescriptor` open until the transfer ends.
public struct HTTPUploadRegion: Sendable, Hashable {
    public var fileDescriptor: Int32
    public var offset: Int64
    public var length: Int64

    public init(fileDescriptor: Int32, offset: Int64, length: Int64) {
        self.fileDescriptor = fileDescriptor
        self.offset = offset
        self.length = length
    }
}

/// A request for ``HTTPEngine``: everything libcurl needs, as plain Swift values.
public struct HTTPTransferRequest: Sendable {
    public var url: String
    public var method: String
    public var headers: HTTPFields
    public var body: [UInt8]
    /// Instead of `body`: stream the body from a file region (a PUT).
    public var upload: HTTPUploadRegion?
    /// Asks for `Range: bytes=N-` when set.
    public var rangeFrom: Int64?
    /// Refuse a response whose Content-Length exceeds this before any body byte is delivered.
    public var maxBodyBytes: Int64?
    /// Seconds to establish the connection.
    public var connectTimeout: Double
    /// Abort when fewer than `lowSpeedBytes` per second arrive for `lowSpeedSeconds`.
    public var lowSpeedBytes: Int
    public var lowSpeedSeconds: Int
    /// Allow plain `http` (loopback simulator, or an explicit opt-in).
    public var allowHTTP: Bool
    /// For tests against a local server with a self-signed certificate only.
    public var verifyTLS: Bool

    public init(
        url: String, method: String = "GET", headers: HTTPFields = [:], body: [UInt8] = [],
        rangeFrom: Int64? = nil, maxBodyBytes: Int64? = nil, connectTimeout: Double = 15,
        lowSpeedBytes: Int = 1024, lowSpeedSeconds: Int = 60, allowHTTP: Bool = false, verifyTLS: Bool = true
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.rangeFrom = rangeFrom
        self.maxBodyBytes = maxBodyBytes
        self.connectTimeout = connectTimeout
        self.lowSpeedBytes = lowSpeedBytes
        self.lowSpeedSeconds = lowSpeedSeconds
        self.allowHTTP = allowHTTP
        self.verifyTLS = verifyTLS
    }
}

/// The status line and headers of the final response.
public struct HTTPResponseHead: Sendable, Hashable {
    public var status: Int
    /// Names as the server sent them; ``HTTPFields`` compares them case-insensitively.
    public var headers: HTTPFields

    public init(status: Int, headers: HTTPFields) {
        self.status = status
        self.headers = headers
    }

    /// The first value of a header, by case-insensitive name.
    public func value(_ name: String) -> String? {
        HTTPField.Name(name).flatMap { headers[values: $0].first }
    }

    /// `Content-Length`, when present and numeric.
    public var contentLength: Int64? { value("content-length").flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) } }
}

/// What a body sink answers to a chunk: take it all, or take none of it and pause the transfer.
public enum BodyDisposition: Sendable {
    /// The sink took every byte.
    case accepted
    /// The sink took nothing; the transfer pauses until ``HTTPTransfer/resume()`` and the same
    /// bytes are delivered again.
    case pause
    /// Stop the transfer; it finishes with ``HTTPTransportError/Reason/abortedBySink``.
    case abort
}

/// Receives a response as it arrives, on the engine's thread. Implementations must return
/// quickly and never block: hand the bytes to another thread, or answer `.pause`.
public protocol HTTPBodySink: AnyObject, Sendable {
    /// The final response's head, before its first body byte. Return false to abort.
    func receiveHead(_ head: HTTPResponseHead) -> Bool
    /// A chunk of the body. `bytes` is only valid during the call.
    func receive(_ bytes: UnsafeRawBufferPointer) -> BodyDisposition
    /// Called once, before the transfer starts, with a handle to resume it after a pause.
    /// A requirement (not only an extension method) so a sink seen as `any HTTPBodySink` gets
    /// its own implementation: without it a paused transfer is never resumed.
    func attach(_ control: HTTPTransferControl)
}

/// How a transfer ended, when the server answered at all.
public struct HTTPTransferResult: Sendable {
    public var head: HTTPResponseHead
    /// Body bytes the sink accepted.
    public var bodyBytes: Int64
    /// Set when the server answered but the body did not arrive whole (reset, timeout, …).
    public var transportError: HTTPTransportError?
}
