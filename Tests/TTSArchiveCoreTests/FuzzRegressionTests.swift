import Foundation
import Testing

@testable import TTSArchiveCore

/// Inputs that crashed the product under `make fuzz` (or its harness), replayed through the same
/// public entry point the fuzz target drives, so each fix stays fixed without the fuzzer.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    /// Loads `Tests/Fixtures/fuzz/<name>`.
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/fuzz/\(name)")
        return Array(try Data(contentsOf: url))
    }

    @Test("artifact sizes that sum past Int64 are an inconsistency, not a trap in verify")
    func manifestSizeOverflow() throws {
        // A valid v1 manifest (from the simulator) whose first two artifacts claim 9e18 bytes
        // each: the schema accepts them (non-negative integers), and summing them for the
        // counts.bytes check overflowed.
        let bytes = try Self.fixture("manifest-size-overflow.json")
        var expectations = ObjectExpectations()
        let inspection = ManifestInspection.inspect(
            name: "manifest-size-overflow.json", path: "manifest-size-overflow.json", bytes: bytes, into: &expectations)
        let inconsistent = inspection.problems.filter { $0.kind == .inconsistent }
        #expect(inconsistent.map(\.detail) == ["the artifacts' sizes sum past \(Int64.max) bytes: some size is wrong"])
        #expect(!inspection.problems.contains { $0.kind == .schema })
        #expect(expectations.entries == 5)
    }
}
