import Crypto
import Foundation
import Logging
import Testing
import TTSNative
import TTSSimulator
@testable import TTSArchiveCore

/// What libcurl puts on the socket is what was signed: each client's requests are captured byte
/// for byte on a loopback socket and held to the independent gateway verifiers, and every header
/// on the wire must be one the cloud's SDK would sign, or one it too sends unsigned.
@Suite("Signed requests on the wire")
struct WireCaptureTests {
    static func transport(_ engine: HTTPEngine) -> APITransport {
        APITransport(engine: engine, policy: RetryPolicy(maxAttempts: 1, baseDelay: .milliseconds(1)), logger: Logger(label: "wire"))
    }

    /// Headers a cloud accepts unsigned: framing (`Content-Length`), and those its own SDK sends
    /// unsigned (Volcengine's `User-Agent`/`Accept`, botocore's `User-Agent`).
    static func unsignedOnWire(_ request: WireCapture.Captured, allowed: Set<String>) -> [String] {
        guard let authorization = request.headers.first(where: { $0.name.lowercased() == "authorization" })?.value,
            let list = authorization.components(separatedBy: "SignedHeaders=").last?.prefix(while: { $0 != "," })
        else { return ["authorization"] }
        let signed = Set(list.split(separator: ";").map { $0.lowercased() })
        return request.headers.map { $0.name.lowercased() }
            .filter { $0 != "authorization" && !signed.contains($0) && !allowed.contains($0) }
    }

    @Test("Huawei SDK-HMAC-SHA256: MetaStudio listing as sent")
    func huawei() async throws {
        let capture = try WireCapture { _ in (200, [("Content-Type", "application/json")], Array(#"{"count":0,"tts_jobs":[]}"#.utf8)) }
        defer { capture.stop() }
        let engine = HTTPEngine()
        let client = MetaStudioClient(
            endpoint: try Endpoint(capture.url), projectID: "0123456789abcdef0123456789abcdef",
            credentials: .accessKey(id: "AKWIRE0001", secret: "SKWIRE0001"), transport: Self.transport(engine))
        _ = try? await client.listJobs(TtsJobQuery(limit: 100, offset: 0, jobID: "job a+b/c~语音"))
        let request = try #require(capture.requests.first)
        let verdict = HuaweiAPIGVerifier(secrets: ["AKWIRE0001": "SKWIRE0001"]).verify(request.gateway, now: Date())
        #expect(try verdict.get() == "AKWIRE0001", "\(verdict)")
        #expect(Self.unsignedOnWire(request, allowed: ["content-length"]) == [])
        #expect(!request.headers.contains { $0.name.lowercased() == "accept" }, "curl's Accept: */* went out unsigned")
    }

    @Test("Alibaba ACS3: ICE ListCustomizedVoiceJobs (POST, empty body) as sent")
    func alibaba() async throws {
        let body = #"{"RequestId":"R","Data":{"CustomizedVoiceJobList":[],"TotalCount":0},"Success":true}"#
        let capture = try WireCapture { _ in (200, [("Content-Type", "application/json")], Array(body.utf8)) }
        defer { capture.stop() }
        let engine = HTTPEngine()
        let client = AlibabaICEClient(
            endpoint: try Endpoint(capture.url), region: "cn-shanghai",
            credentials: AlibabaCredentials(accessKeyID: "LTAIWIRE", accessKeySecret: "wire-secret", securityToken: "sts-token"),
            transport: Self.transport(engine), pageSize: 50)
        _ = try? await client.listInventory()
        let requests = capture.requests
        #expect(requests.count >= 2, "one page per type")
        let gateway = ACS3Verifier(secrets: ["LTAIWIRE": "wire-secret"], nonces: NonceLedger())
        for request in requests {
            #expect(request.method == "POST")
            let verdict = gateway.verify(request.gateway, now: Date())
            #expect(try verdict.get() == "LTAIWIRE", "\(verdict)")
            // The failure seen against Alibaba's own verifier: curl's form Content-Type, unsigned.
            #expect(Self.unsignedOnWire(request, allowed: ["content-length"]) == [])
            #expect(!request.headers.contains { $0.name.lowercased() == "content-type" })
        }
    }

    @Test("Volcengine HMAC-SHA256: VMS QueryUsableResourceV2 as sent")
    func volcengine() async throws {
        let body = #"{"ResponseMetadata":{"RequestId":"R"},"Result":{"Records":[]}}"#
        let capture = try WireCapture { _ in (200, [("Content-Type", "application/json")], Array(body.utf8)) }
        defer { capture.stop() }
        let engine = HTTPEngine()
        let client = VolcengineVMSClient(
            endpoint: try Endpoint(capture.url), region: "cn-north-1",
            credentials: VolcengineCredentials(accessKey: "AKLTWIRE", secretKey: "volc-secret"), transport: Self.transport(engine))
        _ = try? await client.listInventory()
        let requests = capture.requests
        #expect(requests.count == 3, "one call per resource type")
        for request in requests {
            let verdict = VolcengineVerifier(secrets: ["AKLTWIRE": "volc-secret"], service: "vms").verify(request.gateway, now: Date())
            #expect(try verdict.get() == "AKLTWIRE", "\(verdict)")
            // The SDK signs only Host, Content-Type, Content-Md5 and X-*: it sends these two unsigned too.
            #expect(Self.unsignedOnWire(request, allowed: ["content-length", "user-agent", "accept"]) == [])
        }
    }

    @Test("S3 SigV4: every call the store makes, as sent")
    func s3() async throws {
        let capture = try WireCapture { request in
            // An ETag that is the body's MD5, as S3 answers a PUT, so the client goes on.
            let etag = "\"" + Insecure.MD5.hash(data: request.body).map { String(format: "%02x", $0) }.joined() + "\""
            let xml = "<?xml version=\"1.0\"?><InitiateMultipartUploadResult><UploadId>u1</UploadId></InitiateMultipartUploadResult>"
            return (200, [("ETag", etag), ("Content-Type", "application/xml")], Array(xml.utf8))
        }
        defer { capture.stop() }
        let engine = HTTPEngine()
        let client = S3Client(
            endpoint: try Endpoint(capture.url), region: "us-east-1",
            credentials: S3Credentials(accessKey: "AKS3WIRE", secretKey: "s3-secret"), engine: engine, logger: Logger(label: "wire"))
        let key = "archive/sha256/ab/ab cd+语音.gz"
        _ = try? await client.head(bucket: "tts", key: key)
        _ = try? await client.get(bucket: "tts", key: key, range: 0...99)
        _ = try? await client.put(bucket: "tts", key: key, body: Array("payload".utf8), contentType: "application/gzip", metadata: ["content-sha256": "ab"], ifAbsent: true)
        _ = try? await client.createMultipartUpload(bucket: "tts", key: key, contentType: "application/gzip", metadata: [:])
        _ = try? await client.completeMultipartUpload(bucket: "tts", key: key, uploadID: "u1", parts: ["aa"], ifAbsent: true)
        _ = try? await client.list(bucket: "tts", prefix: "archive/")
        _ = try? await client.delete(bucket: "tts", key: key)
        let requests = capture.requests
        #expect(Set(requests.map(\.method)) == ["HEAD", "GET", "PUT", "POST", "DELETE"], "\(requests.map(\.method))")
        let gateway = SigV4Verifier(secrets: ["AKS3WIRE": "s3-secret"])
        for request in requests {
            let verdict = gateway.verify(request.gateway, now: Date())
            #expect(try verdict.get() == "AKS3WIRE", "\(request.method) \(request.target): \(verdict)")
            #expect(Self.unsignedOnWire(request, allowed: ["content-length", "user-agent"]) == [], "\(request.method) \(request.target)")
        }
    }
}
