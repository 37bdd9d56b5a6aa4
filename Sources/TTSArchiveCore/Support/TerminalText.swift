/// Text made safe for a terminal or a log line: control characters shown as `\u{1B}`.
///
/// Job ids, text fields and error messages come from a server or a file; printed raw, an ESC
/// sequence in them would move the cursor, rewrite the screen or set the window title of the
/// operator reading `list` or a run summary. JSON output needs no escaping: its encoders
/// already write control characters as `\u001b`.
public enum TerminalText {
    /// `text` with every C0 and C1 control character and DEL written as `\u{XX}`; newlines and
    /// tabs are kept (they lay out multi-line reports) unless `keepingLayout` is false.
    public static func escape(_ text: String, keepingLayout: Bool = true) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepingLayout) }) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if needsEscape(scalar, keepingLayout) {
                result.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    private static func needsEscape(_ scalar: Unicode.Scalar, _ keepingLayout: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return !keepingLayout
        case 0x00...0x1F, 0x7F...0x9F: return true
        // Bidirectional overrides reorder what the operator sees (a "Trojan Source" job id).
        case 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
