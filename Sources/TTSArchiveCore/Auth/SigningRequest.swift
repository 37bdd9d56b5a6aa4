import Foundation
import HTTPTypes

/// One query parameter, decoded (no percent-escapes). Order and repeats are preserved.
public struct QueryItem: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// One HTTP header as it will be sent. Names compare case-insensitively wherever it matters.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// An HTTP request as a request signer sees it, before it goes on the wire.
///
/// Signers (Huawei SDK-HMAC-SHA256, Alibaba ACS3-HMAC-SHA256, Volcengine HMAC-SHA256) take one
/// of these and return a ``SignedRequest``; the simulator rebuilds one from what it received to
/// check a signature.
public struct SigningRequest: Sendable, Hashable {
    /// `GET`, `POST`, … in upper case.
    public var method: String
    /// `https` or `http`.
    public var scheme: String
    /// The `Host` header's value: host, and `:port` when it is not the scheme's default.
    public var host: String
    /// The decoded path, starting with `/`.
    public var path: String
    /// The decoded query parameters, in the caller's order.
    public var query: [QueryItem]
    /// Headers the caller wants sent (and, per the signer's rules, signed).
    public var headers: [HTTPHeader]
    /// The request body; empty for a GET.
    public var body: [UInt8]

    public init(
        method: String, scheme: String = "https", host: String, path: String,
        query: [QueryItem] = [], headers: [HTTPHeader] = [], body: [UInt8] = []
    ) {
        self.method = method
        self.scheme = scheme
        self.host = host
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

/// What a signer produced: every header to send and the exact query string for the wire.
public struct SignedRequest: Sendable, Hashable {
    /// All headers to send, the signer's own (Authorization, dates, hashes) included.
    public var headers: [HTTPHeader]
    /// The query string exactly as it must be sent (without the leading `?`); may be empty.
    public var wireQuery: String
    /// The path exactly as it must be sent (percent-encoded as the signer encoded it).
    public var wirePath: String

    public init(headers: [HTTPHeader], wireQuery: String, wirePath: String) {
        self.headers = headers
        self.wireQuery = wireQuery
        self.wirePath = wirePath
    }

    /// The headers for the transport. Signers keep their own ordered list of raw pairs
    /// because they must sign exactly the bytes the vendors' SDKs sign, before any
    /// normalisation; ``HTTPFields`` legalises values as it takes them, so the list becomes
    /// fields only here, once signed. `Host` is left to curl, which writes it from the URL.
    public var fields: HTTPFields {
        HTTPFields(headers.compactMap { header in
            guard header.name.lowercased() != "host", let name = HTTPField.Name(header.name) else { return nil }
            return HTTPField(name: name, value: header.value)
        })
    }

    /// The full URL to send, built from the request's scheme and host.
    public func url(for request: SigningRequest) -> String {
        request.scheme + "://" + request.host + wirePath + (wireQuery.isEmpty ? "" : "?" + wireQuery)
    }
}
