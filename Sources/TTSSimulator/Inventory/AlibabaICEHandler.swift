import Foundation
import Hummingbird
import TTSArchiveCore

/// ICE ListCustomizedVoiceJobs as the gateway answers it: ACS3-HMAC-SHA256 checked by the
/// independent ``ACS3Verifier`` (signed content-type, every `x-acs-*`, nonce replay), `PageNo`/`PageSize`/`Type`, the error envelope
/// `{RequestId, HostId, Code, Message}`, and the throttling faults.
struct AlibabaICEHandler {
    let core: InventoryCore

    func handle(_ request: ReceivedRequest) -> Response {
        let config = core.config
        let gateway = ACS3Verifier(
            secrets: [config.alibabaAccessKeyID: config.alibabaAccessKeySecret], maxSkew: config.maxClockSkew,
            nonces: core.nonces)
        if case .failure(let rejection) = gateway.verify(request.gateway, now: Date()) {
            return refuse(
                request, auth: true, status: HTTPResponse.Status(code: rejection.status), code: rejection.code,
                message: rejection.message)
        }
        guard request.header("x-acs-action") == AlibabaICEClient.action else {
            return refuse(request, status: .notFound, code: "InvalidAction.NotFound", message: "Specified api is not found, please check your url and method.")
        }
        guard request.header("x-acs-version") == AlibabaICEClient.version else {
            return refuse(request, status: .notFound, code: "InvalidVersion", message: "Specified parameter Version is not valid.")
        }
        let pageNo = request.parameter("PageNo") ?? "1", pageSize = request.parameter("PageSize") ?? "10"
        let type = request.parameter("Type") ?? "Basic"
        guard let number = Int(pageNo), number >= 1 else { return invalid(request, "PageNo") }
        guard let size = Int(pageSize), (1...100).contains(size) else { return invalid(request, "PageSize") }
        guard AlibabaICEClient.types.contains(type) else { return invalid(request, "Type") }

        switch core.fault(key: "ice|\(type)|\(number)|\(size)") {
        case .throttled:
            core.count { $0.faults["Throttling.User", default: 0] += 1 }
            return error(request, status: .badRequest, code: "Throttling.User", message: "Request was denied due to user flow control.")
        case .unavailable:
            core.count { $0.faults["ServiceUnavailable", default: 0] += 1 }
            return error(request, status: .serviceUnavailable, code: "ServiceUnavailable", message: "The request has failed due to a temporary failure of the server.")
        case nil:
            break
        }
        let all = core.alibaba[type] ?? []
        let start = min(all.count, (number - 1) * size)
        let page = Array(all[start..<min(all.count, start + size)])
        core.count { $0.pagesServed += 1 }
        let body: RawJSON = .object([
            ("RequestId", .string(request.requestID)),
            ("Data", .object([("CustomizedVoiceJobList", .array(page)), ("TotalCount", .int(Int64(all.count)))])),
            ("Success", .bool(true)),
        ])
        return InventoryResponder.json(.ok, body, requestID: request.requestID)
    }

    private func invalid(_ request: ReceivedRequest, _ name: String) -> Response {
        refuse(request, status: .badRequest, code: "InvalidParameter", message: "Specified parameter \(name) is not valid.")
    }

    private func refuse(
        _ request: ReceivedRequest, auth: Bool = false, status: HTTPResponse.Status, code: String, message: String
    ) -> Response {
        core.count { stats in
            if auth { stats.authFailures += 1 } else { stats.validationErrors += 1 }
        }
        return error(request, status: status, code: code, message: message)
    }

    private func error(_ request: ReceivedRequest, status: HTTPResponse.Status, code: String, message: String) -> Response {
        InventoryResponder.json(
            status,
            .object([
                ("RequestId", .string(request.requestID)), ("HostId", "ice.cn-shanghai.aliyuncs.com"),
                ("Code", .string(code)), ("Message", .string(message)),
                ("Recommend", .string("https://api.aliyun.com/troubleshoot?q=\(code)")),
            ]), requestID: request.requestID)
    }
}
