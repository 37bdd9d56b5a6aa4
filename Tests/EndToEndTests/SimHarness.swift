import Crypto
import Foundation
import Logging
import TTSNative
import TTSSimulator
@testable import TTSArchiveCore

/// A simulator on a random loopback port, and the environment that points ttsarchive at it.
struct SimHarness {
    let simulator: MetaStudioSimulator
    let endpoint: String
    /// The last 24 hours (to the minute), so pending jobs are young, as they are at night.
    static let until: String = Timestamp.format(Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60))
    static let since: String = Timestamp.format(Timestamp.parse(until)!.addingTimeInterval(-86400))

    static func start(jobs: Int, seed: UInt64 = 7, _ configure: (inout SimulatorConfig) -> Void = { _ in }) async throws -> SimHarness {
        var config = SimulatorConfig(seed: seed, jobCount: jobs, windowStart: Timestamp.parse(since)!, windowEnd: Timestamp.parse(until)!)
        configure(&config)
        let simulator = MetaStudioSimulator(config: config)
        _ = try await simulator.start()
        return SimHarness(simulator: simulator, endpoint: simulator.baseURL)
    }

    /// Credentials as a user would set them: the environment, never argv.
    var environment: [String: String] {
        [
            "HUAWEICLOUD_SDK_AK": simulator.config.accessKey, "HUAWEICLOUD_SDK_SK": simulator.config.secretKey,
            "HUAWEICLOUD_SDK_PROJECT_ID": simulator.config.projectID,
        ]
    }

    /// Secrets that must never be written anywhere.
    var secrets: [String] { [simulator.config.accessKey, simulator.config.secretKey, simulator.config.authToken, "Signature="] }

    func stop() async { await simulator.shutdown() }

    /// `ttsarchive run` against this simulator over the window, into `dir`.
    func run(_ dir: ScratchDirectory, extra: [String] = [], window: Bool = true) async throws -> ToolProcess.Result {
        try await ToolProcess.run(runArguments(dir, extra: extra, window: window), environment: environment)
    }

    func runArguments(_ dir: ScratchDirectory, extra: [String] = [], window: Bool = true) -> [String] {
        var args = ["run", "--endpoint", endpoint, "--archive", dir.sub("archive"), "--manifests", dir.sub("manifests")]
        if window { args += ["--since", Self.since, "--until", Self.until] }
        return args + extra
    }

    /// A client of our own, to see what the simulator serves (fresh links, bodies).
    func client(engine: HTTPEngine) throws -> MetaStudioClient {
        MetaStudioClient(
            endpoint: try Endpoint(endpoint), projectID: simulator.config.projectID,
            credentials: .accessKey(id: simulator.config.accessKey, secret: simulator.config.secretKey),
            transport: APITransport(engine: engine, policy: RetryPolicy(maxAttempts: 8, baseDelay: .milliseconds(50)), logger: Logger(label: "test")))
    }

    /// Every job of the window, listed afresh.
    func allJobs(engine: HTTPEngine) async throws -> [TtsJob] {
        let lister = JobLister(client: try client(engine: engine), window: try TimeWindow(since: Timestamp.parse(Self.since)!, until: Timestamp.parse(Self.until)!))
        var jobs: [TtsJob] = []
        while let batch = try await lister.next() { jobs += batch }
        return jobs
    }

    /// SHA-256 of what a link serves.
    static func digest(of url: String, engine: HTTPEngine) async throws -> String {
        let sink = BufferingSink(limit: 1 << 30)
        let result = try await engine.execute(HTTPTransferRequest(url: url, allowHTTP: true), sink: sink)
        precondition(result.head.status == 200, "status \(result.head.status)")
        return SHA256.hash(data: sink.bytes).map { String(format: "%02x", $0) }.joined()
    }
}

/// Reads a run's manifest and state.
struct RunFiles {
    let dir: ScratchDirectory

    func head() throws -> ManifestHead {
        try JSONDecoder().decode(ManifestHead.self, from: Data(contentsOf: URL(fileURLWithPath: dir.sub("manifests/HEAD.json"))))
    }

    func manifest() throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: dir.sub("manifests/" + head().file))))
    }

    /// Every file the run wrote (state, manifests), for secret scans.
    func writtenFiles() -> [String] {
        var files: [String] = []
        for root in ["manifests", "archive/state"] {
            let enumerator = FileManager.default.enumerator(atPath: dir.sub(root))
            while let name = enumerator?.nextObject() as? String { files.append(dir.sub(root + "/" + name)) }
        }
        return files
    }
}
