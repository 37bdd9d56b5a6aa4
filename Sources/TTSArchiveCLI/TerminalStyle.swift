/// Whether the CLI may send terminal control sequences at all.
enum TerminalStyle {
    /// False when `NO_COLOR` is set to anything non-empty (https://no-color.org): then nothing
    /// the CLI writes holds an ESC byte of its own (server text is escaped anyway).
    static func allowsEscapes(_ environment: [String: String]) -> Bool {
        (environment["NO_COLOR"] ?? "").isEmpty
    }
}
