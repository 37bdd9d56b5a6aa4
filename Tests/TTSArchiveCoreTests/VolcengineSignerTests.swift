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

    @Test("verify accepts the SDK's request and refuses altered ones", arguments: try SignerVector.load("volcengine"))
    func verifyRoundTrip(_ vector: SignerVector) throws {
        let now = try vector.date
        let body = Array(vector.input.body.utf8)
        func check(
            query: String? = nil, headers: [HTTPHeader]? = nil, body checkedBody: [UInt8]? = nil,
            at time: Date? = nil, secrets: [String: String]? = nil
        ) -> SignatureCheck {
            let table = secrets ?? [vector.input.ak: vector.input.sk]
            return VolcengineSigner.verify(
                method: vector.input.method, rawPath: vector.output.wirePath,
                rawQuery: query ?? vector.output.wireQuery, headers: headers ?? vector.sentHeaders,
                body: checkedBody ?? body, now: time ?? now, secretKey: { table[$0] })
        }
        let ak = vector.input.ak
        #expect(check() == .valid(accessKey: ak))
        #expect(
            check(headers: vector.sentHeaders.map { HTTPHeader($0.name.lowercased(), $0.value) })
                == .valid(accessKey: ak))
        #expect(
            check(
                query: vector.output.wireQuery.replacingOccurrences(
                    of: "Version=2022-01-01", with: "Version=2020-01-01")) == .mismatch)
        #expect(check(query: vector.output.wireQuery + "&Type=9") == .mismatch)
        #expect(check(body: body + [0x20]) == .mismatch)
        #expect(check(secrets: [ak: vector.input.sk + "x"]) == .mismatch)
        #expect(check(at: now.addingTimeInterval(20 * 60)) == .clockSkew)
        #expect(check(at: now.addingTimeInterval(-20 * 60)) == .clockSkew)
        #expect(check(secrets: [:]) == .unknownAccessKey(ak))
        #expect(check(headers: vector.sentHeaders.filter { $0.name != "Authorization" }) == .missing)
        let otherRegion = try #require(vector.input.region) == "cn-beijing" ? "cn-north-1" : "cn-beijing"
        let forged = SignerVector.replacing(
            "Authorization",
            with: vector.output.authorization.replacingOccurrences(
                of: "/\(vector.input.region ?? "")/", with: "/\(otherRegion)/"),
            in: vector.sentHeaders)
        #expect(check(headers: forged) == .mismatch)
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

    @Test("Credential scopes that do not fit are malformed")
    func malformedScope() {
        let headers = [
            HTTPHeader("Host", "h"), HTTPHeader("X-Date", "20250609T104807Z"),
            HTTPHeader(
                "Authorization",
                "HMAC-SHA256 Credential=AK/20250608/cn-beijing/vms/request, SignedHeaders=host;x-date, Signature=00"),
        ]
        let check = VolcengineSigner.verify(
            method: "GET", rawPath: "/", rawQuery: "", headers: headers, body: [],
            now: Date(timeIntervalSince1970: 1_749_466_087), secretKey: { _ in "SK" })
        #expect(check == .malformed("Credential date is not the X-Date day"))
        let short = SignerVector.replacing(
            "Authorization", with: "HMAC-SHA256 Credential=AK/20250609, SignedHeaders=host;x-date, Signature=00",
            in: headers)
        #expect(
            VolcengineSigner.verify(
                method: "GET", rawPath: "/", rawQuery: "", headers: short, body: [],
                now: Date(timeIntervalSince1970: 1_749_466_087), secretKey: { _ in "SK" })
                == .malformed("Credential is not AK/date/region/service/request"))
    }
}
