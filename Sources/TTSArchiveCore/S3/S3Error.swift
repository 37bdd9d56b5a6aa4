/// An S3 request that did not do what was asked: what, on which key, and what to do.
///
/// Carries the S3 error code and request id from the response body, never the signature or
/// credentials.
public struct S3Error: Error, Sendable, CustomStringConvertible, ExitCoded {
    /// The classes of failure, which decide the exit code.
    public enum Code: Sendable, Equatable {
        /// The store refused the credentials or the permission (403, bad signature, unknown key): exit 3.
        case authentication
        /// The bucket does not exist: exit 4.
        case noSuchBucket
        /// The object store answered something unexpected, or never answered after retries.
        case failed
        /// An upload completed but the store's record of it disagrees with what was sent.
        case verification
    }

    public let code: Code
    /// `PUT s3://bucket/key`, for messages.
    public let operation: String
    public let status: Int
    /// S3's own error code (`SignatureDoesNotMatch`, `NoSuchKey`, …), when the body had one.
    public let s3Code: String?
    public let detail: String

    init(_ code: Code, operation: String, status: Int = 0, s3Code: String? = nil, detail: String = "") {
        self.code = code
        self.operation = operation
        self.status = status
        self.s3Code = s3Code
        self.detail = detail
    }

    public var description: String {
        let answer = status > 0 ? "HTTP \(status)" + (s3Code.map { " \($0)" } ?? "") : "no answer"
        let base = "\(operation): \(answer)" + (detail.isEmpty ? "" : " (\(detail))")
        switch code {
        case .authentication:
            return "\(base); the object store refused the credentials: check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, --s3-region and the bucket policy"
        case .noSuchBucket: return "\(base); create the bucket or fix --archive/--manifests"
        case .failed: return base
        case .verification: return "\(base); the upload was not accepted as stored and will be retried by the next run"
        }
    }

    public var exitCode: Int32 {
        switch code {
        case .authentication: return ExitClass.authentication.code
        case .noSuchBucket, .verification, .failed: return ExitClass.unusableStore.code
        }
    }

    /// Classifies an error answer by its status and S3 code.
    static func from(status: Int, body: [UInt8], operation: String) -> S3Error {
        let document = S3Document.decode(S3Document.ErrorBody.self, from: body)
        let s3Code = document?.code
        var detail = document?.message ?? ""
        if let id = document?.requestID { detail += detail.isEmpty ? "request id \(id)" : ", request id \(id)" }
        let auth: Set<String> = ["SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied", "InvalidToken", "ExpiredToken",
                                 "AuthorizationHeaderMalformed", "RequestTimeTooSkewed", "InvalidSecurity"]
        if status == 401 || status == 403 || s3Code.map(auth.contains) == true {
            return S3Error(.authentication, operation: operation, status: status, s3Code: s3Code, detail: detail)
        }
        if s3Code == "NoSuchBucket" { return S3Error(.noSuchBucket, operation: operation, status: status, s3Code: s3Code, detail: detail) }
        return S3Error(.failed, operation: operation, status: status, s3Code: s3Code, detail: detail)
    }
}
