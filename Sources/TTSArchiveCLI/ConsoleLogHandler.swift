import Foundation
import Logging
import TTSArchiveCore

/// swift-log's handler for the CLI: the format of `StreamLogHandler`, written through
/// ``Console`` so a closed or full stderr switches logging off instead of trapping, and server
/// text in a message (an error body, a job id) is escaped before it reaches a terminal.
struct ConsoleLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let fields = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        Console.error("\(Self.timestamp()) \(event.level) \(label):\(fields) \(event.message)")
    }

    private static func timestamp() -> String {
        Timestamp.format(Date())
    }
}
