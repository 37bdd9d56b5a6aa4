import ArgumentParser
import Foundation
import SystemPackage
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
            for line in lines { Console.out(line) }
        }
    }

    /// Streams one file into the store. Read with `read(2)`: a directory or an unreadable
    /// file is an error to report, not a trap (Foundation's FileHandle traps on EISDIR).
    static func put(_ path: String, into store: any ObjectStore) throws -> StoredObject {
        let input: FileDescriptor
        do {
            input = path == "-" ? .standardInput : try FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec)
        } catch {
            throw TTSArchiveError(.partial, "cannot read \(TerminalText.escape(path)): \(error)")
        }
        defer { if path != "-" { try? input.close() } }
        let writer = try store.makeWriter()
        do {
            var buffer = [UInt8](repeating: 0, count: 256 * 1024)
            while true {
                let n: Int
                do {
                    n = try buffer.withUnsafeMutableBytes { try input.read(into: $0) }
                } catch {
                    throw TTSArchiveError(.partial, "cannot read \(TerminalText.escape(path)): \(error)")
                }
                if n == 0 { break }
                try buffer.withUnsafeBytes { try writer.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
            return try writer.commit()
        } catch {
            writer.abandon()
            throw error
        }
    }
}
