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
    @OptionGroup var config: ConfigOptions

    @Flag(help: "Print the stored objects as JSON on stdout.") var json = false

    @Argument(help: "Files to store; '-' for standard input.")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file, or '-' for standard input") }
    }

    func run() async throws {
        try await mappingErrors { try await configured().command.execute() }
    }

    private func execute() async throws {
        let (opened, engine) = try await store.open(create: true, engine: nil)
        defer { engine?.shutdown() }
        let store = opened.objects
        let files = self.files
        _ = try await IOPool.shared.run { (store as? LocalObjectStore)?.sweepTemporaries() }
        var objects: [PutResult.Object] = []
        for path in files {
            // Read and deflated on the I/O pool; the commit awaits the disk on no thread.
            let writer = try await IOPool.shared.run { try Self.fill(path, into: store) }
            do {
                objects.append(PutResult.Object(file: path, object: try await writer.commit()))
            } catch {
                writer.abandon()
                throw error
            }
        }
        if json {
            try Console.json(encoding: PutResult(objects: objects))
        } else {
            for o in objects { Console.out("\(o.sha256)  \(o.status)  \(o.size)  \(o.storedSize)") }
        }
    }

    /// Streams one file into a new writer of the store, to be committed. Read with `read(2)`: a
    /// directory or an unreadable file is an error to report, not a trap (Foundation's file
    /// handle type traps on EISDIR). Blocking.
    static func fill(_ path: String, into store: any ObjectStore) throws -> any ObjectWriting {
        let input: FileDescriptor
        do {
            input = path == "-" ? .standardInput : try FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec)
        } catch {
            throw TTSArchiveError(.partial, "cannot read \(TerminalText.escape(path))", fix: "\(error); check the path and its permissions")
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
                    throw TTSArchiveError(.partial, "cannot read \(TerminalText.escape(path))", fix: "\(error); check the path and its permissions")
                }
                if n == 0 { break }
                try buffer.withUnsafeBytes { try writer.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
            return writer
        } catch {
            writer.abandon()
            throw error
        }
    }
}

/// `put --json` (docs/formats.md#command-results).
private struct PutResult: Encodable {
    struct Object: Encodable {
        var file: String
        var sha256: String
        var status: String
        var size: Int64
        var storedSize: Int64

        init(file: String, object: StoredObject) {
            self.file = file
            sha256 = object.digest.hex
            status = object.isNew ? "new" : "existing"
            size = object.size
            storedSize = object.storedSize
        }

        enum CodingKeys: String, CodingKey {
            case file, sha256, status, size
            case storedSize = "stored_size"
        }
    }

    var objects: [Object]
}

extension PutCommand: ConfiguredCommand {
    static var settingsGroups: [SettingsGroupPath<PutCommand>] { [.init(\.store)] }
}
