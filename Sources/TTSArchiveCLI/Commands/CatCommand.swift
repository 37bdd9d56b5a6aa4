import ArgumentParser
import Foundation
import TTSArchiveCore

/// `ttsarchive cat SHA256`: writes an object's original bytes to stdout, verifying them.
struct CatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Write an object's original bytes to standard output, verifying its digest.",
        discussion: """
            Exit 5 (and a message on stderr) when the object is damaged; 1 when there is no such object. \
            When a manifest records the object's size, at most that size plus one byte is written: an \
            object that inflates beyond it is damaged (or planted), and is reported before it fills a disk.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var config: ConfigOptions

    @Argument(help: "The object's SHA-256 (64 hex digits).")
    var digest: String

    func validate() throws {
        if ContentDigest(hex: digest) == nil {
            throw ValidationError("'\(digest)' is not a SHA-256 digest (64 hex digits)")
        }
    }

    func run() async throws {
        try await mappingErrors { try await configured().command.execute() }
    }

    private func execute() async throws {
        let (opened, engine) = try await store.open(create: false, engine: nil)
        defer { engine?.shutdown() }
        let store = opened.objects
        let manifestsPath = opened.manifestsPath
        guard let digest = ContentDigest(hex: self.digest) else { throw ValidationError("'\(self.digest)' is not a SHA-256 digest") }
        // The same cap as restore's: the size the manifests record, plus one byte.
        let limit = try await IOPool.shared.run { RecordedSize.of(digest, manifestsPath: manifestsPath) }
        // Raw bytes, not escaped: this is the object itself. A failed write ends the read.
        try await store.readObject(digest, limit: limit) { chunk in try OutputChannel.standardOutput.write(chunk) }
    }
}

extension CatCommand: ConfiguredCommand {
    static var settingsGroups: [SettingsGroupPath<CatCommand>] { [.init(\.store)] }
}
