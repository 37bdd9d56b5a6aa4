import Foundation
import TTSArchiveCore

/// Checks an API request's credentials as MetaStudio's gateway would.
///
/// `X-Auth-Token` must equal the configured token; otherwise the request must carry a valid
/// SDK-HMAC-SHA256 signature (checked by ``HuaweiAPIGVerifier``, written from APIG's rules and
/// not from the client's signer) and a signed `X-Project-Id` equal to the path's project. Either way, a path naming another project is
/// refused with 403. Messages say what is wrong, never what the secret is.
struct AuthGate: Sendable {
    let projectID: String
    private let accessKey: String
    private let secretKey: String
    private let token: String
    private let maxSkew: TimeInterval

    init(config: SimulatorConfig) {
        projectID = config.projectID
        accessKey = config.accessKey
        secretKey = config.secretKey
        token = config.authToken
        maxSkew = config.maxClockSkew
    }

    enum Verdict: Equatable, Sendable {
        case allowed
        /// 401: no or wrong credentials.
        case unauthorized(String)
        /// 403: good credentials, another project.
        case forbidden(String)
    }

    func check(
        method: String, rawPath: String, rawQuery: String, headers: [HTTPHeader], body: [UInt8],
        pathProject: String, now: Date
    ) -> Verdict {
        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
        if let given = header("X-Auth-Token") {
            guard GatewayCrypto.constantTimeEquals(given, token) else { return .unauthorized("the X-Auth-Token is not valid") }
        } else {
            let gateway = HuaweiAPIGVerifier(secrets: [accessKey: secretKey], maxSkew: maxSkew)
            let request = GatewayRequest(method: method, rawPath: rawPath, rawQuery: rawQuery, headers: headers, body: body)
            if case .failure(let rejection) = gateway.verify(request, now: now) {
                return .unauthorized(rejection.message)
            }
            guard let project = header("X-Project-Id") else {
                return .unauthorized("AK/SK requests need an X-Project-Id header")
            }
            guard project == pathProject else {
                return .unauthorized("X-Project-Id does not match the project in the path")
            }
        }
        guard pathProject == projectID else { return .forbidden("the credentials do not grant access to this project") }
        return .allowed
    }
}
