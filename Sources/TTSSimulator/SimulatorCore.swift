import Foundation
import TTSNative
import Logging
import Synchronization
import TTSArchiveCore

/// Everything the request handlers share: the world, the knobs, the counters and the caches.
///
/// Each piece of mutable state sits behind its own lock and is only held for short, non-async
/// sections, so no handler ever waits on another one's I/O.
final class SimulatorCore: Sendable {
    let config: SimulatorConfig
    let knobs: Locked<RuntimeKnobs>
    let world: Locked<JobWorld>
    let planner: Locked<FaultPlanner>
    let stats = SimulatorStats()
    let etags = ETagCache()
    let limiter = BandwidthLimiter()
    let signer: LinkSigner
    let wave: SpeechWaveform
    let auth: AuthGate
    let logger: Logger
    private let startedAt = Locked(ContinuousClock.now)
    private let boundPort = Atomic<Int>(0)
    private let requestCounter = Atomic<UInt64>(0)
    private let requestSalt: UInt64

    init(config: SimulatorConfig, logger: Logger) {
        self.config = config
        self.logger = logger
        knobs = Locked(RuntimeKnobs(config: config))
        world = Locked(JobWorld(config: config))
        planner = Locked(FaultPlanner(seed: config.seed))
        signer = LinkSigner(seed: config.seed)
        wave = SpeechWaveform(seed: config.seed)
        auth = AuthGate(config: config)
        requestSalt = StableHash.combine(config.seed, StableHash.string("request-id"))
    }

    /// Called once the listener is bound: links name this port, and late success counts from now.
    func markStarted(port: Int) {
        boundPort.store(port, ordering: .releasing)
        startedAt.withLock { $0 = .now }
    }

    var port: Int { boundPort.load(ordering: .acquiring) }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Seconds since the server started.
    var elapsed: Double {
        let duration = ContinuousClock.now - startedAt.withLock { $0 }
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    var currentKnobs: RuntimeKnobs { knobs.withLock { $0 } }

    /// A fresh 32-hex-digit request id (unique per simulator, not secret).
    func nextRequestID() -> String {
        let n = requestCounter.wrappingAdd(1, ordering: .relaxed).newValue
        var rng = SeededRandom(seed: requestSalt ^ n)
        return rng.hex(32)
    }

    /// The job, object key text and content behind an object key, if it exists.
    func resolve(objectKey text: String) -> (job: SimJob, key: ObjectKey, content: ArtifactContent)? {
        world.withLock { world -> (SimJob, ObjectKey, ArtifactContent)? in
            guard let key = ObjectKey.parse(text, formatOf: { world.job(uid: $0)?.audioFormat }),
                let job = world.job(uid: key.uid), key.fileIndex < job.files.count,
                let content = job.files[key.fileIndex].content(key.kind)
            else { return nil }
            return (job, key, content)
        }
    }

    /// Whether an `absurd_length` object still announces its absurd length on this GET: always,
    /// unless `absurd_length_attempts` limits it to the first attempts (counted here).
    func absurdLengthHolds(objectKey: String) -> Bool {
        guard let limit = config.absurdLengthAttempts else { return true }
        return planner.withLock { $0.count("absurd|" + objectKey) } <= limit
    }

    /// Whether an object is in the persistent faulty set of `kind` at the current rate.
    /// An error message as this world sends it: with terminal escapes in front when the world
    /// has them (``SimulatorConfig/terminalEscapeFraction``).
    func serverText(_ text: String) -> String {
        config.terminalEscapeFraction > 0 ? SimulatorConfig.terminalEscape + text : text
    }

    func isFaulty(_ kind: FaultKind, objectKey: String, knobs: RuntimeKnobs) -> Bool {
        FaultPlanner.isFaulty(seed: config.seed, kind: kind, key: objectKey, rate: knobs.faults[kind])
    }
}
