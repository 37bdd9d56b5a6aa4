public import Foundation

/// Alibaba Cloud `ACS3-HMAC-SHA256` request signing, byte for byte as `alibabacloud-tea-openapi`
/// (0.4.x, the generator of `alibabacloud_ice20201109`) signs an RPC-style call such as ICE
/// `ListCustomizedVoiceJobs`.
///
/// The SDK sends that call as `POST /` with the parameters in the query string and no body;
/// `Action` and `Version` travel as `x-acs-action` / `x-acs-version` headers, not as query
/// parameters. It no longer sends the old HMAC-SHA1 RPC signature unless told to (`v2`).
///
/// What the SDK does, and so what this does:
/// - every header sent is signed: names lower-cased and sorted, values trimmed, repeats of a
///   name joined with `,` after sorting;
/// - the canonical query sorts the names, leaves each name as it is (not encoded) and
///   percent-encodes each value (`~` kept, space `%20`); the query is a dictionary, so a
///   repeated name keeps its last value (the SDK spells lists as `Tag.1`, `Tag.2`, …);
/// - the canonical URI is the path as given (`/` for RPC); the body hash is the hex SHA-256 of
///   the body (of nothing for ICE) and is sent as `x-acs-content-sha256`;
/// - the wire query is `urlencode` of the parameters in the caller's order (space `+`);
/// - `Authorization` parts are separated by `,` without spaces.
///
/// The SDK's `user-agent` and `x-acs-credentials-provider` headers are the caller's to pass.
public struct AlibabaSigner: Sendable {
    static let algorithm = "ACS3-HMAC-SHA256"

    private let accessKeyId: String
    private let accessKeySecret: String
    private let securityToken: String?

    /// A signer for one access key; `securityToken` for STS credentials. Secrets are never
    /// printed or put in an error.
    public init(accessKeyId: String, accessKeySecret: String, securityToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.accessKeySecret = accessKeySecret
        self.securityToken = securityToken
    }

    /// Signs an RPC-style call: adds `host` (unless given), `x-acs-version`, `x-acs-action`,
    /// `x-acs-date`, `x-acs-signature-nonce`, `accept: application/json` (unless given),
    /// `x-acs-content-sha256`, the STS headers when there is a token, and `Authorization`.
    public func sign(
        _ request: SigningRequest, action: String, version: String, date: Date, nonce: String
    ) -> SignedRequest {
        signWithDetails(request, action: action, version: version, date: date, nonce: nonce).signed
    }

    /// ``sign(_:action:version:date:nonce:)`` plus the intermediate strings, for tests.
    func signWithDetails(
        _ request: SigningRequest, action: String, version: String, date: Date, nonce: String
    ) -> (signed: SignedRequest, canonicalRequest: String, stringToSign: String) {
        // The SDK's defaults first, then the caller's headers over them (a dict merge), then
        // the values the signature depends on, which the caller cannot override.
        var headers = [
            HTTPHeader("host", request.host), HTTPHeader("x-acs-version", version),
            HTTPHeader("x-acs-action", action), HTTPHeader("accept", "application/json"),
        ]
        for header in request.headers { SigningHeaders.set(header.name, header.value, in: &headers) }
        SigningHeaders.set("x-acs-version", version, in: &headers)
        SigningHeaders.set("x-acs-action", action, in: &headers)
        SigningHeaders.set("x-acs-date", Timestamp.format(date), in: &headers)
        SigningHeaders.set("x-acs-signature-nonce", nonce, in: &headers)
        let payloadHash = SigningCrypto.sha256Hex(request.body)
        SigningHeaders.set("x-acs-content-sha256", payloadHash, in: &headers)
        if let securityToken, !securityToken.isEmpty {
            SigningHeaders.set("x-acs-accesskey-id", accessKeyId, in: &headers)
            SigningHeaders.set("x-acs-security-token", securityToken, in: &headers)
        }

        let query = Self.dictionary(request.query)
        let (canonicalHeaders, signedNames) = Self.canonicalHeaders(headers)
        let canonical = Self.canonicalRequest(
            method: request.method, path: request.path, query: query,
            canonicalHeaders: canonicalHeaders, signedNames: signedNames, payloadHash: payloadHash)
        let toSign = Self.stringToSign(canonical)
        let signature = Self.signature(toSign, secret: accessKeySecret)
        headers.append(
            HTTPHeader(
                "Authorization",
                "\(Self.algorithm) Credential=\(accessKeyId),SignedHeaders=\(signedNames),Signature=\(signature)"))
        let wireQuery = query.map { PercentEncoding.quotePlus($0.name) + "=" + PercentEncoding.quotePlus($0.value) }
            .joined(separator: "&")
        let wirePath = PercentEncoding.quote(request.path.isEmpty ? "/" : request.path, safe: "/~")
        return (SignedRequest(headers: headers, wireQuery: wireQuery, wirePath: wirePath), canonical, toSign)
    }

    // MARK: - The SDK's canonical forms

    /// The query as the SDK's dict holds it: one entry per name at its first position, the
    /// last value winning.
    static func dictionary(_ query: [QueryItem]) -> [QueryItem] {
        var out: [QueryItem] = []
        for item in query {
            if let index = out.firstIndex(where: { $0.name.unicodeScalars.elementsEqual(item.name.unicodeScalars) }) {
                out[index].value = item.value
            } else {
                out.append(item)
            }
        }
        return out
    }

    /// `get_canonicalized_headers`: every header, names lower-cased and sorted, values trimmed
    /// and (for a repeated name) sorted and joined with `,`.
    static func canonicalHeaders(_ headers: [HTTPHeader]) -> (text: String, signedNames: String) {
        var grouped: [String: [String]] = [:]
        for header in headers {
            grouped[header.name.lowercased(), default: []].append(SigningHeaders.pythonStrip(header.value))
        }
        let names = grouped.keys.sorted(by: PercentEncoding.codePointLess)
        let text = names.map { name in
            name + ":" + (grouped[name] ?? []).sorted(by: PercentEncoding.codePointLess).joined(separator: ",") + "\n"
        }.joined()
        return (text, names.joined(separator: ";"))
    }

    static func canonicalRequest(
        method: String, path: String, query: [QueryItem], canonicalHeaders: String,
        signedNames: String, payloadHash: String
    ) -> String {
        let canonicalQuery = query.sorted { PercentEncoding.codePointLess($0.name, $1.name) }
            .map { $0.name + "=" + PercentEncoding.quote($0.value, safe: "~") }
            .joined(separator: "&")
        return [
            method, path.isEmpty ? "/" : path, canonicalQuery, canonicalHeaders, signedNames, payloadHash,
        ].joined(separator: "\n")
    }

    static func stringToSign(_ canonical: String) -> String {
        algorithm + "\n" + SigningCrypto.sha256Hex(canonical)
    }

    static func signature(_ stringToSign: String, secret: String) -> String {
        SigningCrypto.hex(SigningCrypto.hmacSHA256(key: Array(secret.utf8), stringToSign))
    }
}
