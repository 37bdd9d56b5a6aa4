/// The window as written in state and manifests.
public struct RunWindowRecord: Sendable, Codable, Hashable {
    public var createSince: String
    public var createUntil: String

    public init(_ window: TimeWindow) {
        createSince = Timestamp.format(window.since)
        createUntil = Timestamp.format(window.until)
    }

    enum CodingKeys: String, CodingKey {
        case createSince = "create_since", createUntil = "create_until"
    }
}
