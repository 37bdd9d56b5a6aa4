import ArgumentParser
import Foundation
import TTSArchiveCore

/// `ttsarchive put FILE...`: stores files (or stdin) and prints their digests.
struct PutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put",
        abstract: "Store files in the archive.",
        discussion: "Prints '<sha256>  <new|existing>  <size>  <stored size>' per file. '-' reads standard input."
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "Files to store; '-' for standard input.")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file, or '-' for standard input") }
    }

    func run() async throws {
        try await mappingErrors {
            let (opened, engine) = try await store.open(create: true, engine: nil)
            defer { engine?.shutdown() }
            let store = opened.objects
            let files = self.files
            let lines = try await Blocking.run { () -> [String] in
                (store as? LocalObjectStore)?.sweepTemporaries()
                return try files.map { path in
                    let object = try Self.put(path, into: store)
                    return "\(object.digest.hex)  \(object.isNew ? "new" : "existing")  \(object.size)  \(object.storedSize)"
                }
            }
            for line in lines { print(line) }
        }
    }

    /// Streams one file into the store.
    static func put(_ path: String, into store: any ObjectStore) throws -> StoredObject {
        let input: FileHandle
        if path == "-" {
            input = FileHandle.standardInput
        } else {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw TTSArchiveError(.partial, "cannot read \(path): no such file, or not readable")
            }
            input = handle
        }
        let writer = try store.makeWriter()
        do {
            while true {
                let chunk = input.readData(ofLength: 256 * 1024)
                if chunk.isEmpty { break }
                try chunk.withUnsafeBytes { try writer.write($0) }
            }
            return try writer.commit()
        } catch {
            writer.abandon()
            throw error
        }
    }
}
