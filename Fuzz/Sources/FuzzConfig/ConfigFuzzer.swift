import Foundation
import FuzzSupport
import TTSArchiveCore

/// Starts libFuzzer on ``fuzz(_:_:)``.
@main
enum ConfigFuzzer {
    static func main() { LibFuzzer.main(fuzz) }
}

/// libFuzzer entry: what a user types into files the tool reads, through the code that reads
/// them: `ttsarchive.toml` (`ConfigFile`), the credentials file (`CredentialsFile.parse`), and
/// the duration and terminal-text rules the settings and every printed line go through.
///
/// Beyond not crashing: a credentials error never shows a value from the file, a duration is
/// finite and bounded, and escaped text holds no control character.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzInput.run(data, size) { bytes in
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? ConfigFile(text: text, path: "/fuzz/ttsarchive.toml")
        checkCredentials(text)
        for line in text.split(separator: "\n").prefix(64) {
            if let seconds = DurationText.seconds(String(line)) {
                fuzzRequire(seconds.isFinite && seconds >= 0 && seconds <= DurationText.maximum, "duration \(seconds) out of range")
            }
        }
        let escaped = TerminalText.escape(text, keepingLayout: false)
        fuzzRequire(
            !escaped.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) },
            "a control character survived escaping")
    }
}

/// Neither side of any line's first '=' may appear in a credentials-file error: the value is a
/// secret, and on a malformed line the "name" may be one too (a base64 key ending in "==").
private func checkCredentials(_ text: String) {
    do {
        _ = try CredentialsFile.parse(text, path: "/fuzz/credentials")
    } catch {
        // After "PATH:LINE: ", the detail; its own vocabulary (the known variable names, the
        // fixed phrases) is not a leak.
        let message = error.description.split(separator: ": ", maxSplits: 1).last.map(String.init) ?? ""
        let vocabulary = CredentialsFile.knownVariables.sorted().joined(separator: ", ")
            + " expected KEY=VALUE; not one of the known variables (); is set twice"
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let sides = [line[..<equals], line[line.index(after: equals)...]].map { $0.trimmingCharacters(in: .whitespaces) }
            for side in sides where side.count >= 6 && !vocabulary.contains(side) {
                fuzzRequire(!message.contains(side), "a credentials error shows file content: \(message)")
            }
        }
    }
}
