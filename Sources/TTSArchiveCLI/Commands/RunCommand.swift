import ArgumentParser
import Dispatch
import Foundation
import TTSArchiveCore
import TTSNative

/// `ttsarchive run`: the nightly job.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "List the window's SUCCEED TTS jobs, download, verify and archive their artifacts, write the manifest.",
        discussion: """
            Resumes an interrupted run first. Without --since, the window starts where the last complete run's \
            ended minus --overlap (first run: the last 24 hours). Exit 0 when complete with no failures, 1 when \
            some artifacts failed or the run was interrupted (running again retries them).
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup(title: "One run at a time, settings and monitoring") var ops: RunOpsOptions

    @Option(help: "Window start, ISO 8601 (inclusive).") var since: TimestampArgument?
    @Option(help: "Window end, ISO 8601 (inclusive; default now).") var until: TimestampArgument?
    @OptionGroup var tuning: RunTuningOptions
    @Option(name: .customLong("max-file-size"), help: "Largest artifact accepted, bytes (suffixes K, M, G).") var maxFileSize = ByteSize("2G")
    @Flag(name: .customLong("dry-run"), help: "List and count; download nothing, write nothing.") var dryRun = false
    @Flag(help: "Print the run summary as JSON on stdout.") var json = false
    @Option(help: ArgumentHelp("Archive only the jobs whose job_id hashes to K of N (needs --run-group, --since, --until).", valueName: "K/N"))
    var shard: ShardArgument?
    @Option(name: .customLong("run-group"), help: ArgumentHelp("The sharded night this shard belongs to; the last shard to finish merges it.", valueName: "id"))
    var runGroup: String?
    @Flag(help: "After the night, still holding its lock, snapshot the clouds' voice inventories (as `ttsarchive inventory`).")
    var inventory = false
    @OptionGroup(title: "Inventory (with --inventory)") var clouds: InventoryOptions

    func validate() throws {
        try validateInventory()
        if shard != nil {
            guard runGroup != nil else { throw ValidationError("--shard needs --run-group ID (the same for every shard of the night)") }
            // Every shard must cover the same window; "now" differs from host to host.
            guard since != nil, until != nil else { throw ValidationError("--shard needs an explicit --since and --until, the same for every shard") }
        }
        if let runGroup {
            guard shard != nil else { throw ValidationError("--run-group goes with --shard K/N") }
            guard SafePathComponent.isPlain(runGroup) else { throw ValidationError("--run-group '\(runGroup)' may hold only letters, digits, '.', '_' and '-'") }
        }
    }

    func run() async throws {
        // Peak memory: on the 10,000-job bench night the run peaked at 68 MiB with glibc's
        // default arenas and 60 MiB with two (the run's threads mostly wait on I/O).
        MallocTuning.limitArenas(to: 2)
        MallocTuning.mapLargeBlocks(atLeast: 128 << 10)
        try await mappingErrors {
            // Flags over ttsarchive.toml over defaults; credentials from the environment and the
            // credentials file the settings name.
            let (command, config) = try configured()
            let environment = try config.credentialEnvironment(ProcessInfo.processInfo.environment)
            if let problem = RunPreflight.problems(store: command.store, api: command.api, ops: command.ops, dryRun: dryRun, environment: environment).first {
                throw problem
            }
            try await command.archive(environment: environment)
        }
    }

    /// The run, with its settings resolved, under the archive lock; metrics written at the end.
    private func archive(environment: [String: String]) async throws {
        var metrics = MetricsRecorder(path: dryRun ? nil : ops.metricsFile, manifests: store.manifests)
        try metrics.checkWritable()
        do {
            let logger = logging.makeLogger()
            let engine = HTTPEngine(
                maxTotal: tuning.concurrency * 2, maxPerHost: tuning.concurrency, userAgent: "\(ToolInfo.name)/\(ToolInfo.version)",
                transferTimeout: api.transferDeadline(largest: maxFileSize.bytes))
            defer { engine.shutdown() }
            let client = try api.makeClient(engine: engine, logger: logger, environment: environment)
            let inventorySources = try inventorySources(environment: environment, engine: engine, logger: logger)
            var options = RunOptions()
            options.since = since?.date
            options.until = until?.date
            options.concurrency = tuning.concurrency
            options.maxFileSize = maxFileSize.bytes
            options.overlap = tuning.overlap.seconds
            options.pendingMaxAge = tuning.pendingMaxAge.seconds
            options.owedMaxAge = tuning.owedMaxAge.seconds
            options.dryRun = dryRun
            options.shard = shard?.spec
            options.runGroup = runGroup
            let opened = try await store.open(create: true, engine: engine, allowHTTP: api.allowHTTP, logger: logger).archive
            // validate() pairs --shard with --run-group.
            let scope = options.shard.map { "shards/\(runGroup ?? "")/\($0.fileStem)" }
            // One run at a time: held from before the state is read until the manifest is written.
            // A dry run changes nothing, so it neither takes the lock nor waits for it.
            let waitStart = Date()
            let waitText = ops.waitLock?.text ?? ""
            let lock = dryRun ? nil : try await opened.lock(
                scope: scope, archive: store.archive, command: CommandLine.arguments.joined(separator: " ").prefix(300).description,
                wait: ops.waitSeconds, breakLock: ops.breakLock,
                onWait: { printError("ttsarchive: waiting up to \(waitText) for the archive lock held by \($0.summary)") })
            let manifests = try opened.manifestDirectory()
            // Under the lock: the chain may have moved since the store was opened.
            if lock != nil { try await manifests.pull() }
            metrics.lockAcquired(waited: Date().timeIntervalSince(waitStart))
            if let replaced = lock?.replaced { printError("ttsarchive: took over the archive lock of \(replaced.summary)") }
            var context = RunContext(
                store: opened.objects, manifests: manifests, stateDirectory: opened.stateDirectory(for: scope), client: client,
                engine: engine, hostPolicy: HostPolicy(endpoint: client.endpoint, extraHosts: api.allowHosts, allowHTTP: api.allowHTTP),
                logger: logger)
            if let lock { context.lockLost = { lock.lostReason } }
            let outcome: RunOutcome
            var inventoryExit: Int32 = 0
            do {
                outcome = try await execute(context: context, options: options, lock: lock, metrics: &metrics)
                if inventory, lock?.lostReason == nil {
                    inventoryExit = try await snapshotInventory(inventorySources, opened: opened, manifests: manifests, logger: logger)
                }
            } catch {
                await lock?.release()
                if let reason = lock?.lostReason { throw TTSArchiveError(.unusableState, reason + "; the run stopped and its window stays open", fix: "run again once the other holder is gone") }
                throw error
            }
            await lock?.release()
            // The lease was lost mid-run: it stopped (window open); nothing may claim success.
            if let reason = lock?.lostReason { throw TTSArchiveError(.unusableState, reason + "; the run stopped and its window stays open", fix: "run again once the other holder is gone") }
            if let shard = options.shard, let runGroup, outcome.manifest.complete {
                try await mergeIfLast(opened: opened, manifests: manifests, group: runGroup, count: shard.count)
            }
            // The night's own code first; a clean night with a failed snapshot still alerts.
            let code = outcome.exitCode != 0 ? outcome.exitCode : inventoryExit
            if code != 0 { throw ExitCode(code) }
        } catch {
            // Ended before an outcome (lock held, unusable archive, credentials): still a failed run to alert on.
            let code = (error as? ExitCode)?.rawValue ?? ExitStatus.code(for: error)
            if let warning = metrics.finish(outcome: nil, exitCode: code) { printError("ttsarchive: warning: \(warning)") }
            throw error
        }
    }

    /// The run itself, with the progress display, signals and report.
    private func execute(context: RunContext, options: RunOptions, lock: RunLock?, metrics: inout MetricsRecorder) async throws -> RunOutcome {
        let display = ProgressDisplay()
        // Trapped before the run starts, so no signal falls between the two.
        let signals = await StopSignals.trap()
        let runTask = Task { try await NightlyRun(context: context, options: options).execute(progress: { display.show($0) }) }
        lock?.onLost { reason in
            printError("ttsarchive: \(reason); stopping the run")
            runTask.cancel()
        }
        signals.onStop { runTask.cancel() }
        defer { signals.release() }
        let outcome: RunOutcome
        do {
            outcome = try await runTask.value
        } catch let stopped as RunStopped {
            display.finish()
            RunReport.print(stopped.outcome, json: json)
            let code = ExitStatus.code(for: stopped)
            if let warning = metrics.finish(outcome: stopped.outcome, exitCode: code) { printError("ttsarchive: warning: \(warning)") }
            throw stopped
        }
        display.finish()
        RunReport.print(outcome, json: json)
        if let warning = metrics.finish(outcome: outcome, exitCode: outcome.exitCode) { printError("ttsarchive: warning: \(warning)") }
        return outcome
    }

    /// The last shard of a night to finish merges it (under the merge lock); the others leave
    /// it to the last, or to `ttsarchive merge`.
    private func mergeIfLast(opened: OpenedArchive, manifests: ManifestDirectory, group: String, count: Int) async throws {
        // The chain's one lock, the same a run without shards and `ttsarchive merge` take.
        let result = try await opened.withLock(scope: nil, archive: store.archive, command: "merge --run-group \(group)", wait: 600) {
            try await NightMerge(manifests: manifests).merge(group: group, expectedCount: count, requireComplete: true)
        }
        say(MergeCommand.describe(result, group: group))
        if case .merged(_, let head) = result, !json { Console.out("head \(head.sha256)") }
    }
}

extension RunCommand {
    /// A line about what the run did after the night (the merge, the inventory): on stdout,
    /// or on stderr with --json, where stdout holds the run's summary alone.
    func say(_ line: String) {
        if json { printError("ttsarchive: " + line) } else { Console.out(line) }
    }
}

extension RunCommand: ConfiguredCommand {
    var config: ConfigOptions { ops.config }
    static var settingsGroups: [SettingsGroupPath<RunCommand>] { [.init(\.store), .init(\.api), .init(\.ops), .init(\.tuning)] }
}
