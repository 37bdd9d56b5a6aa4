import Foundation
import Logging
import Synchronization
import TTSNative

/// Everything a run works with.
public struct RunContext: Sendable {
    public var store: any ObjectStore
    public var manifests: ManifestDirectory
    /// Where the run journal, pending jobs and window history live (local disk, any backend).
    public var stateDirectory: String
    public var client: MetaStudioClient
    public var engine: HTTPEngine
    public var hostPolicy: HostPolicy
    public var logger: Logger
    /// Why the lock that makes this run the chain's one writer was lost (an S3 lease taken over
    /// or not renewable), else nil. Asked just before publishing: a run without its lease may
    /// race its successor for HEAD, so it publishes nothing and leaves its window open.
    public var lockLost: @Sendable () -> String? = { nil }

    public init(store: any ObjectStore, manifests: ManifestDirectory, stateDirectory: String, client: MetaStudioClient,
                engine: HTTPEngine, hostPolicy: HostPolicy, logger: Logger) {
        self.store = store
        self.manifests = manifests
        self.stateDirectory = stateDirectory
        self.client = client
        self.engine = engine
        self.hostPolicy = hostPolicy
        self.logger = logger
    }
}

/// `ttsarchive run`: lists the window lazily, downloads each SUCCEED job's artifacts through a
/// bounded queue (oldest links first), verifies and stores them, and writes the manifest.
public struct NightlyRun: Sendable {
    public let context: RunContext
    public let options: RunOptions

    public init(context: RunContext, options: RunOptions) {
        self.context = context
        self.options = options
    }

    /// Runs until the window is done or the task is cancelled (SIGINT/SIGTERM), then writes
    /// the manifest either way. Errors that stop the listing (authentication) are thrown after
    /// the manifest is written.
    ///
    /// A disk fault (``DiskFault``) stops the run before anything claims completeness: no
    /// manifest, the window left open, exit 4.
    public func execute(progress: (@Sendable (RunProgress) -> Void)? = nil) async throws -> RunOutcome {
        do {
            return try await archive(progress: progress)
        } catch {
            throw DiskFault(error) ?? error
        }
    }

    private func archive(progress: (@Sendable (RunProgress) -> Void)?) async throws -> RunOutcome {
        let now = Date()
        let runID = RunID.make(now)
        if options.dryRun { return try await dryRun(runID: runID, now: now) }
        let stateDir = context.stateDirectory
        let (context, options) = (self.context, self.options)
        // The sweep, the journal scan and the state files are file I/O: off the cooperative pool.
        let (state, loadedPending, owed) = try await IOPool.shared.run {
            (context.store as? LocalObjectStore)?.sweepTemporaries()
            let state = try RunState(
                directory: stateDir, requestedWindow: (options.since, options.until), overlap: options.overlap, now: now,
                runID: runID, endpoint: context.client.endpoint.description, projectID: context.client.projectID,
                sharedFlush: try (context.store as? LocalObjectStore)?.fileSystemSync())
            return (state, try PendingJobs.load(stateDir), try OwedWork.load(stateDir))
        }
        if let cut = state.journal.healed { context.logger.warning("\(cut)") }
        context.logger.info("run \(runID): window \(Timestamp.format(state.window.since)) … \(Timestamp.format(state.window.until))\(state.resumed ? " (resuming)" : "")")
        var pending = loadedPending
        let owedJobs = Set(owed.dueByJob.map(\.jobID))
        let book = LinkBook(client: context.client, budget: options.relistBudget)
        let durations = AudioDurations()
        let downloader = ArtifactDownloader(
            context: context, options: options, book: book, state: state, durations: durations,
            gate: TransferGate(permits: options.concurrency))
        let lister = JobLister(client: context.client, window: state.window)
        let tracker = RunTracker(start: now)
        var failures: [ManifestFailure] = []
        var scheduler = NightScheduler(concurrency: options.artifactsInFlight)
        var open = OpenJobs()
        var stopError: (any Error)?
        var diskFault: DiskFault?

        /// Drops a job's links and durations once nothing of it is queued or in flight.
        func dropIfDone(_ jobID: String, files: Int?) async {
            guard let files else { return }
            await book.forget(jobID)
            await durations.forget(jobID, fileCount: files)
        }

        /// Takes SUCCEED jobs: records them (one durable append for all), queues what is not
        /// stored yet (of an owed job, only its owed artifacts: the others were stored by an
        /// earlier window).
        func take(_ jobs: [TtsJob], owing: Set<ArtifactKey>? = nil) async throws {
            var taken: [TtsJob] = []
            for job in jobs {
                pending.jobs[job.jobID] = nil
                // An owed job is fetched by the owed round alone, so the listing never takes it twice.
                if owing == nil && owedJobs.contains(job.jobID) { continue }
                if owing == nil && state.previouslyArchived.contains(job.jobID) {
                    tracker.alreadyArchived += 1
                    continue
                }
                if job.links.isEmpty {
                    failures.append(ManifestFailure(jobID: job.jobID, kind: nil, fileIndex: nil, error: "job is SUCCEED but lists no files", attempts: 1))
                    continue
                }
                taken.append(job)
            }
            try await state.noteJobs(taken)
            for job in taken { await queue(job, owing: owing) }
        }

        /// Queues a recorded job's artifacts that are not stored yet.
        func queue(_ job: TtsJob, owing: Set<ArtifactKey>?) async {
            let links = job.links
            let listedAt = Date()
            await book.record(job, listedAt: listedAt)
            // Subtitles wait for their audio's duration; a file without audio must not make them wait.
            for index in job.files.indices where job.files[index].audioFileURL?.isEmpty ?? true {
                await durations.set(job.jobID, index, nil)
            }
            if let owing {
                // Subtitles of a file whose audio is not fetched again wait for no duration.
                for index in job.files.indices where !owing.contains(ArtifactKey(jobID: job.jobID, kind: .audio, fileIndex: index)) {
                    await durations.set(job.jobID, index, nil)
                }
            }
            var queued = 0
            for link in links where owing?.contains(ArtifactKey(jobID: job.jobID, kind: link.kind, fileIndex: link.fileIndex)) ?? true {
                if let stored = state.stored(job.jobID, link.kind, link.fileIndex) {
                    if link.kind == .audio { await durations.set(job.jobID, link.fileIndex, stored.audioDuration) }
                    continue
                }
                scheduler.handle(.listed([ArtifactTask(
                    jobID: job.jobID, kind: link.kind, fileIndex: link.fileIndex,
                    audioFormat: job.audioFormat ?? .wav, url: link.url, listedAt: listedAt)]))
                queued += 1
            }
            await dropIfDone(job.jobID, files: open.queued(job.jobID, artifacts: queued, files: job.files.count))
        }

        // Jobs carried from earlier runs: check each again by id.
        for entry in pending.jobs.values.sorted(by: { $0.jobID < $1.jobID }) where !Task.isCancelled {
            do {
                guard let job = try await context.client.job(entry.jobID) else {
                    pending.jobs[entry.jobID] = nil
                    failures.append(ManifestFailure(jobID: entry.jobID, kind: nil, fileIndex: nil, error: "pending job is no longer listed by the API", attempts: 1))
                    continue
                }
                if job.jobState == .succeeded { try await take([job]) }
                else if job.jobState.isPending { pending.carry(job, now: now) }
                else { pending.jobs[entry.jobID] = nil }
            } catch let error as MetaStudioAPIError where error.isAuthentication {
                stopError = error
                break
            }
        }
        // Artifacts owed by earlier nights: their jobs re-listed by id for fresh links.
        for (jobID, entries) in owed.dueByJob where stopError == nil && !Task.isCancelled {
            let keys = Set(entries.map(\.key))
            do {
                if let job = try await context.client.job(jobID), job.jobState == .succeeded {
                    try await take([job], owing: keys)
                    let offered = Set(job.links.map { ArtifactKey(jobID: jobID, kind: $0.kind, fileIndex: $0.fileIndex) })
                    failures += entries.filter { !offered.contains($0.key) }.map {
                        ManifestFailure(jobID: jobID, kind: $0.kind, fileIndex: $0.fileIndex, error: "owed, but the job no longer offers this file", attempts: 0)
                    }
                    continue
                }
                failures += entries.map { ManifestFailure(jobID: jobID, kind: $0.kind, fileIndex: $0.fileIndex, error: "owed, but the API no longer lists the job as SUCCEED", attempts: 0) }
            } catch let error as MetaStudioAPIError where error.isAuthentication {
                stopError = error
            } catch let error where DiskFault(error) != nil {
                throw error
            } catch {
                failures += entries.map { ManifestFailure(jobID: jobID, kind: $0.kind, fileIndex: $0.fileIndex, error: "owed, but re-listing the job failed: \(error)", attempts: 0) }
            }
        }
        for entry in pending.expired(now: now, maxAge: options.pendingMaxAge) {
            pending.jobs[entry.jobID] = nil
            failures.append(ManifestFailure(jobID: entry.jobID, kind: nil, fileIndex: nil, error: "still \(entry.state) after the pending max age; no longer checked", attempts: 1))
        }

        if stopError != nil { scheduler.handle(.listingFailed) }
        let reporter = progress.map { ProgressTicker(report: $0) }
        // The loop only performs what the scheduler decides (NightScheduler: pure, tested alone).
        let finish = await withTaskGroup(of: (jobID: String, outcome: ArtifactOutcome).self) { group in
            while true {
                if Task.isCancelled { scheduler.handle(.cancelled) }
                switch scheduler.nextAction() {
                case .fetch(let task):
                    tracker.linkStarted(task.listedAt)
                    group.addTask { (task.jobID, await downloader.download(task)) }
                case .list:
                    do {
                        if let jobs = try await lister.next() {
                            let owned = jobs.filter { options.shard?.owns($0.jobID) ?? true }
                            for job in owned where job.jobState.isPending { pending.carry(job, now: now) }
                            try await take(owned.filter { $0.jobState == .succeeded })
                        } else {
                            scheduler.handle(.listingEnded)
                        }
                    } catch {
                        if let fault = DiskFault(error) {
                            diskFault = fault
                            scheduler.handle(.diskFault)
                        } else {
                            stopError = error
                            scheduler.handle(.listingFailed)
                        }
                    }
                    reporter?.tick(tracker.snapshot(queued: scheduler.queued, lister: await lister.snapshot))
                case .awaitTransfer:
                    guard let (jobID, outcome) = await group.next() else { preconditionFailure("the scheduler awaits a transfer it did not start") }
                    scheduler.handle(.transferFinished)
                    if case .diskFault(let fault) = outcome {
                        diskFault = diskFault ?? fault
                        scheduler.handle(.diskFault)
                        continue
                    }
                    tracker.record(outcome, failures: &failures)
                    await dropIfDone(jobID, files: open.finished(jobID))
                    reporter?.tick(tracker.snapshot(queued: scheduler.queued, lister: await lister.snapshot))
                case .cancelTransfers:
                    // In-flight transfers see the cancellation and abandon their temp files.
                    group.cancelAll()
                case .finish(let finish):
                    return finish
                }
            }
        }
        if let diskFault {
            // Nothing more is written: the journal keeps what was stored, the window stays open.
            try? await state.journal.close()
            throw diskFault
        }
        if let reason = context.lockLost() {
            try? await state.journal.close()
            throw TTSArchiveError(.unusableState, reason + "; the run stopped before publishing anything and its window stays open", fix: "run again")
        }
        let listing = await lister.snapshot
        let complete = finish.complete
        if listing.shortfall > 0 {
            failures.append(ManifestFailure(jobID: "*", kind: nil, fileIndex: nil, error: "listing drifted: the API counted \(listing.serverCount) jobs, \(listing.listed) could be listed", attempts: 1))
        }
        for entry in finish.notAttempted {
            failures.append(ManifestFailure(jobID: entry.jobID, kind: entry.kind, fileIndex: entry.fileIndex, error: "not attempted: the run was stopped", attempts: 0))
        }
        let relists = await book.relists
        let retries = tracker.retries
        try await state.noteCounters(relists: relists, retries: retries)

        var counts = ManifestCounts()
        let jobs = state.manifestJobs()
        counts.jobsListed = listing.listed
        counts.jobsByState = listing.countsByState
        counts.artifactsStored = jobs.artifactCount
        counts.bytes = jobs.bytes
        counts.objectsNew = tracker.objectsNew
        counts.objectsDeduplicated = tracker.objectsDeduplicated
        counts.storedBytes = tracker.storedBytes
        counts.relists = relists + state.earlierCounters.relists
        counts.retries = retries + state.earlierCounters.retries
        counts.jobsAlreadyArchived = tracker.alreadyArchived
        counts.badRecords = listing.badRecords.count

        var manifest = Manifest(
            runID: runID, startedAt: state.startedAt, finishedAt: Timestamp.format(Date()), complete: complete,
            tool: ["name": ToolInfo.name, "version": ToolInfo.version],
            source: ["provider": "huaweicloud.metastudio", "endpoint": context.client.endpoint.description, "project_id": context.client.projectID],
            window: RunWindowRecord(state.window), previousManifest: nil, jobs: [],
            failures: failures.sorted { ($0.jobID, $0.kind?.rawValue ?? "", $0.fileIndex ?? -1) < ($1.jobID, $1.kind?.rawValue ?? "", $1.fileIndex ?? -1) },
            counts: counts)
        manifest.pending = pending.jobs.values.sorted { $0.jobID < $1.jobID }.map {
            ManifestPendingJob(jobID: $0.jobID, state: $0.state, createTime: $0.createTime)
        }
        manifest.badRecords = listing.badRecords
        let settledOwed = owed.settled(
            isStored: { state.stored($0.jobID, $0.kind, $0.fileIndex) != nil }, failures: failures, now: now, maxAge: options.owedMaxAge)
        if !settledOwed.artifacts.isEmpty || !owed.artifacts.isEmpty { manifest.owed = settledOwed.summary }
        for item in settledOwed.abandoned {
            context.logger.warning("abandoned: job \(item.jobID) \(item.kind.rawValue)[\(item.fileIndex)] owed since \(item.owedSince) is past the owed max age and no longer fetched (last error: \(item.reason))")
        }
        let head: ManifestHead
        if let shard = options.shard, let group = options.runGroup {
            // A shard's manifest stays out of the chain: the night's merge links it.
            manifest.shard = ManifestShard(shard, runGroup: group)
            head = try await context.manifests.writeOutsideChain(manifest, jobs: jobs, as: shard.manifestFile(group: group))
        } else {
            let manifests = context.manifests
            manifest.previousManifest = try await IOPool.shared.run { try manifests.chainTip() }
            head = try await context.manifests.commit(manifest, jobs: jobs)
        }
        // Owed work is saved before the window closes: a crash in between leaves the window
        // open, and the run that resumes it finds the same owed artifacts.
        try await IOPool.shared.run { [pending] in
            try pending.save(stateDir)
            try settledOwed.save(stateDir)
        }
        if complete { try await state.completeWindow(runID: runID) } else { try await state.journal.close() }
        var outcome = RunOutcome(manifest: manifest, head: head, manifestPath: context.manifests.display(head.file))
        outcome.jobCount = jobs.jobCount
        outcome.oldestLinkAgeAtDownload = tracker.oldestAgeAtStart
        if let stopError { throw RunStopped(underlying: stopError, outcome: outcome) }
        return outcome
    }
}
