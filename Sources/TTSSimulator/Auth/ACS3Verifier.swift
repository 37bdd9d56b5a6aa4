import Foundation

/// Alibaba Cloud's gateway check of an `ACS3-HMAC-SHA256` (V3) signature, written from the
/// documented rules ("V3 request body & signature"), not from the client's signer:
///
/// - `Authorization: ACS3-HMAC-SHA256 Credential=<AK>,SignedHeaders=<a;b>,Signature=<hex>`;
/// - `SignedHeaders` must cover `host`, every `x-acs-*` header sent and `content-type` whenever
///   one is sent (a proxy or HTTP library that adds one behind the signer's back is refused);
/// - `x-acs-date` (`yyyy-MM-ddTHH:mm:ssZ`) within the skew window, `x-acs-signature-nonce`
///   never seen before in that window, `x-acs-content-sha256` the hex SHA-256 of the body;
/// - canonical request: method, the URI-encoded path, the query sorted by name with names and
///   values RFC 3986-encoded, `name:trimmed value` lines of the signed headers (repeats sorted
///   and joined with `,`), the signed names, the payload hash; the string to sign is the
///   algorithm and the hex SHA-256 of that; the key is the AccessKey secret.
///
/// Error codes and messages are the ones ICE answers with.
public struct ACS3Verifier: Sendable {
    static let algorithm = "ACS3-HMAC-SHA256"

    let secrets: [String: String]
    let maxSkew: TimeInterval
    let nonces: NonceLedger

    /// A gateway that knows these access keys; nonces are remembered in `nonces`.
    public init(secrets: [String: String], maxSkew: TimeInterval = 900, nonces: NonceLedger) {
        self.secrets = secrets
        self.maxSkew = maxSkew
        self.nonces = nonces
    }

    /// Accepts the request (returning its access key) or says why the cloud would refuse it.
    public func verify(_ request: GatewayRequest, now: Date) -> GatewayVerdict {
        guard let raw = request.header("Authorization") else {
            return .failure(GatewayRejection(400, "MissingAuthorization", "Authorization is mandatory for this action."))
        }
        guard let auth = AuthorizationHeader(raw, algorithm: Self.algorithm), let accessKey = auth["Credential"],
            let signed = auth.signedHeaders, let signature = auth["Signature"]
        else {
            return .failure(GatewayRejection(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards."))
        }
        let checks = GatewayChecks(cloud: "alibaba", request: request)
        if let missing = checks.missingSignedHeader(
            signed: signed, always: ["host", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"],
            whenSent: ["content-type"], prefixes: ["x-acs-"])
        {
            return .failure(Self.mismatch("\(missing) must be signed and sent"))
        }
        guard let stamp = request.header("x-acs-date"), let signedAt = GatewayCrypto.parseTimestamp(stamp, compact: false)
        else {
            return .failure(GatewayRejection(400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted."))
        }
        guard let secret = secrets[accessKey] else {
            return .failure(GatewayRejection(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."))
        }
        guard GatewayChecks.isFresh(signedAt, now: now, maxSkew: maxSkew) else {
            return .failure(GatewayRejection(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."))
        }
        let payloadHash = GatewayCrypto.sha256Hex(request.body)
        guard request.header("x-acs-content-sha256")?.lowercased() == payloadHash else {
            return .failure(Self.mismatch("x-acs-content-sha256 is not the SHA-256 of the body"))
        }
        let expected = Self.signature(request, signed: signed, payloadHash: payloadHash, secret: secret)
        guard GatewayCrypto.sameSignature(expected, signature) else {
            return .failure(Self.mismatch("the signature is not the one the request and secret give"))
        }
        // Only a request whose signature is right spends its nonce: a forged replay must not be
        // able to burn the nonce of a genuine request still on its way.
        guard let nonce = request.header("x-acs-signature-nonce"),
            nonces.claim(nonce, at: now, window: maxSkew)
        else {
            return .failure(GatewayRejection(400, "SignatureNonceUsed", "Specified signature nonce was used already."))
        }
        return .success(accessKey)
    }

    static func signature(_ request: GatewayRequest, signed: [String], payloadHash: String, secret: String) -> String {
        let query = RFC3986.sortedEncodedQuery(request.rawQuery)
        let names = signed.sorted()
        let headerLines = names.map { name in
            let values = request.values(name).map { $0.trimmingCharacters(in: .whitespaces) }.sorted()
            return "\(name):\(values.joined(separator: ","))\n"
        }.joined()
        let canonical = [
            request.method, RFC3986.canonicalPath(rawPath: request.rawPath), query, headerLines,
            names.joined(separator: ";"), payloadHash,
        ].joined(separator: "\n")
        let toSign = algorithm + "\n" + GatewayCrypto.sha256Hex(Array(canonical.utf8))
        return GatewayCrypto.hex(GatewayCrypto.hmac(Array(secret.utf8), toSign))
    }

    private static func mismatch(_ why: String) -> GatewayRejection {
        GatewayRejection(400, "SignatureDoesNotMatch", "Specified signature does not match our calculation: \(why).")
    }

}
