import Foundation

/// A value of the TOML subset `ttsarchive.toml` is written in.
public enum TOMLValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case strings([String])

    /// The TOML spelling (strings quoted), for `config check`.
    public var description: String {
        switch self {
        case .string(let s): return TOMLSubset.quote(s)
        case .integer(let n): return String(n)
        case .boolean(let b): return b ? "true" : "false"
        case .strings(let list): return "[" + list.map(TOMLSubset.quote).joined(separator: ", ") + "]"
        }
    }

    /// The type's name in messages.
    public var typeName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .boolean: return "a boolean"
        case .strings: return "an array of strings"
        }
    }
}

/// A key's value and the line that set it.
public struct TOMLEntry: Sendable, Hashable {
    public var value: TOMLValue
    public var line: Int
}

/// A syntax error, with the line it is on.
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong there.
    public enum Problem: Sendable, Equatable {
        case expected(String)
        case unterminatedString
        case badEscape(String)
        case unsupported(String)
        case duplicateKey(String)
        case duplicateTable(String)
        case integerOutOfRange
    }

    public let line: Int
    public let problem: Problem

    public var description: String {
        switch problem {
        case .expected(let what): return "line \(line): expected \(what)"
        case .unterminatedString: return "line \(line): unterminated string"
        case .badEscape(let escape): return "line \(line): unknown escape \\\(escape)"
        case .unsupported(let what): return "line \(line): \(what) are not supported in ttsarchive.toml"
        case .duplicateKey(let key): return "line \(line): \(key) is set twice"
        case .duplicateTable(let table): return "line \(line): table [\(table)] appears twice"
        case .integerOutOfRange: return "line \(line): integer out of range"
        }
    }
}

/// A strict parser of the part of TOML a settings file needs: `[table]` headers, `key = value`
/// with bare keys, basic and literal strings, decimal integers, booleans, and arrays of strings
/// (which may span lines), with `#` comments. Anything else is an error naming its line, rather
/// than being misread.
public struct TOMLSubset {
    private var chars: [Character]
    private var index = 0
    private var line = 1

    private init(_ text: String) { chars = Array(text) }

    /// Parses `text` into `table.key` (root keys bare) → entry.
    public static func parse(_ text: String) throws(TOMLError) -> [String: TOMLEntry] {
        var parser = TOMLSubset(text)
        return try parser.document()
    }

    /// A TOML basic string for `s`.
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

    private var current: Character? { index < chars.count ? chars[index] : nil }

    private static func isNewline(_ c: Character?) -> Bool { c == "\n" || c == "\r\n" }

    private mutating func advance() {
        if Self.isNewline(current) { line += 1 }
        index += 1
    }

    private func fail(_ problem: TOMLError.Problem) -> TOMLError { TOMLError(line: line, problem: problem) }

    private mutating func skipBlanks() {
        while let c = current, c == " " || c == "\t" { advance() }
    }

    /// Blanks, then an optional comment, then a newline or the end.
    private mutating func endOfLine() throws(TOMLError) {
        skipBlanks()
        if current == "#" { while let c = current, !Self.isNewline(c) { advance() } }
        if Self.isNewline(current) { advance(); return }
        guard current == nil else { throw fail(.expected("the end of the line")) }
    }

    private mutating func document() throws(TOMLError) -> [String: TOMLEntry] {
        var entries: [String: TOMLEntry] = [:]
        var table = ""
        var tables: Set<String> = []
        while current != nil {
            skipBlanks()
            guard let c = current else { break }
            if c == "#" || Self.isNewline(c) {
                try endOfLine()
            } else if c == "[" {
                advance()
                if current == "[" { throw fail(.unsupported("arrays of tables ([[…]])")) }
                skipBlanks()
                let name = try bareKey()
                skipBlanks()
                guard current == "]" else { throw fail(.expected("] after the table name")) }
                advance()
                guard tables.insert(name).inserted else { throw fail(.duplicateTable(name)) }
                table = name
                try endOfLine()
            } else {
                let keyLine = line
                let key = try bareKey()
                skipBlanks()
                guard current == "=" else { throw fail(.expected("= after \(key)")) }
                advance()
                skipBlanks()
                let value = try self.value()
                let full = table.isEmpty ? key : table + "." + key
                guard entries[full] == nil else { throw TOMLError(line: keyLine, problem: .duplicateKey(full)) }
                entries[full] = TOMLEntry(value: value, line: keyLine)
                try endOfLine()
            }
        }
        return entries
    }

    private mutating func bareKey() throws(TOMLError) -> String {
        var key = ""
        while let c = current, c.isASCII, c.isLetter || c.isNumber || c == "_" || c == "-" {
            key.append(c)
            advance()
        }
        if current == "." { throw fail(.unsupported("dotted keys (use a [table])")) }
        if current == "\"" || current == "'" { throw fail(.unsupported("quoted keys")) }
        guard !key.isEmpty else { throw fail(.expected("a key (letters, digits, _ and -)")) }
        return key
    }

    private mutating func value() throws(TOMLError) -> TOMLValue {
        switch current {
        case "\"", "'":
            return .string(try string())
        case "[":
            return .strings(try stringArray())
        case "{":
            throw fail(.unsupported("inline tables"))
        case "t", "f":
            var word = ""
            while let c = current, c.isLetter { word.append(c); advance() }
            if word == "true" { return .boolean(true) }
            if word == "false" { return .boolean(false) }
            throw fail(.expected("a value (a \"string\", an integer, true/false or [\"strings\"])"))
        default:
            return .integer(try integer())
        }
    }

    private mutating func integer() throws(TOMLError) -> Int {
        var text = ""
        while let c = current, c.isASCII, c.isNumber || c == "_" || c == "+" || c == "-" || c == "." || c.isLetter || c == ":" {
            text.append(c)
            advance()
        }
        if text.contains(".") || text.contains("e") || text == "inf" || text == "nan" { throw fail(.unsupported("floating-point numbers")) }
        if text.contains(":") || text.dropFirst().contains("-") { throw fail(.unsupported("dates and times (quote them)")) }
        let digits = text.hasPrefix("+") || text.hasPrefix("-") ? String(text.dropFirst()) : text
        let wellFormed =
            !digits.isEmpty && digits.first!.isNumber && digits.last!.isNumber && !digits.contains("__")
            && digits.allSatisfy { $0.isNumber || $0 == "_" } && !(digits.count > 1 && digits.hasPrefix("0"))
        guard wellFormed else { throw fail(.expected("a value (a \"string\", an integer, true/false or [\"strings\"])")) }
        guard let n = Int(text.replacingOccurrences(of: "_", with: "")) else { throw fail(.integerOutOfRange) }
        return n
    }

    private mutating func string() throws(TOMLError) -> String {
        let quote = current!
        advance()
        if current == quote {
            advance()
            if current == quote { throw fail(.unsupported("multi-line strings")) }
            return ""
        }
        var out = ""
        while true {
            guard let c = current, !Self.isNewline(c) else { throw fail(.unterminatedString) }
            advance()
            if c == quote { return out }
            if c == "\\" && quote == "\"" {
                out.unicodeScalars.append(try escape())
            } else {
                out.append(c)
            }
        }
    }

    private mutating func escape() throws(TOMLError) -> Unicode.Scalar {
        guard let c = current else { throw fail(.unterminatedString) }
        advance()
        switch c {
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            var hex = ""
            for _ in 0..<(c == "u" ? 4 : 8) {
                guard let h = current, h.isHexDigit else { throw fail(.badEscape(String(c) + hex)) }
                hex.append(h)
                advance()
            }
            guard let scalar = UInt32(hex, radix: 16).flatMap(Unicode.Scalar.init) else { throw fail(.badEscape(String(c) + hex)) }
            return scalar
        default:
            throw fail(.badEscape(String(c)))
        }
    }

    /// `[ "a", 'b', ]`, across lines, comments allowed between elements.
    private mutating func stringArray() throws(TOMLError) -> [String] {
        advance()
        var items: [String] = []
        while true {
            try skipArrayFiller()
            if current == "]" { advance(); return items }
            guard current == "\"" || current == "'" else {
                if current == nil { throw fail(.expected("] to close the array")) }
                throw fail(.unsupported("arrays of anything but strings"))
            }
            items.append(try string())
            try skipArrayFiller()
            if current == "," { advance(); continue }
            guard current == "]" else { throw fail(.expected(current == nil ? "] to close the array" : ", or ] in the array")) }
        }
    }

    private mutating func skipArrayFiller() throws(TOMLError) {
        while let c = current {
            if c == " " || c == "\t" || Self.isNewline(c) {
                advance()
            } else if c == "#" {
                while let d = current, !Self.isNewline(d) { advance() }
            } else {
                break
            }
        }
    }
}
