import ArgumentParser
import Foundation
import TTSArchiveCore

/// `ttsarchive merge --run-group ID`: writes a sharded night's manifest into the chain.
struct MergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the shard manifests of a sharded night into one manifest of the hash chain.",
        discussion: """
            The last shard of a night to finish does this itself when every shard completed. Run it by hand \
            when a shard ended incomplete and the night must be recorded anyway. Exit 0 when merged and \
            complete without failures; 1 when shards are missing, incomplete, or had failures.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var config: ConfigOptions

    @Option(name: .customLong("run-group"), help: "The night's run group (the --run-group its shards ran with).")
    var runGroup: String

    @Option(help: "How many shards the night has (checked against the shard manifests).")
    var shards: Int?

    @Option(name: .customLong("wait-lock"), help: ArgumentHelp("Wait this long for a merge in progress elsewhere.", valueName: "duration"))
    var waitLock = DurationArgument("10m")

    @Flag(help: "Print the outcome as JSON on stdout.") var json = false

    func validate() throws {
        guard SafePathComponent.isPlain(runGroup) else { throw ValidationError("--run-group '\(runGroup)' may hold only letters, digits, '.', '_' and '-'") }
        if let shards, !(1...4096).contains(shards) { throw ValidationError("--shards must be 1…4096") }
    }

    func run() async throws {
        try await mappingErrors { try await configured().command.execute() }
    }

    private func execute() async throws {
        let (opened, engine) = try await store.open(create: false, engine: nil)
        defer { engine?.shutdown() }
        let manifests = try opened.manifestDirectory()
        let (group, count) = (runGroup, shards)
        let result = try await opened.withLock(
            scope: nil, archive: store.archive, command: "merge --run-group \(group)", wait: waitLock.seconds
        ) {
            try await NightMerge(manifests: manifests).merge(group: group, expectedCount: count)
        }
        if json {
            try Console.json(encoding: MergeResult(result, group: runGroup))
        } else {
            Console.out(Self.describe(result, group: runGroup))
            if case .merged(_, let head) = result { Console.out("head \(head.sha256)") }
        }
        switch result {
        case .merged(let manifest, _):
            if !manifest.complete || !manifest.failures.isEmpty { throw ExitCode(ExitStatus.partialFailure) }
        case .waiting:
            throw ExitCode(ExitStatus.partialFailure)
        case .alreadyMerged:
            break
        }
    }

    /// One line about a merge's outcome.
    static func describe(_ result: NightMerge.Outcome, group: String) -> String {
        switch result {
        case .merged(let manifest, let head):
            let state = manifest.complete ? "complete" : "INCOMPLETE"
            return "merged run group \(group): \(manifest.shards?.count ?? 0) shards, \(manifest.jobs.count) jobs, "
                + "\(manifest.failures.count) failures (\(state)) into \(head.file)"
        case .waiting(let missing):
            return "run group \(group): not merged yet, waiting for shard(s) \(missing.joined(separator: ", "))"
        case .alreadyMerged(let runID):
            return "run group \(group) was already merged as run \(runID)"
        }
    }
}

/// `merge --json` (docs/formats.md#command-results).
private struct MergeResult: Encodable {
    var runGroup: String
    var outcome: String
    var runID: String?
    var file: String?
    var headSHA256: String?
    var shards: Int?
    var jobs: Int?
    var failures: Int?
    var complete: Bool?
    var missingShards: [String]?

    init(_ result: NightMerge.Outcome, group: String) {
        runGroup = group
        switch result {
        case .merged(let manifest, let head):
            outcome = "merged"
            (runID, file, headSHA256) = (manifest.runID, head.file, head.sha256)
            (shards, jobs, failures, complete) = (manifest.shards?.count ?? 0, manifest.jobs.count, manifest.failures.count, manifest.complete)
        case .waiting(let missing):
            outcome = "waiting"
            missingShards = missing
        case .alreadyMerged(let id):
            outcome = "already_merged"
            runID = id
        }
    }

    enum CodingKeys: String, CodingKey {
        case outcome, file, shards, jobs, failures, complete
        case runGroup = "run_group"
        case runID = "run_id"
        case headSHA256 = "head_sha256"
        case missingShards = "missing_shards"
    }
}

extension MergeCommand: ConfiguredCommand {
    static var settingsGroups: [SettingsGroupPath<MergeCommand>] { [.init(\.store)] }
}
