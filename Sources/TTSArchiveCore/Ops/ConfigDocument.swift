import Foundation
// Internal: TOMLKit's operators and Int extensions must not reach modules that import Core.
internal import TOMLKit

/// A TOML syntax error in a settings file, where TOMLKit (toml++) found it.
public struct ConfigSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    /// toml++'s own words, on one line.
    public let detail: String

    public var description: String { "line \(line), column \(column): \(detail)" }
}

/// `ttsarchive.toml` read with TOMLKit (full TOML 1.0) and flattened to `table.key` → value,
/// each with the line that set it.
public enum ConfigDocument {
    /// Parses `text`; nested tables (headers, dotted keys, inline tables) become `a.b` names.
    public static func parse(_ text: String) throws(ConfigSyntaxError) -> [String: SettingEntry] {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let detail = error.description.split(whereSeparator: \.isNewline).joined(separator: " ")
            throw ConfigSyntaxError(line: error.source.begin.line, column: error.source.begin.column, detail: detail)
        } catch {
            throw ConfigSyntaxError(line: 0, column: 0, detail: "\(error)")
        }
        let lines = KeyLines(text)
        var entries: [String: SettingEntry] = [:]
        flatten(table, prefix: "") { name, value in
            entries[name] = SettingEntry(value: value, line: lines.line(of: name))
        }
        return entries
    }

    private static func flatten(_ table: TOMLTable, prefix: String, into add: (String, SettingValue) -> Void) {
        for (key, node) in table {
            let name = prefix.isEmpty ? key : prefix + "." + key
            if let nested = node.table {
                flatten(nested, prefix: name, into: add)
            } else {
                add(name, value(node))
            }
        }
    }

    private static func value(_ node: any TOMLValueConvertible) -> SettingValue {
        switch node.type {
        case .string: return node.string.map(SettingValue.string) ?? .other(typeName: "a string")
        case .int: return node.int.map(SettingValue.integer) ?? .other(typeName: "an integer")
        case .bool: return node.bool.map(SettingValue.boolean) ?? .other(typeName: "a boolean")
        case .array:
            let items = node.array.map { Array($0) } ?? []
            let strings = items.compactMap(\.string)
            return strings.count == items.count ? .strings(strings) : .other(typeName: "an array of non-strings")
        case .double: return .other(typeName: "a floating-point number")
        case .date, .time, .dateTime: return .other(typeName: "a date or time")
        case .table: return .other(typeName: "a table")
        }
    }
}

/// Where each key of a valid TOML document was written. TOMLKit 0.6 does not expose toml++'s
/// per-node source regions, so this finds `key =` and `[table]` lines itself; it reads only
/// text TOMLKit has already accepted, and a key it cannot place gets line 0 (file named only).
struct KeyLines {
    private var first: [String: Int] = [:]

    init(_ text: String) {
        var table = ""
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                let name = line.drop(while: { $0 == "[" }).prefix(while: { $0 != "]" })
                table = Self.normalized(String(name))
                if first[table] == nil { first[table] = index + 1 }
            } else if let equals = line.firstIndex(of: "="), !line.hasPrefix("#") {
                let key = Self.normalized(String(line[..<equals]))
                guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else { continue }
                let full = table.isEmpty ? key : table + "." + key
                if first[full] == nil { first[full] = index + 1 }
            }
        }
    }

    /// The line of `name`, else of its nearest enclosing table or key (an inline table's key).
    func line(of name: String) -> Int {
        var parts = name.split(separator: ".")
        while !parts.isEmpty {
            if let line = first[parts.joined(separator: ".")] { return line }
            parts.removeLast()
        }
        return 0
    }

    /// `a . "b"` → `a.b`.
    private static func normalized(_ key: String) -> String {
        key.split(separator: ".").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'")) }.joined(separator: ".")
    }
}
