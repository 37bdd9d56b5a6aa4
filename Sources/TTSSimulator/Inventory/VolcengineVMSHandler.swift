import Foundation
import Hummingbird
import TTSArchiveCore

/// VMS QueryUsableResourceV2 as the gateway answers it: HMAC-SHA256 checked by the
/// independent ``VolcengineVerifier`` (service `vms`), `Type` 0|1|2, every record of the type
/// in one answer, the `ResponseMetadata.Error` envelope, and the `Throttling` fault.
///
/// Records come in a different order on every other request, so only a client that sorts them
/// stores the same snapshot twice.
struct VolcengineVMSHandler {
    let core: InventoryCore

    func handle(_ request: ReceivedRequest) -> Response {
        let config = core.config
        let gateway = VolcengineVerifier(
            secrets: [config.volcengineAccessKey: config.volcengineSecretKey], service: "vms",
            maxSkew: config.maxClockSkew)
        if case .failure(let rejection) = gateway.verify(request.gateway, now: Date()) {
            return refuse(
                request, auth: true, status: HTTPResponse.Status(code: rejection.status), code: rejection.code,
                message: rejection.message)
        }
        let action = request.parameter("Action") ?? ""
        guard action == VolcengineVMSClient.action else {
            return refuse(request, status: .badRequest, code: "InvalidAction", message: "The specified action is invalid.")
        }
        guard request.parameter("Version") == VolcengineVMSClient.version else {
            return refuse(request, status: .badRequest, code: "InvalidParameter", message: "The specified parameter Version is invalid.")
        }
        guard let type = request.parameter("Type"), VolcengineVMSClient.types.contains(type) else {
            return refuse(request, status: .badRequest, code: "InvalidParameter", message: "The specified parameter Type is invalid.")
        }
        switch core.fault(key: "vms|\(type)") {
        case .throttled:
            core.count { $0.faults["Throttling", default: 0] += 1 }
            return error(request, status: .badRequest, code: "Throttling", message: "The request is denied due to request throttling.")
        case .unavailable:
            core.count { $0.faults["ServiceUnavailable", default: 0] += 1 }
            return error(request, status: .serviceUnavailable, code: "ServiceUnavailable", message: "The request has failed due to a temporary failure of the server.")
        case nil:
            break
        }
        var records = core.volcengine[type] ?? []
        let served = core.stats.withLock { stats in
            stats.pagesServed += 1
            return stats.pagesServed
        }
        if served % 2 == 0 { records.reverse() }
        let body: RawJSON = .object([
            ("ResponseMetadata", metadata(request)), ("Result", .object([("Records", .array(records))])),
        ])
        return InventoryResponder.json(.ok, body)
    }

    private func metadata(_ request: ReceivedRequest, error: (String, String)? = nil) -> RawJSON {
        var fields: [(String, RawJSON)] = [
            ("RequestId", .string(request.requestID)), ("Action", .string(request.parameter("Action") ?? "")),
            ("Version", .string(request.parameter("Version") ?? "")), ("Service", "vms"), ("Region", "cn-north-1"),
        ]
        if let (code, message) = error {
            fields.append(("Error", .object([("Code", .string(code)), ("Message", .string(message))])))
        }
        return .object(fields)
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
        InventoryResponder.json(status, .object([("ResponseMetadata", metadata(request, error: (code, message)))]))
    }
}
