import Foundation
import Testing
import TTSArchiveCore
import TTSSimulator

/// The simulator's gateway verifiers against the requests the official SDKs sent (the committed
/// vectors, scripts/gen_signer_vectors.py and gen_sigv4_vectors.py). The signers are held to the
/// same vectors in TTSArchiveCoreTests, so a signer and a verifier can agree only by both
/// matching the SDKs. Then each verifier refuses what its cloud refuses.
@Suite("Gateway verifiers")
struct GatewayVerifierTests {
    /// One SDK request as it went on the wire, with the secret and time it was signed with.
    struct WireVector {
        var name: String
        var request: GatewayRequest
        var accessKey: String
        var secret: String
        var signedAt: Date
    }

    static func json(_ cloud: String) throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/signer-vectors/\(cloud).json")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text) ?? .distantPast }

    static func headers(_ pairs: Any?) -> [HTTPHeader] {
        ((pairs as? [[String]]) ?? []).map { HTTPHeader($0[0], $0[1]) }
    }

    /// Huawei, Alibaba and Volcengine vectors: the wire headers the HTTP library sent, with the
    /// `Host` the connection would carry when the library leaves it to the socket layer.
    static func vectors(_ cloud: String) throws -> [WireVector] {
        let vectors = try #require(try json(cloud)["vectors"] as? [[String: Any]])
        return try vectors.map { vector in
            let input = try #require(vector["input"] as? [String: Any])
            let output = try #require(vector["output"] as? [String: Any])
            var headers = Self.headers(output["wire_headers"])
            if !headers.contains(where: { $0.name.lowercased() == "host" }), let host = input["host"] as? String {
                headers.append(HTTPHeader("Host", host))
            }
            let request = GatewayRequest(
                method: input["method"] as? String ?? "", rawPath: output["wire_path"] as? String ?? "",
                rawQuery: output["wire_query"] as? String ?? "", headers: headers,
                body: Array((input["body"] as? String ?? "").utf8))
            return WireVector(
                name: vector["name"] as? String ?? "?", request: request, accessKey: input["ak"] as? String ?? "",
                secret: input["sk"] as? String ?? "", signedAt: date(input["date"] as? String ?? ""))
        }
    }

    static func sigv4Vectors() throws -> [WireVector] {
        let document = try json("sigv4")
        let vectors = try #require(document["vectors"] as? [[String: Any]])
        return vectors.map { vector in
            var headers = Self.headers(vector["wire_headers"])
            headers.append(HTTPHeader("Host", vector["host"] as? String ?? ""))
            let body = Data(base64Encoded: vector["body_b64"] as? String ?? "").map { Array($0) } ?? []
            return WireVector(
                name: vector["name"] as? String ?? "?",
                request: GatewayRequest(
                    method: vector["method"] as? String ?? "", rawPath: vector["wire_path"] as? String ?? "",
                    rawQuery: vector["wire_query"] as? String ?? "", headers: headers, body: body),
                accessKey: document["access_key"] as? String ?? "", secret: document["secret_key"] as? String ?? "",
                signedAt: date(vector["date"] as? String ?? ""))
        }
    }

    // MARK: - Every SDK request is accepted

    @Test("Huawei APIG accepts every huaweicloudsdkcore request")
    func huaweiAcceptsSDK() throws {
        let vectors = try Self.vectors("huawei")
        #expect(vectors.contains { $0.name == "post_empty_body_content_type" })
        for vector in vectors {
            let verdict = HuaweiAPIGVerifier(secrets: [vector.accessKey: vector.secret]).verify(vector.request, now: vector.signedAt)
            #expect(try verdict.get() == vector.accessKey, "\(vector.name): \(verdict)")
        }
    }

    @Test("Alibaba ACS3 accepts every alibabacloud-tea-openapi request")
    func alibabaAcceptsSDK() throws {
        let vectors = try Self.vectors("alibaba")
        #expect(vectors.contains { $0.name == "post_empty_body_content_type" })
        for vector in vectors {
            let gateway = ACS3Verifier(secrets: [vector.accessKey: vector.secret], nonces: NonceLedger())
            let verdict = gateway.verify(vector.request, now: vector.signedAt)
            #expect(try verdict.get() == vector.accessKey, "\(vector.name): \(verdict)")
        }
    }

    @Test("Volcengine accepts every volcengine SDK request")
    func volcengineAcceptsSDK() throws {
        let vectors = try Self.vectors("volcengine")
        #expect(vectors.contains { $0.name == "post_empty_body_content_type" })
        for vector in vectors {
            let service = vector.request.header("Authorization")?.split(separator: "/").dropFirst(3).first.map(String.init) ?? ""
            let gateway = VolcengineVerifier(secrets: [vector.accessKey: vector.secret], service: service)
            let verdict = gateway.verify(vector.request, now: vector.signedAt)
            #expect(try verdict.get() == vector.accessKey, "\(vector.name): \(verdict)")
        }
    }

    @Test("S3 SigV4 accepts every botocore request")
    func s3AcceptsSDK() throws {
        let vectors = try Self.sigv4Vectors()
        #expect(vectors.contains { $0.name.hasPrefix("post empty body content-type") })
        for vector in vectors {
            let verdict = SigV4Verifier(secrets: [vector.accessKey: vector.secret]).verify(vector.request, now: vector.signedAt)
            #expect(try verdict.get() == vector.accessKey, "\(vector.name): \(verdict)")
        }
    }

    // MARK: - What the clouds refuse

    /// Each cloud's verifier for one vector, with a fresh nonce ledger.
    static func verifiers() throws -> [(cloud: String, vectors: [WireVector], verify: (WireVector, String, Date) -> GatewayVerdict)] {
        [
            ("huawei", try vectors("huawei"), { v, secret, now in
                HuaweiAPIGVerifier(secrets: [v.accessKey: secret]).verify(v.request, now: now) }),
            ("alibaba", try vectors("alibaba"), { v, secret, now in
                ACS3Verifier(secrets: [v.accessKey: secret], nonces: NonceLedger()).verify(v.request, now: now) }),
            ("volcengine", try vectors("volcengine"), { v, secret, now in
                let service = v.request.header("Authorization")?.split(separator: "/").dropFirst(3).first.map(String.init) ?? ""
                return VolcengineVerifier(secrets: [v.accessKey: secret], service: service).verify(v.request, now: now) }),
            ("s3", try sigv4Vectors(), { v, secret, now in
                SigV4Verifier(secrets: [v.accessKey: secret]).verify(v.request, now: now) }),
        ]
    }

    @Test("every SDK request altered in its query, secret, time or Authorization is refused")
    func alteredVectorsRefused() throws {
        for (cloud, vectors, verify) in try Self.verifiers() {
            for vector in vectors {
                let label = "\(cloud) \(vector.name)"
                var query = vector
                query.request.rawQuery += query.request.rawQuery.isEmpty ? "Extra=1" : "&Extra=1"
                #expect(Self.rejection(verify(query, vector.secret, vector.signedAt)) != nil, "\(label): query")
                #expect(Self.rejection(verify(vector, vector.secret + "x", vector.signedAt)) != nil, "\(label): secret")
                #expect(Self.rejection(verify(vector, vector.secret, vector.signedAt + 20 * 60)) != nil, "\(label): +20 min")
                #expect(Self.rejection(verify(vector, vector.secret, vector.signedAt - 20 * 60)) != nil, "\(label): -20 min")
                var unsigned = vector
                unsigned.request.headers.removeAll { $0.name.lowercased() == "authorization" }
                #expect(Self.rejection(verify(unsigned, vector.secret, vector.signedAt)) != nil, "\(label): no Authorization")
                var lowered = vector
                lowered.request.headers = lowered.request.headers.map { HTTPHeader($0.name.lowercased(), $0.value) }
                #expect((try? verify(lowered, vector.secret, vector.signedAt).get()) == vector.accessKey, "\(label): header case")
            }
        }
    }

    static func alibabaBasic() throws -> WireVector {
        try #require(try vectors("alibaba").first { $0.name == "list_customized_voice_jobs_basic" })
    }

    static func rejection(_ verdict: GatewayVerdict) -> GatewayRejection? {
        if case .failure(let rejection) = verdict { return rejection }
        return nil
    }

    @Test("ACS3: an unsigned content-type is refused (what libcurl's default header caused)")
    func acs3UnsignedContentType() throws {
        var vector = try Self.alibabaBasic()
        vector.request.headers.append(HTTPHeader("Content-Type", "application/x-www-form-urlencoded"))
        let verdict = ACS3Verifier(secrets: [vector.accessKey: vector.secret], nonces: NonceLedger()).verify(vector.request, now: vector.signedAt)
        let refused = try #require(Self.rejection(verdict))
        #expect(refused.status == 400 && refused.code == "SignatureDoesNotMatch")
        #expect(refused.message.contains("content-type must be signed"))
    }

    @Test("ACS3: an unsigned x-acs-* header is refused")
    func acs3UnsignedACSHeader() throws {
        var vector = try Self.alibabaBasic()
        vector.request.headers.append(HTTPHeader("x-acs-resourcegroupid", "rg-1"))
        let refused = try #require(Self.rejection(
            ACS3Verifier(secrets: [vector.accessKey: vector.secret], nonces: NonceLedger()).verify(vector.request, now: vector.signedAt)))
        #expect(refused.code == "SignatureDoesNotMatch" && refused.message.contains("x-acs-resourcegroupid"))
    }

    @Test("ACS3: a stale x-acs-date is refused")
    func acs3StaleDate() throws {
        let vector = try Self.alibabaBasic()
        let gateway = ACS3Verifier(secrets: [vector.accessKey: vector.secret], nonces: NonceLedger())
        let refused = try #require(Self.rejection(gateway.verify(vector.request, now: vector.signedAt + 16 * 60)))
        #expect(refused.code == "InvalidTimeStamp.Expired")
        #expect((try? gateway.verify(vector.request, now: vector.signedAt + 14 * 60).get()) != nil, "inside the window")
    }

    @Test("ACS3: a reused signature nonce is refused")
    func acs3ReusedNonce() throws {
        let vector = try Self.alibabaBasic()
        let gateway = ACS3Verifier(secrets: [vector.accessKey: vector.secret], nonces: NonceLedger())
        #expect((try? gateway.verify(vector.request, now: vector.signedAt).get()) == vector.accessKey)
        let refused = try #require(Self.rejection(gateway.verify(vector.request, now: vector.signedAt + 1)))
        #expect(refused.code == "SignatureNonceUsed")
    }

    @Test("ACS3: a changed query or body is refused")
    func acs3Tampered() throws {
        var vector = try Self.alibabaBasic()
        vector.request.rawQuery = vector.request.rawQuery.replacingOccurrences(of: "PageSize=100", with: "PageSize=99")
        let refused = try #require(Self.rejection(
            ACS3Verifier(secrets: [vector.accessKey: vector.secret], nonces: NonceLedger()).verify(vector.request, now: vector.signedAt)))
        #expect(refused.code == "SignatureDoesNotMatch")
        var bodied = try Self.alibabaBasic()
        bodied.request.body = Array("x".utf8)
        #expect(Self.rejection(
            ACS3Verifier(secrets: [bodied.accessKey: bodied.secret], nonces: NonceLedger()).verify(bodied.request, now: bodied.signedAt))?.code
            == "SignatureDoesNotMatch")
    }

    @Test("Huawei: unsigned Content-Type or X-Project-Id, a stale X-Sdk-Date, a wrong secret are refused")
    func huaweiRefusals() throws {
        let base = try #require(try Self.vectors("huawei").first { $0.name == "show_tts_job" })
        let gateway = HuaweiAPIGVerifier(secrets: [base.accessKey: base.secret])
        for (name, value) in [("Content-Type", "text/plain"), ("X-Project-Id", "another")] {
            var vector = base
            vector.request.headers.removeAll { $0.name.lowercased() == name.lowercased() }
            vector.request.headers.append(HTTPHeader(name, value))
            let signedList = vector.request.header("Authorization") ?? ""
            vector.request.headers.removeAll { $0.name == "Authorization" }
            vector.request.headers.append(HTTPHeader(
                "Authorization", signedList.replacingOccurrences(of: name.lowercased() + ";", with: "")))
            let refused = try #require(Self.rejection(gateway.verify(vector.request, now: vector.signedAt)), "\(name)")
            #expect(refused.code == "APIG.0301" && refused.status == 401)
            #expect(refused.message.contains(name.lowercased()), "\(refused.message)")
        }
        #expect(Self.rejection(gateway.verify(base.request, now: base.signedAt - 16 * 60))?.message.contains("X-Sdk-Date") == true)
        #expect(Self.rejection(HuaweiAPIGVerifier(secrets: [base.accessKey: "wrong"]).verify(base.request, now: base.signedAt)) != nil)
    }

    @Test("Volcengine: an unsigned Content-Type, a stale X-Date, another service are refused")
    func volcengineRefusals() throws {
        let base = try #require(try Self.vectors("volcengine").first { $0.name == "query_usable_resource_v2_type0_cn-north-1" })
        let gateway = VolcengineVerifier(secrets: [base.accessKey: base.secret], service: "vms")
        var typed = base
        typed.request.headers.append(HTTPHeader("Content-Type", "application/json"))
        #expect(Self.rejection(gateway.verify(typed.request, now: base.signedAt))?.code == "SignatureDoesNotMatch")
        #expect(Self.rejection(gateway.verify(base.request, now: base.signedAt + 16 * 60))?.code == "SignatureExpired")
        let other = VolcengineVerifier(secrets: [base.accessKey: base.secret], service: "iam")
        #expect(Self.rejection(other.verify(base.request, now: base.signedAt))?.code == "InvalidCredential")
        // A credential scope signed for another region or day no longer matches.
        for (from, to) in [("/cn-north-1/", "/cn-beijing/"), ("/20250609/", "/20250608/")] {
            var forged = base
            let authorization = forged.request.header("Authorization") ?? ""
            forged.request.headers.removeAll { $0.name == "Authorization" }
            forged.request.headers.append(HTTPHeader("Authorization", authorization.replacingOccurrences(of: from, with: to)))
            #expect(Self.rejection(gateway.verify(forged.request, now: base.signedAt)) != nil, "\(to)")
        }
    }

    @Test("S3: an unsigned x-amz-* header, a body not matching its hash, a stale date are refused")
    func s3Refusals() throws {
        let base = try #require(try Self.sigv4Vectors().first { $0.name.hasPrefix("put-object conditional") })
        let gateway = SigV4Verifier(secrets: [base.accessKey: base.secret])
        var extra = base
        extra.request.headers.append(HTTPHeader("x-amz-meta-added", "1"))
        #expect(Self.rejection(gateway.verify(extra.request, now: base.signedAt))?.code == "SignatureDoesNotMatch")
        var body = base
        body.request.body = Array("changed".utf8)
        #expect(Self.rejection(gateway.verify(body.request, now: base.signedAt))?.code == "XAmzContentSHA256Mismatch")
        #expect(Self.rejection(gateway.verify(base.request, now: base.signedAt + 16 * 60))?.code == "RequestTimeTooSkewed")
    }
}
