import ArgumentParser
import Foundation
import TTSArchiveCore

/// `ttsarchive verify`: re-hashes every object and reports damage.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Decompress and re-hash every object; report truncated, corrupt and stray files.",
        discussion: "Exit 0 when everything holds, 5 when damage was found, 4 when the archive cannot be read."
    )

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print the report as JSON on stdout.")
    var json = false

    func run() async throws {
        try await mappingErrors {
            let store = try store.openStore(create: false)
            let report = try await Blocking.run { try StoreVerifier(store: store).run() }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                var object = try JSONSerialization.jsonObject(with: encoder.encode(report)) as! [String: Any]
                object["clean"] = report.isClean
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            } else {
                for problem in report.problems {
                    print("\(problem.kind.rawValue)  \(problem.path)  \(problem.detail)")
                }
                let mb = Double(report.bytesChecked) / 1_000_000
                print("checked \(report.objectsChecked) objects (\(String(format: "%.1f", mb)) MB original): "
                    + (report.isClean ? "all good" : "\(report.problems.count) problem(s)"))
            }
            if !report.isClean { throw ExitCode(ExitStatus.damage) }
        }
    }
}
