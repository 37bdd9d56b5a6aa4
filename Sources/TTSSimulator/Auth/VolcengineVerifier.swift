import Foundation

/// Volcengine OpenAPI's check of an `HMAC-SHA256` signature, written from the documented
/// signing rules ("签名方法"), not from the client's signer:
///
/// - `Authorization: HMAC-SHA256 Credential=<AK>/<yyyyMMdd>/<region>/<service>/request,
///   SignedHeaders=<a;b>, Signature=<hex>`, the date being `X-Date`'s day;
/// - `SignedHeaders` must cover `host` and `x-date`, and `content-type`, `x-content-sha256` and
///   `x-security-token` whenever they are sent (`User-Agent` and `Accept` may go unsigned: the
///   official SDK leaves them so);
/// - `X-Date` (`yyyyMMddTHHmmssZ`) within the skew window; `X-Content-Sha256`, when sent, the hex
///   SHA-256 of the body;
/// - canonical request: method, the URI-encoded path, the query sorted by name (a repeated
///   name keeps its wire order) with names and values RFC 3986-encoded, `name:trimmed value` lines
///   of the signed headers (`host` without a default `:80`/`:443`), the signed names, the body's
///   hex SHA-256; the key is HMAC-chained from the secret through date, region, service and
///   `request`.
public struct VolcengineVerifier: Sendable {
    static let algorithm = "HMAC-SHA256"

    let secrets: [String: String]
    let service: String
    let maxSkew: TimeInterval

    /// A gateway for `service` (e.g. `vms`) that knows these access keys.
    public init(secrets: [String: String], service: String, maxSkew: TimeInterval = 900) {
        self.secrets = secrets
        self.service = service
        self.maxSkew = maxSkew
    }

    /// Accepts the request (returning its access key) or says why the cloud would refuse it.
    public func verify(_ request: GatewayRequest, now: Date) -> GatewayVerdict {
        guard let raw = request.header("Authorization") else {
            return .failure(GatewayRejection(401, "MissingAuthenticationToken", "The request has no Authorization header."))
        }
        guard let auth = AuthorizationHeader(raw, algorithm: Self.algorithm), let credential = auth["Credential"],
            let signed = auth.signedHeaders, let signature = auth["Signature"]
        else {
            return .failure(GatewayRejection(400, "InvalidAuthorization", "The Authorization header is malformed."))
        }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5, scope[4] == "request", !scope[0].isEmpty else {
            return .failure(GatewayRejection(400, "InvalidCredential", "The Credential is not AK/date/region/service/request."))
        }
        guard scope[3] == service else {
            return .failure(GatewayRejection(400, "InvalidCredential", "The credential scope must name the service \(service)."))
        }
        let checks = GatewayChecks(cloud: "volcengine", request: request)
        if let missing = checks.missingSignedHeader(
            signed: signed, always: ["host", "x-date"],
            whenSent: ["content-type", "x-content-sha256", "x-security-token"])
        {
            return .failure(Self.mismatch("\(missing) must be signed and sent"))
        }
        guard let stamp = request.header("X-Date"), let signedAt = GatewayCrypto.parseTimestamp(stamp, compact: true),
            stamp.hasPrefix(scope[1])
        else {
            return .failure(GatewayRejection(400, "InvalidTimestamp", "X-Date is missing, malformed or not the credential's day."))
        }
        guard let secret = secrets[scope[0]] else {
            return .failure(GatewayRejection(401, "InvalidAccessKey", "The access key ID provided is not valid."))
        }
        guard GatewayChecks.isFresh(signedAt, now: now, maxSkew: maxSkew) else {
            return .failure(GatewayRejection(401, "SignatureExpired", "The request X-Date is too far from the server's time."))
        }
        let bodyHash = GatewayCrypto.sha256Hex(request.body)
        if let declared = request.header("X-Content-Sha256"), declared.lowercased() != bodyHash {
            return .failure(Self.mismatch("X-Content-Sha256 is not the SHA-256 of the body"))
        }
        let expected = Self.signature(
            request, signed: signed, stamp: stamp, scope: Array(scope[1...3]), bodyHash: bodyHash, secret: secret)
        guard GatewayCrypto.sameSignature(expected, signature) else {
            return .failure(Self.mismatch("the signature is not the one the request and secret give"))
        }
        return .success(scope[0])
    }

    static func signature(
        _ request: GatewayRequest, signed: [String], stamp: String, scope: [String], bodyHash: String, secret: String
    ) -> String {
        var pairs = RFC3986.queryPairs(request.rawQuery).enumerated().map { ($0.offset, $0.element) }
        pairs.sort { $0.1.name != $1.1.name ? RFC3986.precedes($0.1.name, $1.1.name) : $0.0 < $1.0 }
        let query = pairs.map { RFC3986.encode($0.1.name) + "=" + RFC3986.encode($0.1.value) }.joined(separator: "&")
        let names = signed.sorted()
        let headerLines = names.map { name -> String in
            var value = (request.header(name) ?? "").trimmingCharacters(in: .whitespaces)
            if name == "host" {
                for port in [":80", ":443"] where value.hasSuffix(port) { value.removeLast(port.count) }
            }
            return "\(name):\(value)\n"
        }.joined()
        let canonical = [
            request.method, RFC3986.canonicalPath(rawPath: request.rawPath), query, headerLines,
            names.joined(separator: ";"), bodyHash,
        ].joined(separator: "\n")
        let toSign = [
            algorithm, stamp, (scope + ["request"]).joined(separator: "/"),
            GatewayCrypto.sha256Hex(Array(canonical.utf8)),
        ].joined(separator: "\n")
        var key = Array(secret.utf8)
        for part in scope + ["request"] { key = GatewayCrypto.hmac(key, part) }
        return GatewayCrypto.hex(GatewayCrypto.hmac(key, toSign))
    }

    private static func mismatch(_ why: String) -> GatewayRejection {
        GatewayRejection(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided: \(why).")
    }

}
