import Foundation
import Testing

@testable import TTSArchiveCore

@Suite("Alibaba ACS3-HMAC-SHA256 signer")
struct AlibabaSignerTests {
    @Test("the fixture holds the vectors") func fixtureLoads() throws {
        let vectors = try SignerVector.load("alibaba")
        #expect(vectors.count >= 7)
        #expect(vectors.contains { $0.name == "list_customized_voice_jobs_basic" })
    }

    @Test("signs byte for byte as alibabacloud-tea-openapi", arguments: try SignerVector.load("alibaba"))
    func matchesSDK(_ vector: SignerVector) throws {
        let signer = AlibabaSigner(
            accessKeyId: vector.input.ak, accessKeySecret: vector.input.sk,
            securityToken: vector.input.securityToken)
        let result = signer.signWithDetails(
            vector.request, action: try #require(vector.input.action), version: try #require(vector.input.version),
            date: try vector.date, nonce: try #require(vector.input.nonce))
        #expect(result.canonicalRequest == vector.output.canonicalRequest)
        #expect(result.stringToSign == vector.output.stringToSign)
        #expect(SignerVector.headerSet(result.signed.headers) == SignerVector.headerSet(vector.sentHeaders))
        #expect(SigningHeaders.first("Authorization", in: result.signed.headers) == vector.output.authorization)
        #expect(result.signed.wirePath == vector.output.wirePath)
        #expect(result.signed.wireQuery == vector.output.wireQuery)
    }

    @Test("a ListCustomizedVoiceJobs call our signer makes carries the STS token and ACS3's comma form")
    func ownRequestVerifies() throws {
        let date = try Date("2025-06-09T10:48:07Z", strategy: .iso8601)
        let request = SigningRequest(
            method: "POST", host: "ice.cn-shanghai.aliyuncs.com", path: "/",
            query: [QueryItem("PageNo", "1"), QueryItem("PageSize", "100"), QueryItem("Type", "Basic")])
        let signer = AlibabaSigner(accessKeyId: "AKTESTEXAMPLE0000002", accessKeySecret: "secret", securityToken: "tok")
        let signed = signer.sign(
            request, action: "ListCustomizedVoiceJobs", version: "2020-11-09", date: date, nonce: "n-1")
        #expect(signed.wireQuery == "PageNo=1&PageSize=100&Type=Basic")
        #expect(SigningHeaders.first("x-acs-security-token", in: signed.headers) == "tok")
        let authorization = try #require(SigningHeaders.first("Authorization", in: signed.headers))
        #expect(authorization.hasPrefix("ACS3-HMAC-SHA256 Credential=AKTESTEXAMPLE0000002,SignedHeaders="))
        #expect(!authorization.contains(", "))
    }

    @Test("a repeated query name keeps its last value, as the SDK's dict does")
    func repeatedNameLastWins() throws {
        let date = try Date("2025-06-09T10:48:07Z", strategy: .iso8601)
        let signer = AlibabaSigner(accessKeyId: "AK", accessKeySecret: "S")
        let repeated = SigningRequest(
            method: "POST", host: "h", path: "/",
            query: [QueryItem("A", "1"), QueryItem("B", "x"), QueryItem("A", "2")])
        let single = SigningRequest(
            method: "POST", host: "h", path: "/", query: [QueryItem("A", "2"), QueryItem("B", "x")])
        let a = signer.sign(repeated, action: "X", version: "1", date: date, nonce: "n")
        let b = signer.sign(single, action: "X", version: "1", date: date, nonce: "n")
        #expect(a == b)
        #expect(a.wireQuery == "A=2&B=x")
    }
}
