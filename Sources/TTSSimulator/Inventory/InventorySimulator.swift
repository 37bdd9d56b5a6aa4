import Foundation
import TTSNative
import Hummingbird
public import Logging
import ServiceLifecycle

/// Alibaba Cloud ICE and Volcengine VMS, simulated on 127.0.0.1 for inventory tests and demos.
///
/// ## Endpoints (both on one port; ``alibabaURL`` and ``volcengineURL`` are the same server)
/// - `POST /?PageNo=…&PageSize=…&Type=Basic|Standard` with `x-acs-action:
///   ListCustomizedVoiceJobs` and `x-acs-version: 2020-11-09` — ICE, ACS3-HMAC-SHA256 checked by
///   ``ACS3Verifier``, written from Alibaba's rules rather than the client's signer.
///   `{RequestId, Data: {CustomizedVoiceJobList, TotalCount}, Success}`; errors
///   `{RequestId, HostId, Code, Message, Recommend}`: `SignatureDoesNotMatch` (400),
///   `InvalidAccessKeyId.NotFound` (404), `IncompleteSignature` (400), `InvalidTimeStamp.Expired`
///   (400), `SignatureNonceUsed` (400), `InvalidParameter` (400).
/// - `GET /?Action=QueryUsableResourceV2&Version=2022-01-01&Type=0|1|2` — VMS, HMAC-SHA256
///   (service `vms`, any region) checked by ``VolcengineVerifier``. `{ResponseMetadata, Result:
///   {Records}}`, records in a different order on every other answer; errors in
///   `ResponseMetadata.Error`: `SignatureDoesNotMatch` (403), `InvalidAccessKey` (401),
///   `SignatureExpired` (401),
///   `InvalidParameter` / `InvalidAction` (400).
///
/// ## Faults
/// `throttle_rate` of the pages (decided per page by the seed) answer their first
/// `fault_attempts` requests with ICE `Throttling.User` / VMS `Throttling` (400);
/// `unavailable_rate` with 503 `ServiceUnavailable`. A retry then succeeds.
public final class InventorySimulator: Sendable {
    private let core: InventoryCore
    private let logger: Logger
    private let server = Locked<(group: ServiceGroup, task: Task<Void, Never>)?>(nil)

    /// A simulator for `config`; the inventories are generated here, the server starts in ``start()``.
    public init(
        config: InventorySimulatorConfig,
        logger: Logger = Logger(label: "ttsarchive-inventory-sim", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        core = InventoryCore(config: config)
        self.logger = logger
    }

    public var config: InventorySimulatorConfig { core.config }

    /// The bound port once started, else 0.
    public var port: Int { core.port.load(ordering: .acquiring) }

    /// `http://127.0.0.1:PORT`, for `--alibaba-endpoint`.
    public var alibabaURL: String { "http://127.0.0.1:\(port)" }

    /// `http://127.0.0.1:PORT`, for `--volcengine-endpoint`.
    public var volcengineURL: String { "http://127.0.0.1:\(port)" }

    /// What was served so far.
    public var stats: InventorySimulatorStats { core.stats.withLock { $0 } }

    /// Binds 127.0.0.1:`config.port` (0 = any free port), serves in the background, returns the port.
    public func start() async throws -> Int {
        if server.withLock({ $0 != nil }), port != 0 { return port }
        let (events, continuation) = AsyncStream<Result<Int, any Error>>.makeStream()
        let core = self.core
        let app = Application(
            responder: InventoryResponder(core: core),
            configuration: .init(address: .hostname("127.0.0.1", port: core.config.port)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                core.port.store(port, ordering: .releasing)
                continuation.yield(.success(port))
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task {
            do {
                try await group.run()
                continuation.yield(.failure(SimulatorError.stoppedBeforeListening))
            } catch {
                continuation.yield(.failure(error))
            }
            continuation.finish()
        }
        server.withLock { $0 = (group, task) }
        for await event in events { return try event.get() }
        throw SimulatorError.stoppedBeforeListening
    }

    /// Stops the server and waits for it.
    public func shutdown() async {
        guard let (group, task) = server.withLock({ server in defer { server = nil }; return server }) else { return }
        await group.triggerGracefulShutdown()
        await task.value
    }
}
