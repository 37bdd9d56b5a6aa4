import Foundation
import Hummingbird
import TTSArchiveCore

extension SimulatorResponder {
    /// An OBS object behind a pre-signed link: link check, persistent object faults, transient
    /// faults, then the (possibly ranged) body.
    func download(_ request: Request, context: Context, requestID: String) async throws -> Response {
        let isHead = request.method == .head
        guard isHead || request.method == .get else {
            core.stats.request("other")
            return SimulatorResponses.obsError(
                .methodNotAllowed, code: "MethodNotAllowed", message: "The specified method is not allowed",
                requestID: requestID, resource: request.uri.path)
        }
        core.stats.request(isHead ? "download_head" : "download")
        let rest = request.uri.path.dropFirst("/obs/".count)
        guard let slash = rest.firstIndex(of: "/"), String(rest[..<slash]) == core.config.bucket else {
            return SimulatorResponses.obsError(
                .notFound, code: "NoSuchBucket", message: "The specified bucket does not exist", requestID: requestID,
                resource: request.uri.path)
        }
        let keyText = String(rest[rest.index(after: slash)...])
        let resource = "/\(core.config.bucket)/\(keyText)"
        let now = Date().timeIntervalSince1970
        switch core.signer.check(
            bucket: core.config.bucket, objectKey: keyText, query: PercentEncoding.parseQuery(request.uri.query ?? ""),
            now: now)
        {
        case .valid:
            break
        case .missingParameters:
            core.stats.update { $0.linkSignatureFailures += 1 }
            return SimulatorResponses.obsError(
                .forbidden, code: "AccessDenied",
                message: "Query-string authentication requires the Signature, Expires and AccessKeyId parameters",
                requestID: requestID, resource: resource)
        case .badSignature:
            core.stats.update { $0.linkSignatureFailures += 1 }
            return SimulatorResponses.obsError(
                .forbidden, code: "SignatureDoesNotMatch",
                message: "The request signature we calculated does not match the signature you provided.",
                requestID: requestID, resource: resource)
        case .expired(let expires):
            core.stats.update { $0.linksExpired += 1 }
            return SimulatorResponses.obsError(
                .forbidden, code: "AccessDenied", message: "Request has expired", requestID: requestID,
                resource: resource,
                extra: [("Expires", Timestamp.format(seconds: expires)), ("ServerTime", Timestamp.format(seconds: Int64(now)))])
        }
        guard let (job, _, content) = core.resolve(objectKey: keyText) else {
            return SimulatorResponses.obsError(
                .notFound, code: "NoSuchKey", message: "The specified key does not exist.", requestID: requestID,
                resource: resource)
        }
        core.stats.object(keyText) { isHead ? ($0.headRequests += 1) : ($0.requests += 1) }
        let knobs = core.currentKnobs

        if core.isFaulty(.redirectFile, objectKey: keyText, knobs: knobs) {
            core.stats.fault(.redirectFile, object: keyText)
            return Response(status: .found, headers: [.location: "file:///etc/passwd", .contentLength: "0"])
        }
        let body = ArtifactBody(content: content, seed: core.config.seed, wave: core.wave)
        let etag = await core.etags.etag(for: content, body: body)
        var headers: HTTPFields = [
            .contentType: body.mediaType, .eTag: etag, .acceptRanges: "bytes",
            .lastModified: Timestamp.httpDate(seconds: job.createTime),
        ]
        SimulatorResponses.setOBSRequestID(requestID, in: &headers)

        if core.isFaulty(.absurdLength, objectKey: keyText, knobs: knobs), isHead || core.absurdLengthHolds(objectKey: keyText) {
            core.stats.fault(.absurdLength, object: keyText)
            headers[.contentLength] = String(core.config.absurdContentLength)
            if isHead { return Response(status: .ok, headers: headers) }
            let plan = BodyStreamer(
                core: core, body: body, range: 0..<min(body.size, 1 << 20), objectKey: keyText, fault: nil,
                isWholeObject: false, channel: context.channel, cutAfterwards: true)
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in try await plan.run(&writer) })
        }

        let fault =
            isHead
            ? nil
            : core.planner.withLock {
                $0.decide(
                    key: "object|" + keyText, among: FaultKind.downloadTransient, rates: knobs.faults,
                    mode: knobs.faultMode, faultyAttempts: knobs.faultAttempts)
            }
        switch fault {
        case .download5xx:
            core.stats.fault(.download5xx, object: keyText)
            return SimulatorResponses.obsError(
                .serviceUnavailable, code: "ServiceUnavailable", message: core.serverText("Please reduce your request rate."),
                requestID: requestID, resource: resource)
        case .download429:
            core.stats.fault(.download429, object: keyText)
            return SimulatorResponses.obsError(
                .tooManyRequests, code: "SlowDown", message: "Please reduce your request rate.", requestID: requestID,
                resource: resource, headers: [.retryAfter: "1"])
        case .endlessError:
            core.stats.fault(.endlessError, object: keyText)
            return EndlessErrorBody(core: core, contentType: "application/xml", requestID: requestID).response()
        case let other?:
            core.stats.fault(other, object: keyText)
        case nil:
            break
        }

        let range: Range<Int>
        var status = HTTPResponse.Status.ok
        switch ByteRangeRequest.parse(request.headers[.range], size: body.size) {
        case .whole:
            range = 0..<body.size
        case .partial(let requested):
            range = requested
            status = .partialContent
            headers[.contentRange] = "bytes \(requested.lowerBound)-\(requested.upperBound - 1)/\(body.size)"
        case .unsatisfiable:
            return SimulatorResponses.obsError(
                .rangeNotSatisfiable, code: "InvalidRange", message: "The requested range cannot be satisfied.",
                requestID: requestID, resource: resource, headers: [.contentRange: "bytes */\(body.size)"])
        }
        headers[.contentLength] = String(range.count)
        if isHead { return Response(status: status, headers: headers) }
        let plan = BodyStreamer(
            core: core, body: body, range: range, objectKey: keyText, fault: fault,
            isWholeObject: range.count == body.size, channel: context.channel, cutAfterwards: false)
        return Response(
            status: status, headers: headers,
            body: ResponseBody(contentLength: range.count) { writer in try await plan.run(&writer) })
    }
}
