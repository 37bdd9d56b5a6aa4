import Foundation

/// Huawei Cloud API Gateway's check of an `SDK-HMAC-SHA256` (AK/SK) signature, written from
/// APIG's documented signing rules ("AK/SK Signing and Authentication Algorithm"), not from the
/// client's signer:
///
/// - `Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b>, Signature=<hex>`;
/// - `SignedHeaders` must cover `host` and `x-sdk-date`, and every header the request's meaning
///   depends on when it is sent: `content-type`, `x-project-id`, `x-sdk-content-sha256`;
/// - `X-Sdk-Date` (`yyyyMMddTHHmmssZ`) within the skew window (15 minutes at APIG);
/// - canonical request: method, the URI-encoded path that always ends in `/`, the query pairs
///   sorted by name then value and RFC 3986-encoded, `name:trimmed value` lines of the signed
///   headers, the signed names, and the hex SHA-256 of the body (of nothing for an empty body;
///   `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` stands in for a body that is not empty); the
///   string to sign is the algorithm, the `X-Sdk-Date` value and the canonical request's hash;
///   the key is the secret key itself.
public struct HuaweiAPIGVerifier: Sendable {
    static let algorithm = "SDK-HMAC-SHA256"

    let secrets: [String: String]
    let maxSkew: TimeInterval

    /// A gateway that knows these access keys.
    public init(secrets: [String: String], maxSkew: TimeInterval = 900) {
        self.secrets = secrets
        self.maxSkew = maxSkew
    }

    /// Accepts the request (returning its access key) or says why APIG would refuse it.
    public func verify(_ request: GatewayRequest, now: Date) -> GatewayVerdict {
        guard let raw = request.header("Authorization") else {
            return .failure(Self.reject("no X-Auth-Token and no Authorization header"))
        }
        guard let auth = AuthorizationHeader(raw, algorithm: Self.algorithm), let accessKey = auth["Access"],
            let signed = auth.signedHeaders, let signature = auth["Signature"]
        else {
            return .failure(Self.reject("the Authorization header is not SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…"))
        }
        let checks = GatewayChecks(cloud: "huawei", request: request)
        if let missing = checks.missingSignedHeader(
            signed: signed, always: ["host", "x-sdk-date"],
            whenSent: ["content-type", "x-project-id", "x-sdk-content-sha256"])
        {
            return .failure(Self.reject("the header \(missing) must be signed and sent"))
        }
        guard let stamp = request.header("X-Sdk-Date"), let signedAt = GatewayCrypto.parseTimestamp(stamp, compact: true)
        else {
            return .failure(Self.reject("X-Sdk-Date is missing or not yyyyMMddTHHmmssZ"))
        }
        guard let secret = secrets[accessKey] else { return .failure(Self.reject("the access key is not known")) }
        guard GatewayChecks.isFresh(signedAt, now: now, maxSkew: maxSkew) else {
            return .failure(Self.reject("X-Sdk-Date is too far from the server's clock"))
        }
        let expected = Self.signature(request, signed: signed, stamp: stamp, secret: secret)
        guard GatewayCrypto.sameSignature(expected, signature) else {
            return .failure(Self.reject("verify aksk signature fail"))
        }
        return .success(accessKey)
    }

    static func signature(_ request: GatewayRequest, signed: [String], stamp: String, secret: String) -> String {
        var path = RFC3986.canonicalPath(rawPath: request.rawPath)
        if !path.hasSuffix("/") { path += "/" }
        let query = RFC3986.queryPairs(request.rawQuery)
            .sorted { $0.name != $1.name ? RFC3986.precedes($0.name, $1.name) : RFC3986.precedes($0.value, $1.value) }
            .map { RFC3986.encode($0.name) + "=" + RFC3986.encode($0.value) }.joined(separator: "&")
        let headerLines = signed.map { "\($0):\((request.header($0) ?? "").trimmingCharacters(in: .whitespaces))\n" }.joined()
        let payload: String
        if request.body.isEmpty {
            payload = GatewayCrypto.sha256Hex([])
        } else if let declared = request.header("X-Sdk-Content-Sha256"), !declared.isEmpty {
            payload = declared
        } else {
            payload = GatewayCrypto.sha256Hex(request.body)
        }
        let canonical = [request.method.uppercased(), path, query, headerLines, signed.joined(separator: ";"), payload]
            .joined(separator: "\n")
        let toSign = [algorithm, stamp, GatewayCrypto.sha256Hex(Array(canonical.utf8))].joined(separator: "\n")
        return GatewayCrypto.hex(GatewayCrypto.hmac(Array(secret.utf8), toSign))
    }

    /// APIG answers every AK/SK failure with `APIG.0301` and a 401; the text says which check.
    private static func reject(_ why: String) -> GatewayRejection {
        GatewayRejection(401, "APIG.0301", "Incorrect IAM authentication information: \(why)")
    }
}
