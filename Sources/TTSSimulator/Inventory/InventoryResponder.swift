import Foundation
import TTSNative
import Hummingbird
import Synchronization
import TTSArchiveCore

/// State shared by the inventory simulator's handlers.
final class InventoryCore: Sendable {
    let config: InventorySimulatorConfig
    let alibaba: [String: [RawJSON]]
    let volcengine: [String: [RawJSON]]
    let stats = Locked(InventorySimulatorStats())
    /// ICE's gateway remembers every signature nonce within the skew window.
    let nonces = NonceLedger()
    /// Requests seen per faulty page, so only its first `faultAttempts` fail.
    private let attempts = Locked<[String: Int]>([:])
    private let counter = Atomic<UInt64>(0)
    /// The bound port, once listening.
    let port = Atomic<Int>(0)

    init(config: InventorySimulatorConfig) {
        self.config = config
        alibaba = Dictionary(
            uniqueKeysWithValues: config.alibabaJobs.map {
                ($0.key, InventoryCatalog.alibabaJobs(type: $0.key, count: $0.value, seed: config.seed))
            })
        volcengine = Dictionary(
            uniqueKeysWithValues: config.volcengineResources.map {
                ($0.key, InventoryCatalog.volcengineResources(type: $0.key, count: $0.value, seed: config.seed))
            })
    }

    /// ICE-style request ids (`00000007-0E1A-586A-AC29-00000000002A`), unique per request.
    func nextRequestID() -> String {
        let n = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return String(format: "%08X-0E1A-586A-AC29-%012llX", UInt32(truncatingIfNeeded: config.seed), n)
    }

    /// The fault for this request of the page `key`, if any: throttling before unavailability.
    func fault(key: String) -> InventoryFault? {
        let throttled = StableHash.unit(seed: config.seed, tag: "throttle", key: key) < config.throttleRate
        let unavailable = StableHash.unit(seed: config.seed, tag: "unavailable", key: key) < config.unavailableRate
        guard throttled || unavailable else { return nil }
        let seen = attempts.withLock { table in
            table[key, default: 0] += 1
            return table[key] ?? 0
        }
        guard seen <= config.faultAttempts else { return nil }
        return throttled ? .throttled : .unavailable
    }

    func count(_ update: (inout InventorySimulatorStats) -> Void) { stats.withLock { update(&$0) } }
}

/// A transient fault the simulator injects.
enum InventoryFault { case throttled, unavailable }

/// Routes `POST /` with `x-acs-action` to ICE and `GET /?Action=…` to VMS.
struct InventoryResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let core: InventoryCore

    func respond(to request: Request, context: Context) async throws -> Response {
        var request = request
        let body = Array(buffer: try await request.collectBody(upTo: 1 << 20))
        var headers = request.headers.map { HTTPHeader($0.name.rawName, $0.value) }
        if let authority = request.head.authority { headers.append(HTTPHeader("Host", authority)) }
        let received = ReceivedRequest(
            method: request.method.rawValue, rawPath: request.uri.path, rawQuery: request.uri.query ?? "",
            headers: headers, body: body, requestID: core.nextRequestID())
        if request.method == .post, received.header("x-acs-action") != nil {
            core.count { $0.requests["alibaba", default: 0] += 1 }
            return AlibabaICEHandler(core: core).handle(received)
        }
        if request.method == .get, received.query.contains(where: { $0.name == "Action" }) {
            core.count { $0.requests["volcengine", default: 0] += 1 }
            return VolcengineVMSHandler(core: core).handle(received)
        }
        core.count { $0.requests["other", default: 0] += 1 }
        return Self.json(.notFound, .object([("Code", "NotFound"), ("Message", "no such API here")]))
    }

    /// A JSON answer with its request id header.
    static func json(_ status: HTTPResponse.Status, _ body: RawJSON, requestID: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "application/json;charset=utf-8"]
        if let requestID { headers[.init("x-acs-request-id")!] = requestID }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body.bytes)))
    }
}

/// A request as the handlers check it: exactly the bytes and headers that arrived.
struct ReceivedRequest {
    var method: String
    var rawPath: String
    var rawQuery: String
    var headers: [HTTPHeader]
    var body: [UInt8]
    var requestID: String

    var query: [QueryItem] { PercentEncoding.parseQuery(rawQuery) }

    /// The request as the gateway verifiers read it.
    var gateway: GatewayRequest {
        GatewayRequest(method: method, rawPath: rawPath, rawQuery: rawQuery, headers: headers, body: body)
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    func parameter(_ name: String) -> String? {
        query.last { $0.name == name }?.value
    }
}
