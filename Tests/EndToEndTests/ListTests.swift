import Foundation
import Testing
import TTSNative
import TTSSimulator
@testable import TTSArchiveCore

@Suite("ttsarchive list", .serialized)
struct ListTests {
    func listJSON(_ sim: SimHarness, _ extra: [String] = []) async throws -> (ToolProcess.Result, [[String: Any]]) {
        let result = try await ToolProcess.run(
            ["list", "--endpoint", sim.endpoint, "--since", SimHarness.since, "--until", SimHarness.until, "--json"] + extra,
            environment: sim.environment)
        let lines = result.stdout.split(separator: "\n").map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? [:] }
        return (result, lines)
    }

    @Test func tenThousandJobsListedOnceEach() async throws {
        let sim = try await SimHarness.start(jobs: 10_000, seed: 3)
        let (result, jobs) = try await listJSON(sim, ["--state", "all"])
        #expect(result.status == 0, "\(result.stderr.suffix(500))")
        let ids = jobs.compactMap { $0["job_id"] as? String }
        #expect(ids.count == 10_000 && Set(ids).count == 10_000)
        #expect(result.stderr.contains("listed 10000 jobs"))
        await sim.stop()
    }

    @Test func tenThousandJobsListedOnceEachWhileNewOnesAppear() async throws {
        let sim = try await SimHarness.start(jobs: 10_000, seed: 3)
        let engine = HTTPEngine()
        defer { engine.shutdown() }
        let original = Set(try await sim.allJobs(engine: engine).map(\.jobID))
        #expect(original.count == 10_000)
        // Now every page served inserts jobs inside the window, pushing offsets along.
        var patch = ControlPatch()
        patch.appearPerPage = 3
        _ = try sim.simulator.apply(patch)
        let (result, jobs) = try await listJSON(sim, ["--state", "all"])
        let ids = jobs.compactMap { $0["job_id"] as? String }
        #expect(Set(ids).count == ids.count, "a job was listed twice")
        #expect(original.isSubset(of: Set(ids)), "\(original.subtracting(ids).count) jobs that existed were lost")
        let appeared = sim.simulator.stats().jobsAppeared
        #expect(appeared > 0)
        #expect(ids.count <= 10_000 + appeared)
        // Jobs still appearing inside the window after the last pass are reported, not hidden.
        if ids.count < 10_000 + appeared {
            #expect(result.status == 1 && result.stderr.contains("drifted"))
        } else {
            #expect(result.status == 0)
        }
        // Links are reduced to scheme+host+path: never a signed query string.
        #expect(!result.stdout.contains("Signature=") && !result.stdout.contains("AccessKeyId"))
        await sim.stop()
    }

    @Test func defaultStateIsSucceedAndMalformedRecordsMakeExitOne() async throws {
        let sim = try await SimHarness.start(jobs: 300, seed: 4) { $0.faults = FaultRates([.badRecord: 0.2]) }
        let (result, jobs) = try await listJSON(sim)
        #expect(jobs.allSatisfy { $0["job_state"] as? String == "SUCCEED" })
        #expect(result.status == 1)
        #expect(result.stderr.contains("malformed"))
        await sim.stop()
    }

    @Test func authenticationFailureIsExitThree() async throws {
        let sim = try await SimHarness.start(jobs: 10)
        var env = sim.environment
        env["HUAWEICLOUD_SDK_SK"] = "wrong-secret-key-000000000000000000000000"
        let result = try await ToolProcess.run(["list", "--endpoint", sim.endpoint], environment: env)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("MSS.000000004"))
        #expect(!result.stderr.contains("wrong-secret-key"))
        let missing = try await ToolProcess.run(["list", "--endpoint", sim.endpoint], environment: ["HUAWEICLOUD_SDK_AK": "x"])
        #expect(missing.status == 2 && missing.stderr.contains("HUAWEICLOUD_SDK_SK"))
        let plain = try await ToolProcess.run(["list", "--endpoint", "http://example.com"], environment: sim.environment)
        #expect(plain.status == 2 && plain.stderr.contains("http"))
        await sim.stop()
    }
}
