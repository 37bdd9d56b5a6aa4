public import Foundation

/// Huawei Cloud `SDK-HMAC-SHA256` request signing, byte for byte as `huaweicloudsdkcore`'s
/// `Signer` (Python SDK 3.1.x) signs.
/// (The gateway's side is checked by the simulator's own verifier, written apart from this.)
///
/// What the SDK does, and so what this does:
/// - every header whose name has no `_` is signed, names lower-cased and sorted, values
///   trimmed (and sent trimmed);
/// - `Content-Type: application/json` is added when absent, as the SDK client does even on a
///   GET; any other content type adds `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`, which then
///   stands in for the body hash;
/// - the canonical URI is each decoded path segment percent-encoded (`~` kept) and always
///   ends in `/`; the wire path is the same without the forced slash;
/// - the canonical query is the pairs sorted by name then value, each percent-encoded
///   (space `%20`, `+` `%2B`), and the SDK sends exactly that string as the wire query;
/// - the HMAC key is the secret key itself; the string to sign is the algorithm, the
///   `X-Sdk-Date` value and the hex SHA-256 of the canonical request.
///
/// The SDK's own `X-Project-Id` and `User-Agent` headers are the caller's to pass.
public struct HuaweiSigner: Sendable {
    static let algorithm = "SDK-HMAC-SHA256"
    static let emptyBodyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    private let accessKey: String
    private let secretKey: String

    /// A signer for one AK/SK pair. The secret key is never printed or put in an error.
    public init(accessKey: String, secretKey: String) {
        self.accessKey = accessKey
        self.secretKey = secretKey
    }

    /// Adds `X-Sdk-Date`, `Content-Type: application/json` if absent (as the SDK does), `Host`
    /// if absent, and `Authorization`; returns every header to send with the wire path and query.
    public func sign(_ request: SigningRequest, date: Date) -> SignedRequest {
        signWithDetails(request, date: date).signed
    }

    /// ``sign(_:date:)`` plus the intermediate strings, for tests against the SDK's vectors.
    func signWithDetails(_ request: SigningRequest, date: Date)
        -> (signed: SignedRequest, canonicalRequest: String, stringToSign: String)
    {
        var headers = SigningHeaders.merged(request.headers).map {
            HTTPHeader($0.name, SigningHeaders.pythonStrip($0.value))
        }
        if SigningHeaders.first("Content-Type", in: headers) == nil {
            headers.append(HTTPHeader("Content-Type", "application/json"))
        }
        let contentType = SigningHeaders.first("Content-Type", in: headers) ?? ""
        if !contentType.hasPrefix("application/json") && !contentType.hasPrefix("application/bson") {
            SigningHeaders.set("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD", in: &headers)
        }
        let stamp = Timestamp.compact(date)
        SigningHeaders.set("X-Sdk-Date", stamp, in: &headers)
        if SigningHeaders.first("Host", in: headers) == nil {
            headers.append(HTTPHeader("Host", request.host))
        }

        let signedNames = Self.signedHeaderNames(headers)
        let canonical = Self.canonicalRequest(
            method: request.method, decodedPath: request.path, query: request.query,
            headers: headers, signedNames: signedNames, body: request.body)
        let toSign = Self.stringToSign(canonical: canonical, stamp: stamp)
        let signature = Self.signature(toSign, secretKey: secretKey)
        headers.append(
            HTTPHeader(
                "Authorization",
                "\(Self.algorithm) Access=\(accessKey), SignedHeaders=\(signedNames.joined(separator: ";")), Signature=\(signature)"
            ))
        let signed = SignedRequest(
            headers: headers, wireQuery: Self.canonicalQuery(request.query),
            wirePath: Self.encodedPath(request.path))
        return (signed, canonical, toSign)
    }

    // MARK: - The SDK's canonical forms

    /// Names of the headers to sign: all without `_`, lower-cased and sorted.
    static func signedHeaderNames(_ headers: [HTTPHeader]) -> [String] {
        Array(Set(headers.map { $0.name.lowercased() }.filter { !$0.contains("_") }))
            .sorted(by: PercentEncoding.codePointLess)
    }

    static func canonicalRequest(
        method: String, decodedPath: String, query: [QueryItem], headers: [HTTPHeader],
        signedNames: [String], body: [UInt8]
    ) -> String {
        var canonicalHeaders = ""
        for name in signedNames {
            canonicalHeaders += name + ":" + (SigningHeaders.first(name, in: headers) ?? "") + "\n"
        }
        return [
            method.uppercased(), canonicalURI(decodedPath), canonicalQuery(query), canonicalHeaders,
            signedNames.joined(separator: ";"), payloadHash(body: body, headers: headers),
        ].joined(separator: "\n")
    }

    static func stringToSign(canonical: String, stamp: String) -> String {
        algorithm + "\n" + stamp + "\n" + SigningCrypto.sha256Hex(canonical)
    }

    static func signature(_ stringToSign: String, secretKey: String) -> String {
        SigningCrypto.hex(SigningCrypto.hmacSHA256(key: Array(secretKey.utf8), stringToSign))
    }

    /// An empty body always hashes as empty; otherwise `X-Sdk-Content-Sha256` (e.g.
    /// `UNSIGNED-PAYLOAD`) wins over the body's own hash.
    static func payloadHash(body: [UInt8], headers: [HTTPHeader]) -> String {
        if body.isEmpty { return emptyBodyHash }
        if let declared = SigningHeaders.first("X-Sdk-Content-Sha256", in: headers), !declared.isEmpty {
            return declared
        }
        return SigningCrypto.sha256Hex(body)
    }

    /// The wire path: each decoded segment percent-encoded (`~` kept), a trailing slash kept.
    /// Also what token-authenticated requests send, so both kinds reach the same URL.
    static func encodedPath(_ decodedPath: String) -> String {
        let path = decodedPath.isEmpty ? "/" : decodedPath
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { PercentEncoding.quote(String($0), safe: "~") }
            .joined(separator: "/")
    }

    /// ``encodedPath(_:)`` with the `/` the SDK always ends the canonical URI with.
    static func canonicalURI(_ decodedPath: String) -> String {
        let encoded = encodedPath(decodedPath)
        return encoded.hasSuffix("/") ? encoded : encoded + "/"
    }

    /// The canonical query, which the SDK also sends as the wire query: pairs sorted by name
    /// then value, both percent-encoded (space `%20`, `+` `%2B`).
    static func canonicalQuery(_ query: [QueryItem]) -> String {
        // Python sorts the (name, value) tuples: by name, then by value, code point by code point.
        query.sorted { a, b in
            if PercentEncoding.codePointLess(a.name, b.name) { return true }
            if PercentEncoding.codePointLess(b.name, a.name) { return false }
            return PercentEncoding.codePointLess(a.value, b.value)
        }
        .map { PercentEncoding.quote($0.name, safe: "~") + "=" + PercentEncoding.quote($0.value, safe: "~") }
        .joined(separator: "&")
    }
}
