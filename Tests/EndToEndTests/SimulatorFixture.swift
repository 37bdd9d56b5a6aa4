import Crypto
import Foundation
import TTSArchiveCore
import TTSSimulator

/// One simulator on a random loopback port, with small files so tests stay fast.
struct SimulatorFixture {
    let sim: MetaStudioSimulator
    static let windowStart = Date(timeIntervalSince1970: 1_749_427_200)  // 2025-06-09T00:00:00Z
    static let windowEnd = Date(timeIntervalSince1970: 1_749_513_600)  // 2025-06-10T00:00:00Z

    static func config(jobs: Int, seed: UInt64) -> SimulatorConfig {
        var config = SimulatorConfig(seed: seed, jobCount: jobs, windowStart: windowStart, windowEnd: windowEnd)
        config.audioMinBytes = 2_000
        config.audioMaxBytes = 80_000
        return config
    }

    static func start(jobs: Int = 60, seed: UInt64 = 11, _ configure: (inout SimulatorConfig) -> Void = { _ in })
        async throws -> SimulatorFixture
    {
        var config = config(jobs: jobs, seed: seed)
        configure(&config)
        let sim = MetaStudioSimulator(config: config)
        _ = try await sim.start()
        return SimulatorFixture(sim: sim)
    }

    func stop() async { await sim.shutdown() }

    /// Runs `body` against a fresh simulator and always shuts it down afterwards.
    static func with<T>(
        jobs: Int = 60, seed: UInt64 = 11, _ configure: (inout SimulatorConfig) -> Void = { _ in },
        _ body: (SimulatorFixture) async throws -> T
    ) async throws -> T {
        let fixture = try await start(jobs: jobs, seed: seed, configure)
        do {
            let result = try await body(fixture)
            await fixture.stop()
            return result
        } catch {
            await fixture.stop()
            throw error
        }
    }

    var jobsPath: String { "/v1/\(sim.config.projectID)/ttsc/tts-jobs" }
    var tokenHeader: [(String, String)] { [("X-Auth-Token", sim.config.authToken)] }

    /// ShowTtsJob with token auth; `query` is sent as written.
    func list(_ query: String = "") async throws -> RawResponse {
        try await SimulatorHTTP.request(sim.baseURL + jobsPath + (query.isEmpty ? "" : "?" + query), headers: tokenHeader)
    }

    /// A listing page's records, failing the test on anything but a 200 with a JSON body.
    func records(_ query: String) async throws -> (count: Int, data: [[String: Any]]) {
        let response = try await list(query)
        guard response.status == 200, let json = response.json, let count = json["count"] as? Int,
            let data = json["data"] as? [[String: Any]]
        else { throw SimulatorHTTP.Failure(description: "listing \(query): \(response.status) \(response.text.prefix(300))") }
        return (count, data)
    }

    /// Every record of the world, paged 100 at a time.
    func allRecords() async throws -> [[String: Any]] {
        var all: [[String: Any]] = []
        var offset = 0
        while true {
            let page = try await records("limit=100&offset=\(offset)")
            all += page.data
            offset += 100
            if offset >= page.count { return all }
        }
    }

    /// Every link of every SUCCEED record, with the record's audio format.
    func allLinks() async throws -> [(format: String, field: String, url: String)] {
        try await allRecords().flatMap { record -> [(format: String, field: String, url: String)] in
            let format = record["audio_format"] as? String ?? "?"
            return (record["files"] as? [[String: String]] ?? []).flatMap { file in
                file.sorted { $0.key < $1.key }.map { (format, $0.key, $0.value) }
            }
        }
    }

    func control(_ patch: String) async throws -> RawResponse {
        try await SimulatorHTTP.request("POST", sim.baseURL + "/__control", body: Array(patch.utf8))
    }

    func stats() async throws -> [String: Any] {
        try await SimulatorHTTP.request(sim.baseURL + "/__stats").json ?? [:]
    }

    func faultCount(_ name: String) async throws -> Int {
        (try await stats()["faults"] as? [String: Int])?[name] ?? 0
    }
}

/// Hex MD5 of bytes, as the simulator's ETag carries it (quoted).
func md5Hex(_ bytes: [UInt8]) -> String {
    Insecure.MD5.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}
