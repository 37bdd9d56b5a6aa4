import Foundation

/// AWS Signature Version 4 for S3-compatible object storage (AWS S3, Huawei OBS's S3 API,
/// MinIO, Ceph, SeaweedFS), byte for byte as botocore's `S3SigV4Auth` signs a boto3 call.
///
/// Why our own signer and not `CURLOPT_AWS_SIGV4`: curl 7.88 (Debian 12) hashes only an
/// in-memory POST body and offers no way to sign a payload hash we computed while spooling,
/// to add `x-amz-security-token`, or to check its output against botocore's vectors. The
/// requests still go through libcurl; only the `Authorization` header is ours.
///
/// What botocore does, and so what this does:
/// - the canonical URI is the path as it goes on the wire: each key byte that is not
///   unreserved (`A–Z a–z 0–9 - _ . ~`) or `/` is `%XX` (S3 is never double-encoded);
/// - the canonical query sorts the encoded `name=value` pairs; values encode `/` and `+` too;
/// - every header is signed except hop-by-hop ones and `User-Agent`; names lower-case, values
///   with runs of whitespace folded to one space, sorted by name;
/// - `x-amz-content-sha256` carries the payload's hex SHA-256 (always a real hash here:
///   ttsarchive knows every body's digest before it sends it);
/// - the key is HMAC-chained from `AWS4` + secret through date, region, `s3`, `aws4_request`.
public struct S3Signer: Sendable {
    static let algorithm = "AWS4-HMAC-SHA256"
    /// Headers botocore never signs (`SIGNED_HEADERS_BLACKLIST`).
    static let unsigned: Set<String> = [
        "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    private let accessKey: String
    private let secretKey: String
    private let sessionToken: String?
    /// The signing region (`us-east-1` for most self-hosted stores).
    public let region: String
    private let service = "s3"

    /// A signer for one key pair (and optional STS session token) and one region.
    public init(accessKey: String, secretKey: String, sessionToken: String? = nil, region: String) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.sessionToken = sessionToken
        self.region = region
    }

    /// The encoding of a key or query value on the wire and in the canonical request.
    public static func encode(_ text: String, keepSlash: Bool) -> String {
        PercentEncoding.quote(text, safe: keepSlash ? "/" : "")
    }

    /// Signs `request` (its `path` decoded, its `body` ignored in favour of `payloadSHA256`):
    /// returns every header to send and the wire path and query.
    public func sign(_ request: SigningRequest, payloadSHA256: String, date: Date) -> SignedRequest {
        signWithDetails(request, payloadSHA256: payloadSHA256, date: date).signed
    }

    /// ``sign(_:payloadSHA256:date:)`` plus the canonical request and string to sign, for tests.
    func signWithDetails(_ request: SigningRequest, payloadSHA256: String, date: Date)
        -> (signed: SignedRequest, canonicalRequest: String, stringToSign: String)
    {
        let stamp = Timestamp.compact(date)
        var headers = request.headers.filter {
            !["authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"].contains($0.name.lowercased())
        }
        if SigningHeaders.first("Host", in: headers) == nil { headers.append(HTTPHeader("Host", request.host)) }
        headers.append(HTTPHeader("X-Amz-Date", stamp))
        headers.append(HTTPHeader("X-Amz-Content-SHA256", payloadSHA256))
        if let sessionToken { headers.append(HTTPHeader("X-Amz-Security-Token", sessionToken)) }

        var byName: [String: [String]] = [:]
        for header in headers where !Self.unsigned.contains(header.name.lowercased()) {
            byName[header.name.lowercased(), default: []].append(Self.foldWhitespace(header.value))
        }
        let names = byName.keys.sorted(by: PercentEncoding.codePointLess)
        let canonicalHeaders = names.map { "\($0):\(byName[$0]!.joined(separator: ","))\n" }.joined()
        let signedNames = names.joined(separator: ";")

        let wirePath = Self.encode(request.path.isEmpty ? "/" : request.path, keepSlash: true)
        let encoded = request.query.map { (Self.encode($0.name, keepSlash: false), Self.encode($0.value, keepSlash: false)) }
        // botocore sorts (name, value) pairs, not the joined strings: `a` before `a-b`.
        let canonicalQuery = encoded.sorted {
            $0.0 != $1.0 ? PercentEncoding.codePointLess($0.0, $1.0) : PercentEncoding.codePointLess($0.1, $1.1)
        }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let pairs = encoded.map { "\($0.0)=\($0.1)" }
        let canonical = [request.method, wirePath, canonicalQuery, canonicalHeaders, signedNames, payloadSHA256]
            .joined(separator: "\n")
        let scope = "\(stamp.prefix(8))/\(region)/\(service)/aws4_request"
        let toSign = [Self.algorithm, stamp, scope, SigningCrypto.sha256Hex(canonical)].joined(separator: "\n")
        var key = Array("AWS4\(secretKey)".utf8)
        for part in [String(stamp.prefix(8)), region, service, "aws4_request"] {
            key = SigningCrypto.hmacSHA256(key: key, part)
        }
        let signature = SigningCrypto.hex(SigningCrypto.hmacSHA256(key: key, toSign))
        headers.append(HTTPHeader(
            "Authorization",
            "\(Self.algorithm) Credential=\(accessKey)/\(scope), SignedHeaders=\(signedNames), Signature=\(signature)"))
        return (SignedRequest(headers: headers, wireQuery: pairs.joined(separator: "&"), wirePath: wirePath), canonical, toSign)
    }

    /// Python's `' '.join(value.split())`: trims and folds runs of whitespace into one space.
    static func foldWhitespace(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }
}
