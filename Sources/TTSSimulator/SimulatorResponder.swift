import Foundation
import Hummingbird
import NIOCore
import TTSArchiveCore

/// The request context: Hummingbird's core storage plus the connection, which the `reset`
/// fault needs to close with an RST.
struct SimulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Routes every request to its handler and stamps `X-Request-Id` on every response.
///
/// Routing is by hand rather than by Hummingbird's router because object keys contain `/`
/// and every path needs the raw (still percent-encoded) form for signature checks.
struct SimulatorResponder: HTTPResponder {
    typealias Context = SimulatorRequestContext
    let core: SimulatorCore

    func respond(to request: Request, context: Context) async throws -> Response {
        let requestID = core.nextRequestID()
        var response = try await route(request, context: context, requestID: requestID)
        SimulatorResponses.setRequestID(requestID, in: &response.headers)
        return response
    }

    private func route(_ request: Request, context: Context, requestID: String) async throws -> Response {
        let path = request.uri.path
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch (request.method, path) {
        case (.get, "/__stats"):
            core.stats.request("stats")
            return try statsResponse()
        case (.post, "/__control"):
            core.stats.request("control")
            return try await control(request, requestID: requestID)
        case (.post, "/__reset_stats"):
            core.stats.request("reset_stats")
            core.stats.reset()
            core.planner.withLock { $0.resetAttempts() }
            return try statsResponse()
        default:
            break
        }
        if path.hasPrefix("/obs/") {
            return try await download(request, context: context, requestID: requestID)
        }
        if parts.count == 5, parts[0].isEmpty, parts[1] == "v1" {
            let endpoint = (parts[3], parts[4])
            if endpoint == ("ttsc", "tts-jobs") || endpoint == ("voice-training-manage", "quotas") {
                guard request.method == .get else {
                    core.stats.request("other")
                    return SimulatorResponses.apiError(
                        .methodNotAllowed, code: "MSS.000000003", message: "only GET is supported here",
                        requestID: requestID)
                }
                let project = PercentEncoding.unquote(parts[2])
                return endpoint.0 == "ttsc"
                    ? try await listJobs(request, project: project, requestID: requestID)
                    : try await listQuotas(request, project: project, requestID: requestID)
            }
        }
        core.stats.request("other")
        return SimulatorResponses.apiError(
            .notFound, code: "APIGW.0101", message: "The API does not exist or has not been published in the environment",
            requestID: requestID)
    }

    /// Runs the auth check for an API request; nil when allowed, else the error response.
    func authenticate(_ request: inout Request, project: String, requestID: String) async throws -> Response? {
        let body = try await request.collectBody(upTo: 1 << 20)
        var headers = request.headers.map { HTTPHeader($0.name.rawName, $0.value) }
        if let authority = request.head.authority { headers.append(HTTPHeader("Host", authority)) }
        let verdict = core.auth.check(
            method: request.method.rawValue, rawPath: request.uri.path, rawQuery: request.uri.query ?? "",
            headers: headers, body: Array(buffer: body), pathProject: project, now: Date())
        switch verdict {
        case .allowed:
            return nil
        case .unauthorized(let message):
            core.stats.update { $0.authFailures += 1 }
            return SimulatorResponses.apiError(
                .unauthorized, code: "MSS.000000004", message: "Authentication failed: \(message)", requestID: requestID)
        case .forbidden(let message):
            core.stats.update { $0.authFailures += 1 }
            return SimulatorResponses.apiError(
                .forbidden, code: "MSS.000000004", message: "Access denied: \(message)", requestID: requestID)
        }
    }

    private func statsResponse() throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return SimulatorResponses.json(.ok, Array(try encoder.encode(core.stats.snapshot)))
    }

    private func control(_ request: Request, requestID: String) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        do {
            let patch = try JSONDecoder().decode(ControlPatch.self, from: Data(Array(buffer: body)))
            let updated = try core.knobs.withLock { knobs throws(SimulatorConfigError) -> RuntimeKnobs in
                try knobs.apply(patch)
                return knobs
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return SimulatorResponses.json(.ok, Array(try encoder.encode(updated)))
        } catch {
            return SimulatorResponses.apiError(
                .badRequest, code: "MSS.000000003", message: "bad control patch: \(error)", requestID: requestID)
        }
    }
}
