import Foundation
import Hummingbird
import TTSArchiveCore

extension SimulatorResponder {
    /// ShowTtsJob: auth, validation, then the transient listing faults, then the page.
    func listJobs(_ request: Request, project: String, requestID: String) async throws -> Response {
        core.stats.request("list")
        var request = request
        if let refusal = try await authenticate(&request, project: project, requestID: requestID) { return refusal }
        let query: ListingQuery
        do {
            query = try ListingQuery.parse(PercentEncoding.parseQuery(request.uri.query ?? ""))
        } catch {
            core.stats.update { $0.validationErrors += 1 }
            return SimulatorResponses.apiError(
                .badRequest, code: "MSS.000000003", message: "Invalid parameter: \(error.message)", requestID: requestID)
        }
        let knobs = core.currentKnobs
        let fault = core.planner.withLock {
            $0.decide(
                key: "list|" + query.pageKey, among: FaultKind.listingTransient, rates: knobs.faults,
                mode: knobs.faultMode, faultyAttempts: knobs.faultAttempts)
        }
        switch fault {
        case .list5xx:
            core.stats.fault(.list5xx)
            return SimulatorResponses.apiError(
                .internalServerError, code: "MSS.000000002", message: core.serverText("Internal error, please try again later"),
                requestID: requestID)
        case .list429:
            core.stats.fault(.list429)
            return SimulatorResponses.apiError(
                .tooManyRequests, code: "APIGW.0308",
                message: "The throttling threshold has been reached: policy user over ratelimit", requestID: requestID,
                headers: [.retryAfter: "1"])
        case .endlessError:
            core.stats.fault(.endlessError)
            return EndlessErrorBody(core: core, contentType: "application/json", requestID: requestID).response()
        default:
            break
        }

        let elapsed = core.elapsed
        let (count, page) = core.world.withLock { $0.list(query) }
        var renderer = JobRenderer(
            baseURL: core.config.linkBase ?? core.baseURL, bucket: core.config.bucket, signer: core.signer,
            expires: Int64((Date().timeIntervalSince1970 + knobs.linkTTL).rounded(.up)), seed: core.config.seed,
            foreignHostRate: knobs.faults[.foreignHost])
        var hostile = 0, broken = 0
        let records: [RawJSON] = page.map { job in
            let state = job.state(elapsed: elapsed, pendingBecomeSucceededAfter: knobs.pendingBecomeSucceededAfter)
            if job.jobID != job.uid { hostile += 1 }
            if job.badRecord != nil { broken += 1 }
            return renderer.record(job, state: state)
        }
        var body = RawJSON.object([("count", .int(Int64(count))), ("data", .array(records))]).bytes
        if fault == .malformedJSON {
            // Cut mid-document: well-formed HTTP, unparseable JSON.
            body = Array(body.prefix(max(1, body.count * 2 / 3)))
            core.stats.fault(.malformedJSON)
        }

        var appeared = 0
        if knobs.appearPerPage > 0, query.jobID == nil {
            appeared = knobs.appearPerPage
            core.world.withLock { $0.appear(appeared, within: query, faults: knobs.faults) }
        }
        core.stats.update { stats in
            stats.listingPages += 1
            stats.jobsAppeared += appeared
            stats.linksMinted += renderer.linksMinted
            if renderer.foreignLinks > 0 { stats.faults[FaultKind.foreignHost.rawValue, default: 0] += renderer.foreignLinks }
            if hostile > 0 { stats.faults[FaultKind.hostileJobID.rawValue, default: 0] += hostile }
            if broken > 0 { stats.faults[FaultKind.badRecord.rawValue, default: 0] += broken }
        }
        return SimulatorResponses.json(.ok, body)
    }

    /// ShowVoiceTrainingQuotas: the account's voice-training resources, paged.
    func listQuotas(_ request: Request, project: String, requestID: String) async throws -> Response {
        core.stats.request("quotas")
        var request = request
        if let refusal = try await authenticate(&request, project: project, requestID: requestID) { return refusal }
        var offset = 0, limit = 10
        for item in PercentEncoding.parseQuery(request.uri.query ?? "") {
            let range = item.name == "limit" ? 1...100 : 0...2_147_483_647
            guard item.name == "limit" || item.name == "offset" else { continue }
            guard let value = Int(item.value), range.contains(value) else {
                core.stats.update { $0.validationErrors += 1 }
                return SimulatorResponses.apiError(
                    .badRequest, code: "MSS.000000003",
                    message: "Invalid parameter: \(item.name) must be an integer from \(range.lowerBound) to \(range.upperBound)",
                    requestID: requestID)
            }
            if item.name == "limit" { limit = value } else { offset = value }
        }
        let all = QuotaCatalog.resources(seed: core.config.seed, count: core.config.quotaResourceCount)
        let page = all.dropFirst(offset).prefix(limit).map(\.json)
        let body: RawJSON = .object([
            ("count", .int(Int64(all.count))), ("resource_available_nums", QuotaCatalog.availableByType(all)),
            ("resources", .array(Array(page))),
        ])
        return SimulatorResponses.json(.ok, body.bytes)
    }
}
