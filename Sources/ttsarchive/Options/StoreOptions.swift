import ArgumentParser
import TTSArchiveCore

/// Where the archive and the manifests live.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The content-addressed archive directory.")
    var archive: String = "archive"

    @Option(name: .long, help: "The directory of run manifests.")
    var manifests: String = "manifests"

    /// Opens the store; `create` makes a new store in a missing or empty directory.
    func openStore(create: Bool) throws -> LocalObjectStore {
        try LocalObjectStore(root: archive, create: create)
    }
}
