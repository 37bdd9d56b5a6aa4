import Foundation
import Testing

@testable import TTSArchiveCore

/// One request signed by an official SDK, as `scripts/gen_signer_vectors.py` recorded it.
struct SignerVector: Decodable, Sendable, CustomTestStringConvertible {
    struct Input: Decodable, Sendable {
        var method, scheme, host, path: String
        var query: [[String]]
        var headers: [[String]]
        var body: String
        var ak, sk, date: String
        var nonce, securityToken, action, version, region, service: String?
    }

    struct Output: Decodable, Sendable {
        var headers: [[String]]
        var authorization, canonicalRequest, stringToSign, wirePath, wireQuery: String
    }

    var name: String
    var description: String
    var input: Input
    var output: Output

    var testDescription: String { name }

    var request: SigningRequest {
        SigningRequest(
            method: input.method, scheme: input.scheme, host: input.host, path: input.path,
            query: input.query.map { QueryItem($0[0], $0[1]) },
            headers: input.headers.map { HTTPHeader($0[0], $0[1]) }, body: Array(input.body.utf8))
    }

    var date: Date {
        get throws { try Date(input.date, strategy: .iso8601) }
    }

    /// The headers the SDK sent, as a server receives them.
    var sentHeaders: [HTTPHeader] { output.headers.map { HTTPHeader($0[0], $0[1]) } }

    /// Loads `Tests/Fixtures/signer-vectors/<cloud>.json`.
    static func load(_ cloud: String) throws -> [SignerVector] {
        struct File: Decodable { var vectors: [SignerVector] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/signer-vectors/\(cloud).json")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(File.self, from: Data(contentsOf: url)).vectors
    }

    /// Headers as a sorted multiset of exact (name, value) pairs: order on the wire is free.
    static func headerSet(_ headers: [HTTPHeader]) -> [String] {
        headers.map { $0.name + ": " + $0.value }.sorted()
    }

    /// Replaces the header `name` (any case) with `value`.
    static func replacing(_ name: String, with value: String, in headers: [HTTPHeader]) -> [HTTPHeader] {
        headers.map { $0.name.lowercased() == name.lowercased() ? HTTPHeader($0.name, value) : $0 }
    }
}

@Suite("Huawei SDK-HMAC-SHA256 signer")
struct HuaweiSignerTests {
    @Test("the fixture holds the vectors") func fixtureLoads() throws {
        #expect(try SignerVector.load("huawei").count >= 10)
    }

    @Test("signs byte for byte as huaweicloudsdkcore", arguments: try SignerVector.load("huawei"))
    func matchesSDK(_ vector: SignerVector) throws {
        let signer = HuaweiSigner(accessKey: vector.input.ak, secretKey: vector.input.sk)
        let result = signer.signWithDetails(vector.request, date: try vector.date)
        #expect(result.canonicalRequest == vector.output.canonicalRequest)
        #expect(result.stringToSign == vector.output.stringToSign)
        #expect(SignerVector.headerSet(result.signed.headers) == SignerVector.headerSet(vector.sentHeaders))
        #expect(SigningHeaders.first("Authorization", in: result.signed.headers) == vector.output.authorization)
        #expect(result.signed.wirePath == vector.output.wirePath)
        #expect(result.signed.wireQuery == vector.output.wireQuery)
    }

    @Test("a request our signer makes carries the SDK's date, content type and wire query")
    func ownRequestVerifies() throws {
        let date = try Date("2025-06-09T10:48:07Z", strategy: .iso8601)
        let request = SigningRequest(
            method: "GET", host: "127.0.0.1:8080", path: "/v1/p1/ttsc/tts-jobs",
            query: [QueryItem("create_since", "2025-06-09T00:00:00Z"), QueryItem("q", "a+b c/语")],
            headers: [HTTPHeader("X-Project-Id", "p1")])
        let signed = HuaweiSigner(accessKey: "AKTESTEXAMPLE0000001", secretKey: "sk-1").sign(request, date: date)
        #expect(SigningHeaders.first("X-Sdk-Date", in: signed.headers) == "20250609T104807Z")
        #expect(SigningHeaders.first("Content-Type", in: signed.headers) == "application/json")
        #expect(signed.wireQuery == "create_since=2025-06-09T00%3A00%3A00Z&q=a%2Bb%20c%2F%E8%AF%AD")
    }
}

@Suite("Signing primitives")
struct SigningPrimitiveTests {
    @Test("HMAC-SHA256 matches RFC 4231 test case 2")
    func hmacRFC4231() {
        let mac = SigningCrypto.hmacSHA256(key: Array("Jefe".utf8), "what do ya want for nothing?")
        #expect(SigningCrypto.hex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("timestamps format in UTC, fractions dropped")
    func timestamps() throws {
        let date = Date(timeIntervalSince1970: 1_749_466_087.9)
        #expect(Timestamp.compact(date) == "20250609T104807Z")
        #expect(Timestamp.format(date) == "2025-06-09T10:48:07Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_709_251_199)) == "2024-02-29T23:59:59Z")
    }

    @Test("percent-encoding follows Python's quote, quote_plus and parse_qsl")
    func percentEncoding() {
        #expect(PercentEncoding.quote("a b+c/~*语", safe: "~") == "a%20b%2Bc%2F~%2A%E8%AF%AD")
        #expect(PercentEncoding.quotePlus("a b+c") == "a+b%2Bc")
        #expect(PercentEncoding.unquote("100%zz%41+", plusAsSpace: true) == "100%zzA ")
        #expect(
            PercentEncoding.parseQuery("a=1&&b&c=x%3Dy&a=") == [
                QueryItem("a", "1"), QueryItem("b", ""), QueryItem("c", "x=y"), QueryItem("a", ""),
            ])
        #expect(PercentEncoding.codePointLess("Z", "a") && PercentEncoding.codePointLess("ab", "abc"))
        #expect(SigningHeaders.pythonStrip("\u{1F} v \u{3000}") == "v")
    }
}
