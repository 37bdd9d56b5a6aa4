import ArgumentParser
import FuzzSupport
import TTSArchiveCLI

/// Starts libFuzzer on ``fuzz(_:_:)``.
@main
enum ArgumentsFuzzer {
    static func main() { LibFuzzer.main(fuzz) }
}

/// libFuzzer entry: a command line as a user (or a cron line) types it, through the real root
/// command's parser: every subcommand, its typed arguments (sizes, durations, times, shard
/// specs, URLs, hosts) and its `validate()`.
///
/// The input is one argument per line (a NUL also ends an argument, so arguments holding a
/// newline are reachable). Parsing may fail, with any error; it must never trap. The message
/// the tool would print for that error, and its exit code, go through the same code as
/// `ttsarchive`'s `main()`, so rendering a usage error cannot trap either.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzInput.run(data, size) { bytes in
        // More arguments than this only repeat what shorter lines reach, slower.
        let arguments = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: 0x00, omittingEmptySubsequences: false) }
            .prefix(64)
            .map { String(decoding: $0, as: UTF8.self) }
        do {
            _ = try TTSArchiveCommand.parseAsRoot(Array(arguments))
        } catch {
            _ = TTSArchiveCommand.fullMessage(for: error)
            _ = TTSArchiveCommand.exitCode(for: error)
        }
    }
}
