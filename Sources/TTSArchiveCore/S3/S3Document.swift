import Foundation
import XMLCoder

/// S3's XML bodies as Codable types: the answers ttsarchive reads (a ListObjectsV2 page, an
/// error, the two multipart results) and the one document it sends (CompleteMultipartUpload).
///
/// XMLCoder parses with Foundation's `XMLParser`, so entities, CDATA and whitespace between
/// elements (some stores pretty-print) are handled as XML says, not by pattern.
enum S3Document {
    /// `<ListBucketResult>`: one page of a ListObjectsV2 listing.
    struct ListBucketResult: Decodable {
        /// One `<Contents>` record.
        struct Object: Decodable {
            var key: String
            var size: Int64

            enum CodingKeys: String, CodingKey { case key = "Key", size = "Size" }
        }

        /// Absent when the page is empty.
        var contents: [Object]?
        var isTruncated: Bool?
        var nextContinuationToken: String?

        enum CodingKeys: String, CodingKey {
            case contents = "Contents", isTruncated = "IsTruncated", nextContinuationToken = "NextContinuationToken"
        }
    }

    /// `<Error>`: what S3 says went wrong (sometimes inside a 200, for late failures).
    struct ErrorBody: Decodable {
        var code: String?
        var message: String?
        var requestID: String?

        enum CodingKeys: String, CodingKey { case code = "Code", message = "Message", requestID = "RequestId" }
    }

    /// `<InitiateMultipartUploadResult>`.
    struct InitiateMultipartUploadResult: Decodable {
        var uploadID: String

        enum CodingKeys: String, CodingKey { case uploadID = "UploadId" }
    }

    /// `<CompleteMultipartUploadResult>`: carries the object's ETag when the headers do not.
    struct CompleteMultipartUploadResult: Decodable {
        var eTag: String?

        enum CodingKeys: String, CodingKey { case eTag = "ETag" }
    }

    /// `<CompleteMultipartUpload>`: the parts, in order, by the ETags their uploads returned.
    struct CompleteMultipartUpload: Encodable {
        struct Part: Encodable {
            var partNumber: Int
            /// Quoted, as S3 returned it.
            var eTag: String

            enum CodingKeys: String, CodingKey { case partNumber = "PartNumber", eTag = "ETag" }
        }

        var parts: [Part]

        enum CodingKeys: String, CodingKey { case parts = "Part" }

        /// The parts numbered from 1, from their unquoted ETags.
        init(etags: [String]) {
            parts = etags.enumerated().map { Part(partNumber: $0.offset + 1, eTag: "\"\($0.element)\"") }
        }

        /// The request body.
        func encoded() throws -> [UInt8] {
            Array(try XMLEncoder().encode(self, withRootKey: "CompleteMultipartUpload"))
        }
    }

    /// `body` as a `T`, or nil when it is not one (empty, not XML, a required element missing).
    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) -> T? {
        guard !body.isEmpty else { return nil }
        // Keys may begin or end with spaces: values are kept as sent, and only the whitespace
        // between elements is dropped.
        let decoder = XMLDecoder(trimValueWhitespaces: false, removeWhitespaceElements: true)
        return try? decoder.decode(type, from: Data(body))
    }

    /// The S3 error code in `body`, when it is an error document.
    static func errorCode(_ body: [UInt8]) -> String? {
        decode(ErrorBody.self, from: body)?.code
    }
}
