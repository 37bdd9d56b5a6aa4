import ArgumentParser
import Foundation
import TTSArchiveCore

// What users type, parsed once by ArgumentParser into typed values: a value that does not
// parse (or overflows) is a usage error (exit 2) before any command runs, and nothing later
// re-parses a string or force-unwraps one.

/// A size in bytes as the flags write it: `4096`, `512K`, `16M`, `2G`, `1T` (binary units).
struct ByteSize: ExpressibleByArgument, Sendable, Equatable, CustomStringConvertible {
    /// The size; always positive.
    let bytes: Int64
    /// As the user wrote it (for help texts and the settings record).
    let text: String

    init?(argument: String) {
        guard let bytes = Self.parse(argument) else { return nil }
        self.bytes = bytes
        self.text = argument
    }

    /// A constant known to parse (defaults).
    init(_ text: StaticString) {
        guard let value = ByteSize(argument: "\(text)") else { preconditionFailure("bad built-in size \(text)") }
        self = value
    }

    var description: String { text }
    var defaultValueDescription: String { text }

    /// Bytes, or nil when `text` is not a positive size or the size overflows 64 bits
    /// (`9000000000G` is refused, not wrapped).
    static func parse(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = Substring(text)
        var factor: Int64 = 1
        if let last = text.last?.uppercased().first, let unit = units[last] {
            digits = digits.dropLast()
            factor = unit
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let n = Int64(digits), n > 0 else { return nil }
        let (product, overflow) = n.multipliedReportingOverflow(by: factor)
        return overflow ? nil : product
    }
}

/// A duration as the flags write it: `90`, `90s`, `15m`, `2h`, `7d` (at most 100 years).
struct DurationArgument: ExpressibleByArgument, Sendable, Equatable, CustomStringConvertible {
    let seconds: TimeInterval
    let text: String

    init?(argument: String) {
        guard let seconds = DurationText.seconds(argument) else { return nil }
        self.seconds = seconds
        self.text = argument
    }

    init(_ text: StaticString) {
        guard let value = DurationArgument(argument: "\(text)") else { preconditionFailure("bad built-in duration \(text)") }
        self = value
    }

    /// A duration from the settings file (already checked by ``ConfigFile``) or a flag.
    static func setting(_ text: String, key: String) throws -> DurationArgument {
        guard let value = DurationArgument(argument: text) else {
            throw TTSArchiveError(.configuration, "\(key) '\(TerminalText.escape(text))' is not a duration", fix: "write it as 90s, 15m, 2h or 7d")
        }
        return value
    }

    var description: String { text }
    var defaultValueDescription: String { text }
}

/// An ISO 8601 instant (`2025-06-09T10:48:07Z`).
struct TimestampArgument: ExpressibleByArgument, Sendable, Equatable {
    let date: Date
    let text: String

    init?(argument: String) {
        guard let date = Timestamp.parse(argument) else { return nil }
        self.date = date
        self.text = argument
    }
}

/// `K/N` for `--shard`.
struct ShardArgument: ExpressibleByArgument, Sendable, Equatable {
    let spec: ShardSpec

    init?(argument: String) {
        guard let spec = ShardSpec(argument) else { return nil }
        self.spec = spec
    }
}
