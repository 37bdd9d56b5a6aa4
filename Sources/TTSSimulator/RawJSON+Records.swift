import TTSArchiveCore

/// The simulator writes its JSON with the tool's own ``RawJSON`` and its canonical serialiser
/// (keys sorted by UTF-8 bytes, no white space), so every response is the same bytes on every
/// run, and a record deliberately made wrong (`bad_record`) is still well-formed JSON. These
/// spell its records the way the seeds' examples read: members in the documented order.
extension RawJSON {
    /// An integer, spelled as the simulator's records spell it.
    static func int(_ value: Int64) -> RawJSON { .integer(value) }

    /// A number with a fraction.
    static func double(_ value: Double) -> RawJSON { .number(value) }

    /// An object from its members; the serialiser orders them, so the order given does not matter.
    static func object(_ members: [(String, RawJSON)]) -> RawJSON {
        .object(Dictionary(members, uniquingKeysWith: { _, last in last }))
    }
}
