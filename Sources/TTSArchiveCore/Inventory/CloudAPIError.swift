/// The three clouds whose voice-resource inventories ttsarchive snapshots.
public enum InventoryCloud: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case huawei, alibaba, volcengine

    /// The API snapshotted, for manifests and messages.
    public var api: String {
        switch self {
        case .huawei: "MetaStudio ShowVoiceTrainingQuotas"
        case .alibaba: "ICE ListCustomizedVoiceJobs 2020-11-09"
        case .volcengine: "VMS QueryUsableResourceV2 2022-01-01"
        }
    }

    /// The environment variables that hold this cloud's credentials, for messages.
    public var credentialHint: String {
        switch self {
        case .huawei: "HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK and HUAWEICLOUD_SDK_PROJECT_ID"
        case .alibaba: "ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN)"
        case .volcengine: "VOLC_ACCESSKEY/VOLC_SECRETKEY and --volcengine-region"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// An inventory API refused a call or answered with something that is not its documented
/// envelope. Carries the cloud's own error code and request id; never a secret.
public struct CloudAPIError: Error, Sendable, Hashable, CustomStringConvertible, ExitCoded {
    /// What went wrong, in the terms the manifest records.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Credentials or permissions refused (401/403, signature and access-key codes): exit 3.
        case authentication
        /// Any other error answer, after retries for the transient ones.
        case refused
        /// A 2xx answer that is not the documented JSON envelope.
        case malformedResponse = "malformed_response"
    }

    public var cloud: InventoryCloud
    public var kind: Kind
    /// HTTP status of the answer.
    public var status: Int
    /// The cloud's error code (`SignatureNotMatch`, `Throttling.User`, `MSS.000000004`, …).
    public var code: String?
    /// The cloud's message, cut to 300 characters.
    public var message: String?
    public var requestID: String?
    /// What was being done ("listing Type=Standard page 3").
    public var operation: String

    public init(
        cloud: InventoryCloud, kind: Kind, status: Int, code: String?, message: String?, requestID: String?,
        operation: String
    ) {
        self.cloud = cloud
        self.kind = kind
        self.status = status
        self.code = code
        self.message = message.map { String($0.prefix(300)) }
        self.requestID = requestID
        self.operation = operation
    }

    public var exitCode: Int32 { (kind == .authentication ? ExitClass.authentication : .partial).code }

    public var description: String {
        var text = "\(cloud.rawValue) \(cloud.api): "
        text += kind == .malformedResponse ? "unreadable answer to \(operation)" : "refused \(operation)"
        text += ": HTTP \(status)"
        if let code { text += " \(code)" }
        if let message, !message.isEmpty { text += " \(message)" }
        if let requestID { text += " (request id \(requestID))" }
        if kind == .authentication { text += "; check \(cloud.credentialHint)" }
        return text
    }
}

extension CloudAPIError {
    /// The error codes Alibaba and Volcengine use for bad or unauthorised credentials.
    static let authenticationCodes: Set<String> = [
        "SignatureNotMatch", "SignatureDoesNotMatch", "InvalidAccessKeyId", "InvalidAccessKeyId.NotFound",
        "InvalidAccessKeyId.Inactive", "AccessDenied", "Forbidden.RAM", "NoPermission", "InvalidSecurityToken.Expired",
        "InvalidSecurityToken.Malformed", "IncompleteSignature", "MissingAuthorization",
        // Refusals of the signature's date, nonce or form: a clock or signer problem, not a fault.
        "InvalidTimeStamp.Expired", "InvalidTimeStamp.Format", "SignatureNonceUsed", "InvalidAccessKey",
        "SignatureExpired", "InvalidTimestamp", "InvalidAuthorization", "InvalidCredential",
        "MissingAuthenticationToken",
    ]

    /// True for a code the clouds use for request throttling (retried with backoff).
    static func isThrottling(_ code: String?) -> Bool {
        guard let code else { return false }
        return code == "Throttling" || code.hasPrefix("Throttling.") || code == "ServiceUnavailable"
            || code == "RequestLimitExceeded" || code == "FlowLimitExceeded"
    }

    /// Authentication when the status or the code says so; else a plain refusal.
    static func kind(status: Int, code: String?) -> Kind {
        if status == 401 || status == 403 { return .authentication }
        if let code, authenticationCodes.contains(code) { return .authentication }
        return .refused
    }
}
