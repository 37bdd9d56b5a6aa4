import Foundation
import TTSArchiveCore

/// Checks an API request's credentials as MetaStudio's gateway would.
///
/// `X-Auth-Token` must equal the configured token; otherwise the request must carry a valid
/// SDK-HMAC-SHA256 signature (checked by the same ``HuaweiSigner`` the client uses) and an
/// `X-Project-Id` equal to the path's project. Either way, a path naming another project is
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
            guard Self.constantTimeEquals(given, token) else { return .unauthorized("the X-Auth-Token is not valid") }
        } else {
            let verdict = HuaweiSigner.verify(
                method: method, rawPath: rawPath, rawQuery: rawQuery, headers: headers, body: body, now: now,
                maxSkew: maxSkew, secretKey: { $0 == accessKey ? secretKey : nil })
            switch verdict {
            case .valid:
                guard let project = header("X-Project-Id") else {
                    return .unauthorized("AK/SK requests need an X-Project-Id header")
                }
                guard project == pathProject else {
                    return .unauthorized("X-Project-Id does not match the project in the path")
                }
            case .missing: return .unauthorized("no X-Auth-Token and no Authorization header")
            case .malformed(let why): return .unauthorized("the Authorization header is malformed: \(why)")
            case .unknownAccessKey: return .unauthorized("the access key is not known")
            case .mismatch: return .unauthorized("the request signature does not match")
            case .clockSkew: return .unauthorized("X-Sdk-Date is too far from the server's clock")
            }
        }
        guard pathProject == projectID else { return .forbidden("the credentials do not grant access to this project") }
        return .allowed
    }

    private static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for (p, q) in zip(x, y) { difference |= p ^ q }
        return difference == 0
    }
}
