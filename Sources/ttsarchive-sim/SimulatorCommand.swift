import ArgumentParser
import Dispatch
import Foundation
import Logging
import TTSArchiveCore
import TTSSimulator
import UnixSignals

/// `ttsarchive-sim`: runs the MetaStudio simulator until SIGINT or SIGTERM.
@main
struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ttsarchive-sim",
        abstract: "A Huawei Cloud MetaStudio (ShowTtsJob + OBS links) simulator on 127.0.0.1.",
        discussion: """
            Credentials come from the environment, never from the command line:
              HUAWEICLOUD_SDK_AK          access key accepted for SDK-HMAC-SHA256
                                          (default \(SimulatorConfig.defaultAccessKey))
              HUAWEICLOUD_SDK_SK          its secret key
                                          (default \(SimulatorConfig.defaultSecretKey))
              TTSARCHIVE_AUTH_TOKEN       token accepted in X-Auth-Token
                                          (default \(SimulatorConfig.defaultAuthToken))
              HUAWEICLOUD_SDK_PROJECT_ID  project id in the API paths
                                          (default \(SimulatorConfig.defaultProjectID))
            The defaults are public test credentials that open nothing real.

            Faults, --fault NAME=RATE (repeatable, RATE from 0 to 1):
              listing:   list_5xx, list_429, malformed_json
              records:   bad_record, hostile_job_id
              downloads: download_5xx, download_429, reset, truncate, flip, trickle
              links:     foreign_host, redirect_file, absurd_length
              both:      endless_error (a 503 whose chunked body drips forever)
            By default a faulty object or page fails on its first attempt only
            (--fault-attempts N for more), so a retry succeeds; --fault-mode random
            draws every request independently.

            While running: GET /__stats (counters), POST /__control (a JSON patch of
            link_ttl, bandwidth, appear_per_page, faults, fault_mode, fault_attempts,
            trickle_chunk_bytes, trickle_delay_ms, trickle_max_seconds,
            pending_become_succeeded_after), POST /__reset_stats.

            Prints "ttsarchive-sim listening on http://127.0.0.1:PORT" when ready and
            runs until SIGINT or SIGTERM.
            """)

    @Option(help: "TCP port on 127.0.0.1 (0 picks a free one).")
    var port = 0

    @Option(help: ArgumentHelp("Write the bound port to this file once listening.", valueName: "file"))
    var portFile: String?

    @Option(help: "JSON file of SimulatorConfig knobs (snake_case keys); flags override it.")
    var config: String?

    @Option(help: "Seed of the simulated world: same seed, same jobs and bytes.")
    var seed: UInt64?

    @Option(help: "Number of jobs at start (default 500).")
    var jobs: Int?

    @Option(help: "Start of the jobs' create_time window, ISO 8601 (default: 24 h before now).")
    var windowStart: String?

    @Option(help: "End of the window, ISO 8601 (default: now).")
    var windowEnd: String?

    @Option(help: "Seconds a download link stays valid (default 3600).")
    var linkTtl: Double?

    @Option(help: "Global download cap in bytes per second (default: none).")
    var bandwidth: Int?

    @Option(help: ArgumentHelp(
        "List download links on this base URL instead of this server's (e.g. a static file server holding the same files at /obs/<bucket>/<key>).",
        valueName: "url"))
    var linkBase: String?

    @Option(help: ArgumentHelp("Inject a fault at a rate, e.g. download_5xx=0.1.", valueName: "name=rate"))
    var fault: [String] = []

    @Option(help: "first_attempts (default) or random.")
    var faultMode: String?

    @Option(help: "In first_attempts mode, how many attempts of a faulty object fail (default 1).")
    var faultAttempts: Int?

    @Option(help: "New jobs inserted into the window after each listing page (default 0).")
    var appearPerPage: Int?

    @Option(help: "Smallest audio file in bytes (default 50000).")
    var audioMinBytes: Int?

    @Option(help: "Largest audio file in bytes (default 2000000).")
    var audioMaxBytes: Int?

    @Option(help: "Give the oldest SUCCEED job a WAV of exactly this many bytes (e.g. 2147483648).")
    var giantAudioBytes: Int?

    @Option(help: "Seconds after start when some pending jobs turn SUCCEED (default: never).")
    var pendingBecomeSucceededAfter: Double?

    @Option(help: "Log level on stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "warning"

    @Option(help: ArgumentHelp(
        "Also serve Alibaba ICE and Volcengine VMS inventories (one more loopback port, written to this file).",
        valueName: "file"))
    var inventoryPortFile: String?

    func validate() throws {
        _ = try makeConfig(environment: [:])
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown log level '\(logLevel)'") }
    }

    func run() async throws {
        let config = try makeConfig(environment: ProcessInfo.processInfo.environment)
        var logger = Logger(label: "ttsarchive-sim")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
        let simulator = MetaStudioSimulator(config: config, logger: logger)
        let bound = try await simulator.start()
        if let portFile {
            try writeAtomically(String(bound) + "\n", to: portFile)
        }
        // Written straight to the descriptor: stdout is often a pipe, and a buffered line would
        // keep a waiting script from ever seeing it.
        OutputChannel.standardOutput.emit("ttsarchive-sim listening on \(simulator.baseURL)\n")
        var inventory: InventorySimulator?
        if let inventoryPortFile {
            let server = InventorySimulator(config: InventorySimulatorConfig(seed: config.seed))
            let inventoryPort = try await server.start()
            try writeAtomically(String(inventoryPort) + "\n", to: inventoryPortFile)
            OutputChannel.standardOutput.emit("ttsarchive-sim inventories (Alibaba ICE, Volcengine VMS) on \(server.alibabaURL)\n")
            inventory = server
        }
        // Hummingbird serves on its own event loops; this task only waits for the signal.
        var signal = "end of signals"
        for await received in await UnixSignalsSequence(trapping: .sigint, .sigterm) {
            signal = received.description
            break
        }
        logger.info("stopping", metadata: ["signal": "\(signal)"])
        await inventory?.shutdown()
        await simulator.shutdown()
    }

    /// The config from the JSON file, the flags and the environment's credentials.
    private func makeConfig(environment: [String: String]) throws -> SimulatorConfig {
        var config = SimulatorConfig()
        if let path = self.config {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            do {
                config = try decoder.decode(SimulatorConfig.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw ValidationError("cannot read --config \(path): \(error)")
            }
        }
        if port != 0 || self.config == nil { config.port = port }
        if let seed { config.seed = seed }
        if let jobs { config.jobCount = jobs }
        if let windowStart { config.windowStart = try Self.time(windowStart, flag: "--window-start") }
        if let windowEnd { config.windowEnd = try Self.time(windowEnd, flag: "--window-end") }
        if windowStart != nil, windowEnd == nil, config.windowEnd < config.windowStart {
            throw ValidationError("--window-start is after the default window end (now)")
        }
        if let linkTtl { config.linkTTL = linkTtl }
        if let bandwidth { config.bandwidth = bandwidth }
        if let linkBase {
            guard let url = URL(string: linkBase), ["http", "https"].contains(url.scheme ?? ""), url.host != nil, url.query == nil else {
                throw ValidationError("--link-base must be an http(s) URL without a query, e.g. http://127.0.0.1:8080")
            }
            config.linkBase = linkBase.hasSuffix("/") ? String(linkBase.dropLast()) : linkBase
        }
        for assignment in fault {
            do {
                let (kind, rate) = try FaultRates.parseAssignment(assignment)
                config.faults[kind] = rate
            } catch {
                throw ValidationError("--fault: \(error)")
            }
        }
        if let faultMode {
            guard let mode = FaultMode(rawValue: faultMode) else {
                throw ValidationError("--fault-mode must be first_attempts or random")
            }
            config.faultMode = mode
        }
        if let faultAttempts { config.faultAttempts = faultAttempts }
        if let appearPerPage { config.appearPerPage = appearPerPage }
        if let audioMinBytes { config.audioMinBytes = audioMinBytes }
        if let audioMaxBytes { config.audioMaxBytes = audioMaxBytes }
        if let giantAudioBytes { config.giantAudioBytes = giantAudioBytes }
        if let pendingBecomeSucceededAfter { config.pendingBecomeSucceededAfter = pendingBecomeSucceededAfter }
        if let ak = environment["HUAWEICLOUD_SDK_AK"], !ak.isEmpty { config.accessKey = ak }
        if let sk = environment["HUAWEICLOUD_SDK_SK"], !sk.isEmpty { config.secretKey = sk }
        if let token = environment["TTSARCHIVE_AUTH_TOKEN"], !token.isEmpty { config.authToken = token }
        if let project = environment["HUAWEICLOUD_SDK_PROJECT_ID"], !project.isEmpty { config.projectID = project }
        do {
            try config.validate()
        } catch {
            throw ValidationError(error.description)
        }
        return config
    }

    private static func time(_ text: String, flag: String) throws -> Date {
        if let date = Timestamp.parse(text) { return date }
        throw ValidationError("\(flag) '\(text)' is not an ISO 8601 time such as 2025-06-09T10:48:07Z")
    }

    private func writeAtomically(_ text: String, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        try text.write(toFile: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary, path) == 0 else {
            throw ValidationError("cannot write --port-file \(path): \(String(cString: strerror(errno)))")
        }
    }
}
