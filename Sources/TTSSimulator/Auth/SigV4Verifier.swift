import Foundation

/// An S3 endpoint's check of an AWS Signature Version 4 header, written from AWS's documented
/// rules ("Create a signed AWS API request", S3's "Signature Calculations for the Authorization
/// Header"), not from the client's signer. The tests hold the S3 client's wire requests to it;
/// SeaweedFS is the other, real, check.
///
/// - `Authorization: AWS4-HMAC-SHA256 Credential=<AK>/<yyyyMMdd>/<region>/s3/aws4_request,
///   SignedHeaders=<a;b>, Signature=<hex>`;
/// - `SignedHeaders` must cover `host`, `x-amz-date`, `x-amz-content-sha256`, every other
///   `x-amz-*` header sent, and `content-type` and `content-md5` when sent;
/// - `X-Amz-Date` within 15 minutes; `X-Amz-Content-SHA256` the body's hex SHA-256 (or
///   `UNSIGNED-PAYLOAD`);
/// - canonical request: method, the path URI-encoded once (`/` kept), the query pairs encoded
///   and sorted, `name:value` lines with whitespace runs folded, the signed names, the payload
///   hash; the key is HMAC-chained from `AWS4` + secret through date, region, `s3`, `aws4_request`.
public struct SigV4Verifier: Sendable {
    static let algorithm = "AWS4-HMAC-SHA256"

    let secrets: [String: String]
    let maxSkew: TimeInterval

    /// An endpoint that knows these access keys.
    public init(secrets: [String: String], maxSkew: TimeInterval = 900) {
        self.secrets = secrets
        self.maxSkew = maxSkew
    }

    /// Accepts the request (returning its access key) or says why S3 would refuse it.
    public func verify(_ request: GatewayRequest, now: Date) -> GatewayVerdict {
        guard let raw = request.header("Authorization"),
            let auth = AuthorizationHeader(raw, algorithm: Self.algorithm), let credential = auth["Credential"],
            let signed = auth.signedHeaders, let signature = auth["Signature"]
        else {
            return .failure(GatewayRejection(400, "AuthorizationHeaderMalformed", "The authorization header is malformed."))
        }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5, scope[3] == "s3", scope[4] == "aws4_request" else {
            return .failure(GatewayRejection(400, "AuthorizationHeaderMalformed", "The credential scope is not date/region/s3/aws4_request."))
        }
        let checks = GatewayChecks(cloud: "s3", request: request)
        if let missing = checks.missingSignedHeader(
            signed: signed, always: ["host", "x-amz-date", "x-amz-content-sha256"],
            whenSent: ["content-type", "content-md5"], prefixes: ["x-amz-"])
        {
            return .failure(Self.mismatch("\(missing) must be signed and sent"))
        }
        guard let stamp = request.header("X-Amz-Date"), let signedAt = GatewayCrypto.parseTimestamp(stamp, compact: true),
            stamp.hasPrefix(scope[1])
        else {
            return .failure(GatewayRejection(403, "AccessDenied", "X-Amz-Date is missing, malformed or not the credential's day."))
        }
        guard let secret = secrets[scope[0]] else {
            return .failure(GatewayRejection(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."))
        }
        guard GatewayChecks.isFresh(signedAt, now: now, maxSkew: maxSkew) else {
            return .failure(GatewayRejection(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large."))
        }
        guard let payload = request.header("X-Amz-Content-SHA256"),
            payload == "UNSIGNED-PAYLOAD" || payload.lowercased() == GatewayCrypto.sha256Hex(request.body)
        else {
            return .failure(GatewayRejection(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed."))
        }
        let expected = Self.signature(request, signed: signed, stamp: stamp, scope: Array(scope[1...4]), payload: payload, secret: secret)
        guard GatewayCrypto.sameSignature(expected, signature) else {
            return .failure(Self.mismatch("the signature is not the one the request and secret give"))
        }
        return .success(scope[0])
    }

    static func signature(
        _ request: GatewayRequest, signed: [String], stamp: String, scope: [String], payload: String, secret: String
    ) -> String {
        let query = RFC3986.sortedEncodedQuery(request.rawQuery)
        let names = signed.sorted()
        let headerLines = names.map { name in
            let values = request.values(name).map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            return "\(name):\(values.joined(separator: ","))\n"
        }.joined()
        let canonical = [
            request.method, RFC3986.canonicalPath(rawPath: request.rawPath), query, headerLines,
            names.joined(separator: ";"), payload,
        ].joined(separator: "\n")
        let toSign = [
            algorithm, stamp, scope.joined(separator: "/"), GatewayCrypto.sha256Hex(Array(canonical.utf8)),
        ].joined(separator: "\n")
        var key = Array("AWS4\(secret)".utf8)
        for part in scope { key = GatewayCrypto.hmac(key, part) }
        return GatewayCrypto.hex(GatewayCrypto.hmac(key, toSign))
    }

    private static func mismatch(_ why: String) -> GatewayRejection {
        GatewayRejection(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided: \(why).")
    }

}
