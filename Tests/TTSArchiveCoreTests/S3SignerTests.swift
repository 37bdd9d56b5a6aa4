import Foundation
import Testing

@testable import TTSArchiveCore

/// One botocore vector from `Tests/Fixtures/signer-vectors/sigv4.json` (scripts/gen_sigv4_vectors.py).
struct SigV4Vector: Decodable, Sendable, CustomTestStringConvertible {
    struct Expected: Decodable, Sendable {
        var xAmzDate: String
        var authorization: String
        enum CodingKeys: String, CodingKey { case xAmzDate = "x-amz-date", authorization }
    }

    var name, region, date, method, scheme, host, wirePath, wireQuery, payloadSha256: String
    var sessionToken: String?
    var inputHeaders: [[String]]
    var expected: Expected
    var testDescription: String { name }

    /// The request as ttsarchive's S3 client builds it: decoded key and query.
    var request: SigningRequest {
        SigningRequest(
            method: method, scheme: scheme, host: host, path: PercentEncoding.unquote(wirePath),
            query: PercentEncoding.parseQuery(wireQuery), headers: inputHeaders.map { HTTPHeader($0[0], $0[1]) })
    }

    static func load() throws -> (accessKey: String, secretKey: String, vectors: [SigV4Vector]) {
        struct File: Decodable { var accessKey, secretKey: String; var vectors: [SigV4Vector] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/signer-vectors/sigv4.json")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let file = try decoder.decode(File.self, from: Data(contentsOf: url))
        return (file.accessKey, file.secretKey, file.vectors)
    }
}

@Suite("S3 Signature V4 signer")
struct S3SignerTests {
    @Test("the fixture covers every S3 call the store makes") func fixtureCovers() throws {
        let names = try SigV4Vector.load().vectors.map(\.name)
        for call in ["head-object", "get-object range", "put-object conditional", "create-multipart", "upload-part",
                     "complete-multipart", "abort-multipart", "list-objects-v2", "delete-object", "session token"] {
            #expect(names.contains { $0.hasPrefix(call) || $0.hasSuffix(call) }, "no vector for \(call)")
        }
    }

    @Test("signs byte for byte as botocore's S3SigV4Auth", arguments: try SigV4Vector.load().vectors)
    func matchesBotocore(_ vector: SigV4Vector) throws {
        let keys = try SigV4Vector.load()
        let signer = S3Signer(accessKey: keys.accessKey, secretKey: keys.secretKey, sessionToken: vector.sessionToken, region: vector.region)
        let signed = signer.sign(vector.request, payloadSHA256: vector.payloadSha256, date: try Date(vector.date, strategy: .iso8601))
        #expect(SigningHeaders.first("Authorization", in: signed.headers) == vector.expected.authorization)
        #expect(SigningHeaders.first("X-Amz-Date", in: signed.headers) == vector.expected.xAmzDate)
        #expect(signed.wirePath == vector.wirePath)
        // Same pairs as botocore put on the wire (its order follows the operation's model, and it
        // writes a valueless sub-resource as `uploads` where we write `uploads=`; S3 reads both
        // alike and both sign as `uploads=`).
        func pairs(_ query: String) -> [String] {
            query.split(separator: "&").map { $0.contains("=") ? String($0) : $0 + "=" }.sorted()
        }
        #expect(pairs(signed.wireQuery) == pairs(vector.wireQuery))
    }

    @Test("a different secret, region, payload or header gives a different signature") func sensitive() throws {
        let keys = try SigV4Vector.load()
        let vector = try #require(keys.vectors.first { $0.name.hasPrefix("put-object conditional") })
        let date = try Date(vector.date, strategy: .iso8601)
        func auth(secret: String = keys.secretKey, region: String? = nil, payload: String? = nil, request: SigningRequest? = nil) -> String? {
            let signer = S3Signer(accessKey: keys.accessKey, secretKey: secret, region: region ?? vector.region)
            return SigningHeaders.first("Authorization", in: signer.sign(request ?? vector.request, payloadSHA256: payload ?? vector.payloadSha256, date: date).headers)
        }
        let good = auth()
        #expect(good == vector.expected.authorization)
        #expect(auth(secret: keys.secretKey + "x") != good)
        #expect(auth(region: "eu-west-1") != good)
        #expect(auth(payload: String(repeating: "0", count: 64)) != good)
        var changed = vector.request
        changed.headers[0].value = "\"etag\""
        #expect(auth(request: changed) != good)
        // User-Agent is never signed: changing it changes nothing.
        var agent = vector.request
        agent.headers = agent.headers.filter { $0.name != "User-Agent" } + [HTTPHeader("User-Agent", "ttsarchive/1")]
        #expect(auth(request: agent) == good)
    }
}
