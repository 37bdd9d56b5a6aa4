import Foundation
import TTSArchiveCore

/// A request exactly as a cloud's API gateway received it: the raw path and query as they were
/// on the wire, every header in arrival order (names in any case) and the body.
///
/// The gateway verifiers in this folder read only this; they never call the client's signers, so
/// a mistake in a signer cannot be mirrored by the check that is meant to catch it.
public struct GatewayRequest: Sendable {
    public var method: String
    /// The path as sent, still percent-encoded.
    public var rawPath: String
    /// The query as sent (without `?`), still percent-encoded.
    public var rawQuery: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]

    public init(method: String, rawPath: String, rawQuery: String, headers: [HTTPHeader], body: [UInt8]) {
        self.method = method
        self.rawPath = rawPath
        self.rawQuery = rawQuery
        self.headers = headers
        self.body = body
    }

    /// Every value of a header, names compared case-insensitively.
    public func values(_ name: String) -> [String] {
        headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    /// The first value of a header, or nil when it was not sent.
    public func header(_ name: String) -> String? { values(name).first }

    /// The lower-cased names of every header sent.
    var headerNames: Set<String> { Set(headers.map { $0.name.lowercased() }) }
}

/// Why a gateway refused a request, as the cloud would say it: the HTTP status, the cloud's own
/// error code and a message that names what is wrong (never a secret or a signature).
public struct GatewayRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String

    public init(_ status: Int, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "HTTP \(status) \(code): \(message)" }
}

/// A gateway's verdict: the access key whose signature checked out, or the refusal.
public typealias GatewayVerdict = Result<String, GatewayRejection>
