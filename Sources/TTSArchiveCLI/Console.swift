import ArgumentParser
import Foundation
import TTSArchiveCore

/// The CLI's only way to print: lines to stdout and stderr through ``OutputChannel`` (which
/// returns errors instead of trapping), escaped so that text from a server or a file cannot
/// drive the operator's terminal, and one decision at exit about output that was lost.
///
/// Policy (README, "Running unattended"):
/// - stderr failing (closed, a dead logger's pipe, a full disk) switches diagnostics off for
///   the rest of the process; the command goes on and its exit status is unchanged.
/// - stdout's reader gone (EPIPE, e.g. `| head`): the command ends quietly with 141, what a
///   shell reports for a process killed by SIGPIPE, unless it already failed with its own code.
/// - stdout failing otherwise (closed, /dev/full): one line on stderr and exit 1 (the work
///   was done, its report was lost), unless the command already failed with its own code.
enum Console {
    /// What a shell reports for a command ended by SIGPIPE (128 + 13).
    static let brokenPipeStatus: Int32 = 141

    /// Called first thing. SIGPIPE would kill the process on a write to a pipe whose reader has
    /// gone, mid-night and before the manifest; ignored, the write returns EPIPE instead. And
    /// closed standard descriptors are occupied before anything else can be opened on them.
    static func prepare() {
        signal(SIGPIPE, SIG_IGN)
        OutputChannel.occupyClosedStandardDescriptors()
    }

    /// One line of human output on stdout, control characters escaped.
    static func out(_ text: String, terminator: String = "\n") {
        OutputChannel.standardOutput.emit(TerminalText.escape(text) + terminator)
    }

    /// JSON on stdout, exactly as encoded: JSON escapes C0 controls itself, and a C1 control
    /// or a bidi override inside a string is data that a JSON consumer must get unchanged.
    static func json(_ text: String, terminator: String = "\n") {
        OutputChannel.standardOutput.emit(text + terminator)
    }

    /// A command's `--json` result on stdout: keys sorted, so the schema in docs/formats.md
    /// reads the same as the output; pretty-printed, or on one line for a line-per-run log.
    static func json(encoding value: some Encodable, oneLine: Bool = false) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = oneLine ? [.sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        json(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// One line on stderr, control characters escaped; dropped once stderr has failed.
    static func error(_ text: String) {
        OutputChannel.standardError.emit(TerminalText.escape(text) + "\n")
    }

    /// The exit status once the command's own `code` is known, after lost stdout output.
    static func finalStatus(_ code: Int32) -> Int32 {
        guard let failure = OutputChannel.standardOutput.failure, code == 0 else { return code }
        return status(for: failure)
    }

    /// The status for a stdout failure that ended a command (e.g. `cat` into a closed pipe).
    static func status(for failure: OutputError) -> Int32 {
        if failure.readerGone { return brokenPipeStatus }
        error("ttsarchive: error: \(failure)")
        return ExitStatus.partialFailure
    }
}
