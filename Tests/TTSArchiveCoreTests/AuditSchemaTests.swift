import Foundation
import Testing
@testable import TTSArchiveCore

@Suite("Manifest v1 schema, checked on the JSON as written")
struct AuditSchemaTests {
    /// A manifest the writer produced, as a mutable JSON tree.
    func written() async throws -> (fixture: AuditFixture, json: [String: Any]) {
        let fixture = try await AuditFixture(runs: 1)
        let data = try Data(contentsOf: URL(fileURLWithPath: fixture.manifestFile(fixture.runIDs[0])))
        return (fixture, try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]))
    }

    func issues(_ json: [String: Any]) throws -> [String] {
        let data = try JSONSerialization.data(withJSONObject: json)
        return ManifestSchema.issues(in: try RawJSON.parse(Array(data)))
    }

    @Test func whatTheWriterWritesConforms() async throws {
        let (_, json) = try await written()
        #expect(try issues(json) == [])
    }

    @Test func rawJSONKeepsWrittenTypes() async throws {
        let value = try RawJSON.parse(Array(#"{"a":true,"b":1,"c":1.5,"d":"x","e":null,"f":[0]}"#.utf8))
        #expect(value == .object(["a": .bool(true), "b": .integer(1), "c": .number(1.5), "d": .string("x"), "e": .null, "f": .array([.integer(0)])]))
    }

    @Test func missingKeysWrongTypesAndBadValuesAreNamedByPath() async throws {
        var (_, json) = try await written()
        json.removeValue(forKey: "counts")
        json["complete"] = 1
        json["schema"] = "ttsarchive.manifest/v2"
        var jobs = try #require(json["jobs"] as? [[String: Any]])
        var artifacts = try #require(jobs[0]["artifacts"] as? [[String: Any]])
        artifacts[0]["size"] = "40000"
        artifacts[0]["kind"] = "video"
        artifacts[1]["sha256"] = "ABC"
        artifacts[1].removeValue(forKey: "stored_sha256")
        jobs[0]["artifacts"] = artifacts
        jobs[1]["asset_id"] = 7
        json["jobs"] = jobs
        let found = try issues(json)
        let expected = [
            "counts: required key is missing",
            "complete: expected a boolean, found an integer",
            "schema: \"ttsarchive.manifest/v2\" is not \"ttsarchive.manifest/v1\"",
            "jobs[0].artifacts[0].size: expected an integer, found a string",
            "jobs[0].artifacts[0].kind: \"video\" is not one of audio, timestamps, subtitles, actions",
            "jobs[0].artifacts[1].sha256: \"ABC\" is not 64 lower-case hex digits",
            "jobs[0].artifacts[1].stored_sha256: required key is missing",
            "jobs[1].asset_id: expected a string, found an integer",
        ]
        #expect(Set(found) == Set(expected), "\(found)")
    }

    @Test func aLinkOrRunIDThatIsAPathIsRefused() async throws {
        var (_, json) = try await written()
        json["previous_manifest"] = ["run_id": "../../etc/passwd", "sha256": String(repeating: "a", count: 64)]
        json["run_id"] = "../x"
        let found = try issues(json)
        #expect(found.contains { $0.hasPrefix("previous_manifest.run_id: \"../../etc/passwd\" is not a run id") })
        #expect(found.contains { $0.hasPrefix("run_id: \"../x\" is not a run id") })
    }

    @Test func objectPathMustBeTheDigestsPath() async throws {
        var (_, json) = try await written()
        var jobs = try #require(json["jobs"] as? [[String: Any]])
        var artifacts = try #require(jobs[0]["artifacts"] as? [[String: Any]])
        artifacts[0]["object"] = "../../../etc/shadow"
        jobs[0]["artifacts"] = artifacts
        json["jobs"] = jobs
        #expect(try issues(json).first?.hasPrefix("jobs[0].artifacts[0].object: \"../../../etc/shadow\" is not the object path") == true)
    }

    @Test func optionalExtensionsMayBeAbsentButNotMistyped() async throws {
        var (_, json) = try await written()
        json.removeValue(forKey: "pending")
        json.removeValue(forKey: "bad_records")
        #expect(try issues(json) == [])
        json["pending"] = [["job_id": 3, "state": "WAITING", "create_time": NSNull()]]
        #expect(try issues(json) == ["pending[0].job_id: expected a string, found an integer"])
    }

    @Test func consistencyCatchesCountsAndDuplicates() async throws {
        let (fixture, _) = try await written()
        var manifest = try fixture.manifest(fixture.runIDs[0])
        #expect(ManifestConsistency.issues(in: manifest) == [])
        manifest.counts.bytes += 1
        manifest.jobs.append(manifest.jobs[0])
        let found = ManifestConsistency.issues(in: manifest)
        #expect(found.contains { $0.hasPrefix("counts.bytes is") })
        #expect(found.contains { $0.contains("appears more than once") })
        #expect(found.contains { $0.hasPrefix("counts.artifacts_stored is") })
    }

    @Test func notJSONIsUnreadable() async throws {
        let fixture = try await AuditFixture(runs: 2)
        try AuditFixture.mutate(fixture.manifestFile(fixture.runIDs[1])) { $0 = Array($0.prefix(100)) }
        let report = try await fixture.verify()
        let kinds = report.problems.filter { $0.path == fixture.manifestFile(fixture.runIDs[1]) }.map(\.kind)
        #expect(kinds.contains(.unreadable) && kinds.contains(.edited), "\(report.problems)")
        // Its link cannot be read, so the older manifest is unreachable.
        #expect(report.problems.contains { $0.kind == .unreachable && $0.path == fixture.manifestFile(fixture.runIDs[0]) })
    }
}
