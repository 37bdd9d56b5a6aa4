public import Foundation

/// Volcengine `HMAC-SHA256` (V4-style) request signing, byte for byte as the `volcengine`
/// Python SDK's `SignerV4.sign` (1.0.x) signs a `Service.get`/`post`/`json` call.
///
/// What the SDK does, and so what this does:
/// - `X-Date` (`YYYYMMDDTHHMMSSZ`) and `X-Content-Sha256` (hex SHA-256 of the body, of nothing
///   for a GET) are always sent; a non-GET without `Content-Type` gets
///   `application/x-www-form-urlencoded; charset=utf-8`;
/// - signed are the headers spelt exactly `Content-Type`, `Content-Md5`, `Host`, or starting
///   with `X-` (the SDK's test is case-sensitive, so pass names in that spelling); values are
///   not trimmed; a `Host` ending in `:80` or `:443` is signed without the port;
/// - the canonical URI is the path percent-encoded with `/` kept (a trailing slash matters);
///   the canonical query sorts names and, within a repeated name, keeps the caller's order;
/// - the key is derived from the SK through date → region → service → `request`; the
///   credential scope is `date/region/service/request`;
/// - the wire query is `urlencode(…, doseq=True)` in the order names first appear (space `+`).
///
/// The region is a setting: the VMS API page signs for `cn-beijing`, the SDK's VMS service
/// defaults to `cn-north-1`. The SDK's `Accept` and `User-Agent` are the caller's to pass.
public struct VolcengineSigner: Sendable {
    static let algorithm = "HMAC-SHA256"

    private let accessKey: String
    private let secretKey: String
    private let region: String
    private let service: String

    /// A signer for one AK/SK pair and one credential scope (`service` is `vms` for VMS).
    public init(accessKey: String, secretKey: String, region: String, service: String) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.region = region
        self.service = service
    }

    /// Adds `Host` (unless given), `Content-Type` on a bodied method without one, `X-Date`,
    /// `X-Content-Sha256` and `Authorization`; returns every header with the wire path and query.
    public func sign(_ request: SigningRequest, date: Date) -> SignedRequest {
        signWithDetails(request, date: date).signed
    }

    /// ``sign(_:date:)`` plus the intermediate strings, for tests against the SDK's vectors.
    func signWithDetails(_ request: SigningRequest, date: Date)
        -> (signed: SignedRequest, canonicalRequest: String, stringToSign: String)
    {
        let path = request.path.isEmpty ? "/" : request.path
        var headers = SigningHeaders.merged(request.headers)
        if SigningHeaders.first("Host", in: headers) == nil {
            headers.append(HTTPHeader("Host", request.host))
        }
        if request.method != "GET" && SigningHeaders.first("Content-Type", in: headers) == nil {
            headers.append(HTTPHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"))
        }
        let stamp = Timestamp.compact(date)
        SigningHeaders.set("X-Date", stamp, in: &headers)
        let bodyHash = SigningCrypto.sha256Hex(request.body)
        SigningHeaders.set("X-Content-Sha256", bodyHash, in: &headers)

        let signed = Self.signedHeaders(headers)
        let grouped = Self.grouped(request.query)
        let canonical = Self.canonicalRequest(
            method: request.method, path: path, grouped: grouped, signed: signed, bodyHash: bodyHash)
        let scope = [String(stamp.prefix(8)), region, service]
        let toSign = Self.stringToSign(canonical: canonical, stamp: stamp, scope: scope)
        let signature = Self.signature(toSign, secretKey: secretKey, scope: scope)
        headers.append(
            HTTPHeader(
                "Authorization",
                "\(Self.algorithm) Credential=\(accessKey)/\(Self.credentialScope(scope)), SignedHeaders=\(signed.map(\.name).joined(separator: ";")), Signature=\(signature)"
            ))
        let wireQuery = grouped.flatMap { name, values in
            values.map { PercentEncoding.quotePlus(name) + "=" + PercentEncoding.quotePlus($0) }
        }.joined(separator: "&")
        // `requests` re-quotes the SDK's raw path, leaving RFC 3986 sub-delimiters literal.
        let wirePath = PercentEncoding.quote(path, safe: "/!$&'()*+,;=:@")
        return (SignedRequest(headers: headers, wireQuery: wireQuery, wirePath: wirePath), canonical, toSign)
    }

    // MARK: - The SDK's canonical forms

    /// The signed headers as `(lower-cased name, value)`, sorted by name.
    static func signedHeaders(_ headers: [HTTPHeader]) -> [HTTPHeader] {
        var byName: [String: String] = [:]
        for header in headers
        where ["Content-Type", "Content-Md5", "Host"].contains(header.name) || header.name.hasPrefix("X-") {
            let name = header.name.lowercased()
            byName[name] = name == "host" ? signedHost(header.value) : header.value
        }
        return byName.keys.sorted(by: PercentEncoding.codePointLess).map { HTTPHeader($0, byName[$0] ?? "") }
    }

    /// The SDK drops a default port (`:80`, `:443`) from the signed host, whatever the scheme.
    static func signedHost(_ host: String) -> String {
        let parts = host.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count > 1, parts[1] == "80" || parts[1] == "443" else { return host }
        return String(parts[0])
    }

    /// The query as the SDK's dict of lists: names in first-appearance order, values in order.
    static func grouped(_ query: [QueryItem]) -> [(name: String, values: [String])] {
        var out: [(name: String, values: [String])] = []
        for item in query {
            if let index = out.firstIndex(where: { $0.name.unicodeScalars.elementsEqual(item.name.unicodeScalars) }) {
                out[index].values.append(item.value)
            } else {
                out.append((item.name, [item.value]))
            }
        }
        return out
    }

    static func canonicalRequest(
        method: String, path: String, grouped: [(name: String, values: [String])], signed: [HTTPHeader],
        bodyHash: String
    ) -> String {
        let query = grouped.sorted { PercentEncoding.codePointLess($0.name, $1.name) }
            .flatMap { entry in
                entry.values.map { PercentEncoding.quote(entry.name) + "=" + PercentEncoding.quote($0) }
            }
            .joined(separator: "&")
        let headerLines = signed.map { $0.name + ":" + $0.value + "\n" }.joined()
        return [
            method, PercentEncoding.quote(path, safe: "/"), query, headerLines,
            signed.map(\.name).joined(separator: ";"), bodyHash,
        ].joined(separator: "\n")
    }

    /// `date/region/service/request`.
    static func credentialScope(_ scope: [String]) -> String {
        (scope + ["request"]).joined(separator: "/")
    }

    static func stringToSign(canonical: String, stamp: String, scope: [String]) -> String {
        [algorithm, stamp, credentialScope(scope), SigningCrypto.sha256Hex(canonical)]
            .joined(separator: "\n")
    }

    /// HMAC over the string to sign with the key derived date → region → service → `request`.
    static func signature(_ stringToSign: String, secretKey: String, scope: [String]) -> String {
        var key = Array(secretKey.utf8)
        for part in scope + ["request"] { key = SigningCrypto.hmacSHA256(key: key, part) }
        return SigningCrypto.hex(SigningCrypto.hmacSHA256(key: key, stringToSign))
    }
}
