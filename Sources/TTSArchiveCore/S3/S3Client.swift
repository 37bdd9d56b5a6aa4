import Crypto
import Foundation
import Logging
import TTSNative

/// What a HEAD of an object says.
public struct S3ObjectHead: Sendable, Hashable {
    public var size: Int64
    /// The ETag without quotes: the MD5 of a single-part upload, `md5-of-md5s-N` of a multipart one.
    public var etag: String
    /// `x-amz-meta-*` values, by lower-case name without the prefix.
    public var metadata: [String: String]
}

/// One key found by a listing.
public struct S3ListedObject: Sendable, Hashable {
    public var key: String
    public var size: Int64
}

/// What a conditional create did.
public enum S3PutOutcome: Sendable, Equatable {
    /// The object did not exist and now holds our bytes; its ETag.
    case created(etag: String)
    /// An object already had that key (`If-None-Match: *` refused the write): nothing replaced.
    case alreadyExists
}

/// S3's REST API (path-style, SigV4), over the shared ``HTTPEngine`` (libcurl) with the API
/// retry policy: every attempt is signed afresh; 5xx, 429 and network failures are retried.
public struct S3Client: Sendable {
    public let endpoint: Endpoint
    let signer: S3Signer
    let transport: APITransport
    let userAgent = "\(ToolInfo.name)/\(ToolInfo.version)"

    /// A client of the store at `endpoint` (`https://obs.cn-north-4.myhuaweicloud.com`,
    /// `http://127.0.0.1:8333`), signing for `region`.
    public init(endpoint: Endpoint, region: String, credentials: S3Credentials, engine: HTTPEngine, logger: Logger) {
        self.endpoint = endpoint
        signer = S3Signer(accessKey: credentials.accessKey, secretKey: credentials.secretKey, sessionToken: credentials.sessionToken, region: region)
        transport = APITransport(engine: engine, policy: .api, logger: logger)
    }

    /// Sends one signed request; returns whatever the store answered after retries.
    func send(
        _ method: String, bucket: String, key: String?, query: [QueryItem] = [], headers: [HTTPHeader] = [], body: [UInt8] = [],
        bodySHA256: String? = nil, upload: HTTPUploadRegion? = nil
    ) async throws -> APIResponse {
        let path = "/" + bucket + (key.map { "/" + $0 } ?? "")
        let payloadHash = bodySHA256 ?? SHA256.hash(data: body).hexString
        let request = SigningRequest(
            method: method, scheme: endpoint.scheme, host: endpoint.hostHeader, path: path, query: query,
            headers: headers + [HTTPHeader("User-Agent", userAgent)])
        let signer = self.signer
        let allowHTTP = endpoint.allowsPlainHTTP
        return try await transport.send(Self.describe(method, bucket, key)) {
            let signed = signer.sign(request, payloadSHA256: payloadHash, date: Date())
            var wire = HTTPTransferRequest(
                url: signed.url(for: request), method: method,
                headers: signed.fields, body: body,
                lowSpeedBytes: 1, lowSpeedSeconds: 120, allowHTTP: allowHTTP)
            wire.upload = upload
            return wire
        }
    }

    static func describe(_ method: String, _ bucket: String, _ key: String?) -> String {
        "\(method) s3://\(bucket)" + (key.map { "/" + $0 } ?? "")
    }

    private func failure(_ response: APIResponse, _ method: String, _ bucket: String, _ key: String?) -> S3Error {
        S3Error.from(status: response.status, body: response.body, operation: Self.describe(method, bucket, key))
    }

    /// The object's size, ETag and metadata, or nil when there is no such key.
    public func head(bucket: String, key: String) async throws -> S3ObjectHead? {
        let response = try await send("HEAD", bucket: bucket, key: key)
        if response.status == 404 { return nil }
        guard response.status == 200 else {
            // A HEAD answer has no body: 403 is all there is to go on.
            throw S3Error.from(status: response.status, body: [], operation: Self.describe("HEAD", bucket, key))
        }
        var metadata: [String: String] = [:]
        for field in response.head.headers where field.name.canonicalName.hasPrefix("x-amz-meta-") {
            metadata[String(field.name.canonicalName.dropFirst("x-amz-meta-".count))] = field.value
        }
        return S3ObjectHead(
            size: response.head.contentLength ?? 0, etag: Self.unquote(response.head.value("etag") ?? ""), metadata: metadata)
    }

    /// The object's bytes (or the inclusive byte range); throws ``StoreError/Code/unknownObject`` when absent.
    public func get(bucket: String, key: String, range: ClosedRange<Int64>? = nil) async throws -> [UInt8] {
        let headers = range.map { [HTTPHeader("Range", "bytes=\($0.lowerBound)-\($0.upperBound)")] } ?? []
        let response = try await send("GET", bucket: bucket, key: key, headers: headers)
        switch response.status {
        case 200, 206: return response.body
        case 404: throw StoreError(.unknownObject, path: "s3://\(bucket)/\(key)")
        case 416: return []
        default: throw failure(response, "GET", bucket, key)
        }
    }

    /// Stores `body` under `key`; with `ifAbsent`, never replaces an existing object.
    public func put(
        bucket: String, key: String, body: [UInt8], contentType: String, metadata: [String: String] = [:], ifAbsent: Bool
    ) async throws -> S3PutOutcome {
        let headers = Self.objectHeaders(contentType: contentType, md5: Array(Insecure.MD5.hash(data: body)), metadata: metadata, ifAbsent: ifAbsent)
        let response = try await send("PUT", bucket: bucket, key: key, headers: headers, body: body)
        return try created(response, "PUT", bucket, key)
    }

    private func created(_ response: APIResponse, _ method: String, _ bucket: String, _ key: String) throws -> S3PutOutcome {
        switch response.status {
        case 200:
            let etag = response.head.value("etag") ?? S3Document.decode(S3Document.CompleteMultipartUploadResult.self, from: response.body)?.eTag
            return .created(etag: Self.unquote(etag ?? ""))
        // 412: If-None-Match refused; 409: a concurrent conditional write of the same key won.
        case 412, 409: return .alreadyExists
        default: throw failure(response, method, bucket, key)
        }
    }

    /// The digests of a body sent from a file region: known before the first byte is sent.
    public struct RegionDigests: Sendable {
        public var md5: [UInt8]
        public var sha256Hex: String

        public init(md5: [UInt8], sha256Hex: String) {
            self.md5 = md5
            self.sha256Hex = sha256Hex
        }
    }

    /// ``put(bucket:key:body:contentType:metadata:ifAbsent:)`` with the body streamed from a
    /// file region, so an object of any size costs no memory.
    public func put(
        bucket: String, key: String, region: HTTPUploadRegion, digests: RegionDigests, contentType: String,
        metadata: [String: String] = [:], ifAbsent: Bool
    ) async throws -> S3PutOutcome {
        let headers = Self.objectHeaders(contentType: contentType, md5: digests.md5, metadata: metadata, ifAbsent: ifAbsent)
        let response = try await send("PUT", bucket: bucket, key: key, headers: headers, bodySHA256: digests.sha256Hex, upload: region)
        return try created(response, "PUT", bucket, key)
    }

    /// Starts a multipart upload; returns its upload id.
    public func createMultipartUpload(bucket: String, key: String, contentType: String, metadata: [String: String]) async throws -> String {
        let headers = Self.objectHeaders(contentType: contentType, md5: nil, metadata: metadata, ifAbsent: false)
        let response = try await send("POST", bucket: bucket, key: key, query: [QueryItem("uploads", "")], headers: headers)
        guard response.status == 200, let id = S3Document.decode(S3Document.InitiateMultipartUploadResult.self, from: response.body)?.uploadID,
            !id.isEmpty
        else {
            throw failure(response, "POST", bucket, key)
        }
        return id
    }

    /// Uploads part `number` (1-based) from a file region; returns its ETag.
    public func uploadPart(
        bucket: String, key: String, uploadID: String, number: Int, region: HTTPUploadRegion, digests: RegionDigests
    ) async throws -> String {
        let md5 = digests.md5
        let response = try await send(
            "PUT", bucket: bucket, key: key, query: [QueryItem("partNumber", String(number)), QueryItem("uploadId", uploadID)],
            headers: [HTTPHeader("Content-MD5", Data(md5).base64EncodedString())], bodySHA256: digests.sha256Hex, upload: region)
        guard response.status == 200 else { throw failure(response, "PUT part \(number) of", bucket, key) }
        let etag = Self.unquote(response.head.value("etag") ?? "")
        guard etag.lowercased() == SigningCrypto.hex(md5) else {
            throw S3Error(.verification, operation: Self.describe("PUT part \(number) of", bucket, key), status: 200, detail: "part ETag \(etag) is not its MD5")
        }
        return etag
    }

    /// Completes the upload from its parts' ETags; with `ifAbsent`, refuses to replace an object.
    public func completeMultipartUpload(
        bucket: String, key: String, uploadID: String, parts: [String], ifAbsent: Bool
    ) async throws -> S3PutOutcome {
        let body = try S3Document.CompleteMultipartUpload(etags: parts).encoded()
        let headers = ifAbsent ? [HTTPHeader("If-None-Match", "*")] : []
        let response = try await send("POST", bucket: bucket, key: key, query: [QueryItem("uploadId", uploadID)], headers: headers, body: body)
        // S3 may answer 200 with an <Error> body when completion fails late.
        if response.status == 200, let code = S3Document.errorCode(response.body) {
            throw S3Error(.failed, operation: Self.describe("POST complete", bucket, key), status: 200, s3Code: code)
        }
        return try created(response, "POST complete", bucket, key)
    }

    /// Abandons an upload so its parts do not linger (and cost).
    public func abortMultipartUpload(bucket: String, key: String, uploadID: String) async {
        _ = try? await send("DELETE", bucket: bucket, key: key, query: [QueryItem("uploadId", uploadID)])
    }

    /// Every key under `prefix` (ListObjectsV2, following continuation tokens; `pageSize` keys a
    /// request, S3's own maximum by default).
    public func list(bucket: String, prefix: String, pageSize: Int = 1000) async throws -> [S3ListedObject] {
        var out: [S3ListedObject] = []
        var token: String?
        repeat {
            var query = [QueryItem("list-type", "2"), QueryItem("prefix", prefix), QueryItem("max-keys", String(pageSize))]
            if let token { query.append(QueryItem("continuation-token", token)) }
            let response = try await send("GET", bucket: bucket, key: nil, query: query)
            guard response.status == 200 else { throw failure(response, "LIST", bucket, prefix) }
            guard let page = S3Document.decode(S3Document.ListBucketResult.self, from: response.body) else {
                throw S3Error(.failed, operation: Self.describe("LIST", bucket, prefix), status: 200, detail: "the answer is not a ListBucketResult")
            }
            out += (page.contents ?? []).map { S3ListedObject(key: $0.key, size: $0.size) }
            token = page.isTruncated == true ? page.nextContinuationToken : nil
        } while token != nil
        return out
    }

    /// Deletes `key` (absent is fine).
    public func delete(bucket: String, key: String) async throws {
        let response = try await send("DELETE", bucket: bucket, key: key)
        guard [200, 204, 404].contains(response.status) else { throw failure(response, "DELETE", bucket, key) }
    }

    /// Creates the bucket; one that already exists and is ours is fine.
    public func createBucket(_ bucket: String) async throws {
        let response = try await send("PUT", bucket: bucket, key: nil)
        if response.status == 200 { return }
        let code = S3Document.errorCode(response.body)
        if response.status == 409, code == "BucketAlreadyOwnedByYou" || code == "BucketAlreadyExists" { return }
        throw failure(response, "PUT bucket", bucket, nil)
    }

    /// What an object is created with: its type, its MD5 (the store refuses damaged bytes), the
    /// no-replace condition and `x-amz-meta-*` (sorted, so requests are reproducible).
    static func objectHeaders(contentType: String, md5: [UInt8]?, metadata: [String: String], ifAbsent: Bool) -> [HTTPHeader] {
        var headers = [HTTPHeader("Content-Type", contentType)]
        if let md5 { headers.append(HTTPHeader("Content-MD5", Data(md5).base64EncodedString())) }
        if ifAbsent { headers.append(HTTPHeader("If-None-Match", "*")) }
        return headers + metadata.sorted { $0.key < $1.key }.map { HTTPHeader("x-amz-meta-" + $0.key, $0.value) }
    }

    static func unquote(_ etag: String) -> String { etag.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
}
