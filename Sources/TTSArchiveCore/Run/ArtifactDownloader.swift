import Foundation
import HTTPTypes
import Logging
import TTSNative

/// Fetches one artifact into the store: host and expiry checks, Range resume, retries with
/// backoff, re-lists for fresh links, verification, commit, and the durable journal record.
/// Decisions come from ``ArtifactDownloadMachine``; this type does the I/O it asks for.
public struct ArtifactDownloader: Sendable {
    let context: RunContext
    let options: RunOptions
    let book: LinkBook
    let state: RunState
    let durations: AudioDurations
    /// Held only while a transfer runs (`--concurrency`); verification and commit run outside.
    let gate: TransferGate
    let policy: RetryPolicy

    init(context: RunContext, options: RunOptions, book: LinkBook, state: RunState, durations: AudioDurations,
         gate: TransferGate, policy: RetryPolicy = RetryPolicy()) {
        self.context = context
        self.gate = gate
        self.options = options
        self.book = book
        self.state = state
        self.durations = durations
        self.policy = policy
    }

    /// Downloads, verifies and stores `task`; never throws: failures are outcomes.
    public func download(_ task: ArtifactTask) async -> ArtifactOutcome {
        let pipeline = ArtifactPipeline(store: context.store, kind: task.kind, audioFormat: task.audioFormat)
        let configuration = ArtifactDownloadMachine.Configuration(
            retry: policy, maxFileSize: options.maxFileSize, expiryMargin: .seconds(options.expiryMargin),
            maxRelists: options.relistBudget)
        let box = MachineBox(ArtifactDownloadMachine(
            link: .init(url: task.url, listedAt: task.listedAt), configuration: configuration, jitterSeed: UInt64.random(in: 0...UInt64.max)))
        var listedAt = task.listedAt
        var verdict: ArtifactVerdict?
        var action = box { $0.start(now: Date()) }
        while true {
            if Task.isCancelled {
                return await give(up: task, "stopped: the run was interrupted", box, pipeline)
            }
            switch action {
            case .request(let request):
                guard let next = await attempt(request, pipeline: pipeline, box: box) else { continue }
                action = next
            case .restartFromZero(let request):
                // The response's head resets again, with its ETag.
                pipeline.reset(etag: nil)
                guard let next = await attempt(request, pipeline: pipeline, box: box) else { continue }
                action = next
            case .wait(let delay):
                do { try await Task.sleep(for: delay) } catch {
                    return await give(up: task, "stopped: the run was interrupted", box, pipeline)
                }
                action = box { $0.waitFinished(now: Date()) }
            case .relist:
                do {
                    let fresh = try await book.refresh(task.jobID, staleListing: listedAt)
                    listedAt = fresh.listedAt
                    let files = fresh.job.files
                    if fresh.job.jobState == .succeeded, files.indices.contains(task.fileIndex), let url = files[task.fileIndex].link(for: task.kind) {
                        action = box { $0.freshLink(.init(url: url, listedAt: fresh.listedAt), now: Date()) }
                    } else {
                        action = box { $0.relistFailed(.artifactGone) }
                    }
                } catch let error as LinkBook.RelistError where error.budgetSpent {
                    action = box { $0.relistFailed(.budgetSpent) }
                } catch {
                    if Task.isCancelled { return await give(up: task, "stopped: the run was interrupted", box, pipeline) }
                    let message = "\(error)"
                    action = box { $0.relistFailed(.apiError(message)) }
                }
            case .verify(_, let expectedLength, let etag):
                do {
                    let checked = try await verify(task, pipeline: pipeline, expectedLength: expectedLength, etag: etag)
                    verdict = checked
                    action = box { $0.verificationFinished(checked, now: Date()) }
                } catch {
                    if let fault = DiskFault(error) { return await stop(task, fault, pipeline) }
                    return await give(up: task, "storing failed: \(error)", box, pipeline)
                }
            case .succeed(let success):
                let link = box { $0.link }
                return await commit(task, link: link.url, pipeline: pipeline, verdict: verdict ?? ArtifactVerdict(), attempts: success.attempts)
            case .fail(let failure):
                return await give(up: task, failure.description, box, pipeline)
            case .continueWriting, .collectErrorBody:
                return await give(up: task, "internal error: transfer action outside a transfer", box, pipeline)
            }
        }
    }

    /// One HTTP exchange for `request`, inside the transfer gate; returns the machine's next
    /// action, or nil when the run was cancelled while this waited for the gate.
    private func attempt(
        _ request: ArtifactDownloadMachine.Request, pipeline: ArtifactPipeline, box: MachineBox
    ) async -> ArtifactDownloadMachine.Action? {
        guard await gate.enter() else { return nil }
        defer { gate.leave() }
        let link: URLComponents
        switch context.hostPolicy.check(request.url) {
        case .success(let components): link = components
        case .failure(let refusal):
            let fault = ArtifactDownloadMachine.NetworkFault(isTransient: false, detail: refusal.description)
            return box { $0.transferFinished(.networkError(fault), now: Date()) }
        }
        var headers = HTTPFields()
        if let ifRange = request.ifRange { headers[.ifRange] = ifRange }
        let host = link.host ?? ""
        let http = HTTPTransferRequest(
            url: request.url, headers: headers, rangeFrom: request.rangeFrom, maxBodyBytes: options.maxFileSize,
            connectTimeout: 15, lowSpeedBytes: 1, lowSpeedSeconds: 60,
            allowHTTP: context.hostPolicy.allowHTTP || Endpoint.isLoopback(host))
        let sink = TransferSink(pipeline: pipeline, box: box)
        let outcome: ArtifactDownloadMachine.TransferOutcome
        do {
            let result = try await context.engine.execute(http, sink: sink)
            if let interruption = sink.state.withLock({ $0.interruption }) { return interruption }
            let seen = sink.state.withLock { $0 }
            if let error = result.transportError, error.reason == .tooLarge, seen.head == nil, [200, 206].contains(result.head.status),
               let length = result.head.contentLength, length > options.maxFileSize {
                // curl refused the announced length while reading the headers, before the sink
                // saw them: the machine judges that head (an implausible length is retried).
                return box { $0.responseHead(TransferSink.machineHead(result.head), now: Date()) }
            }
            if let error = result.transportError {
                outcome = Self.outcome(for: error)
            } else {
                outcome = seen.storing ? .completed : .errorBody(seen.errorBody)
            }
        } catch let error as HTTPTransportError {
            if let interruption = sink.state.withLock({ $0.interruption }) { return interruption }
            outcome = Self.outcome(for: error)
        } catch {
            outcome = .networkError(.init(isTransient: false, detail: "\(error)"))
        }
        return box { $0.transferFinished(outcome, now: Date()) }
    }

    static func outcome(for error: HTTPTransportError) -> ArtifactDownloadMachine.TransferOutcome {
        if error.reason == .timedOut { return .timedOut }
        return .networkError(.init(isTransient: error.reason.isTransient, code: Int(error.curlCode), detail: error.description))
    }

    private func give(up task: ArtifactTask, _ reason: String, _ box: MachineBox, _ pipeline: ArtifactPipeline) async -> ArtifactOutcome {
        await pipeline.abandon()
        if task.kind == .audio { await durations.set(task.jobID, task.fileIndex, nil) }
        return failure(task, reason, box { $0.attempts })
    }

    /// Content checks, length, ETag MD5 and (for subtitles) the fit to the audio's duration.
    private func verify(_ task: ArtifactTask, pipeline: ArtifactPipeline, expectedLength: Int64?, etag: String?) async throws -> ArtifactVerdict {
        let summary = try await pipeline.summarize()
            var verdict = summary.verdict
            verdict.apply(TransportChecks.byteCount(received: summary.bytes, contentLength: expectedLength))
            // No MD5 when the from-zero response had no MD5 ETag (nothing to compare with).
            if let md5 = summary.md5 { verdict.apply(TransportChecks.etag(etag, matchesMD5: md5)) }
            if task.kind == .subtitles, verdict.failure == nil {
                // The audio of the same file is queued ahead of its subtitles, so this wait
                // ends; nil when the audio failed or has no computable duration.
                let duration = await durations.wait(task.jobID, task.fileIndex)
                verdict.apply(SubtitleFit.check(lastCueEnd: verdict.lastCueEnd, audioDuration: duration, tolerance: options.subtitleTolerance))
            }
            return verdict
    }

    private func commit(_ task: ArtifactTask, link: String, pipeline: ArtifactPipeline, verdict: ArtifactVerdict, attempts: Int) async -> ArtifactOutcome {
        do {
            let object = try await pipeline.commit()
            let artifact = ManifestArtifact(
                kind: task.kind, fileIndex: task.fileIndex, sha256: object.digest.hex, size: object.size,
                storedSize: object.storedSize, storedSHA256: object.storedSHA256, object: object.path,
                mediaType: task.kind.mediaType(audioFormat: task.audioFormat),
                checks: verdict.checkNames, source: Redaction.url(link))
            var recorded = artifact
            if task.kind == .audio { recorded.audioDuration = verdict.audioDuration }
            try await state.noteArtifact(recorded, jobID: task.jobID)
            if task.kind == .audio { await durations.set(task.jobID, task.fileIndex, verdict.audioDuration) }
            return .stored(recorded, object, attempts: attempts)
        } catch {
            if let fault = DiskFault(error) { return await stop(task, fault, pipeline) }
            await pipeline.abandon()
            if task.kind == .audio { await durations.set(task.jobID, task.fileIndex, nil) }
            return failure(task, "storing failed: \(error)", attempts)
        }
    }

    /// A disk fault: not this artifact's failure but the night's; the run stops.
    private func stop(_ task: ArtifactTask, _ fault: DiskFault, _ pipeline: ArtifactPipeline) async -> ArtifactOutcome {
        await pipeline.abandon()
        if task.kind == .audio { await durations.set(task.jobID, task.fileIndex, nil) }
        context.logger.debug("job \(task.jobID) \(task.kind.rawValue)[\(task.fileIndex)] stopped the run: \(fault.underlying)")
        return .diskFault(fault)
    }

    private func failure(_ task: ArtifactTask, _ reason: String, _ attempts: Int) -> ArtifactOutcome {
        context.logger.debug("job \(task.jobID) \(task.kind.rawValue)[\(task.fileIndex)] failed: \(reason)")
        return .failed(ManifestFailure(jobID: task.jobID, kind: task.kind, fileIndex: task.fileIndex, error: reason, attempts: attempts))
    }
}
