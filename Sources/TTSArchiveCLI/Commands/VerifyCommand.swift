import ArgumentParser
import Foundation
import TTSArchiveCore

/// `ttsarchive verify`: the store, every manifest and their hash chain, and every object the
/// manifests name; reports each problem by name.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify the store, every manifest, the manifests' hash chain and every object they name.",
        discussion: """
            By default: every file of the store is decompressed and re-hashed; every manifest is checked \
            against the ttsarchive.manifest/v1 schema; the chain is followed from HEAD.json back to the \
            first manifest (a removed, edited or re-ordered manifest is named); every object a manifest \
            names must exist, re-hash to its digest and have the recorded sizes. Without a manifests \
            folder, the store alone is checked. Exit 0 when everything holds, 5 when damage was found, \
            4 when the archive or the manifests folder cannot be read. With --repair (a local archive), \
            each damaged object is moved into <archive>/quarantine/ (never deleted) and every artifact \
            pointing to it, or to a missing object, is recorded as owed: the next run fetches it again \
            while its job is still on the cloud.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var config: ConfigOptions

    @Option(name: .customLong("manifest"), help: ArgumentHelp("Check this one manifest file (and its link back) instead of the whole folder.", valueName: "file"))
    var manifestFile: String?

    @Flag(help: "Check objects' presence and sizes only (stored size, gzip trailer), without decompressing.")
    var quick = false

    @Flag(name: .customLong("read-data"), help: "Decompress and re-hash every object (the default; the opposite of --quick).")
    var readData = false

    @Flag(help: "Quarantine damaged objects (moved, never deleted) and mark the artifacts pointing to them as owed, for the next run to fetch again.")
    var repair = false

    @Option(name: .customLong("expect-head"), help: ArgumentHelp("The head digest kept elsewhere; HEAD.json must record it (with --manifest: the file's own digest).", valueName: "sha256"))
    var expectHead: String?

    @Flag(help: "Print the report as JSON on stdout.")
    var json = false

    func validate() throws {
        if quick && readData { throw ValidationError("--quick and --read-data contradict each other: choose one") }
        if repair && manifestFile != nil { throw ValidationError("--repair needs the whole manifests folder to find what points to a damaged object; drop --manifest") }
        if let expectHead, ContentDigest(hex: expectHead) == nil {
            throw ValidationError("--expect-head '\(expectHead)' is not a SHA-256 digest (64 hex digits)")
        }
    }

    func run() async throws {
        try await mappingErrors { try await configured().command.execute() }
    }

    private func execute() async throws {
        try await store.withAuditedArchive { opened in
            let objects = opened.objects
            let manifestsPath = try manifestsFolder(opened.manifestsPath)
            let verifier = ManifestVerifier(store: objects, manifestsPath: manifestsPath, quick: quick, expectedHead: expectHead)
            let file = manifestFile
            let report = if let file { try await verifier.verifyFile(file) } else { try await verifier.verifyAll(includeStore: true) }
            let repaired = repair ? try await repairObjects(report, opened: opened, manifestsPath: manifestsPath) : nil
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                Console.json(String(decoding: try encoder.encode(RepairedReport(report: report, repaired: repaired)), as: UTF8.self))
            } else {
                printText(report)
                for item in repaired ?? [] {
                    let moved = item.quarantinedAs.map { "quarantined as \($0)" } ?? "missing"
                    Console.out("repaired \(item.object): \(moved); \(item.owed.count) artifact(s) owed to the next run")
                }
            }
            if !report.isClean { throw ExitCode(ExitStatus.damage) }
        }
    }

    /// `--repair`, under the archive lock: a run must not store into the object being moved.
    private func repairObjects(_ report: ManifestVerification, opened: OpenedArchive, manifestsPath: String?) async throws -> [ObjectRepair.Repaired] {
        guard let local = opened.objects as? LocalObjectStore else {
            throw TTSArchiveError(.configuration, "verify --repair works on a local archive only", path: store.archive, fix: "verify an S3 archive without --repair")
        }
        let repair = ObjectRepair(store: local, manifestsPath: manifestsPath, stateDirectory: opened.stateDirectory)
        let problems = report.problems
        return try await opened.withLock(scope: nil, archive: store.archive, command: "verify --repair", wait: 0) {
            try await IOPool.shared.run { try repair.repair(problems) }
        }
    }

    /// The manifests folder to walk, or nil when there is none (the store alone is checked).
    private func manifestsFolder(_ path: String) throws -> String? {
        if manifestFile != nil { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            printError("ttsarchive: no manifests folder at \(store.manifests): checking the store only")
            return nil
        }
        return path
    }

    private func printText(_ report: ManifestVerification) {
        for problem in report.problems { Console.out(problem.description) }
        if let head = report.head, let oldest = report.chain.last {
            Console.out("chain: \(report.chain.count) manifest(s), from HEAD \(head.file) back to \(oldest); head \(head.sha256)")
        }
        let mb = String(format: "%.1f", Double(report.bytesChecked) / 1_000_000)
        let what = report.quick ? "presence and sizes only" : "\(mb) MB original re-hashed"
        Console.out("checked \(report.manifestsChecked) manifest(s), \(report.artifactsChecked) artifact entries, "
            + "\(report.objectsChecked) objects (\(what)): " + (report.isClean ? "all good" : "\(report.problems.count) problem(s)"))
    }
}

/// `verify --json` with `--repair`: the report's keys, and `repaired` beside them.
private struct RepairedReport: Encodable {
    var report: ManifestVerification
    var repaired: [ObjectRepair.Repaired]?

    func encode(to encoder: any Encoder) throws {
        try report.encode(to: encoder)
        enum Key: String, CodingKey { case repaired }
        var c = encoder.container(keyedBy: Key.self)
        try c.encodeIfPresent(repaired, forKey: .repaired)
    }
}

extension VerifyCommand: ConfiguredCommand {
    static var settingsGroups: [SettingsGroupPath<VerifyCommand>] { [.init(\.store)] }
}
