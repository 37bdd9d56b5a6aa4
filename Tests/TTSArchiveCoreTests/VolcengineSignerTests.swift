import Foundation
import Testing

@testable import TTSArchiveCore

@Suite("Volcengine HMAC-SHA256 signer")
struct VolcengineSignerTests {
    @Test("the fixture holds the vectors for both regions") func fixtureLoads() throws {
        let vectors = try SignerVector.load("volcengine")
        #expect(vectors.count >= 13)
        #expect(Set(vectors.compactMap(\.input.region)) == ["cn-north-1", "cn-beijing"])
    }

    @Test("signs byte for byte as the volcengine SDK", arguments: try SignerVector.load("volcengine"))
    func matchesSDK(_ vector: SignerVector) throws {
        let signer = VolcengineSigner(
            accessKey: vector.input.ak, secretKey: vector.input.sk, region: try #require(vector.input.region),
            service: try #require(vector.input.service))
        let result = signer.signWithDetails(vector.request, date: try vector.date)
        #expect(result.canonicalRequest == vector.output.canonicalRequest)
        #expect(result.stringToSign == vector.output.stringToSign)
        #expect(SignerVector.headerSet(result.signed.headers) == SignerVector.headerSet(vector.sentHeaders))
        #expect(SigningHeaders.first("Authorization", in: result.signed.headers) == vector.output.authorization)
        #expect(result.signed.wirePath == vector.output.wirePath)
        #expect(result.signed.wireQuery == vector.output.wireQuery)
    }

    @Test("the region is a setting: cn-beijing and cn-north-1 sign differently")
    func regionMatters() throws {
        let date = try Date("2025-06-09T10:48:07Z", strategy: .iso8601)
        let request = SigningRequest(
            method: "GET", host: "cloud-vms.volcengineapi.com", path: "/",
            query: [
                QueryItem("Action", "QueryUsableResourceV2"), QueryItem("Version", "2022-01-01"),
                QueryItem("Type", "0"),
            ])
        func authorization(_ region: String) -> String? {
            let signer = VolcengineSigner(accessKey: "AK", secretKey: "SK", region: region, service: "vms")
            return SigningHeaders.first("Authorization", in: signer.sign(request, date: date).headers)
        }
        let beijing = try #require(authorization("cn-beijing"))
        #expect(
            beijing.hasPrefix(
                "HMAC-SHA256 Credential=AK/20250609/cn-beijing/vms/request, SignedHeaders=host;x-content-sha256;x-date, Signature="
            ))
        #expect(authorization("cn-north-1") != beijing)
    }
}
