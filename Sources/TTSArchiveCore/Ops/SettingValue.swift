import Foundation

/// A setting's value as `ttsarchive.toml`, a flag or the environment gives it.
public enum SettingValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case strings([String])
    /// Valid TOML that no setting takes (a float, a date, a table, a mixed array): kept by its
    /// type's name so the schema check can say what was found instead of what was expected.
    case other(typeName: String)

    /// The TOML spelling (strings quoted), for `config show`.
    public var description: String {
        switch self {
        case .string(let s): return Self.quote(s)
        case .integer(let n): return String(n)
        case .boolean(let b): return b ? "true" : "false"
        case .strings(let list): return "[" + list.map(Self.quote).joined(separator: ", ") + "]"
        case .other(let typeName): return "(\(typeName))"
        }
    }

    /// The type's name in messages.
    public var typeName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .boolean: return "a boolean"
        case .strings: return "an array of strings"
        case .other(let typeName): return typeName
        }
    }

    /// A TOML basic string for `s`: what `config show` prints can be pasted back into the file.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if c.value < 0x20 || c.value == 0x7f { out += String(format: "\\u%04X", c.value) } else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }
}

/// A setting's value and the line of the file that set it.
public struct SettingEntry: Sendable, Hashable {
    public var value: SettingValue
    /// 1-based; 0 when the line could not be told (the message then names the file only).
    public var line: Int

    public init(value: SettingValue, line: Int) {
        self.value = value
        self.line = line
    }
}
