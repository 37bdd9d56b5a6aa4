/// The key pair an S3 store is signed with. Read from the environment only, never from argv.
public struct S3Credentials: Sendable {
    public let accessKey: String
    let secretKey: String
    let sessionToken: String?

    public init(accessKey: String, secretKey: String, sessionToken: String? = nil) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.sessionToken = sessionToken
    }

    /// `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`), else Huawei's
    /// `HUAWEICLOUD_SDK_AK`/`SK` (OBS accepts them for its S3 API). Throws a configuration
    /// error naming the variables when neither pair is complete.
    public static func fromEnvironment(_ environment: [String: String]) throws -> S3Credentials {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let ak = value("AWS_ACCESS_KEY_ID"), let sk = value("AWS_SECRET_ACCESS_KEY") {
            return S3Credentials(accessKey: ak, secretKey: sk, sessionToken: value("AWS_SESSION_TOKEN"))
        }
        if let ak = value("HUAWEICLOUD_SDK_AK") ?? value("CLOUD_SDK_AK"), let sk = value("HUAWEICLOUD_SDK_SK") ?? value("CLOUD_SDK_SK") {
            return S3Credentials(accessKey: ak, secretKey: sk)
        }
        throw TTSArchiveError(
            .configuration,
            "an s3:// archive needs credentials", fix: "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or HUAWEICLOUD_SDK_AK/SK for OBS) in the environment")
    }
}
