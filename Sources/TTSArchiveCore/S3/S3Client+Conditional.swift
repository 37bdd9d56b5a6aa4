import Crypto
import Foundation
import TTSNative

/// An object read together with what a compare-and-swap needs: its ETag and the store's clock.
public struct S3VersionedObject: Sendable, Hashable {
    public var body: [UInt8]
    /// The ETag without quotes (what `If-Match` is given back).
    public var etag: String
    /// The store's `Date` header when it answered: the clock a lease is judged by, so that a
    /// holder's or a rival's skewed clock decides nothing. Nil when the store sent none.
    public var serverDate: Date?
    /// The store's `Last-Modified`: when this version was written, by the store's clock.
    public var lastModified: Date?
}

/// What a write conditioned on an ETag did.
public enum S3SwapOutcome: Sendable, Equatable {
    /// The condition held; the object now has this ETag (for PUT; empty for DELETE).
    case swapped(etag: String)
    /// The object is not (any more) the version named (412), or a concurrent conditional write
    /// of the key won (409): nothing changed.
    case preconditionFailed
}

extension S3Client {
    /// GET with its ETag and the store's `Date`; nil when there is no such key. Any other answer
    /// (and a network failure after the retries) throws: a caller must not read "unknown" as
    /// "absent" or "expired".
    public func getVersioned(bucket: String, key: String) async throws -> S3VersionedObject? {
        let response = try await send("GET", bucket: bucket, key: key)
        switch response.status {
        case 200:
            return S3VersionedObject(
                body: response.body, etag: Self.unquote(response.head.value("etag") ?? ""),
                serverDate: response.head.value("date").flatMap { Timestamp.parseHTTPDate($0) },
                lastModified: response.head.value("last-modified").flatMap { Timestamp.parseHTTPDate($0) })
        case 404:
            return nil
        default:
            throw S3Error.from(status: response.status, body: response.body, operation: Self.describe("GET", bucket, key))
        }
    }

    /// Replaces `key` only while it is still the version `etag` (`If-Match`): a compare-and-swap,
    /// so of two writers that read the same version exactly one replaces it.
    public func put(bucket: String, key: String, body: [UInt8], contentType: String, ifMatch etag: String) async throws -> S3SwapOutcome {
        var headers = Self.objectHeaders(contentType: contentType, md5: Array(Insecure.MD5.hash(data: body)), metadata: [:], ifAbsent: false)
        headers.append(HTTPHeader("If-Match", "\"\(etag)\""))
        let response = try await send("PUT", bucket: bucket, key: key, headers: headers, body: body)
        switch response.status {
        case 200: return .swapped(etag: Self.unquote(response.head.value("etag") ?? ""))
        case 412, 409, 404: return .preconditionFailed
        default: throw S3Error.from(status: response.status, body: response.body, operation: Self.describe("PUT", bucket, key))
        }
    }

    /// Copies `source` to `target` inside the bucket on the store's side (CopyObject), so a
    /// large object is never downloaded to be moved.
    public func copy(bucket: String, from source: String, to target: String) async throws {
        let encoded = "/\(bucket)/\(source)".addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "/\(bucket)/\(source)"
        let response = try await send("PUT", bucket: bucket, key: target, headers: [HTTPHeader("x-amz-copy-source", encoded)])
        // A 200 may still carry an error document (S3 reports late copy failures that way).
        guard response.status == 200, S3Document.errorCode(response.body) == nil else {
            throw S3Error.from(status: response.status == 200 ? 500 : response.status, body: response.body, operation: Self.describe("COPY to", bucket, target))
        }
    }

    /// Deletes `key` only while it is still the version `etag` (`If-Match`).
    public func delete(bucket: String, key: String, ifMatch etag: String) async throws -> S3SwapOutcome {
        let response = try await send("DELETE", bucket: bucket, key: key, headers: [HTTPHeader("If-Match", "\"\(etag)\"")])
        switch response.status {
        case 200, 204: return .swapped(etag: "")
        case 412, 409, 404: return .preconditionFailed
        default: throw S3Error.from(status: response.status, body: response.body, operation: Self.describe("DELETE", bucket, key))
        }
    }
}
