import ArgumentParser
import Foundation
import TTSArchiveCore

/// `ttsarchive export`: a run as an RFC 8493 BagIt bag (a folder, a `.tar`, or a `.tar.gz`).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a run as a BagIt bag (RFC 8493): a folder, a .tar or a .tar.gz.",
        discussion: """
            The bag holds bagit.txt, bag-info.txt (Source-Organization, External-Identifier = the run id, \
            Bagging-Date = the run's finished_at date, Payload-Oxum), data/<job_id>/<kind>-<i>.<ext> as \
            restore writes them, manifest-sha256.txt, the run's manifest as ttsarchive-manifest.json, and \
            tagmanifest-sha256.txt. Nothing depends on the clock: exporting a run twice gives identical \
            bytes. The output must not exist yet (an empty folder is fine for --bagit). Exit codes as \
            restore: 5 when an object is damaged (and nothing is left under the output name).
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var config: ConfigOptions

    @Option(name: .customLong("run"), help: ArgumentHelp("The run to export.", valueName: "run-id"))
    var runID: String

    @Option(name: .customLong("bagit"), help: ArgumentHelp("Write the bag as this folder.", valueName: "dir"))
    var bagDirectory: String?

    @Option(name: .customLong("tar"), help: ArgumentHelp("Write the bag as one file: .tar, or .tar.gz / .tgz for gzip.", valueName: "file"))
    var tarFile: String?

    @Option(name: .customLong("source-organization"), help: ArgumentHelp("bag-info.txt's Source-Organization (default: the MetaStudio project).", valueName: "name"))
    var sourceOrganization: String?

    @Flag(help: "Print the outcome as JSON on stdout.")
    var json = false

    func validate() throws {
        if bagDirectory == nil && tarFile == nil {
            throw ValidationError("say where the bag goes: --bagit DIR and/or --tar FILE")
        }
        if let tarFile, !(tarFile.hasSuffix(".tar") || tarFile.hasSuffix(".tar.gz") || tarFile.hasSuffix(".tgz")) {
            throw ValidationError("--tar '\(tarFile)' must end with .tar, .tar.gz or .tgz")
        }
    }

    func run() async throws {
        try await mappingErrors { try await configured().command.execute() }
    }

    private func execute() async throws {
        try await store.withAuditedArchive { opened in
            let objects = opened.objects
            let payload = try RunPayload.load(runID: runID, manifestsPath: opened.manifestsPath)
            warnUnlessChained(payload, manifestsPath: opened.manifestsPath)
            let plan = BagPlan(payload: payload, sourceOrganization: sourceOrganization)
            let exporter = BagItExporter(store: objects)
            for refused in payload.refused { printError("ttsarchive: refused: \(refused)") }
            let summary = "\(payload.files.count) files, \(payload.totalSize) bytes, run \(payload.manifest.runID)"
            if let bagDirectory {
                try await exporter.writeDirectory(plan, to: bagDirectory)
                if !json { Console.out("bag \(bagDirectory): \(summary)") }
            }
            if let tarFile {
                let gzip = !tarFile.hasSuffix(".tar")
                try await exporter.writeTar(plan, to: tarFile, gzip: gzip)
                if !json { Console.out("tar \(tarFile): \(summary)") }
            }
            if json {
                try Console.json(
                    encoding: AuditResult(
                        runID: payload.manifest.runID, files: payload.files.count, written: payload.files.count,
                        bytes: payload.totalSize, bagit: bagDirectory, tar: tarFile, refused: payload.refused.map(AuditResult.Refused.init)))
            }
            if !payload.refused.isEmpty { throw ExitCode(ExitStatus.partialFailure) }
        }
    }
}

extension ExportCommand: ConfiguredCommand {
    static var settingsGroups: [SettingsGroupPath<ExportCommand>] { [.init(\.store)] }
}
