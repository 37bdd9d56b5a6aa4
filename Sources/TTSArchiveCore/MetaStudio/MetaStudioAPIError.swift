/// MetaStudio answered with an error: its status, `error_code`, `error_msg` and `request_id`.
public struct MetaStudioAPIError: Error, Sendable, CustomStringConvertible, ExitCoded {
    public var status: Int
    public var errorCode: String?
    public var errorMessage: String?
    public var requestID: String?
    /// What was being done ("listing tts-jobs offset 200").
    public var operation: String

    /// Authentication or permission refused: the run cannot go on, and exit code 3 says so.
    public var isAuthentication: Bool { status == 401 || status == 403 || errorCode == "MSS.000000004" }

    public var exitCode: Int32 { (isAuthentication ? ExitClass.authentication : .partial).code }

    public var description: String {
        var text = "MetaStudio refused \(operation): HTTP \(status)"
        if let errorCode { text += " \(errorCode)" }
        if let errorMessage { text += " \(errorMessage)" }
        if let requestID { text += " (request_id \(requestID))" }
        if isAuthentication { text += "; check HUAWEICLOUD_SDK_AK/SK and HUAWEICLOUD_SDK_PROJECT_ID, or the token" }
        return text
    }
}
